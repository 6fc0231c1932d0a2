// SPDX-License-Identifier: GPL-2.0
/* sysfs paths, reads and writes under a root directory (see sysfs.h) */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs.h"

static int perm(int err)
{
	return err == EPERM ? -EACCES : -err;
}

void util_sysfs_init(struct util_sysfs *s, const char *root)
{
	size_t n;

	if (!root)
		root = getenv("DCDCTL_SYSFS_ROOT");
	if (!root || !*root)
		root = "/";
	snprintf(s->root, sizeof(s->root), "%s", root);
	n = strlen(s->root);
	while (n > 1 && s->root[n - 1] == '/')
		s->root[--n] = '\0';
	if (!strcmp(s->root, "/"))
		s->root[0] = '\0';
}

int util_sysfs_is_real(const struct util_sysfs *s)
{
	return !s->root[0];
}

char *util_sysfs_path(const struct util_sysfs *s, char *buf, size_t len, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = (size_t)snprintf(buf, len, "%s/", s->root);
	if (n >= len)
		n = len - 1;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	return buf;
}

int util_sysfs_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return perm(errno);
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return perm(err);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int util_sysfs_parse_u64(const char *s, int base, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	if (base == 16 && (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)))
		s += 2;
	if (!isxdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int util_sysfs_read_u64(const char *path, int base, uint64_t *out)
{
	char buf[128];
	int rc = util_sysfs_read(path, buf, sizeof(buf));

	if (rc)
		return rc;
	return util_sysfs_parse_u64(buf, base, out);
}

int util_sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return perm(errno);
	n = write(fd, val, len);
	err = n < 0 ? perm(errno) : (size_t)n != len ? -EIO : 0;
	if (close(fd) && !err)
		err = perm(errno);
	return err;
}

int util_sysfs_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

int util_sysfs_link_name(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	const char *b;

	if (n < 0)
		return perm(errno);
	buf[n] = '\0';
	b = strrchr(buf, '/');
	snprintf(out, len, "%s", b ? b + 1 : buf);
	return 0;
}

int util_sysfs_parent_name(const char *path, char *out, size_t len)
{
	char real[PATH_MAX], *s;

	if (!realpath(path, real))
		return perm(errno);
	s = strrchr(real, '/');
	if (!s || s == real)
		return -ENOENT;
	*s = '\0';
	s = strrchr(real, '/');
	snprintf(out, len, "%s", s ? s + 1 : real);
	return 0;
}

const char *util_sysfs_attr_name(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s)
		return path;
	while (s > path && s[-1] != '/')
		s--;
	return s;
}
