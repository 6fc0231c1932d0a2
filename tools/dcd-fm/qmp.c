// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: QMP client and the QMP fabric-manager transport (QEMU 10.0).
 *
 * QMP: the server greets with {"QMP": {...}}, we answer qmp_capabilities,
 * then every command carries an "id" and we read lines until the reply
 * with that id, skipping asynchronous {"event": ...} lines. Every read has
 * a deadline. A QEMU monitor serves one client at a time: a second client
 * is left in the listen queue without a greeting, which we report as such.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qmp.h"
#include "transport.h"

static int qmp_read(struct qmp *q, double deadline, json_object **obj, struct fm_err *e)
{
	char *line;
	int rc;

	for (;;) {
		rc = fm_conn_readline(&q->c, deadline, &line, e);
		if (rc)
			return rc;
		if (!*line) {
			free(line);
			continue;
		}
		*obj = json_tokener_parse(line);
		if (!*obj || !json_object_is_type(*obj, json_type_object)) {
			rc = fm_seterr(e, -EPROTO, "QMP: not a JSON object: %.80s", line);
			json_object_put(*obj);
			free(line);
			return rc;
		}
		free(line);
		return 0;
	}
}

int qmp_open_fd(struct qmp *q, int fd, double timeout, struct fm_err *e)
{
	json_object *g, *v;
	int rc;

	memset(q, 0, sizeof(*q));
	fm_conn_fd(&q->c, fd, "QMP");
	q->timeout = timeout;
	rc = qmp_read(q, fm_now() + timeout, &g, e);
	if (rc == -ETIMEDOUT)
		return fm_seterr(e, rc, "QMP: no greeting within %.0fs (QEMU hung, or "
				 "another client holds the monitor?)", timeout);
	if (rc)
		return rc;
	if (!json_object_object_get_ex(g, "QMP", &v)) {
		json_object_put(g);
		return fm_seterr(e, -EPROTO, "QMP: unexpected greeting");
	}
	json_object_put(g);
	return qmp_exec(q, "qmp_capabilities", NULL, NULL, e);
}

int qmp_open(struct qmp *q, const char *path, double timeout, struct fm_err *e)
{
	int rc = fm_conn_unix(&q->c, path, "QMP", timeout, e);

	if (rc)
		return rc;
	rc = qmp_open_fd(q, q->c.fd, timeout, e);
	if (rc)
		qmp_close(q);
	return rc;
}

int qmp_exec(struct qmp *q, const char *cmd, json_object *args, json_object **ret,
	     struct fm_err *e)
{
	json_object *msg = json_object_new_object(), *r, *v, *err;
	double deadline = fm_now() + q->timeout;
	const char *s;
	char id[32];
	int rc;

	snprintf(id, sizeof(id), "dcd-fm-%u", ++q->seq);
	json_object_object_add(msg, "execute", json_object_new_string(cmd));
	if (args)
		json_object_object_add(msg, "arguments", args);
	json_object_object_add(msg, "id", json_object_new_string(id));
	s = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
	rc = fm_conn_write(&q->c, s, strlen(s), deadline, e);
	if (!rc)
		rc = fm_conn_write(&q->c, "\n", 1, deadline, e);
	json_object_put(msg);
	if (rc)
		return rc;
	for (;;) {
		rc = qmp_read(q, deadline, &r, e);
		if (rc == -ETIMEDOUT)
			return fm_seterr(e, rc, "QMP %s: no reply within %.0fs", cmd, q->timeout);
		if (rc)
			return rc;
		if (json_object_object_get_ex(r, "event", NULL)) {
			q->events++;
			json_object_put(r);
			continue;
		}
		if (!json_object_object_get_ex(r, "id", &v) ||
		    strcmp(json_object_get_string(v), id)) {
			json_object_put(r);	/* a stale reply */
			continue;
		}
		break;
	}
	if (json_object_object_get_ex(r, "error", &err)) {
		const char *desc = "unknown error";

		if (json_object_object_get_ex(err, "desc", &v))
			desc = json_object_get_string(v);
		rc = fm_seterr(e, -EREMOTEIO, "%s", desc);
	} else if (json_object_object_get_ex(r, "return", &v)) {
		if (ret)
			*ret = json_object_get(v);
	} else {
		rc = fm_seterr(e, -EPROTO, "QMP %s: reply without return or error", cmd);
	}
	json_object_put(r);
	return rc;
}

void qmp_close(struct qmp *q)
{
	fm_conn_close(&q->c);
}

/* ------------------------------------------------------------ transport */

static struct qmp *QP(struct fm_transport *t)
{
	return t->priv;
}

static int qmp_t_connect(struct fm_transport *t, const char *endpoint, struct fm_err *e)
{
	struct qmp *q = calloc(1, sizeof(*q));
	int rc;

	if (!q)
		return fm_seterr(e, -ENOMEM, "out of memory");
	rc = qmp_open(q, endpoint, t->timeout, e);
	if (rc) {
		free(q);
		return rc;
	}
	t->priv = q;
	return 0;
}

static void qmp_t_close(struct fm_transport *t)
{
	if (t->priv) {
		qmp_close(QP(t));
		free(t->priv);
		t->priv = NULL;
	}
}

static int qom_get(struct fm_transport *t, const char *path, const char *prop,
		   json_object **ret, struct fm_err *e)
{
	json_object *a = json_object_new_object();
	int rc;

	json_object_object_add(a, "path", json_object_new_string(path));
	json_object_object_add(a, "property", json_object_new_string(prop));
	rc = qmp_exec(QP(t), "qom-get", a, ret, e);
	if (rc == -EREMOTEIO) {
		char m[sizeof(e->msg)];

		snprintf(m, sizeof(m), "%s", e->msg);
		fm_seterr(e, rc, "qom-get %s %s: %s", path, prop, m);
	}
	return rc;
}

static int qom_u64(struct fm_transport *t, const char *path, const char *prop, uint64_t *v,
		   struct fm_err *e)
{
	json_object *r;
	int rc = qom_get(t, path, prop, &r, e);

	if (rc)
		return rc;
	if (!json_object_is_type(r, json_type_int)) {
		json_object_put(r);
		return fm_seterr(e, -EPROTO, "qom-get %s %s: not an integer", path, prop);
	}
	*v = json_object_get_uint64(r);
	json_object_put(r);
	return 0;
}

/* size of the memory backend a link property points to, 0 when unset */
static int qom_backend_size(struct fm_transport *t, const char *path, const char *prop,
			    uint64_t *size, struct fm_err *e)
{
	json_object *r;
	char be[256];
	int rc = qom_get(t, path, prop, &r, e);

	if (rc)
		return rc;
	snprintf(be, sizeof(be), "%s", json_object_get_string(r));
	json_object_put(r);
	*size = 0;
	if (!*be)
		return 0;
	return qom_u64(t, be, "size", size, e);
}

static void dev_path(char *buf, size_t len, const char *device)
{
	if (device[0] == '/')
		snprintf(buf, len, "%s", device);
	else
		snprintf(buf, len, "/machine/peripheral/%s", device);
}

/*
 * QEMU 10.0 (cxl_create_dc_regions): one backend for all DC regions, equal
 * regions of size / num-dc-regions, block size 2 MiB, region 0 at DPA
 * vmem + pmem, regions contiguous.
 */
static int qmp_t_geometry(struct fm_transport *t, const char *device, struct fm_geometry *g,
			  struct fm_err *e)
{
	uint64_t n, dc, vmem, pmem, sn;
	json_object *r;
	char path[256];
	unsigned int i;
	int rc;

	memset(g, 0, sizeof(*g));
	dev_path(path, sizeof(path), device);
	rc = qom_get(t, path, "type", &r, e);
	if (rc == -EREMOTEIO)
		return fm_seterr(e, -ENODEV, "%s: no such device in QEMU", device);
	if (rc)
		return rc;
	if (strcmp(json_object_get_string(r), "cxl-type3")) {
		rc = fm_seterr(e, -ENODEV, "%s: is a %s, not a cxl-type3 device", device,
			       json_object_get_string(r));
		json_object_put(r);
		return rc;
	}
	json_object_put(r);
	rc = qom_u64(t, path, "num-dc-regions", &n, e);
	if (!rc)
		rc = qom_backend_size(t, path, "volatile-dc-memdev", &dc, e);
	if (!rc)
		rc = qom_backend_size(t, path, "volatile-memdev", &vmem, e);
	if (!rc)
		rc = qom_backend_size(t, path, "persistent-memdev", &pmem, e);
	if (rc)
		return rc;
	/* more than FM_MAX_REGIONS: reported as such, fm_validate_device() refuses it */
	g->nr_regions = n > FM_MAX_REGIONS ? FM_MAX_REGIONS + 1 : (unsigned int)n;
	if (n && n <= FM_MAX_REGIONS && dc) {
		for (i = 0; i < n; i++) {
			g->region[i].len = dc / n;
			g->region[i].base = vmem + pmem + i * (dc / n);
			g->region[i].block = SZ_2M;
		}
	}
	if (!qom_u64(t, path, "sn", &sn, e) && sn != UINT64_MAX) {
		g->serial = sn;
		g->has_serial = true;
	}
	return 0;
}

static json_object *extents_json(const struct fm_extent *x, unsigned int n)
{
	json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "offset", json_object_new_uint64(x[i].offset));
		json_object_object_add(o, "len", json_object_new_uint64(x[i].len));
		json_object_array_add(a, o);
	}
	return a;
}

static int dc_cmd(struct fm_transport *t, bool add, const char *device, unsigned int host_id,
		  unsigned int region, const struct fm_extent *x, unsigned int n,
		  struct fm_err *e)
{
	const char *cmd = add ? "cxl-add-dynamic-capacity" : "cxl-release-dynamic-capacity";
	json_object *a = json_object_new_object();
	char path[256];

	dev_path(path, sizeof(path), device);
	json_object_object_add(a, "path", json_object_new_string(path));
	json_object_object_add(a, "host-id", json_object_new_int((int)host_id));
	json_object_object_add(a, add ? "selection-policy" : "removal-policy",
			       json_object_new_string("prescriptive"));
	json_object_object_add(a, "region", json_object_new_int((int)region));
	json_object_object_add(a, "extents", extents_json(x, n));
	return qmp_exec(QP(t), cmd, a, NULL, e);
}

static int qmp_t_add(struct fm_transport *t, const char *device, unsigned int host_id,
		     unsigned int region, const struct fm_extent *x, unsigned int n,
		     struct fm_err *e)
{
	return dc_cmd(t, true, device, host_id, region, x, n, e);
}

static int qmp_t_release(struct fm_transport *t, const char *device, unsigned int host_id,
			 unsigned int region, const struct fm_extent *x, unsigned int n,
			 struct fm_err *e)
{
	return dc_cmd(t, false, device, host_id, region, x, n, e);
}

/*
 * QEMU 10.0 checks a request extent by extent, in order, and only queues
 * anything once all passed. A request naming the same range twice can
 * therefore never pass: the second copy fails with "duplicate or
 * overlapped", so a reply other than that one tells the device's state of
 * the first copy, and the device is never changed (verified on 10.0.2):
 *   add [r, r]:     "already accessible" (some of r accepted),
 *                   "still pending" (offered), "duplicate" (free)
 *   release [r, r]: "duplicate" (wholly accepted), "non-existing" (not)
 */
static int qmp_t_probe(struct fm_transport *t, const char *device, unsigned int region,
		       const struct fm_extent *x, enum fm_dev_state *st, struct fm_err *e)
{
	struct fm_extent two[2] = { *x, *x };
	int rc;

	rc = dc_cmd(t, true, device, 0, region, two, 2, e);
	if (!rc)
		return fm_seterr(e, -EPROTO, "%s: probe was accepted as an add: "
				 "not QEMU 10.0 semantics", device);
	if (rc != -EREMOTEIO)
		return rc;
	if (strstr(e->msg, "duplicate or overlapped")) {
		*st = FM_DEV_FREE;
		return 0;
	}
	if (strstr(e->msg, "still pending")) {
		*st = FM_DEV_PENDING;
		return 0;
	}
	if (!strstr(e->msg, "already accessible"))
		return rc;
	rc = dc_cmd(t, false, device, 0, region, two, 2, e);
	if (!rc)
		return fm_seterr(e, -EPROTO, "%s: probe was accepted as a release: "
				 "not QEMU 10.0 semantics", device);
	if (rc != -EREMOTEIO)
		return rc;
	if (strstr(e->msg, "duplicate or overlapped"))
		*st = FM_DEV_ACCEPTED;
	else if (strstr(e->msg, "non-existing") || strstr(e->msg, "pending"))
		*st = FM_DEV_PARTIAL;
	else
		return rc;
	return 0;
}

const struct fm_transport_ops fm_qmp_ops = {
	.name = "qmp",
	.connect = qmp_t_connect,
	.geometry = qmp_t_geometry,
	.add = qmp_t_add,
	.release = qmp_t_release,
	.probe = qmp_t_probe,
	.close = qmp_t_close,
};

static const struct fm_transport_ops *const transports[] = {
	&fm_qmp_ops,
	/* an FM-API (switch CCI / MCTP) transport goes here */
};

const struct fm_transport_ops *fm_transport_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (!strcmp(transports[i]->name, name))
			return transports[i];
	return NULL;
}

const char *fm_dev_state_name(enum fm_dev_state s)
{
	static const char *const n[] = { "free", "pending", "accepted", "partial" };

	return (unsigned int)s < 4 ? n[s] : "?";
}
