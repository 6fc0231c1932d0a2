// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: request validation. Every rule runs before anything is sent, so
 * a refused request leaves the device untouched. The rules and why:
 *
 *  V1 the device has DC regions (num-dc-regions > 0): QEMU refuses with
 *     "No dynamic capacity support from the device" otherwise.
 *  V2 num-dc-regions <= 8: QEMU 10.0 does not check it and writes past its
 *     8-entry regions[] array at realize; such a device's state is already
 *     corrupt, so we refuse to drive it at all.
 *  V3 region < num-dc-regions: QEMU says "region id is too large".
 *  V4 1..8 extents per request: the DC event log holds 8 records; more
 *     overflow it (records dropped while the pending group keeps every
 *     extent, so the host can never answer for the ones it did not see).
 *     An empty request is a no-op in QEMU and almost surely a mistake.
 *  V5 len > 0: "extent with 0 length is not allowed".
 *  V6 offset and len multiples of the region's block size (2 MiB in 10.0).
 *  V7 offset + len inside the region (checked without overflow).
 *  V8 no two extents of the request overlap: QEMU says "duplicate or
 *     overlapped extents are detected", and the host would see two offers
 *     of the same blocks.
 * Checks against the ledger (no double allocation, release only what was
 * granted, no second add while an offer is unanswered) are in txn.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "validate.h"

static int pick_from(const uint64_t *len, unsigned int n, unsigned int i, uint64_t left,
		     unsigned int depth, unsigned int max, unsigned int *pick,
		     unsigned long *budget)
{
	if (!left)
		return (int)depth;
	if (depth == max)
		return -1;
	for (; i < n; i++) {
		int r;

		if (!*budget)
			return -1;
		(*budget)--;
		if (!len[i] || len[i] > left)
			continue;
		pick[depth] = i;
		r = pick_from(len, n, i + 1, left - len[i], depth + 1, max, pick, budget);
		if (r >= 0)
			return r;
	}
	return -1;
}

unsigned int fm_pick_exact(const uint64_t *len, unsigned int n, uint64_t want,
			   unsigned int max, unsigned int *pick)
{
	unsigned long budget = 1000000;
	int r;

	if (!want || !max)
		return 0;
	r = pick_from(len, n, 0, want, 0, max, pick, &budget);
	return r > 0 ? (unsigned int)r : 0;
}

int fm_validate_device(const struct fm_geometry *g, const char *device, struct fm_err *e)
{
	unsigned int i;

	if (!g->nr_regions)
		return fm_seterr(e, -EINVAL, "%s: has no dynamic capacity (num-dc-regions 0)",
				 device);
	if (g->nr_regions > FM_MAX_REGIONS)
		return fm_seterr(e, -EINVAL, "%s: %u DC regions (max %d): QEMU 10.0 overflows "
				 "its region table; refusing to drive this device", device,
				 g->nr_regions, FM_MAX_REGIONS);
	for (i = 0; i < g->nr_regions; i++)
		if (!g->region[i].len || !g->region[i].block)
			return fm_seterr(e, -EINVAL, "%s: DC region %u has no length or block "
					 "size (a DC region count without volatile-dc-memdev?)",
					 device, i);
	return 0;
}

int fm_validate_request(const struct fm_geometry *g, const char *device, unsigned int region,
			const struct fm_extent *x, unsigned int n, struct fm_err *e)
{
	const struct fm_region *r;
	unsigned int i, j;
	char b1[48], b2[48];
	int rc = fm_validate_device(g, device, e);

	if (rc)
		return rc;
	if (region >= g->nr_regions)
		return fm_seterr(e, -EINVAL, "%s: region %u does not exist (device has %u)",
				 device, region, g->nr_regions);
	if (!n)
		return fm_seterr(e, -EINVAL, "%s: no extents in the request", device);
	if (n > FM_MAX_EXTENTS)
		return fm_seterr(e, -EINVAL, "%s: %u extents in one request, at most %d "
				 "(the device's DC event log depth)", device, n, FM_MAX_EXTENTS);
	r = &g->region[region];
	for (i = 0; i < n; i++) {
		snprintf(b1, sizeof(b1), "%#" PRIx64, x[i].offset);
		snprintf(b2, sizeof(b2), "%#" PRIx64, x[i].len);
		if (!x[i].len)
			return fm_seterr(e, -EINVAL, "%s: extent %u (offset %s): zero length",
					 device, i, b1);
		if (x[i].offset % r->block || x[i].len % r->block)
			return fm_seterr(e, -EINVAL, "%s: extent %u (offset %s length %s): not "
					 "aligned to the %" PRIu64 " MiB block size", device, i,
					 b1, b2, r->block >> 20);
		if (x[i].offset >= r->len || x[i].len > r->len - x[i].offset)
			return fm_seterr(e, -EINVAL, "%s: extent %u (offset %s length %s): beyond "
					 "the end of region %u (%#" PRIx64 " bytes)", device, i,
					 b1, b2, region, r->len);
		for (j = 0; j < i; j++)
			if (x[j].offset < x[i].offset + x[i].len &&
			    x[i].offset < x[j].offset + x[j].len)
				return fm_seterr(e, -EINVAL, "%s: extents %u and %u of the "
						 "request overlap", device, j, i);
	}
	return 0;
}
