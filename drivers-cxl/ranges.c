// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/errno.h>
#include "logic.h"

/**
 * DOC: cxl-dcd ranges
 *
 * Pure logic (see logic.h): which DC region, or which of a list of ranges
 * (the committed regions' DPA spans), wholly contains a DPA range.
 */

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
