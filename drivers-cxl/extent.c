// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd extents
 *
 * The host's view of a memdev's Dynamic Capacity: the extents it accepted
 * (L's &struct dcd_extent_set, one slot per extent, @priv pointing to the
 * extentX.Y device while a region covers it), and where each sits (the DC
 * regions over the memdev). The decisions (parsing, validation, payloads,
 * matching, reconciliation) are the pure units' (records.c, chain.c,
 * extent_set.c); the files of this layer own the objects, the mailbox
 * commands and the locking:
 *
 * - extent.c (this file): the store, tracking and untracking extents;
 * - tags.c: the host-wide tag registry;
 * - add.c: the Add chain's completion and its Add Dynamic Capacity
 *   Response;
 * - release_mark.c: release requests (device records, user stores) mark
 *   extents release-pending; release.c, the release pipeline, releases
 *   them once verified unreachable and sends Release Dynamic Capacity;
 * - resync.c: re-reading the device's extent list and adopting it;
 * - attach.c: DC regions attached and detached.
 *
 * Extent states: accepted (a committed DC region covers it and it has an
 * extentX.Y device), release-pending (the device or the user asked for it
 * back; release.c releases it once its range is verified unreachable),
 * orphan (accepted on the device, no region covers it: after a reboot, or
 * a region torn down while the module was not loaded). A region teardown
 * releases its extents (see __dcd_region_detach()); module exit keeps them
 * accepted, as orphans.
 *
 * Locking: everything here runs with dcd->lock held (the __ prefix), from
 * the event work, the DAX region driver or a sysfs store. Mailbox commands
 * are sent under it, which serialises them per memdev and orders them with
 * the extent state. Extent devices are never unregistered under it: they
 * are queued on dcd->dead and unregistered when the lock is dropped
 * (dcd_unlock()). DAX devices are never deleted under it: release.c does
 * that, without the lock, and before any Release DC for their capacity.
 */

/**
 * dcd_extents_init() - allocate the extent state of a memdev
 * @dcd: memdev state with a validated configuration and a live mailbox
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int dcd_extents_init(struct dcd_dev *dcd)
{
	size_t psize = dcd->cxlds->cxl_mbox.payload_size;

	dcd->set = kvzalloc(dcd_extent_set_size(DCD_EXTENTS_MAX), GFP_KERNEL);
	dcd->chain = kvzalloc(sizeof(*dcd->chain), GFP_KERNEL);
	dcd->buf = kvzalloc(psize, GFP_KERNEL);
	dcd->buf2 = kvzalloc(psize, GFP_KERNEL);
	dcd->extbuf = kvcalloc(DCD_EXTENTS_MAX, sizeof(*dcd->extbuf),
			       GFP_KERNEL);
	dcd->slots = kvcalloc(DCD_EXTENTS_MAX, sizeof(*dcd->slots), GFP_KERNEL);
	if (!dcd->set || !dcd->chain || !dcd->buf || !dcd->buf2 ||
	    !dcd->extbuf || !dcd->slots) {
		dcd_extents_free(dcd);
		return -ENOMEM;
	}
	dcd_extent_set_init(dcd->set, DCD_EXTENTS_MAX);
	dcd_chain_reset(dcd->chain);
	return 0;
}

/**
 * dcd_extents_free() - free the extent state of a memdev
 * @dcd: memdev state; its tags are dropped
 *
 * Undoes dcd_extents_init(), also a partial one.
 */
void dcd_extents_free(struct dcd_dev *dcd)
{
	dcd_tags_drop(dcd);
	kvfree(dcd->set);
	kvfree(dcd->chain);
	kvfree(dcd->buf);
	kvfree(dcd->buf2);
	kvfree(dcd->extbuf);
	kvfree(dcd->slots);
	dcd->set = NULL;
	dcd->chain = NULL;
	dcd->buf = NULL;
	dcd->buf2 = NULL;
	dcd->extbuf = NULL;
	dcd->slots = NULL;
}

/**
 * __dcd_region_nth() - a DC region of a memdev by its position
 * @dcd: memdev state, dcd->lock held
 * @idx: index in dcd->regions (as in __dcd_committed())
 *
 * Return: the region or NULL.
 */
struct dcd_region_ctx *__dcd_region_nth(struct dcd_dev *dcd, u32 idx)
{
	struct dcd_region_ctx *rgn;

	list_for_each_entry(rgn, &dcd->regions, node)
		if (!idx--)
			return rgn;
	return NULL;
}

/**
 * __dcd_region_of() - the DC region whose DPA range contains a range
 * @dcd: memdev state, dcd->lock held
 * @dpa: start
 * @len: length
 *
 * Return: the region or NULL.
 */
struct dcd_region_ctx *__dcd_region_of(struct dcd_dev *dcd, u64 dpa, u64 len)
{
	struct dcd_region_ctx *rgn;

	list_for_each_entry(rgn, &dcd->regions, node)
		if (dpa >= rgn->dpa.start && len <= rgn->dpa.len &&
		    dpa - rgn->dpa.start <= rgn->dpa.len - len)
			return rgn;
	return NULL;
}

/**
 * __dcd_slot_place() - give a tracked extent its extent device
 * @dcd: memdev state, dcd->lock held
 * @i: the extent's slot
 * @rgn: the region covering it, or NULL: it becomes an orphan
 */
void __dcd_slot_place(struct dcd_dev *dcd, u32 i, struct dcd_region_ctx *rgn)
{
	struct dcd_host_extent *he = &dcd->set->slot[i];

	if (!rgn) {
		he->state = DCD_EXT_ORPHAN;
		he->priv = NULL;
		return;
	}
	if (he->state == DCD_EXT_ORPHAN)
		he->state = DCD_EXT_ACCEPTED;
	he->priv = dcd_extdev_add(dcd, rgn, &he->ext, he->state);
	if (!he->priv)
		dev_warn(&dcd->cxlmd->dev,
			 "extent %#llx+%#llx: no sysfs device\n",
			 he->ext.dpa, he->ext.len);
	/* its DAX device comes from __dcd_dax_populate(), with its group's */
}

/**
 * __dcd_track() - insert an extent accepted on the device into the host set
 * @dcd: memdev state, dcd->lock held
 * @ext: the extent
 * @rgn: the region covering it (it gets an extent device), or NULL (orphan)
 *
 * Return: 0, or dcd_extent_set_insert()'s errno (logged).
 */
int __dcd_track(struct dcd_dev *dcd, const struct dcd_extent *ext,
		struct dcd_region_ctx *rgn)
{
	enum dcd_rej why;
	int region, slot;

	region = dcd_dc_region_of(&dcd->cfg, ext->dpa, ext->len, &why);
	if (region < 0)
		region = 0;
	slot = dcd_extent_set_insert(dcd->set, ext, region,
				     rgn ? DCD_EXT_ACCEPTED : DCD_EXT_ORPHAN);
	if (slot < 0) {
		dev_err_ratelimited(&dcd->cxlmd->dev,
				    "extent %#llx+%#llx: cannot track it (%d)\n",
				    ext->dpa, ext->len, slot);
		return slot;
	}
	__dcd_tag_get(dcd, ext->tag);
	__dcd_slot_place(dcd, slot, rgn);
	return 0;
}

/**
 * __dcd_untrack() - drop an extent from the host's set
 * @dcd: memdev state, dcd->lock held
 * @i: its slot
 *
 * Its extent device is queued for unregistration (and unlinked from its
 * DAX device, which the caller deleted or leaves to release.c).
 */
void __dcd_untrack(struct dcd_dev *dcd, u32 i)
{
	struct dcd_host_extent *he = &dcd->set->slot[i];

	if (he->priv)
		__dcd_extdev_kill(dcd, he->priv);
	he->priv = NULL;
	__dcd_tag_put(dcd, he->ext.tag);
	dcd_extent_set_remove(dcd->set, i);
}
