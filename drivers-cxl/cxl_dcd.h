/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright(c) 2026 The cxl-dcd authors. */
#ifndef __CXL_DCD_CXL_DCD_H__
#define __CXL_DCD_CXL_DCD_H__

/**
 * DOC: cxl-dcd device state
 *
 * &struct dcd_dev is what cxl_dcd.ko keeps per DC-capable memdev, and the
 * prototypes shared between main.c (lifecycle), mbox.c (commands) and
 * sysfs.c (read-only attributes).
 *
 * Lifetime: a &struct dcd_dev is created when a memdev that passes all
 * checks appears (module load or memdev BUS_NOTIFY_ADD_DEVICE) and destroyed
 * at the memdev's BUS_NOTIFY_DEL_DEVICE or at module unload, whichever comes
 * first; both run under dcd_lock (main.c). It holds a reference on the
 * memdev's struct device; @cxlmd->cxlds is used only while the memdev is
 * being probed, never later. The configuration is immutable once the sysfs
 * files exist, so show() handlers read it without locking; removal of the
 * files waits for running show() calls before the structure is freed.
 */

#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/sysfs.h>
#include "compat.h"
#include "dcd.h"

/* Files under dcd/regionN/, in this order */
enum dcd_region_field {
	DCD_RF_BASE,
	DCD_RF_DECODE_LENGTH,
	DCD_RF_LENGTH,
	DCD_RF_BLOCK_SIZE,
	DCD_RF_DSMAD_HANDLE,
	DCD_RF_FLAGS,
	DCD_RF_NR
};

/**
 * struct dcd_region_kattr - one dcd/regionN/<field> file
 * @kattr: the sysfs attribute
 * @region: region it shows
 * @field: which field of @region
 */
struct dcd_region_kattr {
	struct kobj_attribute kattr;
	const struct dcd_region *region;
	enum dcd_region_field field;
};

/**
 * struct dcd_region_sysfs - the dcd/regionN directory
 * @name: "regionN"
 * @attr: one attribute per field
 * @attrs: NULL terminated pointers to @attr, for @group
 * @group: the named group creating the directory
 */
struct dcd_region_sysfs {
	char name[16];
	struct dcd_region_kattr attr[DCD_RF_NR];
	struct attribute *attrs[DCD_RF_NR + 1];
	struct attribute_group group;
};

/**
 * struct dcd_dev - cxl_dcd.ko state of one DC-capable memdev
 * @node: entry in dcd_devs, protected by dcd_lock
 * @cxlmd: the memdev; a reference on @cxlmd->dev is held
 * @cfg: validated DC configuration, immutable after probe
 * @total_size: sum of the region lengths, in bytes
 * @ram_size_attr: memX/dynamic_ram_1/size
 * @ram_attrs: NULL terminated pointers for @ram_group
 * @ram_group: the memX/dynamic_ram_1 group
 * @ram_group_added: @ram_group was created
 * @dcd_kobj: memX/dcd, or NULL
 * @count_attr: memX/dcd/region_count
 * @rsys: memX/dcd/regionN directories, @cfg.nr_regions of them
 */
struct dcd_dev {
	struct list_head node;
	struct cxl_memdev *cxlmd;
	struct dcd_config cfg;
	u64 total_size;
	struct device_attribute ram_size_attr;
	struct attribute *ram_attrs[2];
	struct attribute_group ram_group;
	bool ram_group_added;
	struct kobject *dcd_kobj;
	struct kobj_attribute count_attr;
	struct dcd_region_sysfs rsys[DCD_MAX_REGIONS];
};

/* mbox.c */
int dcd_mbox_send(struct cxl_mailbox *mbox, u16 opcode, const void *in,
		  size_t in_size, void *out, size_t out_size, size_t min_out,
		  size_t *out_len);
int dcd_read_cel_dc_ops(struct cxl_memdev *cxlmd, u32 *mask,
			const char **why);
int dcd_get_dc_config(struct cxl_memdev *cxlmd, struct dcd_config *cfg,
		      struct dcd_cfg_status *st);

/* sysfs.c */
int dcd_sysfs_add(struct dcd_dev *dcd);
void dcd_sysfs_remove(struct dcd_dev *dcd);

#endif /* __CXL_DCD_CXL_DCD_H__ */
