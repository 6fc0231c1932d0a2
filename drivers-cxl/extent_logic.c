// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/errno.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <asm/byteorder.h>
#include "extent_logic.h"

/**
 * DOC: cxl-dcd extent logic
 *
 * Pure logic of Dynamic Capacity events (CXL r3.1 8.2.9.2.1.6, 8.2.9.9.9):
 * record and payload parsing, More-chain staging, extent validation,
 * response building, release matching and reconciliation. No device access,
 * no locking, no allocation, no logging: the caller holds its own locks and
 * turns the reasons returned here into log lines. Built into cxl_dcd.ko and,
 * unchanged, into the host unit tests and fuzz targets.
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

/* CXL r3.1 8.2.9.2.1.6: ca95afa7-f183-4018-8c2f-95268e101a2a, wire order */
const u8 dcd_dc_event_uuid[16] = {
	0xca, 0x95, 0xaf, 0xa7, 0xf1, 0x83, 0x40, 0x18,
	0x8c, 0x2f, 0x95, 0x26, 0x8e, 0x10, 0x1a, 0x2a,
};

static const char * const dcd_rec_reasons[DCD_REC_NR_ERRORS] = {
	[DCD_REC_OK]		= "ok",
	[DCD_REC_SHORT]		= "payload shorter than a record",
	[DCD_REC_BAD_LENGTH]	= "record length is not 128",
	[DCD_REC_BAD_UUID]	= "not a Dynamic Capacity record",
	[DCD_REC_UNKNOWN_TYPE]	= "unknown Dynamic Capacity event type",
	[DCD_REC_COUNT]		= "record count exceeds the bytes returned",
};

static const char * const dcd_xl_reasons[DCD_XL_NR_ERRORS] = {
	[DCD_XL_OK]		= "ok",
	[DCD_XL_SHORT_HEADER]	= "payload shorter than the header",
	[DCD_XL_SHORT_RECORDS]	= "returned count exceeds the bytes returned",
	[DCD_XL_TOO_MANY]	= "more extents returned than requested or left",
	[DCD_XL_TOTAL_INSANE]	= "total extent count above the maximum",
	[DCD_XL_NONE_RETURNED]	= "no extent returned while more are expected",
	[DCD_XL_CHANGED]	= "list changed during the read",
};

static const char * const dcd_rej_reasons[DCD_REJ_NR] = {
	[DCD_REJ_NONE]		  = "accepted",
	[DCD_REJ_DUPLICATE]	  = "duplicate of an accepted extent",
	[DCD_REJ_ZERO_LEN]	  = "zero length",
	[DCD_REJ_WRAP]		  = "range wraps past 2^64",
	[DCD_REJ_OUTSIDE_DC]	  = "outside the DC regions",
	[DCD_REJ_STRADDLE]	  = "straddles two DC regions",
	[DCD_REJ_NO_REGION]	  = "not inside a committed region",
	[DCD_REJ_BLOCK_ALIGN]	  = "not a multiple of the block size",
	[DCD_REJ_ALIGN_2M]	  = "not 2 MiB aligned",
	[DCD_REJ_OVERLAP]	  = "overlaps an accepted extent",
	[DCD_REJ_OVERLAP_STAGED]  = "overlaps an earlier extent of the chain",
	[DCD_REJ_TAG_REUSED]	  = "tag already used by an earlier chain",
	[DCD_REJ_NULL_TAG_SHARED] = "null tag on a sharable region",
	[DCD_REJ_SEQ_UNSHARED]	  = "sequence number on a non-sharable region",
	[DCD_REJ_SEQ_ORDER]	  = "sequence numbers not contiguous and in order",
	[DCD_REJ_TAG_SPAN]	  = "tag group spans DC regions",
	[DCD_REJ_GROUP]		  = "another member of the tag group was rejected",
	[DCD_REJ_RSP_FULL]	  = "response full",
	[DCD_REJ_CHAIN_FULL]	  = "chain longer than the staging cap",
	[DCD_REJ_NO_SPACE]	  = "host extent table full",
	[DCD_REJ_TAG_FOREIGN]	  = "tag held by another memdev",
};

/**
 * dcd_rec_strerror() - describe a record or event payload anomaly
 * @err: the anomaly
 *
 * Context: any context.
 * Return: a constant string; never NULL.
 */
const char *dcd_rec_strerror(enum dcd_rec_err err)
{
	if ((unsigned int)err >= DCD_REC_NR_ERRORS)
		return "unknown error";
	return dcd_rec_reasons[err];
}

/**
 * dcd_extlist_strerror() - describe an extent list anomaly
 * @err: the anomaly
 *
 * Context: any context.
 * Return: a constant string; never NULL.
 */
const char *dcd_extlist_strerror(enum dcd_xl_err err)
{
	if ((unsigned int)err >= DCD_XL_NR_ERRORS)
		return "unknown error";
	return dcd_xl_reasons[err];
}

/**
 * dcd_rej_str() - describe a validation verdict
 * @why: the verdict
 *
 * Context: any context.
 * Return: a constant string; never NULL.
 */
const char *dcd_rej_str(enum dcd_rej why)
{
	if ((unsigned int)why >= DCD_REJ_NR)
		return "unknown reason";
	return dcd_rej_reasons[why];
}

/**
 * dcd_event_type_name() - name of a DC event type, as upstream's tracepoint
 * @type: the event type byte
 *
 * Context: any context.
 * Return: a constant string; never NULL.
 */
const char *dcd_event_type_name(u8 type)
{
	switch (type) {
	case DCD_EV_ADD:
		return "add_capacity";
	case DCD_EV_RELEASE:
		return "release_capacity";
	case DCD_EV_FORCED_RELEASE:
		return "forced_capacity_release";
	case DCD_EV_REGION_CONFIG:
		return "region_configuration_updated";
	default:
		return "unknown";
	}
}

/**
 * dcd_tag_is_null() - is a tag the null (all zero) tag?
 * @tag: DCD_TAG_SIZE bytes
 *
 * Context: any context.
 * Return: true if every byte is zero.
 */
bool dcd_tag_is_null(const u8 *tag)
{
	unsigned int i;

	for (i = 0; i < DCD_TAG_SIZE; i++)
		if (tag[i])
			return false;
	return true;
}

static void dcd_extent_from_rec(struct dcd_extent *e,
				const struct dcd_extent_rec *r)
{
	e->dpa = le64_to_cpu(r->start_dpa);
	e->len = le64_to_cpu(r->length);
	memcpy(e->tag, r->tag, DCD_TAG_SIZE);
	e->seq = le16_to_cpu(r->shared_seq);
}

/**
 * dcd_event_parse() - parse one Dynamic Capacity event record
 * @rec: the record as read from the device
 * @bytes: bytes available at @rec
 * @ev: filled with the record's fields, CPU endian
 *
 * @ev->handle is valid for every result but DCD_REC_SHORT, so that a record
 * of the wrong kind can still be cleared; the other fields are valid for
 * DCD_REC_OK and DCD_REC_UNKNOWN_TYPE.
 *
 * Context: any context.
 * Return: DCD_REC_OK for event types 0..2 (add, release, forced release);
 * DCD_REC_SHORT if @bytes < 128, DCD_REC_BAD_LENGTH if the record length
 * byte is not 128, DCD_REC_BAD_UUID if the UUID is not the DC event UUID,
 * DCD_REC_UNKNOWN_TYPE for type 3 (Region Configuration Updated, unsupported)
 * and reserved types.
 * See CXL r3.1 8.2.9.2.1.6 Dynamic Capacity Event Record.
 */
enum dcd_rec_err dcd_event_parse(const void *rec, size_t bytes,
				 struct dcd_event *ev)
{
	const struct dcd_dc_event_rec *r = rec;

	memset(ev, 0, sizeof(*ev));
	if (bytes < sizeof(*r))
		return DCD_REC_SHORT;
	ev->handle = le16_to_cpu(r->hdr.handle);
	ev->timestamp = le64_to_cpu(r->hdr.timestamp);
	if (r->hdr.length != DCD_EVENT_RECORD_SIZE)
		return DCD_REC_BAD_LENGTH;
	if (memcmp(r->hdr.uuid, dcd_dc_event_uuid, sizeof(r->hdr.uuid)))
		return DCD_REC_BAD_UUID;
	ev->type = r->event_type;
	ev->validity = r->validity_flags;
	ev->host_id = le16_to_cpu(r->host_id);
	ev->region_index = r->region_index;
	ev->flags = r->flags;
	ev->more = r->flags & DCD_EVENT_FLAG_MORE;
	dcd_extent_from_rec(&ev->ext, &r->extent);
	ev->avail_extents = le32_to_cpu(r->avail_extents);
	ev->avail_tags = le32_to_cpu(r->avail_tags);
	if (ev->type > DCD_EV_FORCED_RELEASE)
		return DCD_REC_UNKNOWN_TYPE;
	return DCD_REC_OK;
}

/**
 * dcd_event_batch_parse() - parse a Get Event Records output payload
 * @payload: the output payload
 * @bytes: bytes the device returned
 * @b: filled with flags, overflow count and the record count
 *
 * The record count is checked against @bytes; each record is then handed to
 * dcd_event_parse() through dcd_event_batch_record().
 *
 * Context: any context.
 * Return: DCD_REC_OK, DCD_REC_SHORT if @bytes is below the 32-byte header,
 * DCD_REC_COUNT if the record count exceeds the records in @bytes (@b->nr
 * is then 0).
 * See CXL r3.1 8.2.9.2.2 Get Event Records.
 */
enum dcd_rec_err dcd_event_batch_parse(const void *payload, size_t bytes,
				       struct dcd_event_batch *b)
{
	const struct dcd_get_event_out *out = payload;
	u16 nr;

	memset(b, 0, sizeof(*b));
	if (bytes < sizeof(*out))
		return DCD_REC_SHORT;
	b->flags = out->flags;
	b->overflow = out->flags & DCD_GET_EVENT_FLAG_OVERFLOW;
	b->more = out->flags & DCD_GET_EVENT_FLAG_MORE;
	b->overflow_count = le16_to_cpu(out->overflow_count);
	nr = le16_to_cpu(out->record_count);
	if ((bytes - sizeof(*out)) / DCD_EVENT_RECORD_SIZE < nr)
		return DCD_REC_COUNT;
	b->nr = nr;
	b->payload = out;
	return DCD_REC_OK;
}

/**
 * dcd_event_batch_record() - the i-th record of a parsed batch
 * @b: batch parsed by dcd_event_batch_parse()
 * @i: record index
 *
 * Context: any context.
 * Return: pointer to DCD_EVENT_RECORD_SIZE bytes, or NULL if @i >= @b->nr.
 */
const void *dcd_event_batch_record(const struct dcd_event_batch *b,
				   unsigned int i)
{
	if (i >= b->nr || !b->payload)
		return NULL;
	return &b->payload->record[i];
}

/**
 * dcd_clear_event_build() - build a Clear Event Records input payload
 * @buf: output buffer of at least @payload_size bytes
 * @payload_size: mailbox payload size
 * @log: event log (DCD_EVENT_LOG_DC)
 * @handles: handles to clear, oldest first (the device wants them in order)
 * @nr: entries in @handles
 * @nr_used: set to the handles placed in @buf (capped by @payload_size and
 *	the 8-bit count); the caller clears the rest with another command
 *
 * Context: any context.
 * Return: bytes to send, or 0 if nothing fits or @nr is 0.
 * See CXL r3.1 8.2.9.2.3 Clear Event Records.
 */
size_t dcd_clear_event_build(void *buf, size_t payload_size, u8 log,
			     const u16 *handles, unsigned int nr,
			     unsigned int *nr_used)
{
	struct dcd_clear_event_in *in = buf;
	unsigned int i, max;

	*nr_used = 0;
	if (payload_size < struct_size(in, handle, 1) || !nr)
		return 0;
	max = (payload_size - sizeof(*in)) / sizeof(in->handle[0]);
	if (max > 0xff)
		max = 0xff;
	if (nr > max)
		nr = max;
	memset(in, 0, sizeof(*in));
	in->log = log;
	in->nr_handles = nr;
	for (i = 0; i < nr; i++)
		in->handle[i] = cpu_to_le16(handles[i]);
	*nr_used = nr;
	return struct_size(in, handle, nr);
}

/**
 * dcd_extlist_max_per_page() - extents one Get DC Extent List can return
 * @payload_size: mailbox payload size
 *
 * Context: any context.
 * Return: (payload size - 16) / 40; 50 for a 2048-byte payload.
 */
u32 dcd_extlist_max_per_page(size_t payload_size)
{
	size_t hdr = sizeof(struct dcd_get_extlist_out);

	if (payload_size <= hdr)
		return 0;
	return (payload_size - hdr) / sizeof(struct dcd_extent_rec);
}

/**
 * dcd_extlist_in_build() - build a Get DC Extent List input payload
 * @in: the 8-byte input
 * @count: extents requested
 * @start: starting extent index
 *
 * Context: any context.
 */
void dcd_extlist_in_build(struct dcd_get_extlist_in *in, u32 count, u32 start)
{
	in->count = cpu_to_le32(count);
	in->start = cpu_to_le32(start);
}

/**
 * dcd_extlist_acc_init() - start (or restart) a paged extent list read
 * @acc: accumulator
 * @buf: caller's array for the extents
 * @cap: entries in @buf
 * @max_total: largest plausible total (device's total supported extents)
 *
 * Context: any context.
 */
void dcd_extlist_acc_init(struct dcd_extlist_acc *acc, struct dcd_extent *buf,
			  u32 cap, u32 max_total)
{
	memset(acc, 0, sizeof(*acc));
	acc->ext = buf;
	acc->cap = cap;
	acc->max_total = max_total < cap ? max_total : cap;
}

static int dcd_xl_fail(enum dcd_xl_err *why, enum dcd_xl_err err)
{
	*why = err;
	return err == DCD_XL_CHANGED ? -EAGAIN : -EIO;
}

/**
 * dcd_extlist_acc_page() - add one page of Get DC Extent List output
 * @acc: accumulator; the page was requested with start index @acc->nr
 * @requested: extent count sent in the request
 * @payload: output payload
 * @bytes: bytes the device returned
 * @why: set to the anomaly on failure, DCD_XL_OK otherwise
 *
 * Checks the returned count against @bytes, @requested and what is left,
 * the total against the maximum, and that the total and generation number
 * stay what the first page said. On -EAGAIN the caller restarts with
 * dcd_extlist_acc_init(), at most DCD_EXTLIST_TRIES times in all (QEMU 10.0
 * never changes its generation number, so a release in flight is only seen
 * through the total).
 *
 * Context: any context.
 * Return: 0 when the list is complete (@acc->nr == @acc->total), 1 when
 * another page must be requested at index @acc->nr, -EAGAIN if the list
 * changed mid-read, -EIO if the page is malformed.
 * See CXL r3.1 8.2.9.9.9.2 Get Dynamic Capacity Extent List.
 */
int dcd_extlist_acc_page(struct dcd_extlist_acc *acc, u32 requested,
			 const void *payload, size_t bytes,
			 enum dcd_xl_err *why)
{
	const struct dcd_get_extlist_out *out = payload;
	u32 returned, total, gen, i;

	*why = DCD_XL_OK;
	if (bytes < sizeof(*out))
		return dcd_xl_fail(why, DCD_XL_SHORT_HEADER);
	returned = le32_to_cpu(out->returned);
	total = le32_to_cpu(out->total);
	gen = le32_to_cpu(out->generation);
	if ((bytes - sizeof(*out)) / sizeof(out->extent[0]) < returned)
		return dcd_xl_fail(why, DCD_XL_SHORT_RECORDS);
	if (acc->started && (total != acc->total || gen != acc->generation))
		return dcd_xl_fail(why, DCD_XL_CHANGED);
	if (total > acc->max_total)
		return dcd_xl_fail(why, DCD_XL_TOTAL_INSANE);
	if (acc->nr > total || returned > requested ||
	    returned > total - acc->nr)
		return dcd_xl_fail(why, DCD_XL_TOO_MANY);
	if (!returned && acc->nr < total)
		return dcd_xl_fail(why, DCD_XL_NONE_RETURNED);

	acc->started = true;
	acc->total = total;
	acc->generation = gen;
	for (i = 0; i < returned; i++)
		dcd_extent_from_rec(&acc->ext[acc->nr + i], &out->extent[i]);
	acc->nr += returned;
	return acc->nr < acc->total ? 1 : 0;
}

/* Last byte of [dpa, dpa + len), or false if len is 0 or it wraps. */
static bool dcd_last(u64 dpa, u64 len, u64 *last)
{
	return len && !check_add_overflow(dpa, len - 1, last);
}

static bool dcd_overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	/* both ranges are known not to wrap */
	return a <= b + (blen - 1) && b <= a + (alen - 1);
}

/**
 * dcd_dc_region_of() - the DC region that wholly contains a range
 * @cfg: validated DC configuration
 * @dpa: start DPA
 * @len: length
 * @why: set to the reason on failure
 *
 * Only the usable length of each region counts, not its decode length.
 *
 * Context: any context.
 * Return: region index, or -EINVAL with @why DCD_REJ_ZERO_LEN, DCD_REJ_WRAP,
 * DCD_REJ_OUTSIDE_DC (in no region) or DCD_REJ_STRADDLE (starts in one
 * region and does not end in it).
 */
int dcd_dc_region_of(const struct dcd_config *cfg, u64 dpa, u64 len,
		     enum dcd_rej *why)
{
	unsigned int i;
	u64 last;

	*why = DCD_REJ_NONE;
	if (!len) {
		*why = DCD_REJ_ZERO_LEN;
		return -EINVAL;
	}
	if (!dcd_last(dpa, len, &last)) {
		*why = DCD_REJ_WRAP;
		return -EINVAL;
	}
	for (i = 0; i < cfg->nr_read && i < DCD_MAX_REGIONS; i++) {
		const struct dcd_region *r = &cfg->region[i];
		u64 rlast = r->base + (r->len - 1);

		if (dpa < r->base || dpa > rlast) {
			/* starts outside; straddles if it reaches in */
			if (dpa < r->base && last >= r->base) {
				*why = DCD_REJ_STRADDLE;
				return -EINVAL;
			}
			continue;
		}
		if (last > rlast) {
			*why = DCD_REJ_STRADDLE;
			return -EINVAL;
		}
		return i;
	}
	*why = DCD_REJ_OUTSIDE_DC;
	return -EINVAL;
}

/**
 * dcd_range_lookup() - the range of a list that wholly contains another
 * @r: ranges, e.g. committed regions' DPA spans
 * @nr: entries in @r
 * @dpa: start of the range looked up
 * @len: its length
 *
 * Context: any context.
 * Return: index into @r, or -ENOENT (also for an empty or wrapping range).
 */
int dcd_range_lookup(const struct dcd_range *r, u32 nr, u64 dpa, u64 len)
{
	u64 last, rlast;
	u32 i;

	if (!dcd_last(dpa, len, &last))
		return -ENOENT;
	for (i = 0; i < nr; i++) {
		if (!dcd_last(r[i].start, r[i].len, &rlast))
			continue;
		if (dpa >= r[i].start && last <= rlast)
			return i;
	}
	return -ENOENT;
}

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

static bool dcd_tag_eq(const u8 *a, const u8 *b)
{
	return !memcmp(a, b, DCD_TAG_SIZE);
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
 * dcd_update_max_entries() - extents one Add Response / Release carries
 * @payload_size: mailbox payload size
 *
 * Context: any context.
 * Return: (payload size - 8) / 24, 85 for a 2048-byte payload.
 */
u32 dcd_update_max_entries(size_t payload_size)
{
	size_t hdr = sizeof(struct dcd_update_extent_in);

	if (payload_size < hdr)
		return 0;
	return (payload_size - hdr) / sizeof(struct dcd_extent_ref);
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

/**
 * dcd_release_build() - build a Release Dynamic Capacity input payload
 * @buf: output buffer of at least @payload_size bytes
 * @payload_size: mailbox payload size
 * @r: ranges to release, whole extents
 * @nr: entries in @r
 * @nr_used: set to the ranges placed in @buf; the caller sends the rest in
 *	another command (each command stands alone: More is never set)
 *
 * Context: any context.
 * Return: bytes to send, or 0 if @nr is 0 (QEMU answers a count of 0 with
 * Invalid Input: never send one) or nothing fits.
 * See CXL r3.1 8.2.9.9.9.4 Release Dynamic Capacity.
 */
size_t dcd_release_build(void *buf, size_t payload_size,
			 const struct dcd_range *r, u32 nr, u32 *nr_used)
{
	struct dcd_update_extent_in *in = buf;
	u32 i, max = dcd_update_max_entries(payload_size);

	*nr_used = 0;
	if (!nr || !max)
		return 0;
	if (nr > max)
		nr = max;
	memset(in, 0, sizeof(*in));
	for (i = 0; i < nr; i++) {
		memset(&in->extent[i], 0, sizeof(in->extent[i]));
		in->extent[i].dpa = cpu_to_le64(r[i].start);
		in->extent[i].length = cpu_to_le64(r[i].len);
	}
	in->count = cpu_to_le32(nr);
	*nr_used = nr;
	return struct_size(in, extent, nr);
}

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

static const char * const dcd_grp_names[DCD_GRP_NR] = {
	[DCD_GRP_UNTAGGED]	 = "untagged",
	[DCD_GRP_MERGED]	 = "merged",
	[DCD_GRP_NOT_CONTIGUOUS] = "not-contiguous",
	[DCD_GRP_INCOMPLETE]	 = "incomplete",
	[DCD_GRP_REGIONS]	 = "regions",
};

/**
 * dcd_grp_name() - sysfs name of a tag group plan
 * @g: the plan
 *
 * Context: any context.
 * Return: a constant string; never NULL.
 */
const char *dcd_grp_name(enum dcd_grp g)
{
	if ((unsigned int)g >= DCD_GRP_NR)
		return "unknown";
	return dcd_grp_names[g];
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
