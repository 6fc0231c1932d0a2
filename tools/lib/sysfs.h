/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one sysfs layer of the cxl-dcd tools: paths under a root directory
 * (DCDCTL_SYSFS_ROOT, default "/", so unit tests run on a fake tree), reads
 * of one-value attributes, checked writes, links. Every call returns 0 or
 * -errno and prints nothing: callers name the device in their message.
 * EACCES and EPERM are both reported as -EACCES.
 */
#ifndef CXL_DCD_UTIL_SYSFS_H
#define CXL_DCD_UTIL_SYSFS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct util_sysfs {
	char root[PATH_MAX];	/* "" for "/": paths are "<root>/sys/..." */
};

/* root NULL: $DCDCTL_SYSFS_ROOT, else "/" */
void util_sysfs_init(struct util_sysfs *s, const char *root);
/* "/" is the real sysfs (libcxl and libdaxctl can act on it) */
int util_sysfs_is_real(const struct util_sysfs *s);

/* "<root>/<fmt...>" into buf (truncated to len); returns buf */
__attribute__((format(printf, 4, 5)))
char *util_sysfs_path(const struct util_sysfs *s, char *buf, size_t len, const char *fmt, ...);

/* one attribute, trailing newlines and blanks stripped */
int util_sysfs_read(const char *path, char *buf, size_t len);
/* a number as sysfs prints it: base 16 ("0x" optional) or 10; -EINVAL if malformed */
int util_sysfs_read_u64(const char *path, int base, uint64_t *out);
/* open(O_WRONLY|O_TRUNC), one write(), close: as the shell's "echo val > attr" */
int util_sysfs_write(const char *path, const char *val);
int util_sysfs_exists(const char *path);
/* basename of a symlink's target (a device's driver, an extent's dax) */
int util_sysfs_link_name(const char *path, char *out, size_t len);
/* basename of the device that holds path: the name of realpath(path/..) */
int util_sysfs_parent_name(const char *path, char *out, size_t len);
/* the last two path components, for messages: ".../region0/commit" -> "region0/commit" */
const char *util_sysfs_attr_name(const char *path);

/* a number as sysfs prints it, base 16 ("0x" optional) or 10: 0 or -EINVAL */
int util_sysfs_parse_u64(const char *s, int base, uint64_t *out);

#endif
