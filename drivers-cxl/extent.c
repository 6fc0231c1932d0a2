// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>
#include "cxl_dcd.h"
#include "trace.h"

/**
 * DOC: cxl-dcd extents
 *
 * The host's view of a memdev's Dynamic Capacity: the extents it accepted
 * (L's &struct dcd_extent_set, one slot per extent, @priv pointing to the
 * extentX.Y device while a region covers it), the More chain being staged,
 * and the commands that change the device's view (Add Dynamic Capacity
 * Response, Release Dynamic Capacity). The decisions (parsing, validation,
 * payloads, matching, reconciliation) are extent_logic.c's; this file owns
 * the objects, the mailbox and the locking.
 *
 * Extent states: accepted (a committed DC region covers it and it has an
 * extentX.Y device), release-pending (the device or the user asked for it
 * back; release.c releases it once its range is verified unreachable),
 * orphan (accepted on the device, no region covers it: after a reboot, or
 * a region torn down while the module was not loaded). A region teardown
 * releases its extents (see __dcd_region_detach()); module exit keeps them
 * accepted, as orphans.
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
 * DAX devices are created by __dcd_dax_populate() after each batch of
 * extent devices (chain answered, extent list adopted, region attached),
 * when every member of a tag group that the batch completes is tracked:
 * one per untagged extent, one per tag group dcd_group_plan() merges,
 * else one per member, the reason logged once and shown in
 * extentX.Y/group. Adopted extents (reload, reboot, orphans) regroup the
 * same way; the plan depends only on the members, not on offer order.
 *
 * Locking: everything here runs with dcd->lock held (the __ prefix), from
 * the event work, the DAX region driver or a sysfs store. Mailbox commands
 * are sent under it, which serialises them per memdev and orders them with
 * the extent state. Extent devices are never unregistered under it: they
 * are queued on dcd->dead and unregistered by dcd_unlock(). DAX devices
 * are never deleted under it: release.c does that, without the lock, and
 * before any Release DC for their capacity.
 */

/* Longest gap between two retries of a failed Release DC */
#define DCD_RETRY_MAX_MS	60000

/*
 * Host-wide tag registry (corner case 28): a non-null tag names one
 * allocation, so a tag already held by an extent of any memdev must be
 * rejected on every other memdev too. One entry per (memdev, non-null tag)
 * counts that memdev's tracked extents holding the tag (any state but
 * free, as the per-memdev check in extent_logic.c), plus the extents of a
 * chain being answered (reserved from validation until they are tracked,
 * so two memdevs cannot both accept one tag).
 *
 * dcd_tags_lock protects dcd_tags. It nests inside dcd->lock (every user
 * holds its memdev's lock) and nothing is taken or sent under it. The
 * extent sets of the other memdevs cannot be read instead: that needs
 * their dcd->lock (two of them at once, no order) or dcd_lock, which ranks
 * above dcd->lock (main.c) while chains are answered with dcd->lock held.
 */
struct dcd_tag_ref {
	struct list_head node;
	const struct dcd_dev *owner;
	u8 tag[DCD_TAG_SIZE];
	u32 refs;
};

static DEFINE_MUTEX(dcd_tags_lock);
static LIST_HEAD(dcd_tags);

static struct dcd_tag_ref *dcd_tag_find(const struct dcd_dev *owner,
					const u8 *tag)
{
	struct dcd_tag_ref *t;

	lockdep_assert_held(&dcd_tags_lock);
	list_for_each_entry(t, &dcd_tags, node)
		if (t->owner == owner && !memcmp(t->tag, tag, DCD_TAG_SIZE))
			return t;
	return NULL;
}

/* ctx.tag_taken of dcd_chain_validate(): held by another memdev? */
static bool dcd_tag_foreign(const u8 *tag, void *arg)
{
	const struct dcd_dev *dcd = arg;
	struct dcd_tag_ref *t;

	lockdep_assert_held(&dcd_tags_lock);
	list_for_each_entry(t, &dcd_tags, node)
		if (t->owner != dcd && !memcmp(t->tag, tag, DCD_TAG_SIZE))
			return true;
	return false;
}

/* One more extent of @dcd holds @tag; dcd_tags_lock held. */
static void dcd_tag_get_locked(struct dcd_dev *dcd, const u8 *tag)
{
	struct dcd_tag_ref *t;

	if (dcd_tag_is_null(tag))
		return;
	if (dcd_tag_foreign(tag, dcd))
		dev_warn_ratelimited(&dcd->cxlmd->dev,
				     "tag %pUb is also held by another memdev\n",
				     tag);
	t = dcd_tag_find(dcd, tag);
	if (t) {
		t->refs++;
		return;
	}
	/* out of memory: the tag is only checked on this memdev */
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return;
	t->owner = dcd;
	memcpy(t->tag, tag, DCD_TAG_SIZE);
	t->refs = 1;
	list_add_tail(&t->node, &dcd_tags);
}

/* One extent of @dcd less holds @tag; dcd_tags_lock held. */
static void dcd_tag_put_locked(struct dcd_dev *dcd, const u8 *tag)
{
	struct dcd_tag_ref *t;

	if (dcd_tag_is_null(tag))
		return;
	t = dcd_tag_find(dcd, tag);
	if (!t || --t->refs)
		return;
	list_del(&t->node);
	kfree(t);
}

static void __dcd_tag_get(struct dcd_dev *dcd, const u8 *tag)
{
	lockdep_assert_held(&dcd->lock);
	if (dcd_tag_is_null(tag))
		return;
	guard(mutex)(&dcd_tags_lock);
	dcd_tag_get_locked(dcd, tag);
}

static void __dcd_tag_put(struct dcd_dev *dcd, const u8 *tag)
{
	lockdep_assert_held(&dcd->lock);
	if (dcd_tag_is_null(tag))
		return;
	guard(mutex)(&dcd_tags_lock);
	dcd_tag_put_locked(dcd, tag);
}

/* The memdev's extents go: none of its tags is held any more. */
static void dcd_tags_drop(struct dcd_dev *dcd)
{
	struct dcd_tag_ref *t, *next;

	guard(mutex)(&dcd_tags_lock);
	list_for_each_entry_safe(t, next, &dcd_tags, node) {
		if (t->owner != dcd)
			continue;
		list_del(&t->node);
		kfree(t);
	}
}

/* The chain's accepted tagged extents: reserve (@get) or unreserve them. */
static void dcd_tags_reserve_locked(struct dcd_dev *dcd, bool get)
{
	struct dcd_chain *c = dcd->chain;
	u32 i;

	lockdep_assert_held(&dcd_tags_lock);
	for (i = 0; i < c->nr; i++) {
		if (c->verdict[i] != DCD_REJ_NONE)
			continue;
		if (get)
			dcd_tag_get_locked(dcd, c->ext[i].tag);
		else
			dcd_tag_put_locked(dcd, c->ext[i].tag);
	}
}

const char *dcd_state_name(int state)
{
	switch (state) {
	case DCD_EXT_ACCEPTED:
		return "accepted";
	case DCD_EXT_RELEASE_PENDING:
		return "release-pending";
	case DCD_EXT_FORCED:
		return "forced";
	case DCD_EXT_ORPHAN:
		return "orphan";
	default:
		return "free";
	}
}

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
 * __dcd_committed() - DPA ranges of the committed DC regions of a memdev
 * @dcd: memdev state, dcd->lock held
 * @r: filled with the ranges, in dcd->regions order
 * @max: entries in @r
 *
 * Return: number of ranges.
 */
u32 __dcd_committed(struct dcd_dev *dcd, struct dcd_range *r, u32 max)
{
	struct dcd_region_ctx *rgn;
	u32 n = 0;

	lockdep_assert_held(&dcd->lock);
	list_for_each_entry(rgn, &dcd->regions, node) {
		if (n == max)
			break;
		r[n++] = rgn->dpa;
	}
	return n;
}

static struct dcd_region_ctx *__dcd_region_nth(struct dcd_dev *dcd, u32 idx)
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

/* Give slot @i an extent device in @rgn (or none: orphan). */
static void __dcd_slot_place(struct dcd_dev *dcd, u32 i,
			     struct dcd_region_ctx *rgn)
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

static const char *dcd_grp_why(enum dcd_grp g)
{
	switch (g) {
	case DCD_GRP_NOT_CONTIGUOUS:
		return "not contiguous in sequence order";
	case DCD_GRP_INCOMPLETE:
		return "sequence numbers are not 0..n-1";
	case DCD_GRP_REGIONS:
		return "not all in one region";
	default:
		return dcd_grp_name(g);
	}
}

/* Mark @edev's new DAX device retiring if its extent is pending already. */
static void __dcd_dax_pending(struct dcd_extent_dev *edev)
{
	if (edev->dax && READ_ONCE(edev->state) == DCD_EXT_RELEASE_PENDING)
		dcd_dax_retire(edev->dax, false);
}

/* Write back and invalidate the CPU caches once per populated batch. */
static void __dcd_flush_once(struct dcd_dev *dcd, bool *flushed)
{
	if (!*flushed)
		__dcd_flush_caches(dcd, false);
	*flushed = true;
}

static void __dcd_dax_add_one(struct dcd_dev *dcd, struct dcd_extent_dev *edev,
			      enum dcd_grp g, bool *flushed)
{
	WRITE_ONCE(edev->group, g);
	edev->dax_done = true;
	__dcd_flush_once(dcd, flushed);
	__dcd_dax_add(dcd, &edev, 1);
	__dcd_dax_pending(edev);
}

/*
 * Give the extent devices without a DAX device theirs: one per untagged
 * extent; one per tag group dcd_group_plan() merges (complete, in one
 * region, contiguous in sequence order), whose members must all have an
 * extent device in that region and no DAX device yet; else one per member,
 * with the reason logged once for the group. A decision is not revisited
 * while its devices exist (an extent keeps @dax_done).
 */
static void __dcd_dax_populate(struct dcd_dev *dcd)
{
	struct dcd_range committed[16], span;
	struct dcd_extent_dev **edevs;
	bool flushed = false;
	u32 i, k, n, ncm;
	enum dcd_grp g;
	u32 *gs;

	lockdep_assert_held(&dcd->lock);
	gs = kvcalloc(DCD_EXTENTS_MAX, sizeof(*gs), GFP_KERNEL);
	edevs = kvcalloc(DCD_EXTENTS_MAX, sizeof(*edevs), GFP_KERNEL);
	if (!gs || !edevs) {
		dev_err(&dcd->cxlmd->dev, "out of memory: DAX devices not created\n");
		goto out;
	}
	ncm = __dcd_committed(dcd, committed, ARRAY_SIZE(committed));
	for (i = 0; i < dcd->set->cap; i++) {
		struct dcd_host_extent *he = &dcd->set->slot[i];
		struct dcd_extent_dev *edev = he->priv;

		if (he->state == DCD_EXT_FREE || !edev || edev->dax_done)
			continue;
		n = dcd_group_members(dcd->set, i, gs, DCD_EXTENTS_MAX);
		if (!n || n > DCD_EXTENTS_MAX)
			continue;
		g = dcd_group_plan(dcd->set, gs, n, committed, ncm, &span);
		for (k = 0; g == DCD_GRP_MERGED && k < n; k++) {
			edevs[k] = dcd->set->slot[gs[k]].priv;
			if (!edevs[k] || edevs[k]->dax_done ||
			    edevs[k]->rgn != edev->rgn)
				g = DCD_GRP_REGIONS;
		}
		if (g == DCD_GRP_MERGED) {
			for (k = 0; k < n; k++) {
				WRITE_ONCE(edevs[k]->group, g);
				edevs[k]->dax_done = true;
			}
			__dcd_flush_once(dcd, &flushed);
			__dcd_dax_add(dcd, edevs, n);
			for (k = 0; k < n; k++)
				__dcd_dax_pending(edevs[k]);
			if (n > 1)
				dev_info(&dcd->cxlmd->dev,
					 "tag group %pUb: one DAX device over its %u extents, DPA %#llx+%#llx\n",
					 he->ext.tag, n, span.start, span.len);
			continue;
		}
		if (g == DCD_GRP_UNTAGGED) {
			__dcd_dax_add_one(dcd, edev, g, &flushed);
			continue;
		}
		dev_info(&dcd->cxlmd->dev,
			 "tag group %pUb: its %u extents are %s: one DAX device per extent\n",
			 he->ext.tag, n, dcd_grp_why(g));
		for (k = 0; k < n; k++) {
			struct dcd_extent_dev *e = dcd->set->slot[gs[k]].priv;

			if (e && !e->dax_done)
				__dcd_dax_add_one(dcd, e, g, &flushed);
		}
	}
out:
	kvfree(gs);
	kvfree(edevs);
}

/* Insert an extent accepted on the device into the host set. */
static int __dcd_track(struct dcd_dev *dcd, const struct dcd_extent *ext,
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

/**
 * __dcd_cmd() - send a mailbox command for a live memdev
 * @dcd: memdev state, dcd->lock held
 * @opcode: command
 * @in: input payload
 * @in_size: bytes of @in
 * @out: output buffer
 * @out_size: size of @out
 * @min_out: fewest output bytes accepted
 * @out_len: set to the bytes returned
 *
 * Return: 0, -ENODEV once cxl_pci is unbinding, or dcd_mbox_send()'s errno.
 */
int __dcd_cmd(struct dcd_dev *dcd, u16 opcode, const void *in, size_t in_size,
	      void *out, size_t out_size, size_t min_out, size_t *out_len)
{
	int rc;

	lockdep_assert_held(&dcd->lock);
	if (!dcd->live)
		return -ENODEV;
	dcd->cnt[DCD_CNT_MBOX_CMDS]++;
	rc = dcd_mbox_send(&dcd->cxlds->cxl_mbox, opcode, in, in_size, out,
			   out_size, min_out, out_len);
	if (rc)
		dcd->cnt[DCD_CNT_MBOX_ERRORS]++;
	return rc;
}

static void __dcd_retry_add(struct dcd_dev *dcd, const struct dcd_range *r)
{
	struct dcd_retry *rt;

	if (dcd->nr_retry == DCD_RETRY_MAX) {
		/* never forget: keep the oldest, merge into the last entry */
		dev_err_ratelimited(&dcd->cxlmd->dev,
				    "release retry queue full, %#llx+%#llx waits for a resync\n",
				    r->start, r->len);
		dcd->resync = true;
		return;
	}
	rt = &dcd->retry[dcd->nr_retry++];
	rt->r = *r;
	rt->tries = 0;
	rt->next = jiffies + HZ;
}

/**
 * __dcd_send_release() - send Release DC for ranges verified unreachable
 * @dcd: memdev state, dcd->lock held
 * @r: the ranges
 * @nr: entries in @r
 * @queue: queue failed ones for retry
 *
 * As many ranges per command as the payload holds. The CPU caches are
 * written back and invalidated first, once (corner case 36): the ranges
 * have no DAX device any more (release.c deleted them after verifying
 * them), so no line of theirs can be dirtied again before the device takes
 * the capacity back.
 *
 * Return: 0 or the errno of the last failed command.
 */
int __dcd_send_release(struct dcd_dev *dcd, const struct dcd_range *r, u32 nr,
		       bool queue)
{
	size_t psize = dcd->cxlds->cxl_mbox.payload_size;
	u32 done = 0, used, k;
	size_t len;
	int rc = 0, rc1;

	if (nr && dcd->live)
		__dcd_flush_caches(dcd, true);
	while (done < nr) {
		len = dcd_release_build(dcd->buf2, psize, r + done, nr - done,
					&used);
		if (!len || !used)
			return -EINVAL;
		rc1 = __dcd_cmd(dcd, DCD_OP_RELEASE_DC, dcd->buf2, len, NULL, 0,
				0, NULL);
		for (k = 0; k < used; k++)
			trace_cxl_dcd_release(dcd->cxlmd, r[done + k].start,
					      r[done + k].len, rc1);
		if (rc1) {
			rc = rc1;
			dcd->cnt[DCD_CNT_RELEASE_ERRORS]++;
			dev_warn_ratelimited(&dcd->cxlmd->dev,
					     "Release DC of %u extents failed: %d%s\n",
					     used, rc1, queue ? ", will retry" : "");
			for (k = 0; queue && k < used; k++)
				__dcd_retry_add(dcd, &r[done + k]);
		} else {
			dcd->cnt[DCD_CNT_RELEASES_SENT] += used;
		}
		done += used;
	}
	return rc;
}

/**
 * __dcd_retry_releases() - resend failed Release DC commands that are due
 * @dcd: memdev state, dcd->lock held
 *
 * Backoff doubles from 1 s up to 60 s; entries stay until the device takes
 * them (or the memdev goes away).
 */
void __dcd_retry_releases(struct dcd_dev *dcd)
{
	unsigned int i = 0;
	struct dcd_retry *rt;
	unsigned long ms;

	while (i < dcd->nr_retry) {
		rt = &dcd->retry[i];
		if (time_before(jiffies, rt->next)) {
			i++;
			continue;
		}
		if (!__dcd_send_release(dcd, &rt->r, 1, false)) {
			dev_info(&dcd->cxlmd->dev,
				 "extent %#llx+%#llx released after %u retries\n",
				 rt->r.start, rt->r.len, rt->tries + 1);
			dcd->retry[i] = dcd->retry[--dcd->nr_retry];
			continue;
		}
		rt->tries++;
		ms = min_t(unsigned long, 1000UL << min(rt->tries, 6U),
			   DCD_RETRY_MAX_MS);
		rt->next = jiffies + msecs_to_jiffies(ms);
		i++;
	}
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

static void __dcd_handle_release(struct dcd_dev *dcd, const struct dcd_event *ev,
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

static void __dcd_count_verdicts(struct dcd_dev *dcd)
{
	struct dcd_chain *c = dcd->chain;
	u32 i;

	for (i = 0; i < c->nr; i++) {
		if (c->verdict[i] == DCD_REJ_NONE)
			continue;
		if (c->verdict[i] == DCD_REJ_DUPLICATE) {
			dcd->cnt[DCD_CNT_DUPLICATES]++;
			continue;
		}
		if (c->verdict[i] < DCD_REJ_NR)
			dcd->rej[c->verdict[i]]++;
		dev_dbg(&dcd->cxlmd->dev, "extent %#llx+%#llx rejected: %s\n",
			c->ext[i].dpa, c->ext[i].len,
			dcd_rej_str(c->verdict[i]));
	}
	if (c->nr_records > c->nr)
		dcd->rej[DCD_REJ_CHAIN_FULL] += c->nr_records - c->nr;
}

/**
 * __dcd_chain_finish() - answer the staged chain, exactly once
 * @dcd: memdev state, dcd->lock held
 * @timeout: the chain never closed (chain_timeout_ms): answered all the same
 *
 * Validates the chain, sends one Add Dynamic Capacity Response listing the
 * accepted extents in offer order (none: reject all), and on success tracks
 * them. A timed-out chain is processed like a closed one: its valid staged
 * extents are accepted (the device's pending group holds them, and the
 * response consumes the whole group); the missing tail is rejected. Never
 * sends anything for a chain no record was received for: QEMU 10.0 crashes
 * on an empty response with nothing pending.
 */
void __dcd_chain_finish(struct dcd_dev *dcd, bool timeout)
{
	size_t psize = dcd->cxlds->cxl_mbox.payload_size;
	struct dcd_chain *c = dcd->chain;
	struct dcd_range committed[16];
	struct dcd_validate_ctx ctx = {
		.cfg = &dcd->cfg,
		.committed = committed,
		.set = dcd->set,
		.rsp_max = dcd_update_max_entries(psize),
		.tag_taken = dcd_tag_foreign,
		.tag_arg = dcd,
	};
	struct dcd_update_extent_in *rsp = dcd->buf2;
	struct device *dev = &dcd->cxlmd->dev;
	size_t len;
	u32 i, n;
	int rc;

	if (!dcd->chain_seen || !c->nr_records) {
		dcd_chain_reset(c);
		dcd->chain_seen = false;
		return;
	}
	if (!c->closed)
		dcd_chain_close(c);
	dcd->inject_armed = false;
	ctx.nr_committed = __dcd_committed(dcd, committed,
					   ARRAY_SIZE(committed));
	/* host-wide tags: validate and reserve the accepted ones atomically */
	mutex_lock(&dcd_tags_lock);
	dcd_chain_validate(c, &ctx);
	dcd_tags_reserve_locked(dcd, true);
	mutex_unlock(&dcd_tags_lock);
	if (timeout) {
		dcd->cnt[DCD_CNT_CHAIN_TIMEOUTS]++;
		dev_warn(dev, "DC add chain of %u records not closed after %u ms: answering the %u valid ones\n",
			 c->nr_records, dcd_chain_timeout_ms, c->nr_accept);
	}
	__dcd_count_verdicts(dcd);
	/* flush the caches while the response goes out (dax.c) */
	if (c->nr_accept)
		__dcd_flush_start(dcd);
	len = dcd_add_rsp_build(c, rsp, psize);
	n = len >= sizeof(*rsp) ? le32_to_cpu(rsp->count) : 0;

	if (len < sizeof(*rsp) || !dcd_chain_needs_response(c)) {
		dev_warn(dev, "DC add chain: no response built (%zu)\n", len);
		goto out;
	}
	rc = __dcd_cmd(dcd, DCD_OP_ADD_DC_RESPONSE, rsp, len, NULL, 0, 0, NULL);
	trace_cxl_dcd_add_response(dcd->cxlmd, c->nr_records, n, rc);
	if (rc) {
		dcd->cnt[DCD_CNT_RESPONSE_ERRORS]++;
		dev_err(dev, "Add DC Response (%u of %u extents) failed: %d\n",
			n, c->nr_records, rc);
		dcd->resync = true;
		goto out;
	}
	dcd->cnt[DCD_CNT_RESPONSES]++;
	for (i = 0; i < c->nr; i++) {
		if (c->verdict[i] != DCD_REJ_NONE)
			continue;
		dcd->cnt[DCD_CNT_ACCEPTED]++;
		__dcd_track(dcd, &c->ext[i],
			    __dcd_region_nth(dcd, c->host_region[i]));
	}
	/* every accepted member of a group is tracked: plan and create */
	__dcd_dax_populate(dcd);
	dev_dbg(dev, "DC add: %u records, %u accepted, %u duplicates\n",
		c->nr_records, n, c->nr_dup);
out:
	/* tracked extents hold their own references now */
	mutex_lock(&dcd_tags_lock);
	dcd_tags_reserve_locked(dcd, false);
	mutex_unlock(&dcd_tags_lock);
	dcd_chain_reset(c);
	dcd->chain_seen = false;
}

/**
 * __dcd_handle_record() - act on one parsed DC event record
 * @dcd: memdev state, dcd->lock held
 * @ev: the record
 */
void __dcd_handle_record(struct dcd_dev *dcd, const struct dcd_event *ev)
{
	int rc;

	switch (ev->type) {
	case DCD_EV_ADD:
		if (dcd->inject_armed && dcd_tag_is_null(ev->ext.tag)) {
			struct dcd_event tagged = *ev;

			if (!dcd->chain->nr_records || dcd->chain->closed)
				dev_info(&dcd->cxlmd->dev,
					 "test: add chain tagged %pUb (inject_tag)\n",
					 dcd->inject_tag);
			memcpy(tagged.ext.tag, dcd->inject_tag, DCD_TAG_SIZE);
			rc = dcd_chain_stage(dcd->chain, &tagged,
					     get_jiffies_64());
		} else {
			rc = dcd_chain_stage(dcd->chain, ev, get_jiffies_64());
		}
		dcd->chain_seen = true;
		if (rc == DCD_CHAIN_CLOSED)
			__dcd_chain_finish(dcd, false);
		break;
	case DCD_EV_RELEASE:
		__dcd_handle_release(dcd, ev, false);
		break;
	case DCD_EV_FORCED_RELEASE:
		__dcd_handle_release(dcd, ev, true);
		break;
	default:
		if (!dcd->warned_type)
			dev_warn(&dcd->cxlmd->dev, "DC event type %u (%s) ignored\n",
				 ev->type, dcd_event_type_name(ev->type));
		dcd->warned_type = true;
		break;
	}
}

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
		dev_warn_ratelimited(&dcd->cxlmd->dev,
				     "device extent %#llx+%#llx is invalid: released\n",
				     bad[i].start, bad[i].len);
		dcd->cnt[DCD_CNT_INVALID_RELEASED]++;
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
 * @dcd: memdev state, dcd->lock held
 */
void __dcd_extents_orphan_all(struct dcd_dev *dcd)
{
	struct dcd_region_ctx *rgn, *next;

	list_for_each_entry_safe(rgn, next, &dcd->regions, node) {
		__dcd_region_detach(dcd, rgn, false);
		rgn->dcd = NULL;
	}
}

/*
 * Test hook, debugfs memX/inject_tag (root only). QEMU 10.0 sends null tags
 * only; a UUID written here is stamped on every null-tagged record of the
 * next Add chain, as if the device had sent it (sequence numbers stay 0, a
 * non-sharable group), so guest tests can exercise tag groups. The chain's
 * answer disarms it; writing 0 disarms it too. Reads the armed tag or 0.
 * The device itself keeps the extents untagged: a re-read of its extent
 * list (reload, reboot) adopts them as untagged extents.
 */
static ssize_t dcd_inject_tag_read(struct file *file, char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	struct dcd_dev *dcd = file->private_data;
	char buf[48];
	int n, rc;

	rc = mutex_lock_interruptible(&dcd->lock);
	if (rc)
		return rc;
	if (dcd->inject_armed)
		n = scnprintf(buf, sizeof(buf), "%pUb\n", dcd->inject_tag);
	else
		n = scnprintf(buf, sizeof(buf), "0\n");
	mutex_unlock(&dcd->lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static ssize_t dcd_inject_tag_write(struct file *file, const char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	struct dcd_dev *dcd = file->private_data;
	char buf[48];
	uuid_t tag;
	bool arm;
	int rc;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	strim(buf);
	arm = buf[0] && strcmp(buf, "0");
	if (arm && uuid_parse(buf, &tag))
		return -EINVAL;
	if (arm && uuid_is_null(&tag))
		arm = false;
	rc = mutex_lock_interruptible(&dcd->lock);
	if (rc)
		return rc;
	if (arm)
		memcpy(dcd->inject_tag, &tag, DCD_TAG_SIZE);
	dcd->inject_armed = arm;
	mutex_unlock(&dcd->lock);
	return len;
}

static const struct file_operations dcd_inject_tag_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = dcd_inject_tag_read,
	.write = dcd_inject_tag_write,
	.llseek = default_llseek,
};

/**
 * dcd_extents_debugfs() - the extent test hooks in a memdev's debugfs dir
 * @dcd: memdev state
 * @dir: its debugfs directory
 *
 * Context: process context.
 */
void dcd_extents_debugfs(struct dcd_dev *dcd, struct dentry *dir)
{
	debugfs_create_file("inject_tag", 0600, dir, dcd,
			    &dcd_inject_tag_fops);
}
