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

/*
 * Choose at most @max of the @n lengths @len adding up to exactly @want:
 * their indices, ascending, in @pick; returns how many (0 if none does).
 * A depth-first search in the given order, so the first fit of each step
 * is kept when it leads to a solution (what a greedy pick would take), and
 * a combination greedy misses (256 + 512 of 256, 256, 512 for 768) is
 * still found. Gives up (0) after 1000000 steps.
 */
unsigned int fm_pick_exact(const uint64_t *len, unsigned int n, uint64_t want,
			   unsigned int max, unsigned int *pick);

#endif
