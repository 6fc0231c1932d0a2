// SPDX-License-Identifier: GPL-2.0
/*
 * lab_splat - throwaway test module for the cxl-dcd test runner.
 *
 * Loading it with warn=1 raises a kernel WARN and otherwise succeeds, so the
 * runner's self-test can prove that a guest run whose commands all succeed is
 * still reported failed when the kernel log shows a splat.
 */
#include <linux/module.h>
#include <linux/bug.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "raise a WARN at load time");

static int __init lab_splat_init(void)
{
	WARN(warn, "lab_splat: injected warning\n");
	pr_info("lab_splat: loaded (warn=%d)\n", warn);
	return 0;
}
module_init(lab_splat_init);

static void __exit lab_splat_exit(void)
{
}
module_exit(lab_splat_exit);

MODULE_DESCRIPTION("cxl-dcd lab: inject a WARN for the runner's self-test");
MODULE_LICENSE("GPL");
