// SPDX-License-Identifier: GPL-2.0
/* dcd-fm: JSON output, size and seconds parsing */
#include <errno.h>
#include <string.h>

#include "fmjson.h"
#include "tap.h"

int main(void)
{
	struct fm_grant g = { .id = 7, .host = "a", .workdir = "/w/a", .device = "cxl-dcd0",
			      .region = 1, .offset = 0, .dpa = 256ULL << 20, .len = 256ULL << 20,
			      .state = G_RELEASE_PENDING, .updated = "2025-01-01T00:00:00Z" };
	static const char * const bad_secs[] = {
		"", ".", "5x", "x", " 5", "5 ", "-1", "+1", "nan", "inf", "1e3", "0x10",
		"1.5.2", "1,5", "5.x",
	};
	json_object *o, *v;
	unsigned int i, refused = 0;
	double d = -1;
	char buf[64];
	uint64_t x;

	o = fm_grant_to_json(&g, 0);
	ok(json_object_object_get_ex(o, "size", &v) && json_object_is_type(v, json_type_int) &&
	   json_object_get_uint64(v) == 256ULL << 20, "size is a number by default");
	ok(json_object_object_get_ex(o, "state", &v) &&
	   !strcmp(json_object_get_string(v), "release-pending"), "state is its name");
	ok(json_object_object_get_ex(o, "grant", &v) && json_object_get_int(v) == 7 &&
	   json_object_object_get_ex(o, "region", &v) && json_object_get_int(v) == 1,
	   "grant id and region are numbers");
	json_object_put(o);
	o = fm_grant_to_json(&g, FM_JSON_HUMAN);
	ok(json_object_object_get_ex(o, "size", &v) &&
	   !strcmp(json_object_get_string(v), "256.00 MiB (268.44 MB)"),
	   "-u prints sizes as cxl list does");
	ok(json_object_object_get_ex(o, "dpa", &v) && !strcmp(json_object_get_string(v), "0x10000000") &&
	   json_object_object_get_ex(o, "offset", &v) && !strcmp(json_object_get_string(v), "0x0"),
	   "-u prints addresses in hex");
	json_object_put(o);
	ok(!strcmp(fm_size_str(2ULL << 30, buf, sizeof(buf)), "2.00 GiB (2.15 GB)"), "GiB sizes");
	ok(fm_parse_size("256M", &x) == 0 && x == 256ULL << 20, "256M parses");
	ok(fm_parse_size("2MiB", &x) == 0 && x == 2ULL << 20, "2MiB parses");
	ok(fm_parse_size("0x10000000", &x) == 0 && x == 256ULL << 20, "hex parses");
	ok(fm_parse_size("1G", &x) == 0 && x == 1ULL << 30, "1G parses");
	ok(fm_parse_size("-2M", &x) < 0 && fm_parse_size("12Q", &x) < 0 &&
	   fm_parse_size("", &x) < 0 && fm_parse_size("99999999999T", &x) < 0,
	   "negative, unknown suffix, empty and overflowing sizes are refused");
	ok(fm_parse_seconds("30", false, &d) == 0 && d == 30, "30 seconds parse");
	ok(fm_parse_seconds("0.5", false, &d) == 0 && d == 0.5 &&
	   fm_parse_seconds(".25", false, &d) == 0 && d == 0.25, "fractions of a second parse");
	ok(fm_parse_seconds("86400", false, &d) == 0 && d == 86400 &&
	   fm_parse_seconds("86400.5", false, &d) == -ERANGE, "at most a day");
	ok(fm_parse_seconds("0", false, &d) == -ERANGE && fm_parse_seconds("0.0", true, &d) == 0 &&
	   d == 0, "zero only where it is allowed");
	for (i = 0; i < sizeof(bad_secs) / sizeof(bad_secs[0]); i++) {
		d = -1;
		if (fm_parse_seconds(bad_secs[i], true, &d) == -EINVAL && d == -1)
			refused++;
		else
			ksft_print_msg("'%s' was taken as %g seconds\n", bad_secs[i], d);
	}
	ok(refused == sizeof(bad_secs) / sizeof(bad_secs[0]),
	   "trailing text, blanks, signs, nan, inf, exponents and hex are refused");
	return done();
}
