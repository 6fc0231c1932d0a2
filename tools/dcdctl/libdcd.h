/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libdcd: read-only view of cxl_dcd's sysfs (DC memdevs, DC regions, CXL
 * regions, extents, orphans) and of each extent's DAX device memory state,
 * plus online/offline actions through a pluggable backend (libdaxctl in
 * dcdctl, a fake in the unit tests). All paths live under a root directory
 * (env DCDCTL_SYSFS_ROOT, default "/") so tests run on a fake tree.
 *
 * What a user may not read (EACCES: DAX device resource is 0400, so are
 * other attributes on some kernels) is not an error: the field is marked
 * unknown (the DCD_UNK_* bits, mem.range_unknown, dc region unknown) and
 * `dcdctl list` omits it, as `cxl list` does.
 *
 * Everything is read once by dcd_ctx_new()/dcd_refresh(); the objects are
 * owned by the context and valid until the next refresh or dcd_ctx_free().
 * Errors are negative errno; dcd_strerror(ctx) holds the one-line message
 * ("mem0: dcd/region_count: malformed value 'x'").
 */
#ifndef LIBDCD_H
#define LIBDCD_H

#include <stdint.h>

#define DCD_NAME_MAX 64
#define DCD_MAX_DC_REGIONS 8

/* error codes beyond errno that callers map to exit codes */
#define DCD_ENOMODULE ENOPKG	/* cxl_dcd is not loaded */
#define DCD_ENODCD ENODEV	/* no DC memdev */

enum dcd_extent_state {
	DCD_EXT_ACCEPTED,
	DCD_EXT_RELEASE_PENDING,
	DCD_EXT_ORPHAN,
};

enum dcd_dax_mode {
	DCD_MODE_NONE,		/* no DAX device */
	DCD_MODE_DISABLED,	/* DAX device with no driver bound */
	DCD_MODE_DEVDAX,	/* device_dax */
	DCD_MODE_SYSTEM_RAM,	/* kmem */
	DCD_MODE_UNKNOWN,	/* another driver */
};

enum dcd_zone {
	DCD_ZONE_NONE,		/* no block online */
	DCD_ZONE_MOVABLE,
	DCD_ZONE_NORMAL,	/* any kernel zone (Normal, DMA32, ...) */
	DCD_ZONE_MIXED,		/* some blocks in each */
};

struct dcd_mem {
	enum dcd_dax_mode mode;
	int range_unknown;		/* resource unreadable: no size, blocks, zone */
	uint64_t resource, size;	/* daxN.M HPA range */
	int target_node;		/* -1 if unknown */
	uint64_t block_size;		/* memory block size, 0 if unknown */
	int blocks;			/* whole memory blocks inside the range */
	uint64_t first_block;		/* memoryK of the first of them (if blocks) */
	int blocks_present;		/* of those, with a memoryK directory */
	int online_blocks;
	enum dcd_zone zone;
	int node;			/* NUMA node of the online blocks, -1 */
};

struct dcd_memdev;

/* extent attributes that could not be read (not root) */
enum {
	DCD_UNK_DPA = 1 << 0,
	DCD_UNK_OFFSET = 1 << 1,
	DCD_UNK_LENGTH = 1 << 2,
	DCD_UNK_TAG = 1 << 3,
	DCD_UNK_STATE = 1 << 4,
};

struct dcd_extent {
	char name[DCD_NAME_MAX];	/* extentX.Y, "" for an orphan */
	char region[DCD_NAME_MAX];	/* CXL regionX, "" for an orphan */
	char dax_region[DCD_NAME_MAX];	/* dax_regionX */
	struct dcd_memdev *memdev;
	int dc_region;			/* index in memdev->dc_regions, -1 if none */
	uint64_t dpa, length;
	uint64_t offset, hpa;		/* only if has_hpa / !orphan */
	int has_hpa;
	char tag[40];			/* uuid string, "" for an orphan */
	enum dcd_extent_state state;
	char dax[DCD_NAME_MAX];		/* daxN.M, "" if none */
	struct dcd_mem mem;		/* valid when dax[0] */
	unsigned int unknown;		/* DCD_UNK_* */
};

struct dcd_dc_region {
	int id;
	int unknown;			/* geometry unreadable: only the id is known */
	uint64_t base, decode_length, length, block_size;
	unsigned int dsmad_handle, flags;
};

struct dcd_memdev {
	char name[DCD_NAME_MAX];
	int id;
	uint64_t dc_size;		/* dynamic_ram_1/size */
	int has_dc_size;
	int regions_unknown;		/* dcd/region_count unreadable */
	int nr_dc_regions;
	struct dcd_dc_region dc_regions[DCD_MAX_DC_REGIONS];
};

struct dcd_ctx;

/* backend for the actions; return 0 or -errno, and set a message with dcd_seterr() */
struct dcd_dax_ops {
	int (*online)(struct dcd_ctx *ctx, const char *dax, int movable);
	/*
	 * Offline the memory and unbind kmem; with @devdax bind device_dax
	 * again. A release-pending extent is given back without it: cxl_dcd
	 * releases it as soon as kmem let go, DAX device and all, and a
	 * device_dax probe meanwhile would only build a memmap for the fence
	 * to tear down.
	 */
	int (*offline)(struct dcd_ctx *ctx, const char *dax, int devdax);
};

int dcd_ctx_new(struct dcd_ctx **ctx, const char *root);	/* root NULL: env or "/" */
void dcd_ctx_free(struct dcd_ctx *ctx);
int dcd_refresh(struct dcd_ctx *ctx);
const char *dcd_root(struct dcd_ctx *ctx);
const char *dcd_strerror(struct dcd_ctx *ctx);
__attribute__((format(printf, 3, 4)))
int dcd_seterr(struct dcd_ctx *ctx, int err, const char *fmt, ...);
void dcd_set_dax_ops(struct dcd_ctx *ctx, const struct dcd_dax_ops *ops, void *priv);
void *dcd_dax_ops_priv(struct dcd_ctx *ctx);

int dcd_nr_memdevs(struct dcd_ctx *ctx);
struct dcd_memdev *dcd_memdev(struct dcd_ctx *ctx, int i);
int dcd_nr_extents(struct dcd_ctx *ctx);
struct dcd_extent *dcd_extent(struct dcd_ctx *ctx, int i);

#define dcd_memdev_foreach(ctx, i, m) \
	for (i = 0; i < dcd_nr_memdevs(ctx) && ((m) = dcd_memdev(ctx, i)); i++)
#define dcd_extent_foreach(ctx, i, e) \
	for (i = 0; i < dcd_nr_extents(ctx) && ((e) = dcd_extent(ctx, i)); i++)

struct dcd_memdev *dcd_find_memdev(struct dcd_ctx *ctx, const char *name);
/* "extent0.1", "dax_region0/extent0.1" or "daxN.M" */
struct dcd_extent *dcd_find_extent(struct dcd_ctx *ctx, const char *name);

const char *dcd_state_name(enum dcd_extent_state s);
int dcd_parse_state(const char *s, enum dcd_extent_state *out);
const char *dcd_mode_name(enum dcd_dax_mode m);
const char *dcd_zone_name(enum dcd_zone z);
int dcd_tag_is_null(const char *tag);

/* the state of DAX device dax (daxN.M) and its memory blocks, read now */
int dcd_dax_mem(struct dcd_ctx *ctx, const char *dax, struct dcd_mem *mem);

/*
 * Actions on one extent's DAX device. Each re-reads the state afterwards
 * and checks it: 0 done, 1 already in that state (nothing done), -errno.
 */
int dcd_online_extent(struct dcd_ctx *ctx, struct dcd_extent *e, int movable);
int dcd_offline_extent(struct dcd_ctx *ctx, struct dcd_extent *e);

/*
 * Profiling: with DCDCTL_TRACE_MARKER=<tracefs>/trace_marker in the
 * environment, a line per step of the monitor's path from uevent to
 * onlining goes to the kernel trace, beside the kernel's own events
 * (Documentation/performance.rst). Otherwise nothing.
 */
__attribute__((format(printf, 1, 2)))
void dcd_mark(const char *fmt, ...);

/* the context's sysfs root (tools/lib/sysfs.h) */
struct util_sysfs;
const struct util_sysfs *dcd_sysfs(struct dcd_ctx *ctx);

#endif
