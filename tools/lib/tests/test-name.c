// SPDX-License-Identifier: GPL-2.0
/* device names as users type them, and filters (tools/lib/name.c) */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "name.h"

static const struct { enum util_dev k; const char *in, *out; } good[] = {
	{ UTIL_DEV_MEMDEV, "mem0", "mem0" },
	{ UTIL_DEV_MEMDEV, "0", "mem0" },
	{ UTIL_DEV_MEMDEV, "memdev3", "mem3" },
	{ UTIL_DEV_MEMDEV, "12", "mem12" },
	{ UTIL_DEV_REGION, "region0", "region0" },
	{ UTIL_DEV_REGION, "7", "region7" },
	{ UTIL_DEV_DAX_REGION, "dax_region1", "dax_region1" },
	{ UTIL_DEV_DAX_REGION, "1", "dax_region1" },
	{ UTIL_DEV_DECODER, "decoder2.0", "decoder2.0" },
	{ UTIL_DEV_DECODER, "0.1", "decoder0.1" },
	{ UTIL_DEV_EXTENT, "extent0.12", "extent0.12" },
	{ UTIL_DEV_DAX, "dax2.0", "dax2.0" },
	{ UTIL_DEV_DAX, "2.0", "dax2.0" },
	{ UTIL_DEV_ENDPOINT, "endpoint5", "endpoint5" },
};

static const struct { enum util_dev k; const char *in; } bad[] = {
	{ UTIL_DEV_MEMDEV, "" },
	{ UTIL_DEV_MEMDEV, "mem" },
	{ UTIL_DEV_MEMDEV, "memdev" },
	{ UTIL_DEV_MEMDEV, "mem01" },
	{ UTIL_DEV_MEMDEV, "01" },
	{ UTIL_DEV_MEMDEV, "mem1x" },
	{ UTIL_DEV_MEMDEV, "region0" },
	{ UTIL_DEV_MEMDEV, "-1" },
	{ UTIL_DEV_MEMDEV, "mem 1" },
	{ UTIL_DEV_MEMDEV, "1.0" },
	{ UTIL_DEV_REGION, "region" },
	{ UTIL_DEV_REGION, "dax_region0" },
	{ UTIL_DEV_DAX_REGION, "region0" },
	{ UTIL_DEV_DECODER, "decoder2" },
	{ UTIL_DEV_DECODER, "decoder2." },
	{ UTIL_DEV_DECODER, "decoder.0" },
	{ UTIL_DEV_DECODER, "decoder2.0.1" },
	{ UTIL_DEV_DAX, "dax_region0" },
	{ UTIL_DEV_DAX, "dax2" },
	{ UTIL_DEV_EXTENT, "extent0" },
};

#define N(a) (sizeof(a) / sizeof(a[0]))

int main(void)
{
	char buf[64];
	const char *b = NULL;
	size_t i;

	for (i = 0; i < N(good); i++) {
		buf[0] = '\0';
		ok(!util_dev_name(good[i].k, good[i].in, buf, sizeof(buf)) &&
		   !strcmp(buf, good[i].out), "'%s' names %s", good[i].in, good[i].out);
	}
	for (i = 0; i < N(bad); i++)
		ok(util_dev_name(bad[i].k, bad[i].in, buf, sizeof(buf)) == -EINVAL,
		   "'%s' is not a %s name", bad[i].in, util_dev_prefix(bad[i].k));
	ok(util_is_dev(UTIL_DEV_MEMDEV, "mem12") && !util_is_dev(UTIL_DEV_MEMDEV, "12") &&
	   !util_is_dev(UTIL_DEV_MEMDEV, "memdev1") && util_is_dev(UTIL_DEV_DECODER, "decoder1.2") &&
	   !util_is_dev(UTIL_DEV_DAX, "dax_region1"),
	   "util_is_dev takes canonical names only");
	ok(util_dev_id(UTIL_DEV_DECODER, "decoder12.3") == 12 &&
	   util_dev_id(UTIL_DEV_MEMDEV, "mem4") == 4 && util_dev_id(UTIL_DEV_MEMDEV, "x") == -1,
	   "util_dev_id: the number after the prefix");
	ok(util_dev_match(UTIL_DEV_MEMDEV, NULL, "mem3") &&
	   util_dev_match(UTIL_DEV_MEMDEV, "all", "mem3") &&
	   util_dev_match(UTIL_DEV_MEMDEV, "mem3", "mem3") &&
	   util_dev_match(UTIL_DEV_MEMDEV, "3", "mem3") &&
	   util_dev_match(UTIL_DEV_MEMDEV, "mem1 mem3", "mem3") &&
	   util_dev_match(UTIL_DEV_MEMDEV, "1,memdev3", "mem3") &&
	   !util_dev_match(UTIL_DEV_MEMDEV, "mem1 mem30", "mem3") &&
	   !util_dev_match(UTIL_DEV_MEMDEV, "mem03", "mem3"),
	   "filters: all, one name, lists separated by blanks or commas");
	ok(!util_dev_filter_check(UTIL_DEV_MEMDEV, "mem0, 1", &b) &&
	   util_dev_filter_check(UTIL_DEV_MEMDEV, "mem0 mem0x", &b) == -EINVAL &&
	   !strcmp(b, "mem0x") && util_dev_filter_check(UTIL_DEV_MEMDEV, " , ", &b) == -EINVAL,
	   "a filter with a malformed name is refused, naming it");
	return done();
}
