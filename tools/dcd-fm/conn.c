// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: line-oriented unix stream connections (QMP, lab agent).
 * Every read and write has a deadline: a peer that stops answering is an
 * error, never a hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fm.h"

void fm_conn_fd(struct fm_conn *c, int fd, const char *who)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->who = who;
}

int fm_conn_unix(struct fm_conn *c, const char *path, const char *who, double timeout,
		 struct fm_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = (time_t)timeout,
			      .tv_usec = (suseconds_t)((timeout - (double)(time_t)timeout) * 1e6) };
	int fd, rc;

	fm_conn_fd(c, -1, who);
	if (strlen(path) >= sizeof(sa.sun_path))
		return fm_seterr(e, -ENAMETOOLONG, "%s: socket path too long: %s", who, path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fm_seterr(e, -errno, "%s: socket: %s", who, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return fm_seterr(e, rc, "%s: cannot connect to %s: %s", who, path, strerror(-rc));
	}
	c->fd = fd;
	return 0;
}

static int wait_fd(struct fm_conn *c, short ev, double deadline, struct fm_err *e)
{
	struct pollfd p = { .fd = c->fd, .events = ev };
	int ms, rc;

	for (;;) {
		double left = deadline - fm_now();

		if (left <= 0)
			return fm_seterr(e, -ETIMEDOUT, "%s: no answer in time", c->who);
		ms = (int)(left * 1000) + 1;
		rc = poll(&p, 1, ms);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return fm_seterr(e, -errno, "%s: poll: %s", c->who, strerror(errno));
	}
}

/* Returns a malloc'd line without its '\n' */
int fm_conn_readline(struct fm_conn *c, double deadline, char **line, struct fm_err *e)
{
	for (;;) {
		char *nl = c->used ? memchr(c->buf, '\n', c->used) : NULL;
		ssize_t n;
		int rc;

		if (nl) {
			size_t len = (size_t)(nl - c->buf);

			*line = malloc(len + 1);
			if (!*line)
				return fm_seterr(e, -ENOMEM, "%s: out of memory", c->who);
			memcpy(*line, c->buf, len);
			(*line)[len] = 0;
			if (len && (*line)[len - 1] == '\r')
				(*line)[len - 1] = 0;
			memmove(c->buf, nl + 1, c->used - len - 1);
			c->used -= len + 1;
			return 0;
		}
		if (c->used >= FM_LINE_MAX)
			return fm_seterr(e, -EMSGSIZE, "%s: line longer than %u bytes", c->who,
					 FM_LINE_MAX);
		if (c->cap - c->used < 65536) {
			size_t cap = c->cap ? c->cap * 2 : 65536;
			char *b = realloc(c->buf, cap);

			if (!b)
				return fm_seterr(e, -ENOMEM, "%s: out of memory", c->who);
			c->buf = b;
			c->cap = cap;
		}
		rc = wait_fd(c, POLLIN, deadline, e);
		if (rc)
			return rc;
		n = recv(c->fd, c->buf + c->used, c->cap - c->used, MSG_DONTWAIT);
		if (n == 0)
			return fm_seterr(e, -ECONNRESET, "%s: connection closed by peer", c->who);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return fm_seterr(e, -errno, "%s: read: %s", c->who, strerror(errno));
		}
		c->used += (size_t)n;
	}
}

int fm_conn_write(struct fm_conn *c, const char *data, size_t len, double deadline,
		  struct fm_err *e)
{
	while (len) {
		ssize_t n;
		int rc = wait_fd(c, POLLOUT, deadline, e);

		if (rc)
			return rc;
		n = send(c->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return fm_seterr(e, -errno, "%s: write: %s", c->who, strerror(errno));
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

void fm_conn_close(struct fm_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->used = c->cap = 0;
}
