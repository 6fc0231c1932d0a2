/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dcdctl monitor policy: what to do with new DC capacity, one rule per line,
 * first match wins (format in Documentation/dcdctl.rst, example in
 * etc/dcdctl/policy.conf).
 */
#ifndef DCDCTL_POLICY_H
#define DCDCTL_POLICY_H

#include <stdint.h>
#include <stdio.h>

#include "libdcd.h"

#define DCD_POLICY_DEFAULT "/etc/dcdctl/policy.conf"
#define DCD_POLICY_LINE_MAX 1024

enum dcd_pol_action {
	DCD_POL_IGNORE,		/* leave the extent alone */
	DCD_POL_DEVDAX,		/* leave it as devdax */
	DCD_POL_SYSTEM_RAM,	/* online it as system RAM */
};

struct dcd_pol_rule {
	int line;			/* in the policy file, 0 for the built-in rule */
	enum dcd_pol_action action;
	int movable;			/* system-ram: ZONE_MOVABLE (1) or a kernel zone */
	int has_tag, has_size, has_min, has_max;
	char tag[40];			/* UUID or "none" (untagged) */
	char memdev[DCD_NAME_MAX];	/* "" any */
	char region[DCD_NAME_MAX];	/* CXL regionX, "" any */
	uint64_t size, min_size, max_size;
};

struct dcd_policy {
	char path[256];			/* for messages; "built-in" */
	int nr;
	struct dcd_pol_rule *rules;
};

/*
 * Parse a policy from @f. On a bad line return -EINVAL with "NAME:LINE:
 * message" in @err; -ENOMEM. The previous content of @p is freed only on
 * success.
 */
int dcd_policy_parse(struct dcd_policy *p, FILE *f, const char *name, char *err, size_t len);
/* parse @path; -ENOENT (message in @err) when it does not exist */
int dcd_policy_load(struct dcd_policy *p, const char *path, char *err, size_t len);
/* the policy without a file: every extent system-ram, movable */
int dcd_policy_builtin(struct dcd_policy *p);
void dcd_policy_free(struct dcd_policy *p);

/* first rule matching @e, or NULL (no rule matches: ignore) */
const struct dcd_pol_rule *dcd_policy_match(const struct dcd_policy *p,
					    const struct dcd_extent *e);
/*
 * 1 if @p makes every extent system RAM: all its rules are system-ram and
 * one of them matches any extent (the built-in policy, "system-ram" alone)
 */
int dcd_policy_onlines_all(const struct dcd_policy *p);
/* "system-ram (movable)", "devdax", "ignore" */
const char *dcd_pol_action_name(const struct dcd_pol_rule *r);

/* dcd_parse_size() (sysw.c, declared in dcdctl.h) parses policy sizes too */

#endif
