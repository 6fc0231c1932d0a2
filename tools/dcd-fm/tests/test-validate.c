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
	struct fm_geometry g = geo(2), none = geo(0), nine = geo(9), nodc = geo(2);
	struct fm_extent x[10];
	unsigned int i;

	x[0] = (struct fm_extent){ 0, 256ULL << 20 };
	ok(v(&g, 0, x, 1, NULL), "a whole region is a valid request");
	ok(v(&g, 1, x, 1, NULL), "the last region is valid");
	ok(v(&g, 2, x, 1, "region 2 does not exist"), "region index >= num-dc-regions is refused");
	ok(v(&none, 0, x, 1, "no dynamic capacity"), "a device without DC regions is refused");
	nodc.region[1].block = 0;
	nodc.region[1].len = 0;
	ok(v(&nodc, 0, x, 1, "region 1 has no length or block size"),
	   "a DC region without a length or block size (no DC backend) is refused");
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

	/* fm_pick_exact(): whole grants adding up to a move's length */
	{
		const uint64_t M = 1ULL << 20;
		uint64_t l[20] = { 256 * M, 256 * M, 512 * M };
		unsigned int p[8], n;

		n = fm_pick_exact(l, 3, 768 * M, 8, p);
		ok(n == 2 && p[0] == 0 && p[1] == 2,
		   "256+512 of 256, 256, 512 for 768 MiB (greedy 256+256 fails): %u", n);
		n = fm_pick_exact(l, 3, 512 * M, 8, p);
		ok(n == 2 && p[0] == 0 && p[1] == 1, "first fit kept when it works: 256+256 for 512");
		ok(fm_pick_exact(l, 3, 1024 * M, 8, p) == 3, "all three for 1024 MiB");
		ok(!fm_pick_exact(l, 3, 640 * M, 8, p), "no combination for 640 MiB: 0");
		ok(!fm_pick_exact(l, 3, 2048 * M, 8, p), "more than held: 0");
		ok(!fm_pick_exact(l, 3, 0, 8, p) && !fm_pick_exact(l, 0, 256 * M, 8, p),
		   "nothing wanted or nothing held: 0");
		ok(!fm_pick_exact(l, 3, 768 * M, 1, p) && fm_pick_exact(l, 3, 512 * M, 1, p) == 1 &&
		   p[0] == 2, "at most max grants: 768 needs two, 512 is one");
		for (i = 0; i < 20; i++)
			l[i] = 128 * M;
		l[19] = 1;
		ok(!fm_pick_exact(l, 20, 9 * 128 * M, 8, p),
		   "nine of twenty 128 MiB grants exceed 8: 0 (search bounded)");
		ok(fm_pick_exact(l, 20, 8 * 128 * M, 8, p) == 8 && p[7] == 7, "eight of them: the first 8");
	}
	return done();
}
