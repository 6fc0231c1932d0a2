/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dcd-fm: what a host reports (hostview.h reads it from the cxl_dcd sysfs
 * ABI) and what that means for a request. The report, as text:
 *   memdev memX
 *   device_extents       then "<dpa> <length>" (hex) per extent the device
 *                        has accepted as the host knows it
 *   host_extents         then "<dpa> <length> <state> <regionN|->", state
 *                        accepted|release-pending|orphan|forced (orphan:
 *                        accepted on the device, no DC region covers it)
 *   end
 */
#ifndef DCD_FM_OUTCOME_H
#define DCD_FM_OUTCOME_H

#include "fm.h"

enum fm_hstate { H_ACCEPTED, H_RELEASE_PENDING, H_ORPHAN, H_FORCED };

struct fm_dext {
	uint64_t dpa, len;
};

struct fm_hext {
	uint64_t dpa, len;
	enum fm_hstate state;
	char region[32];
};

struct fm_host_view {
	char memdev[32];
	struct fm_dext *dev;
	size_t ndev;
	struct fm_hext *host;
	size_t nhost;
};

int fm_view_parse(const char *text, struct fm_host_view *v, struct fm_err *e);
int fm_hext_parse(const char *text, struct fm_hext **out, size_t *n, struct fm_err *e);
int fm_dext_parse(const char *text, struct fm_dext **out, size_t *n, struct fm_err *e);
void fm_view_free(struct fm_host_view *v);
const char *fm_hstate_name(enum fm_hstate s);

enum fm_outcome {
	O_WAITING,		/* no answer yet */
	O_ACCEPTED,
	O_REJECTED,		/* the host answered without (all of) it */
	O_RELEASED,
	O_RELEASE_PENDING,	/* the host defers the release (in use) */
};
const char *fm_outcome_name(enum fm_outcome o);

/* dev_state: enum fm_dev_state from the transport's probe, or -1 unknown */
enum fm_outcome fm_classify_add(const struct fm_host_view *v, uint64_t dpa, uint64_t len,
				int dev_state);
enum fm_outcome fm_classify_release(const struct fm_host_view *v, uint64_t dpa, uint64_t len,
				    int dev_state);
bool fm_view_dev_covers(const struct fm_host_view *v, uint64_t dpa, uint64_t len);
bool fm_view_dev_overlaps(const struct fm_host_view *v, uint64_t dpa, uint64_t len);
const struct fm_hext *fm_view_host_overlap(const struct fm_host_view *v, uint64_t dpa,
					   uint64_t len);

#endif
