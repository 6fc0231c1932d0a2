// SPDX-License-Identifier: GPL-2.0
/*
 * dcdctl release: host-initiated release of extents (extentX.Y/release) and
 * orphans (memX/dcd/release_extent). Memory that is system RAM is offlined
 * first (the same path as `dcdctl offline`); an extent that is already
 * release-pending only needs that, the kernel then completes the release.
 * Then waits, bounded, until every target is gone.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dcdctl.h"

#define CXLD "sys/bus/cxl/devices"

struct target {
	char label[DCD_NAME_MAX * 2];	/* "extent0.1" or "mem0:0x40000000" */
	char memdev[DCD_NAME_MAX];	/* orphan */
	char dir[PATH_MAX];		/* extent directory */
	uint64_t dpa, length;
	int orphan;
	int result;			/* 0 waiting, 1 released, -errno */
};

/* is the orphan dpa still listed in memX/dcd/orphans */
static int orphan_listed(struct dcd_ctx *ctx, const char *memdev, uint64_t dpa)
{
	char p[PATH_MAX], line[256];
	unsigned long long a, b;
	FILE *f;
	int found = 0;

	dcd_path(ctx, p, sizeof(p), CXLD "/%s/dcd/orphans", memdev);
	f = fopen(p, "re");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %llx", &a, &b) == 2 && a == dpa)
			found = 1;
	fclose(f);
	return found;
}

static int target_gone(struct dcd_ctx *ctx, struct target *t)
{
	if (t->orphan)
		return !orphan_listed(ctx, t->memdev, t->dpa);
	return !util_sysfs_exists(t->dir);
}

static int start_extent(struct dcd_ctx *ctx, struct dcd_extent *e, struct target *t)
{
	char p[PATH_MAX];
	int rc;

	snprintf(t->label, sizeof(t->label), "%s", e->name);
	dcd_path(ctx, t->dir, sizeof(t->dir), CXLD "/%s/%s", e->dax_region, e->name);
	if (e->dax[0] && (e->mem.mode == DCD_MODE_SYSTEM_RAM || e->mem.online_blocks ||
			  e->mem.blocks_present)) {
		rc = dcd_offline_extent(ctx, e);
		if (rc < 0)
			return rc;
		fprintf(stderr, "%s: %s offlined (%s)\n", e->name, e->dax,
			e->mem.mode == DCD_MODE_DEVDAX ? "devdax" : "kmem let go: cxl_dcd releases it");
	}
	if (e->state == DCD_EXT_RELEASE_PENDING)
		return 0;	/* the kernel releases it now that it is not in use */
	snprintf(p, sizeof(p), "%s/release", t->dir);
	rc = dcd_write(ctx, p, "1\n");
	if (rc == -ENOENT && !util_sysfs_exists(t->dir))
		return 0;	/* gone meanwhile: released */
	if (rc == -EBUSY)
		return dcd_seterr(ctx, rc, "%s: busy: %s in use (open, mapped or system RAM)",
				  e->name, e->dax[0] ? e->dax : "extent");
	return rc;
}

static int start_orphan(struct dcd_ctx *ctx, struct target *t)
{
	char p[PATH_MAX], val[64];
	int rc;

	dcd_path(ctx, p, sizeof(p), CXLD "/%s/dcd/release_extent", t->memdev);
	snprintf(val, sizeof(val), "0x%llx 0x%llx\n", (unsigned long long)t->dpa,
		 (unsigned long long)t->length);
	rc = dcd_write(ctx, p, val);
	if (rc == -ENOENT && !orphan_listed(ctx, t->memdev, t->dpa))
		return 0;
	return rc;
}

/* "memX" (every orphan of memX) or "memX:DPA"; appends targets */
static int add_orphans(struct dcd_ctx *ctx, const char *arg, struct target **ts, int *n)
{
	char md[DCD_NAME_MAX];
	const char *colon = strchr(arg, ':');
	uint64_t dpa = 0;
	struct dcd_extent *e;
	int i, any = 0;

	snprintf(md, sizeof(md), "%.*s", colon ? (int)(colon - arg) : (int)strlen(arg), arg);
	if (colon && util_parse_num(colon + 1, &dpa, NULL))
		return dcd_seterr(ctx, -EINVAL, "%s: bad DPA (memX:DPA)", arg);
	if (!dcd_find_memdev(ctx, md))
		return dcd_seterr(ctx, -ENOENT, "%s: no such DC memdev", md);
	dcd_extent_foreach(ctx, i, e) {
		struct target *t, *arr;

		if (e->state != DCD_EXT_ORPHAN || strcmp(e->memdev->name, md) ||
		    (colon && e->dpa != dpa))
			continue;
		arr = realloc(*ts, sizeof(**ts) * (size_t)(*n + 1));
		if (!arr)
			return dcd_seterr(ctx, -ENOMEM, "out of memory");
		*ts = arr;
		t = &arr[(*n)++];
		memset(t, 0, sizeof(*t));
		t->orphan = 1;
		snprintf(t->memdev, sizeof(t->memdev), "%s", md);
		t->dpa = e->dpa;
		t->length = e->length;
		snprintf(t->label, sizeof(t->label), "%s:0x%llx", md, (unsigned long long)e->dpa);
		any = 1;
	}
	if (!any)
		return dcd_seterr(ctx, -ENOENT, "%s: no such orphan", arg);
	return 0;
}

static void release_usage(FILE *f)
{
	fprintf(f,
		"usage: dcdctl release (EXTENT|daxN.M)... | --tag=UUID|none | --orphan=memX[:DPA]...\n"
		"                      [--timeout=SECONDS]\n"
		"  EXTENT                  extentX.Y or dax_regionX/extentX.Y\n"
		"  -t, --tag=UUID|none     every extent with this tag\n"
		"  -o, --orphan=memX[:DPA] an orphan of memX at DPA (every orphan without :DPA)\n"
		"  -w, --timeout=SECONDS   wait this long for the releases (default 30)\n");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_release(int argc, char **argv, struct dcd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "tag", required_argument, NULL, 't' },
		{ "orphan", required_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *tag = NULL, **orphans = NULL;
	int nr_orphans = 0, n = 0, c, rc, own, i, j, first_err = 0;
	int released = 0, pending = 0, failed = 0, waiting;
	struct target *ts = NULL;
	char *sel = NULL;
	struct dcd_extent *e;
	uint64_t timeout = 30;
	double deadline;

	optind = 0;
	while ((c = getopt_long(argc, argv, "t:o:w:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			tag = optarg;
			break;
		case 'o': {
			const char **arr = realloc(orphans, sizeof(*arr) * (size_t)(nr_orphans + 1));

			if (!arr) {
				free(orphans);
				fprintf(stderr, "dcdctl release: out of memory\n");
				return DCD_EXIT_FAIL;
			}
			orphans = arr;
			orphans[nr_orphans++] = optarg;
			break;
		}
		case 'w':
			if (util_parse_num(optarg, &timeout, NULL) || timeout > 86400) {
				fprintf(stderr, "dcdctl release: bad timeout '%s' (0-86400 s)\n",
					optarg);
				free(orphans);
				return DCD_EXIT_USAGE;
			}
			break;
		case 'h':
			release_usage(stdout);
			free(orphans);
			return DCD_EXIT_OK;
		default:
			release_usage(stderr);
			free(orphans);
			return DCD_EXIT_USAGE;
		}
	}
	if ((optind < argc) + !!tag + !!nr_orphans != 1) {
		fprintf(stderr, "dcdctl release: give extents or DAX devices, --tag or --orphan\n");
		free(orphans);
		return DCD_EXIT_USAGE;
	}
	rc = dcd_cli_ctx(&ctx, &own);
	if (rc) {
		free(orphans);
		return dcd_exit_code(rc);
	}

	/* select; an extent named twice is released once */
	ts = calloc((size_t)dcd_nr_extents(ctx) + 1, sizeof(*ts));
	sel = calloc((size_t)dcd_nr_extents(ctx) + 1, 1);
	if (!ts || !sel) {
		fprintf(stderr, "dcdctl release: out of memory\n");
		rc = DCD_EXIT_FAIL;
		goto out;
	}
	failed += dcd_cli_select(ctx, argv + optind, argc - optind, tag, sel, &first_err);
	/* extents: offline, write release */
	n = dcd_nr_extents(ctx);
	dcd_extent_foreach(ctx, i, e) {
		if (!sel[i])
			continue;
		rc = start_extent(ctx, e, &ts[i]);
		if (rc < 0) {
			fprintf(stderr, "%s\n", dcd_strerror(ctx));
			ts[i].result = rc;
			if (!first_err)
				first_err = rc;
			failed++;
		}
	}
	/* orphans: appended after the extent slots */
	for (j = 0; j < nr_orphans; j++) {
		int from = n;

		rc = add_orphans(ctx, orphans[j], &ts, &n);
		if (rc < 0) {
			fprintf(stderr, "%s\n", dcd_strerror(ctx));
			if (!first_err)
				first_err = rc;
			failed++;
			continue;
		}
		for (i = from; i < n; i++) {
			rc = start_orphan(ctx, &ts[i]);
			if (rc < 0) {
				fprintf(stderr, "%s\n", dcd_strerror(ctx));
				ts[i].result = rc;
				if (!first_err)
					first_err = rc;
				failed++;
			}
		}
	}
	/* extent slots not selected have no label */
	deadline = now() + (double)timeout;
	do {
		waiting = 0;
		for (i = 0; i < n; i++) {
			if (!ts[i].label[0] || ts[i].result)
				continue;
			if (target_gone(ctx, &ts[i])) {
				ts[i].result = 1;
				released++;
				fprintf(stderr, "%s: released\n", ts[i].label);
			} else {
				waiting++;
			}
		}
		if (waiting && now() < deadline)
			nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	} while (waiting && now() < deadline);
	for (i = 0; i < n; i++) {
		if (!ts[i].label[0] || ts[i].result)
			continue;
		fprintf(stderr, "%s: release pending (still present after %llu s)\n",
			ts[i].label, (unsigned long long)timeout);
		pending++;
	}
	if (released + pending + failed > 1)
		fprintf(stderr, "released %d (%d pending, %d failed)\n", released, pending,
			failed);
	else if (!released && !pending && !failed)
		fprintf(stderr, "dcdctl release: nothing selected\n");
	rc = first_err ? dcd_exit_code(first_err) : pending ? DCD_EXIT_PENDING : DCD_EXIT_OK;
out:
	free(ts);
	free(sel);
	free(orphans);
	if (own)
		dcd_ctx_free(ctx);
	return rc;
}
