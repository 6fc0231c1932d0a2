// SPDX-License-Identifier: GPL-2.0
/*
 * The shared size and number parser: every accepted form with its value,
 * every rejected form with its errno and reason, and the printers.
 */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "size.h"

#define K 1024ULL
#define M (K * K)
#define G (M * K)
#define T (G * K)

static const struct { const char *s; uint64_t v; const char *form; } sizes_ok[] = {
	{ "0", 0, "zero" },
	{ "1", 1, "one byte" },
	{ "4096", 4096, "plain bytes" },
	{ "268435456", 256 * M, "plain bytes, large" },
	{ "18446744073709551615", UINT64_MAX, "the largest decimal" },
	{ "0x10000000", 256 * M, "hexadecimal" },
	{ "0X10000000", 256 * M, "hexadecimal, 0X" },
	{ "0xabcDEF", 0xabcdef, "hexadecimal, mixed case digits" },
	{ "0x0010", 16, "hexadecimal with leading zeros (unambiguous)" },
	{ "0x0", 0, "hexadecimal zero" },
	{ "0xffffffffffffffff", UINT64_MAX, "the largest hexadecimal" },
	{ "0x1B", 27, "hexadecimal B is a digit, not a unit" },
	{ "2K", 2 * K, "K" },
	{ "2k", 2 * K, "k" },
	{ "256M", 256 * M, "M" },
	{ "256m", 256 * M, "m" },
	{ "1G", G, "G" },
	{ "1g", G, "g" },
	{ "2T", 2 * T, "T" },
	{ "2t", 2 * T, "t" },
	{ "2KiB", 2 * K, "KiB" },
	{ "256MiB", 256 * M, "MiB" },
	{ "1GiB", G, "GiB" },
	{ "3TiB", 3 * T, "TiB" },
	{ "256miB", 256 * M, "miB (unit letter in either case)" },
	{ "0M", 0, "zero with a unit" },
	{ "0x10M", 16 * M, "hexadecimal with a unit" },
	{ "0x10MiB", 16 * M, "hexadecimal with MiB" },
	{ "16777215T", 16777215ULL * T, "the largest T" },
	{ "10M", 10 * M, "10M is ten MiB" },
};

static const struct { const char *s; int rc; const char *why; } sizes_bad[] = {
	{ "", -EINVAL, "empty" },
	{ "-1", -EINVAL, "sign" },
	{ "+1", -EINVAL, "sign" },
	{ " 1", -EINVAL, "blank" },
	{ "1 ", -EINVAL, "blank" },
	{ "2 M", -EINVAL, "blank" },
	{ "1\n", -EINVAL, "blank" },
	{ "010M", -EINVAL, "leading zero" },
	{ "010", -EINVAL, "leading zero" },
	{ "00", -EINVAL, "leading zero" },
	{ "0755", -EINVAL, "leading zero" },
	{ "1.5G", -EINVAL, "fraction" },
	{ "1,5G", -EINVAL, "fraction" },
	{ "2MB", -EINVAL, "MB: 10^6 or 2^20" },
	{ "2mb", -EINVAL, "MB: 10^6 or 2^20" },
	{ "2kB", -EINVAL, "MB: 10^6 or 2^20" },
	{ "2GB", -EINVAL, "MB: 10^6 or 2^20" },
	{ "512B", -EINVAL, "no unit B" },
	{ "512b", -EINVAL, "no unit B" },
	{ "2Mib", -EINVAL, "unknown unit" },
	{ "2MIB", -EINVAL, "unknown unit" },
	{ "2MiBs", -EINVAL, "unknown unit" },
	{ "2MM", -EINVAL, "unknown unit" },
	{ "1P", -EINVAL, "unknown unit" },
	{ "1E", -EINVAL, "unknown unit" },
	{ "1e6", -EINVAL, "unknown unit" },
	{ "12Q", -EINVAL, "unknown unit" },
	{ "M", -EINVAL, "not a number" },
	{ "MiB", -EINVAL, "not a number" },
	{ "x10", -EINVAL, "not a number" },
	{ "0x", -EINVAL, "no hexadecimal digits" },
	{ "0xg", -EINVAL, "no hexadecimal digits" },
	{ "0x-1", -EINVAL, "no hexadecimal digits" },
	{ "0b101", -EINVAL, "no unit B" },
	{ "0o17", -EINVAL, "unknown unit" },
	{ "18446744073709551616", -ERANGE, "too large" },
	{ "99999999999999999999999", -ERANGE, "too large" },
	{ "0x10000000000000000", -ERANGE, "too large" },
	{ "16777216T", -ERANGE, "too large" },
	{ "99999999999T", -ERANGE, "too large" },
	{ "17179869184G", -ERANGE, "too large" },
};

static const struct { const char *s; uint64_t v; } nums_ok[] = {
	{ "0", 0 }, { "7", 7 }, { "255", 255 }, { "0xff", 255 }, { "0x0", 0 },
	{ "18446744073709551615", UINT64_MAX },
};

static const struct { const char *s; int rc; const char *why; } nums_bad[] = {
	{ "", -EINVAL, "empty" },
	{ "010", -EINVAL, "leading zero" },
	{ "08", -EINVAL, "leading zero" },
	{ "1M", -EINVAL, "not a whole number" },
	{ "1.0", -EINVAL, "fraction" },
	{ "-3", -EINVAL, "sign" },
	{ "3 ", -EINVAL, "blank" },
	{ "0x", -EINVAL, "no hexadecimal digits" },
	{ "18446744073709551616", -ERANGE, "too large" },
};

#define N(a) (sizeof(a) / sizeof(a[0]))

/* the input as C would write it, for a one-line TAP description */
static const char *esc(const char *s)
{
	static char b[128];
	size_t n = 0;

	for (; *s && n < sizeof(b) - 3; s++) {
		if (*s == '\n') {
			b[n++] = '\\';
			b[n++] = 'n';
		} else {
			b[n++] = *s;
		}
	}
	b[n] = '\0';
	return b;
}

int main(void)
{
	char buf[64];
	const char *why;
	uint64_t v;
	size_t i;
	int rc;

	for (i = 0; i < N(sizes_ok); i++) {
		v = 12345;
		why = NULL;
		rc = util_parse_size(sizes_ok[i].s, &v, &why);
		ok(rc == 0 && v == sizes_ok[i].v && !why, "size '%s' accepted (%s): %llu",
		   sizes_ok[i].s, sizes_ok[i].form, (unsigned long long)v);
	}
	for (i = 0; i < N(sizes_bad); i++) {
		v = 12345;
		why = NULL;
		rc = util_parse_size(sizes_bad[i].s, &v, &why);
		ok(rc == sizes_bad[i].rc && v == 12345 && why && strstr(why, sizes_bad[i].why) &&
		   !strchr(why, '\n'),
		   "size '%s' rejected: %s, \"%s\"", esc(sizes_bad[i].s),
		   sizes_bad[i].rc == -ERANGE ? "ERANGE" : "EINVAL", why ? why : "(no reason)");
	}
	ok(util_parse_size("1G", &v, NULL) == 0 && util_parse_size("1Q", &v, NULL) == -EINVAL &&
	   util_parse_size(NULL, &v, NULL) == -EINVAL, "the reason is optional; NULL is empty");
	for (i = 0; i < N(nums_ok); i++) {
		v = 12345;
		ok(!util_parse_num(nums_ok[i].s, &v, NULL) && v == nums_ok[i].v,
		   "number '%s' accepted", nums_ok[i].s);
	}
	for (i = 0; i < N(nums_bad); i++) {
		why = NULL;
		rc = util_parse_num(nums_bad[i].s, &v, &why);
		ok(rc == nums_bad[i].rc && why && strstr(why, nums_bad[i].why),
		   "number '%s' rejected: \"%s\"", nums_bad[i].s, why ? why : "(no reason)");
	}

	ok(!strcmp(util_size_human(128 * M, buf, sizeof(buf)), "128.00 MiB (134.22 MB)"),
	   "human: 128 MiB as \"128.00 MiB (134.22 MB)\"");
	ok(!strcmp(util_size_human(3 * G / 2, buf, sizeof(buf)), "1.50 GiB (1.61 GB)"),
	   "human: 1.5 GiB");
	ok(!strcmp(util_size_human(512, buf, sizeof(buf)), "512"), "human: below 1 KiB plain");
	ok(!strcmp(util_size_human(UINT64_MAX, buf, sizeof(buf)), "16.00 EiB (18.45 EB)"),
	   "human: the largest value (%s)", buf);
	ok(!strcmp(util_size_exact(256 * M, buf, sizeof(buf)), "256MiB") &&
	   !strcmp(util_size_exact(2 * T, buf, sizeof(buf)), "2TiB") &&
	   !strcmp(util_size_exact(3 * K, buf, sizeof(buf)), "3KiB") &&
	   !strcmp(util_size_exact(1536 * M, buf, sizeof(buf)), "1536MiB") &&
	   !strcmp(util_size_exact(4097, buf, sizeof(buf)), "4097") &&
	   !strcmp(util_size_exact(0, buf, sizeof(buf)), "0"),
	   "exact: largest unit that divides, or bytes");
	{
		static const uint64_t vals[] = { 0, 1, 1023, 1024, 4097, 256 * M, 1536 * M, G + 1,
						 16777215ULL * T, UINT64_MAX };
		int all = 1;

		for (i = 0; i < N(vals); i++)
			all &= !util_parse_size(util_size_exact(vals[i], buf, sizeof(buf)), &v,
						NULL) && v == vals[i];
		ok(all, "exact sizes parse back to the same value");
	}
	return done();
}
