// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd tags
 *
 * The host-wide tag registry (corner case 28): a non-null tag names one
 * allocation, so a tag already held by an extent of any memdev must be
 * rejected on every other memdev too. One entry per (memdev, non-null tag)
 * counts that memdev's tracked extents holding the tag (any state but
 * free, as the per-memdev check in extent_set.c), plus the extents of a
 * chain being answered (reserved from validation until they are tracked,
 * so two memdevs cannot both accept one tag).
 *
 * dcd_tags_lock protects dcd_tags. It nests inside dcd->lock (every user
 * holds its memdev's lock) and nothing is taken or sent under it. The
 * extent sets of the other memdevs cannot be read instead: that needs
 * their dcd->lock (two of them at once, no order) or dcd_lock, which ranks
 * above dcd->lock (main.c) while chains are answered with dcd->lock held.
 */

/**
 * struct dcd_tag_ref - the extents of one memdev holding one tag
 * @node: entry in dcd_tags
 * @owner: the memdev
 * @tag: the tag (never null)
 * @refs: tracked and reserved extents of @owner holding @tag
 */
struct dcd_tag_ref {
	struct list_head node;
	const struct dcd_dev *owner;
	u8 tag[DCD_TAG_SIZE];
	u32 refs;
};

/* protects dcd_tags; inside dcd->lock, nothing is taken under it */
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

/**
 * __dcd_tag_get() - an extent of a memdev holding a tag is tracked
 * @dcd: memdev state, dcd->lock held
 * @tag: the extent's tag (a null tag is not registered)
 *
 * Context: process context; takes dcd_tags_lock.
 */
void __dcd_tag_get(struct dcd_dev *dcd, const u8 *tag)
{
	lockdep_assert_held(&dcd->lock);
	if (dcd_tag_is_null(tag))
		return;
	guard(mutex)(&dcd_tags_lock);
	dcd_tag_get_locked(dcd, tag);
}

/**
 * __dcd_tag_put() - an extent of a memdev holding a tag is no longer tracked
 * @dcd: memdev state, dcd->lock held
 * @tag: the extent's tag
 *
 * Context: process context; takes dcd_tags_lock.
 */
void __dcd_tag_put(struct dcd_dev *dcd, const u8 *tag)
{
	lockdep_assert_held(&dcd->lock);
	if (dcd_tag_is_null(tag))
		return;
	guard(mutex)(&dcd_tags_lock);
	dcd_tag_put_locked(dcd, tag);
}

/**
 * dcd_tags_drop() - a memdev's extent state goes: none of its tags is held
 * @dcd: memdev state
 *
 * Context: process context; takes dcd_tags_lock.
 */
void dcd_tags_drop(struct dcd_dev *dcd)
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

/**
 * __dcd_tags_validate() - validate the staged chain and reserve its tags
 * @dcd: memdev state, dcd->lock held
 * @ctx: validation context; its tag check is set here (tags held by
 *	another memdev are taken)
 *
 * dcd_chain_validate() runs under dcd_tags_lock and the chain's accepted
 * tagged extents are reserved before the lock is dropped, so two memdevs
 * never both accept one tag. The reservation holds until
 * __dcd_tags_unreserve(), once the accepted extents are tracked.
 *
 * Context: process context; takes dcd_tags_lock.
 */
void __dcd_tags_validate(struct dcd_dev *dcd, struct dcd_validate_ctx *ctx)
{
	lockdep_assert_held(&dcd->lock);
	ctx->tag_taken = dcd_tag_foreign;
	ctx->tag_arg = dcd;
	guard(mutex)(&dcd_tags_lock);
	dcd_chain_validate(dcd->chain, ctx);
	dcd_tags_reserve_locked(dcd, true);
}

/**
 * __dcd_tags_unreserve() - drop the reservation of __dcd_tags_validate()
 * @dcd: memdev state, dcd->lock held
 *
 * Tracked extents hold their own references by then.
 *
 * Context: process context; takes dcd_tags_lock.
 */
void __dcd_tags_unreserve(struct dcd_dev *dcd)
{
	lockdep_assert_held(&dcd->lock);
	guard(mutex)(&dcd_tags_lock);
	dcd_tags_reserve_locked(dcd, false);
}
