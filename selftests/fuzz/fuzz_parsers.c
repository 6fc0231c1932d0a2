// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
/*
 * fuzz_parsers.c - libFuzzer target over the device-payload parsers of
 * drivers-cxl: DC event records, Get Event Records output, Get DC Extent
 * List pages, Get DC Configuration pages, and the chain/validation/response
 * path fed with whatever the parsers accept. The first input byte picks the
 * parser; the rest is the payload. Built with clang -fsanitize=fuzzer, or
 * with gcc and driver.c when libFuzzer is not available. See
 * Documentation/fuzzing.rst.
 */
#include <stdint.h>
#include <stdlib.h>

#include "logic.h"

#define PAYLOAD 2048

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dcd_chain chain;
static u8 setbuf[sizeof(struct dcd_extent_set) +
		 64 * sizeof(struct dcd_host_extent)];

static void fuzz_config(const u8 *p, size_t n)
{
	struct dcd_config cfg;
	struct dcd_cfg_status st;
	int rc;

	dcd_config_init(&cfg);
	rc = dcd_config_parse_page(&cfg, 0, 8, p, n, &st);
	if (rc > 0 && rc < 8 && n > 2)
		rc = dcd_config_parse_page(&cfg, rc, 8, p + 1, n - 1, &st);
	dcd_config_finish(&cfg, &st);
	dcd_config_strerror(st.err);
	if (cfg.nr_read)
		dcd_config_total_size(&cfg);
}

static void fuzz_extlist(const u8 *p, size_t n)
{
	static struct dcd_extent ext[600];
	struct dcd_extlist_acc acc;
	enum dcd_xl_err why;
	size_t half = n / 2;
	int rc;

	dcd_extlist_acc_init(&acc, ext, 600, 512);
	rc = dcd_extlist_acc_page(&acc, 50, p, half, &why);
	if (rc == 1)
		rc = dcd_extlist_acc_page(&acc, 50, p + half, n - half, &why);
	dcd_extlist_strerror(why);
	if (acc.nr > acc.cap || acc.nr > acc.total)
		abort();
}

/* Feed every record of an event payload through staging and validation. */
static void fuzz_events(u8 *p, size_t n, bool fix)
{
	static const struct dcd_range committed[] = {
		{ 0, 0x10000000 }, { 0x10000000, 0x8000000 },
	};
	struct dcd_extent_set *set = (void *)setbuf;
	struct dcd_validate_ctx ctx;
	struct dcd_event_batch b;
	struct dcd_config cfg;
	static u8 out[PAYLOAD];
	u32 slots[16];
	unsigned int i, j;

	dcd_config_init(&cfg);
	cfg.nr_regions = 2;
	cfg.nr_read = 2;
	cfg.region[0] = (struct dcd_region){ 0, 0x10000000, 0x10000000,
					     0x200000, 0, 0 };
	cfg.region[1] = (struct dcd_region){ 0x10000000, 0x10000000,
					     0x10000000, 0x10000, 1, 0 };
	cfg.total_extents = 512;
	ctx = (struct dcd_validate_ctx){
		.cfg = &cfg, .committed = committed, .nr_committed = 2,
		.set = set, .sharable = 2,
		.rsp_max = dcd_update_max_entries(PAYLOAD),
	};
	dcd_extent_set_init(set, 64);
	dcd_chain_reset(&chain);

	if (dcd_event_batch_parse(p, n, &b) != DCD_REC_OK)
		return;
	/* let most records through the UUID and length checks */
	for (i = 0; fix && i < b.nr; i++) {
		struct dcd_dc_event_rec *r = (void *)&p[32 + i * 128];

		memcpy(r->hdr.uuid, dcd_dc_event_uuid, 16);
		r->hdr.length = DCD_EVENT_RECORD_SIZE;
		r->event_type &= 3;
	}
	for (i = 0; i < b.nr; i++) {
		const void *rec = dcd_event_batch_record(&b, i);
		struct dcd_event ev;

		if (dcd_event_parse(rec, DCD_EVENT_RECORD_SIZE, &ev))
			continue;
		if (ev.type != DCD_EV_ADD) {
			dcd_release_mark(set, &ev, slots, 16);
			continue;
		}
		if (dcd_chain_stage(&chain, &ev, i) != DCD_CHAIN_CLOSED)
			continue;
		dcd_chain_validate(&chain, &ctx);
		if (dcd_add_rsp_build(&chain, out, PAYLOAD) == 0)
			abort();
		for (j = 0; j < chain.nr; j++)
			if (chain.verdict[j] == DCD_REJ_NONE &&
			    dcd_extent_set_insert(set, &chain.ext[j],
						  chain.dc_region[j],
						  DCD_EXT_ACCEPTED) < 0)
				abort();
		dcd_chain_reset(&chain);
	}
	/* every tracked group: plan it; a merged span is its members' sum */
	for (i = 0; i < set->cap; i++) {
		struct dcd_range span;
		u64 sum = 0;
		u32 nm;

		nm = dcd_group_members(set, i, slots, 16);
		if (!nm || nm > 16)
			continue;
		if (dcd_group_plan(set, slots, nm, committed, 2, &span) !=
		    DCD_GRP_MERGED)
			continue;
		for (j = 0; j < nm; j++)
			sum += set->slot[slots[j]].ext.len;
		if (span.len != sum ||
		    span.start != set->slot[slots[0]].ext.dpa)
			abort();
	}
	if (chain.open) {
		dcd_chain_close(&chain);
		dcd_chain_validate(&chain, &ctx);
		if (chain.nr_accept + chain.nr_dup + chain.nr_reject !=
		    chain.nr_records)
			abort();
	}
}

static void fuzz_record(const u8 *p, size_t n)
{
	struct dcd_event ev;

	dcd_event_parse(p, n, &ev);
	dcd_event_type_name(ev.type);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 copy[1 << 16];

	if (!size)
		return 0;
	switch (data[0] & 3) {
	case 0:
		fuzz_record(data + 1, size - 1);
		break;
	case 1:
		if (size - 1 > sizeof(copy))
			break;
		memcpy(copy, data + 1, size - 1);
		fuzz_events(copy, size - 1, data[0] & 4);
		break;
	case 2:
		fuzz_extlist(data + 1, size - 1);
		break;
	default:
		fuzz_config(data + 1, size - 1);
		break;
	}
	return 0;
}
