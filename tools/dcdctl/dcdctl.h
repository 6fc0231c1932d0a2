/* SPDX-License-Identifier: GPL-2.0 */
/* dcdctl: exit codes, subcommands (table in dcdctl.c), JSON builder */
#ifndef DCDCTL_H
#define DCDCTL_H

#include <json-c/json.h>
#include <stdio.h>

#include "libdcd.h"
#include "name.h"
#include "size.h"
#include "sysfs.h"

#define DCDCTL_VERSION "0.2"

/* exit codes (Documentation/dcdctl.rst) */
enum {
	DCD_EXIT_OK = 0,
	DCD_EXIT_FAIL = 1,	/* anything else: bad sysfs value, libdaxctl error, check after acting */
	DCD_EXIT_USAGE = 2,	/* bad command line */
	DCD_EXIT_NOMODULE = 3,	/* cxl_dcd is not loaded */
	DCD_EXIT_NODEV = 4,	/* no DC memdev */
	DCD_EXIT_NOTFOUND = 5,	/* memdev, extent, DAX device or tag not found */
	DCD_EXIT_BUSY = 6,	/* memory busy, release pending */
	DCD_EXIT_PERM = 7,	/* permission denied */
	DCD_EXIT_PENDING = 8,	/* release: asked for, not complete within the timeout */
};

int dcd_exit_code(int err);	/* -errno -> exit code */

/*
 * Subcommands. ctx may be NULL: the command then makes its own context
 * (after parsing its options, so --help works without the module).
 */
int cmd_list(int argc, char **argv, struct dcd_ctx *ctx);
int cmd_online(int argc, char **argv, struct dcd_ctx *ctx);
int cmd_offline(int argc, char **argv, struct dcd_ctx *ctx);
int cmd_monitor(int argc, char **argv, struct dcd_ctx *ctx);

struct dcd_filter {
	const char *memdev;	/* "mem0", "0", "mem0 mem1" (tools/lib/name.h filters) */
	const char *region;	/* "region0", "0", ... */
	const char *tag;	/* uuid, "none" for untagged */
	int has_state;
	enum dcd_extent_state state;
	int human;
};

/* the `list` JSON array; NULL on ENOMEM */
struct json_object *dcd_list_json(struct dcd_ctx *ctx, const struct dcd_filter *f);
/* print it as cxl list does (-u: one object unwrapped); consumes arr */
void dcd_list_print(FILE *f, struct json_object *arr, int human);

extern const struct dcd_dax_ops dcd_libdaxctl_ops;	/* daxops.c */
extern const struct dcd_dax_ops dcd_sysfs_ops;		/* sysops.c, the default */

/* region.c, release.c */
int cmd_create_region(int argc, char **argv, struct dcd_ctx *ctx);
int cmd_destroy_region(int argc, char **argv, struct dcd_ctx *ctx);
int cmd_release(int argc, char **argv, struct dcd_ctx *ctx);

/* cmd.c: use ctx if given (tests), else make one; prints the error line */
int dcd_cli_ctx(struct dcd_ctx **ctx, int *own);
int dcd_cli_select(struct dcd_ctx *ctx, char **names, int nr, const char *tag, char *sel,
		   int *first_err);

/*
 * libdcd.c: sysfs under the context's root (tools/lib/sysfs.h) for the
 * commands that change state; errors set dcd_strerror() naming the attribute.
 */
__attribute__((format(printf, 4, 5)))
void dcd_path(struct dcd_ctx *ctx, char *buf, size_t len, const char *fmt, ...);
int dcd_write(struct dcd_ctx *ctx, const char *path, const char *val);	/* EPERM -> -EACCES */
int dcd_read(struct dcd_ctx *ctx, const char *path, char *buf, size_t len);
int dcd_read_u64(struct dcd_ctx *ctx, const char *path, uint64_t *out);	/* 0x.. or decimal */

#endif
