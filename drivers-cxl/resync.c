// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/minmax.h>
#include <linux/slab.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd resync
 *
 * The device's extent list (Get Dynamic Capacity Extent List, paged) is
 * re-read after an event log overflow, a failed Add Response, after memdev
 * probe (by the first taker of dcd->lock: __dcd_scan_pending()) and when a
 * region attaches, and reconciled with the host's set
 * (extent_set.c, dcd_reconcile()): extents the device has and the host
 * does not are adopted or kept as orphans, extents the host has and the
 * device does not are dropped, invalid ones are released.
 *
 * Locking: dcd->lock held throughout (the __ prefix).
 */

/**
 * __dcd_read_extent_list() - read the device's whole extent list
 * @dcd: memdev state, dcd->lock held
 * @nr: set to the number of extents in dcd->extbuf
 *
 * Paged as the payload allows (QEMU: at most 50 per call); restarted, at
 * most DCD_EXTLIST_TRIES times, when the total or generation changes.
 *
 * Return: 0, -EAGAIN if it never read consistently, -EIO on a malformed
 * page, or a mailbox errno.
 */
int __dcd_read_extent_list(struct dcd_dev *dcd, u32 *nr)
{
	size_t psize = dcd->cxlds->cxl_mbox.payload_size;
	u32 per_page = dcd_extlist_max_per_page(psize);
	u32 max_total = dcd->cfg.total_extents ?: DCD_EXTENTS_MAX;
	struct dcd_extlist_acc acc;
	struct dcd_get_extlist_in in;
	enum dcd_xl_err why = DCD_XL_OK;
	unsigned int tries;
	u32 req;
	size_t len;
	int rc = -EAGAIN;

	max_total = min_t(u32, max_total, DCD_EXTENTS_MAX);
	for (tries = 0; tries < DCD_EXTLIST_TRIES; tries++) {
		dcd_extlist_acc_init(&acc, dcd->extbuf, DCD_EXTENTS_MAX,
				     max_total);
		do {
			req = per_page;
			if (acc.started)
				req = min(req, acc.total - acc.nr);
			dcd_extlist_in_build(&in, req, acc.nr);
			rc = __dcd_cmd(dcd, DCD_OP_GET_DC_EXTENT_LIST, &in,
				       sizeof(in), dcd->buf, psize,
				       sizeof(struct dcd_get_extlist_out), &len);
			if (rc)
				return rc;
			rc = dcd_extlist_acc_page(&acc, req, dcd->buf, len, &why);
		} while (rc > 0);
		if (!rc) {
			*nr = acc.nr;
			return 0;
		}
		if (why != DCD_XL_CHANGED)
			break;
	}
	dev_err_ratelimited(&dcd->cxlmd->dev, "Get DC Extent List: %s\n",
			    dcd_extlist_strerror(why));
	return rc < 0 ? rc : -EIO;
}

/**
 * __dcd_resync() - reconcile the host's extents with the device's list
 * @dcd: memdev state, dcd->lock held
 * @adopt: called by __dcd_region_attach(), which places the orphans and
 *	creates the DAX devices itself; otherwise DAX devices are created
 *	here for what was adopted
 *
 * Extents the device has and the host does not are adopted into the region
 * that covers them (no Add Response: they are accepted already) or listed
 * as orphans; extents the host has and the device does not are dropped.
 * Device extents that fail validation (outside or straddling DC regions,
 * misaligned, overlapping) can never be used: they are released to the
 * device (Release DC, retried on failure), unless they overlap an extent
 * the host tracks, whose capacity a release would take away; those are
 * left on the device, logged and counted (invalid_conflicts).
 *
 * Return: 0 or the errno of the list read.
 */
int __dcd_resync(struct dcd_dev *dcd, bool adopt)
{
	struct dcd_range committed[16];
	struct dcd_recon_result res = {};
	struct dcd_range *bad = NULL;
	u32 nr, i, ncm, nr_bad = 0;
	struct dcd_dax *dd;
	u8 *dev_class;
	bool *stale;
	int rc;

	rc = __dcd_read_extent_list(dcd, &nr);
	if (rc)
		return rc;
	dev_class = kcalloc(max(nr, 1U), sizeof(*dev_class), GFP_KERNEL);
	stale = kcalloc(dcd->set->cap, sizeof(*stale), GFP_KERNEL);
	bad = kcalloc(max(nr, 1U), sizeof(*bad), GFP_KERNEL);
	if (!dev_class || !stale || !bad) {
		rc = -ENOMEM;
		goto out;
	}
	ncm = __dcd_committed(dcd, committed, ARRAY_SIZE(committed));
	rc = dcd_reconcile(dcd->set, dcd->extbuf, nr, &dcd->cfg, committed, ncm,
			   dev_class, stale, &res);
	if (rc < 0)
		goto out;

	/* copy the device list: untracking may reuse dcd->extbuf */
	for (i = 0; i < dcd->set->cap; i++) {
		if (!stale[i] || dcd->set->slot[i].state == DCD_EXT_FREE)
			continue;
		dev_info(&dcd->cxlmd->dev,
			 "extent %#llx+%#llx no longer on the device: dropped\n",
			 dcd->set->slot[i].ext.dpa, dcd->set->slot[i].ext.len);
		dd = __dcd_dax_find(dcd, dcd->set->slot[i].ext.dpa,
				    dcd->set->slot[i].ext.len);
		if (dd)
			dcd_dax_retire(dd, true);
		if (dcd->set->slot[i].priv)
			__dcd_extdev_kill(dcd, dcd->set->slot[i].priv);
		dcd->set->slot[i].priv = NULL;
		dcd->set->slot[i].state = DCD_EXT_FORCED;
	}
	/* remove by lookup: removal may compact the set */
	for (;;) {
		for (i = 0; i < dcd->set->cap; i++)
			if (dcd->set->slot[i].state == DCD_EXT_FORCED)
				break;
		if (i == dcd->set->cap)
			break;
		__dcd_tag_put(dcd, dcd->set->slot[i].ext.tag);
		dcd_extent_set_remove(dcd->set, i);
	}
	for (i = 0; i < nr; i++) {
		const struct dcd_extent *e = &dcd->extbuf[i];

		/* given up by the host, its Release DC still to get through */
		if (dev_class[i] != DCD_RECON_KNOWN &&
		    __dcd_retry_overlaps(dcd, e->dpa, e->len)) {
			dev_info(&dcd->cxlmd->dev,
				 "device extent %#llx+%#llx is being released (retry queued): not taken back\n",
				 e->dpa, e->len);
			/* counted by its class in the summary: it is not */
			if (dev_class[i] == DCD_RECON_ADOPT)
				res.nr_adopt--;
			else if (dev_class[i] == DCD_RECON_ORPHAN)
				res.nr_orphan--;
			else
				res.nr_invalid--;
			continue;
		}
		switch (dev_class[i]) {
		case DCD_RECON_ADOPT:
			if (!__dcd_track(dcd, e, __dcd_region_of(dcd, e->dpa, e->len)))
				dcd->cnt[DCD_CNT_ADOPTED]++;
			break;
		case DCD_RECON_ORPHAN:
			if (!__dcd_track(dcd, e, NULL))
				dcd->cnt[DCD_CNT_ORPHANED]++;
			break;
		case DCD_RECON_INVALID:
			bad[nr_bad].start = e->dpa;
			bad[nr_bad].len = e->len;
			nr_bad++;
			break;
		default:
			break;
		}
	}
	/* after tracking: only what the host keeps may block a release */
	for (i = 0; i < nr_bad; i++) {
		if (dcd_release_match(dcd->set, bad[i].start, bad[i].len, NULL,
				      0)) {
			dcd->cnt[DCD_CNT_INVALID_CONFLICTS]++;
			dev_warn_ratelimited(&dcd->cxlmd->dev,
					     "device extent %#llx+%#llx overlaps a tracked extent: left on the device\n",
					     bad[i].start, bad[i].len);
			continue;
		}
		dcd->cnt[DCD_CNT_INVALID_RELEASED]++;
		/* a DAX device of a dropped extent may still map it */
		if (__dcd_dax_find(dcd, bad[i].start, bad[i].len)) {
			dev_warn_ratelimited(&dcd->cxlmd->dev,
					     "device extent %#llx+%#llx is invalid: released once no DAX device maps it\n",
					     bad[i].start, bad[i].len);
			__dcd_retry_add(dcd, &bad[i]);
			continue;
		}
		dev_warn_ratelimited(&dcd->cxlmd->dev,
				     "device extent %#llx+%#llx is invalid: released\n",
				     bad[i].start, bad[i].len);
		__dcd_send_release(dcd, &bad[i], 1, true);
	}
	if (!adopt)
		__dcd_dax_populate(dcd);
	if (res.nr_adopt || res.nr_orphan || res.nr_stale || res.nr_invalid)
		dev_info(&dcd->cxlmd->dev,
			 "extent list: %u known, %u adopted, %u orphans, %u invalid, %u dropped\n",
			 res.nr_known, res.nr_adopt, res.nr_orphan,
			 res.nr_invalid, res.nr_stale);
	rc = 0;
out:
	kfree(dev_class);
	kfree(stale);
	kfree(bad);
	return rc;
}

/**
 * __dcd_scan_pending() - read the device's extent list owed since probe
 * @dcd: memdev state, dcd->lock held
 *
 * A memdev probed from the cxl bus notifier (main.c) cannot take dcd->lock
 * there, so its first extent list read (what was accepted before we came:
 * orphans until a region covers them) is done by whoever takes dcd->lock
 * first: cxl_pci's BUS_NOTIFY_BOUND_DRIVER, a region attach or the work.
 */
void __dcd_scan_pending(struct dcd_dev *dcd)
{
	int rc;

	lockdep_assert_held(&dcd->lock);
	if (!dcd->scan_pending || !dcd->live || dcd->stopping)
		return;
	dcd->scan_pending = false;
	rc = __dcd_resync(dcd, false);
	if (rc)
		dev_warn(&dcd->cxlmd->dev,
			 "cannot read the device's extent list (%d)\n", rc);
}
