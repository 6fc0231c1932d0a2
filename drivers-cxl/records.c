// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/errno.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <asm/byteorder.h>
#include "logic.h"

/**
 * DOC: cxl-dcd records
 *
 * Pure logic (see logic.h) of what the device sends and what we send
 * back that is not about a chain: Dynamic Capacity event records and Get
 * Event Records payloads (CXL r3.1 8.2.9.2.1.6, 8.2.9.2.2), Clear Event
 * Records input, Get DC Extent List pages (8.2.9.9.9.2), read to
 * completion across pages, and the Release Dynamic Capacity input
 * (8.2.9.9.9.4). Every count is checked against the bytes returned.
 */

/* CXL r3.1 8.2.9.2.1.6: ca95afa7-f183-4018-8c2f-95268e101a2a, wire order */
const u8 dcd_dc_event_uuid[16] = {
	0xca, 0x95, 0xaf, 0xa7, 0xf1, 0x83, 0x40, 0x18,
	0x8c, 0x2f, 0x95, 0x26, 0x8e, 0x10, 0x1a, 0x2a,
};

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
