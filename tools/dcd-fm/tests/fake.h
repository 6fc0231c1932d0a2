/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake lab guest for dcd-fm tests: a QMP server emulating QEMU 10.0's DC
 * commands (checks in QEMU's order and with its messages, pending groups,
 * accepted bitmap, qom-get geometry) on <dir>/qmp.sock, and a guest agent
 * on <dir>/agent.sock whose "host" accepts, rejects or ignores offers and
 * completes or defers releases, and reports the cxl_dcd debugfs view.
 * One client at a time per socket, as QEMU.
 */
#ifndef DCD_FM_FAKE_H
#define DCD_FM_FAKE_H

#include <json-c/json.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fm.h"

#define FK_BLOCKS 256			/* 512 MiB of 2 MiB blocks */
#define FK_REGIONS 2
#define FK_REGION_LEN (256ULL << 20)

enum fk_host_mode { FK_ACCEPT, FK_REJECT, FK_IGNORE };
enum fk_rel_mode { FK_RELEASE, FK_DEFER };

struct fake {
	char dir[256];
	pthread_mutex_t lock;
	unsigned char accepted[FK_BLOCKS], pending[FK_BLOCKS], relreq[FK_BLOCKS];
	int host_mode, rel_mode;
	int accept_blocks;			/* FK_ACCEPT: only blocks below (0: all) */
	int adds, releases, events_sent;	/* successful DC commands */
	int dc_cmds;				/* DC commands received */
	int silent;				/* QMP: never answer */
	int no_debugfs;				/* agent: status 11 */
	int stop;
	int qfd, afd;
	pthread_t qt, at;
};

static int fk_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4))
		abort();
	return fd;
}

static void fk_send(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* read one line; 0 on EOF or stop */
static int fk_line(struct fake *f, int fd, char *buf, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char ch;

		if (f->stop)
			return 0;
		if (poll(&p, 1, 50) <= 0)
			continue;
		if (read(fd, &ch, 1) != 1)
			return 0;
		if (ch == '\n')
			break;
		buf[n++] = ch;
	}
	buf[n] = 0;
	return 1;
}

static int fk_accept(struct fake *f, int lfd)
{
	while (!f->stop) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };

		if (poll(&p, 1, 50) > 0)
			return accept(lfd, NULL, NULL);
	}
	return -1;
}

static const char *fk_dc(struct fake *f, json_object *args, int add)
{
	static unsigned char seen[FK_BLOCKS];
	json_object *v, *ext;
	int region;
	size_t i, n;
	uint64_t b;

	if (!json_object_object_get_ex(args, "path", &v) ||
	    strcmp(json_object_get_string(v), "/machine/peripheral/cxl-dcd0"))
		return "Unable to resolve CXL type 3 device";
	json_object_object_get_ex(args, "region", &v);
	region = json_object_get_int(v);
	if (region >= FK_REGIONS)
		return "region id is too large";
	json_object_object_get_ex(args, "extents", &ext);
	n = json_object_array_length(ext);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(ext, i), *o, *l;
		uint64_t off, len, first, cnt;

		json_object_object_get_ex(e, "offset", &o);
		json_object_object_get_ex(e, "len", &l);
		off = json_object_get_uint64(o);
		len = json_object_get_uint64(l);
		if (!len)
			return "extent with 0 length is not allowed";
		if (off % SZ_2M || len % SZ_2M)
			return "dpa or len is not aligned to region block size";
		if (off + len > FK_REGION_LEN)
			return "extent range is beyond the region end";
		first = ((uint64_t)region * FK_REGION_LEN + off) / SZ_2M;
		cnt = len / SZ_2M;
		for (b = first; b < first + cnt; b++)
			if (seen[b])
				return "duplicate or overlapped extents are detected";
		for (b = first; b < first + cnt; b++)
			seen[b] = 1;
		if (add) {
			for (b = first; b < first + cnt; b++)
				if (f->accepted[b])
					return "cannot add DPA already accessible to the same LD";
			for (b = first; b < first + cnt; b++)
				if (f->pending[b])
					return "cannot add DPA again while still pending";
		} else {
			for (b = first; b < first + cnt; b++)
				if (f->pending[b])
					return "cannot release extent with pending DPA range";
			for (b = first; b < first + cnt; b++)
				if (!f->accepted[b])
					return "cannot release extent with non-existing DPA range";
		}
	}
	for (b = 0; b < FK_BLOCKS; b++)
		if (seen[b]) {
			if (add)
				f->pending[b] = 1;
			else
				f->relreq[b] = 1;
		}
	if (add)
		f->adds++;
	else
		f->releases++;
	return NULL;
}

static void fk_qmp_conn(struct fake *f, int fd)
{
	char line[65536];

	fk_send(fd, "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 10}}, \"capabilities\": []}}\n");
	while (fk_line(f, fd, line, sizeof(line))) {
		json_object *m = json_tokener_parse(line), *v, *args = NULL, *r;
		const char *cmd, *err = NULL, *id = NULL;
		json_object *ret = NULL;

		if (!m)
			break;
		json_object_object_get_ex(m, "execute", &v);
		cmd = json_object_get_string(v);
		if (json_object_object_get_ex(m, "id", &v))
			id = json_object_get_string(v);
		json_object_object_get_ex(m, "arguments", &args);
		if (f->silent) {
			json_object_put(m);
			continue;
		}
		pthread_mutex_lock(&f->lock);
		if (!strcmp(cmd, "qmp_capabilities")) {
			ret = json_object_new_object();
		} else if (!strcmp(cmd, "qom-get")) {
			const char *p, *prop;

			json_object_object_get_ex(args, "path", &v);
			p = json_object_get_string(v);
			json_object_object_get_ex(args, "property", &v);
			prop = json_object_get_string(v);
			if (!strcmp(p, "/objects/be0") && !strcmp(prop, "size"))
				ret = json_object_new_uint64(FK_REGIONS * FK_REGION_LEN);
			else if (strcmp(p, "/machine/peripheral/cxl-dcd0"))
				err = "Device not found";
			else if (!strcmp(prop, "type"))
				ret = json_object_new_string("cxl-type3");
			else if (!strcmp(prop, "num-dc-regions"))
				ret = json_object_new_int(FK_REGIONS);
			else if (!strcmp(prop, "volatile-dc-memdev"))
				ret = json_object_new_string("/objects/be0");
			else if (!strcmp(prop, "volatile-memdev") || !strcmp(prop, "persistent-memdev"))
				ret = json_object_new_string("");
			else if (!strcmp(prop, "sn"))
				ret = json_object_new_int(0x1000);
			else
				err = "Property not found";
		} else if (!strcmp(cmd, "cxl-add-dynamic-capacity") ||
			   !strcmp(cmd, "cxl-release-dynamic-capacity")) {
			f->dc_cmds++;
			err = fk_dc(f, args, cmd[4] == 'a');
			if (!err)
				ret = json_object_new_object();
		} else {
			err = "The command is not found";
		}
		pthread_mutex_unlock(&f->lock);
		/* an asynchronous event before every reply */
		fk_send(fd, "{\"event\": \"RTC_CHANGE\", \"data\": {\"offset\": 0}}\n");
		r = json_object_new_object();
		if (err) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "class", json_object_new_string("GenericError"));
			json_object_object_add(e, "desc", json_object_new_string(err));
			json_object_object_add(r, "error", e);
		} else {
			json_object_object_add(r, "return", ret);
		}
		if (id)
			json_object_object_add(r, "id", json_object_new_string(id));
		fk_send(fd, json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN));
		fk_send(fd, "\n");
		json_object_put(r);
		json_object_put(m);
	}
}

static void *fk_qmp_thread(void *arg)
{
	struct fake *f = arg;
	int fd;

	while ((fd = fk_accept(f, f->qfd)) >= 0) {
		fk_qmp_conn(f, fd);
		close(fd);
	}
	return NULL;
}

/* the "host" answers what the device offered/asked, then reports */
static void fk_host_step(struct fake *f)
{
	int b;

	for (b = 0; b < FK_BLOCKS; b++) {
		if (f->pending[b] && f->host_mode != FK_IGNORE) {
			f->pending[b] = 0;
			f->accepted[b] = f->host_mode == FK_ACCEPT &&
					 (!f->accept_blocks || b < f->accept_blocks);
		}
		if (f->relreq[b] && f->rel_mode == FK_RELEASE) {
			f->relreq[b] = 0;
			f->accepted[b] = 0;
		}
	}
}

static void fk_runs(struct fake *f, char *out, size_t cap, int pend_state)
{
	int b = 0;
	size_t n = strlen(out);

	while (b < FK_BLOCKS) {
		int e = b;

		if (!f->accepted[b] || (pend_state >= 0 && (f->relreq[b] != 0) != pend_state)) {
			b++;
			continue;
		}
		while (e < FK_BLOCKS && f->accepted[e] &&
		       (pend_state < 0 || (f->relreq[e] != 0) == pend_state))
			e++;
		if (pend_state < 0)
			n += (size_t)snprintf(out + n, cap - n, "%#llx %#llx\n",
					      (unsigned long long)b * SZ_2M,
					      (unsigned long long)(e - b) * SZ_2M);
		else
			n += (size_t)snprintf(out + n, cap - n, "%#llx %#llx %s region0\n",
					      (unsigned long long)b * SZ_2M,
					      (unsigned long long)(e - b) * SZ_2M,
					      pend_state ? "release-pending" : "accepted");
		b = e;
	}
}

static void *fk_agent_thread(void *arg)
{
	struct fake *f = arg;
	char line[65536], out[16384], b64[32768], reply[40000], id[64], *sv;
	int fd;

	while ((fd = fk_accept(f, f->afd)) >= 0) {
		while (fk_line(f, fd, line, sizeof(line))) {
			char *w = strtok_r(line, " ", &sv);
			int st = 0;

			snprintf(id, sizeof(id), "%s", strtok_r(NULL, " ", &sv));
			if (!strcmp(w, "PING")) {
				snprintf(reply, sizeof(reply), "PONG %s boot-1\n", id);
				fk_send(fd, reply);
				continue;
			}
			pthread_mutex_lock(&f->lock);
			fk_host_step(f);
			if (f->no_debugfs) {
				snprintf(out, sizeof(out), "no /sys/kernel/debug/cxl_dcd/mem0\n");
				st = 11;
			} else {
				snprintf(out, sizeof(out), "memdev mem0\ndevice_extents\n");
				fk_runs(f, out, sizeof(out), -1);
				strcat(out, "host_extents\n");
				fk_runs(f, out, sizeof(out), 0);
				fk_runs(f, out, sizeof(out), 1);
				strcat(out, "end\n");
			}
			pthread_mutex_unlock(&f->lock);
			fm_b64_encode(out, strlen(out), b64);
			/* a stale reply for someone else first */
			snprintf(reply, sizeof(reply), "DONE other 0 \nDONE %s %d %s\n", id, st, b64);
			fk_send(fd, reply);
		}
		close(fd);
	}
	return NULL;
}

static void fake_start(struct fake *f)
{
	char p[300];

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/dcd-fm-test.XXXXXX");
	if (!mkdtemp(f->dir))
		abort();
	pthread_mutex_init(&f->lock, NULL);
	snprintf(p, sizeof(p), "%s/qmp.sock", f->dir);
	f->qfd = fk_listen(p);
	snprintf(p, sizeof(p), "%s/agent.sock", f->dir);
	f->afd = fk_listen(p);
	pthread_create(&f->qt, NULL, fk_qmp_thread, f);
	pthread_create(&f->at, NULL, fk_agent_thread, f);
}

static void fake_stop(struct fake *f)
{
	char cmd[600];

	f->stop = 1;
	pthread_join(f->qt, NULL);
	pthread_join(f->at, NULL);
	close(f->qfd);
	close(f->afd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd))
		perror("rm");
}

#endif
