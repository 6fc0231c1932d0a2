// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/list.h>
#include <linux/lockdep.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd region attach and detach
 *
 * A DC region bound by region.c's driver (attach) gives the orphans it
 * covers their extent devices and DAX devices; one going away (detach)
 * releases its extents, or, at module exit, leaves them as orphans.
 *
 * Locking: dcd->lock held throughout (the __ prefix).
 */

/**
 * __dcd_region_attach() - a DC region over this memdev was bound
 * @dcd: memdev state, dcd->lock held
 * @rgn: the region, not yet on dcd->regions
 *
 * Re-reads the device's extent list, then gives every orphan the region
 * covers an extent device.
 */
void __dcd_region_attach(struct dcd_dev *dcd, struct dcd_region_ctx *rgn)
{
	u32 i;

	/* the probe-time read comes first, as if it had run at probe */
	__dcd_scan_pending(dcd);
	list_add_tail(&rgn->node, &dcd->regions);
	if (dcd->live && !dcd->stopping)
		__dcd_resync(dcd, true);
	for (i = 0; i < dcd->set->cap; i++) {
		struct dcd_host_extent *he = &dcd->set->slot[i];

		if (he->state != DCD_EXT_ORPHAN ||
		    __dcd_region_of(dcd, he->ext.dpa, he->ext.len) != rgn)
			continue;
		__dcd_slot_place(dcd, i, rgn);
		dcd->cnt[DCD_CNT_ADOPTED]++;
	}
	__dcd_dax_populate(dcd);
}

/**
 * __dcd_region_detach() - a DC region goes away
 * @dcd: memdev state, dcd->lock held
 * @rgn: the region
 * @release: a real teardown (not module exit)
 *
 * A real teardown (@release, with the device live and its events running)
 * gives the region's extents back to the device: they become
 * release-pending, their extent devices go, and the caller runs the
 * release pipeline (dcd_release_run()) after dropping dcd->lock. Their DAX
 * devices are not children of the region: one whose memory is in use
 * stays (refusing onlining) until it is not, and its extents are released
 * only then. A region teardown cannot be refused on 6.12 (driver unbind
 * is not vetoable).
 *
 * Otherwise (module exit, cxl_pci going away) nothing is released: the
 * extents become orphans, the device still lists them and the next load
 * (or a new region over the same DPA) adopts them again; their DAX devices
 * refuse onlining and go with the memdev state (dcd_release_teardown()).
 *
 * Return: the number of extents made release-pending.
 */
u32 __dcd_region_detach(struct dcd_dev *dcd, struct dcd_region_ctx *rgn,
			bool release)
{
	u32 i, kept = 0;
	struct dcd_dax *dd;

	lockdep_assert_held(&dcd->lock);
	if (!dcd->live || dcd->stopping)
		release = false;
	for (i = 0; i < dcd->set->cap; i++) {
		struct dcd_host_extent *he = &dcd->set->slot[i];
		struct dcd_extent_dev *edev = he->priv;

		if (he->state == DCD_EXT_FREE || !edev || edev->rgn != rgn)
			continue;
		dd = __dcd_dax_find(dcd, he->ext.dpa, he->ext.len);
		if (dd)
			dcd_dax_retire(dd, !release);
		__dcd_extdev_kill(dcd, edev);
		he->priv = NULL;
		if (!release) {
			he->state = DCD_EXT_ORPHAN;
			continue;
		}
		if (he->state != DCD_EXT_RELEASE_PENDING) {
			he->state = DCD_EXT_RELEASE_PENDING;
			kept++;
			if (dd && dcd_dax_check(dd) != DCD_BUSY_NONE) {
				dcd->cnt[DCD_CNT_RELEASES_DEFERRED]++;
				dev_warn(&dcd->cxlmd->dev,
					 "region %d torn down: extent %#llx+%#llx in use: DAX device kept, never onlined again, released once no longer in use\n",
					 rgn->id, he->ext.dpa, he->ext.len);
			}
		}
	}
	if (kept) {
		dev_info(&dcd->cxlmd->dev,
			 "region %d torn down: %u extents to release to the device\n",
			 rgn->id, kept);
		WRITE_ONCE(dcd->nr_pending, dcd->nr_pending + kept);
	}
	list_del_init(&rgn->node);
	return kept;
}

/**
 * __dcd_extents_orphan_all() - remove every extent device of a memdev
 * @dcd: memdev state, dcd->lock held, and dcd_lock: it clears rgn->dcd,
 *	which region removal reads under dcd_lock alone
 */
void __dcd_extents_orphan_all(struct dcd_dev *dcd)
{
	struct dcd_region_ctx *rgn, *next;

	lockdep_assert_held(&dcd_lock);
	list_for_each_entry_safe(rgn, next, &dcd->regions, node) {
		__dcd_region_detach(dcd, rgn, false);
		rgn->dcd = NULL;
	}
}
