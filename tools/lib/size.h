/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers and sizes on the command line and in configuration files, the
 * same for every cxl-dcd tool (dcdctl, dcd-fm). Accepted forms, documented
 * in Documentation/dcdctl.rst "Sizes and numbers":
 *
 *   number  decimal digits without a leading zero ("0" itself is fine), or
 *           "0x"/"0X" and hexadecimal digits ("0x10000000", "0x0010")
 *   size    a number, optionally followed by a binary unit K, M, G or T (in
 *           either case), optionally followed by "iB": 256M = 256m = 256MiB
 *           = 268435456 = 0x10000000; 0x10M is 16 MiB
 *
 * Rejected, each with a reason: empty strings, signs, blanks anywhere,
 * leading zeros ("010M": octal in one tool and decimal in another, so
 * neither), fractions ("1.5G"), decimal or bit units ("2MB", "2kb", "512B":
 * is MB 10^6 or 2^20?), other units ("1P"), values above 2^64 - 1.
 */
#ifndef CXL_DCD_UTIL_SIZE_H
#define CXL_DCD_UTIL_SIZE_H

#include <stddef.h>
#include <stdint.h>

/*
 * 0, -EINVAL (malformed) or -ERANGE (too large); *why (if not NULL) gets a
 * one-line reason on failure, to print as "<what> '<arg>': <why>".
 */
int util_parse_num(const char *s, uint64_t *out, const char **why);
int util_parse_size(const char *s, uint64_t *out, const char **why);

/* "256.00 MiB (268.44 MB)" as cxl/daxctl list -u prints sizes; below 1 KiB plain bytes */
const char *util_size_human(uint64_t v, char *buf, size_t len);
/* the exact size in the largest unit that divides it: "256MiB", "4097"; parses back */
const char *util_size_exact(uint64_t v, char *buf, size_t len);

#endif
