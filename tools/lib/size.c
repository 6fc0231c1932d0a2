// SPDX-License-Identifier: GPL-2.0
/*
 * One parser and printer of numbers and sizes for every cxl-dcd tool. The
 * accepted and rejected forms are listed in size.h; tools/lib/tests/
 * test-size.c holds one case for each.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "size.h"

static int fail(const char **why, int rc, const char *reason)
{
	if (why)
		*why = reason;
	return rc;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* the number at the start of s; *end after it */
static int parse_number(const char *s, uint64_t *out, const char **end, const char **why)
{
	uint64_t v = 0;
	const char *p = s;

	if (!s || !*s)
		return fail(why, -EINVAL, "empty");
	if (*s == '-' || *s == '+')
		return fail(why, -EINVAL, "no sign allowed");
	if (*s == ' ' || *s == '\t' || *s == '\n')
		return fail(why, -EINVAL, "no blanks allowed");
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		p = s + 2;
		if (hex_val(*p) < 0)
			return fail(why, -EINVAL, "no hexadecimal digits after 0x");
		for (; hex_val(*p) >= 0; p++) {
			if (v >> 60)
				return fail(why, -ERANGE, "too large (the limit is 2^64 - 1 bytes)");
			v = v << 4 | (uint64_t)hex_val(*p);
		}
	} else {
		if (!is_digit(*p))
			return fail(why, -EINVAL, "not a number");
		if (p[0] == '0' && is_digit(p[1]))
			return fail(why, -EINVAL, "leading zero: octal or decimal? write it "
				    "without the zero, or as 0x... for hexadecimal");
		for (; is_digit(*p); p++) {
			unsigned int d = (unsigned int)(*p - '0');

			if (v > (UINT64_MAX - d) / 10)
				return fail(why, -ERANGE, "too large (the limit is 2^64 - 1 bytes)");
			v = v * 10 + d;
		}
	}
	*out = v;
	*end = p;
	return 0;
}

int util_parse_num(const char *s, uint64_t *out, const char **why)
{
	const char *end;
	uint64_t v;
	int rc = parse_number(s, &v, &end, why);

	if (rc)
		return rc;
	if (*end == '.' || *end == ',')
		return fail(why, -EINVAL, "fractions are not accepted");
	if (*end == ' ' || *end == '\t' || *end == '\n')
		return fail(why, -EINVAL, "no blanks allowed");
	if (*end)
		return fail(why, -EINVAL, "not a whole number (decimal, or 0x... hexadecimal)");
	*out = v;
	return 0;
}

int util_parse_size(const char *s, uint64_t *out, const char **why)
{
	const char *end;
	unsigned int shift;
	uint64_t v;
	int rc = parse_number(s, &v, &end, why);

	if (rc)
		return rc;
	switch (*end) {
	case '\0':
		*out = v;
		return 0;
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	case 't': case 'T': shift = 40; break;
	case 'b': case 'B':
		return fail(why, -EINVAL, "no unit B: write the number of bytes alone");
	case '.': case ',':
		return fail(why, -EINVAL, "fractions are not accepted: use a smaller unit "
			    "(1536M, not 1.5G)");
	case ' ': case '\t': case '\n':
		return fail(why, -EINVAL, "no blanks allowed");
	default:
		return fail(why, -EINVAL, "unknown unit: K, M, G or T (binary), optionally "
			    "followed by iB");
	}
	end++;
	if (!strcmp(end, "iB"))
		end += 2;
	else if (*end == 'B' || *end == 'b')
		return fail(why, -EINVAL, "decimal or bit unit (MB: 10^6 or 2^20?): write M or "
			    "MiB for 2^20");
	if (*end)
		return fail(why, -EINVAL, "unknown unit: K, M, G or T (binary), optionally "
			    "followed by iB");
	if (v > (UINT64_MAX >> shift))
		return fail(why, -ERANGE, "too large (the limit is 2^64 - 1 bytes)");
	*out = v << shift;
	return 0;
}

const char *util_size_human(uint64_t v, char *buf, size_t len)
{
	static const char *const bin[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	static const char *const dec[] = { "kB", "MB", "GB", "TB", "PB", "EB" };
	double b = (double)v, d = (double)v;
	int i = -1, j = -1;

	while (b >= 1024 && i < 5) {
		b /= 1024;
		i++;
	}
	while (d >= 1000 && j < 5) {
		d /= 1000;
		j++;
	}
	if (i < 0 || j < 0)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "%.2f %s (%.2f %s)", b, bin[i], d, dec[j]);
	return buf;
}

const char *util_size_exact(uint64_t v, char *buf, size_t len)
{
	static const char *const unit[] = { "TiB", "GiB", "MiB", "KiB" };
	static const unsigned int shift[] = { 40, 30, 20, 10 };
	unsigned int i;

	for (i = 0; v && i < sizeof(unit) / sizeof(unit[0]); i++)
		if (!(v & ((1ULL << shift[i]) - 1))) {
			snprintf(buf, len, "%llu%s", (unsigned long long)(v >> shift[i]), unit[i]);
			return buf;
		}
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}
