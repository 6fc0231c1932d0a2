// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/byteorder.h>
#include "logic.h"

/**
 * DOC: cxl-dcd chains
 *
 * Pure logic (see logic.h) of the More chain: Add Capacity records are
 * staged until the chain closes or times out, validated together, and
 * answered by one Add Dynamic Capacity Response (CXL r3.1 8.2.9.9.9.3).
 *
 * Decisions (each is tested in selftests/host/test_extent_logic.c):
 *
 * - Chains longer than one response. QEMU 10.0 consumes a whole pending
 *   group with one Add DC Response and refuses More-split responses, and a
 *   2048-byte payload carries 85 entries. dcd_chain_validate() therefore
 *   accepts the first @rsp_max valid extents in offer order and rejects the
 *   rest (DCD_REJ_RSP_FULL); a tag group that does not fit entirely is
 *   rejected entirely. Records past DCD_CHAIN_MAX (512, QEMU's extent limit)
 *   are counted but not staged and are rejected (DCD_REJ_CHAIN_FULL); the
 *   chain still gets its one response when it closes.
 * - Timeout. dcd_chain_expired() reports a chain whose last record is older
 *   than the caller's timeout; the caller closes it with dcd_chain_close()
 *   and processes what was staged like a closed chain (QEMU allows accepting
 *   a subset, and the response consumes the whole group, so the device is
 *   not left with a pending group). Upstream v11 sends an empty response
 *   instead; accepting the valid staged extents also covers an event log
 *   overflow that swallowed the record without More.
 * - Duplicates. An extent equal to an accepted one (same DPA, length and
 *   tag) is idempotent: DCD_REJ_DUPLICATE, not listed in the response
 *   (re-adding an added range earns Invalid Physical Address, r4.0
 *   8.2.10.9.9.3) and no new extent. Same range with another tag is an
 *   overlap.
 * - Overlap within a chain. A record overlapping any earlier record of the
 *   same chain that has a valid range is rejected, whatever the earlier
 *   record's verdict: a device offering one DPA twice is confused.
 * - Tags (upstream v11 group gates, r4.0 9.13.3 and Table 8-230): the null
 *   tag makes an independent extent. Within one chain, records with the same
 *   non-null tag form one group, and one failing member rejects the whole
 *   group (DCD_REJ_GROUP): a tag names one allocation, and a part of it is
 *   useless to a sharer. A non-null tag already held by an accepted extent
 *   (necessarily from an earlier chain) is rejected (DCD_REJ_TAG_REUSED):
 *   allocations cannot grow afterwards. A tag group must stay in one DC
 *   region (DCD_REJ_TAG_SPAN). On a sharable region the tag must be non-null
 *   (DCD_REJ_NULL_TAG_SHARED) and the group's sequence numbers must be
 *   0, 1, ..., n-1 in offer order (DCD_REJ_SEQ_ORDER); on a non-sharable
 *   region the field is reserved and must be 0 (DCD_REJ_SEQ_UNSHARED).
 *   Host-wide uniqueness: a non-null tag no extent of this device holds is
 *   also looked up through the caller's @tag_taken hook of &struct
 *   dcd_validate_ctx (cxl_dcd.ko: the tags of every other memdev's
 *   extents); a hit is DCD_REJ_TAG_FOREIGN, and rejects the whole group.
 */

/**
 * dcd_chain_reset() - empty a chain, after it was answered or dropped
 * @c: the chain
 *
 * Context: any context.
 */
void dcd_chain_reset(struct dcd_chain *c)
{
	c->open = false;
	c->closed = false;
	c->nr_records = 0;
	c->nr = 0;
	c->last = 0;
	c->nr_accept = 0;
	c->nr_dup = 0;
	c->nr_reject = 0;
}

/**
 * dcd_chain_stage() - stage one Add Capacity record
 * @c: the chain
 * @ev: a record parsed by dcd_event_parse() with type DCD_EV_ADD
 * @now: caller's clock (jiffies, ms, ...), same unit as dcd_chain_expired()
 *
 * Records past DCD_CHAIN_MAX are counted, not staged, and will be rejected.
 * Staging into a closed chain that was not reset starts a new chain.
 *
 * Context: any context.
 * Return: DCD_CHAIN_OPEN if More is set (wait for the next record),
 * DCD_CHAIN_CLOSED if this record ends the chain, -EINVAL if @ev is not an
 * add record.
 */
int dcd_chain_stage(struct dcd_chain *c, const struct dcd_event *ev, u64 now)
{
	if (ev->type != DCD_EV_ADD)
		return -EINVAL;
	if (c->closed)
		dcd_chain_reset(c);
	if (c->nr < DCD_CHAIN_MAX)
		c->ext[c->nr++] = ev->ext;
	if (c->nr_records < U32_MAX)
		c->nr_records++;
	c->last = now;
	c->open = ev->more;
	c->closed = !ev->more;
	return c->closed ? DCD_CHAIN_CLOSED : DCD_CHAIN_OPEN;
}

/**
 * dcd_chain_expired() - has an open chain waited too long for its end?
 * @c: the chain
 * @now: caller's clock
 * @timeout: allowed time since the last record, same unit
 *
 * Context: any context.
 * Return: true if the chain is open and @now - last record >= @timeout
 * (wrap-safe for a free-running counter).
 */
bool dcd_chain_expired(const struct dcd_chain *c, u64 now, u64 timeout)
{
	return c->open && now - c->last >= timeout;
}

/**
 * dcd_chain_close() - close an open chain early (timeout, log overflow)
 * @c: the chain
 *
 * The caller then validates and answers it like a chain that ended.
 *
 * Context: any context.
 */
void dcd_chain_close(struct dcd_chain *c)
{
	if (c->nr_records) {
		c->open = false;
		c->closed = true;
	}
}

/**
 * dcd_chain_needs_response() - does the device wait for an Add DC Response?
 * @c: a closed chain
 *
 * QEMU 10.0 crashes on an empty response when nothing is pending, so send
 * one only for a chain that had records, even if all were rejected.
 *
 * Context: any context.
 * Return: true if the chain holds at least one record.
 */
bool dcd_chain_needs_response(const struct dcd_chain *c)
{
	return c->nr_records > 0;
}

/* Per-extent checks that do not depend on the rest of the chain. */
static enum dcd_rej dcd_check_one(struct dcd_chain *c, u32 i,
				  const struct dcd_validate_ctx *ctx)
{
	const struct dcd_extent *e = &c->ext[i];
	const struct dcd_extent_set *set = ctx->set;
	u64 align = ctx->align ? ctx->align : DCD_EXT_ALIGN;
	const struct dcd_region *r;
	enum dcd_rej why;
	int reg, host;
	bool shared;
	u32 j;

	reg = dcd_dc_region_of(ctx->cfg, e->dpa, e->len, &why);
	if (reg < 0)
		return why;
	r = &ctx->cfg->region[reg];
	c->dc_region[i] = reg;
	host = dcd_range_lookup(ctx->committed, ctx->nr_committed, e->dpa,
				e->len);
	if (host < 0 || host > 0xff)
		return DCD_REJ_NO_REGION;
	c->host_region[i] = host;
	if ((e->dpa | e->len) & (r->block_size - 1))
		return DCD_REJ_BLOCK_ALIGN;
	if ((e->dpa | e->len) & (align - 1))
		return DCD_REJ_ALIGN_2M;

	for (j = 0; set && j < set->cap; j++) {
		const struct dcd_host_extent *h = &set->slot[j];

		if (h->state == DCD_EXT_FREE)
			continue;
		if (h->ext.dpa == e->dpa && h->ext.len == e->len &&
		    dcd_tag_eq(h->ext.tag, e->tag))
			return DCD_REJ_DUPLICATE;
		if (dcd_overlaps(h->ext.dpa, h->ext.len, e->dpa, e->len))
			return DCD_REJ_OVERLAP;
	}
	for (j = 0; j < i; j++) {
		const struct dcd_extent *p = &c->ext[j];
		u64 plast;

		if (dcd_last(p->dpa, p->len, &plast) &&
		    dcd_overlaps(p->dpa, p->len, e->dpa, e->len))
			return DCD_REJ_OVERLAP_STAGED;
	}

	shared = reg < 8 && (ctx->sharable & (1U << reg));
	if (shared && dcd_tag_is_null(e->tag))
		return DCD_REJ_NULL_TAG_SHARED;
	if (!shared && e->seq)
		return DCD_REJ_SEQ_UNSHARED;
	if (!dcd_tag_is_null(e->tag)) {
		for (j = 0; set && j < set->cap; j++) {
			const struct dcd_host_extent *h = &set->slot[j];

			if (h->state != DCD_EXT_FREE &&
			    dcd_tag_eq(h->ext.tag, e->tag))
				return DCD_REJ_TAG_REUSED;
		}
		if (ctx->tag_taken && ctx->tag_taken(e->tag, ctx->tag_arg))
			return DCD_REJ_TAG_FOREIGN;
	}
	return DCD_REJ_NONE;
}

static bool dcd_is_ok(u8 v)
{
	return v == DCD_REJ_NONE || v == DCD_REJ_DUPLICATE;
}

/*
 * Group gates for the non-null tag of record @first (its first record in the
 * chain): one DC region, sequence 0..n-1 in offer order on a sharable
 * region, and all or nothing.
 */
static void dcd_check_group(struct dcd_chain *c, u32 first,
			    const struct dcd_validate_ctx *ctx)
{
	const u8 *tag = c->ext[first].tag;
	enum dcd_rej fail = DCD_REJ_NONE;
	bool shared = false;
	u32 j, k = 0;
	int reg = -1;

	for (j = first; j < c->nr; j++) {
		if (!dcd_tag_eq(c->ext[j].tag, tag))
			continue;
		if (!dcd_is_ok(c->verdict[j])) {
			if (fail == DCD_REJ_NONE)
				fail = DCD_REJ_GROUP;
			continue;
		}
		if (reg < 0) {
			reg = c->dc_region[j];
			shared = reg < 8 && (ctx->sharable & (1U << reg));
		} else if (reg != c->dc_region[j]) {
			fail = DCD_REJ_TAG_SPAN;
		}
		if (shared && c->ext[j].seq != k && fail == DCD_REJ_NONE)
			fail = DCD_REJ_SEQ_ORDER;
		k++;
	}
	if (fail == DCD_REJ_NONE)
		return;
	for (j = first; j < c->nr; j++)
		if (dcd_tag_eq(c->ext[j].tag, tag) && dcd_is_ok(c->verdict[j]))
			c->verdict[j] = fail;
}

static bool dcd_first_of_tag(const struct dcd_chain *c, u32 i)
{
	u32 j;

	for (j = 0; j < i; j++)
		if (dcd_tag_eq(c->ext[j].tag, c->ext[i].tag))
			return false;
	return true;
}

/**
 * dcd_chain_validate() - decide on every staged record of a closed chain
 * @c: the chain; @c->verdict, @c->dc_region, @c->host_region and the
 *	counters are filled in
 * @ctx: configuration, committed regions, accepted extents, limits
 *
 * Runs the per-extent checks in this order: zero length, wrap, outside the
 * DC regions, straddling two, not inside a committed region, block size,
 * 2 MiB alignment, duplicate of / overlap with an accepted extent, overlap
 * with an earlier record of the chain, null tag on a sharable region,
 * sequence on a non-sharable one, tag reuse, tag held elsewhere on the host
 * (@ctx->tag_taken). Then the tag group gates, then
 * the caps (response size, free slots in @ctx->set), both in offer order.
 * See the DOC block for the rules and their sources.
 *
 * Context: any context; the caller holds whatever protects @ctx->set.
 */
void dcd_chain_validate(struct dcd_chain *c, const struct dcd_validate_ctx *ctx)
{
	u32 i, j, room_rsp, room_set;

	for (i = 0; i < c->nr; i++) {
		c->dc_region[i] = 0;
		c->host_region[i] = 0;
		c->verdict[i] = dcd_check_one(c, i, ctx);
	}
	for (i = 0; i < c->nr; i++)
		if (!dcd_tag_is_null(c->ext[i].tag) && dcd_first_of_tag(c, i))
			dcd_check_group(c, i, ctx);

	room_rsp = ctx->rsp_max;
	room_set = ctx->set ? ctx->set->cap - ctx->set->nr : 0;
	for (i = 0; i < c->nr; i++) {
		bool tagged = !dcd_tag_is_null(c->ext[i].tag);
		u32 need = 0;
		u8 full;

		if (c->verdict[i] != DCD_REJ_NONE)
			continue;
		if (tagged && !dcd_first_of_tag(c, i))
			continue;	/* counted with its group's first */
		for (j = i; j < c->nr; j++)
			if (c->verdict[j] == DCD_REJ_NONE &&
			    (j == i || (tagged &&
					dcd_tag_eq(c->ext[j].tag, c->ext[i].tag))))
				need++;
		if (need <= room_rsp && need <= room_set) {
			room_rsp -= need;
			room_set -= need;
			continue;
		}
		full = need > room_rsp ? DCD_REJ_RSP_FULL : DCD_REJ_NO_SPACE;
		for (j = i; j < c->nr; j++)
			if (c->verdict[j] == DCD_REJ_NONE &&
			    (j == i || (tagged &&
					dcd_tag_eq(c->ext[j].tag, c->ext[i].tag))))
				c->verdict[j] = full;
	}

	c->nr_accept = 0;
	c->nr_dup = 0;
	for (i = 0; i < c->nr; i++) {
		if (c->verdict[i] == DCD_REJ_NONE)
			c->nr_accept++;
		else if (c->verdict[i] == DCD_REJ_DUPLICATE)
			c->nr_dup++;
	}
	c->nr_reject = c->nr_records - c->nr_accept - c->nr_dup;
}

/**
 * dcd_add_rsp_build() - build the Add Dynamic Capacity Response for a chain
 * @c: a validated chain
 * @buf: output buffer of at least @payload_size bytes
 * @payload_size: mailbox payload size
 *
 * Lists the records with verdict DCD_REJ_NONE in offer order; duplicates
 * and rejected records are omitted, so a count of 0 rejects everything.
 * More is never set (QEMU 10.0 ignores it and consumes the whole group).
 * Send it only if dcd_chain_needs_response().
 *
 * Context: any context.
 * Return: bytes to send (8 + 24 * count), or 0 if @payload_size cannot hold
 * the header or the accepted extents (dcd_chain_validate() with @rsp_max
 * from the same payload size never lets that happen).
 * See CXL r3.1 8.2.9.9.9.3 Add Dynamic Capacity Response.
 */
size_t dcd_add_rsp_build(const struct dcd_chain *c, void *buf,
			 size_t payload_size)
{
	struct dcd_update_extent_in *in = buf;
	u32 i, n = 0;

	if (c->nr_accept > dcd_update_max_entries(payload_size) ||
	    payload_size < sizeof(*in))
		return 0;
	memset(in, 0, sizeof(*in));
	for (i = 0; i < c->nr && n < c->nr_accept; i++) {
		if (c->verdict[i] != DCD_REJ_NONE)
			continue;
		memset(&in->extent[n], 0, sizeof(in->extent[n]));
		in->extent[n].dpa = cpu_to_le64(c->ext[i].dpa);
		in->extent[n].length = cpu_to_le64(c->ext[i].len);
		n++;
	}
	in->count = cpu_to_le32(n);
	return struct_size(in, extent, n);
}
