// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs access for the commands that change state (create-region,
 * destroy-region, release): paths under the context's root, checked writes
 * whose failures name the device and attribute, reads, sizes.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dcdctl.h"

void dcd_path(struct dcd_ctx *ctx, char *buf, size_t len, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = (size_t)snprintf(buf, len, "%s/", dcd_root(ctx));
	if (n >= len)
		n = len - 1;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

/* "sys/bus/cxl/devices/region0/commit" -> "region0/commit" for messages */
static const char *short_name(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s)
		return path;
	while (s > path && s[-1] != '/')
		s--;
	return s;
}

int dcd_write(struct dcd_ctx *ctx, const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);	/* as the shell's echo >attr */
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	n = write(fd, val, len);
	err = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	if (close(fd) && !err)
		err = -errno;
	if (!err)
		return 0;
fail:
	if (err == -EPERM || err == -EACCES)
		return dcd_seterr(ctx, -EACCES, "%s: write: permission denied", short_name(path));
	return dcd_seterr(ctx, err, "%s: write '%.*s': %s", short_name(path),
			  (int)strcspn(val, "\n"), val, strerror(-err));
}

int dcd_read(struct dcd_ctx *ctx, const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;
	int err = 0;

	if (!f) {
		err = -errno;
		return dcd_seterr(ctx, err, "%s: %s", short_name(path), strerror(-err));
	}
	n = fread(buf, 1, len - 1, f);
	if (ferror(f))
		err = -EIO;
	fclose(f);
	if (err)
		return dcd_seterr(ctx, err, "%s: read error", short_name(path));
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int dcd_read_u64(struct dcd_ctx *ctx, const char *path, uint64_t *out)
{
	char buf[128];
	int rc = dcd_read(ctx, path, buf, sizeof(buf));

	if (rc)
		return rc;
	/* sysfs prints sizes and addresses as 0x..., counts in decimal */
	if (!strncmp(buf, "0x", 2) ? dcd_parse_u64(buf, 16, out) : dcd_parse_u64(buf, 10, out))
		return dcd_seterr(ctx, -EINVAL, "%s: malformed value '%s'", short_name(path), buf);
	return 0;
}

int dcd_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/* "256M", "1g", "0x10000000", "268435456": decimal or 0x hex, K/M/G/T suffix */
int dcd_parse_size(const char *s, uint64_t *out)
{
	uint64_t v, mul = 1;
	char *end;

	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, strncmp(s, "0x", 2) ? 10 : 16);
	if (errno || end == s)
		return -EINVAL;
	if (*end) {
		switch (toupper((unsigned char)*end)) {
		case 'K': mul = 1ULL << 10; break;
		case 'M': mul = 1ULL << 20; break;
		case 'G': mul = 1ULL << 30; break;
		case 'T': mul = 1ULL << 40; break;
		default: return -EINVAL;
		}
		if (end[1])
			return -EINVAL;
	}
	if (v > UINT64_MAX / mul)
		return -ERANGE;
	*out = v * mul;
	return 0;
}

/* basename of realpath(<path>/..) into out: the parent device's name */
int dcd_parent_name(const char *path, char *out, size_t len)
{
	char real[PATH_MAX], *s;

	if (!realpath(path, real))
		return -errno;
	s = strrchr(real, '/');
	if (!s || s == real)
		return -ENOENT;
	*s = '\0';
	s = strrchr(real, '/');
	snprintf(out, len, "%s", s ? s + 1 : real);
	return 0;
}
