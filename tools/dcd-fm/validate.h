/* SPDX-License-Identifier: GPL-2.0 */
/* dcd-fm: request validation, before anything is sent (rules: validate.c) */
#ifndef DCD_FM_VALIDATE_H
#define DCD_FM_VALIDATE_H

#include "fm.h"

/* the device as a whole: has DC, and a region count QEMU 10.0 handles */
int fm_validate_device(const struct fm_geometry *g, const char *device, struct fm_err *e);
/* one add or release request: region, extent shapes, count, overlap */
int fm_validate_request(const struct fm_geometry *g, const char *device, unsigned int region,
			const struct fm_extent *x, unsigned int n, struct fm_err *e);

#endif
