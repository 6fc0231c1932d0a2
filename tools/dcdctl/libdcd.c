// SPDX-License-Identifier: GPL-2.0
/*
 * libdcd: enumeration of cxl_dcd's sysfs under a configurable root, and the
 * verified online/offline actions (backend in daxops.c or the tests).
 * Interface: Documentation/ABI/testing/sysfs-bus-cxl-dcd,
 * Documentation/admin-guide.rst.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libdcd.h"
#include "sysfs.h"
#include "size.h"
#include "name.h"

#define CXL_DEVS "sys/bus/cxl/devices"
#define DAX_DEVS "sys/bus/dax/devices"
#define MEM_DIR "sys/devices/system/memory"

struct dcd_ctx {
	struct util_sysfs sys;
	char err[512];
	struct dcd_memdev *memdevs;
	int nr_memdevs;
	struct dcd_extent *extents;
	int nr_extents, cap_extents;
	const struct dcd_dax_ops *ops;
	void *ops_priv;
};

int dcd_seterr(struct dcd_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
	return err;
}

const char *dcd_strerror(struct dcd_ctx *ctx)
{
	return ctx->err;
}

const char *dcd_root(struct dcd_ctx *ctx)
{
	return ctx->sys.root;
}

const struct util_sysfs *dcd_sysfs(struct dcd_ctx *ctx)
{
	return &ctx->sys;
}

void dcd_set_dax_ops(struct dcd_ctx *ctx, const struct dcd_dax_ops *ops, void *priv)
{
	ctx->ops = ops;
	ctx->ops_priv = priv;
}

void *dcd_dax_ops_priv(struct dcd_ctx *ctx)
{
	return ctx->ops_priv;
}

int dcd_nr_memdevs(struct dcd_ctx *ctx) { return ctx->nr_memdevs; }
int dcd_nr_extents(struct dcd_ctx *ctx) { return ctx->nr_extents; }

struct dcd_memdev *dcd_memdev(struct dcd_ctx *ctx, int i)
{
	return i >= 0 && i < ctx->nr_memdevs ? &ctx->memdevs[i] : NULL;
}

struct dcd_extent *dcd_extent(struct dcd_ctx *ctx, int i)
{
	return i >= 0 && i < ctx->nr_extents ? &ctx->extents[i] : NULL;
}

/* ---- parsing ---- */

static const char *const state_names[] = {
	[DCD_EXT_ACCEPTED] = "accepted",
	[DCD_EXT_RELEASE_PENDING] = "release-pending",
	[DCD_EXT_ORPHAN] = "orphan",
};

const char *dcd_state_name(enum dcd_extent_state s)
{
	return s <= DCD_EXT_ORPHAN ? state_names[s] : "unknown";
}

int dcd_parse_state(const char *s, enum dcd_extent_state *out)
{
	unsigned int i;

	for (i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (!strcmp(s, state_names[i])) {
			*out = i;
			return 0;
		}
	return -EINVAL;
}

const char *dcd_mode_name(enum dcd_dax_mode m)
{
	switch (m) {
	case DCD_MODE_DISABLED: return "disabled";
	case DCD_MODE_DEVDAX: return "devdax";
	case DCD_MODE_SYSTEM_RAM: return "system-ram";
	case DCD_MODE_UNKNOWN: return "unknown";
	default: return "none";
	}
}

const char *dcd_zone_name(enum dcd_zone z)
{
	switch (z) {
	case DCD_ZONE_MOVABLE: return "movable";
	case DCD_ZONE_NORMAL: return "normal";
	case DCD_ZONE_MIXED: return "mixed";
	default: return "none";
	}
}

int dcd_tag_is_null(const char *tag)
{
	return !tag[0] || !strcmp(tag, "00000000-0000-0000-0000-000000000000");
}

/* ---- sysfs access under the root ---- */

/* read <dir>/<attr> as a number; errors name the device and attribute */
static int read_num(struct dcd_ctx *ctx, const char *dev, const char *dir,
		    const char *attr, int base, uint64_t *out)
{
	char p[PATH_MAX], buf[128];
	int rc;

	snprintf(p, sizeof(p), "%s/%s", dir, attr);
	rc = util_sysfs_read(p, buf, sizeof(buf));
	if (rc)
		return dcd_seterr(ctx, rc, "%s: %s: %s", dev, attr, strerror(-rc));
	if (util_sysfs_parse_u64(buf, base, out))
		return dcd_seterr(ctx, -EINVAL, "%s: %s: malformed value '%s'", dev, attr, buf);
	return 0;
}

/* "<prefix><num>" exactly; *id = num */
static int name_id(const char *name, enum util_dev kind, int *id)
{
	*id = util_dev_id(kind, name);
	return *id >= 0;
}

/* ---- memdevs ---- */

static int cmp_memdev(const void *a, const void *b)
{
	return ((const struct dcd_memdev *)a)->id - ((const struct dcd_memdev *)b)->id;
}

static int add_memdev(struct dcd_ctx *ctx, const char *name, int id)
{
	char dir[PATH_MAX], sub[PATH_MAX];
	struct dcd_memdev *m, *arr;
	uint64_t v;
	int rc, i;

	arr = realloc(ctx->memdevs, sizeof(*arr) * (size_t)(ctx->nr_memdevs + 1));
	if (!arr)
		return dcd_seterr(ctx, -ENOMEM, "%s: out of memory", name);
	ctx->memdevs = arr;
	m = &arr[ctx->nr_memdevs];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->id = id;

	util_sysfs_path(&ctx->sys, dir, sizeof(dir), CXL_DEVS "/%s", name);
	snprintf(sub, sizeof(sub), "%s/dynamic_ram_1", dir);
	if (util_sysfs_exists(sub)) {
		rc = read_num(ctx, name, dir, "dynamic_ram_1/size", 16, &m->dc_size);
		if (rc && rc != -EACCES)
			return rc;
		m->has_dc_size = !rc;
	}
	rc = read_num(ctx, name, dir, "dcd/region_count", 10, &v);
	if (rc == -EACCES) {
		m->regions_unknown = 1;
		ctx->nr_memdevs++;
		return 0;
	}
	if (rc)
		return rc;
	if (v < 1 || v > DCD_MAX_DC_REGIONS)
		return dcd_seterr(ctx, -EINVAL, "%s: dcd/region_count: %llu out of range 1-%d",
				  name, (unsigned long long)v, DCD_MAX_DC_REGIONS);
	m->nr_dc_regions = (int)v;
	for (i = 0; i < m->nr_dc_regions; i++) {
		struct dcd_dc_region *r = &m->dc_regions[i];

		r->id = i;
#define RD(attr, base, out) \
		(snprintf(sub, sizeof(sub), "dcd/region%d/" attr, i), \
		 read_num(ctx, name, dir, sub, base, out))
		if ((rc = RD("base", 16, &r->base)) ||
		    (rc = RD("decode_length", 16, &r->decode_length)) ||
		    (rc = RD("length", 16, &r->length)) ||
		    (rc = RD("block_size", 16, &r->block_size)) ||
		    (rc = RD("dsmad_handle", 10, &v))) {
			if (rc != -EACCES)
				return rc;
			r->unknown = 1;
			continue;
		}
		if (v > 255)
			return dcd_seterr(ctx, -EINVAL, "%s: dcd/region%d/dsmad_handle: %llu out "
					  "of range", name, i, (unsigned long long)v);
		r->dsmad_handle = (unsigned int)v;
		if ((rc = RD("flags", 16, &v))) {
			if (rc != -EACCES)
				return rc;
			r->unknown = 1;
			continue;
		}
#undef RD
		if (v > 255)
			return dcd_seterr(ctx, -EINVAL, "%s: dcd/region%d/flags: 0x%llx out of "
					  "range", name, i, (unsigned long long)v);
		r->flags = (unsigned int)v;
		if (!r->length || !r->block_size || (r->block_size & (r->block_size - 1)) ||
		    r->length % r->block_size || r->base + r->length < r->base)
			return dcd_seterr(ctx, -EINVAL, "%s: dcd/region%d: inconsistent geometry "
					  "(length 0x%llx, block size 0x%llx)", name, i,
					  (unsigned long long)r->length,
					  (unsigned long long)r->block_size);
	}
	ctx->nr_memdevs++;
	return 0;
}

static struct dcd_extent *new_extent(struct dcd_ctx *ctx)
{
	struct dcd_extent *e;

	if (ctx->nr_extents == ctx->cap_extents) {
		int cap = ctx->cap_extents ? ctx->cap_extents * 2 : 16;
		struct dcd_extent *arr = realloc(ctx->extents, sizeof(*arr) * (size_t)cap);

		if (!arr)
			return NULL;
		ctx->extents = arr;
		ctx->cap_extents = cap;
	}
	e = &ctx->extents[ctx->nr_extents++];
	memset(e, 0, sizeof(*e));
	e->dc_region = -1;
	e->mem.target_node = -1;
	e->mem.node = -1;
	return e;
}

static int dc_region_of(struct dcd_memdev *m, uint64_t dpa)
{
	int i;

	for (i = 0; m && i < m->nr_dc_regions; i++)
		if (!m->dc_regions[i].unknown && dpa >= m->dc_regions[i].base &&
		    dpa - m->dc_regions[i].base < m->dc_regions[i].length)
			return i;
	return -1;
}

static int add_orphans(struct dcd_ctx *ctx, int mi)
{
	char p[PATH_MAX], line[256];
	FILE *f;
	int lineno = 0;

	util_sysfs_path(&ctx->sys, p, sizeof(p), CXL_DEVS "/%s/dcd/orphans", ctx->memdevs[mi].name);
	f = fopen(p, "re");
	if (!f) {
		if (errno == ENOENT || errno == EACCES || errno == EPERM)
			return 0;	/* cxl_dcd 0.1; or not for this user */
		return dcd_seterr(ctx, -errno, "%s: dcd/orphans: %s", ctx->memdevs[mi].name,
				  strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		char a[128], b[128], extra[2];
		struct dcd_extent *e;
		uint64_t dpa, len;

		lineno++;
		if (line[0] == '\n')
			continue;
		if (sscanf(line, "%127s %127s %1s", a, b, extra) != 2 ||
		    strncmp(a, "0x", 2) || strncmp(b, "0x", 2) ||
		    util_sysfs_parse_u64(a, 16, &dpa) || util_sysfs_parse_u64(b, 16, &len) || !len) {
			line[strcspn(line, "\n")] = '\0';
			fclose(f);
			return dcd_seterr(ctx, -EINVAL, "%s: dcd/orphans line %d: malformed '%s'",
					  ctx->memdevs[mi].name, lineno, line);
		}
		e = new_extent(ctx);
		if (!e) {
			fclose(f);
			return dcd_seterr(ctx, -ENOMEM, "out of memory");
		}
		e->memdev = &ctx->memdevs[mi];
		e->dpa = dpa;
		e->length = len;
		e->state = DCD_EXT_ORPHAN;
		e->dc_region = dc_region_of(e->memdev, dpa);
	}
	fclose(f);
	return 0;
}

/* ---- DAX device and memory blocks ---- */

static int read_mem(struct dcd_ctx *ctx, const char *dax, struct dcd_mem *mem)
{
	char dir[PATH_MAX], p[PATH_MAX], drv[DCD_NAME_MAX], buf[256];
	uint64_t v, first, last, k;
	int rc, movable = 0, normal = 0;

	memset(mem, 0, sizeof(*mem));
	mem->target_node = -1;
	mem->node = -1;
	util_sysfs_path(&ctx->sys, dir, sizeof(dir), DAX_DEVS "/%s", dax);
	if (!util_sysfs_exists(dir))
		return dcd_seterr(ctx, -ENOENT, "%s: no such DAX device", dax);
	snprintf(p, sizeof(p), "%s/driver", dir);
	rc = util_sysfs_link_name(p, drv, sizeof(drv));
	if (rc == -ENOENT)
		mem->mode = DCD_MODE_DISABLED;
	else if (rc)
		return dcd_seterr(ctx, rc, "%s: driver: %s", dax, strerror(-rc));
	else if (!strcmp(drv, "kmem"))
		mem->mode = DCD_MODE_SYSTEM_RAM;
	else if (!strcmp(drv, "device_dax"))
		mem->mode = DCD_MODE_DEVDAX;
	else
		mem->mode = DCD_MODE_UNKNOWN;

	if ((rc = read_num(ctx, dax, dir, "resource", 16, &mem->resource)) ||
	    (rc = read_num(ctx, dax, dir, "size", 10, &mem->size))) {
		if (rc != -EACCES)
			return rc;
		mem->range_unknown = 1;		/* resource is 0400 */
	}
	snprintf(p, sizeof(p), "%s/target_node", dir);
	if (!util_sysfs_read(p, buf, sizeof(buf))) {
		long n;
		char *end;

		n = strtol(buf, &end, 10);
		if (*end || end == buf || n < -1 || n > INT_MAX)
			return dcd_seterr(ctx, -EINVAL, "%s: target_node: malformed value '%s'",
					  dax, buf);
		mem->target_node = (int)n;
	}

	util_sysfs_path(&ctx->sys, dir, sizeof(dir), MEM_DIR);
	snprintf(p, sizeof(p), "%s/block_size_bytes", dir);
	if (mem->range_unknown || util_sysfs_read(p, buf, sizeof(buf)))
		return 0;	/* no memory hotplug, or not ours to see: no block information */
	if (util_sysfs_parse_u64(buf, 16, &v) || !v || (v & (v - 1)))
		return dcd_seterr(ctx, -EINVAL, "memory: block_size_bytes: malformed value '%s'",
				  buf);
	mem->block_size = v;
	if (!mem->size)
		return 0;
	first = (mem->resource + v - 1) / v;
	last = (mem->resource + mem->size) / v;	/* exclusive */
	mem->first_block = first;
	for (k = first; k < last; k++) {
		char bdir[PATH_MAX];
		DIR *d;
		struct dirent *de;

		mem->blocks++;
		snprintf(bdir, sizeof(bdir), "%s/memory%llu", dir, (unsigned long long)k);
		snprintf(p, sizeof(p), "%s/state", bdir);
		rc = util_sysfs_read(p, buf, sizeof(buf));
		if (rc == -ENOENT)
			continue;	/* not added (devdax) */
		if (rc == -EACCES)
			goto unknown;
		if (rc)
			return dcd_seterr(ctx, rc, "memory%llu: state: %s",
					  (unsigned long long)k, strerror(-rc));
		mem->blocks_present++;
		if (!strcmp(buf, "offline"))
			continue;
		/* "going-offline": offline_pages() at work; online until it ends */
		if (strcmp(buf, "online") && strcmp(buf, "going-offline"))
			return dcd_seterr(ctx, -EINVAL, "memory%llu: state: malformed value '%s'",
					  (unsigned long long)k, buf);
		mem->online_blocks++;
		snprintf(p, sizeof(p), "%s/valid_zones", bdir);
		if (!util_sysfs_read(p, buf, sizeof(buf))) {
			/* an online block shows its zone only */
			if (!strcmp(buf, "Movable"))
				movable++;
			else
				normal++;
		}
		d = opendir(bdir);
		while (d && (de = readdir(d))) {
			int node;

			if (sscanf(de->d_name, "node%d", &node) == 1) {
				mem->node = node;
				break;
			}
		}
		if (d)
			closedir(d);
	}
	if (0) {
unknown:
		mem->range_unknown = 1;
		mem->block_size = 0;
		mem->blocks = mem->blocks_present = mem->online_blocks = 0;
		mem->node = -1;
		return 0;
	}
	if (movable && normal)
		mem->zone = DCD_ZONE_MIXED;
	else if (movable)
		mem->zone = DCD_ZONE_MOVABLE;
	else if (normal)
		mem->zone = DCD_ZONE_NORMAL;
	return 0;
}

int dcd_dax_mem(struct dcd_ctx *ctx, const char *dax, struct dcd_mem *mem)
{
	return read_mem(ctx, dax, mem);
}

/* memdev of CXL region <region>: its target0 decoder sits under .../memN/ */
static struct dcd_memdev *region_memdev(struct dcd_ctx *ctx, const char *region)
{
	char p[PATH_MAX], dec[DCD_NAME_MAX], real[PATH_MAX];
	char *s;
	int id, i;

	util_sysfs_path(&ctx->sys, p, sizeof(p), CXL_DEVS "/%s/target0", region);
	if (!util_sysfs_read(p, dec, sizeof(dec)) && dec[0]) {
		util_sysfs_path(&ctx->sys, p, sizeof(p), CXL_DEVS "/%s", dec);
		if (realpath(p, real)) {
			for (s = strtok(real, "/"); s; s = strtok(NULL, "/"))
				if (name_id(s, UTIL_DEV_MEMDEV, &id))
					for (i = 0; i < ctx->nr_memdevs; i++)
						if (ctx->memdevs[i].id == id)
							return &ctx->memdevs[i];
		}
	}
	return ctx->nr_memdevs == 1 ? &ctx->memdevs[0] : NULL;
}

static int add_extent(struct dcd_ctx *ctx, const char *dax_region, int rid,
		      const char *name)
{
	char dir[PATH_MAX], p[PATH_MAX], buf[128], region[DCD_NAME_MAX];
	struct dcd_extent *e;
	uint64_t res;
	int rc;

	util_sysfs_path(&ctx->sys, dir, sizeof(dir), CXL_DEVS "/%s/%s", dax_region, name);
	e = new_extent(ctx);
	if (!e)
		return dcd_seterr(ctx, -ENOMEM, "out of memory");
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->dax_region, sizeof(e->dax_region), "%s", dax_region);
	snprintf(region, sizeof(region), "region%d", rid);
	snprintf(e->region, sizeof(e->region), "%s", region);
	/* each unreadable attribute (EACCES) leaves its field unknown */
#define NUM(attr, field, bit) \
	rc = read_num(ctx, name, dir, attr, 16, &e->field); \
	if (rc == -EACCES) \
		e->unknown |= bit; \
	else if (rc) \
		return rc
	NUM("dpa", dpa, DCD_UNK_DPA);
	NUM("offset", offset, DCD_UNK_OFFSET);
	NUM("length", length, DCD_UNK_LENGTH);
#undef NUM
	if (!e->length && !(e->unknown & DCD_UNK_LENGTH))
		return dcd_seterr(ctx, -EINVAL, "%s: length: zero", name);
	snprintf(p, sizeof(p), "%s/uuid", dir);
	rc = util_sysfs_read(p, buf, sizeof(buf));
	if (rc == -EACCES) {
		e->unknown |= DCD_UNK_TAG;
	} else if (rc) {
		return dcd_seterr(ctx, rc, "%s: uuid: %s", name, strerror(-rc));
	} else {
		if (strlen(buf) != 36 || buf[8] != '-' || buf[13] != '-' || buf[18] != '-' ||
		    buf[23] != '-' || strspn(buf, "0123456789abcdefABCDEF-") != 36)
			return dcd_seterr(ctx, -EINVAL, "%s: uuid: malformed value '%s'", name,
					  buf);
		snprintf(e->tag, sizeof(e->tag), "%s", buf);
	}
	snprintf(p, sizeof(p), "%s/state", dir);
	rc = util_sysfs_read(p, buf, sizeof(buf));
	if (rc == -EACCES)
		e->unknown |= DCD_UNK_STATE;
	else if (rc)
		return dcd_seterr(ctx, rc, "%s: state: %s", name, strerror(-rc));
	else if (dcd_parse_state(buf, &e->state))
		return dcd_seterr(ctx, -EINVAL, "%s: state: malformed value '%s'", name, buf);

	util_sysfs_path(&ctx->sys, p, sizeof(p), CXL_DEVS "/%s", region);
	if (!(e->unknown & DCD_UNK_OFFSET) && util_sysfs_exists(p) &&
	    !read_num(ctx, region, p, "resource", 16, &res)) {
		e->hpa = res + e->offset;
		e->has_hpa = 1;
	}
	ctx->err[0] = '\0';
	e->memdev = region_memdev(ctx, region);
	if (!(e->unknown & DCD_UNK_DPA))
		e->dc_region = dc_region_of(e->memdev, e->dpa);

	snprintf(p, sizeof(p), "%s/dax", dir);
	rc = util_sysfs_link_name(p, e->dax, sizeof(e->dax));
	if (rc && rc != -ENOENT)
		return dcd_seterr(ctx, rc, "%s: dax: %s", name, strerror(-rc));
	if (!rc) {
		rc = read_mem(ctx, e->dax, &e->mem);
		if (rc)
			return rc;
	}
	return 0;
}

static int cmp_extent(const void *a, const void *b)
{
	const struct dcd_extent *x = a, *y = b;
	int mx = x->memdev ? x->memdev->id : INT_MAX, my = y->memdev ? y->memdev->id : INT_MAX;

	if (mx != my)
		return mx < my ? -1 : 1;
	return x->dpa < y->dpa ? -1 : x->dpa > y->dpa;
}

static void clear(struct dcd_ctx *ctx)
{
	free(ctx->memdevs);
	free(ctx->extents);
	ctx->memdevs = NULL;
	ctx->extents = NULL;
	ctx->nr_memdevs = ctx->nr_extents = ctx->cap_extents = 0;
}

int dcd_refresh(struct dcd_ctx *ctx)
{
	char p[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0, i, id;

	clear(ctx);
	ctx->err[0] = '\0';
	util_sysfs_path(&ctx->sys, p, sizeof(p), "sys/module/cxl_dcd");
	if (!util_sysfs_exists(p))
		return dcd_seterr(ctx, -DCD_ENOMODULE, "cxl_dcd is not loaded");
	util_sysfs_path(&ctx->sys, p, sizeof(p), CXL_DEVS);
	d = opendir(p);
	if (!d)
		return dcd_seterr(ctx, -DCD_ENODCD, "no DC memdev: %s: %s", CXL_DEVS,
				  strerror(errno));
	while (!rc && (de = readdir(d))) {
		if (!name_id(de->d_name, UTIL_DEV_MEMDEV, &id))
			continue;
		util_sysfs_path(&ctx->sys, p, sizeof(p), CXL_DEVS "/%s/dcd", de->d_name);
		if (util_sysfs_exists(p))
			rc = add_memdev(ctx, de->d_name, id);
	}
	closedir(d);
	if (rc)
		goto fail;
	if (!ctx->nr_memdevs) {
		rc = dcd_seterr(ctx, -DCD_ENODCD, "no DC memdev (no memX/dcd in /%s)", CXL_DEVS);
		goto fail;
	}
	qsort(ctx->memdevs, (size_t)ctx->nr_memdevs, sizeof(*ctx->memdevs), cmp_memdev);
	for (i = 0; !rc && i < ctx->nr_memdevs; i++)
		rc = add_orphans(ctx, i);
	if (rc)
		goto fail;

	util_sysfs_path(&ctx->sys, p, sizeof(p), CXL_DEVS);
	d = opendir(p);
	while (!rc && d && (de = readdir(d))) {
		char rdir[PATH_MAX], rname[DCD_NAME_MAX];
		struct dirent *xe;
		DIR *rd;

		if (!name_id(de->d_name, UTIL_DEV_DAX_REGION, &id))
			continue;
		snprintf(rname, sizeof(rname), "%s", de->d_name);
		util_sysfs_path(&ctx->sys, rdir, sizeof(rdir), CXL_DEVS "/%s", rname);
		rd = opendir(rdir);
		while (!rc && rd && (xe = readdir(rd))) {
			if (strncmp(xe->d_name, "extent", 6))
				continue;
			rc = add_extent(ctx, rname, id, xe->d_name);
		}
		if (rd)
			closedir(rd);
	}
	if (d)
		closedir(d);
	if (rc)
		goto fail;
	qsort(ctx->extents, (size_t)ctx->nr_extents, sizeof(*ctx->extents), cmp_extent);
	return 0;
fail:
	clear(ctx);
	return rc;
}

int dcd_ctx_new(struct dcd_ctx **out, const char *root)
{
	struct dcd_ctx *ctx = calloc(1, sizeof(*ctx));
	*out = NULL;
	if (!ctx)
		return -ENOMEM;
	util_sysfs_init(&ctx->sys, root);
	*out = ctx;
	return dcd_refresh(ctx);
}

void dcd_ctx_free(struct dcd_ctx *ctx)
{
	if (!ctx)
		return;
	clear(ctx);
	free(ctx);
}

struct dcd_memdev *dcd_find_memdev(struct dcd_ctx *ctx, const char *name)
{
	int i;

	for (i = 0; i < ctx->nr_memdevs; i++)
		if (!strcmp(ctx->memdevs[i].name, name))
			return &ctx->memdevs[i];
	return NULL;
}

struct dcd_extent *dcd_find_extent(struct dcd_ctx *ctx, const char *name)
{
	const char *slash = strchr(name, '/');
	int i;

	for (i = 0; i < ctx->nr_extents; i++) {
		struct dcd_extent *e = &ctx->extents[i];

		if (!e->name[0])
			continue;
		if (slash) {
			size_t n = (size_t)(slash - name);

			if (strlen(e->dax_region) == n && !strncmp(e->dax_region, name, n) &&
			    !strcmp(e->name, slash + 1))
				return e;
		} else if (!strcmp(e->name, name) || (e->dax[0] && !strcmp(e->dax, name))) {
			return e;
		}
	}
	return NULL;
}

/* ---- actions ---- */

static const char *extent_label(struct dcd_extent *e)
{
	return e->name[0] ? e->name : "orphan";
}

static int online_done(struct dcd_mem *m, int movable)
{
	return m->mode == DCD_MODE_SYSTEM_RAM && m->blocks &&
	       m->online_blocks == m->blocks &&
	       m->zone == (movable ? DCD_ZONE_MOVABLE : DCD_ZONE_NORMAL);
}

int dcd_online_extent(struct dcd_ctx *ctx, struct dcd_extent *e, int movable)
{
	const char *zone = movable ? "movable" : "normal";
	int rc;

	if (!e->dax[0])
		return dcd_seterr(ctx, -ENXIO, "%s: no DAX device", extent_label(e));
	/*
	 * e->mem was read with e, just before (dcd_refresh(): the CLI's
	 * context, the monitor's reconcile): not again on the way to the
	 * first write, which the monitor's reaction time is made of.
	 */
	if (online_done(&e->mem, movable))
		return 1;
	if (e->state == DCD_EXT_RELEASE_PENDING)
		return dcd_seterr(ctx, -EBUSY, "%s: %s: release pending, onlining refused",
				  e->name, e->dax);
	if (e->mem.mode == DCD_MODE_SYSTEM_RAM && e->mem.online_blocks &&
	    e->mem.zone != (movable ? DCD_ZONE_MOVABLE : DCD_ZONE_NORMAL))
		return dcd_seterr(ctx, -EEXIST, "%s: %s: memory already online in zone %s, "
				  "offline it first to change to %s", e->name, e->dax,
				  dcd_zone_name(e->mem.zone), zone);
	if (e->mem.block_size && !e->mem.blocks)
		return dcd_seterr(ctx, -EINVAL, "%s: %s: holds no whole memory block "
				  "(block size 0x%llx): use it as devdax", e->name, e->dax,
				  (unsigned long long)e->mem.block_size);
	if (!ctx->ops || !ctx->ops->online)
		return dcd_seterr(ctx, -EOPNOTSUPP, "%s: no online backend", e->dax);
	rc = ctx->ops->online(ctx, e->dax, movable);
	if (rc)
		return rc;
	if ((rc = read_mem(ctx, e->dax, &e->mem)))
		return rc;
	if (!online_done(&e->mem, movable))
		return dcd_seterr(ctx, -EIO, "%s: %s: after onlining: mode %s, %d of %d "
				  "blocks online, zone %s (wanted system-ram, %s)", e->name,
				  e->dax, dcd_mode_name(e->mem.mode), e->mem.online_blocks,
				  e->mem.blocks, dcd_zone_name(e->mem.zone), zone);
	return 0;
}

/* What a release-pending extent's DAX device reads as once cxl_dcd took it. */
static int mem_released(struct dcd_mem *mem)
{
	memset(mem, 0, sizeof(*mem));
	mem->mode = DCD_MODE_DISABLED;
	mem->target_node = -1;
	mem->node = -1;
	return 0;
}

int dcd_offline_extent(struct dcd_ctx *ctx, struct dcd_extent *e)
{
	/* a release-pending extent goes back to the device, not to devdax */
	int pending = e->state == DCD_EXT_RELEASE_PENDING;
	enum dcd_dax_mode want = pending ? DCD_MODE_DISABLED : DCD_MODE_DEVDAX;
	char p[PATH_MAX];
	int rc;

	if (!e->dax[0])
		return dcd_seterr(ctx, -ENXIO, "%s: no DAX device", extent_label(e));
	if ((rc = read_mem(ctx, e->dax, &e->mem)))
		return rc;
	if (e->mem.mode == DCD_MODE_DEVDAX || e->mem.mode == want)
		return 1;
	if (!ctx->ops || !ctx->ops->offline)
		return dcd_seterr(ctx, -EOPNOTSUPP, "%s: no offline backend", e->dax);
	rc = ctx->ops->offline(ctx, e->dax, !pending);
	/*
	 * cxl_dcd releases a release-pending extent as soon as kmem let go and
	 * deletes its DAX device: gone, or half gone when re-read (its
	 * attributes go first, -ENOENT/-ENODEV), is the release completing.
	 */
	util_sysfs_path(&ctx->sys, p, sizeof(p), DAX_DEVS "/%s", e->dax);
	if (pending && !util_sysfs_exists(p))
		return mem_released(&e->mem);
	if (rc)
		return rc;
	rc = read_mem(ctx, e->dax, &e->mem);
	if (pending && (rc == -ENOENT || rc == -ENODEV))
		return mem_released(&e->mem);
	if (rc)
		return rc;
	if (e->mem.mode != want || e->mem.online_blocks || e->mem.blocks_present)
		return dcd_seterr(ctx, -EIO, "%s: %s: after offlining: mode %s, %d blocks "
				  "online, %d present (wanted %s, none)", e->name, e->dax,
				  dcd_mode_name(e->mem.mode), e->mem.online_blocks,
				  e->mem.blocks_present, dcd_mode_name(want));
	return 0;
}

/* ---- sysfs with messages, for the commands that change state ---- */

void dcd_path(struct dcd_ctx *ctx, char *buf, size_t len, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = strlen(util_sysfs_path(&ctx->sys, buf, len, "%s", ""));
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

int dcd_write(struct dcd_ctx *ctx, const char *path, const char *val)
{
	int err = util_sysfs_write(path, val);

	if (!err)
		return 0;
	if (err == -EACCES)
		return dcd_seterr(ctx, err, "%s: write: permission denied",
				  util_sysfs_attr_name(path));
	return dcd_seterr(ctx, err, "%s: write '%.*s': %s", util_sysfs_attr_name(path),
			  (int)strcspn(val, "\n"), val, strerror(-err));
}

int dcd_read(struct dcd_ctx *ctx, const char *path, char *buf, size_t len)
{
	int err = util_sysfs_read(path, buf, len);

	if (err)
		return dcd_seterr(ctx, err, "%s: %s", util_sysfs_attr_name(path), strerror(-err));
	return 0;
}

int dcd_read_u64(struct dcd_ctx *ctx, const char *path, uint64_t *out)
{
	char buf[128];
	int rc = dcd_read(ctx, path, buf, sizeof(buf));

	if (rc)
		return rc;
	/* sysfs prints sizes and addresses as 0x..., counts in decimal */
	if (util_sysfs_parse_u64(buf, strncmp(buf, "0x", 2) ? 10 : 16, out))
		return dcd_seterr(ctx, -EINVAL, "%s: malformed value '%s'",
				  util_sysfs_attr_name(path), buf);
	return 0;
}

void dcd_mark(const char *fmt, ...)
{
	static int fd = -2;
	char buf[256];
	va_list ap;
	int n;

	if (fd == -2) {
		const char *p = getenv("DCDCTL_TRACE_MARKER");

		fd = p && *p ? open(p, O_WRONLY | O_CLOEXEC) : -1;
	}
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "dcdctl: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (write(fd, buf, (size_t)n > sizeof(buf) ? sizeof(buf) : (size_t)n) < 0)
		fd = -1;
}
