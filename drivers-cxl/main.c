// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd main
 *
 * Module init and exit, the cxl bus notifier and the per-memdev lifecycle.
 *
 * cxl_dcd.ko co-exists with the in-tree cxl_pci: it never binds a device.
 * It finds memdevs by walking the cxl bus at load and through a cxl bus
 * notifier afterwards (memdev BUS_NOTIFY_ADD_DEVICE fires inside cxl_pci's
 * probe, with the mailbox live and before cxl_mem probes; DEL_DEVICE fires
 * before the memdev leaves sysfs). A memdev whose Command Effects Log lists
 * all four DC opcodes has its DC configuration read and validated, and, if
 * it passes, published in sysfs. Any anomaly disables DC on that memdev with
 * one dev_err() line; memdevs without DC opcodes are left alone.
 *
 * Locking: dcd_lock (below) protects dcd_devs and dcd_exiting. A memdev is
 * probed with its parent (the PCI device) locked, either by the driver core
 * (cxl_pci probe/unbind, around the notifier) or by dcd_scan_one(), so
 * cxl_pci cannot tear the memdev's cxlds down meanwhile. Lock order: parent
 * device lock, then dcd_lock, then cxl_pci's mbox_mutex. sysfs show()
 * handlers take none of them.
 */

/*
 * dcd_lock protects dcd_devs (the &struct dcd_dev of every DC-capable memdev)
 * and dcd_exiting (set once module exit started: no new entries after it).
 * Held across probing a memdev so the load-time walk and the notifier never
 * probe one memdev twice, and across teardown.
 */
static DEFINE_MUTEX(dcd_lock);
static LIST_HEAD(dcd_devs);
static bool dcd_exiting;

static struct dcd_dev *dcd_find(struct cxl_memdev *cxlmd)
{
	struct dcd_dev *dcd;

	lockdep_assert_held(&dcd_lock);
	list_for_each_entry(dcd, &dcd_devs, node)
		if (dcd->cxlmd == cxlmd)
			return dcd;
	return NULL;
}

static void dcd_destroy(struct dcd_dev *dcd)
{
	lockdep_assert_held(&dcd_lock);
	list_del(&dcd->node);
	dcd_sysfs_remove(dcd);
	dev_dbg(&dcd->cxlmd->dev, "DC state removed\n");
	put_device(&dcd->cxlmd->dev);
	kfree(dcd);
}

static void dcd_log_config(struct cxl_memdev *cxlmd,
			   const struct dcd_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_regions; i++) {
		const struct dcd_region *r = &cfg->region[i];

		dev_dbg(&cxlmd->dev,
			"DC region%u: base %#llx decode %#llx len %#llx block %#llx handle %u flags %#x\n",
			i, r->base, r->decode_len, r->len, r->block_size,
			r->dsmad_handle, r->flags);
	}
}

/*
 * Read the CEL and the DC configuration and publish it. Called with the
 * memdev's parent locked and dcd_lock held; logs at most one error line.
 */
static void __dcd_probe(struct cxl_memdev *cxlmd)
{
	struct device *dev = &cxlmd->dev;
	struct dcd_cfg_status st;
	const char *why = NULL;
	u32 ops;
	int rc;

	lockdep_assert_held(&dcd_lock);
	if (!cxlmd->cxlds)
		return;

	rc = dcd_read_cel_dc_ops(cxlmd, &ops, &why);
	if (rc == -ENOENT) {
		dev_dbg(dev, "no Command Effects Log: not a DCD\n");
		return;
	}
	if (rc) {
		dev_err(dev, "DC disabled: %s (%d)\n", why, rc);
		return;
	}
	if (!ops) {
		dev_dbg(dev, "no DC opcodes in the CEL: not a DCD\n");
		return;
	}
	if (ops != DCD_CEL_ALL_DC_OPS) {
		dev_err(dev, "DC disabled: CEL lists only some DC opcodes (mask %#x)\n",
			ops);
		return;
	}

	struct dcd_dev *dcd __free(kfree) = kzalloc(sizeof(*dcd), GFP_KERNEL);
	if (!dcd) {
		dev_err(dev, "DC disabled: out of memory\n");
		return;
	}

	rc = dcd_get_dc_config(cxlmd, &dcd->cfg, &st);
	if (rc == -EINVAL && st.region >= 0) {
		dev_err(dev, "DC disabled: region %d: %s\n", st.region,
			dcd_config_strerror(st.err));
		return;
	}
	if (rc == -EINVAL) {
		dev_err(dev, "DC disabled: %s\n", dcd_config_strerror(st.err));
		return;
	}
	if (rc) {
		dev_err(dev, "DC disabled: Get Dynamic Capacity Configuration failed (%d)\n",
			rc);
		return;
	}
	dcd_log_config(cxlmd, &dcd->cfg);

	dcd->cxlmd = cxlmd;
	dcd->total_size = dcd_config_total_size(&dcd->cfg);
	rc = dcd_sysfs_add(dcd);
	if (rc) {
		dev_err(dev, "DC disabled: cannot create sysfs attributes (%d)\n",
			rc);
		return;
	}
	get_device(dev);
	list_add_tail(&dcd->node, &dcd_devs);
	dev_info(dev, "DC enabled: %u regions, %#llx bytes\n",
		 dcd->cfg.nr_regions, dcd->total_size);
	retain_and_null_ptr(dcd);
}

/* Probe @cxlmd unless it is known already or the module is going away. */
static void dcd_add_memdev(struct cxl_memdev *cxlmd)
{
	guard(mutex)(&dcd_lock);
	if (dcd_exiting || dcd_find(cxlmd))
		return;
	__dcd_probe(cxlmd);
}

static void dcd_del_memdev(struct cxl_memdev *cxlmd)
{
	struct dcd_dev *dcd;

	guard(mutex)(&dcd_lock);
	dcd = dcd_find(cxlmd);
	if (dcd)
		dcd_destroy(dcd);
}

static int dcd_bus_notify(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	struct device *dev = data;

	if (!is_cxl_memdev(dev))
		return NOTIFY_DONE;

	/* cxl_pci probe or unbind holds the memdev's parent locked here */
	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		dcd_add_memdev(to_cxl_memdev(dev));
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		dcd_del_memdev(to_cxl_memdev(dev));
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block dcd_bus_nb = {
	.notifier_call = dcd_bus_notify,
};

/* Load-time walk: a memdev cxl_pci registered before this module loaded. */
static int dcd_scan_one(struct device *dev, void *unused)
{
	struct device *parent = dev->parent;

	if (!is_cxl_memdev(dev) || !parent)
		return 0;

	/* exclude cxl_pci probe/unbind, which create and delete memdevs */
	guard(device)(parent);
	if (device_is_registered(dev))
		dcd_add_memdev(to_cxl_memdev(dev));
	return 0;
}

static int __init dcd_init(void)
{
	int rc;

	rc = bus_register_notifier(&cxl_bus_type, &dcd_bus_nb);
	if (rc)
		return rc;
	/* a memdev added meanwhile is seen twice; dcd_find() skips it */
	bus_for_each_dev(&cxl_bus_type, NULL, NULL, dcd_scan_one);
	return 0;
}

static void __exit dcd_exit(void)
{
	struct dcd_dev *dcd, *next;

	/*
	 * Tear down while the notifier is still registered: a memdev being
	 * deleted meanwhile is either torn down here or by its DEL_DEVICE
	 * notification, always before it leaves sysfs.
	 */
	scoped_guard(mutex, &dcd_lock) {
		dcd_exiting = true;
		list_for_each_entry_safe(dcd, next, &dcd_devs, node)
			dcd_destroy(dcd);
	}
	bus_unregister_notifier(&cxl_bus_type, &dcd_bus_nb);
}

module_init(dcd_init);
module_exit(dcd_exit);

MODULE_DESCRIPTION("CXL Dynamic Capacity Device support for stock kernels");
MODULE_LICENSE("GPL");
DCD_IMPORT_NS_CXL();
