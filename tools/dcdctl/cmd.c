// SPDX-License-Identifier: GPL-2.0
/* dcdctl subcommands: list, online, offline */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dcdctl.h"

int dcd_exit_code(int err)
{
	switch (err) {
	case 0: return DCD_EXIT_OK;
	case -DCD_ENOMODULE: return DCD_EXIT_NOMODULE;
	case -DCD_ENODCD: return DCD_EXIT_NODEV;
	case -ENOENT: return DCD_EXIT_NOTFOUND;
	case -EBUSY: return DCD_EXIT_BUSY;
	case -EACCES: case -EPERM: return DCD_EXIT_PERM;
	default: return DCD_EXIT_FAIL;
	}
}

/* ctx given (tests) or made here; prints the error line */
static int get_ctx(struct dcd_ctx **ctx, int *own)
{
	int rc;

	*own = 0;
	if (*ctx)
		return 0;
	rc = dcd_ctx_new(ctx, NULL);
	if (rc) {
		if (*ctx)
			fprintf(stderr, "%s\n", dcd_strerror(*ctx));
		else
			fprintf(stderr, "dcdctl: %s\n", strerror(-rc));
		dcd_ctx_free(*ctx);
		*ctx = NULL;
		return rc;
	}
	*own = 1;
	if (!dcd_root(*ctx)[0])	/* libdaxctl acts on /sys only */
		dcd_set_dax_ops(*ctx, &dcd_sysfs_ops, NULL);
	return 0;
}

static void list_usage(FILE *f)
{
	fprintf(f,
		"usage: dcdctl list [options]\n"
		"  -m, --memdev=MEMDEV     only these DC memdevs (mem0, 0; several: \"mem0 mem1\")\n"
		"  -r, --region=REGION     only extents of these CXL regions (region0, 0)\n"
		"  -t, --tag=UUID|none     only extents with this tag (none: untagged)\n"
		"  -s, --state=STATE       accepted, release-pending or orphan\n"
		"  -u, --human             hex addresses, human-readable sizes, one object unwrapped\n"
		"What the user may not read is left out, as cxl list does.\n");
}

/* true if some DC memdev matches the filter */
static int any_memdev(struct dcd_ctx *ctx, const char *filter)
{
	struct dcd_memdev *m;
	int i;

	dcd_memdev_foreach(ctx, i, m)
		if (util_dev_match(UTIL_DEV_MEMDEV, filter, m->name))
			return 1;
	return 0;
}

int cmd_list(int argc, char **argv, struct dcd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "memdev", required_argument, NULL, 'm' },
		{ "region", required_argument, NULL, 'r' },
		{ "tag", required_argument, NULL, 't' },
		{ "state", required_argument, NULL, 's' },
		{ "human", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dcd_filter f = { 0 };
	struct json_object *arr;
	struct dcd_extent *e;
	const char *bad;
	int c, rc, own, i;

	optind = 0;
	while ((c = getopt_long(argc, argv, "m:r:t:s:uh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (util_dev_filter_check(UTIL_DEV_MEMDEV, optarg, &bad)) {
				fprintf(stderr, "dcdctl list: --memdev: '%s' is not a memdev "
					"(memX or X)\n", bad);
				return DCD_EXIT_USAGE;
			}
			f.memdev = optarg;
			break;
		case 'r':
			if (util_dev_filter_check(UTIL_DEV_REGION, optarg, &bad)) {
				fprintf(stderr, "dcdctl list: --region: '%s' is not a region "
					"(regionX or X)\n", bad);
				return DCD_EXIT_USAGE;
			}
			f.region = optarg;
			break;
		case 't':
			f.tag = optarg;
			break;
		case 's':
			if (dcd_parse_state(optarg, &f.state)) {
				fprintf(stderr, "dcdctl list: unknown state '%s' "
					"(accepted, release-pending, orphan)\n", optarg);
				return DCD_EXIT_USAGE;
			}
			f.has_state = 1;
			break;
		case 'u':
			f.human = 1;
			break;
		case 'h':
			list_usage(stdout);
			return DCD_EXIT_OK;
		default:
			list_usage(stderr);
			return DCD_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dcdctl list: unexpected argument '%s'\n", argv[optind]);
		return DCD_EXIT_USAGE;
	}
	rc = get_ctx(&ctx, &own);
	if (rc)
		return dcd_exit_code(rc);
	rc = DCD_EXIT_OK;
	if (f.memdev && !any_memdev(ctx, f.memdev)) {
		fprintf(stderr, "%s: no such DC memdev\n", f.memdev);
		rc = DCD_EXIT_NOTFOUND;
		goto out;
	}
	dcd_extent_foreach(ctx, i, e)
		if (!e->memdev)
			fprintf(stderr, "%s: memdev unknown (no %s/target0?): not listed\n",
				e->name, e->region);
	arr = dcd_list_json(ctx, &f);
	if (!arr) {
		fprintf(stderr, "dcdctl list: out of memory\n");
		rc = DCD_EXIT_FAIL;
		goto out;
	}
	dcd_list_print(stdout, arr, f.human);
out:
	if (own)
		dcd_ctx_free(ctx);
	return rc;
}

/*
 * dcd_cli_select() - mark the extents a command names: each of @names
 * (extentX.Y, dax_regionX/extentX.Y or daxN.M) and, with @tag, every extent
 * carrying it ("none": the untagged ones); orphans never. @sel has one byte
 * per extent; an extent named twice is marked once. Each name or tag that
 * matches nothing gets its one stderr line and sets *first_err (-ENOENT) if
 * unset. Returns how many did not match.
 */
int dcd_cli_select(struct dcd_ctx *ctx, char **names, int nr, const char *tag, char *sel,
		   int *first_err)
{
	struct dcd_extent *e;
	int i, missing = 0, any = 0;

	for (i = 0; i < nr; i++) {
		e = dcd_find_extent(ctx, names[i]);
		if (!e) {
			fprintf(stderr, "%s: no such extent or DAX device\n", names[i]);
			if (!*first_err)
				*first_err = -ENOENT;
			missing++;
			continue;
		}
		sel[e - dcd_extent(ctx, 0)] = 1;
	}
	if (!tag)
		return missing;
	dcd_extent_foreach(ctx, i, e) {
		if (e->state == DCD_EXT_ORPHAN || !e->name[0])
			continue;
		if (strcasecmp(tag, "none") ? strcasecmp(tag, e->tag) : !dcd_tag_is_null(e->tag))
			continue;
		sel[i] = 1;
		any = 1;
	}
	if (!any) {
		fprintf(stderr, "%s: no extent with this tag\n", tag);
		*first_err = -ENOENT;
		missing++;
	}
	return missing;
}

static void onoff_usage(FILE *f, int online)
{
	fprintf(f,
		"usage: dcdctl %s (EXTENT|daxN.M)... | --tag=UUID | --all%s\n"
		"  EXTENT                  extentX.Y or dax_regionX/extentX.Y\n"
		"  -t, --tag=UUID|none     every extent with this tag\n"
		"  -a, --all               every extent with a DAX device\n",
		online ? "online" : "offline", online ? " [--zone=movable|normal]" : "");
	if (online)
		fprintf(f, "  -z, --zone=ZONE         movable (default) or normal\n");
}

static int onoff(int argc, char **argv, struct dcd_ctx *ctx, int online)
{
	static const struct option opts[] = {
		{ "tag", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ "zone", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *verb = online ? "online" : "offline";
	const char *tag = NULL;
	int all = 0, movable = 1, c, rc, own, i, first_err = 0;
	int done = 0, already = 0, failed = 0, n;
	struct dcd_extent *e;
	char *sel = NULL;

	optind = 0;
	while ((c = getopt_long(argc, argv, online ? "t:az:h" : "t:ah", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			tag = optarg;
			break;
		case 'a':
			all = 1;
			break;
		case 'z':
			if (!online)
				goto usage;
			if (!strcmp(optarg, "movable"))
				movable = 1;
			else if (!strcmp(optarg, "normal"))
				movable = 0;
			else {
				fprintf(stderr, "dcdctl online: unknown zone '%s' (movable, normal)\n",
					optarg);
				return DCD_EXIT_USAGE;
			}
			break;
		case 'h':
			onoff_usage(stdout, online);
			return DCD_EXIT_OK;
		default:
			goto usage;
		}
	}
	if ((optind < argc) + !!tag + all != 1) {
		fprintf(stderr, "dcdctl %s: give extents or DAX devices, --tag or --all\n", verb);
		goto usage;
	}
	rc = get_ctx(&ctx, &own);
	if (rc)
		return dcd_exit_code(rc);

	/* select extents: an extent named twice is acted on once */
	n = dcd_nr_extents(ctx);
	sel = calloc((size_t)n + 1, 1);
	if (!sel) {
		fprintf(stderr, "dcdctl %s: out of memory\n", verb);
		rc = DCD_EXIT_FAIL;
		goto out;
	}
	failed += dcd_cli_select(ctx, argv + optind, argc - optind, tag, sel, &first_err);
	if (all) {
		dcd_extent_foreach(ctx, i, e) {
			if (e->state == DCD_EXT_ORPHAN || !e->name[0] || !e->dax[0])
				continue;
			if (online && e->state == DCD_EXT_RELEASE_PENDING) {
				fprintf(stderr, "%s: release pending: skipped\n", e->name);
				continue;
			}
			sel[i] = 1;
		}
	}
	dcd_extent_foreach(ctx, i, e) {
		if (!sel[i])
			continue;
		rc = online ? dcd_online_extent(ctx, e, movable) : dcd_offline_extent(ctx, e);
		if (rc < 0) {
			fprintf(stderr, "%s\n", dcd_strerror(ctx));
			if (!first_err)
				first_err = rc;
			failed++;
		} else if (rc == 1) {
			fprintf(stderr, "%s: %s already %s\n", e->name, e->dax,
				online ? (movable ? "online (movable)" : "online (normal)") :
				"offline (devdax)");
			already++;
		} else {
			fprintf(stderr, "%s: %s %s\n", e->name, e->dax,
				online ? (movable ? "onlined (movable)" : "onlined (normal)") :
				"offlined (devdax)");
			done++;
		}
	}
	/* one summary for several targets; a single failure is its one error line */
	if (done + already + failed > 1)
		fprintf(stderr, "%s %d extent%s (%d already, %d failed)\n",
			online ? "onlined" : "offlined", done, done == 1 ? "" : "s", already,
			failed);
	else if (!done && !already && !failed)
		fprintf(stderr, "dcdctl %s: no extent selected\n", verb);
	rc = dcd_exit_code(first_err);
out:
	free(sel);
	if (own)
		dcd_ctx_free(ctx);
	return rc;
usage:
	onoff_usage(stderr, online);
	return DCD_EXIT_USAGE;
}

int cmd_online(int argc, char **argv, struct dcd_ctx *ctx)
{
	return onoff(argc, argv, ctx, 1);
}

int cmd_offline(int argc, char **argv, struct dcd_ctx *ctx)
{
	return onoff(argc, argv, ctx, 0);
}

int dcd_cli_ctx(struct dcd_ctx **ctx, int *own)
{
	return get_ctx(ctx, own);
}
