/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device names as a user types them, normalised the way cxl(1) and
 * daxctl(1) take them: "mem0", "0" and "memdev0" name mem0; "region3" and
 * "3" name region3; "decoder2.0", "extent0.1", "dax2.0" and "2.0" likewise.
 * A filter may hold several names separated by blanks or commas, or "all".
 */
#ifndef CXL_DCD_UTIL_NAME_H
#define CXL_DCD_UTIL_NAME_H

#include <stddef.h>

enum util_dev {
	UTIL_DEV_MEMDEV,	/* memX (alias memdevX) */
	UTIL_DEV_REGION,	/* regionX */
	UTIL_DEV_DAX_REGION,	/* dax_regionX */
	UTIL_DEV_DECODER,	/* decoderX.Y */
	UTIL_DEV_EXTENT,	/* extentX.Y */
	UTIL_DEV_DAX,		/* daxX.Y */
	UTIL_DEV_ENDPOINT,	/* endpointX */
	UTIL_DEV_PORT,		/* portX */
	UTIL_DEV_ROOT,		/* rootX */
};

/* "mem" for UTIL_DEV_MEMDEV, ... */
const char *util_dev_prefix(enum util_dev kind);
/* arg -> canonical name in buf; 0, or -EINVAL if arg does not name such a device */
int util_dev_name(enum util_dev kind, const char *arg, char *buf, size_t len);
/* 1 if name (canonical) is exactly of this kind: "mem12" yes, "mem", "mem1x" no */
int util_is_dev(enum util_dev kind, const char *name);
/* the number after the prefix ("decoder2.0" -> 2), -1 if not of this kind */
int util_dev_id(enum util_dev kind, const char *name);
/*
 * 1 if the canonical name matches filter: NULL or "all" matches everything,
 * otherwise one of its blank- or comma-separated names does.
 */
int util_dev_match(enum util_dev kind, const char *filter, const char *name);
/* 0 if every name in the filter is well formed, else -EINVAL with *bad set */
int util_dev_filter_check(enum util_dev kind, const char *filter, const char **bad);

#endif
