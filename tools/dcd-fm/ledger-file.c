// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: the file ledger backend, the embedded default.
 *
 * Atomic update: write "<file>.tmp", fsync it, rename it over the file,
 * fsync the directory. A reader sees the old or the new ledger, never a
 * mix, whatever moment the writer is killed at. The lock is a separate
 * "<file>.lock" because rename() replaces the ledger's inode; flock(2) is
 * dropped by the kernel when its holder dies, so a killed dcd-fm never
 * leaves it held. One machine only: for orchestrators on several machines,
 * use the etcd backend.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger.h"

static int mkdir_p(const char *dir)
{
	char p[PATH_MAX], *s;

	snprintf(p, sizeof(p), "%s", dir);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0700) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static int file_open(struct fm_ledger *l, const char *where, struct fm_err *e)
{
	if (!*where)
		return fm_seterr(e, -EINVAL, "ledger: empty file name");
	snprintf(l->path, sizeof(l->path), "%s", where);
	return 0;
}

static int file_lock(struct fm_ledger *l, double timeout, struct fm_err *e)
{
	char lp[PATH_MAX + 8], dir[PATH_MAX];
	double deadline = fm_now() + timeout;
	int rc;

	snprintf(dir, sizeof(dir), "%s", l->path);
	rc = mkdir_p(dirname(dir));
	if (rc)
		return fm_seterr(e, rc, "ledger: cannot create %s: %s", dir, strerror(-rc));
	snprintf(lp, sizeof(lp), "%s.lock", l->path);
	l->lockfd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (l->lockfd < 0)
		return fm_seterr(e, -errno, "ledger: cannot open %s: %s", lp, strerror(errno));
	while (flock(l->lockfd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			rc = -errno;
			fm_seterr(e, rc, "ledger: flock %s: %s", lp, strerror(-rc));
			goto fail;
		}
		if (fm_now() > deadline) {
			rc = fm_seterr(e, -EBUSY, "ledger %s: locked by another dcd-fm for more "
				       "than %.0fs", l->path, timeout);
			goto fail;
		}
		usleep(20000);
	}
	return 0;
fail:
	close(l->lockfd);
	l->lockfd = -1;
	return rc;
}

static void file_unlock(struct fm_ledger *l)
{
	if (l->lockfd >= 0)
		close(l->lockfd);	/* drops the flock */
	l->lockfd = -1;
}

static int file_read(struct fm_ledger *l, char **out, struct fm_err *e)
{
	struct stat st;
	char *text;
	ssize_t got;
	int fd;

	*out = NULL;
	fd = open(l->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return fm_seterr(e, -errno, "ledger: cannot open %s: %s", l->path,
				 strerror(errno));
	}
	if (fstat(fd, &st) || st.st_size > (64 << 20)) {
		close(fd);
		return fm_seterr(e, -EFBIG, "ledger %s: unreadable or too large", l->path);
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		close(fd);
		return fm_seterr(e, -ENOMEM, "out of memory");
	}
	got = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		free(text);
		return fm_seterr(e, -EIO, "ledger %s: short read", l->path);
	}
	text[got] = 0;
	*out = text;
	return 0;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int file_write(struct fm_ledger *l, const char *s, struct fm_err *e)
{
	char tmp[PATH_MAX + 8], dir[PATH_MAX];
	int fd, dfd, rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp", l->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return fm_seterr(e, -errno, "ledger: cannot write %s: %s", tmp, strerror(errno));
	rc = write_all(fd, s, strlen(s));
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, l->path))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return fm_seterr(e, rc, "ledger: cannot write %s: %s", l->path, strerror(-rc));
	}
	snprintf(dir, sizeof(dir), "%s", l->path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd))
			rc = fm_seterr(e, -errno, "ledger: fsync %s: %s", dir, strerror(errno));
		close(dfd);
	}
	return rc;
}

static void file_describe(struct fm_ledger *l, char *buf, size_t len)
{
	snprintf(buf, len, "file %s (lock %s.lock)", l->path, l->path);
}

static void file_close(struct fm_ledger *l)
{
	file_unlock(l);
}

const struct fm_ledger_ops fm_ledger_file_ops = {
	.name = "file",
	.open = file_open,
	.lock = file_lock,
	.unlock = file_unlock,
	.read = file_read,
	.write = file_write,
	.describe = file_describe,
	.close = file_close,
};
