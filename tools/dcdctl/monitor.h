/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dcdctl monitor: the auto-online daemon (Documentation/dcdctl.rst,
 * "monitor"). The pieces the unit tests drive directly are declared here:
 * the uevent parser, the per-extent decision, reconciliation on a (fake)
 * sysfs tree with a pluggable online/offline backend, and the detection of
 * a competing auto-online policy.
 */
#ifndef DCDCTL_MONITOR_H
#define DCDCTL_MONITOR_H

#include <stdint.h>
#include <stdio.h>

#include "libdcd.h"
#include "policy.h"

/* exit codes beyond dcdctl.h's */
#define DCD_EXIT_POLICY 9	/* bad policy file line, or policy file unreadable */
#define DCD_EXIT_CONFLICT 10	/* --strict: a kernel/udev auto-online policy would fight */

/* one kernel uevent (NETLINK_KOBJECT_UEVENT, "ACTION@DEVPATH\0KEY=VALUE\0...") */
struct dcd_uevent {
	char action[16];	/* add, remove, change, bind, unbind, ... */
	char devpath[256];
	char subsystem[32];
	char name[64];		/* last DEVPATH component: extent0.1, dax2.0 */
	char dcd_state[32];	/* DCD_STATE= of an extent change, "" */
	unsigned long long seqnum;
};

/* 0, or -EINVAL for a message that is not a well-formed kernel uevent */
int dcd_uevent_parse(const char *buf, size_t len, struct dcd_uevent *ev);
/* 1 if the event can change what the monitor must do (extents, DAX devices) */
int dcd_uevent_relevant(const struct dcd_uevent *ev);

/* what the monitor remembers about one extent (keyed by name, DPA, length) */
struct dcd_mon_ext {
	char name[DCD_NAME_MAX];
	uint64_t dpa, length;
	enum dcd_extent_state state;
	int handled;		/* the policy was applied (or not needed) */
	int attempts;		/* failed attempts of the current action */
	int64_t next_ms;	/* no new attempt before this (monotonic ms) */
	int gave_up;
	int offlined;		/* the monitor offlined it for a release */
	int seen;
};

enum dcd_mon_decision {
	DCD_MON_NOTHING,	/* handled, or nothing the monitor can do */
	DCD_MON_WAIT,		/* not now: no DAX device yet, or backing off */
	DCD_MON_ONLINE,		/* policy system-ram */
	DCD_MON_DEVDAX,		/* policy devdax: leave it */
	DCD_MON_IGNORE,		/* policy ignore, or no rule matches */
	DCD_MON_OFFLINE,	/* release pending and memory still added */
};

const char *dcd_mon_decision_name(enum dcd_mon_decision d);

/*
 * Decide for extent @e (as just read), given what the monitor remembers
 * (@m, NULL: never seen) and the time @now_ms; @rule gets the matching
 * policy rule (NULL: none).
 */
enum dcd_mon_decision dcd_mon_decide(const struct dcd_extent *e, const struct dcd_mon_ext *m,
				     const struct dcd_policy *p, int64_t now_ms,
				     const struct dcd_pol_rule **rule);

struct dcd_mon_conf {
	int json;
	int once;
	int strict;
	int offline_timeout_ms;		/* one offline attempt, then the child is killed */
	int retries;			/* attempts before giving up */
	int backoff_min_ms, backoff_max_ms;
	int reconcile_ms;		/* periodic safety-net reconcile */
	int no_kmem_at_once;		/* never set cxl_dcd's kmem parameter */
};

#define DCD_MON_DEFAULTS { .offline_timeout_ms = 10000, .retries = 10, \
			   .backoff_min_ms = 1000, .backoff_max_ms = 60000, \
			   .reconcile_ms = 30000 }

struct dcd_mon {
	struct dcd_ctx *ctx;
	struct dcd_policy policy;
	struct dcd_mon_conf conf;
	FILE *out;			/* events (stdout) */
	int sigfd;			/* -1, or signalfd a bounded offline also watches */
	struct dcd_mon_ext *ext;
	int nr_ext, cap_ext;
	int failures;			/* actions failed or given up (for --once) */
	int gave_up;
	int64_t (*now)(void);		/* monotonic ms; tests may replace it */
	int kmem_set;			/* we set cxl_dcd's kmem parameter */
	int kmem_warned;		/* said once that it cannot be written */
};

/* ms to wait before attempt @attempt + 1 after @attempt failures (>= 1) */
int64_t dcd_mon_backoff_ms(const struct dcd_mon_conf *c, int attempt);

/*
 * Refresh sysfs and act on every extent as decided. Returns 0 or the
 * refresh error; *next_ms gets the earliest time a retry is due (INT64_MAX
 * if none).
 */
int dcd_mon_reconcile(struct dcd_mon *mon, int64_t *next_ms);
void dcd_mon_release(struct dcd_mon *mon);

/*
 * Look for a kernel or udev policy that onlines hot-added memory by itself,
 * under @root ("" for /). Calls @warn once per finding; returns the count.
 */
int dcd_mon_conflicts(const char *root, void (*warn)(void *arg, const char *msg), void *arg);

/*
 * kmem at once: when the policy onlines every extent
 * (dcd_policy_onlines_all()) and the kernel adds hot-plugged memory offline
 * (auto_online_blocks "offline", so the policy still chooses the zone), new
 * DC DAX devices may as well bind kmem when they are created (cxl_dcd's kmem
 * parameter): no device_dax probe builds a memmap that the monitor's unbind
 * tears down again. dcd_mon_kmem_wanted() says whether that holds (never
 * with --once or --no-kmem-at-once); dcd_mon_kmem_sync() sets the parameter,
 * or puts it back to N if the monitor set it, emitting a "kmem-at-once"
 * event on each change.
 */
int dcd_mon_kmem_wanted(const struct dcd_mon *mon);
void dcd_mon_kmem_sync(struct dcd_mon *mon, int want);

/* one output line: the non-NULL fields, as JSON (--json) or text */
struct dcd_mon_ev {
	const char *event;		/* start, uevent, extent, online, offline, policy, ... */
	const struct dcd_extent *e;	/* extent, memdev, region, dax, tag, length, state */
	const char *extent;		/* name when @e is gone */
	const char *dax;		/* DAX device when @e is gone */
	const char *action, *result;
	int attempt;			/* 0: absent */
	int64_t retry_in_ms;		/* 0: absent */
	const struct dcd_uevent *uevent;
};

__attribute__((format(printf, 3, 4)))
void dcd_mon_emit(struct dcd_mon *mon, const struct dcd_mon_ev *ev, const char *fmt, ...);

#endif
