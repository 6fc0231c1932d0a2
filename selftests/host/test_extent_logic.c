// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
/*
 * test_extent_logic.c - host unit tests for drivers-cxl/extent_logic.c: DC
 * event record and Get Event Records parsing, Clear Event Records building,
 * Get DC Extent List paging, More-chain staging, extent validation, Add
 * Response / Release building, release matching and reconciliation. Builds
 * extent_logic.c as user-space code through the shim in shim/ and prints TAP.
 * Run with `make unit`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "logic.h"
#include "kselftest.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define PAYLOAD 2048


/* ---- fixtures ---- */

/* QEMU 10.0 dcd1: two 256 MiB DC regions, 2 MiB blocks */
static struct dcd_config cfg;
/* committed host region: all of DC region 0 */
static const struct dcd_range committed[] = { { 0, 256 * MiB } };
static struct dcd_extent_set *set;
static struct dcd_chain *chain;

static void setup_cfg(u64 block1)
{
	dcd_config_init(&cfg);
	cfg.nr_regions = 2;
	cfg.nr_read = 2;
	cfg.region[0] = (struct dcd_region){ 0, 256 * MiB, 256 * MiB,
					     2 * MiB, 0, 0 };
	cfg.region[1] = (struct dcd_region){ 256 * MiB, 256 * MiB, 256 * MiB,
					     block1, 1, 0 };
	cfg.total_extents = 512;
	cfg.avail_extents = 512;
}

static void reset_all(void)
{
	setup_cfg(2 * MiB);
	dcd_extent_set_init(set, 512);
	dcd_chain_reset(chain);
}

static struct dcd_validate_ctx ctx_default(void)
{
	return (struct dcd_validate_ctx){
		.cfg = &cfg,
		.committed = committed,
		.nr_committed = 1,
		.set = set,
		.sharable = 0,
		.rsp_max = dcd_update_max_entries(PAYLOAD),
	};
}

static struct dcd_event add_ev(u64 dpa, u64 len, bool more)
{
	struct dcd_event ev = { .type = DCD_EV_ADD, .more = more };

	ev.ext.dpa = dpa;
	ev.ext.len = len;
	return ev;
}

static struct dcd_event add_tagged(u64 dpa, u64 len, bool more, u8 tag,
				   u16 seq)
{
	struct dcd_event ev = add_ev(dpa, len, more);

	if (tag)
		ev.ext.tag[0] = tag;
	ev.ext.seq = seq;
	return ev;
}

/* Stage the records (last one closes), validate with @ctx. */
static void run_chain(const struct dcd_event *ev, unsigned int nr,
		      const struct dcd_validate_ctx *ctx)
{
	unsigned int i;

	dcd_chain_reset(chain);
	for (i = 0; i < nr; i++)
		dcd_chain_stage(chain, &ev[i], i);
	dcd_chain_validate(chain, ctx);
}

/* Validate one extent alone; return its verdict. */
static enum dcd_rej verdict1(u64 dpa, u64 len)
{
	struct dcd_validate_ctx ctx = ctx_default();
	struct dcd_event ev = add_ev(dpa, len, false);

	run_chain(&ev, 1, &ctx);
	return chain->verdict[0];
}

static void accept_into_set(u64 dpa, u64 len, u8 tag)
{
	struct dcd_extent e = { .dpa = dpa, .len = len };

	e.tag[0] = tag;
	dcd_extent_set_insert(set, &e, 0, DCD_EXT_ACCEPTED);
}

static void put_rec(u8 *buf, const u8 *uuid, u8 len, u16 handle, u8 type,
		    u8 flags, u64 dpa, u64 elen)
{
	struct dcd_dc_event_rec *r = (void *)buf;

	memset(r, 0, sizeof(*r));
	memcpy(r->hdr.uuid, uuid, 16);
	r->hdr.length = len;
	r->hdr.handle = cpu_to_le16(handle);
	r->event_type = type;
	r->flags = flags;
	r->host_id = cpu_to_le16(7);
	r->extent.start_dpa = cpu_to_le64(dpa);
	r->extent.length = cpu_to_le64(elen);
	r->extent.tag[15] = 0x5a;
	r->extent.shared_seq = cpu_to_le16(3);
	r->avail_extents = cpu_to_le32(500);
	r->avail_tags = cpu_to_le32(9);
}

/* ---- tests ---- */

static void test_layouts(void)
{
	ksft_test_result(sizeof(struct dcd_dc_event_rec) == 128, "DC event record is 128 bytes");
	ksft_test_result(sizeof(struct dcd_extent_rec) == 40, "extent record is 40 bytes");
	ksft_test_result(sizeof(struct dcd_get_event_out) == 32,
			 "Get Event Records header is 32 bytes");
	ksft_test_result(sizeof(struct dcd_get_extlist_out) == 16,
			 "Get DC Extent List header is 16 bytes");
	ksft_test_result(sizeof(struct dcd_extent_ref) == 24 &&
			 sizeof(struct dcd_update_extent_in) == 8,
			 "response entry is 24 bytes after an 8-byte header");
	ksft_test_result(dcd_update_max_entries(PAYLOAD) == 85,
			 "85 response entries fit a 2048-byte payload");
	ksft_test_result(dcd_extlist_max_per_page(PAYLOAD) == 50,
			 "50 extent list records fit a 2048-byte payload");
}

static void test_record_parse(void)
{
	static const u8 other[16] = { 0xde, 0xad };
	u8 buf[DCD_EVENT_RECORD_SIZE];
	struct dcd_event ev;
	enum dcd_rec_err e;

	put_rec(buf, dcd_dc_event_uuid, 128, 0x1234, DCD_EV_ADD,
		DCD_EVENT_FLAG_MORE, 0x200000, 0x400000);
	e = dcd_event_parse(buf, sizeof(buf), &ev);
	ksft_test_result(e == DCD_REC_OK && ev.handle == 0x1234 && ev.type == DCD_EV_ADD &&
			 ev.more && ev.ext.dpa == 0x200000 && ev.ext.len == 0x400000 &&
			 ev.ext.tag[15] == 0x5a && ev.ext.seq == 3 && ev.host_id == 7 &&
			 ev.avail_extents == 500 && ev.avail_tags == 9,
			 "add record with More parses to host-endian fields");

	put_rec(buf, dcd_dc_event_uuid, 128, 2, DCD_EV_RELEASE, 0, 0, 1);
	e = dcd_event_parse(buf, sizeof(buf), &ev);
	ksft_test_result(e == DCD_REC_OK && ev.type == DCD_EV_RELEASE && !ev.more,
			 "release record parses, More clear");
	put_rec(buf, dcd_dc_event_uuid, 128, 2, DCD_EV_FORCED_RELEASE, 0, 0, 1);
	ksft_test_result(dcd_event_parse(buf, sizeof(buf), &ev) == DCD_REC_OK &&
			 ev.type == DCD_EV_FORCED_RELEASE, "forced release record parses");

	put_rec(buf, other, 128, 0x77, DCD_EV_ADD, 0, 0, 1);
	e = dcd_event_parse(buf, sizeof(buf), &ev);
	ksft_test_result(e == DCD_REC_BAD_UUID && ev.handle == 0x77,
			 "wrong UUID is refused, handle still valid for clearing");

	put_rec(buf, dcd_dc_event_uuid, 128, 0x78, DCD_EV_REGION_CONFIG, 0,
		0, 0);
	e = dcd_event_parse(buf, sizeof(buf), &ev);
	ksft_test_result(e == DCD_REC_UNKNOWN_TYPE && ev.handle == 0x78 && ev.type == 3,
			 "region configuration updated is an unknown type");
	put_rec(buf, dcd_dc_event_uuid, 128, 0x79, 0xff, 0, 0, 0);
	ksft_test_result(dcd_event_parse(buf, sizeof(buf), &ev) == DCD_REC_UNKNOWN_TYPE,
			 "reserved event type is an unknown type");

	put_rec(buf, dcd_dc_event_uuid, 64, 0x7a, DCD_EV_ADD, 0, 0, 1);
	e = dcd_event_parse(buf, sizeof(buf), &ev);
	ksft_test_result(e == DCD_REC_BAD_LENGTH && ev.handle == 0x7a,
			 "record length byte other than 128 is refused");

	ksft_test_result(dcd_event_parse(buf, 127, &ev) == DCD_REC_SHORT,
			 "127 bytes is a truncated record");
	ksft_test_result(strcmp(dcd_rec_strerror(DCD_REC_BAD_UUID), "unknown error") &&
			 !strcmp(dcd_rec_strerror(99), "unknown error"),
			 "record errors have distinct descriptions");
	ksft_test_result(!strcmp(dcd_event_type_name(0), "add_capacity") &&
			 !strcmp(dcd_event_type_name(9), "unknown"),
			 "event type names");
}

static void test_batch_parse(void)
{
	static u8 buf[PAYLOAD];
	struct dcd_get_event_out *out = (void *)buf;
	struct dcd_event_batch b;
	struct dcd_event ev;
	unsigned int i;

	memset(buf, 0, sizeof(buf));
	out->flags = DCD_GET_EVENT_FLAG_OVERFLOW | DCD_GET_EVENT_FLAG_MORE;
	out->overflow_count = cpu_to_le16(2);
	out->record_count = cpu_to_le16(3);
	for (i = 0; i < 3; i++)
		put_rec((u8 *)&out->record[i], dcd_dc_event_uuid, 128, i + 1,
			DCD_EV_ADD, i < 2, i * 2 * MiB, 2 * MiB);
	ksft_test_result(dcd_event_batch_parse(buf, 32 + 3 * 128, &b) == DCD_REC_OK &&
			 b.nr == 3 && b.overflow && b.more && b.overflow_count == 2,
			 "Get Event Records: flags, overflow count and 3 records");
	ksft_test_result(dcd_event_parse(dcd_event_batch_record(&b, 2), 128, &ev) ==
			 DCD_REC_OK && ev.handle == 3 && !ev.more,
			 "third record of the batch is reachable and ends the chain");
	ksft_test_result(!dcd_event_batch_record(&b, 3), "no fourth record");
	ksft_test_result(dcd_event_batch_parse(buf, 32 + 2 * 128 + 127, &b) ==
			 DCD_REC_COUNT && b.nr == 0,
			 "record count lying about the bytes returned is refused");
	ksft_test_result(dcd_event_batch_parse(buf, 31, &b) == DCD_REC_SHORT,
			 "payload shorter than the header is refused");
	out->record_count = cpu_to_le16(0xffff);
	ksft_test_result(dcd_event_batch_parse(buf, sizeof(buf), &b) == DCD_REC_COUNT,
			 "record count 65535 in a 2048-byte payload is refused");
	out->record_count = 0;
	out->flags = 0;
	ksft_test_result(dcd_event_batch_parse(buf, 32, &b) == DCD_REC_OK && b.nr == 0 &&
			 !b.overflow, "empty log: 0 records");
}

static void test_clear_build(void)
{
	static u8 buf[PAYLOAD];
	struct dcd_clear_event_in *in = (void *)buf;
	u16 h[300];
	unsigned int used, i;
	size_t n;

	for (i = 0; i < 300; i++)
		h[i] = i + 1;
	n = dcd_clear_event_build(buf, PAYLOAD, DCD_EVENT_LOG_DC, h, 3, &used);
	ksft_test_result(n == 12 && used == 3 && in->log == 4 && in->nr_handles == 3 &&
			 le16_to_cpu(in->handle[2]) == 3 && in->flags == 0,
			 "Clear Event Records with 3 handles in order");
	n = dcd_clear_event_build(buf, PAYLOAD, 4, h, 300, &used);
	ksft_test_result(used == 255 && n == 6 + 2 * 255, "handle count capped at 255");
	n = dcd_clear_event_build(buf, 16, 4, h, 300, &used);
	ksft_test_result(used == 5 && n == 16, "handle count capped by the payload size");
	n = dcd_clear_event_build(buf, PAYLOAD, 4, h, 0, &used);
	ksft_test_result(n == 0 && used == 0, "no handles, nothing to send");
}

/* Build an extent list page: @ret records from index @start of @list. */
static size_t xl_page(u8 *buf, u32 ret, u32 total, u32 gen,
		      const struct dcd_extent *list, u32 start)
{
	struct dcd_get_extlist_out *out = (void *)buf;
	u32 i;

	memset(buf, 0, PAYLOAD);
	out->returned = cpu_to_le32(ret);
	out->total = cpu_to_le32(total);
	out->generation = cpu_to_le32(gen);
	for (i = 0; i < ret && 16 + (i + 1) * 40 <= PAYLOAD; i++) {
		out->extent[i].start_dpa = cpu_to_le64(list[start + i].dpa);
		out->extent[i].length = cpu_to_le64(list[start + i].len);
	}
	return 16 + (size_t)i * 40;
}

static void test_extlist(void)
{
	static struct dcd_extent list[200], got[200];
	static u8 buf[PAYLOAD];
	struct dcd_get_extlist_in in;
	struct dcd_extlist_acc acc;
	enum dcd_xl_err why;
	int rc, tries, pages;
	size_t n;
	u32 i;

	for (i = 0; i < 200; i++) {
		list[i].dpa = i * 2 * MiB;
		list[i].len = 2 * MiB;
	}
	dcd_extlist_in_build(&in, 50, 7);
	ksft_test_result(le32_to_cpu(in.count) == 50 && le32_to_cpu(in.start) == 7,
			 "extent list input: count and start index");

	dcd_extlist_acc_init(&acc, got, 200, 512);
	pages = 0;
	do {
		u32 ret = 120 - acc.nr < 50 ? 120 - acc.nr : 50;

		n = xl_page(buf, ret, 120, 0, list, acc.nr);
		rc = dcd_extlist_acc_page(&acc, 50, buf, n, &why);
		pages++;
	} while (rc == 1 && pages < 10);
	ksft_test_result(rc == 0 && pages == 3 && acc.nr == 120 && got[119].dpa ==
			 119 * 2 * MiB, "120 extents read in pages of 50, 50, 20");

	dcd_extlist_acc_init(&acc, got, 200, 512);
	n = xl_page(buf, 0, 0, 0, list, 0);
	ksft_test_result(dcd_extlist_acc_page(&acc, 50, buf, n, &why) == 0 && acc.nr == 0,
			 "empty list completes at once");

	/* total changes mid-read (release in flight): retry, bounded */
	tries = 0;
	do {
		dcd_extlist_acc_init(&acc, got, 200, 512);
		n = xl_page(buf, 50, 60, 0, list, 0);
		rc = dcd_extlist_acc_page(&acc, 50, buf, n, &why);
		if (rc == 1) {
			/* second try sees a stable list */
			u32 total = tries ? 60 : 59;

			n = xl_page(buf, total - 50, total, 0, list, 50);
			rc = dcd_extlist_acc_page(&acc, 50, buf, n, &why);
		}
		tries++;
	} while (rc == -EAGAIN && tries < DCD_EXTLIST_TRIES);
	ksft_test_result(rc == 0 && tries == 2 && acc.nr == 60,
			 "total change mid-read gives -EAGAIN, the retry succeeds");

	dcd_extlist_acc_init(&acc, got, 200, 512);
	n = xl_page(buf, 50, 60, 1, list, 0);
	dcd_extlist_acc_page(&acc, 50, buf, n, &why);
	n = xl_page(buf, 10, 60, 2, list, 50);
	rc = dcd_extlist_acc_page(&acc, 50, buf, n, &why);
	ksft_test_result(rc == -EAGAIN && why == DCD_XL_CHANGED,
			 "generation change mid-read gives -EAGAIN");

	dcd_extlist_acc_init(&acc, got, 200, 512);
	n = xl_page(buf, 10, 10, 0, list, 0);
	ksft_test_result(dcd_extlist_acc_page(&acc, 50, buf, n - 1, &why) == -EIO &&
			 why == DCD_XL_SHORT_RECORDS,
			 "returned count lying about the bytes is refused");
	ksft_test_result(dcd_extlist_acc_page(&acc, 50, buf, 15, &why) == -EIO &&
			 why == DCD_XL_SHORT_HEADER, "truncated header is refused");
	n = xl_page(buf, 10, 10, 0, list, 0);
	ksft_test_result(dcd_extlist_acc_page(&acc, 5, buf, n, &why) == -EIO &&
			 why == DCD_XL_TOO_MANY, "more returned than requested is refused");
	n = xl_page(buf, 10, 8, 0, list, 0);
	ksft_test_result(dcd_extlist_acc_page(&acc, 50, buf, n, &why) == -EIO &&
			 why == DCD_XL_TOO_MANY, "more returned than the total is refused");
	n = xl_page(buf, 0, 10, 0, list, 0);
	ksft_test_result(dcd_extlist_acc_page(&acc, 50, buf, n, &why) == -EIO &&
			 why == DCD_XL_NONE_RETURNED, "0 of 10 returned is refused");
	n = xl_page(buf, 1, 513, 0, list, 0);
	ksft_test_result(dcd_extlist_acc_page(&acc, 50, buf, n, &why) == -EIO &&
			 why == DCD_XL_TOTAL_INSANE,
			 "total above the device's supported extents is refused");
	dcd_extlist_acc_init(&acc, got, 100, 512);
	n = xl_page(buf, 1, 101, 0, list, 0);
	ksft_test_result(dcd_extlist_acc_page(&acc, 50, buf, n, &why) == -EIO &&
			 why == DCD_XL_TOTAL_INSANE,
			 "total above the caller's buffer is refused");
	ksft_test_result(strcmp(dcd_extlist_strerror(DCD_XL_CHANGED), "unknown error") &&
			 !strcmp(dcd_extlist_strerror(77), "unknown error"),
			 "extent list errors have descriptions");
}

static void test_range_helpers(void)
{
	enum dcd_rej why;

	ksft_test_result(dcd_dc_region_of(&cfg, 256 * MiB, 2 * MiB, &why) == 1,
			 "DPA 256M is in DC region 1");
	ksft_test_result(dcd_dc_region_of(&cfg, 510 * MiB, 2 * MiB, &why) == 1,
			 "last block of region 1 is inside");
	ksft_test_result(dcd_range_lookup(committed, 1, 254 * MiB, 2 * MiB) == 0 &&
			 dcd_range_lookup(committed, 1, 254 * MiB, 4 * MiB) == -ENOENT,
			 "committed range lookup: inside vs crossing the end");
	ksft_test_result(dcd_tag_is_null((const u8[16]){ 0 }) &&
			 !dcd_tag_is_null((const u8[16]){ [15] = 1 }), "null tag test");
}

static void test_validation_reasons(void)
{
	struct dcd_validate_ctx ctx;
	struct dcd_event ev;

	reset_all();
	ksft_test_result(verdict1(0, 2 * MiB) == DCD_REJ_NONE,
			 "aligned extent in a committed region is accepted");
	ksft_test_result(verdict1(0, 0) == DCD_REJ_ZERO_LEN, "zero length is rejected");
	ksft_test_result(verdict1(~0ULL - 2 * MiB + 1, 4 * MiB) == DCD_REJ_WRAP,
			 "start + length wrapping past 2^64 is rejected");
	ksft_test_result(verdict1(GiB, 2 * MiB) == DCD_REJ_OUTSIDE_DC,
			 "extent above the DC partition is rejected");
	ksft_test_result(verdict1(254 * MiB, 4 * MiB) == DCD_REJ_STRADDLE,
			 "extent straddling DC regions 0 and 1 is rejected");
	ksft_test_result(verdict1(510 * MiB, 4 * MiB) == DCD_REJ_STRADDLE,
			 "extent running past the end of the DC partition is rejected");
	ksft_test_result(verdict1(256 * MiB, 2 * MiB) == DCD_REJ_NO_REGION,
			 "extent in a DC region with no committed region is rejected");
	ksft_test_result(verdict1(2 * MiB + 4096, 2 * MiB) == DCD_REJ_BLOCK_ALIGN,
			 "start not a multiple of the block size is rejected");
	ksft_test_result(verdict1(2 * MiB, 3 * MiB) == DCD_REJ_BLOCK_ALIGN,
			 "length not a multiple of the block size is rejected");

	/* region 0 with 64 KiB blocks: block-aligned, not 2 MiB aligned */
	cfg.region[0].block_size = 64 * 1024;
	ksft_test_result(verdict1(64 * 1024, 2 * MiB) == DCD_REJ_ALIGN_2M,
			 "start not 2 MiB aligned (64 KiB blocks) is rejected");
	ksft_test_result(verdict1(0, 2 * MiB + 64 * 1024) == DCD_REJ_ALIGN_2M,
			 "length not 2 MiB aligned (64 KiB blocks) is rejected");
	cfg.region[0].block_size = 2 * MiB;

	accept_into_set(8 * MiB, 8 * MiB, 0);
	ksft_test_result(verdict1(4 * MiB, 8 * MiB) == DCD_REJ_OVERLAP,
			 "partial overlap with an accepted extent is rejected");
	ksft_test_result(verdict1(10 * MiB, 2 * MiB) == DCD_REJ_OVERLAP,
			 "extent inside an accepted one is rejected");
	ksft_test_result(verdict1(8 * MiB, 8 * MiB) == DCD_REJ_DUPLICATE &&
			 chain->nr_accept == 0 && chain->nr_dup == 1 &&
			 chain->nr_reject == 0,
			 "exact duplicate is idempotent: not accepted, not rejected");
	ksft_test_result(verdict1(16 * MiB, 2 * MiB) == DCD_REJ_NONE,
			 "adjacent extent after an accepted one is accepted");

	ctx = ctx_default();
	{
		struct dcd_event evs[2] = {
			add_ev(32 * MiB, 4 * MiB, true),
			add_ev(34 * MiB, 4 * MiB, false),
		};

		run_chain(evs, 2, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_NONE &&
				 chain->verdict[1] == DCD_REJ_OVERLAP_STAGED,
				 "overlap with an earlier record of the chain is rejected");
	}
	{
		struct dcd_event evs[2] = {
			add_ev(32 * MiB, 4 * MiB, true),
			add_ev(32 * MiB, 4 * MiB, false),
		};

		run_chain(evs, 2, &ctx);
		ksft_test_result(chain->verdict[1] == DCD_REJ_OVERLAP_STAGED,
				 "same range twice in one chain: the second is rejected");
	}

	/* sequence number on a non-sharable region */
	ev = add_tagged(40 * MiB, 2 * MiB, false, 0, 1);
	run_chain(&ev, 1, &ctx);
	ksft_test_result(chain->verdict[0] == DCD_REJ_SEQ_UNSHARED,
			 "non-zero sequence on a non-sharable region is rejected");

	/* host set full */
	ctx = ctx_default();
	{
		struct dcd_extent_set *small =
			calloc(1, dcd_extent_set_size(2));
		struct dcd_event evs[2] = {
			add_ev(64 * MiB, 2 * MiB, true),
			add_ev(66 * MiB, 2 * MiB, false),
		};
		struct dcd_extent e = { .dpa = 100 * MiB, .len = 2 * MiB };

		dcd_extent_set_init(small, 2);
		dcd_extent_set_insert(small, &e, 0, DCD_EXT_ACCEPTED);
		ctx.set = small;
		run_chain(evs, 2, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_NONE &&
				 chain->verdict[1] == DCD_REJ_NO_SPACE,
				 "extent past the free host slots is rejected");
		free(small);
	}
	ksft_test_result(strcmp(dcd_rej_str(DCD_REJ_NO_SPACE), "unknown reason") &&
			 strcmp(dcd_rej_str(DCD_REJ_TAG_FOREIGN), "unknown reason") &&
			 !strcmp(dcd_rej_str(200), "unknown reason"),
			 "every reason has a description");
}

static void test_tags(void)
{
	struct dcd_validate_ctx ctx;

	reset_all();
	ctx = ctx_default();
	{
		struct dcd_event evs[3] = {
			add_tagged(0, 2 * MiB, true, 0, 0),
			add_tagged(2 * MiB, 2 * MiB, true, 0, 0),
			add_tagged(4 * MiB, 2 * MiB, false, 0, 0),
		};

		run_chain(evs, 3, &ctx);
		ksft_test_result(chain->nr_accept == 3,
				 "null tags: independent extents, all accepted");
	}
	{
		struct dcd_event evs[3] = {
			add_tagged(0, 2 * MiB, true, 0xa, 0),
			add_tagged(8 * MiB, 2 * MiB, true, 0, 0),
			add_tagged(4 * MiB, 2 * MiB, false, 0xa, 0),
		};

		run_chain(evs, 3, &ctx);
		ksft_test_result(chain->nr_accept == 3,
				 "same tag within one chain forms one group, accepted");
	}
	{
		struct dcd_event evs[3] = {
			add_tagged(0, 2 * MiB, true, 0xa, 0),
			add_tagged(8 * MiB, 2 * MiB, true, 0, 0),
			add_tagged(5 * MiB, 2 * MiB, false, 0xa, 0),
		};

		run_chain(evs, 3, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_GROUP &&
				 chain->verdict[1] == DCD_REJ_NONE &&
				 chain->verdict[2] == DCD_REJ_BLOCK_ALIGN,
				 "one bad member rejects its whole tag group, not others");
	}
	/* tag from an earlier chain */
	accept_into_set(100 * MiB, 2 * MiB, 0xb);
	{
		struct dcd_event ev = add_tagged(0, 2 * MiB, false, 0xb, 0);

		run_chain(&ev, 1, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_TAG_REUSED,
				 "tag of an accepted group from an earlier chain is rejected");
		ev = add_tagged(100 * MiB, 2 * MiB, false, 0xb, 0);
		run_chain(&ev, 1, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_DUPLICATE,
				 "replayed tagged extent is a duplicate, not a tag reuse");
		ev = add_tagged(100 * MiB, 2 * MiB, false, 0xc, 0);
		run_chain(&ev, 1, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_OVERLAP,
				 "same range with another tag is an overlap");
	}

	/* sharable region 0, whole-device committed range for the span test */
	reset_all();
	ctx = ctx_default();
	ctx.sharable = 0x1;
	{
		struct dcd_event ev = add_tagged(0, 2 * MiB, false, 0, 0);

		run_chain(&ev, 1, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_NULL_TAG_SHARED,
				 "null tag on a sharable region is rejected");
	}
	{
		struct dcd_event evs[3] = {
			add_tagged(0, 2 * MiB, true, 0xd, 0),
			add_tagged(4 * MiB, 2 * MiB, true, 0xd, 1),
			add_tagged(8 * MiB, 2 * MiB, false, 0xd, 2),
		};

		run_chain(evs, 3, &ctx);
		ksft_test_result(chain->nr_accept == 3,
				 "sharable: sequence 0, 1, 2 in offer order is accepted");
		evs[1].ext.seq = 2;
		evs[2].ext.seq = 1;
		run_chain(evs, 3, &ctx);
		ksft_test_result(chain->nr_accept == 0 &&
				 chain->verdict[0] == DCD_REJ_SEQ_ORDER,
				 "sharable: sequence out of offer order rejects the group");
		evs[1].ext.seq = 2;
		evs[2].ext.seq = 3;
		run_chain(evs, 3, &ctx);
		ksft_test_result(chain->nr_accept == 0 &&
				 chain->verdict[2] == DCD_REJ_SEQ_ORDER,
				 "sharable: a gap in the sequence rejects the group");
		evs[0].ext.seq = 1;
		evs[1].ext.seq = 2;
		evs[2].ext.seq = 3;
		run_chain(evs, 3, &ctx);
		ksft_test_result(chain->nr_accept == 0,
				 "sharable: a sequence starting at 1 rejects the group");
		evs[0].ext.seq = 0;
		evs[1].ext.seq = 0;
		evs[2].ext.seq = 1;
		run_chain(evs, 3, &ctx);
		ksft_test_result(chain->nr_accept == 0,
				 "sharable: a duplicate sequence number rejects the group");
	}
	{
		static const struct dcd_range all[] = { { 0, 512 * MiB } };
		struct dcd_event evs[2] = {
			add_tagged(0, 2 * MiB, true, 0xe, 0),
			add_tagged(256 * MiB, 2 * MiB, false, 0xe, 0),
		};

		ctx = ctx_default();
		ctx.committed = all;
		run_chain(evs, 2, &ctx);
		ksft_test_result(chain->nr_accept == 0 &&
				 chain->verdict[0] == DCD_REJ_TAG_SPAN &&
				 chain->verdict[1] == DCD_REJ_TAG_SPAN,
				 "one tag spanning two DC regions is rejected");
	}
}

/* Host-wide tags: a fake "other memdevs" table behind ctx.tag_taken */
static u8 foreign_tags[4];
static unsigned int foreign_calls;

static bool fake_tag_taken(const u8 *tag, void *arg)
{
	const u8 *tags = arg;
	unsigned int i;

	foreign_calls++;
	for (i = 0; i < sizeof(foreign_tags); i++)
		if (tags[i] && tag[0] == tags[i])
			return true;
	return false;
}

static void test_foreign_tags(void)
{
	struct dcd_validate_ctx ctx;

	reset_all();
	memset(foreign_tags, 0, sizeof(foreign_tags));
	foreign_tags[0] = 0x21;		/* held by "another memdev" */
	ctx = ctx_default();
	ctx.tag_taken = fake_tag_taken;
	ctx.tag_arg = foreign_tags;
	{
		struct dcd_event ev = add_tagged(0, 2 * MiB, false, 0x21, 0);

		run_chain(&ev, 1, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_TAG_FOREIGN &&
				 chain->nr_accept == 0 && chain->nr_reject == 1,
				 "tag held by another memdev is rejected (host-wide)");
	}
	{
		struct dcd_event evs[3] = {
			add_tagged(0, 2 * MiB, true, 0x21, 0),
			add_tagged(4 * MiB, 2 * MiB, true, 0x22, 0),
			add_tagged(8 * MiB, 2 * MiB, false, 0x21, 0),
		};

		run_chain(evs, 3, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_TAG_FOREIGN &&
				 chain->verdict[1] == DCD_REJ_NONE &&
				 chain->verdict[2] == DCD_REJ_TAG_FOREIGN &&
				 chain->nr_accept == 1,
				 "foreign tag rejects its whole group, another tag is accepted");
	}
	{
		u8 buf[PAYLOAD];
		struct dcd_update_extent_in *rsp = (void *)buf;
		struct dcd_event evs[2] = {
			add_tagged(0, 2 * MiB, true, 0x21, 0),
			add_tagged(4 * MiB, 2 * MiB, false, 0x23, 0),
		};

		run_chain(evs, 2, &ctx);
		ksft_test_result(dcd_add_rsp_build(chain, buf, sizeof(buf)) > 0 &&
				 le32_to_cpu(rsp->count) == 1 &&
				 le64_to_cpu(rsp->extent[0].dpa) == 4 * MiB,
				 "foreign-tagged extent is left out of the Add Response");
	}
	{
		struct dcd_event evs[3] = {
			add_tagged(0, 2 * MiB, true, 0, 0),
			add_tagged(4 * MiB, 2 * MiB, true, 0, 0),
			add_tagged(8 * MiB, 2 * MiB, false, 0, 0),
		};

		foreign_calls = 0;
		run_chain(evs, 3, &ctx);
		ksft_test_result(chain->nr_accept == 3 && foreign_calls == 0,
				 "null tags are never looked up host-wide");
	}
	{
		struct dcd_event ev = add_tagged(0, 2 * MiB, false, 0x24, 0);

		foreign_calls = 0;
		run_chain(&ev, 1, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_NONE && foreign_calls == 1,
				 "a tag no memdev holds is accepted after one host-wide lookup");
	}
	/* held locally and elsewhere: the local reason wins, no lookup */
	accept_into_set(100 * MiB, 2 * MiB, 0x21);
	{
		struct dcd_event ev = add_tagged(0, 2 * MiB, false, 0x21, 0);

		foreign_calls = 0;
		run_chain(&ev, 1, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_TAG_REUSED && foreign_calls == 0,
				 "tag held on this memdev stays a local reuse (no host lookup)");
		ev = add_tagged(100 * MiB, 2 * MiB, false, 0x21, 0);
		run_chain(&ev, 1, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_DUPLICATE,
				 "replay of this memdev's tagged extent stays a duplicate");
	}
	ctx.tag_taken = NULL;
	{
		struct dcd_event ev = add_tagged(0, 2 * MiB, false, 0x22, 0);

		foreign_tags[1] = 0x22;
		run_chain(&ev, 1, &ctx);
		ksft_test_result(chain->verdict[0] == DCD_REJ_NONE,
				 "no tag_taken hook: no host-wide check");
	}
	reset_all();
}

static void test_chain_staging(void)
{
	struct dcd_validate_ctx ctx;
	struct dcd_event ev;
	unsigned int i;
	int rc;

	reset_all();
	ctx = ctx_default();
	ev = add_ev(0, 2 * MiB, true);
	rc = dcd_chain_stage(chain, &ev, 100);
	ksft_test_result(rc == DCD_CHAIN_OPEN && chain->open && chain->nr == 1,
			 "record with More leaves the chain open");
	ksft_test_result(!dcd_chain_expired(chain, 119, 20) &&
			 dcd_chain_expired(chain, 120, 20),
			 "open chain expires 20 units after its last record");
	ev = add_ev(2 * MiB, 2 * MiB, true);
	dcd_chain_stage(chain, &ev, 115);
	ksft_test_result(!dcd_chain_expired(chain, 130, 20),
			 "each record re-arms the timeout");
	dcd_chain_close(chain);
	ksft_test_result(chain->closed && !chain->open && !dcd_chain_expired(chain, 999, 20),
			 "closing an expired chain stops the timeout");
	dcd_chain_validate(chain, &ctx);
	ksft_test_result(chain->nr_accept == 2 && dcd_chain_needs_response(chain),
			 "timed-out chain: staged extents validated, response owed");
	{
		static u8 buf[PAYLOAD];
		struct dcd_update_extent_in *rsp = (void *)buf;
		size_t bytes = dcd_add_rsp_build(chain, buf, PAYLOAD);

		ksft_test_result(bytes == sizeof(*rsp) + 2 * sizeof(rsp->extent[0]) &&
				 le32_to_cpu(rsp->count) == 2 &&
				 le64_to_cpu(rsp->extent[1].dpa) == 2 * MiB,
				 "timed-out chain: its valid extents are accepted in the response");
	}

	dcd_chain_reset(chain);
	ksft_test_result(!dcd_chain_needs_response(chain) && !dcd_chain_expired(chain, ~0ULL, 1),
			 "empty chain: no response, never expires");
	dcd_chain_close(chain);
	ksft_test_result(!chain->closed, "closing an empty chain does nothing");

	ev = add_ev(0, 2 * MiB, false);
	rc = dcd_chain_stage(chain, &ev, ~0ULL - 5);
	ksft_test_result(rc == DCD_CHAIN_CLOSED && !chain->open,
			 "record without More closes the chain");
	ev = add_ev(0, 2 * MiB, true);
	dcd_chain_stage(chain, &ev, ~0ULL - 5);
	ksft_test_result(chain->nr == 1 && chain->open &&
			 !dcd_chain_expired(chain, 5, 20) && dcd_chain_expired(chain, 15, 20),
			 "staging after a close starts a new chain; clock wrap is safe");

	ev.type = DCD_EV_RELEASE;
	ksft_test_result(dcd_chain_stage(chain, &ev, 0) == -EINVAL && chain->nr == 1,
			 "release records are not staged");

	/* cap: DCD_CHAIN_MAX + 10 records */
	dcd_chain_reset(chain);
	for (i = 0; i < DCD_CHAIN_MAX + 10; i++) {
		ev = add_ev((u64)i * 2 * MiB % (256 * MiB), 2 * MiB,
			    i + 1 < DCD_CHAIN_MAX + 10);
		rc = dcd_chain_stage(chain, &ev, i);
	}
	ksft_test_result(rc == DCD_CHAIN_CLOSED && chain->nr == DCD_CHAIN_MAX &&
			 chain->nr_records == DCD_CHAIN_MAX + 10,
			 "chain cap: 512 staged, 10 more counted");
	dcd_chain_validate(chain, &ctx);
	ksft_test_result(chain->nr_accept == 85 && chain->nr_reject == DCD_CHAIN_MAX + 10 - 85,
			 "over-long chain: first 85 accepted, the rest rejected");
	ksft_test_result(chain->verdict[85] == DCD_REJ_RSP_FULL &&
			 chain->verdict[128] == DCD_REJ_OVERLAP_STAGED,
			 "records past the response size are rejected as response full");
}

static void test_response(void)
{
	static u8 buf[PAYLOAD];
	struct dcd_update_extent_in *in = (void *)buf;
	struct dcd_validate_ctx ctx;
	struct dcd_event evs[5];
	unsigned int i;
	size_t n;

	reset_all();
	accept_into_set(20 * MiB, 2 * MiB, 0);
	ctx = ctx_default();
	evs[0] = add_ev(40 * MiB, 4 * MiB, true);
	evs[1] = add_ev(1 * MiB, 2 * MiB, true);	/* misaligned */
	evs[2] = add_ev(10 * MiB, 2 * MiB, true);
	evs[3] = add_ev(20 * MiB, 2 * MiB, true);	/* duplicate */
	evs[4] = add_ev(4 * MiB, 2 * MiB, false);
	run_chain(evs, 5, &ctx);
	n = dcd_add_rsp_build(chain, buf, PAYLOAD);
	ksft_test_result(n == 8 + 3 * 24 && le32_to_cpu(in->count) == 3 && in->flags == 0,
			 "partial acceptance: 3 of 5 listed, no More flag");
	ksft_test_result(le64_to_cpu(in->extent[0].dpa) == 40 * MiB &&
			 le64_to_cpu(in->extent[0].length) == 4 * MiB &&
			 le64_to_cpu(in->extent[1].dpa) == 10 * MiB &&
			 le64_to_cpu(in->extent[2].dpa) == 4 * MiB,
			 "response lists the accepted extents in offer order");
	ksft_test_result(chain->nr_dup == 1 && chain->nr_reject == 1,
			 "the duplicate is not listed and not counted as rejected");

	/* tagged groups interleaved: response still in offer order */
	{
		struct dcd_event t[3] = {
			add_tagged(60 * MiB, 2 * MiB, true, 0xa, 0),
			add_tagged(62 * MiB, 2 * MiB, true, 0xb, 0),
			add_tagged(64 * MiB, 2 * MiB, false, 0xa, 0),
		};

		run_chain(t, 3, &ctx);
		dcd_add_rsp_build(chain, buf, PAYLOAD);
		ksft_test_result(le32_to_cpu(in->count) == 3 &&
				 le64_to_cpu(in->extent[0].dpa) == 60 * MiB &&
				 le64_to_cpu(in->extent[1].dpa) == 62 * MiB &&
				 le64_to_cpu(in->extent[2].dpa) == 64 * MiB,
				 "groups A1 B1 A2 are answered A1 B1 A2, not regrouped");
	}

	/* all rejected: empty response still owed to the device */
	evs[0] = add_ev(GiB, 2 * MiB, false);
	run_chain(evs, 1, &ctx);
	n = dcd_add_rsp_build(chain, buf, PAYLOAD);
	ksft_test_result(n == 8 && le32_to_cpu(in->count) == 0 &&
			 dcd_chain_needs_response(chain),
			 "all rejected: an empty response rejects the whole group");

	/* 90 valid extents: 85 in the response */
	{
		static struct dcd_event many[90];

		for (i = 0; i < 90; i++)
			many[i] = add_ev(i * 2 * MiB, 2 * MiB, i < 89);
		dcd_extent_set_init(set, 512);
		run_chain(many, 90, &ctx);
		n = dcd_add_rsp_build(chain, buf, PAYLOAD);
		ksft_test_result(n == 2048 && le32_to_cpu(in->count) == 85 &&
				 le64_to_cpu(in->extent[84].dpa) == 84 * 2 * MiB,
				 "90 offered: 85 fill the 2048-byte response exactly");
		ksft_test_result(chain->verdict[85] == DCD_REJ_RSP_FULL &&
				 chain->verdict[89] == DCD_REJ_RSP_FULL,
				 "extents 86..90 are rejected as response full");
		ksft_test_result(dcd_add_rsp_build(chain, buf, 2000) == 0,
				 "a payload too small for the accepted list builds nothing");
	}
	/* a tag group that does not fit is rejected whole */
	{
		static struct dcd_event many[90];

		for (i = 0; i < 90; i++)
			many[i] = add_tagged(i * 2 * MiB, 2 * MiB, i < 89,
					     i >= 80 ? 0x7 : 0, 0);
		run_chain(many, 90, &ctx);
		ksft_test_result(chain->nr_accept == 80 &&
				 chain->verdict[80] == DCD_REJ_RSP_FULL,
				 "a tag group that does not fit the response is rejected whole");
	}
}

static void test_release(void)
{
	static u8 buf[PAYLOAD];
	struct dcd_update_extent_in *in = (void *)buf;
	struct dcd_range r[100];
	struct dcd_event ev;
	u32 slots[8], n, used, i;
	size_t bytes;

	reset_all();
	accept_into_set(0, 4 * MiB, 0);		/* slot 0 */
	accept_into_set(4 * MiB, 4 * MiB, 0);	/* slot 1 */
	accept_into_set(16 * MiB, 8 * MiB, 0);	/* slot 2 */

	n = dcd_release_match(set, 16 * MiB, 8 * MiB, slots, 8);
	ksft_test_result(n == 1 && slots[0] == 2, "exact release range matches its extent");
	n = dcd_release_match(set, 18 * MiB, 2 * MiB, slots, 8);
	ksft_test_result(n == 1 && slots[0] == 2,
			 "partial release range releases the whole extent");
	n = dcd_release_match(set, 2 * MiB, 4 * MiB, slots, 8);
	ksft_test_result(n == 2 && slots[0] == 0 && slots[1] == 1,
			 "release range spanning two extents matches both");
	n = dcd_release_match(set, 10 * MiB, 2 * MiB, slots, 8);
	ksft_test_result(n == 0, "release of an unknown range matches nothing");
	n = dcd_release_match(set, 0, 0, slots, 8);
	ksft_test_result(n == 0, "zero-length release matches nothing");
	n = dcd_release_match(set, 0, 32 * MiB, slots, 1);
	ksft_test_result(n == 3 && slots[0] == 0, "match count exceeds the slot array");
	{
		static u32 all[DCD_EXTENTS_MAX];

		reset_all();
		for (i = 0; i < 100; i++)
			accept_into_set(i * 2 * MiB, 2 * MiB, 0);
		n = dcd_release_match(set, 0, 200 * MiB, all, DCD_EXTENTS_MAX);
		for (i = 0; i < n && all[i] == i; i++)
			;
		ksft_test_result(n == 100 && i == 100,
				 "release range over 100 extents matches all of them");
		reset_all();
		accept_into_set(0, 4 * MiB, 0);
		accept_into_set(4 * MiB, 4 * MiB, 0);
		accept_into_set(16 * MiB, 8 * MiB, 0);
	}

	ev = (struct dcd_event){ .type = DCD_EV_RELEASE };
	ev.ext.dpa = 4 * MiB;
	ev.ext.len = 2 * MiB;
	n = dcd_release_mark(set, &ev, slots, 8);
	ksft_test_result(n == 1 && set->slot[1].state == DCD_EXT_RELEASE_PENDING &&
			 set->slot[0].state == DCD_EXT_ACCEPTED,
			 "release marks the matched extent release-pending");
	ev.type = DCD_EV_FORCED_RELEASE;
	ev.ext.dpa = 0;
	ev.ext.len = 8 * MiB;
	n = dcd_release_mark(set, &ev, slots, 8);
	ksft_test_result(n == 2 && set->slot[0].state == DCD_EXT_FORCED &&
			 set->slot[1].state == DCD_EXT_FORCED,
			 "forced release marks extents for immediate teardown");
	ev.type = DCD_EV_RELEASE;
	dcd_release_mark(set, &ev, slots, 8);
	ksft_test_result(set->slot[0].state == DCD_EXT_FORCED,
			 "a later release does not downgrade a forced mark");
	ev.type = DCD_EV_ADD;
	ksft_test_result(dcd_release_mark(set, &ev, slots, 8) == 0,
			 "add record is not a release");

	dcd_extent_set_remove(set, 1);
	ksft_test_result(set->nr == 2 && set->slot[1].state == DCD_EXT_FREE &&
			 dcd_extent_set_find(set, 16 * MiB, 8 * MiB) == 2,
			 "removal frees the slot, other slots keep their index");
	dcd_extent_set_remove(set, 1);
	dcd_extent_set_remove(set, 9999);
	ksft_test_result(set->nr == 2, "removing a free or bad slot is harmless");

	r[0] = (struct dcd_range){ 16 * MiB, 8 * MiB };
	bytes = dcd_release_build(buf, PAYLOAD, r, 1, &used);
	ksft_test_result(bytes == 32 && used == 1 && le32_to_cpu(in->count) == 1 &&
			 le64_to_cpu(in->extent[0].dpa) == 16 * MiB &&
			 le64_to_cpu(in->extent[0].length) == 8 * MiB,
			 "Release Dynamic Capacity payload for one extent");
	for (i = 0; i < 100; i++)
		r[i] = (struct dcd_range){ i * 2 * MiB, 2 * MiB };
	bytes = dcd_release_build(buf, PAYLOAD, r, 100, &used);
	ksft_test_result(bytes == 2048 && used == 85, "release payload capped at 85 entries");
	ksft_test_result(dcd_release_build(buf, PAYLOAD, r, 0, &used) == 0 && used == 0,
			 "never an empty release (QEMU answers Invalid Input)");
}

static void test_set(void)
{
	struct dcd_extent_set *s = calloc(1, dcd_extent_set_size(2));
	struct dcd_extent e = { .dpa = 0, .len = 2 * MiB };

	dcd_extent_set_init(s, 2);
	ksft_test_result(dcd_extent_set_insert(s, &e, 0, DCD_EXT_ACCEPTED) == 0 &&
			 dcd_extent_set_insert(s, &e, 0, DCD_EXT_ORPHAN) == 1 &&
			 dcd_extent_set_insert(s, &e, 0, DCD_EXT_ACCEPTED) == -ENOSPC,
			 "extent set refuses a third extent in two slots");
	ksft_test_result(dcd_extent_set_insert(s, &e, 0, DCD_EXT_FREE) == -EINVAL,
			 "inserting a free extent is refused");
	ksft_test_result(dcd_extent_set_size(DCD_EXTENTS_MAX + 5) ==
			 dcd_extent_set_size(DCD_EXTENTS_MAX), "set size is capped");
	free(s);
}

static void test_reconcile(void)
{
	struct dcd_extent dev[6] = {
		{ .dpa = 0, .len = 4 * MiB },		/* known */
		{ .dpa = 8 * MiB, .len = 2 * MiB },	/* adopt */
		{ .dpa = 300 * MiB, .len = 2 * MiB },	/* orphan: no region */
		{ .dpa = GiB, .len = 2 * MiB },		/* invalid: outside */
		{ .dpa = 40 * MiB + 4096, .len = 2 * MiB }, /* misaligned */
		{ .dpa = 2 * MiB, .len = 4 * MiB },	/* overlaps host */
	};
	struct dcd_recon_result res;
	static bool stale[512];
	u8 cls[6];

	reset_all();
	accept_into_set(0, 4 * MiB, 0);		/* slot 0: known */
	accept_into_set(100 * MiB, 2 * MiB, 0);	/* slot 1: stale */
	dcd_reconcile(set, dev, 6, &cfg, committed, 1, cls, stale, &res);
	ksft_test_result(cls[0] == DCD_RECON_KNOWN && res.nr_known == 1,
			 "reconcile: extent on both sides is known");
	ksft_test_result(cls[1] == DCD_RECON_ADOPT && res.nr_adopt == 1,
			 "reconcile: device-only extent in a committed region is adopted");
	ksft_test_result(cls[2] == DCD_RECON_ORPHAN && res.nr_orphan == 1,
			 "reconcile: device-only extent without a region is an orphan");
	ksft_test_result(cls[3] == DCD_RECON_INVALID && cls[4] == DCD_RECON_INVALID &&
			 cls[5] == DCD_RECON_INVALID && res.nr_invalid == 3,
			 "reconcile: outside, misaligned or overlapping extents are invalid");
	ksft_test_result(!stale[0] && stale[1] && !stale[2] && res.nr_stale == 1,
			 "reconcile: host-only extent is stale");
	dcd_reconcile(set, dev, 0, &cfg, committed, 1, cls, stale, &res);
	ksft_test_result(res.nr_stale == 2 && res.nr_known == 0,
			 "reconcile against an empty device list: all host extents stale");
}

/*
 * Issue 12 defect 6: overlapping entries of the device's own list were both
 * adopted (two DAX devices over one range). Failed before the fix.
 */
static void test_reconcile_overlap(void)
{
	struct dcd_extent dev[5] = {
		{ .dpa = 8 * MiB, .len = 4 * MiB },	/* overlaps [1] */
		{ .dpa = 10 * MiB, .len = 4 * MiB },	/* overlaps [0] */
		{ .dpa = 20 * MiB, .len = 2 * MiB },	/* duplicate of [3] */
		{ .dpa = 20 * MiB, .len = 2 * MiB },	/* duplicate of [2] */
		{ .dpa = 30 * MiB, .len = 2 * MiB },	/* alone: adopted */
	};
	struct dcd_recon_result res;
	static bool stale[512];
	u8 cls[5];

	reset_all();
	dcd_reconcile(set, dev, 5, &cfg, committed, 1, cls, stale, &res);
	ksft_test_result(cls[0] == DCD_RECON_INVALID && cls[1] == DCD_RECON_INVALID,
			 "reconcile: two overlapping device entries, neither adopted");
	ksft_test_result(cls[2] == DCD_RECON_INVALID && cls[3] == DCD_RECON_INVALID,
			 "reconcile: a device entry listed twice is not adopted twice");
	ksft_test_result(cls[4] == DCD_RECON_ADOPT && res.nr_adopt == 1 && res.nr_invalid == 4,
			 "reconcile: a lone device entry beside them is still adopted");
}

/* Track an extent with a tag and a sequence number, as adopted. */
static int track_seq(u64 dpa, u64 len, u8 tag, u16 seq)
{
	struct dcd_extent e = { .dpa = dpa, .len = len, .seq = seq };

	e.tag[0] = tag;
	return dcd_extent_set_insert(set, &e, 0, DCD_EXT_ACCEPTED);
}

/* Track the accepted records of the last validated chain, in offer order. */
static void track_chain(void)
{
	u32 i;

	for (i = 0; i < chain->nr; i++)
		if (chain->verdict[i] == DCD_REJ_NONE)
			dcd_extent_set_insert(set, &chain->ext[i],
					      chain->dc_region[i],
					      DCD_EXT_ACCEPTED);
}

/* Plan the group of the extent at @dpa; @nr gets its size. */
static enum dcd_grp plan_at(u64 dpa, u64 len, u32 *nr, struct dcd_range *span)
{
	static u32 slots[DCD_EXTENTS_MAX];
	int slot = dcd_extent_set_find(set, dpa, len);

	*nr = 0;
	if (slot < 0)
		return DCD_GRP_NR;
	*nr = dcd_group_members(set, slot, slots, DCD_EXTENTS_MAX);
	return dcd_group_plan(set, slots, *nr, committed, 1, span);
}

static void test_group_plan(void)
{
	struct dcd_validate_ctx ctx;
	struct dcd_range span;
	u32 slots[16], n, i;

	reset_all();
	ctx = ctx_default();
	{
		struct dcd_event evs[2] = {
			add_tagged(0, 64 * MiB, true, 0x31, 0),
			add_tagged(64 * MiB, 64 * MiB, false, 0x31, 0),
		};

		run_chain(evs, 2, &ctx);
		track_chain();
		ksft_test_result(plan_at(64 * MiB, 64 * MiB, &n, &span) == DCD_GRP_MERGED &&
				 n == 2 && span.start == 0 && span.len == 128 * MiB,
				 "contiguous group of 2: one DAX device over both");
	}

	reset_all();
	{
		static const u64 order[8] = { 5, 0, 7, 2, 1, 6, 3, 4 };
		struct dcd_event evs[8];

		/* non-sharable: offered in any order, laid out by DPA */
		for (i = 0; i < 8; i++)
			evs[i] = add_tagged(32 * MiB + order[i] * 2 * MiB,
					    2 * MiB, i < 7, 0x32, 0);
		run_chain(evs, 8, &ctx);
		track_chain();
		ksft_test_result(chain->nr_accept == 8 &&
				 plan_at(32 * MiB, 2 * MiB, &n, &span) == DCD_GRP_MERGED &&
				 n == 8 && span.start == 32 * MiB && span.len == 16 * MiB,
				 "contiguous group of 8 (non-sharable, any offer order): one device");
		n = dcd_group_members(set, dcd_extent_set_find(set, 46 * MiB,
							       2 * MiB),
				      slots, 16);
		for (i = 1; i < n; i++)
			if (set->slot[slots[i]].ext.dpa <=
			    set->slot[slots[i - 1]].ext.dpa)
				break;
		ksft_test_result(n == 8 && i == 8, "non-sharable group members come in DPA order");
	}

	reset_all();
	ctx.sharable = 0x1;
	{
		struct dcd_event evs[8];

		for (i = 0; i < 8; i++)
			evs[i] = add_tagged(i * 4 * MiB, 4 * MiB, i < 7, 0x33, i);
		run_chain(evs, 8, &ctx);
		track_chain();
		ksft_test_result(chain->nr_accept == 8 &&
				 plan_at(28 * MiB, 4 * MiB, &n, &span) == DCD_GRP_MERGED &&
				 n == 8 && span.len == 32 * MiB,
				 "sharable contiguous group of 8, sequence 0..7: one device");
	}
	ctx.sharable = 0;

	reset_all();
	{
		struct dcd_event evs[2] = {
			add_tagged(0, 2 * MiB, true, 0x34, 0),
			add_tagged(4 * MiB, 2 * MiB, false, 0x34, 0),
		};

		run_chain(evs, 2, &ctx);
		track_chain();
		ksft_test_result(chain->nr_accept == 2 &&
				 plan_at(0, 2 * MiB, &n, &span) == DCD_GRP_NOT_CONTIGUOUS &&
				 n == 2, "group with a hole: one device per extent");
	}

	/* out-of-order sequence (adopted: the device list order is arbitrary) */
	reset_all();
	track_seq(0, 2 * MiB, 0x35, 1);
	track_seq(2 * MiB, 2 * MiB, 0x35, 0);
	ksft_test_result(plan_at(0, 2 * MiB, &n, &span) == DCD_GRP_NOT_CONTIGUOUS,
			 "sequence 0 placed after sequence 1: not contiguous in sequence order");
	reset_all();
	track_seq(2 * MiB, 2 * MiB, 0x36, 1);
	track_seq(0, 2 * MiB, 0x36, 0);
	ksft_test_result(plan_at(2 * MiB, 2 * MiB, &n, &span) == DCD_GRP_MERGED &&
			 span.start == 0 && span.len == 4 * MiB,
			 "members listed out of sequence order are sorted: one device");
	reset_all();
	ctx.sharable = 0x1;
	{
		struct dcd_event evs[2] = {
			add_tagged(2 * MiB, 2 * MiB, true, 0x37, 1),
			add_tagged(0, 2 * MiB, false, 0x37, 0),
		};

		run_chain(evs, 2, &ctx);
		ksft_test_result(chain->nr_accept == 0 && chain->verdict[0] == DCD_REJ_SEQ_ORDER,
				 "fresh sharable group offered out of sequence order is rejected");
	}
	ctx.sharable = 0;

	/* duplicate and missing sequence numbers */
	reset_all();
	track_seq(0, 2 * MiB, 0x38, 0);
	track_seq(2 * MiB, 2 * MiB, 0x38, 0);
	track_seq(4 * MiB, 2 * MiB, 0x38, 1);
	ksft_test_result(plan_at(4 * MiB, 2 * MiB, &n, &span) == DCD_GRP_INCOMPLETE && n == 3,
			 "duplicate sequence number: one device per extent");
	reset_all();
	track_seq(0, 2 * MiB, 0x39, 0);
	track_seq(2 * MiB, 2 * MiB, 0x39, 2);
	ksft_test_result(plan_at(0, 2 * MiB, &n, &span) == DCD_GRP_INCOMPLETE,
			 "sequence 0, 2 (member 1 missing): incomplete, one device per extent");

	/* a tag cannot span chains: the group is the first chain's members */
	reset_all();
	{
		struct dcd_event evs[2] = {
			add_tagged(0, 2 * MiB, true, 0x3a, 0),
			add_tagged(2 * MiB, 2 * MiB, false, 0x3a, 0),
		};
		struct dcd_event late = add_tagged(4 * MiB, 2 * MiB, false,
						   0x3a, 0);

		run_chain(evs, 2, &ctx);
		track_chain();
		run_chain(&late, 1, &ctx);
		track_chain();
		ksft_test_result(chain->verdict[0] == DCD_REJ_TAG_REUSED &&
				 plan_at(0, 2 * MiB, &n, &span) == DCD_GRP_MERGED && n == 2 &&
				 span.len == 4 * MiB,
				 "group split across chains: the later part is rejected, the first stays one device");
	}

	/* mixed tagged and untagged extents in one chain */
	reset_all();
	{
		struct dcd_event evs[4] = {
			add_tagged(0, 2 * MiB, true, 0x3b, 0),
			add_tagged(2 * MiB, 2 * MiB, true, 0, 0),
			add_tagged(4 * MiB, 2 * MiB, true, 0x3b, 0),
			add_tagged(8 * MiB, 2 * MiB, false, 0, 0),
		};

		run_chain(evs, 4, &ctx);
		track_chain();
		ksft_test_result(chain->nr_accept == 4 &&
				 plan_at(4 * MiB, 2 * MiB, &n, &span) ==
				 DCD_GRP_NOT_CONTIGUOUS && n == 2 &&
				 plan_at(2 * MiB, 2 * MiB, &n, &span) == DCD_GRP_UNTAGGED &&
				 n == 1 && plan_at(8 * MiB, 2 * MiB, &n, &span) ==
				 DCD_GRP_UNTAGGED,
				 "mixed chain: untagged extent between members splits the group");
	}
	reset_all();
	{
		struct dcd_event evs[3] = {
			add_tagged(0, 2 * MiB, true, 0x3c, 0),
			add_tagged(8 * MiB, 2 * MiB, true, 0, 0),
			add_tagged(2 * MiB, 2 * MiB, false, 0x3c, 0),
		};

		run_chain(evs, 3, &ctx);
		track_chain();
		ksft_test_result(plan_at(0, 2 * MiB, &n, &span) == DCD_GRP_MERGED && n == 2 &&
				 span.len == 4 * MiB &&
				 plan_at(8 * MiB, 2 * MiB, &n, &span) == DCD_GRP_UNTAGGED,
				 "mixed chain: contiguous tagged members merge, untagged stays alone");
	}

	/* members in different committed regions */
	reset_all();
	track_seq(254 * MiB, 2 * MiB, 0x3d, 0);
	track_seq(256 * MiB, 2 * MiB, 0x3d, 0);
	ksft_test_result(plan_at(254 * MiB, 2 * MiB, &n, &span) == DCD_GRP_REGIONS,
			 "member outside the committed region: one device per extent");

	ksft_test_result(dcd_group_plan(set, slots, 0, committed, 1, &span) ==
			 DCD_GRP_INCOMPLETE, "empty group is never merged");
	reset_all();
	for (i = 0; i < 20; i++)
		track_seq(i * 2 * MiB, 2 * MiB, 0x3e, 0);
	ksft_test_result(dcd_group_members(set, 0, slots, 16) == 20,
			 "group larger than the slot array reports its full size");
	ksft_test_result(strcmp(dcd_grp_name(DCD_GRP_MERGED), dcd_grp_name(DCD_GRP_REGIONS)) &&
			 !strcmp(dcd_grp_name(DCD_GRP_NOT_CONTIGUOUS), "not-contiguous") &&
			 !strcmp(dcd_grp_name(99), "unknown"), "group plan names");
	reset_all();
}

static void test_group_release(void)
{
	struct dcd_event ev = { .type = DCD_EV_RELEASE };
	u32 slots[16], n;
	int a, b, c, u;

	reset_all();
	a = track_seq(0, 2 * MiB, 0x41, 0);
	u = track_seq(16 * MiB, 2 * MiB, 0, 0);
	b = track_seq(2 * MiB, 2 * MiB, 0x41, 0);
	c = track_seq(4 * MiB, 2 * MiB, 0x41, 0);

	n = dcd_release_match(set, 2 * MiB, 2 * MiB, slots, 16);
	ksft_test_result(n == 1 && slots[0] == (u32)b, "partial group release names one member");
	n = dcd_release_expand(set, slots, n, 16);
	ksft_test_result(n == 3 && slots[0] == (u32)b &&
			 ((slots[1] == (u32)a && slots[2] == (u32)c) ||
			  (slots[1] == (u32)c && slots[2] == (u32)a)),
			 "partial group release expands to the whole group, named member first");

	n = dcd_release_match(set, 0, 6 * MiB, slots, 16);
	ksft_test_result(n == 3, "release of the whole group names all three");
	ksft_test_result(dcd_release_expand(set, slots, n, 16) == 3,
			 "whole-group release adds nothing twice");

	n = dcd_release_match(set, 16 * MiB, 2 * MiB, slots, 16);
	ksft_test_result(dcd_release_expand(set, slots, n, 16) == 1 && slots[0] == (u32)u,
			 "untagged release is not expanded");

	n = dcd_release_match(set, 0, 2 * MiB, slots, 1);
	ksft_test_result(dcd_release_expand(set, slots, n, 1) == 3,
			 "expansion beyond the slot array reports the full count");

	ev.ext.dpa = 4 * MiB;
	ev.ext.len = 2 * MiB;
	n = dcd_release_mark(set, &ev, slots, 16);
	ksft_test_result(n == 3 && set->slot[a].state == DCD_EXT_RELEASE_PENDING &&
			 set->slot[b].state == DCD_EXT_RELEASE_PENDING &&
			 set->slot[c].state == DCD_EXT_RELEASE_PENDING &&
			 set->slot[u].state == DCD_EXT_ACCEPTED,
			 "release of one member marks the whole group pending, not others");

	reset_all();
	a = track_seq(0, 2 * MiB, 0x42, 0);
	b = track_seq(2 * MiB, 2 * MiB, 0x42, 0);
	ev.type = DCD_EV_FORCED_RELEASE;
	ev.ext.dpa = 2 * MiB;
	n = dcd_release_mark(set, &ev, slots, 16);
	ksft_test_result(n == 2 && set->slot[b].state == DCD_EXT_FORCED &&
			 set->slot[a].state == DCD_EXT_RELEASE_PENDING,
			 "forced release of one member: ordinary release for the rest");
	reset_all();
}

static void test_group_adopt(void)
{
	/* the device's list after a reload, in its own order */
	struct dcd_extent dev[5] = {
		{ .dpa = 12 * MiB, .len = 4 * MiB, .seq = 2 },
		{ .dpa = 0, .len = 4 * MiB },
		{ .dpa = 4 * MiB, .len = 4 * MiB, .seq = 0 },
		{ .dpa = 8 * MiB, .len = 4 * MiB, .seq = 1 },
		{ .dpa = 300 * MiB, .len = 2 * MiB },
	};
	struct dcd_recon_result res;
	static bool stale[512];
	struct dcd_range span;
	u8 cls[5];
	u32 i, n;

	dev[0].tag[0] = 0x51;
	dev[2].tag[0] = 0x51;
	dev[3].tag[0] = 0x51;
	dev[4].tag[0] = 0x52;
	reset_all();
	dcd_reconcile(set, dev, 5, &cfg, committed, 1, cls, stale, &res);
	for (i = 0; i < 5; i++)
		if (cls[i] == DCD_RECON_ADOPT || cls[i] == DCD_RECON_ORPHAN)
			dcd_extent_set_insert(set, &dev[i], 0,
					      cls[i] == DCD_RECON_ADOPT ?
					      DCD_EXT_ACCEPTED : DCD_EXT_ORPHAN);
	ksft_test_result(res.nr_adopt == 4 && res.nr_orphan == 1,
			 "reload: the group's extents are adopted");
	ksft_test_result(plan_at(8 * MiB, 4 * MiB, &n, &span) == DCD_GRP_MERGED && n == 3 &&
			 span.start == 4 * MiB && span.len == 12 * MiB,
			 "adopted group regroups into one device in sequence order");
	ksft_test_result(plan_at(0, 4 * MiB, &n, &span) == DCD_GRP_UNTAGGED,
			 "adopted untagged extent keeps its own device");
	ksft_test_result(plan_at(300 * MiB, 2 * MiB, &n, &span) == DCD_GRP_REGIONS,
			 "orphan tagged extent (no region) gets no merged device");
	reset_all();
}

int main(void)
{
	set = calloc(1, dcd_extent_set_size(512));
	chain = calloc(1, sizeof(*chain));
	ksft_print_header();
	if (!set || !chain)
		ksft_exit_fail_msg("out of memory\n");
	ksft_set_plan(166);
	setup_cfg(2 * MiB);
	test_layouts();
	test_record_parse();
	test_batch_parse();
	test_clear_build();
	test_extlist();
	test_range_helpers();
	test_validation_reasons();
	test_tags();
	test_foreign_tags();
	test_chain_staging();
	test_response();
	test_release();
	test_set();
	test_reconcile();
	test_reconcile_overlap();
	test_group_plan();
	test_group_release();
	test_group_adopt();
	free(set);
	free(chain);
	ksft_finished();
}
