// SPDX-License-Identifier: GPL-2.0
/*
 * lab_splat - throwaway test module for the cxl-dcd test runner.
 *
 * Each parameter injects one kind of kernel report at load time, and the load
 * still succeeds, so the runner's self-test can prove that a guest run whose
 * commands all succeed is reported failed when its kernel saw the problem:
 *
 *   warn=1      a WARN
 *   kasan=1     a one-byte read past a kmalloc() buffer (KASAN)
 *   ubsan=1     an array index past the end of an array (UBSAN bounds)
 *   lockdep=1   two mutexes taken in both orders, A-B then B-A, by the one
 *               thread (lockdep: possible circular locking dependency)
 *   leak=1      a kmalloc() whose only pointer is dropped (kmemleak)
 *
 * The faults are contained: the out-of-bounds read stays inside the slab
 * object's redzone, the array index inside its enclosing struct, and the
 * lock inversion happens in one thread, so it cannot deadlock.
 */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/bug.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "raise a WARN at load time");

static bool kasan;
module_param(kasan, bool, 0444);
MODULE_PARM_DESC(kasan, "read one byte past a kmalloc() buffer at load time");

static bool ubsan;
module_param(ubsan, bool, 0444);
MODULE_PARM_DESC(ubsan, "index an array past its end at load time");

static bool lockdep;
module_param(lockdep, bool, 0444);
MODULE_PARM_DESC(lockdep, "take two mutexes in both orders at load time");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak a kmalloc() buffer at load time");

static DEFINE_MUTEX(lab_splat_a);
static DEFINE_MUTEX(lab_splat_b);

static noinline void lab_splat_kasan(void)
{
	size_t size = 13;
	char *p;

	p = kmalloc(size, GFP_KERNEL);
	if (!p)
		return;
	/* hide the size from the compiler's own bounds checks */
	OPTIMIZER_HIDE_VAR(size);
	pr_info("lab_splat: byte past a %zu-byte buffer: %d\n", size,
		READ_ONCE(p[size]));
	kfree(p);
}

static noinline void lab_splat_ubsan(void)
{
	struct {
		int arr[4];
		int after;
	} s = { .after = 1 };
	int i = ARRAY_SIZE(s.arr);
	int v;

	OPTIMIZER_HIDE_VAR(i);
	/*
	 * s.arr[4] is s.after: in bounds of s, out of bounds of s.arr. A plain
	 * read: READ_ONCE() takes &s.arr[4] first, a valid one-past-the-end
	 * address -fsanitize=bounds does not flag.
	 */
	v = s.arr[i];
	OPTIMIZER_HIDE_VAR(v);
	pr_info("lab_splat: arr[%d] = %d\n", i, v);
}

static noinline void lab_splat_lockdep(void)
{
	mutex_lock(&lab_splat_a);
	mutex_lock(&lab_splat_b);
	mutex_unlock(&lab_splat_b);
	mutex_unlock(&lab_splat_a);

	mutex_lock(&lab_splat_b);
	mutex_lock(&lab_splat_a);
	mutex_unlock(&lab_splat_a);
	mutex_unlock(&lab_splat_b);
}

static noinline void lab_splat_leak(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (p)
		memset(p, 0x5a, 64);
	pr_info("lab_splat: leaked a 64-byte buffer\n");
}

static int __init lab_splat_init(void)
{
	WARN(warn, "lab_splat: injected warning\n");
	if (kasan)
		lab_splat_kasan();
	if (ubsan)
		lab_splat_ubsan();
	if (lockdep)
		lab_splat_lockdep();
	if (leak)
		lab_splat_leak();
	pr_info("lab_splat: loaded (warn=%d kasan=%d ubsan=%d lockdep=%d leak=%d)\n",
		warn, kasan, ubsan, lockdep, leak);
	return 0;
}
module_init(lab_splat_init);

static void __exit lab_splat_exit(void)
{
}
module_exit(lab_splat_exit);

MODULE_DESCRIPTION("cxl-dcd lab: inject kernel reports for the runner's self-test");
MODULE_LICENSE("GPL");
