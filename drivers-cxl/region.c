// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/device.h>
#include <linux/memory_hotplug.h>
#include <linux/numa.h>
#include <linux/slab.h>
#include "cxl_dcd.h"
#include "drivers/dax/bus.h"

/**
 * DOC: cxl-dcd DAX regions
 *
 * cxl_dcd.ko registers the cxl_driver for every cxl_dax_region
 * (CXL_DEVICE_DAX_REGION): the in-tree dax_cxl would expose a DC region's
 * whole HPA range, unbacked capacity included, as one system-ram device.
 * Our modprobe configuration keeps dax_cxl away, and DC is not enabled at
 * all if dax_cxl's driver is registered when we load.
 *
 * - A region over a DC memdev's partition (1-way) is a DC region: it
 *   exposes nothing itself (no dax_region on it); it is tracked (&struct
 *   dcd_region_ctx: its DPA and HPA ranges) so extents can be validated
 *   against it and placed in it (extentX.Y under dax_regionX, each with
 *   its own DAX device, dax.c). At attach
 *   the device's extent list is re-read and covered orphans are adopted. At
 *   detach (region disabled or destroyed) its extents are released to the
 *   device: those not in use at once, with their extent and DAX devices;
 *   those in use (driver unbind cannot be refused) keep their DAX device
 *   as a zombie, are logged and stay release-pending until nothing holds
 *   them. At module exit (dcd_region_unloading) nothing is released: the
 *   extents become orphans and the next load adopts them again.
 * - An interleaved region over DC memdevs is claimed and left empty.
 * - Any other region gets what dax_cxl gives it: one dax_region with
 *   IORESOURCE_DAX_KMEM and one dev_dax over the whole range.
 *
 * dcd_regions lists the DC region contexts, under dcd_lock, so remove()
 * can tell them from dax_cxl-style regions (whose drvdata belongs to the
 * dax core).
 */

static LIST_HEAD(dcd_rgns);
/* module exit: a region detach keeps the extents (orphans), releases none */
static bool dcd_region_unloading;

struct dcd_rgn_entry {
	struct list_head node;
	struct dcd_region_ctx *rgn;
	struct device *dev;
};

bool dcd_dax_cxl_present(void)
{
	return driver_find("cxl_dax_region", &cxl_bus_type);
}

/* dax_cxl's behaviour, for regions that are not DC */
static int dcd_static_probe(struct cxl_dax_region *cxlr_dax)
{
	struct cxl_region *cxlr = cxlr_dax->cxlr;
	int nid = phys_to_target_node(cxlr_dax->hpa_range.start);
	struct dax_region *dax_region;
	struct dev_dax_data data;

	if (nid == NUMA_NO_NODE)
		nid = memory_add_physaddr_to_nid(cxlr_dax->hpa_range.start);
	dax_region = alloc_dax_region(&cxlr_dax->dev, cxlr->id,
				      &cxlr_dax->hpa_range, nid, PMD_SIZE,
				      IORESOURCE_DAX_KMEM);
	if (!dax_region)
		return -ENOMEM;
	data = (struct dev_dax_data) {
		.dax_region = dax_region,
		.id = -1,
		.size = range_len(&cxlr_dax->hpa_range),
		.memmap_on_memory = true,
	};
	return PTR_ERR_OR_ZERO(devm_create_dev_dax(&data));
}

static int dcd_dax_region_probe(struct device *dev)
{
	struct cxl_dax_region *cxlr_dax = to_cxl_dax_region(dev);
	struct cxl_region *cxlr = cxlr_dax->cxlr;
	struct cxl_region_params *p = &cxlr->params;
	struct cxl_endpoint_decoder *cxled;
	struct dcd_region_ctx *rgn;
	struct dcd_rgn_entry *ent;
	struct dcd_dev *dcd;

	if (p->nr_targets < 1 || !p->targets[0] || !p->targets[0]->dpa_res)
		return dcd_static_probe(cxlr_dax);
	cxled = p->targets[0];

	guard(mutex)(&dcd_lock);
	dcd = dcd_find_memdev(cxled_to_memdev(cxled));
	if (!dcd || !dcd->part_patched)
		return dcd_static_probe(cxlr_dax);
	if (p->interleave_ways != 1 || p->nr_targets != 1) {
		dev_warn(dev, "interleaved DC region: no capacity exposed\n");
		return 0;
	}

	rgn = kzalloc(sizeof(*rgn), GFP_KERNEL);
	ent = kzalloc(sizeof(*ent), GFP_KERNEL);
	if (!rgn || !ent) {
		kfree(rgn);
		kfree(ent);
		return -ENOMEM;
	}
	INIT_LIST_HEAD(&rgn->node);
	ida_init(&rgn->ids);
	rgn->dcd = dcd;
	rgn->cxlr_dax = dev;
	rgn->id = cxlr->id;
	rgn->dpa.start = cxled->dpa_res->start;
	rgn->dpa.len = resource_size(cxled->dpa_res);
	rgn->hpa_start = cxlr_dax->hpa_range.start;
	rgn->hpa_len = range_len(&cxlr_dax->hpa_range);
	ent->rgn = rgn;
	ent->dev = dev;
	list_add_tail(&ent->node, &dcd_rgns);

	mutex_lock(&dcd->lock);
	__dcd_region_attach(dcd, rgn);
	dcd_unlock(dcd);
	dev_info(dev, "DC region %d: DPA %#llx+%#llx of %s, HPA %#llx+%#llx\n",
		 rgn->id, rgn->dpa.start, rgn->dpa.len,
		 dev_name(&dcd->cxlmd->dev), rgn->hpa_start, rgn->hpa_len);
	return 0;
}

static void dcd_dax_region_remove(struct device *dev)
{
	struct dcd_rgn_entry *ent, *found = NULL;
	struct dcd_region_ctx *rgn;
	struct dcd_dev *dcd;

	guard(mutex)(&dcd_lock);
	list_for_each_entry(ent, &dcd_rgns, node)
		if (ent->dev == dev)
			found = ent;
	if (!found)
		return;
	rgn = found->rgn;
	dcd = rgn->dcd;
	if (dcd) {
		mutex_lock(&dcd->lock);
		__dcd_region_detach(dcd, rgn, !dcd_region_unloading);
		dcd_unlock(dcd);
		/* the work may be unregistering devices of this region */
		flush_work(&dcd->work);
	}
	list_del(&found->node);
	kfree(found);
	ida_destroy(&rgn->ids);
	kfree(rgn);
}

static struct cxl_driver dcd_dax_region_driver = {
	.name = "cxl_dcd_dax_region",
	.probe = dcd_dax_region_probe,
	.remove = dcd_dax_region_remove,
	.id = CXL_DEVICE_DAX_REGION,
	.drv = {
		.suppress_bind_attrs = true,
	},
};

int dcd_region_driver_init(void)
{
	return cxl_driver_register(&dcd_dax_region_driver);
}

void dcd_region_driver_exit(void)
{
	scoped_guard(mutex, &dcd_lock)
		dcd_region_unloading = true;
	cxl_driver_unregister(&dcd_dax_region_driver);
}

MODULE_ALIAS_CXL(CXL_DEVICE_DAX_REGION);
