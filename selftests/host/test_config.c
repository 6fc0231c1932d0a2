// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
/*
 * test_config.c - host unit tests for drivers-cxl/config.c, the Get Dynamic
 * Capacity Configuration parser. Builds config.c as user-space code through
 * the shim in shim/ and prints TAP. Run with `make unit`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "logic.h"
#include "kselftest.h"

#define MiB (1ULL << 20)
#define PAGE_BYTES 2048


/* A device payload under construction: header, records, trailer. */
struct payload {
	u8 buf[PAGE_BYTES];
	size_t bytes;
};

struct rec {
	u64 base, decode_units, len, block;
	u32 handle;
	u8 flags;
};

/* QEMU 10.0, volatile-dc-memdev of 512M, num-dc-regions=2 */
static const struct rec qemu_dcd1[] = {
	{ 0, 1, 256 * MiB, 2 * MiB, 0, 0 },
	{ 256 * MiB, 1, 256 * MiB, 2 * MiB, 1, 0 },
};

static void build(struct payload *p, unsigned int avail, unsigned int nr,
		  const struct rec *r, u32 total_ext, u32 avail_ext,
		  u32 total_tags, u32 avail_tags)
{
	struct dcd_get_dc_config_out *out = (void *)p->buf;
	struct dcd_get_dc_config_trailer *tr;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	out->avail_regions = avail;
	out->regions_returned = nr;
	for (i = 0; i < nr; i++) {
		out->region[i].base = cpu_to_le64(r[i].base);
		out->region[i].decode_length = cpu_to_le64(r[i].decode_units);
		out->region[i].length = cpu_to_le64(r[i].len);
		out->region[i].block_size = cpu_to_le64(r[i].block);
		out->region[i].dsmad_handle = cpu_to_le32(r[i].handle);
		out->region[i].flags = r[i].flags;
	}
	tr = (void *)&out->region[nr];
	tr->total_extents = cpu_to_le32(total_ext);
	tr->avail_extents = cpu_to_le32(avail_ext);
	tr->total_tags = cpu_to_le32(total_tags);
	tr->avail_tags = cpu_to_le32(avail_tags);
	p->bytes = dcd_config_out_size(nr);
}

/* Parse one page holding every region, then finish; return the error. */
static enum dcd_cfg_err parse_one(const struct payload *p, unsigned int requested,
				  struct dcd_config *cfg, struct dcd_cfg_status *st)
{
	dcd_config_init(cfg);
	if (dcd_config_parse_page(cfg, 0, requested, p->buf, p->bytes, st) < 0)
		return st->err;
	if (dcd_config_finish(cfg, st))
		return st->err;
	return DCD_CFG_OK;
}

/* Parse @nr regions given as @r, all in one page; expect @want. */
static void expect(const char *desc, unsigned int avail, unsigned int nr,
		   const struct rec *r, enum dcd_cfg_err want, int want_region)
{
	struct dcd_cfg_status st;
	struct dcd_config cfg;
	struct payload p;
	enum dcd_cfg_err got;

	build(&p, avail, nr, r, 512, 512, 0, 0);
	got = parse_one(&p, DCD_MAX_REGIONS, &cfg, &st);
	ksft_test_result(got == want && (want == DCD_CFG_OK || st.region == want_region),
			 "%s is %s (%s%s, region %d)", desc,
			 want == DCD_CFG_OK ? "accepted" : "rejected",
			 want == DCD_CFG_OK ? "" : "reason: ",
			 dcd_config_strerror(got), st.region);
}

/* Copy the QEMU layout and change one field of one region. */
static const struct rec *qemu_with(unsigned int idx, struct rec change)
{
	static struct rec r[2];

	memcpy(r, qemu_dcd1, sizeof(r));
	r[idx] = change;
	return r;
}

static void test_qemu_layout(void)
{
	struct dcd_cfg_status st;
	struct dcd_config cfg;
	struct payload p;
	const struct dcd_region *r0 = &cfg.region[0], *r1 = &cfg.region[1];

	build(&p, 2, 2, qemu_dcd1, 512, 512, 0, 0);
	ksft_test_result(p.bytes == 104, "QEMU 2-region output is 104 bytes");
	ksft_test_result(parse_one(&p, DCD_MAX_REGIONS, &cfg, &st) == DCD_CFG_OK,
			 "QEMU 2-region layout is accepted");
	ksft_test_result(cfg.nr_regions == 2 && cfg.nr_read == 2, "QEMU layout has 2 regions");
	ksft_test_result(r0->base == 0 && r0->decode_len == 0x10000000 &&
			 r0->len == 0x10000000 && r0->block_size == 0x200000 &&
			 r0->dsmad_handle == 0 && r0->flags == 0,
			 "region0 is base 0, decode 0x10000000, len 0x10000000, block 0x200000, handle 0");
	ksft_test_result(r1->base == 0x10000000 && r1->decode_len == 0x10000000 &&
			 r1->len == 0x10000000 && r1->block_size == 0x200000 &&
			 r1->dsmad_handle == 1,
			 "region1 is base 0x10000000, len 0x10000000, handle 1");
	ksft_test_result(dcd_config_total_size(&cfg) == 0x20000000, "total DC size is 0x20000000");
	ksft_test_result(cfg.total_extents == 512 && cfg.avail_extents == 512 &&
			 cfg.total_tags == 0 && cfg.avail_tags == 0,
			 "trailer is 512/512 extents, 0/0 tags");
}

static void test_paged(void)
{
	struct dcd_cfg_status st;
	struct dcd_config cfg;
	struct payload p;
	int rc0, rc1, fin, rc;

	dcd_config_init(&cfg);
	build(&p, 2, 1, &qemu_dcd1[0], 512, 512, 0, 0);
	rc0 = dcd_config_parse_page(&cfg, 0, 1, p.buf, p.bytes, &st);
	build(&p, 2, 1, &qemu_dcd1[1], 512, 510, 0, 0);
	rc1 = dcd_config_parse_page(&cfg, 1, 1, p.buf, p.bytes, &st);
	fin = dcd_config_finish(&cfg, &st);
	ksft_test_result(rc0 == 1 && rc1 == 1 && fin == 0 && cfg.region[1].base == 0x10000000 &&
			 cfg.avail_extents == 510,
			 "one region per page is read in two pages");

	dcd_config_init(&cfg);
	build(&p, 2, 1, &qemu_dcd1[0], 512, 512, 0, 0);
	dcd_config_parse_page(&cfg, 0, 1, p.buf, p.bytes, &st);
	rc = dcd_config_finish(&cfg, &st);
	ksft_test_result(rc == -EINVAL && st.err == DCD_CFG_INCOMPLETE,
			 "stopping after the first of two pages is rejected (%s)",
			 dcd_config_strerror(st.err));

	dcd_config_init(&cfg);
	build(&p, 2, 1, &qemu_dcd1[0], 512, 512, 0, 0);
	dcd_config_parse_page(&cfg, 0, 1, p.buf, p.bytes, &st);
	build(&p, 3, 1, &qemu_dcd1[1], 512, 512, 0, 0);
	rc = dcd_config_parse_page(&cfg, 1, 1, p.buf, p.bytes, &st);
	ksft_test_result(rc == -EINVAL && st.err == DCD_CFG_AVAIL_CHANGED,
			 "region count changing between pages is rejected (%s)",
			 dcd_config_strerror(st.err));

	dcd_config_init(&cfg);
	build(&p, 2, 1, &qemu_dcd1[1], 512, 512, 0, 0);
	dcd_config_parse_page(&cfg, 0, 1, p.buf, p.bytes, &st);
	build(&p, 2, 1, &qemu_dcd1[0], 512, 512, 0, 0);
	rc = dcd_config_parse_page(&cfg, 1, 1, p.buf, p.bytes, &st);
	ksft_test_result(rc == -EINVAL && st.err == DCD_CFG_ORDER && st.region == 1,
			 "descending order across pages is rejected (%s)",
			 dcd_config_strerror(st.err));
}

static void test_header(void)
{
	enum dcd_cfg_err got;
	struct rec r9[9];
	struct dcd_cfg_status st;
	struct dcd_config cfg;
	struct payload p;
	unsigned int i;

	for (i = 0; i < 9; i++)
		r9[i] = (struct rec){ i * 256 * MiB, 1, 256 * MiB, 2 * MiB, i, 0 };
	expect("8 regions", 8, 8, r9, DCD_CFG_OK, -1);
	expect("0 regions", 0, 0, r9, DCD_CFG_NO_REGIONS, -1);
	expect("9 regions", 9, 9, r9, DCD_CFG_TOO_MANY_REGIONS, -1);
	expect("0 regions returned of 2", 2, 0, r9, DCD_CFG_NONE_RETURNED, -1);

	build(&p, 2, 2, qemu_dcd1, 512, 512, 0, 0);
	got = parse_one(&p, 1, &cfg, &st);
	ksft_test_result(got == DCD_CFG_TOO_MANY_RETURNED,
			 "2 regions returned when 1 was requested is rejected (%s)",
			 dcd_config_strerror(got));
	build(&p, 1, 2, qemu_dcd1, 512, 512, 0, 0);
	got = parse_one(&p, 8, &cfg, &st);
	ksft_test_result(got == DCD_CFG_TOO_MANY_RETURNED,
			 "2 regions returned of 1 available is rejected (%s)",
			 dcd_config_strerror(got));

	build(&p, 2, 2, qemu_dcd1, 512, 512, 0, 0);
	p.bytes = 7;
	got = parse_one(&p, 8, &cfg, &st);
	ksft_test_result(got == DCD_CFG_SHORT_HEADER,
			 "7-byte payload is rejected (%s)", dcd_config_strerror(got));
	p.bytes = 0;
	got = parse_one(&p, 8, &cfg, &st);
	ksft_test_result(got == DCD_CFG_SHORT_HEADER,
			 "empty payload is rejected (%s)", dcd_config_strerror(got));

	build(&p, 2, 2, qemu_dcd1, 512, 512, 0, 0);
	p.bytes -= 1;
	got = parse_one(&p, 8, &cfg, &st);
	ksft_test_result(got == DCD_CFG_SHORT_RECORDS,
			 "payload one byte short of count + trailer is rejected (%s)",
			 dcd_config_strerror(got));
	build(&p, 2, 1, qemu_dcd1, 512, 512, 0, 0);
	p.buf[1] = 2;	/* claims 2 records, carries 1 */
	got = parse_one(&p, 8, &cfg, &st);
	ksft_test_result(got == DCD_CFG_SHORT_RECORDS,
			 "returned count larger than the bytes returned is rejected (%s)",
			 dcd_config_strerror(got));
}

static void test_regions(void)
{
	const u64 top = ~0ULL & ~(256 * MiB - 1);

	expect("misaligned base", 2, 2,
	       qemu_with(1, (struct rec){ 384 * MiB, 1, 256 * MiB, 2 * MiB, 1, 0 }),
	       DCD_CFG_BASE_ALIGN, 1);
	expect("zero length", 2, 2,
	       qemu_with(0, (struct rec){ 0, 1, 0, 2 * MiB, 0, 0 }),
	       DCD_CFG_LEN_ZERO, 0);
	expect("zero decode length", 2, 2,
	       qemu_with(0, (struct rec){ 0, 0, 256 * MiB, 2 * MiB, 0, 0 }),
	       DCD_CFG_DECODE_ZERO, 0);
	expect("non-power-of-2 block size", 2, 2,
	       qemu_with(0, (struct rec){ 0, 1, 256 * MiB, 3 * MiB, 0, 0 }),
	       DCD_CFG_BLOCK_POW2, 0);
	expect("zero block size", 2, 2,
	       qemu_with(0, (struct rec){ 0, 1, 256 * MiB, 0, 0, 0 }),
	       DCD_CFG_BLOCK_POW2, 0);
	expect("32-byte block size", 2, 2,
	       qemu_with(0, (struct rec){ 0, 1, 256 * MiB, 32, 0, 0 }),
	       DCD_CFG_BLOCK_SMALL, 0);
	expect("64-byte block size", 2, 2,
	       qemu_with(0, (struct rec){ 0, 1, 256 * MiB, 64, 0, 0 }),
	       DCD_CFG_OK, -1);
	expect("base not aligned to a 512 MiB block", 2, 2,
	       qemu_with(1, (struct rec){ 256 * MiB, 2, 512 * MiB, 512 * MiB, 1, 0 }),
	       DCD_CFG_BASE_BLOCK_ALIGN, 1);
	expect("length not a multiple of the block size", 2, 2,
	       qemu_with(0, (struct rec){ 0, 1, 255 * MiB, 2 * MiB, 0, 0 }),
	       DCD_CFG_LEN_BLOCK, 0);
	expect("decode length below length", 2, 2,
	       qemu_with(0, (struct rec){ 0, 1, 258 * MiB, 2 * MiB, 0, 0 }),
	       DCD_CFG_DECODE_SHORT, 0);
	expect("length below decode length", 2, 2,
	       qemu_with(0, (struct rec){ 0, 1, 128 * MiB, 2 * MiB, 0, 0 }),
	       DCD_CFG_OK, -1);
	expect("overlapping regions", 2, 2,
	       qemu_with(0, (struct rec){ 0, 2, 256 * MiB, 2 * MiB, 0, 0 }),
	       DCD_CFG_OVERLAP, 1);
	expect("identical bases", 2, 2,
	       qemu_with(1, (struct rec){ 0, 1, 256 * MiB, 2 * MiB, 1, 0 }),
	       DCD_CFG_OVERLAP, 1);
	expect("descending regions", 2, 2,
	       qemu_with(0, (struct rec){ 512 * MiB, 1, 256 * MiB, 2 * MiB, 0, 0 }),
	       DCD_CFG_ORDER, 1);
	expect("base + decode length past 2^64", 1, 1,
	       (struct rec[]){ { top, 2, 256 * MiB, 2 * MiB, 0, 0 } },
	       DCD_CFG_OVERFLOW, 0);
	expect("region ending exactly at 2^64", 1, 1,
	       (struct rec[]){ { top, 1, 256 * MiB, 2 * MiB, 0, 0 } },
	       DCD_CFG_OK, -1);
	expect("decode length in units overflowing u64", 1, 1,
	       (struct rec[]){ { 0, 1ULL << 36, 256 * MiB, 2 * MiB, 0, 0 } },
	       DCD_CFG_DECODE_OVERFLOW, 0);
	expect("DSMAD handle 256", 2, 2,
	       qemu_with(1, (struct rec){ 256 * MiB, 1, 256 * MiB, 2 * MiB, 256, 0 }),
	       DCD_CFG_HANDLE, 1);
}

static void test_trailer(void)
{
	enum dcd_cfg_err got;
	struct dcd_cfg_status st;
	struct dcd_config cfg;
	struct payload p;

	build(&p, 2, 2, qemu_dcd1, 0, 0, 0, 0);
	got = parse_one(&p, 8, &cfg, &st);
	ksft_test_result(got == DCD_CFG_NO_EXTENTS,
			 "0 supported extents is rejected (%s)", dcd_config_strerror(got));
	build(&p, 2, 2, qemu_dcd1, 512, 513, 0, 0);
	got = parse_one(&p, 8, &cfg, &st);
	ksft_test_result(got == DCD_CFG_EXTENTS_AVAIL,
			 "more available than supported extents is rejected (%s)",
			 dcd_config_strerror(got));
	build(&p, 2, 2, qemu_dcd1, 512, 512, 0, 1);
	got = parse_one(&p, 8, &cfg, &st);
	ksft_test_result(got == DCD_CFG_TAGS_AVAIL,
			 "more available than supported tags is rejected (%s)",
			 dcd_config_strerror(got));
}

static void test_reasons(void)
{
	int i, j, distinct = 1;

	for (i = 1; i < DCD_CFG_NR_ERRORS; i++)
		for (j = i + 1; j < DCD_CFG_NR_ERRORS; j++)
			if (!strcmp(dcd_config_strerror(i), dcd_config_strerror(j)))
				distinct = 0;
	ksft_test_result(distinct, "every rejection has a distinct reason");
	ksft_test_result(!strcmp(dcd_config_strerror(DCD_CFG_NR_ERRORS), "unknown error") &&
			 !strcmp(dcd_config_strerror((enum dcd_cfg_err)-1), "unknown error"),
			 "out-of-range reasons read \"unknown error\"");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(44);
	test_qemu_layout();
	test_paged();
	test_header();
	test_regions();
	test_trailer();
	test_reasons();
	ksft_finished();
}
