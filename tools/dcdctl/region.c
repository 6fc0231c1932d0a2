// SPDX-License-Identifier: GPL-2.0
/*
 * dcdctl create-region / destroy-region: a 1-way ram region over a DC
 * memdev's DC partition (cxl_dcd registers it as the core's "ram"
 * partition), so that no cxl-cli able to create ram regions is needed
 * (Debian 12's ndctl 76.1 is not). On the real sysfs the topology walk and
 * the steps go through libcxl (region-cxl.c; only create_ram_region, which
 * libcxl 76.1 lacks, is written directly); on a fake tree
 * (DCDCTL_SYSFS_ROOT, the unit tests) the same steps are sysfs writes here.
 *
 * Create: root decoder create_ram_region, region interleave_ways = 1,
 * interleave_granularity (the root decoder's), size; endpoint decoder
 * mode = ram, dpa_size; region target0, commit; bind to cxl_region.
 * Each step is undone in reverse order when a later one fails.
 *
 * Destroy: (offline its DC memory with --force), unbind from cxl_region
 * (cxl_dcd then releases the region's extents), commit = 0, clear target0,
 * endpoint decoder dpa_size = 0, root decoder delete_region.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "dcdctl.h"
#include "region.h"

#define CXLD "sys/bus/cxl/devices"
#define REGION_DRV "sys/bus/cxl/drivers/cxl_region"
#define SZ_256M DCD_REGION_ALIGN

/* the endpoint port (endpointN) whose uport is memdev */
static int find_endpoint(struct dcd_ctx *ctx, const char *memdev, char *ep, size_t len)
{
	char p[PATH_MAX], up[DCD_NAME_MAX];
	struct dirent *de;
	DIR *d;
	int rc = -ENXIO;

	dcd_path(ctx, p, sizeof(p), CXLD);
	d = opendir(p);
	while (d && (de = readdir(d))) {
		if (!util_is_dev(UTIL_DEV_ENDPOINT, de->d_name))
			continue;
		dcd_path(ctx, p, sizeof(p), CXLD "/%s/uport", de->d_name);
		if (!util_sysfs_link_name(p, up, sizeof(up)) && !strcmp(up, memdev)) {
			snprintf(ep, len, "%s", de->d_name);
			rc = 0;
			break;
		}
	}
	if (d)
		closedir(d);
	if (rc)
		dcd_seterr(ctx, rc, "%s: no endpoint port (is cxl_mem bound?)", memdev);
	return rc;
}

/* realpath(a) == realpath(b) */
static int same_dev(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

/*
 * Root decoders that can reach the endpoint: the endpoint's real path is
 * .../rootR/portP/.../endpointE; rootR's dportD link leads to portP's uport
 * (the host bridge), and a root decoder reaches it when D is in its
 * target_list. Picks the first such decoder with cap_ram; if the host
 * bridge cannot be worked out, the only cap_ram root decoder, if one.
 */
static int find_root_decoder(struct dcd_ctx *ctx, const char *ep, char *out, size_t len)
{
	char p[PATH_MAX], q[PATH_MAX], real[PATH_MAX], root[DCD_NAME_MAX] = "";
	char hb[DCD_NAME_MAX] = "", buf[256], prefix[DCD_NAME_MAX], first[DCD_NAME_MAX] = "";
	struct dirent *de;
	long dport = -1;
	int nr_ram = 0;
	char *s, *save;
	DIR *d;

	dcd_path(ctx, p, sizeof(p), CXLD "/%s", ep);
	if (realpath(p, real)) {
		for (s = strtok_r(real, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
			if (util_is_dev(UTIL_DEV_ROOT, s)) {
				snprintf(root, sizeof(root), "%s", s);
			} else if (root[0] && util_is_dev(UTIL_DEV_PORT, s)) {
				snprintf(hb, sizeof(hb), "%s", s);
				break;
			}
		}
	}
	if (root[0] && hb[0]) {
		dcd_path(ctx, q, sizeof(q), CXLD "/%s/uport", hb);
		dcd_path(ctx, p, sizeof(p), CXLD "/%s", root);
		d = opendir(p);
		while (d && (de = readdir(d))) {
			if (strncmp(de->d_name, "dport", 5))
				continue;
			dcd_path(ctx, p, sizeof(p), CXLD "/%s/%s", root, de->d_name);
			if (same_dev(p, q)) {
				dport = strtol(de->d_name + 5, NULL, 10);
				break;
			}
		}
		if (d)
			closedir(d);
	}
	snprintf(prefix, sizeof(prefix), "decoder%s.", root[0] ? root + 4 : "0");
	dcd_path(ctx, p, sizeof(p), CXLD);
	d = opendir(p);
	while (d && (de = readdir(d))) {
		uint64_t cap;

		if (strncmp(de->d_name, prefix, strlen(prefix)) || !util_is_dev(UTIL_DEV_DECODER, de->d_name))
			continue;
		dcd_path(ctx, p, sizeof(p), CXLD "/%s/cap_ram", de->d_name);
		if (dcd_read_u64(ctx, p, &cap) || cap != 1)
			continue;
		nr_ram++;
		if (!first[0] || strcmp(de->d_name, first) < 0)
			snprintf(first, sizeof(first), "%s", de->d_name);
		if (dport < 0)
			continue;
		dcd_path(ctx, p, sizeof(p), CXLD "/%s/target_list", de->d_name);
		if (dcd_read(ctx, p, buf, sizeof(buf)))
			continue;
		for (s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save))
			if (strtol(s, NULL, 10) == dport && (!out[0] || strcmp(de->d_name, out) < 0))
				snprintf(out, len, "%s", de->d_name);
	}
	if (d)
		closedir(d);
	if (out[0])
		return 0;
	if (dport < 0 && nr_ram == 1) {
		snprintf(out, len, "%s", first);
		return 0;
	}
	return dcd_seterr(ctx, -ENXIO, "%s: no %sroot decoder with cap_ram reaches it%s", ep,
			  nr_ram ? "single " : "", nr_ram ? ": choose one with -d" : "");
}

#define plan dcd_region_plan

enum stage { ST_NONE, ST_CREATED, ST_SIZED, ST_DPA, ST_TARGET, ST_COMMIT, ST_BOUND };

/* endpoint decoder to use (lowest id without DPA) and the free DC capacity */
static int pick_endpoint_decoder(struct dcd_ctx *ctx, struct plan *pl, uint64_t *avail)
{
	char p[PATH_MAX], prefix[DCD_NAME_MAX];
	uint64_t ram, used = 0, v;
	long best = LONG_MAX, id;
	struct dirent *de;
	int rc = 0;
	DIR *d;

	dcd_path(ctx, p, sizeof(p), CXLD "/%s/ram/size", pl->memdev);
	rc = dcd_read_u64(ctx, p, &ram);
	if (rc)
		return rc;
	snprintf(prefix, sizeof(prefix), "decoder%s.", pl->ep + 8);
	dcd_path(ctx, p, sizeof(p), CXLD);
	d = opendir(p);
	while (!rc && d && (de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) || !util_is_dev(UTIL_DEV_DECODER, de->d_name))
			continue;
		dcd_path(ctx, p, sizeof(p), CXLD "/%s/dpa_size", de->d_name);
		rc = dcd_read_u64(ctx, p, &v);
		if (rc)
			break;
		used += v;
		id = strtol(de->d_name + strlen(prefix), NULL, 10);
		if (!v && id < best) {
			best = id;
			snprintf(pl->epd, sizeof(pl->epd), "%s", de->d_name);
		}
	}
	if (d)
		closedir(d);
	if (rc)
		return rc;
	if (best == LONG_MAX)
		return dcd_seterr(ctx, -EBUSY, "%s: every decoder of %s is in use", pl->memdev,
				  pl->ep);
	*avail = used < ram ? ram - used : 0;
	return 0;
}

static int wr(struct dcd_ctx *ctx, const char *val, const char *fmt, const char *dev,
	      const char *attr)
{
	char p[PATH_MAX];

	dcd_path(ctx, p, sizeof(p), fmt, dev, attr);
	return dcd_write(ctx, p, val);
}

#define WR(ctx, dev, attr, val) wr(ctx, val, CXLD "/%s/%s", dev, attr)

static void undo(struct dcd_ctx *ctx, struct plan *pl, enum stage st)
{
	char msg[512];

	/* keep the first error's message; report failures of the undo */
	snprintf(msg, sizeof(msg), "%s", dcd_strerror(ctx));
	if (st >= ST_BOUND && wr(ctx, pl->region, "%s/%s", REGION_DRV, "unbind"))
		fprintf(stderr, "%s: undo: %s\n", pl->region, dcd_strerror(ctx));
	if (st >= ST_COMMIT && WR(ctx, pl->region, "commit", "0\n"))
		fprintf(stderr, "%s: undo: %s\n", pl->region, dcd_strerror(ctx));
	if (st >= ST_TARGET && WR(ctx, pl->region, "target0", "\n"))
		fprintf(stderr, "%s: undo: %s\n", pl->region, dcd_strerror(ctx));
	if (st >= ST_DPA && WR(ctx, pl->epd, "dpa_size", "0\n"))
		fprintf(stderr, "%s: undo: %s\n", pl->region, dcd_strerror(ctx));
	if (st >= ST_SIZED && WR(ctx, pl->region, "size", "0\n"))
		fprintf(stderr, "%s: undo: %s\n", pl->region, dcd_strerror(ctx));
	if (st >= ST_CREATED && WR(ctx, pl->root, "delete_region", pl->region))
		fprintf(stderr, "%s: undo: %s\n", pl->region, dcd_strerror(ctx));
	dcd_seterr(ctx, 0, "%s", msg);
}

static struct json_object *region_json(struct dcd_ctx *ctx, struct plan *pl, int human)
{
	struct json_object *o = json_object_new_object(), *maps, *m;
	char p[PATH_MAX], buf[64];
	uint64_t res;

	json_object_object_add(o, "region", json_object_new_string(pl->region));
	dcd_path(ctx, p, sizeof(p), CXLD "/%s/resource", pl->region);
	if (!dcd_read_u64(ctx, p, &res)) {
		if (human) {
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)res);
			json_object_object_add(o, "resource", json_object_new_string(buf));
		} else {
			json_object_object_add(o, "resource", json_object_new_uint64(res));
		}
	}
	if (human)
		json_object_object_add(o, "size", json_object_new_string(
			util_size_human(pl->size, buf, sizeof(buf))));
	else
		json_object_object_add(o, "size", json_object_new_uint64(pl->size));
	json_object_object_add(o, "type", json_object_new_string("ram"));
	json_object_object_add(o, "interleave_ways", json_object_new_int(1));
	json_object_object_add(o, "interleave_granularity", json_object_new_int64((int64_t)pl->ig));
	json_object_object_add(o, "decode_state", json_object_new_string("commit"));
	json_object_object_add(o, "root_decoder", json_object_new_string(pl->root));
	maps = json_object_new_array();
	m = json_object_new_object();
	json_object_object_add(m, "position", json_object_new_int(0));
	json_object_object_add(m, "memdev", json_object_new_string(pl->memdev));
	json_object_object_add(m, "decoder", json_object_new_string(pl->epd));
	json_object_array_add(maps, m);
	json_object_object_add(o, "mappings", maps);
	snprintf(buf, sizeof(buf), "dax_region%s", pl->region + 6);
	dcd_path(ctx, p, sizeof(p), CXLD "/%s", buf);
	if (util_sysfs_exists(p))
		json_object_object_add(o, "dax_region", json_object_new_string(buf));
	return o;
}

static void create_usage(FILE *f)
{
	fprintf(f,
		"usage: dcdctl create-region -m memX [-s SIZE] [-d decoderX.Y] [-u]\n"
		"  -m, --memdev=memX       the DC memdev (required)\n"
		"  -s, --size=SIZE         region size, a multiple of 256M (default: all free DC capacity)\n"
		"  -d, --decoder=decoderX.Y  root decoder (default: the first with cap_ram that reaches memX)\n"
		"  -u, --human             hex addresses and human-readable sizes\n");
}

static int do_create(struct dcd_ctx *ctx, struct plan *pl, int has_size)
{
	char p[PATH_MAX], buf[64];
	enum stage st = ST_NONE;
	uint64_t avail = 0, v;
	int rc;

	if (!dcd_find_memdev(ctx, pl->memdev)) {
		dcd_path(ctx, p, sizeof(p), CXLD "/%s", pl->memdev);
		if (util_sysfs_exists(p))
			return dcd_seterr(ctx, -DCD_ENODCD, "%s: not a DC memdev", pl->memdev);
		return dcd_seterr(ctx, -ENOENT, "%s: no such memdev", pl->memdev);
	}
	if (util_sysfs_is_real(dcd_sysfs(ctx)))
		return dcd_cxl_create_region(ctx, pl, has_size);
	rc = find_endpoint(ctx, pl->memdev, pl->ep, sizeof(pl->ep));
	if (rc)
		return rc;
	if (pl->root[0]) {
		dcd_path(ctx, p, sizeof(p), CXLD "/%s/create_ram_region", pl->root);
		if (!util_sysfs_exists(p))
			return dcd_seterr(ctx, -ENOENT, "%s: no such root decoder", pl->root);
		dcd_path(ctx, p, sizeof(p), CXLD "/%s/cap_ram", pl->root);
		if ((rc = dcd_read_u64(ctx, p, &v)))
			return rc;
		if (v != 1)
			return dcd_seterr(ctx, -EINVAL, "%s: not volatile capable (cap_ram 0)",
					  pl->root);
	} else if ((rc = find_root_decoder(ctx, pl->ep, pl->root, sizeof(pl->root)))) {
		return rc;
	}
	if ((rc = pick_endpoint_decoder(ctx, pl, &avail)))
		return rc;
	if (!has_size)
		pl->size = avail & ~(SZ_256M - 1);
	if (!pl->size)
		return dcd_seterr(ctx, -ENOSPC, "%s: no free DC capacity of 256 MiB or more",
				  pl->memdev);
	if (pl->size > avail)
		return dcd_seterr(ctx, -ENOSPC, "%s: %s requested, only %s of DC capacity free",
				  pl->memdev, util_size_human(pl->size, p, 64),
				  util_size_human(avail, buf, sizeof(buf)));
	dcd_path(ctx, p, sizeof(p), CXLD "/%s/interleave_granularity", pl->root);
	if ((rc = dcd_read_u64(ctx, p, &pl->ig)))
		return rc;

	/* 1. a new region */
	dcd_path(ctx, p, sizeof(p), CXLD "/%s/create_ram_region", pl->root);
	if ((rc = dcd_read(ctx, p, pl->region, sizeof(pl->region))))
		return rc;
	if (!util_is_dev(UTIL_DEV_REGION, pl->region))
		return dcd_seterr(ctx, -EINVAL, "%s: create_ram_region: malformed value '%s'",
				  pl->root, pl->region);
	if ((rc = dcd_write(ctx, p, pl->region)))
		return rc;
	st = ST_CREATED;
	dcd_path(ctx, p, sizeof(p), CXLD "/%s", pl->region);
	if (!util_sysfs_exists(p)) {
		rc = dcd_seterr(ctx, -ENXIO, "%s: %s did not appear", pl->root, pl->region);
		goto fail;
	}
	/* 2. geometry and HPA */
	snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)pl->ig);
	if ((rc = WR(ctx, pl->region, "interleave_ways", "1\n")) ||
	    (rc = WR(ctx, pl->region, "interleave_granularity", buf)))
		goto fail;
	snprintf(buf, sizeof(buf), "0x%llx\n", (unsigned long long)pl->size);
	if ((rc = WR(ctx, pl->region, "size", buf)))
		goto fail;
	st = ST_SIZED;
	/* 3. DPA of the DC ("ram") partition */
	dcd_path(ctx, p, sizeof(p), CXLD "/%s/mode", pl->epd);
	if ((rc = dcd_read(ctx, p, buf, sizeof(buf))))
		goto fail;
	if (strcmp(buf, "ram") && (rc = WR(ctx, pl->epd, "mode", "ram\n")))
		goto fail;
	snprintf(buf, sizeof(buf), "0x%llx\n", (unsigned long long)pl->size);
	if ((rc = WR(ctx, pl->epd, "dpa_size", buf)))
		goto fail;
	st = ST_DPA;
	/* 4. attach, commit, enable */
	if ((rc = WR(ctx, pl->region, "target0", pl->epd)))
		goto fail;
	st = ST_TARGET;
	if ((rc = WR(ctx, pl->region, "commit", "1\n")))
		goto fail;
	st = ST_COMMIT;
	if ((rc = wr(ctx, pl->region, "%s/%s", REGION_DRV, "bind")))
		goto fail;
	return 0;
fail:
	undo(ctx, pl, st);
	return rc;
}

int cmd_create_region(int argc, char **argv, struct dcd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "memdev", required_argument, NULL, 'm' },
		{ "size", required_argument, NULL, 's' },
		{ "decoder", required_argument, NULL, 'd' },
		{ "human", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct plan pl = { 0 };
	struct json_object *o;
	const char *why;
	char sz[64];
	int c, rc, own, human = 0, has_size = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "m:s:d:uh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (util_dev_name(UTIL_DEV_MEMDEV, optarg, pl.memdev, sizeof(pl.memdev))) {
				fprintf(stderr, "dcdctl create-region: bad memdev '%s'\n", optarg);
				return DCD_EXIT_USAGE;
			}
			break;
		case 's':
			if (util_parse_size(optarg, &pl.size, &why)) {
				fprintf(stderr, "dcdctl create-region: --size '%s': %s\n", optarg,
					why);
				return DCD_EXIT_USAGE;
			}
			if (!pl.size || pl.size % SZ_256M) {
				fprintf(stderr, "dcdctl create-region: --size '%s': not a non-zero "
					"multiple of 256M\n", optarg);
				return DCD_EXIT_USAGE;
			}
			has_size = 1;
			break;
		case 'd':
			if (util_dev_name(UTIL_DEV_DECODER, optarg, pl.root, sizeof(pl.root))) {
				fprintf(stderr, "dcdctl create-region: bad root decoder '%s' "
					"(decoderX.Y)\n", optarg);
				return DCD_EXIT_USAGE;
			}
			break;
		case 'u':
			human = 1;
			break;
		case 'h':
			create_usage(stdout);
			return DCD_EXIT_OK;
		default:
			create_usage(stderr);
			return DCD_EXIT_USAGE;
		}
	}
	if (optind < argc || !pl.memdev[0]) {
		fprintf(stderr, "dcdctl create-region: %s\n",
			optind < argc ? "unexpected argument" : "-m memX is required");
		return DCD_EXIT_USAGE;
	}
	rc = dcd_cli_ctx(&ctx, &own);
	if (rc)
		return dcd_exit_code(rc);
	rc = do_create(ctx, &pl, has_size);
	if (rc) {
		fprintf(stderr, "%s\n", dcd_strerror(ctx));
		goto out;
	}
	o = region_json(ctx, &pl, human);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_SPACED |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	fprintf(stderr, "%s: created over %s (%s)\n", pl.region, pl.memdev,
		util_size_human(pl.size, sz, sizeof(sz)));
out:
	if (own)
		dcd_ctx_free(ctx);
	return dcd_exit_code(rc);
}

/* ---- destroy ---- */

static int memory_in_use(const struct dcd_extent *e)
{
	return e->dax[0] && (e->mem.mode == DCD_MODE_SYSTEM_RAM || e->mem.online_blocks ||
			     e->mem.blocks_present);
}

static int do_destroy(struct dcd_ctx *ctx, const char *region, int force)
{
	char p[PATH_MAX], root[DCD_NAME_MAX], epd[DCD_NAME_MAX] = "", ep[DCD_NAME_MAX];
	char md[DCD_NAME_MAX], buf[64], list[256] = "";
	int real = util_sysfs_is_real(dcd_sysfs(ctx));
	struct dcd_extent *e;
	int rc, i, busy = 0;
	uint64_t v;

	if (real) {
		rc = dcd_cxl_region_target(ctx, region, epd, md);
		if (rc)
			return rc;
		if (epd[0] && !dcd_find_memdev(ctx, md))
			return dcd_seterr(ctx, -DCD_ENODCD, "%s: not a DC region (use cxl "
					  "destroy-region)", region);
		goto check_busy;
	}
	dcd_path(ctx, p, sizeof(p), CXLD "/%s", region);
	if (!util_sysfs_exists(p))
		return dcd_seterr(ctx, -ENOENT, "%s: no such region", region);
	rc = util_sysfs_parent_name(p, root, sizeof(root));
	if (rc || !util_is_dev(UTIL_DEV_DECODER, root))
		return dcd_seterr(ctx, -EINVAL, "%s: no root decoder above it", region);
	/* a DC region: its target is a decoder of a DC memdev's endpoint */
	dcd_path(ctx, p, sizeof(p), CXLD "/%s/target0", region);
	if (!dcd_read(ctx, p, epd, sizeof(epd)) && epd[0]) {
		dcd_path(ctx, p, sizeof(p), CXLD "/%s", epd);
		if (util_sysfs_parent_name(p, ep, sizeof(ep)))
			return dcd_seterr(ctx, -EINVAL, "%s: target0 %s: no such decoder", region,
					  epd);
		dcd_path(ctx, p, sizeof(p), CXLD "/%s/uport", ep);
		if (util_sysfs_link_name(p, md, sizeof(md)) || !dcd_find_memdev(ctx, md))
			return dcd_seterr(ctx, -DCD_ENODCD, "%s: not a DC region (use cxl "
					  "destroy-region)", region);
	} else {
		epd[0] = '\0';	/* never attached: nothing of it is DC memory */
	}
check_busy:
	dcd_extent_foreach(ctx, i, e) {
		if (strcmp(e->region, region) || !memory_in_use(e))
			continue;
		if (!force) {
			size_t n = strlen(list);

			snprintf(list + n, sizeof(list) - n, "%s%s (%s)", busy ? ", " : "",
				 e->name, e->dax);
			busy++;
			continue;
		}
		rc = dcd_offline_extent(ctx, e);
		if (rc < 0)
			return rc;
		fprintf(stderr, "%s: %s offlined (%s)\n", e->name, e->dax,
			e->mem.mode == DCD_MODE_DEVDAX ? "devdax" : "kmem let go: cxl_dcd releases it");
	}
	if (busy)
		return dcd_seterr(ctx, -EBUSY, "%s: busy: DC memory online in %s; offline it or "
				  "use --force", region, list);
	if (real)
		return dcd_cxl_teardown_region(ctx, region);
	dcd_path(ctx, p, sizeof(p), CXLD "/%s/driver", region);
	if (util_sysfs_exists(p) && (rc = wr(ctx, region, "%s/%s", REGION_DRV, "unbind")))
		return rc;
	dcd_path(ctx, p, sizeof(p), CXLD "/%s/commit", region);
	if ((rc = dcd_read_u64(ctx, p, &v)))
		return rc;
	if (v && (rc = WR(ctx, region, "commit", "0\n")))
		return rc;
	if (epd[0]) {
		if ((rc = WR(ctx, region, "target0", "\n")) ||
		    (rc = WR(ctx, epd, "dpa_size", "0\n")))
			return rc;
	}
	snprintf(buf, sizeof(buf), "%s\n", region);
	return WR(ctx, root, "delete_region", buf);
}

static void destroy_usage(FILE *f)
{
	fprintf(f,
		"usage: dcdctl destroy-region regionX [--force]\n"
		"  -f, --force             offline the region's DC memory first\n");
}

int cmd_destroy_region(int argc, char **argv, struct dcd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char region[DCD_NAME_MAX];
	int c, rc, own, force = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = 1;
			break;
		case 'h':
			destroy_usage(stdout);
			return DCD_EXIT_OK;
		default:
			destroy_usage(stderr);
			return DCD_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "dcdctl destroy-region: give one region\n");
		return DCD_EXIT_USAGE;
	}
	if (util_dev_name(UTIL_DEV_REGION, argv[optind], region, sizeof(region))) {
		fprintf(stderr, "dcdctl destroy-region: bad region '%s'\n", argv[optind]);
		return DCD_EXIT_USAGE;
	}
	rc = dcd_cli_ctx(&ctx, &own);
	if (rc)
		return dcd_exit_code(rc);
	rc = do_destroy(ctx, region, force);
	if (rc)
		fprintf(stderr, "%s\n", dcd_strerror(ctx));
	else
		fprintf(stderr, "%s: destroyed\n", region);
	if (own)
		dcd_ctx_free(ctx);
	return dcd_exit_code(rc);
}
