// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "cxl_dcd.h"
#include "trace.h"

/**
 * DOC: cxl-dcd release pipeline
 *
 * Release Dynamic Capacity goes out for a range only after the range is
 * verified unreachable. A release request (the device's Release Capacity
 * record, a user's release, a region teardown) only marks the extents it
 * touches release-pending (and the rest of their tag groups: a group goes
 * whole) and refuses onlining their DAX devices' ranges from then on
 * (extent.c, dcd_dax_retire()). This file then, per memdev, with
 * &dcd_dev.rel_lock held (one pipeline per memdev at a time):
 *
 * 1. select (dcd->lock held) up to a chunk of pending extents whose whole
 *    group is not in use by dcd_dax_check() (System RAM, another driver
 *    than device_dax, the device open or mapped), plus every DAX device
 *    whose capacity is gone from the device (forced release, dropped from
 *    the device's list), with a reference on each DAX device;
 * 2. drop dcd->lock and fence every selected DAX device, in parallel, one
 *    worker each (dcd_dax_fence(): under its device lock, kill it, verify
 *    no System RAM, no driver but device_dax and no referenced page, mark
 *    it dead so no driver binds it again, then unbind device_dax: the
 *    costly part, RCU grace periods per device, overlapping across
 *    workers);
 * 3. delete the fenced ones, one by one (cheap once unbound);
 * 4. retake dcd->lock: the extents of groups whose every DAX device was
 *    fenced and deleted leave the host's set (extent devices unregistered
 *    after the lock is dropped), the CPU caches are written back and
 *    invalidated once, and one Release DC names them all (several commands
 *    if the payload is too small); then the next chunk. Chunks start small
 *    (the first capacity comes back within one round) and grow.
 *
 * A group that fails any check stays accepted and release-pending; its
 * extent devices say why (extentX.Y/pending_reason, a change uevent when
 * the reason changes) and nothing is released on hope. What ends the wait
 * kicks the memdev's work: MEM_OFFLINE and a driver unbinding from a DAX
 * device being released (dax.c's notifiers). Nothing notifies a close, an
 * munmap or an unpin, so while a group waits for one of those the work is
 * re-run with a bounded backoff (DCD_RECHECK_MIN_MS doubling up to
 * DCD_RECHECK_MAX_MS); no fixed timer runs otherwise.
 *
 * Locking: &dcd_dev.rel_lock, then dcd->lock for the steps that need it;
 * device locks of DAX devices are taken with neither dcd_lock's users'
 * locks in question: nothing that holds a dev_dax's device lock takes
 * dcd_lock, dcd->lock or rel_lock.
 */

/* Extents per round: the first round is small, later ones grow to this */
#define DCD_REL_CHUNK		64
#define DCD_REL_FIRST		16
/* Backoff of the re-check of groups waiting for a close, munmap or unpin */
#define DCD_RECHECK_MIN_MS	10
#define DCD_RECHECK_MAX_MS	2000
/* Longest gap between two retries of a failed Release DC */
#define DCD_RETRY_MAX_MS	60000

/**
 * struct dcd_rel_dax - a DAX device of a round
 * @dd: the device (a reference held for the round)
 * @work: the worker of its own that fences and unbinds it
 * @force: fence even in use (its capacity is gone from the device)
 * @verified: the fence found it unused: it is deleted
 * @busy: what the fence found
 * @unit: index of its release unit in &dcd_rel_round.unit_busy, -1: none
 */
struct dcd_rel_dax {
	struct dcd_dax *dd;
	struct work_struct work;
	bool force;
	bool verified;
	enum dcd_busy busy;
	int unit;
};

/**
 * struct dcd_rel_round - one round of the release pipeline
 * @nr_ext: entries in @ext
 * @ext: the extents (by DPA) of the round's groups
 * @ext_unit: release unit of each entry of @ext
 * @nr_units: entries in @unit_busy
 * @unit_busy: per release unit, what keeps it (DCD_BUSY_NONE: releasable)
 * @nr_dax: entries in @dax
 * @dax: the DAX devices of the round's groups
 * @skip: slots of groups this run gave up on (kept across rounds)
 */
struct dcd_rel_round {
	u32 nr_ext;
	struct dcd_range ext[DCD_REL_CHUNK];
	u16 ext_unit[DCD_REL_CHUNK];
	u32 nr_units;
	enum dcd_busy unit_busy[DCD_REL_CHUNK];
	u32 nr_dax;
	struct dcd_rel_dax dax[DCD_REL_CHUNK + DCD_REL_CHUNK];
	/* slots of groups this run gave up on (kept across rounds) */
	DECLARE_BITMAP(skip, DCD_EXTENTS_MAX);
};

/* Publish why the extent in slot @i waits (uevent when it changes). */
static void __dcd_rel_reason(struct dcd_dev *dcd, u32 i, enum dcd_busy b)
{
	struct dcd_extent_dev *edev = dcd->set->slot[i].priv;

	if (edev && READ_ONCE(edev->busy) != b) {
		WRITE_ONCE(edev->busy, b);
		dcd_extdev_set_state(edev, READ_ONCE(edev->state));
	}
}

/* Nothing notifies the end of these: re-check with a backoff */
static bool dcd_busy_needs_recheck(enum dcd_busy b)
{
	return b == DCD_BUSY_OPEN || b == DCD_BUSY_PINNED ||
	       b == DCD_BUSY_UNVERIFIABLE;
}

/* Add @dd to round @rr for unit @unit (-1: no extent); dedupe. */
static bool dcd_rel_add_dax(struct dcd_rel_round *rr, struct dcd_dax *dd,
			    bool force, int unit)
{
	u32 k;

	for (k = 0; k < rr->nr_dax; k++) {
		if (rr->dax[k].dd != dd)
			continue;
		if (rr->dax[k].unit < 0)
			rr->dax[k].unit = unit;
		return true;
	}
	if (rr->nr_dax == ARRAY_SIZE(rr->dax))
		return false;
	dcd_dax_get(dd);
	rr->dax[rr->nr_dax++] = (struct dcd_rel_dax) {
		.dd = dd, .force = force, .unit = unit,
	};
	return true;
}

/*
 * Step 1: select a round. Returns how many pending groups were left out
 * because they are in use; *@recheck is set if one of them waits for
 * something nothing notifies.
 */
static u32 __dcd_rel_select(struct dcd_dev *dcd, struct dcd_rel_round *rr,
			    u32 chunk, bool gone, bool *recheck)
{
	struct dcd_extent_set *set = dcd->set;
	u32 *gs = dcd->slots;
	struct dcd_dax *dd;
	u32 i, k, n, left = 0;
	enum dcd_busy b;

	lockdep_assert_held(&dcd->lock);
	memset(rr, 0, offsetof(struct dcd_rel_round, dax));
	/* capacity the device took back: fence whatever still maps it */
	for (dd = NULL; gone && (dd = __dcd_dax_next_gone(dcd, dd));)
		if (!dcd_rel_add_dax(rr, dd, true, -1))
			break;
	for (i = 0; i < set->cap && rr->nr_ext < chunk; i++) {
		struct dcd_host_extent *he = &set->slot[i];
		bool done = false;

		if (he->state != DCD_EXT_RELEASE_PENDING ||
		    test_bit(i, rr->skip))
			continue;
		/* a group is handled at its first pending member in slot order */
		n = dcd_group_members(set, i, gs, DCD_EXTENTS_MAX);
		n = min_t(u32, n, DCD_EXTENTS_MAX);
		for (k = 0; k < n; k++)
			if (gs[k] < i &&
			    set->slot[gs[k]].state == DCD_EXT_RELEASE_PENDING)
				done = true;
		if (done)
			continue;
		if (n > DCD_REL_CHUNK) {
			dev_err_ratelimited(&dcd->cxlmd->dev,
					    "tag group of %u extents is larger than a release round (%u): not released\n",
					    n, DCD_REL_CHUNK);
			for (k = 0; k < n; k++)
				set_bit(gs[k], rr->skip);
			continue;
		}
		if (rr->nr_ext + n > chunk && rr->nr_ext)
			break;
		/* the whole group, or nothing of it */
		b = DCD_BUSY_NONE;
		for (k = 0; k < n && b == DCD_BUSY_NONE; k++) {
			const struct dcd_host_extent *h = &set->slot[gs[k]];
			bool gone;

			/*
			 * Only a DAX device of its own, fenced in this round
			 * with the group, may map a member: one whose capacity
			 * the device took back (forced release, resync) and
			 * still maps the range, or a second one, is fenced on
			 * its own; the group waits until it is deleted.
			 */
			if (__dcd_dax_count(dcd, h->ext.dpa, h->ext.len,
					    &gone) > 1 || gone) {
				b = DCD_BUSY_FENCING;
				*recheck = true;
				break;
			}
			dd = __dcd_dax_find(dcd, h->ext.dpa, h->ext.len);
			if (dd)
				b = dcd_dax_check(dd);
		}
		if (b != DCD_BUSY_NONE) {
			for (k = 0; k < n; k++) {
				__dcd_rel_reason(dcd, gs[k], b);
				set_bit(gs[k], rr->skip);
			}
			*recheck |= dcd_busy_needs_recheck(b);
			left++;
			continue;
		}
		for (k = 0; k < n; k++) {
			const struct dcd_host_extent *h = &set->slot[gs[k]];

			if (h->state != DCD_EXT_RELEASE_PENDING)
				continue;
			rr->ext[rr->nr_ext].start = h->ext.dpa;
			rr->ext[rr->nr_ext].len = h->ext.len;
			rr->ext_unit[rr->nr_ext++] = rr->nr_units;
			dd = __dcd_dax_find(dcd, h->ext.dpa, h->ext.len);
			if (dd && !dcd_rel_add_dax(rr, dd, false, rr->nr_units))
				rr->unit_busy[rr->nr_units] = DCD_BUSY_FENCING;
		}
		rr->nr_units++;
	}
	return left;
}

/* Fence (and, verified, unbind) one DAX device: one worker each */
static void dcd_rel_fence_fn(struct work_struct *work)
{
	struct dcd_rel_dax *rd = container_of(work, struct dcd_rel_dax, work);

	rd->busy = dcd_dax_fence(rd->dd, rd->force);
}

/* Steps 2 and 3, without dcd->lock */
static void dcd_rel_fence_round(struct dcd_dev *dcd, struct dcd_rel_round *rr)
{
	u32 k;

	if (!rr->nr_dax)
		return;
	dcd_fault_delay(DCD_DELAY_RELEASE);
	for (k = 0; k < rr->nr_dax; k++) {
		INIT_WORK(&rr->dax[k].work, dcd_rel_fence_fn);
		queue_work(system_unbound_wq, &rr->dax[k].work);
	}
	for (k = 0; k < rr->nr_dax; k++)
		flush_work(&rr->dax[k].work);
	for (k = 0; k < rr->nr_dax; k++) {
		struct dcd_rel_dax *rd = &rr->dax[k];

		if (rd->busy != DCD_BUSY_NONE) {
			if (rd->unit >= 0 &&
			    rr->unit_busy[rd->unit] == DCD_BUSY_NONE)
				rr->unit_busy[rd->unit] = rd->busy;
			if (rd->force)
				dev_crit_ratelimited(&dcd->cxlmd->dev,
						     "%s: capacity taken back by the device is still %s: kept, never onlined again\n",
						     dcd_dax_name(rd->dd),
						     dcd_busy_name(rd->busy));
			continue;
		}
		rd->verified = true;
	}
	for (k = 0; k < rr->nr_dax; k++)
		if (rr->dax[k].verified)
			dcd_dax_delete(rr->dax[k].dd);
}

/*
 * Step 4, dcd->lock held: release the groups whose devices all went.
 * Return: extents released.
 */
static u32 __dcd_rel_finish(struct dcd_dev *dcd, struct dcd_rel_round *rr,
			    bool *recheck)
{
	struct dcd_range *r = (struct dcd_range *)dcd->extbuf;
	u32 i, k, nr = 0;
	int s;

	lockdep_assert_held(&dcd->lock);
	for (k = 0; k < rr->nr_dax; k++)
		if (rr->dax[k].verified)
			__dcd_dax_list_del(dcd, rr->dax[k].dd);
	for (i = 0; i < rr->nr_ext; i++) {
		enum dcd_busy b = rr->unit_busy[rr->ext_unit[i]];

		s = dcd_extent_set_find(dcd->set, rr->ext[i].start,
					rr->ext[i].len);
		/* dropped or changed meanwhile: nothing to release */
		if (s < 0 || dcd->set->slot[s].state != DCD_EXT_RELEASE_PENDING)
			continue;
		if (b != DCD_BUSY_NONE) {
			__dcd_rel_reason(dcd, s, b);
			set_bit(s, rr->skip);
			*recheck |= dcd_busy_needs_recheck(b) ||
				    b == DCD_BUSY_FENCING;
			continue;
		}
		dev_dbg(&dcd->cxlmd->dev, "extent %#llx+%#llx verified unreachable: released\n",
			rr->ext[i].start, rr->ext[i].len);
		__dcd_untrack(dcd, s);
		r[nr++] = rr->ext[i];
	}
	for (k = 0; k < rr->nr_dax; k++)
		dcd_dax_put(rr->dax[k].dd);
	if (nr)
		__dcd_send_release(dcd, r, nr, true);
	return nr;
}

static void __dcd_recount_pending(struct dcd_dev *dcd)
{
	u32 i, n = 0;

	for (i = 0; i < dcd->set->cap; i++)
		if (dcd->set->slot[i].state == DCD_EXT_RELEASE_PENDING)
			n++;
	WRITE_ONCE(dcd->nr_pending, n);
}

/*
 * The rounds, dcd->lock held from the first select to the re-check, dropped
 * only while the selected devices are fenced and deleted (dcd_unlocked).
 */
static void __dcd_rel_run(struct dcd_dev *dcd, struct dcd_rel_round *rr)
{
	u32 chunk = DCD_REL_FIRST, released;
	bool recheck = false;

	if (!rr) {
		dev_err_ratelimited(&dcd->cxlmd->dev,
				    "out of memory: release pending\n");
		recheck = true;
	}
	while (rr) {
		if (!dcd->live || dcd->stopping)
			break;
		/* devices whose capacity is gone: once per run */
		__dcd_rel_select(dcd, rr, chunk, chunk == DCD_REL_FIRST,
				 &recheck);
		if (!rr->nr_dax && !rr->nr_ext)
			break;
		scoped_guard(dcd_unlocked, dcd)
			dcd_rel_fence_round(dcd, rr);
		released = __dcd_rel_finish(dcd, rr, &recheck);
		if (released)
			dev_dbg(&dcd->cxlmd->dev, "release round: %u extents\n",
				released);
		/* every selected group is released or skipped: this ends */
		chunk = min_t(u32, chunk * 2 + 1, DCD_REL_CHUNK);
	}
	__dcd_recount_pending(dcd);
	if (__dcd_dax_gone_left(dcd))
		recheck = true;
	if (recheck && dcd->live && !dcd->stopping) {
		dcd->recheck_ms = clamp(dcd->recheck_ms * 2,
					(unsigned int)DCD_RECHECK_MIN_MS,
					(unsigned int)DCD_RECHECK_MAX_MS);
		dcd->ops->kick_later(dcd, msecs_to_jiffies(dcd->recheck_ms));
	} else {
		dcd->recheck_ms = 0;
	}
}

/**
 * dcd_release_run() - run the release pipeline of a memdev
 * @dcd: memdev state
 * @unregister: unregister the released extent devices when done (false
 *	from an extent device's own sysfs store: the work does it)
 *
 * Releases every release-pending group that passes verification, in
 * rounds, and fences and deletes the DAX devices whose capacity is gone
 * from the device. Arms the backoff re-check if a group waits for a close,
 * munmap or unpin.
 *
 * Context: process context; takes &dcd_dev.rel_lock and dcd->lock; none
 * of them or a DAX device's lock may be held. Extent devices are
 * unregistered after rel_lock is dropped.
 */
void dcd_release_run(struct dcd_dev *dcd, bool unregister)
{
	struct dcd_rel_round *rr;

	rr = kvzalloc(sizeof(*rr), GFP_KERNEL);
	scoped_guard(mutex, &dcd->rel_lock) {
		guard(dcd_keep)(dcd);
		__dcd_rel_run(dcd, rr);
	}
	kvfree(rr);
	/*
	 * The released extent devices go only now, rel_lock dropped:
	 * unregistering one waits for its sysfs stores, and its release
	 * store may be waiting for rel_lock (this function, @unregister
	 * false) since the run picked the extent up.
	 */
	if (unregister)
		dcd_unregister_dead(dcd);
}

/**
 * dcd_release_teardown() - fence and delete every DAX device of a memdev
 * @dcd: memdev state whose events are stopped and whose regions went
 *
 * Memdev teardown and module exit: the extents stay as they are on the
 * device (orphans); every DAX device goes, in use or not (an open or
 * mapped one is killed under its users; kmem gives offline memory back
 * as it unbinds; online memory holds a module reference, so module exit
 * never meets it). A device with a referenced page is never torn down
 * under it: this waits, logging every 10 s, until the page is released.
 *
 * Context: process context; no dcd->lock.
 */
void dcd_release_teardown(struct dcd_dev *dcd)
{
	unsigned int ms = DCD_RECHECK_MIN_MS;
	unsigned long logged = jiffies;
	struct dcd_dax *dd;
	enum dcd_busy b;

	guard(mutex)(&dcd->rel_lock);
	for (;;) {
		scoped_guard(dcd_keep, dcd) {
			dd = __dcd_dax_first(dcd);
			if (dd) {
				dcd_dax_retire(dd, true);
				dcd_dax_get(dd);
			}
		}
		if (!dd)
			return;
		b = dcd_dax_fence(dd, true);
		if (b == DCD_BUSY_PINNED || b == DCD_BUSY_UNVERIFIABLE) {
			if (time_after_eq(jiffies, logged)) {
				dev_crit(&dcd->cxlmd->dev,
					 "%s: pages still referenced (%s): waiting before tearing it down\n",
					 dcd_dax_name(dd), dcd_busy_name(b));
				logged = jiffies + 10 * HZ;
			}
			dcd_dax_put(dd);
			msleep(ms);
			ms = min(ms * 2, (unsigned int)DCD_RECHECK_MAX_MS);
			continue;
		}
		if (b != DCD_BUSY_NONE)
			dev_warn(&dcd->cxlmd->dev, "%s: %s at teardown\n",
				 dcd_dax_name(dd), dcd_busy_name(b));
		dcd_dax_force_fenced(dd);
		dcd_dax_unbind(dd);
		dcd_dax_delete(dd);
		scoped_guard(dcd_keep, dcd)
			__dcd_dax_list_del(dcd, dd);
		dcd_dax_put(dd);
	}
}

/**
 * __dcd_retry_add() - queue a range for a (re)try of Release DC
 * @dcd: memdev state, dcd->lock held
 * @r: the range, given up by the host
 *
 * Sent by __dcd_retry_releases() from 1 s on, once no DAX device maps it.
 */
void __dcd_retry_add(struct dcd_dev *dcd, const struct dcd_range *r)
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
		if (dcd_fault_fail_release())
			rc1 = -EIO;
		else
			rc1 = __dcd_cmd(dcd, DCD_OP_RELEASE_DC, dcd->buf2, len,
					NULL, 0, 0, NULL);
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
 * __dcd_retry_overlaps() - is a range waiting for a Release DC retry
 * @dcd: memdev state, dcd->lock held
 * @dpa: start
 * @len: length
 *
 * The host gave such a range up (verified unreachable, dropped from its
 * extents); the device still lists it until a retry gets through. A
 * resync must not take it back.
 *
 * Return: true if the range overlaps a queued retry.
 */
bool __dcd_retry_overlaps(struct dcd_dev *dcd, u64 dpa, u64 len)
{
	unsigned int i;

	lockdep_assert_held(&dcd->lock);
	for (i = 0; i < dcd->nr_retry; i++)
		if (dcd_overlaps(dcd->retry[i].r.start, dcd->retry[i].r.len,
				 dpa, len))
			return true;
	return false;
}

/**
 * __dcd_retry_releases() - resend failed Release DC commands that are due
 * @dcd: memdev state, dcd->lock held
 *
 * Backoff doubles from 1 s up to 60 s; entries stay until the device takes
 * them (or the memdev goes away). A range the host holds again (the device
 * took an earlier attempt after all and granted the range anew, and the
 * host accepted it) is dropped from the queue, never released: it is no
 * longer the range the host gave up. One that a DAX device still covers
 * waits.
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
		if (dcd_release_match(dcd->set, rt->r.start, rt->r.len, NULL, 0)) {
			dev_info(&dcd->cxlmd->dev,
				 "extent %#llx+%#llx is the host's again: its release retry is dropped\n",
				 rt->r.start, rt->r.len);
			dcd->retry[i] = dcd->retry[--dcd->nr_retry];
			continue;
		}
		if (__dcd_dax_find(dcd, rt->r.start, rt->r.len)) {
			rt->next = jiffies + HZ;
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
