// SPDX-License-Identifier: GPL-2.0
/*
 * lab_dcrelease - throwaway test module for the cxl-dcd lab.
 *
 * Loading it sends one Release Dynamic Capacity (0x4803) for [dpa, dpa + len)
 * straight to a memdev's mailbox, behind cxl_dcd's back: the device forgets
 * an extent the host still tracks. QEMU 10.0 then takes an offer overlapping
 * that extent (it refuses one overlapping capacity it has accepted), so a
 * guest test can see cxl_dcd's own refusal of an overlapping extent
 * (selftests/scenarios/dc-overlap.py). Loading fails with the command's
 * error if the device refuses the release.
 *
 *   insmod lab_dcrelease.ko memdev=mem0 dpa=0x0 len=0x4000000
 */
#include <linux/module.h>
#include <linux/device.h>
#include "drivers/cxl/cxlmem.h"

static char *memdev = "mem0";
module_param(memdev, charp, 0444);
MODULE_PARM_DESC(memdev, "CXL memdev whose device releases the range");
static unsigned long long dpa, len;
module_param(dpa, ullong, 0444);
MODULE_PARM_DESC(dpa, "start DPA of the range");
module_param(len, ullong, 0444);
MODULE_PARM_DESC(len, "length of the range");

/* CXL r3.1 8.2.9.9.9.4: Release Dynamic Capacity input, one extent */
struct lab_release_in {
	__le32 count;
	u8 flags;
	u8 rsvd[3];
	__le64 dpa;
	__le64 len;
	u8 rsvd2[8];
} __packed;

static int __init lab_dcrelease_init(void)
{
	struct lab_release_in in = {
		.count = cpu_to_le32(1),
		.dpa = cpu_to_le64(dpa),
		.len = cpu_to_le64(len),
	};
	struct cxl_mbox_cmd cmd = {
		.opcode = 0x4803,
		.payload_in = &in,
		.size_in = sizeof(in),
	};
	struct cxl_memdev *cxlmd;
	struct device *dev;
	int rc;

	dev = bus_find_device_by_name(&cxl_bus_type, NULL, memdev);
	if (!dev)
		return -ENODEV;
	if (!is_cxl_memdev(dev)) {
		put_device(dev);
		return -EINVAL;
	}
	cxlmd = to_cxl_memdev(dev);
	rc = cxlmd->cxlds ? cxl_internal_send_cmd(&cxlmd->cxlds->cxl_mbox, &cmd) : -ENXIO;
	pr_info("lab_dcrelease: %s: Release DC %#llx+%#llx sent behind cxl_dcd: %d\n",
		memdev, dpa, len, rc);
	put_device(dev);
	return rc;
}
module_init(lab_dcrelease_init);

static void __exit lab_dcrelease_exit(void)
{
}
module_exit(lab_dcrelease_exit);

MODULE_DESCRIPTION("cxl-dcd lab: make a DCD forget an extent behind cxl_dcd");
MODULE_LICENSE("GPL");
#ifdef LAB_NS_STRING
MODULE_IMPORT_NS("CXL");
#else
MODULE_IMPORT_NS(CXL);
#endif
