/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright(c) 2026 The cxl-dcd authors. */
/*
 * kshim.h - the few kernel types and helpers drivers-cxl/config.c uses, for
 * building it as ordinary user-space code in the host unit tests. The
 * linux/ and asm/ headers next to this file all resolve to it.
 */
#ifndef __DCD_KSHIM_H__
#define __DCD_KSHIM_H__

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;

#define __packed __attribute__((__packed__))

#define le16_to_cpu(x) le16toh(x)
#define le32_to_cpu(x) le32toh(x)
#define le64_to_cpu(x) le64toh(x)
#define cpu_to_le16(x) htole16(x)
#define cpu_to_le32(x) htole32(x)
#define cpu_to_le64(x) htole64(x)

static inline bool is_power_of_2(unsigned long long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)

/* Additions for the pure units of drivers-cxl/ (logic.h) */
#ifndef U32_MAX
#define U32_MAX ((u32)~0U)
#endif
#define struct_size(p, member, n) \
	(sizeof(*(p)) + (size_t)(n) * sizeof(*(p)->member))

#endif /* __DCD_KSHIM_H__ */
