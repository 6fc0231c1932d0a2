// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/lockdep.h>
#include <linux/string.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd release requests
 *
 * A release here only marks: the extents it touches become
 * release-pending and their DAX devices refuse onlining; the release
 * pipeline (release.c) verifies, deletes and sends Release DC. "In use" is
 * dax.c's.
 *
 * A release names a DPA range; every extent the range touches is released
 * whole (a partial range releases the whole extent, like the upstream
 * series; the spec's partial release is not implemented), and so is the
 * rest of its tag group (dcd_release_expand()): a tag group is one
 * allocation, accepted whole and released whole, and it is in use while
 * any member is. So the members of a merged group, which share one DAX
 * device, become release-pending together and are released together, in
 * one Release DC, once nothing holds the device; no DAX device is ever
 * shrunk, and none keeps a member whose capacity went back to the device.
 * A forced release tears down the extents it names at once; the rest of
 * their groups get an ordinary release.
 *
 * Locking: dcd->lock held throughout (the __ prefix).
 */

/*
 * Busy: a DAX device over the extent is in use (dcd_dax_check()), whether
 * or not the extent still has its extent device (a region torn down).
 */
static bool __dcd_slot_busy(struct dcd_dev *dcd, u32 i)
{
	struct dcd_host_extent *he = &dcd->set->slot[i];
	struct dcd_dax *dd = __dcd_dax_find(dcd, he->ext.dpa, he->ext.len);

	return dd && dcd_dax_check(dd) != DCD_BUSY_NONE;
}

/*
 * In use: the extent or, for a tagged one, any member of its tag group is
 * busy (a group is released as a whole; a merged one shares a device).
 */
static bool __dcd_in_use(struct dcd_dev *dcd, u32 i)
{
	const u8 *tag = dcd->set->slot[i].ext.tag;
	u32 j;

	if (dcd_tag_is_null(tag))
		return __dcd_slot_busy(dcd, i);
	for (j = 0; j < dcd->set->cap; j++) {
		const struct dcd_host_extent *h = &dcd->set->slot[j];

		if (h->state != DCD_EXT_FREE &&
		    !memcmp(h->ext.tag, tag, DCD_TAG_SIZE) &&
		    __dcd_slot_busy(dcd, j))
			return true;
	}
	return false;
}

/*
 * Slots of every extent [dpa, dpa + len) touches, in dcd->slots (room for
 * the whole set, so nothing is left out). Return: how many.
 */
static u32 __dcd_match(struct dcd_dev *dcd, u64 dpa, u64 len)
{
	u32 total;

	total = dcd_release_match(dcd->set, dpa, len, dcd->slots,
				  DCD_EXTENTS_MAX);
	if (WARN_ON_ONCE(total > DCD_EXTENTS_MAX)) {
		dev_err(&dcd->cxlmd->dev,
			"release of %#llx+%#llx: %u extents, only %u handled\n",
			dpa, len, total, DCD_EXTENTS_MAX);
		total = DCD_EXTENTS_MAX;
	}
	return total;
}

/*
 * Append the other members of the tag groups of the @named slots in
 * dcd->slots (they fit: the array holds the whole set). Return: the total.
 */
static u32 __dcd_expand(struct dcd_dev *dcd, u32 named)
{
	u32 total;

	total = dcd_release_expand(dcd->set, dcd->slots, named,
				   DCD_EXTENTS_MAX);
	if (WARN_ON_ONCE(total > DCD_EXTENTS_MAX))
		total = DCD_EXTENTS_MAX;
	return total;
}

/*
 * Release every extent [dpa, dpa + len) touches, and the rest of their tag
 * groups: they become release-pending and their DAX devices refuse
 * onlining; release.c releases them once verified unreachable. Forced and
 * named by the range: the device took them already, so they leave the set
 * at once and their DAX devices are fenced even in use (no Release DC for
 * them). Return: extents the range touches.
 */
static u32 __dcd_release_touching(struct dcd_dev *dcd, u64 dpa, u64 len,
				  bool forced)
{
	struct dcd_range *gone = (struct dcd_range *)dcd->extbuf;
	u32 *slots = dcd->slots;
	u32 named, n, i, nr_gone = 0;
	struct dcd_dax *dd;
	int s;

	named = __dcd_match(dcd, dpa, len);
	n = __dcd_expand(dcd, named);
	for (i = 0; i < n; i++) {
		struct dcd_host_extent *he = &dcd->set->slot[slots[i]];
		bool busy;

		dd = __dcd_dax_find(dcd, he->ext.dpa, he->ext.len);
		busy = dd && dcd_dax_check(dd) != DCD_BUSY_NONE;
		if (forced && i < named) {
			if (busy)
				dev_crit(&dcd->cxlmd->dev,
					 "forced release of extent %#llx+%#llx while in use\n",
					 he->ext.dpa, he->ext.len);
			if (dd)
				dcd_dax_retire(dd, true);
			gone[nr_gone].start = he->ext.dpa;
			gone[nr_gone].len = he->ext.len;
			nr_gone++;
			continue;
		}
		if (dd)
			dcd_dax_retire(dd, false);
		if (he->state == DCD_EXT_RELEASE_PENDING)
			continue;
		he->state = DCD_EXT_RELEASE_PENDING;
		WRITE_ONCE(dcd->nr_pending, dcd->nr_pending + 1);
		if (busy) {
			dcd->cnt[DCD_CNT_RELEASES_DEFERRED]++;
			dev_info(&dcd->cxlmd->dev,
				 "release of extent %#llx+%#llx deferred: in use\n",
				 he->ext.dpa, he->ext.len);
		}
		if (he->priv)
			dcd_extdev_set_state(he->priv, he->state);
	}
	for (i = 0; i < nr_gone; i++) {
		s = dcd_extent_set_find(dcd->set, gone[i].start, gone[i].len);
		if (s >= 0)
			__dcd_untrack(dcd, s);
	}
	return named;
}

/**
 * __dcd_handle_release() - act on a Release Capacity record
 * @dcd: memdev state, dcd->lock held
 * @ev: the record
 * @forced: a Forced Capacity Release: the device took the capacity already
 */
void __dcd_handle_release(struct dcd_dev *dcd, const struct dcd_event *ev,
			  bool forced)
{
	u32 n;

	dcd->cnt[forced ? DCD_CNT_FORCED_RELEASES : DCD_CNT_RELEASE_RECORDS]++;
	n = __dcd_release_touching(dcd, ev->ext.dpa, ev->ext.len, forced);
	if (!n) {
		dcd->cnt[DCD_CNT_RELEASE_UNKNOWN]++;
		dev_warn_ratelimited(&dcd->cxlmd->dev,
				     "%srelease of unknown range %#llx+%#llx ignored\n",
				     forced ? "forced " : "", ev->ext.dpa,
				     ev->ext.len);
	}
}

/**
 * __dcd_release_range() - host-initiated release of extents
 * @dcd: memdev state, dcd->lock held
 * @dpa: start of the range
 * @len: length of the range
 * @user: from user space (sysfs)
 *
 * Marks them, and the rest of their tag groups, release-pending; the
 * caller runs the release pipeline (dcd_release_run()) after dropping
 * dcd->lock.
 *
 * Return: 0 (marked), -ENOENT if the range touches no extent, -EBUSY if
 * one of them (or of their groups) is in use or already release-pending,
 * -ENODEV if the device is going away.
 */
int __dcd_release_range(struct dcd_dev *dcd, u64 dpa, u64 len, bool user)
{
	u32 *slots = dcd->slots;
	u32 n, i;

	if (!dcd->live || dcd->stopping)
		return -ENODEV;
	n = __dcd_match(dcd, dpa, len);
	if (!n)
		return -ENOENT;
	n = __dcd_expand(dcd, n);
	for (i = 0; i < n; i++)
		if (__dcd_in_use(dcd, slots[i]) ||
		    dcd->set->slot[slots[i]].state == DCD_EXT_RELEASE_PENDING)
			return -EBUSY;
	if (user)
		dev_info(&dcd->cxlmd->dev, "user release of %#llx+%#llx\n",
			 dpa, len);
	__dcd_release_touching(dcd, dpa, len, false);
	return 0;
}
