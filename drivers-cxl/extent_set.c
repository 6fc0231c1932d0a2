// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/errno.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include "logic.h"

/**
 * DOC: cxl-dcd extent sets
 *
 * Pure logic (see logic.h) of the extents the host tracks (&struct
 * dcd_extent_set): inserting, finding, which extents a release touches,
 * tag groups and their DAX devices, and reconciliation with the device's
 * extent list.
 *
 * Decisions (each is tested in selftests/host/test_extent_logic.c):
 *
 * - Release. A release range releases every extent it touches, whole: a
 *   partial-range request releases the whole extent (as upstream; never
 *   split). Extents are matched by DPA only; QEMU 10.0 sends null tags.
 * - Tag groups are released as a whole (upstream v11; the FM releases an
 *   allocation as a whole in practice): dcd_release_expand() adds every
 *   other tracked extent with the same non-null tag to what a release
 *   touches, so a release naming part of a group releases all of it, and
 *   the group is in use while any member is. A forced release tears down
 *   only the extents it names; the rest of their groups get an ordinary
 *   release (dcd_release_mark()). No group is ever split: a DAX device
 *   spanning a group is never shrunk, so none can keep mapping capacity
 *   the device took back.
 * - DAX devices of tag groups. dcd_group_members() orders a group by
 *   (sequence number, DPA): sharable groups by their 0..n-1 sequence,
 *   non-sharable ones (sequence field reserved, all 0) by ascending DPA,
 *   so the order is a function of the members alone and a group adopted
 *   after a reload or reboot (offer order unknown) comes out the same.
 *   dcd_group_plan() gives the group one DAX device (DCD_GRP_MERGED) if
 *   its sequence numbers are all 0 or exactly 0..n-1, all members lie in
 *   one committed region and each member starts where the previous one
 *   ends (a 1-way region maps DPA linearly to HPA, so DPA contiguity is
 *   HPA contiguity); else one DAX device per extent, for the reason
 *   returned. A group is complete when the chain that offered it was
 *   answered (groups are accepted whole and a tag never spans chains, see
 *   Tags) or, for adopted extents, when the device lists it; a gap in a
 *   sharable sequence (DCD_GRP_INCOMPLETE) is the only incompleteness the
 *   host can see.
 */

/**
 * dcd_extent_set_size() - bytes to allocate for a set of @cap extents
 * @cap: number of slots, at most DCD_EXTENTS_MAX
 *
 * Context: any context.
 * Return: size in bytes.
 */
size_t dcd_extent_set_size(u32 cap)
{
	struct dcd_extent_set *set;

	if (cap > DCD_EXTENTS_MAX)
		cap = DCD_EXTENTS_MAX;
	return struct_size(set, slot, cap);
}

/**
 * dcd_extent_set_init() - empty a set
 * @set: memory of dcd_extent_set_size(@cap) bytes
 * @cap: the same @cap
 *
 * Context: any context.
 */
void dcd_extent_set_init(struct dcd_extent_set *set, u32 cap)
{
	if (cap > DCD_EXTENTS_MAX)
		cap = DCD_EXTENTS_MAX;
	memset(set, 0, dcd_extent_set_size(cap));
	set->cap = cap;
}

/**
 * dcd_extent_set_insert() - track an accepted, adopted or orphan extent
 * @set: the set
 * @ext: the extent (copied)
 * @dc_region: its DC region index
 * @state: DCD_EXT_ACCEPTED or DCD_EXT_ORPHAN
 *
 * The caller validated @ext (dcd_chain_validate(), dcd_reconcile()); this
 * only refuses a full set or an invalid state.
 *
 * Context: any context.
 * Return: the slot index (stable until removed), -ENOSPC if full, -EINVAL
 * for @state DCD_EXT_FREE.
 */
int dcd_extent_set_insert(struct dcd_extent_set *set,
			  const struct dcd_extent *ext, u8 dc_region,
			  enum dcd_ext_state state)
{
	u32 i;

	if (state == DCD_EXT_FREE)
		return -EINVAL;
	for (i = 0; i < set->cap; i++) {
		struct dcd_host_extent *h = &set->slot[i];

		if (h->state != DCD_EXT_FREE)
			continue;
		h->ext = *ext;
		h->state = state;
		h->dc_region = dc_region;
		h->priv = NULL;
		set->nr++;
		return i;
	}
	return -ENOSPC;
}

/**
 * dcd_extent_set_remove() - forget an extent (released, torn down, stale)
 * @set: the set
 * @slot: slot index; out of range or free slots are ignored
 *
 * Context: any context.
 */
void dcd_extent_set_remove(struct dcd_extent_set *set, u32 slot)
{
	if (slot >= set->cap || set->slot[slot].state == DCD_EXT_FREE)
		return;
	memset(&set->slot[slot], 0, sizeof(set->slot[slot]));
	set->nr--;
}

/**
 * dcd_extent_set_find() - slot of the extent with exactly this range
 * @set: the set
 * @dpa: start DPA
 * @len: length
 *
 * Context: any context.
 * Return: slot index or -ENOENT.
 */
int dcd_extent_set_find(const struct dcd_extent_set *set, u64 dpa, u64 len)
{
	u32 i;

	for (i = 0; i < set->cap; i++) {
		const struct dcd_host_extent *h = &set->slot[i];

		if (h->state != DCD_EXT_FREE && h->ext.dpa == dpa &&
		    h->ext.len == len)
			return i;
	}
	return -ENOENT;
}

/**
 * dcd_release_match() - extents a release request touches
 * @set: the host's extents
 * @dpa: start of the released range
 * @len: its length
 * @slots: filled with matching slot indices, ascending
 * @max_slots: entries in @slots
 *
 * Every extent overlapping the range matches, whole: a partial-range
 * request releases the whole extent, and a range spanning several extents
 * releases them all. An empty or wrapping range matches nothing.
 *
 * Context: any context.
 * Return: number of matching extents (may exceed @max_slots; only
 * @max_slots are stored); 0 means unknown range: log once, change nothing.
 */
u32 dcd_release_match(const struct dcd_extent_set *set, u64 dpa, u64 len,
		      u32 *slots, u32 max_slots)
{
	u32 i, n = 0;
	u64 last;

	if (!dcd_last(dpa, len, &last))
		return 0;
	for (i = 0; i < set->cap; i++) {
		const struct dcd_host_extent *h = &set->slot[i];

		if (h->state == DCD_EXT_FREE ||
		    !dcd_overlaps(h->ext.dpa, h->ext.len, dpa, len))
			continue;
		if (n < max_slots)
			slots[n] = i;
		n++;
	}
	return n;
}

/**
 * dcd_release_mark() - apply a (forced) release record to the set
 * @set: the host's extents
 * @ev: a DCD_EV_RELEASE or DCD_EV_FORCED_RELEASE record
 * @slots: filled with the matching slots
 * @max_slots: entries in @slots
 *
 * Matches like dcd_release_match(), adds the rest of the matched tag
 * groups (dcd_release_expand()) and marks the (stored) matches
 * DCD_EXT_RELEASE_PENDING, or DCD_EXT_FORCED for a forced release; group
 * mates of a forced extent are marked DCD_EXT_RELEASE_PENDING. The
 * caller then tears down each marked extent that is not in use, sends
 * Release DC for it (not for forced ones: the device already took them) and
 * dcd_extent_set_remove()s it; in-use ones stay pending until their use
 * ends. A forced mark is never downgraded to pending.
 *
 * Context: any context.
 * Return: as dcd_release_expand(); 0 for other record types.
 */
u32 dcd_release_mark(struct dcd_extent_set *set, const struct dcd_event *ev,
		     u32 *slots, u32 max_slots)
{
	u32 i, n, named;
	u8 state;

	if (ev->type == DCD_EV_RELEASE)
		state = DCD_EXT_RELEASE_PENDING;
	else if (ev->type == DCD_EV_FORCED_RELEASE)
		state = DCD_EXT_FORCED;
	else
		return 0;
	named = dcd_release_match(set, ev->ext.dpa, ev->ext.len, slots,
				  max_slots);
	n = dcd_release_expand(set, slots, named, max_slots);
	for (i = 0; i < n && i < max_slots; i++) {
		struct dcd_host_extent *h = &set->slot[slots[i]];

		if (h->state == DCD_EXT_FORCED)
			continue;
		/* the rest of a forced extent's group: an ordinary release */
		h->state = i < named ? state : DCD_EXT_RELEASE_PENDING;
	}
	return n;
}

static bool dcd_group_mate(const struct dcd_host_extent *h, const u8 *tag)
{
	return h->state != DCD_EXT_FREE && !dcd_tag_is_null(tag) &&
	       dcd_tag_eq(h->ext.tag, tag);
}

static bool dcd_slot_listed(const u32 *slots, u32 n, u32 slot)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (slots[i] == slot)
			return true;
	return false;
}

/**
 * dcd_release_expand() - add the rest of the tag groups a release touches
 * @set: the host's extents
 * @slots: slots a release touches (dcd_release_match()); the other
 *	members of their tag groups are appended
 * @n: entries in @slots
 * @max_slots: room in @slots
 *
 * Untagged extents stay alone. Each appended slot appears once, after the
 * @n given ones, so the caller can tell named extents (index < @n) from
 * their group mates.
 *
 * Context: any context.
 * Return: the new number of entries; more than @max_slots if they did not
 * all fit (only @max_slots are stored; the caller must not act on a
 * partial group then).
 */
u32 dcd_release_expand(const struct dcd_extent_set *set, u32 *slots, u32 n,
		       u32 max_slots)
{
	u32 i, j, stored, total;

	stored = n < max_slots ? n : max_slots;
	total = n;
	for (i = 0; i < stored && i < n; i++) {
		const u8 *tag;

		if (slots[i] >= set->cap)
			continue;
		tag = set->slot[slots[i]].ext.tag;
		if (dcd_tag_is_null(tag))
			continue;
		for (j = 0; j < set->cap; j++) {
			if (!dcd_group_mate(&set->slot[j], tag) ||
			    dcd_slot_listed(slots, stored, j))
				continue;
			if (stored < max_slots)
				slots[stored++] = j;
			total++;
		}
	}
	return total;
}

/* Sequence order: (sequence number, DPA) */
static bool dcd_seq_before(const struct dcd_extent *a,
			   const struct dcd_extent *b)
{
	return a->seq < b->seq || (a->seq == b->seq && a->dpa < b->dpa);
}

/**
 * dcd_group_members() - a tracked extent's tag group, in sequence order
 * @set: the host's extents
 * @slot: one member
 * @slots: filled with the members' slots, ordered by (sequence number,
 *	DPA); see the DOC block
 * @max_slots: room in @slots
 *
 * An untagged extent is a group of one. Members are the tracked extents
 * (any state but free) holding the same non-null tag.
 *
 * Context: any context.
 * Return: number of members; 0 if @slot is free or out of range; more than
 * @max_slots if they did not all fit (then only @max_slots, not
 * necessarily the first ones, are stored: do not use them).
 */
u32 dcd_group_members(const struct dcd_extent_set *set, u32 slot, u32 *slots,
		      u32 max_slots)
{
	const u8 *tag;
	u32 i, j, n = 0;

	if (slot >= set->cap || set->slot[slot].state == DCD_EXT_FREE)
		return 0;
	tag = set->slot[slot].ext.tag;
	if (dcd_tag_is_null(tag)) {
		if (max_slots)
			slots[0] = slot;
		return 1;
	}
	for (i = 0; i < set->cap; i++) {
		const struct dcd_extent *e = &set->slot[i].ext;

		if (!dcd_group_mate(&set->slot[i], tag))
			continue;
		if (n >= max_slots) {
			n++;
			continue;
		}
		/* insertion sort: groups are small */
		for (j = n; j > 0 &&
		     dcd_seq_before(e, &set->slot[slots[j - 1]].ext); j--)
			slots[j] = slots[j - 1];
		slots[j] = i;
		n++;
	}
	return n;
}

/**
 * dcd_group_plan() - one DAX device for a tag group, or one per extent?
 * @set: the host's extents
 * @slots: the group, from dcd_group_members()
 * @n: its size
 * @committed: DPA ranges of the committed DC regions
 * @nr_committed: entries in @committed
 * @span: set to the DPA range the group covers when merged (else the
 *	first member's range, or empty)
 *
 * Checks, in this order: sequence numbers all 0 or exactly 0..n-1 in
 * @slots order (else DCD_GRP_INCOMPLETE), every member inside the same
 * committed range (else DCD_GRP_REGIONS), each member starting where the
 * previous one ends (else DCD_GRP_NOT_CONTIGUOUS).
 *
 * Context: any context.
 * Return: DCD_GRP_UNTAGGED for a single untagged extent, DCD_GRP_MERGED,
 * or the reason for one device per extent; DCD_GRP_INCOMPLETE for an
 * empty group.
 */
enum dcd_grp dcd_group_plan(const struct dcd_extent_set *set, const u32 *slots,
			    u32 n, const struct dcd_range *committed,
			    u32 nr_committed, struct dcd_range *span)
{
	const struct dcd_extent *e, *prev;
	bool all_zero = true, dense = true;
	u64 end, total;
	int host = -1;
	u32 k;

	span->start = 0;
	span->len = 0;
	if (!n)
		return DCD_GRP_INCOMPLETE;
	for (k = 0; k < n; k++)
		if (slots[k] >= set->cap ||
		    set->slot[slots[k]].state == DCD_EXT_FREE)
			return DCD_GRP_INCOMPLETE;
	e = &set->slot[slots[0]].ext;
	span->start = e->dpa;
	span->len = e->len;
	if (n == 1 && dcd_tag_is_null(e->tag))
		return DCD_GRP_UNTAGGED;

	for (k = 0; k < n; k++) {
		e = &set->slot[slots[k]].ext;
		if (e->seq)
			all_zero = false;
		if (e->seq != k)
			dense = false;
	}
	if (!all_zero && !dense)
		return DCD_GRP_INCOMPLETE;

	for (k = 0; k < n; k++) {
		int h;

		e = &set->slot[slots[k]].ext;
		h = dcd_range_lookup(committed, nr_committed, e->dpa, e->len);
		if (h < 0 || (host >= 0 && h != host))
			return DCD_GRP_REGIONS;
		host = h;
	}

	total = set->slot[slots[0]].ext.len;
	for (k = 1; k < n; k++) {
		prev = &set->slot[slots[k - 1]].ext;
		e = &set->slot[slots[k]].ext;
		if (check_add_overflow(prev->dpa, prev->len, &end) ||
		    end != e->dpa)
			return DCD_GRP_NOT_CONTIGUOUS;
		total += e->len;
	}
	span->len = total;
	return DCD_GRP_MERGED;
}

/**
 * dcd_reconcile() - compare the host's extents with the device's list
 * @set: the host's extents
 * @dev: the device's extents (from Get DC Extent List)
 * @nr_dev: entries in @dev
 * @cfg: validated DC configuration
 * @committed: DPA ranges of the committed DC regions
 * @nr_committed: entries in @committed
 * @dev_class: per device extent, enum dcd_recon
 * @host_stale: per set slot (@set->cap entries), true if the host tracks
 *	the extent and the device does not list it
 * @res: counts
 *
 * A device extent the host tracks with the same range is KNOWN. Otherwise
 * it is INVALID if it fails the range checks of an add (zero, wrap, outside
 * or straddling DC regions, block or 2 MiB alignment), overlaps a host
 * extent, or overlaps another entry of the device's own list (two entries
 * over one range: neither is adopted, so no two DAX devices ever map one
 * range); else ADOPT if one committed region covers it, ORPHAN if none.
 * Adopted and orphan extents are inserted by the caller (no Add Response:
 * the device accepted them already). Tags are not compared: the list is
 * the device's truth.
 *
 * Context: any context.
 * Return: 0.
 */
int dcd_reconcile(const struct dcd_extent_set *set,
		  const struct dcd_extent *dev, u32 nr_dev,
		  const struct dcd_config *cfg,
		  const struct dcd_range *committed, u32 nr_committed,
		  u8 *dev_class, bool *host_stale,
		  struct dcd_recon_result *res)
{
	u32 i, j;

	memset(res, 0, sizeof(*res));
	for (j = 0; j < set->cap; j++)
		host_stale[j] = set->slot[j].state != DCD_EXT_FREE;

	for (i = 0; i < nr_dev; i++) {
		const struct dcd_extent *e = &dev[i];
		enum dcd_rej why;
		u8 cls = DCD_RECON_INVALID;
		int reg, slot;

		slot = dcd_extent_set_find(set, e->dpa, e->len);
		if (slot >= 0) {
			host_stale[slot] = false;
			dev_class[i] = DCD_RECON_KNOWN;
			res->nr_known++;
			continue;
		}
		reg = dcd_dc_region_of(cfg, e->dpa, e->len, &why);
		if (reg >= 0 &&
		    !((e->dpa | e->len) & (cfg->region[reg].block_size - 1)) &&
		    !((e->dpa | e->len) & (DCD_EXT_ALIGN - 1))) {
			cls = dcd_range_lookup(committed, nr_committed, e->dpa,
					       e->len) >= 0 ?
			      DCD_RECON_ADOPT : DCD_RECON_ORPHAN;
			for (j = 0; j < set->cap; j++) {
				const struct dcd_host_extent *h = &set->slot[j];

				if (h->state != DCD_EXT_FREE &&
				    dcd_overlaps(h->ext.dpa, h->ext.len,
						 e->dpa, e->len))
					cls = DCD_RECON_INVALID;
			}
			for (j = 0; j < nr_dev; j++)
				if (j != i && dcd_overlaps(dev[j].dpa, dev[j].len,
							   e->dpa, e->len))
					cls = DCD_RECON_INVALID;
		}
		dev_class[i] = cls;
		if (cls == DCD_RECON_ADOPT)
			res->nr_adopt++;
		else if (cls == DCD_RECON_ORPHAN)
			res->nr_orphan++;
		else
			res->nr_invalid++;
	}
	for (j = 0; j < set->cap; j++)
		if (host_stale[j])
			res->nr_stale++;
	return 0;
}
