// SPDX-License-Identifier: GPL-2.0
/* dcd-fm: QMP client (scripted peer on a socketpair) and the QMP transport (fake QEMU) */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fake.h"
#include "qmp.h"
#include "tap.h"
#include "transport.h"

static int pair(int sv[2], const char *script)
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	fk_send(sv[1], script);
	return 0;
}

int main(void)
{
	struct fm_err e = { "" };
	struct fm_transport t = { .ops = &fm_qmp_ops, .timeout = 2 };
	struct fm_geometry g;
	struct fm_extent x;
	enum fm_dev_state st;
	json_object *r = NULL;
	struct fake f;
	struct qmp q;
	char path[300];
	int sv[2], rc;
	double t0;

	pair(sv, "{\"QMP\": {}}\n{\"event\": \"X\"}\n{\"return\": {}, \"id\": \"dcd-fm-1\"}\n"
	     "{\"return\": 1, \"id\": \"stale\"}\n{\"event\": \"Y\"}\n"
	     "{\"return\": 42, \"id\": \"dcd-fm-2\"}\n"
	     "{\"error\": {\"class\": \"GenericError\", \"desc\": \"boom\"}, \"id\": \"dcd-fm-3\"}\n");
	rc = qmp_open_fd(&q, sv[0], 1, &e);
	ok(rc == 0, "greeting, an event, then the capabilities reply");
	rc = qmp_exec(&q, "query-x", NULL, &r, &e);
	ok(rc == 0 && r && json_object_get_int(r) == 42 && q.events == 2,
	   "a reply is matched by id; events and stale replies in between are skipped");
	json_object_put(r);
	rc = qmp_exec(&q, "query-y", NULL, NULL, &e);
	ok(rc == -EREMOTEIO && !strcmp(e.msg, "boom"), "an error reply gives its desc");
	t0 = fm_now();
	q.timeout = 0.3;
	rc = qmp_exec(&q, "query-z", NULL, NULL, &e);
	ok(rc == -ETIMEDOUT && fm_now() - t0 < 1.5 && strstr(e.msg, "no reply"),
	   "a silent server times out (%.2fs)", fm_now() - t0);
	close(sv[1]);
	rc = qmp_exec(&q, "query-z", NULL, NULL, &e);
	ok(rc == -ECONNRESET || rc == -EPIPE, "a closed connection is an error, not a hang");
	qmp_close(&q);

	pair(sv, "{\"hello\": 1}\n");
	ok(qmp_open_fd(&q, sv[0], 1, &e) == -EPROTO, "a wrong greeting is refused");
	qmp_close(&q);
	close(sv[1]);
	pair(sv, "");
	t0 = fm_now();
	rc = qmp_open_fd(&q, sv[0], 0.3, &e);
	ok(rc == -ETIMEDOUT && strstr(e.msg, "another client"),
	   "no greeting (monitor busy) times out with a hint");
	qmp_close(&q);
	close(sv[1]);
	pair(sv, "{\"QMP\": {}}\n{\"return\": {}, \"id\": \"dcd-fm-1\"}\nnot json\n");
	qmp_open_fd(&q, sv[0], 1, &e);
	ok(qmp_exec(&q, "x", NULL, NULL, &e) == -EPROTO, "a line that is not JSON is an error");
	qmp_close(&q);
	close(sv[1]);

	/* the transport against the fake QEMU */
	fake_start(&f);
	snprintf(path, sizeof(path), "%s/qmp.sock", f.dir);
	ok(t.ops->connect(&t, path, &e) == 0, "transport connects to a unix socket");
	rc = t.ops->geometry(&t, "cxl-dcd0", &g, &e);
	ok(rc == 0 && g.nr_regions == 2 && g.region[1].base == 256ULL << 20 &&
	   g.region[1].len == 256ULL << 20 && g.region[0].block == SZ_2M && g.has_serial &&
	   g.serial == 0x1000, "geometry from qom-get: 2 regions of 256 MiB, 2 MiB blocks, sn");
	ok(t.ops->geometry(&t, "nosuch", &g, &e) == -ENODEV && strstr(e.msg, "no such device"),
	   "an unknown device id is ENODEV");
	x = (struct fm_extent){ 0, 64ULL << 20 };
	ok(t.ops->probe(&t, "cxl-dcd0", 0, &x, &st, &e) == 0 && st == FM_DEV_FREE && !f.adds,
	   "probe: a free range, and nothing was added");
	ok(t.ops->add(&t, "cxl-dcd0", 0, 0, &x, 1, &e) == 0 && f.adds == 1, "add is sent");
	ok(t.ops->probe(&t, "cxl-dcd0", 0, &x, &st, &e) == 0 && st == FM_DEV_PENDING &&
	   f.adds == 1, "probe: an unanswered offer is pending");
	ok(t.ops->add(&t, "cxl-dcd0", 0, 0, &x, 1, &e) == -EREMOTEIO &&
	   strstr(e.msg, "still pending"), "the device's own refusal comes back as EREMOTEIO");
	pthread_mutex_lock(&f.lock);
	fk_host_step(&f);
	pthread_mutex_unlock(&f.lock);
	ok(t.ops->probe(&t, "cxl-dcd0", 0, &x, &st, &e) == 0 && st == FM_DEV_ACCEPTED &&
	   f.releases == 0, "probe: accepted, and nothing was released");
	x.len = 128ULL << 20;
	ok(t.ops->probe(&t, "cxl-dcd0", 0, &x, &st, &e) == 0 && st == FM_DEV_PARTIAL,
	   "probe: partly accepted");
	x.len = 64ULL << 20;
	ok(t.ops->release(&t, "cxl-dcd0", 0, 0, &x, 1, &e) == 0 && f.releases == 1,
	   "release is sent");
	t.ops->close(&t);
	f.silent = 1;
	t.timeout = 0.3;
	ok(t.ops->connect(&t, path, &e) == -ETIMEDOUT, "a QEMU that never answers times out");
	fake_stop(&f);
	ok(fm_transport_find("qmp") == &fm_qmp_ops && !fm_transport_find("mctp"),
	   "transports are found by name");
	return done();
}
