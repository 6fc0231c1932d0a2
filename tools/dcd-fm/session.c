// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: a session is one device of one host: its transport (the device
 * side), its geometry, and the host side through the guest agent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "validate.h"

/*
 * A QEMU monitor and a guest agent serve one client at a time, and other
 * orchestrators (or list -R, recover) use the same hosts at the same time:
 * a session connects for each exchange and lets go after it
 * (session_idle), never for a whole command. A client that finds the
 * monitor busy waits for its greeting (up to --timeout).
 */
int session_connect(struct session *s, struct fm_err *e)
{
	char m[sizeof(e->msg)];
	int rc;

	if (s->connected)
		return 0;
	rc = s->t.ops->connect(&s->t, s->ep, e);
	if (rc) {
		snprintf(m, sizeof(m), "%s", e->msg);
		return fm_seterr(e, rc, "host %s does not answer on %s: %s", s->host.name,
				 s->ep, m);
	}
	s->connected = true;
	return 0;
}

void session_idle(struct session *s)
{
	if (s->connected)
		s->t.ops->close(&s->t);
	s->connected = false;
}

int session_open(struct ctx *c, struct session *s, const struct fm_host *h,
		 const char *device, struct session *other)
{
	char m[sizeof(c->e.msg)];
	int rc;

	(void)other;
	memset(s, 0, sizeof(*s));
	s->host = *h;
	snprintf(s->device, sizeof(s->device), "%s", device);
	s->t.ops = fm_transport_find(c->transport);
	if (!s->t.ops)
		return fm_seterr(&c->e, -EINVAL, "unknown transport '%s'", c->transport);
	s->t.timeout = c->timeout;
	fm_host_sock(h, "qmp.sock", s->ep, sizeof(s->ep));
	rc = session_connect(s, &c->e);
	if (rc)
		return rc;
	s->open = true;
	rc = s->t.ops->geometry(&s->t, device, &s->geo, &c->e);
	if (!rc)
		rc = fm_validate_device(&s->geo, device, &c->e);
	session_idle(s);
	if (rc) {
		snprintf(m, sizeof(m), "%s", c->e.msg);
		fm_seterr(&c->e, rc, "host %s: %s", h->name, m);
	}
	return rc;
}

struct fm_transport *session_tr(struct session *s)
{
	return &s->t;
}

void session_close(struct session *s)
{
	session_idle(s);
	s->open = false;
}

uint64_t session_dpa(const struct session *s, unsigned int region, uint64_t offset)
{
	return s->geo.region[region].base + offset;
}

bool session_has(const struct fm_grant *g, const struct session *s)
{
	return !strcmp(g->workdir, s->host.dir) && !strcmp(g->device, s->device);
}

int session_probe(struct session *s, const struct fm_grant *g, struct fm_err *e)
{
	struct fm_extent x = { g->offset, g->len };
	enum fm_dev_state st;
	int rc;

	if (!s->t.ops->probe || session_connect(s, e))
		return -1;
	rc = s->t.ops->probe(&s->t, s->device, g->region, &x, &st, e);
	return rc ? -1 : (int)st;
}

/* open the host side of session s (hv->ops NULL when it fails; reason in e) */
int session_view_open(struct ctx *c, struct session *s, struct fm_hostview *hv,
		      struct fm_err *e)
{
	char path[PATH_MAX + 16], m[sizeof(e->msg)];
	int rc;

	memset(hv, 0, sizeof(*hv));
	hv->ops = &fm_agent_sysfs_ops;
	hv->timeout = c->timeout;
	fm_host_sock(&s->host, "agent.sock", path, sizeof(path));
	rc = hv->ops->open(hv, path, e);
	if (rc) {
		hv->ops = NULL;
		snprintf(m, sizeof(m), "%s", e->msg);
		fm_seterr(e, rc, "host %s does not answer: %s", s->host.name, m);
	}
	return rc;
}

void session_view_close(struct fm_hostview *hv)
{
	if (hv->ops)
		hv->ops->close(hv);
	hv->ops = NULL;
}

/* what the host has of session s's device; the reason in e if unavailable */
int session_view(struct session *s, struct fm_hostview *hv, struct fm_host_view *v,
		 struct fm_err *e)
{
	char m[sizeof(e->msg)];
	int rc;

	if (!hv->ops)
		return fm_seterr(e, -ENOTCONN, "host %s: not connected", s->host.name);
	if (!s->geo.has_serial)
		return fm_seterr(e, -ENODEV, "%s has no serial number (sn): cannot find it "
				 "on host %s", s->device, s->host.name);
	rc = hv->ops->read(hv, s->geo.serial, v, e);
	if (rc) {
		snprintf(m, sizeof(m), "%s", e->msg);
		fm_seterr(e, rc, "host %s: %s", s->host.name, m);
	}
	return rc;
}
