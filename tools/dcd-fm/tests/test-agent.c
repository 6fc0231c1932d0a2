// SPDX-License-Identifier: GPL-2.0
/* dcd-fm: lab agent client against scripted peers and the fake guest */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "fake.h"
#include "outcome.h"
#include "tap.h"

int main(void)
{
	struct fm_err e = { "" };
	struct fm_host_view v;
	char buf[512], boot[64], *out = NULL, path[300];
	struct agent a;
	struct fake f;
	int sv[2], st = -1, rc;
	double t0;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	snprintf(buf, sizeof(buf), "PONG other x\nPONG fm%dx1 boot-42\n"
		 "DONE fm%dx1 0 \nDONE fm%dx2 3 aGVsbG8K\n", getpid(), getpid(), getpid());
	fk_send(sv[1], buf);
	agent_open_fd(&a, sv[0], 1);
	ok(agent_ping(&a, boot, sizeof(boot), &e) == 0 && !strcmp(boot, "boot-42"),
	   "PING gets its own PONG with the boot id, others are skipped");
	rc = agent_run(&a, "echo hello", 5, &st, &out, &e);
	ok(rc == 0 && st == 3 && out && !strcmp(out, "hello\n"),
	   "RUN gets its own DONE: status and decoded output");
	free(out);
	a.timeout = 0.3;
	t0 = fm_now();
	rc = agent_run(&a, "sleep 1", 0, &st, &out, &e);
	ok(rc == -ETIMEDOUT && fm_now() - t0 < 1.5, "no DONE times out");
	close(sv[1]);
	ok(agent_run(&a, "x", 0, &st, &out, &e) != 0, "a closed port is an error");
	agent_close(&a);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	snprintf(buf, sizeof(buf), "DONE fm%dx1 0 !!!\n", getpid());
	fk_send(sv[1], buf);
	agent_open_fd(&a, sv[0], 1);
	ok(agent_run(&a, "x", 1, &st, &out, &e) == -EPROTO, "bad base64 is an error");
	agent_close(&a);
	close(sv[1]);

	/* a peer that drops the first PING (the lab agent reopening its port) */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if (!fork()) {
		char in[256];
		size_t used = 0;
		int pings = 0;
		ssize_t n;

		close(sv[0]);
		while (pings < 2 && (n = read(sv[1], in + used, sizeof(in) - 1 - used)) > 0) {
			in[used += (size_t)n] = 0;
			for (char *p = in; (p = strstr(p, "PING ")); p += 5)
				pings++;
			used = 0;
		}
		snprintf(in, sizeof(in), "PONG fm%dx1 boot-7\n", getppid());
		if (pings >= 2)
			fk_send(sv[1], in);
		_exit(0);
	}
	close(sv[1]);
	agent_open_fd(&a, sv[0], 5);
	t0 = fm_now();
	ok(agent_ping(&a, boot, sizeof(boot), &e) == 0 && !strcmp(boot, "boot-7") &&
	   fm_now() - t0 < 4, "a lost PING is resent until the PONG comes");
	agent_close(&a);
	wait(NULL);

	fake_start(&f);
	memset(f.accepted, 1, 64);	/* 128 MiB accepted */
	snprintf(path, sizeof(path), "%s/agent.sock", f.dir);
	ok(agent_open(&a, path, 2, &e) == 0 && agent_ping(&a, boot, sizeof(boot), &e) == 0,
	   "connects to the fake guest's agent socket");
	rc = agent_run(&a, "report", 5, &st, &out, &e);
	ok(rc == 0 && st == 0 && fm_view_parse(out, &v, &e) == 0 && v.ndev == 1 &&
	   v.dev[0].len == 128ULL << 20 && v.nhost == 1, "a host report round-trips through base64");
	fm_view_free(&v);
	free(out);
	agent_close(&a);
	fake_stop(&f);
	return done();
}
