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
 *   its own DAX device, dax.c). At attach the device's extent list is
 *   re-read and covered orphans are adopted. At detach (region disabled or
 *   destroyed) its extents are released to the device through the release
 *   pipeline (release.c): each once verified unreachable; one in use
 *   (driver unbind cannot be refused) keeps its DAX device, refusing
 *   onlining, until it is not. At module exit nothing is released: the
 *   extents become orphans and the next load adopts them again.
 * - Fail closed: a region is exposed whole (what dax_cxl does) only if
 *   every memdev under it is known not to be a DCD (no DC opcode in its
 *   Command Effects Log). A region over a memdev with DC opcodes but no
 *   DC state of ours (DC disabled after a failed probe, a partition left
 *   by an earlier load with another configuration, a memdev being torn
 *   down), over an interleaved DC set, or whose memdevs cannot be asked,
 *   is claimed and left empty, with an error line.
 * - At module exit every region claimed as DC (or left empty) is disabled:
 *   its cxl_region is unbound (decoders stay committed, as after `cxl
 *   disable-region`), which removes the cxl_dax_region, so nothing is left
 *   for dax_cxl to expose whole. At load, committed regions without a
 *   driver whose first target is a DC memdev of ours are enabled again
 *   (dcd_regions_enable()); a DC region an administrator disabled is so
 *   enabled by the next load too.
 *
 * dcd_rgns lists the regions claimed as DC or empty, under dcd_lock, so
 * remove() can tell them from dax_cxl-style regions (whose drvdata belongs
 * to the dax core). A region context is freed with its last reference:
 * the driver's, and one per extent device (whose release gives its id
 * back to the region's ida).
 */

static LIST_HEAD(dcd_rgns);
/* module exit: a region detach keeps the extents (orphans), releases none */
static bool dcd_region_unloading;

/**
 * struct dcd_rgn_entry - a cxl_dax_region this driver claimed as DC
 * @node: entry in dcd_rgns (dcd_lock)
 * @rgn: its context, or NULL for a region left empty
 * @dev: the cxl_dax_region device
 */
struct dcd_rgn_entry {
	struct list_head node;
	struct dcd_region_ctx *rgn;
	struct device *dev;
};

/**
 * dcd_dax_cxl_present() - whether the dax_cxl driver is loaded
 *
 * Return: true if a cxl driver named cxl_dax_region is registered.
 */
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

/*
 * Claim a region without exposing anything (a DC region we cannot drive):
 * remembered so module exit disables it. dcd_lock held.
 */
static int __dcd_claim_empty(struct device *dev, const char *why)
{
	struct dcd_rgn_entry *ent = kzalloc(sizeof(*ent), GFP_KERNEL);

	dev_err(dev, "%s: no capacity exposed\n", why);
	if (!ent)
		return 0;
	ent->dev = dev;
	list_add_tail(&ent->node, &dcd_rgns);
	return 0;
}

/*
 * Is @cxlmd a DCD: 0 no (no DC opcode in its CEL), 1 yes, negative if it
 * cannot be told. dcd_lock held.
 */
static int dcd_memdev_has_dc(struct cxl_memdev *cxlmd)
{
	const char *why = NULL;
	u32 ops = 0;
	int rc;

	if (dcd_find_memdev(cxlmd))
		return 1;
	if (!cxlmd->cxlds)
		return -ENODEV;
	rc = dcd_read_cel_dc_ops(cxlmd, &ops, &why);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	return ops ? 1 : 0;
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
	int i, dc;

	guard(mutex)(&dcd_lock);
	if (p->nr_targets < 1 || !p->targets[0] || !p->targets[0]->dpa_res)
		return __dcd_claim_empty(dev, "region without targets");
	cxled = p->targets[0];
	dcd = dcd_find_memdev(cxled_to_memdev(cxled));
	if (!dcd) {
		for (i = 0; i < p->nr_targets; i++) {
			if (!p->targets[i])
				return __dcd_claim_empty(dev, "region target missing");
			dc = dcd_memdev_has_dc(cxled_to_memdev(p->targets[i]));
			if (dc > 0)
				return __dcd_claim_empty(dev, "DCD without DC state");
			if (dc < 0)
				return __dcd_claim_empty(dev, "memdev not a known non-DCD");
		}
		return dcd_static_probe(cxlr_dax);
	}
	if (!dcd->part_patched)
		return __dcd_claim_empty(dev, "DC partition not registered");
	if (p->interleave_ways != 1 || p->nr_targets != 1)
		return __dcd_claim_empty(dev, "interleaved DC region");

	rgn = kzalloc(sizeof(*rgn), GFP_KERNEL);
	ent = kzalloc(sizeof(*ent), GFP_KERNEL);
	if (!rgn || !ent) {
		kfree(rgn);
		kfree(ent);
		return __dcd_claim_empty(dev, "out of memory");
	}
	INIT_LIST_HEAD(&rgn->node);
	ida_init(&rgn->ids);
	kref_init(&rgn->ref);
	atomic_set(&rgn->nr_edevs, 0);
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

	scoped_guard(dcd, dcd)
		__dcd_region_attach(dcd, rgn);
	dev_info(dev, "DC region %d: DPA %#llx+%#llx of %s, HPA %#llx+%#llx\n",
		 rgn->id, rgn->dpa.start, rgn->dpa.len,
		 dev_name(&dcd->cxlmd->dev), rgn->hpa_start, rgn->hpa_len);
	return 0;
}

static void dcd_dax_region_remove(struct device *dev)
{
	struct dcd_rgn_entry *ent, *found = NULL;
	struct dcd_region_ctx *rgn;
	struct dcd_dev *dcd = NULL;
	bool release;
	u32 kept = 0;

	scoped_guard(mutex, &dcd_lock) {
		list_for_each_entry(ent, &dcd_rgns, node)
			if (ent->dev == dev)
				found = ent;
		if (!found)
			return;
		list_del(&found->node);
		rgn = found->rgn;
		release = !dcd_region_unloading;
		if (rgn && rgn->dcd) {
			dcd = rgn->dcd;
			dcd_get(dcd);
		}
	}
	kfree(found);
	if (!rgn)
		return;
	if (dcd) {
		/* not orphaned by the memdev's teardown meanwhile */
		scoped_guard(dcd, dcd) {
			if (rgn->dcd == dcd)
				kept = __dcd_region_detach(dcd, rgn, release);
		}
		if (kept)
			dcd_release_run(dcd, true);
		dcd_put(dcd);
	}
	/* extent devices queued by another thread go before their parent */
	wait_event(dcd_rgn_wq, !atomic_read(&rgn->nr_edevs));
	kref_put(&rgn->ref, dcd_rgn_free);
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

/**
 * dcd_region_driver_init() - register the cxl_dax_region driver
 *
 * Context: module init.
 * Return: 0 or the error of cxl_driver_register().
 */
int dcd_region_driver_init(void)
{
	return cxl_driver_register(&dcd_dax_region_driver);
}

/* A committed region without a driver whose first target is ours. */
static int dcd_enable_one(struct device *dev, void *data)
{
	struct list_head *todo = data;
	struct cxl_region_params *p;
	struct cxl_region *cxlr;
	struct dcd_rgn_entry *ent;
	bool ours;

	if (!is_cxl_region(dev) || READ_ONCE(dev->driver))
		return 0;
	cxlr = container_of(dev, struct cxl_region, dev);
	p = &cxlr->params;
	if (READ_ONCE(p->state) != CXL_CONFIG_COMMIT || p->nr_targets < 1 ||
	    !p->targets[0])
		return 0;
	scoped_guard(mutex, &dcd_lock)
		ours = dcd_find_memdev(cxled_to_memdev(p->targets[0]));
	if (!ours)
		return 0;
	ent = kzalloc(sizeof(*ent), GFP_KERNEL);
	if (!ent)
		return 0;
	ent->dev = get_device(dev);
	list_add_tail(&ent->node, todo);
	return 0;
}

/**
 * dcd_regions_enable() - enable the committed DC regions without a driver
 *
 * What the last unload disabled (dcd_region_driver_exit()) comes back:
 * the cxl_region is bound again, its new cxl_dax_region binds us and its
 * extents are adopted.
 *
 * Context: module init, after the region driver registered; no lock held.
 */
void dcd_regions_enable(void)
{
	struct dcd_rgn_entry *ent, *next;
	LIST_HEAD(todo);
	int rc;

	bus_for_each_dev(&cxl_bus_type, NULL, &todo, dcd_enable_one);
	list_for_each_entry_safe(ent, next, &todo, node) {
		rc = device_attach(ent->dev);
		if (rc <= 0)
			dev_warn(ent->dev, "DC region not enabled again (%d)\n",
				 rc);
		else
			dev_info(ent->dev, "DC region enabled again\n");
		put_device(ent->dev);
		list_del(&ent->node);
		kfree(ent);
	}
}

/*
 * Module exit: disable every region claimed as DC or left empty, so that
 * no cxl_dax_region of one is left for dax_cxl; their extents stay
 * accepted on the device (orphans).
 */
/**
 * dcd_region_driver_exit() - release every DC region, unregister the driver
 *
 * The regions this driver claimed are unbound (their extents stay, as
 * orphans), then the driver is unregistered.
 *
 * Context: module exit.
 */
void dcd_region_driver_exit(void)
{
	struct dcd_rgn_entry *ent, *next;
	LIST_HEAD(todo);

	scoped_guard(mutex, &dcd_lock) {
		dcd_region_unloading = true;
		list_for_each_entry(ent, &dcd_rgns, node) {
			/*
			 * No region may be skipped: left bound, its
			 * cxl_dax_region would be dax_cxl's once we are gone
			 * (exposed whole). A few bytes at module exit.
			 */
			struct dcd_rgn_entry *t = kzalloc(sizeof(*t),
							  GFP_KERNEL |
							  __GFP_NOFAIL);

			/* the cxl_region above the cxl_dax_region */
			t->dev = get_device(ent->dev->parent);
			list_add_tail(&t->node, &todo);
		}
	}
	list_for_each_entry_safe(ent, next, &todo, node) {
		dev_info(ent->dev, "DC region disabled: cxl_dcd unloading\n");
		device_release_driver(ent->dev);
		put_device(ent->dev);
		list_del(&ent->node);
		kfree(ent);
	}
	cxl_driver_unregister(&dcd_dax_region_driver);
}

MODULE_ALIAS_CXL(CXL_DEVICE_DAX_REGION);
