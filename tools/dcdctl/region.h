/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dcdctl create-region / destroy-region internals shared by region.c (the
 * command, and the sysfs steps used on a fake tree) and region-cxl.c (the
 * same steps through libcxl on the real sysfs).
 */
#ifndef DCDCTL_REGION_H
#define DCDCTL_REGION_H

#include <stdint.h>

#include "libdcd.h"

struct dcd_region_plan {
	char memdev[DCD_NAME_MAX], ep[DCD_NAME_MAX], root[DCD_NAME_MAX];
	char epd[DCD_NAME_MAX], region[DCD_NAME_MAX];
	uint64_t size, ig;
};

#define DCD_REGION_ALIGN (256ULL << 20)

/*
 * Through libcxl: pick the endpoint, root decoder (pl->root if set) and
 * endpoint decoder for pl->memdev, size it (has_size: pl->size is given),
 * then create, program, commit and enable the region, undoing every step
 * after a failure. 0 or -errno with dcd_strerror(ctx) set.
 */
int dcd_cxl_create_region(struct dcd_ctx *ctx, struct dcd_region_plan *pl, int has_size);

/*
 * Through libcxl: find region; *epd gets its target 0 decoder ("" if none)
 * and *memdev that decoder's memdev. -ENOENT if there is no such region.
 */
int dcd_cxl_region_target(struct dcd_ctx *ctx, const char *region, char *epd, char *memdev);
/* Through libcxl: disable, reset, detach, free the DPA, delete. */
int dcd_cxl_teardown_region(struct dcd_ctx *ctx, const char *region);

#endif
