// SPDX-License-Identifier: GPL-2.0
/* dcd-fm: sizes, base64, clocks, error messages */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fm.h"
#include "size.h"

int fm_seterr(struct fm_err *e, int rc, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

/*
 * Numbers and sizes as every cxl-dcd tool takes them (tools/lib/size.h):
 * decimal without leading zeros or 0x hex; sizes with K/M/G/T[iB].
 */
int fm_parse_u64(const char *s, uint64_t *out)
{
	return util_parse_num(s, out, NULL);
}

int fm_parse_size(const char *s, uint64_t *out)
{
	return util_parse_size(s, out, NULL);
}

/*
 * Seconds for --wait, --timeout, --grace and $DCD_FM_TIMEOUT: decimal
 * digits with an optional fraction ("30", "0.5", ".5"), at most a day.
 * strtod() alone would take "5x" as 5, "nan", "inf", "1e9", " 5" and hex
 * floats; none of them is a number of seconds a person meant.
 */
int fm_parse_seconds(const char *s, bool zero_ok, double *out)
{
	size_t digits = strspn(s, "0123456789");
	size_t frac = 0;
	char *end;
	double v;

	if (s[digits] == '.')
		frac = strspn(s + digits + 1, "0123456789");
	if (!digits && !frac)
		return -EINVAL;
	if (s[digits + (s[digits] == '.' ? 1 + frac : 0)])
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end)
		return -EINVAL;
	if (v > FM_MAX_SECONDS || (v == 0 && !zero_ok))
		return -ERANGE;
	*out = v;
	return 0;
}

/* "256.00 MiB (268.44 MB)" */
const char *fm_size_str(uint64_t v, char *buf, size_t len)
{
	return util_size_human(v, buf, len);
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t fm_b64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		out[o++] = b64[p[i] >> 2];
		out[o++] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		out[o++] = b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		out[o++] = b64[p[i + 2] & 63];
	}
	if (n - i == 1) {
		out[o++] = b64[p[i] >> 2];
		out[o++] = b64[(p[i] & 3) << 4];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		out[o++] = b64[p[i] >> 2];
		out[o++] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		out[o++] = b64[(p[i + 1] & 15) << 2];
		out[o++] = '=';
	}
	out[o] = 0;
	return o;
}

static int b64val(int c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

/* out must hold 3 * n / 4 + 1 bytes; output is NUL-terminated */
int fm_b64_decode(const char *in, size_t n, void *out, size_t *outlen)
{
	unsigned char *o = out;
	size_t k = 0, i;
	unsigned int acc = 0;
	int bits = 0, pad = 0;

	for (i = 0; i < n; i++) {
		int v;

		if (in[i] == '=') {
			pad++;
			continue;
		}
		if (pad)
			return -EINVAL;
		v = b64val((unsigned char)in[i]);
		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (unsigned char)(acc >> bits);
			acc &= (1U << bits) - 1;
		}
	}
	if (pad > 2 || (n - pad) % 4 == 1)
		return -EINVAL;
	o[k] = 0;
	*outlen = k;
	return 0;
}

double fm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void fm_timestamp(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
