// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd sysfs
 *
 * Read-only files cxl_dcd.ko adds to a DC-capable memdev
 * (Documentation/ABI/testing/sysfs-bus-cxl-dcd):
 *
 * - memX/dynamic_ram_1/size: total DC capacity, as the upstream DCD series
 *   names the DC partition;
 * - memX/dcd/region_count and memX/dcd/regionN/{base,decode_length,length,
 *   block_size,dsmad_handle,flags}: the validated Get DC Configuration;
 * - memX/dcd/orphans (RO): "<dpa> <length>" per extent accepted on the
 *   device that no region covers;
 * - memX/dcd/release_extent (WO): "<dpa> <length>" releases the extents
 *   that range touches (orphans, or accepted extents not in use).
 *
 * The attributes are allocated per memdev inside &struct dcd_dev, so show()
 * finds its data with container_of() and takes no lock: the data is
 * immutable while the files exist, and removing the files waits for running
 * show() calls. orphans and release_extent take dcd->lock, which is never
 * held while the files are removed. Everything is created and removed by
 * dcd_sysfs_add() (main.c, memdev probe, under dcd_probe_lock) and
 * dcd_sysfs_remove() (main.c, teardown, no lock of ours held) while the
 * memdev is still registered.
 */

static const char * const dcd_region_files[DCD_RF_NR] = {
	[DCD_RF_BASE]		= "base",
	[DCD_RF_DECODE_LENGTH]	= "decode_length",
	[DCD_RF_LENGTH]		= "length",
	[DCD_RF_BLOCK_SIZE]	= "block_size",
	[DCD_RF_DSMAD_HANDLE]	= "dsmad_handle",
	[DCD_RF_FLAGS]		= "flags",
};

static ssize_t dcd_ram_size_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct dcd_dev *dcd = container_of(attr, struct dcd_dev, ram_size_attr);

	return sysfs_emit(buf, "%#llx\n", dcd->total_size);
}

static ssize_t dcd_region_count_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	struct dcd_dev *dcd = container_of(attr, struct dcd_dev, count_attr);

	return sysfs_emit(buf, "%u\n", dcd->cfg.nr_regions);
}

static ssize_t dcd_orphans_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct dcd_dev *dcd = container_of(attr, struct dcd_dev, orphans_attr);
	ssize_t n = 0;
	u32 i;

	scoped_cond_guard(dcd_keep_intr, return -EINTR, dcd) {
		for (i = 0; i < dcd->set->cap; i++) {
			const struct dcd_host_extent *he = &dcd->set->slot[i];

			if (he->state != DCD_EXT_ORPHAN)
				continue;
			n += sysfs_emit_at(buf, n, "%#llx %#llx\n", he->ext.dpa,
					   he->ext.len);
		}
	}
	return n;
}

static ssize_t dcd_release_extent_store(struct kobject *kobj,
					struct kobj_attribute *attr,
					const char *buf, size_t len)
{
	struct dcd_dev *dcd = container_of(attr, struct dcd_dev, release_attr);
	char tmp[64], *p = tmp, *a, *b;
	u64 dpa, size;
	int rc;

	if (len >= sizeof(tmp))
		return -EINVAL;
	strscpy(tmp, buf, sizeof(tmp));
	a = strsep(&p, " \t");
	b = p ? strim(p) : NULL;
	if (!a || !b || kstrtou64(a, 0, &dpa) || kstrtou64(b, 0, &size) ||
	    !size || dpa + size < dpa)
		return -EINVAL;

	scoped_cond_guard(dcd_intr, return -EINTR, dcd)
		rc = __dcd_release_range(dcd, dpa, size, true);
	/* released by the time the write returns, if verified unreachable */
	if (!rc)
		dcd_release_run(dcd, true);
	return rc ?: len;
}

static ssize_t dcd_region_show(struct kobject *kobj,
			       struct kobj_attribute *kattr, char *buf)
{
	struct dcd_region_kattr *a =
		container_of(kattr, struct dcd_region_kattr, kattr);
	const struct dcd_region *r = a->region;

	switch (a->field) {
	case DCD_RF_BASE:
		return sysfs_emit(buf, "%#llx\n", r->base);
	case DCD_RF_DECODE_LENGTH:
		return sysfs_emit(buf, "%#llx\n", r->decode_len);
	case DCD_RF_LENGTH:
		return sysfs_emit(buf, "%#llx\n", r->len);
	case DCD_RF_BLOCK_SIZE:
		return sysfs_emit(buf, "%#llx\n", r->block_size);
	case DCD_RF_DSMAD_HANDLE:
		return sysfs_emit(buf, "%u\n", r->dsmad_handle);
	case DCD_RF_FLAGS:
		return sysfs_emit(buf, "%#x\n", r->flags);
	default:
		return -ENXIO;
	}
}

static void dcd_init_region_sysfs(struct dcd_dev *dcd, unsigned int i)
{
	struct dcd_region_sysfs *rs = &dcd->rsys[i];
	unsigned int f;

	snprintf(rs->name, sizeof(rs->name), "region%u", i);
	for (f = 0; f < DCD_RF_NR; f++) {
		struct dcd_region_kattr *a = &rs->attr[f];

		sysfs_attr_init(&a->kattr.attr);
		a->kattr.attr.name = dcd_region_files[f];
		a->kattr.attr.mode = 0444;
		a->kattr.show = dcd_region_show;
		a->region = &dcd->cfg.region[i];
		a->field = f;
		rs->attrs[f] = &a->kattr.attr;
	}
	rs->attrs[DCD_RF_NR] = NULL;
	rs->group.name = rs->name;
	rs->group.attrs = rs->attrs;
}

/**
 * dcd_sysfs_add() - publish a DC-capable memdev's configuration
 * @dcd: device state with a validated configuration
 *
 * Creates memX/dynamic_ram_1/size and the memX/dcd directory. On failure
 * everything created so far is removed again.
 *
 * Context: process context, dcd_probe_lock held, memdev registered.
 * Return: 0, -ENOMEM, or the errno of the failing sysfs call (-EEXIST if
 * another module already created one of the names).
 */
int dcd_sysfs_add(struct dcd_dev *dcd)
{
	struct kobject *parent = &dcd->cxlmd->dev.kobj;
	unsigned int i;
	int rc;

	sysfs_attr_init(&dcd->ram_size_attr.attr);
	dcd->ram_size_attr.attr.name = "size";
	dcd->ram_size_attr.attr.mode = 0444;
	dcd->ram_size_attr.show = dcd_ram_size_show;
	dcd->ram_attrs[0] = &dcd->ram_size_attr.attr;
	dcd->ram_attrs[1] = NULL;
	dcd->ram_group.name = "dynamic_ram_1";
	dcd->ram_group.attrs = dcd->ram_attrs;
	rc = sysfs_create_group(parent, &dcd->ram_group);
	if (rc)
		return rc;
	dcd->ram_group_added = true;

	dcd->dcd_kobj = kobject_create_and_add("dcd", parent);
	if (!dcd->dcd_kobj) {
		rc = -ENOMEM;
		goto err;
	}

	sysfs_attr_init(&dcd->count_attr.attr);
	dcd->count_attr.attr.name = "region_count";
	dcd->count_attr.attr.mode = 0444;
	dcd->count_attr.show = dcd_region_count_show;
	rc = sysfs_create_file(dcd->dcd_kobj, &dcd->count_attr.attr);
	if (rc)
		goto err;

	sysfs_attr_init(&dcd->orphans_attr.attr);
	dcd->orphans_attr.attr.name = "orphans";
	dcd->orphans_attr.attr.mode = 0444;
	dcd->orphans_attr.show = dcd_orphans_show;
	rc = sysfs_create_file(dcd->dcd_kobj, &dcd->orphans_attr.attr);
	if (rc)
		goto err;

	sysfs_attr_init(&dcd->release_attr.attr);
	dcd->release_attr.attr.name = "release_extent";
	dcd->release_attr.attr.mode = 0200;
	dcd->release_attr.store = dcd_release_extent_store;
	rc = sysfs_create_file(dcd->dcd_kobj, &dcd->release_attr.attr);
	if (rc)
		goto err;

	for (i = 0; i < dcd->cfg.nr_regions; i++) {
		dcd_init_region_sysfs(dcd, i);
		rc = sysfs_create_group(dcd->dcd_kobj, &dcd->rsys[i].group);
		if (rc)
			goto err;
	}
	return 0;

err:
	dcd_sysfs_remove(dcd);
	return rc;
}

/**
 * dcd_sysfs_remove() - remove what dcd_sysfs_add() created
 * @dcd: device state
 *
 * Safe on a partly created set. The dcd directory is deleted with
 * kobject_del() before the final put, so no file outlives this call even
 * when kobject release is deferred (CONFIG_DEBUG_KOBJECT_RELEASE).
 *
 * Context: process context, no dcd->lock held, memdev still registered.
 */
void dcd_sysfs_remove(struct dcd_dev *dcd)
{
	if (dcd->dcd_kobj) {
		kobject_del(dcd->dcd_kobj);
		kobject_put(dcd->dcd_kobj);
		dcd->dcd_kobj = NULL;
	}
	if (dcd->ram_group_added) {
		sysfs_remove_group(&dcd->cxlmd->dev.kobj, &dcd->ram_group);
		dcd->ram_group_added = false;
	}
}
