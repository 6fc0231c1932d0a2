// SPDX-License-Identifier: GPL-2.0
/* dcd-fm: request validation rules (validate.c V1-V8) */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "validate.h"

static struct fm_geometry geo(unsigned int n)
{
	struct fm_geometry g = { .nr_regions = n, .has_serial = true, .serial = 0x1000 };
	unsigned int i;

	for (i = 0; i < n && i < FM_MAX_REGIONS; i++)
		g.region[i] = (struct fm_region){ i * (256ULL << 20), 256ULL << 20, SZ_2M };
	return g;
}

static int v(const struct fm_geometry *g, unsigned int r, const struct fm_extent *x,
	     unsigned int n, const char *want)
{
	struct fm_err e = { "" };
	int rc = fm_validate_request(g, "cxl-dcd0", r, x, n, &e);

	if (!want)
		return rc == 0;
	return rc == -EINVAL && strstr(e.msg, want) && !strchr(e.msg, '\n');
}

int main(void)
{
	struct fm_geometry g = geo(2), none = geo(0), nine = geo(9);
	struct fm_extent x[10];
	unsigned int i;

	x[0] = (struct fm_extent){ 0, 256ULL << 20 };
	ok(v(&g, 0, x, 1, NULL), "a whole region is a valid request");
	ok(v(&g, 1, x, 1, NULL), "the last region is valid");
	ok(v(&g, 2, x, 1, "region 2 does not exist"), "region index >= num-dc-regions is refused");
	ok(v(&none, 0, x, 1, "no dynamic capacity"), "a device without DC regions is refused");
	ok(v(&nine, 0, x, 1, "overflows"), "a device with more than 8 DC regions is refused");
	ok(v(&g, 0, x, 0, "no extents"), "an empty request is refused");
	x[0] = (struct fm_extent){ 0, 0 };
	ok(v(&g, 0, x, 1, "zero length"), "a zero-length extent is refused");
	x[0] = (struct fm_extent){ SZ_1M, SZ_2M };
	ok(v(&g, 0, x, 1, "not aligned"), "an offset off the 2 MiB block is refused");
	x[0] = (struct fm_extent){ 0, SZ_2M + 4096 };
	ok(v(&g, 0, x, 1, "not aligned"), "a length off the 2 MiB block is refused");
	x[0] = (struct fm_extent){ 254ULL << 20, 4ULL << 20 };
	ok(v(&g, 0, x, 1, "beyond the end"), "an extent crossing the region end is refused");
	x[0] = (struct fm_extent){ 256ULL << 20, SZ_2M };
	ok(v(&g, 0, x, 1, "beyond the end"), "an offset at the region end is refused");
	x[0] = (struct fm_extent){ SZ_2M, UINT64_MAX - SZ_2M + 1 };
	ok(v(&g, 0, x, 1, "beyond the end"), "offset + length overflowing 64 bits is refused");
	x[0] = (struct fm_extent){ 0, 8 * SZ_2M };
	x[1] = (struct fm_extent){ 6 * SZ_2M, SZ_2M };
	ok(v(&g, 0, x, 2, "extents 0 and 1 of the request overlap"),
	   "overlapping extents in one request are refused");
	x[1] = (struct fm_extent){ 0, 8 * SZ_2M };
	ok(v(&g, 0, x, 2, "overlap"), "a duplicate extent in one request is refused");
	for (i = 0; i < 9; i++)
		x[i] = (struct fm_extent){ i * 4 * SZ_2M, SZ_2M };
	ok(v(&g, 0, x, 8, NULL), "8 extents (the DC event log depth) are accepted");
	ok(v(&g, 0, x, 9, "at most 8"), "9 extents are refused (event log overflow)");
	x[0] = (struct fm_extent){ 0, SZ_2M };
	x[1] = (struct fm_extent){ SZ_2M, SZ_2M };
	ok(v(&g, 0, x, 2, NULL), "adjacent extents do not overlap");
	return done();
}
