/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dcd-fm: the host view, beside the device side of transport.h. The
 * transport says what the *device* holds; a host view says what the *host*
 * made of it (struct fm_host_view, outcome.h), read from the documented
 * cxl_dcd sysfs ABI (Documentation/ABI/testing/sysfs-bus-cxl-dcd: the
 * extentX.Y objects and memX/dcd/orphans, what `dcdctl list --json`
 * reports), never from debugfs. The lab reads it through the guest agent
 * (agent.sock of the host's work directory); another way to reach a host
 * (ssh, a daemon on the host) is another `struct fm_hostview_ops`.
 */
#ifndef DCD_FM_HOSTVIEW_H
#define DCD_FM_HOSTVIEW_H

#include "fm.h"
#include "outcome.h"

struct fm_hostview;

struct fm_hostview_ops {
	const char *name;
	/* endpoint: how to reach the host (lab agent: path of agent.sock) */
	int (*open)(struct fm_hostview *hv, const char *endpoint, struct fm_err *e);
	/* what the host has of the device whose serial number is @serial */
	int (*read)(struct fm_hostview *hv, uint64_t serial, struct fm_host_view *v,
		    struct fm_err *e);
	void (*close)(struct fm_hostview *hv);
};

struct fm_hostview {
	const struct fm_hostview_ops *ops;
	double timeout;		/* seconds, for every exchange */
	void *priv;
};

extern const struct fm_hostview_ops fm_agent_sysfs_ops;

/*
 * The script (POSIX sh) the agent runs: finds memX by serial under
 * ROOT/sys/bus/cxl/devices (ROOT "" on a host, a fake tree in tests) and
 * prints the view in the format fm_view_parse() reads. Exit statuses:
 */
#define FM_VIEW_NO_MEMDEV 10	/* no memX with that serial */
#define FM_VIEW_NO_DCD 11	/* memX has no dcd/ directory: cxl_dcd not loaded */
#define FM_VIEW_READ_FAIL 12
char *fm_sysfs_view_script(uint64_t serial, const char *root);

#endif
