// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <asm/byteorder.h>
#include "logic.h"

/**
 * DOC: cxl-dcd config
 *
 * Pure parsing and validation of Get Dynamic Capacity Configuration output
 * (CXL r3.1 8.2.9.9.9.1). Nothing here touches a device, allocates or logs:
 * the caller sends the command, hands each returned page to
 * dcd_config_parse_page() and finally calls dcd_config_finish(). Every field
 * the device returns is checked before it is trusted, and the first anomaly
 * is reported as a &struct dcd_cfg_status the caller turns into one log line.
 * The same file builds into the host unit tests (selftests/host/).
 */

/**
 * dcd_config_init() - reset a configuration before reading it
 * @cfg: configuration to reset
 *
 * Context: any context.
 */
void dcd_config_init(struct dcd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

/**
 * dcd_config_out_size() - bytes of Get DC Configuration output for @nr records
 * @nr: number of region records
 *
 * Context: any context.
 * Return: header + @nr records + trailer, in bytes.
 */
size_t dcd_config_out_size(unsigned int nr)
{
	return sizeof(struct dcd_get_dc_config_out) +
	       (size_t)nr * sizeof(struct dcd_dc_region_rec) +
	       sizeof(struct dcd_get_dc_config_trailer);
}

static int dcd_cfg_fail(struct dcd_cfg_status *st, enum dcd_cfg_err err,
			int region)
{
	st->err = err;
	st->region = region;
	return -EINVAL;
}

/* Check one record on its own, and against the region before it. */
static enum dcd_cfg_err dcd_check_region(const struct dcd_dc_region_rec *rec,
					 const struct dcd_region *prev,
					 struct dcd_region *r)
{
	u64 units = le64_to_cpu(rec->decode_length);
	u64 last;

	r->base = le64_to_cpu(rec->base);
	r->len = le64_to_cpu(rec->length);
	r->block_size = le64_to_cpu(rec->block_size);
	r->dsmad_handle = le32_to_cpu(rec->dsmad_handle);
	r->flags = rec->flags;

	if (r->base & (DCD_DECODE_UNIT - 1))
		return DCD_CFG_BASE_ALIGN;
	if (!units)
		return DCD_CFG_DECODE_ZERO;
	if (units > (~0ULL >> DCD_DECODE_UNIT_SHIFT))
		return DCD_CFG_DECODE_OVERFLOW;
	r->decode_len = units << DCD_DECODE_UNIT_SHIFT;
	if (!r->len)
		return DCD_CFG_LEN_ZERO;
	if (!is_power_of_2(r->block_size))
		return DCD_CFG_BLOCK_POW2;
	if (r->block_size < DCD_MIN_BLOCK_SIZE)
		return DCD_CFG_BLOCK_SMALL;
	if (r->base & (r->block_size - 1))
		return DCD_CFG_BASE_BLOCK_ALIGN;
	if (r->len & (r->block_size - 1))
		return DCD_CFG_LEN_BLOCK;
	if (r->decode_len < r->len)
		return DCD_CFG_DECODE_SHORT;
	/* the region may end at 2^64 exactly: check its last byte */
	if (check_add_overflow(r->base, r->decode_len - 1, &last))
		return DCD_CFG_OVERFLOW;
	if (r->dsmad_handle > 0xff)
		return DCD_CFG_HANDLE;
	if (prev) {
		if (r->base < prev->base)
			return DCD_CFG_ORDER;
		/* prev's last byte was checked not to overflow */
		if (r->base <= prev->base + (prev->decode_len - 1))
			return DCD_CFG_OVERLAP;
	}
	return DCD_CFG_OK;
}

/**
 * dcd_config_parse_page() - validate one page of Get DC Configuration output
 * @cfg: configuration being read; dcd_config_init() before the first page
 * @start: starting region index sent in the request (must be @cfg->nr_read)
 * @requested: region count sent in the request
 * @payload: output payload as returned by the device
 * @bytes: number of bytes the device returned
 * @st: set to the first anomaly on failure
 *
 * Checks the header (region count 1..8, unchanged between pages, returned
 * count non-zero, not above what was asked or what is left, covered by
 * @bytes), every record and its order against the previous region, and
 * records the trailer. On success the records are appended to @cfg.
 *
 * Context: any context.
 * Return: number of regions added (> 0), or -EINVAL with @st set.
 * See CXL r3.1 8.2.9.9.9.1 Get Dynamic Capacity Configuration.
 */
int dcd_config_parse_page(struct dcd_config *cfg, unsigned int start,
			  unsigned int requested, const void *payload,
			  size_t bytes, struct dcd_cfg_status *st)
{
	const struct dcd_get_dc_config_out *out = payload;
	const struct dcd_get_dc_config_trailer *tr;
	struct dcd_region tmp[DCD_MAX_REGIONS];
	unsigned int avail, nr, i;

	st->err = DCD_CFG_OK;
	st->region = -1;

	if (bytes < sizeof(*out))
		return dcd_cfg_fail(st, DCD_CFG_SHORT_HEADER, -1);
	avail = out->avail_regions;
	nr = out->regions_returned;
	if (!avail)
		return dcd_cfg_fail(st, DCD_CFG_NO_REGIONS, -1);
	if (avail > DCD_MAX_REGIONS)
		return dcd_cfg_fail(st, DCD_CFG_TOO_MANY_REGIONS, -1);
	if (start != cfg->nr_read || (start && avail != cfg->nr_regions))
		return dcd_cfg_fail(st, DCD_CFG_AVAIL_CHANGED, -1);
	if (start >= avail)
		return dcd_cfg_fail(st, DCD_CFG_TOO_MANY_RETURNED, -1);
	if (!nr)
		return dcd_cfg_fail(st, DCD_CFG_NONE_RETURNED, -1);
	if (nr > requested || nr > avail - start)
		return dcd_cfg_fail(st, DCD_CFG_TOO_MANY_RETURNED, -1);
	if (bytes < dcd_config_out_size(nr))
		return dcd_cfg_fail(st, DCD_CFG_SHORT_RECORDS, -1);

	for (i = 0; i < nr; i++) {
		const struct dcd_region *prev = NULL;
		enum dcd_cfg_err err;

		if (i)
			prev = &tmp[i - 1];
		else if (start)
			prev = &cfg->region[start - 1];
		err = dcd_check_region(&out->region[i], prev, &tmp[i]);
		if (err)
			return dcd_cfg_fail(st, err, start + i);
	}

	tr = (const void *)&out->region[nr];
	cfg->nr_regions = avail;
	memcpy(&cfg->region[start], tmp, nr * sizeof(tmp[0]));
	cfg->nr_read = start + nr;
	cfg->total_extents = le32_to_cpu(tr->total_extents);
	cfg->avail_extents = le32_to_cpu(tr->avail_extents);
	cfg->total_tags = le32_to_cpu(tr->total_tags);
	cfg->avail_tags = le32_to_cpu(tr->avail_tags);
	return nr;
}

/**
 * dcd_config_finish() - final checks once all pages were parsed
 * @cfg: configuration read with dcd_config_parse_page()
 * @st: set to the anomaly on failure
 *
 * Context: any context.
 * Return: 0, or -EINVAL with @st set if regions are missing or the trailer
 * (extent and tag counts) is not sane.
 */
int dcd_config_finish(const struct dcd_config *cfg, struct dcd_cfg_status *st)
{
	st->err = DCD_CFG_OK;
	st->region = -1;

	if (!cfg->nr_regions || cfg->nr_read != cfg->nr_regions)
		return dcd_cfg_fail(st, DCD_CFG_INCOMPLETE, -1);
	if (!cfg->total_extents)
		return dcd_cfg_fail(st, DCD_CFG_NO_EXTENTS, -1);
	if (cfg->avail_extents > cfg->total_extents)
		return dcd_cfg_fail(st, DCD_CFG_EXTENTS_AVAIL, -1);
	if (cfg->avail_tags > cfg->total_tags)
		return dcd_cfg_fail(st, DCD_CFG_TAGS_AVAIL, -1);
	return 0;
}

/**
 * dcd_config_total_size() - total DC capacity of a validated configuration
 * @cfg: configuration accepted by dcd_config_finish()
 *
 * Context: any context.
 * Return: sum of the regions' usable lengths, in bytes. Cannot overflow:
 * the regions are ascending, non-overlapping and end below 2^64.
 */
u64 dcd_config_total_size(const struct dcd_config *cfg)
{
	u64 total = 0;
	unsigned int i;

	for (i = 0; i < cfg->nr_read; i++)
		total += cfg->region[i].len;
	return total;
}
