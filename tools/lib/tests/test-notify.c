// SPDX-License-Identifier: GPL-2.0
/* sd_notify protocol (tools/lib/notify.c): what systemd would receive */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tap.h"
#include "notify.h"

/* a datagram socket bound to path ("@x": abstract) */
static int listener(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa,
			   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
				       (path[0] == '/'))))
		abort();
	return fd;
}

static const char *got(int fd)
{
	static char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

int main(void)
{
	char path[64], abs[64];
	int fd;

	unsetenv("NOTIFY_SOCKET");
	ok(util_sd_notify("READY=1") == 0, "not run by systemd: nothing sent, 0");

	snprintf(path, sizeof(path), "/tmp/util-notify.%d", (int)getpid());
	unlink(path);
	fd = listener(path);
	setenv("NOTIFY_SOCKET", path, 1);
	ok(util_sd_notify("READY=1") == 1 && !strcmp(got(fd), "READY=1"),
	   "a path socket gets \"READY=1\"");
	ok(util_sd_notify("STATUS=2 extents online\nREADY=1") == 1 &&
	   !strcmp(got(fd), "STATUS=2 extents online\nREADY=1"), "several assignments in one datagram");
	close(fd);
	unlink(path);
	ok(util_sd_notify("READY=1") == -ENOENT || util_sd_notify("READY=1") == -ECONNREFUSED,
	   "the socket gone: -errno, no crash");

	snprintf(abs, sizeof(abs), "@util-notify.%d", (int)getpid());
	fd = listener(abs);
	setenv("NOTIFY_SOCKET", abs, 1);
	ok(util_sd_notify("STOPPING=1") == 1 && !strcmp(got(fd), "STOPPING=1"),
	   "an abstract socket (@...)");
	close(fd);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	ok(util_sd_notify("READY=1") == -EINVAL, "a relative path is refused");
	return done();
}
