// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: the subcommands.
 *
 * Every change follows the same pattern, so a killed dcd-fm leaves a ledger
 * the next run can reconcile: under the ledger lock, validate, write the
 * intent (adding/releasing), send, write the result (offered/
 * release-requested), unlock; then (--wait) watch the host and the device
 * without the lock, and record the outcome under the lock again.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "builtin.h"
#include "hosts.h"
#include "fmjson.h"
#include "ledger.h"
#include "outcome.h"
#include "transport.h"
#include "validate.h"

#define FM_CLI_MAX_EXTENTS 64
#define DEFAULT_DEVICE "cxl-dcd0"
#define DEFAULT_WAIT 30.0
#define POLL_SECONDS 0.25

struct ctx {
	const char *cmd;
	char ledger_path[PATH_MAX];
	const char *hosts_file;
	const char *transport;
	double timeout;		/* per QMP/agent exchange */
	double lock_timeout;
	unsigned int flags;	/* FM_JSON_HUMAN */
	bool verbose;
	struct fm_ledger l;
	struct fm_err e;
};

struct session {
	struct fm_host host;
	char device[FM_NAME_MAX];
	struct fm_transport t;
	struct fm_geometry geo;
	struct session *shared;	/* same QEMU as another session: use its transport */
	bool open;
};

/* ------------------------------------------------------------- helpers */

static int fail(struct ctx *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ctx *c, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dcd-fm %s: ", c->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

static int fail_e(struct ctx *c, int code)
{
	return fail(c, code, "%s", c->e.msg);
}

static void note(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct ctx *c, const char *fmt, ...)
{
	char ts[32];
	va_list ap;

	if (!c->verbose)
		return;
	fm_timestamp(ts, sizeof(ts));
	fprintf(stderr, "dcd-fm %s: %s ", c->cmd, ts + 11);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *sz(uint64_t v, char *buf)
{
	if (v && !(v % (1ULL << 30)))
		sprintf(buf, "%" PRIu64 " GiB", v >> 30);
	else if (v && !(v % SZ_1M))
		sprintf(buf, "%" PRIu64 " MiB", v >> 20);
	else
		sprintf(buf, "%#" PRIx64, v);
	return buf;
}

static void ctx_init(struct ctx *c, const char *cmd)
{
	char p[PATH_MAX];
	const char *s;

	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	fm_ledger_default_path(p, sizeof(p));
	snprintf(c->ledger_path, sizeof(c->ledger_path), "%s", p);
	c->hosts_file = getenv("DCD_FM_HOSTS");
	c->transport = "qmp";
	c->timeout = 10;
	c->lock_timeout = 60;
	s = getenv("DCD_FM_TIMEOUT");
	if (s && atof(s) > 0)
		c->timeout = atof(s);
}

#define COMMON_LONGOPTS                                                     \
	{ "ledger", required_argument, NULL, 'L' },                         \
	{ "hosts", required_argument, NULL, 'F' },                          \
	{ "timeout", required_argument, NULL, 'T' },                        \
	{ "transport", required_argument, NULL, 'X' },                      \
	{ "human", no_argument, NULL, 'u' },                                \
	{ "verbose", no_argument, NULL, 'v' },                              \
	{ "help", no_argument, NULL, 'h' }
#define COMMON_SHORT "uvh"

#define COMMON_HELP                                                                   \
	"  -u, --human              sizes and addresses as human-readable strings\n"    \
	"  -v, --verbose            progress on stderr, with timestamps\n"                              \
	"      --ledger FILE        state file (default $DCD_FM_LEDGER or\n"          \
	"                           $XDG_STATE_HOME/dcd-fm/ledger.json)\n"             \
	"      --hosts FILE         hosts file, lines \"NAME DIR\" (default $DCD_FM_HOSTS)\n" \
	"      --timeout SECONDS    per QMP/agent exchange (default 10)\n"              \
	"      --transport NAME     fabric-manager transport (default qmp)\n"          \
	"  -h, --help               this help\n"

/* 1: handled, 0: not a common option, <0: bad value (message printed) */
static int common_opt(struct ctx *c, int opt, const char *arg)
{
	switch (opt) {
	case 'L':
		snprintf(c->ledger_path, sizeof(c->ledger_path), "%s", arg);
		return 1;
	case 'F':
		c->hosts_file = arg;
		return 1;
	case 'T':
		c->timeout = atof(arg);
		if (c->timeout <= 0) {
			fail(c, 0, "bad --timeout '%s'", arg);
			return -1;
		}
		return 1;
	case 'X':
		c->transport = arg;
		return 1;
	case 'u':
		c->flags |= FM_JSON_HUMAN;
		return 1;
	case 'v':
		c->verbose = true;
		return 1;
	}
	return 0;
}

static int parse_wait(struct ctx *c, const char *arg, double *wait)
{
	*wait = DEFAULT_WAIT;
	if (arg && (*wait = atof(arg)) <= 0) {
		fail(c, 0, "bad --wait '%s' (seconds)", arg);
		return -1;
	}
	return 0;
}

/* OFFSET:LEN */
static int parse_extent(struct ctx *c, const char *arg, struct fm_extent *x)
{
	char buf[128], *colon;

	snprintf(buf, sizeof(buf), "%s", arg);
	colon = strchr(buf, ':');
	if (!colon)
		goto bad;
	*colon = 0;
	if (fm_parse_size(buf, &x->offset) || fm_parse_size(colon + 1, &x->len))
		goto bad;
	return 0;
bad:
	fail(c, 0, "bad --extent '%s' (OFFSET:LENGTH, e.g. 0:256M)", arg);
	return -1;
}

/* -------------------------------------------------------------- sessions */

static int session_open(struct ctx *c, struct session *s, const struct fm_host *h,
			const char *device, struct session *other)
{
	char ep[PATH_MAX + 16];
	int rc;

	memset(s, 0, sizeof(*s));
	s->host = *h;
	snprintf(s->device, sizeof(s->device), "%s", device);
	if (other && other->open && !strcmp(other->host.dir, h->dir)) {
		s->shared = other;	/* a QEMU monitor serves one client at a time */
	} else {
		s->t.ops = fm_transport_find(c->transport);
		if (!s->t.ops)
			return fm_seterr(&c->e, -EINVAL, "unknown transport '%s'", c->transport);
		s->t.timeout = c->timeout;
		fm_host_sock(h, "qmp.sock", ep, sizeof(ep));
		rc = s->t.ops->connect(&s->t, ep, &c->e);
		if (rc) {
			char m[sizeof(c->e.msg)];

			snprintf(m, sizeof(m), "%s", c->e.msg);
			return fm_seterr(&c->e, rc, "host %s: %s", h->name, m);
		}
	}
	s->open = true;
	rc = (s->shared ? &s->shared->t : &s->t)->ops->geometry(s->shared ? &s->shared->t : &s->t,
								 device, &s->geo, &c->e);
	if (!rc)
		rc = fm_validate_device(&s->geo, device, &c->e);
	if (rc) {
		char m[sizeof(c->e.msg)];

		snprintf(m, sizeof(m), "%s", c->e.msg);
		fm_seterr(&c->e, rc, "host %s: %s", h->name, m);
	}
	return rc;
}

static struct fm_transport *T(struct session *s)
{
	return s->shared ? &s->shared->t : &s->t;
}

static void session_close(struct session *s)
{
	if (s->open && !s->shared && s->t.ops)
		s->t.ops->close(&s->t);
	s->open = false;
}

static uint64_t dpa_of(const struct session *s, unsigned int region, uint64_t offset)
{
	return s->geo.region[region].base + offset;
}

static bool grant_on(const struct fm_grant *g, const struct session *s)
{
	return !strcmp(g->workdir, s->host.dir) && !strcmp(g->device, s->device);
}

static int probe(struct session *s, const struct fm_grant *g, struct fm_err *e)
{
	struct fm_extent x = { g->offset, g->len };
	enum fm_dev_state st;
	int rc;

	if (!T(s)->ops->probe)
		return -1;
	rc = T(s)->ops->probe(T(s), s->device, g->region, &x, &st, e);
	return rc ? -1 : (int)st;
}

/* host view through the agent; NULL view (and a reason in e) if unavailable */
static int host_view(struct ctx *c, struct session *s, struct agent *a,
		     struct fm_host_view *v, struct fm_err *e)
{
	char *script, *out = NULL;
	int st, rc;

	if (!s->geo.has_serial)
		return fm_seterr(e, -ENODEV, "%s has no serial number (sn): cannot find it "
				 "on the host", s->device);
	script = fm_view_script(s->geo.serial);
	if (!script)
		return fm_seterr(e, -ENOMEM, "out of memory");
	rc = agent_run(a, script, (unsigned int)c->timeout, &st, &out, e);
	free(script);
	if (rc)
		return rc;
	if (st) {
		out[strcspn(out, "\n")] = 0;
		rc = fm_seterr(e, st == FM_VIEW_NO_MEMDEV || st == FM_VIEW_NO_DEBUGFS ?
			       -ENODEV : -EIO, "host %s: %s (status %d)", s->host.name,
			       *out ? out : "host script failed", st);
		free(out);
		return rc;
	}
	rc = fm_view_parse(out, v, e);
	free(out);
	return rc;
}

static int open_agent(struct ctx *c, struct session *s, struct agent *a, struct fm_err *e)
{
	char path[PATH_MAX + 16], boot[64];
	int rc;

	fm_host_sock(&s->host, "agent.sock", path, sizeof(path));
	rc = agent_open(a, path, c->timeout, e);
	if (!rc)
		rc = agent_ping(a, boot, sizeof(boot), e);
	if (rc) {
		char m[sizeof(e->msg)];

		agent_close(a);
		snprintf(m, sizeof(m), "%s", e->msg);
		fm_seterr(e, rc, "host %s: %s", s->host.name, m);
	}
	return rc;
}

/* ----------------------------------------------------------------- waiting */

static enum fm_gstate outcome_state(enum fm_outcome o, enum fm_gstate cur)
{
	switch (o) {
	case O_ACCEPTED: return G_ACCEPTED;
	case O_REJECTED: return G_REJECTED;
	case O_RELEASED: return G_RELEASED;
	case O_RELEASE_PENDING: return G_RELEASE_PENDING;
	default: return cur;
	}
}

/*
 * Watch grants ids[0..n) on session s until each has an outcome (add:
 * accepted or rejected; release: released) or the timeout; record the
 * outcomes in the ledger. Returns the exit code.
 */
static int wait_grants(struct ctx *c, struct session *s, bool add, const unsigned int *ids,
		       unsigned int n, double timeout, enum fm_outcome *res)
{
	double deadline = fm_now() + timeout;
	struct fm_grant gs[FM_CLI_MAX_EXTENTS];
	char why[sizeof(c->e.msg)] = "";
	struct fm_err e;
	struct agent a;
	bool have_agent = false, done;
	unsigned int i, accepted = 0, rejected = 0, released = 0, pending = 0;
	int rc;

	rc = fm_ledger_begin(&c->l, c->lock_timeout, &c->e);
	if (rc)
		return fail_e(c, FM_EXIT_FAIL);
	for (i = 0; i < n; i++)
		gs[i] = *fm_ledger_get(&c->l, ids[i]);
	fm_ledger_unlock(&c->l);

	rc = open_agent(c, s, &a, &e);
	if (rc)
		snprintf(why, sizeof(why), "%s", e.msg);
	else
		have_agent = true;
	for (;;) {
		struct fm_host_view v, *vp = NULL;

		if (have_agent) {
			rc = host_view(c, s, &a, &v, &e);
			if (!rc) {
				vp = &v;
				why[0] = 0;
			} else {
				snprintf(why, sizeof(why), "%s", e.msg);
				if (rc == -ETIMEDOUT || rc == -ECONNRESET) {
					agent_close(&a);
					have_agent = false;
				}
			}
		}
		done = true;
		accepted = rejected = released = pending = 0;
		for (i = 0; i < n; i++) {
			int ds = probe(s, &gs[i], &e);

			res[i] = add ? fm_classify_add(vp, gs[i].dpa, gs[i].len, ds) :
				fm_classify_release(vp, gs[i].dpa, gs[i].len, ds);
			accepted += res[i] == O_ACCEPTED;
			rejected += res[i] == O_REJECTED;
			released += res[i] == O_RELEASED;
			pending += res[i] == O_RELEASE_PENDING;
			if (res[i] == O_WAITING || res[i] == O_RELEASE_PENDING)
				done = false;
		}
		if (vp)
			fm_view_free(vp);
		if (done || fm_now() > deadline)
			break;
		usleep((useconds_t)(POLL_SECONDS * 1e6));
	}
	if (have_agent)
		agent_close(&a);

	rc = fm_ledger_begin(&c->l, c->lock_timeout, &c->e);
	if (rc)
		return fail_e(c, FM_EXIT_FAIL);
	for (i = 0; i < n; i++) {
		struct fm_grant *g = fm_ledger_get(&c->l, ids[i]);

		if (g)
			fm_grant_set_state(g, outcome_state(res[i], g->state));
	}
	rc = fm_ledger_commit(&c->l, &c->e);
	if (rc)
		return fail_e(c, FM_EXIT_FAIL);

	if (add) {
		if (accepted == n)
			return FM_EXIT_OK;
		if (rejected && accepted + rejected == n)
			return fail(c, FM_EXIT_REJECTED, "host %s rejected %u of %u extents",
				    s->host.name, rejected, n);
		return fail(c, FM_EXIT_TIMEOUT, "host %s: no answer for %u of %u extents "
			    "within %.0fs%s%s", s->host.name, n - accepted - rejected, n,
			    timeout, why[0] ? ": " : "", why);
	}
	if (released == n)
		return FM_EXIT_OK;
	if (pending)
		return fail(c, FM_EXIT_PENDING, "host %s: release of %u of %u extents pending "
			    "after %.0fs: the memory is in use, the host's helper must offline "
			    "it first", s->host.name, pending, n, timeout);
	return fail(c, FM_EXIT_TIMEOUT, "host %s: %u of %u extents not released within "
		    "%.0fs%s%s", s->host.name, n - released, n, timeout, why[0] ? ": " : "",
		    why);
}

/* ------------------------------------------------------------- ledger ops */

/*
 * Settle this device's adding/offered grants with the device's own answer.
 * Returns the first one still pending (an unanswered offer), or NULL.
 */
static struct fm_grant *settle_offers(struct ctx *c, struct session *s)
{
	struct fm_grant *first = NULL;
	struct fm_err e;
	size_t i;

	for (i = 0; i < c->l.n; i++) {
		struct fm_grant *g = &c->l.g[i];
		int ds;

		if (!grant_on(g, s) || (g->state != G_ADDING && g->state != G_OFFERED))
			continue;
		ds = probe(s, g, &e);
		if (ds == FM_DEV_ACCEPTED)
			fm_grant_set_state(g, G_ACCEPTED);
		else if (ds == FM_DEV_FREE || ds == FM_DEV_PARTIAL)
			fm_grant_set_state(g, G_REJECTED);
		else if (ds == FM_DEV_PENDING)
			fm_grant_set_state(g, G_OFFERED);
		if ((g->state == G_OFFERED || g->state == G_ADDING) && !first)
			first = g;
	}
	return first;
}

/* first fit of len bytes in free space of the device (per ledger), <= 8 pieces */
static int place(struct ctx *c, struct session *s, int want_region, uint64_t len,
		 unsigned int *region, struct fm_extent *x, unsigned int *n)
{
	unsigned int r;

	if (want_region >= 0 && (unsigned int)want_region >= s->geo.nr_regions)
		return fm_seterr(&c->e, -EINVAL, "%s: region %d does not exist (device has %u)",
				 s->device, want_region, s->geo.nr_regions);
	for (r = 0; r < s->geo.nr_regions; r++) {
		const struct fm_region *rg = &s->geo.region[r];
		uint64_t pos = 0, left = len;
		unsigned int k = 0;

		if (want_region >= 0 && r != (unsigned int)want_region)
			continue;
		if (len % rg->block)
			return fm_seterr(&c->e, -EINVAL, "%s: length %#" PRIx64 " is not a "
					 "multiple of the %" PRIu64 " MiB block size", s->device,
					 len, rg->block >> 20);
		while (left && pos < rg->len && k < FM_MAX_EXTENTS) {
			struct fm_grant *g;
			uint64_t end = pos;

			g = fm_ledger_overlap(&c->l, s->host.dir, s->device, rg->base + pos,
					      rg->block);
			if (g) {
				pos = g->dpa + g->len - rg->base;
				continue;
			}
			while (end < rg->len && end - pos < left &&
			       !fm_ledger_overlap(&c->l, s->host.dir, s->device, rg->base + end,
						  rg->block))
				end += rg->block;
			x[k].offset = pos;
			x[k].len = end - pos;
			left -= x[k].len;
			k++;
			pos = end;
		}
		if (!left) {
			*region = r;
			*n = k;
			return 0;
		}
	}
	return fm_seterr(&c->e, -ENOSPC, "%s on host %s: no room for %" PRIu64 " MiB in %s "
			 "(per the ledger, in at most %d extents)", s->device, s->host.name,
			 len >> 20, want_region >= 0 ? "that region" : "any region",
			 FM_MAX_EXTENTS);
}

/*
 * The add transaction: ledger checks, intent, send, result. ids[] gets the
 * new grants. Returns an exit code (0 when sent).
 */
static int do_add(struct ctx *c, struct session *s, unsigned int host_id, int want_region,
		  struct fm_extent *x, unsigned int n, uint64_t auto_len, bool force,
		  unsigned int *ids, unsigned int *nids)
{
	struct fm_grant *g;
	unsigned int i, region = want_region < 0 ? 0 : (unsigned int)want_region;
	char b[32];
	int rc;

	rc = fm_ledger_begin(&c->l, c->lock_timeout, &c->e);
	if (rc)
		return fail_e(c, FM_EXIT_FAIL);
	g = settle_offers(c, s);
	if (g && !force) {
		fm_ledger_commit(&c->l, &c->e);
		return fail(c, FM_EXIT_INVALID, "%s on host %s: offer of grant %u (dpa %#" PRIx64
			    ") is still unanswered; a new add would queue behind it "
			    "(--force to queue anyway)", s->device, g->host, g->id, g->dpa);
	}
	if (auto_len) {
		rc = place(c, s, want_region, auto_len, &region, x, &n);
		if (rc)
			goto invalid;
	}
	rc = fm_validate_request(&s->geo, s->device, region, x, n, &c->e);
	if (rc)
		goto invalid;
	for (i = 0; i < n; i++) {
		g = fm_ledger_overlap(&c->l, s->host.dir, s->device, dpa_of(s, region, x[i].offset),
				      x[i].len);
		if (g) {
			fm_seterr(&c->e, -EEXIST, "%s: extent %u (offset %#" PRIx64 ") overlaps "
				  "grant %u (host %s, %s, %s)", s->device, i, x[i].offset, g->id,
				  g->host, sz(g->len, b), fm_gstate_name(g->state));
			goto invalid;
		}
	}
	for (i = 0; i < n; i++) {
		g = fm_ledger_new(&c->l);
		if (!g) {
			fm_ledger_unlock(&c->l);
			return fail(c, FM_EXIT_FAIL, "out of memory");
		}
		snprintf(g->host, sizeof(g->host), "%s", s->host.name);
		snprintf(g->workdir, sizeof(g->workdir), "%s", s->host.dir);
		snprintf(g->device, sizeof(g->device), "%s", s->device);
		g->host_id = host_id;
		g->region = region;
		g->offset = x[i].offset;
		g->len = x[i].len;
		g->dpa = dpa_of(s, region, x[i].offset);
		g->state = G_ADDING;
		ids[i] = g->id;
	}
	*nids = n;
	rc = fm_ledger_save(&c->l, &c->e);
	if (rc) {
		fm_ledger_unlock(&c->l);
		return fail_e(c, FM_EXIT_FAIL);
	}
	rc = T(s)->ops->add(T(s), s->device, host_id, region, x, n, &c->e);
	for (i = 0; i < n; i++) {
		g = fm_ledger_get(&c->l, ids[i]);
		if (!rc)
			fm_grant_set_state(g, G_OFFERED);
		else if (rc == -EREMOTEIO)	/* refused as a whole: nothing happened */
			fm_ledger_remove(&c->l, ids[i]);
		/* else unknown whether it was sent: stays "adding" for reconcile */
	}
	if (rc) {
		char m[sizeof(c->e.msg)];

		snprintf(m, sizeof(m), "%s", c->e.msg);
		fm_ledger_commit(&c->l, &c->e);
		*nids = 0;
		return fail(c, FM_EXIT_FAIL, "%s on host %s: add refused: %s", s->device,
			    s->host.name, m);
	}
	rc = fm_ledger_commit(&c->l, &c->e);
	if (rc)
		return fail_e(c, FM_EXIT_FAIL);
	return FM_EXIT_OK;
invalid:
	fm_ledger_commit(&c->l, NULL);
	return fail_e(c, FM_EXIT_INVALID);
}

/* The release transaction, on grants ids[] (all of session s, one region) */
static int do_release(struct ctx *c, struct session *s, const unsigned int *ids,
		      unsigned int n, bool force)
{
	struct fm_extent x[FM_CLI_MAX_EXTENTS];
	enum fm_gstate prev[FM_CLI_MAX_EXTENTS];
	unsigned int i, region = 0, host_id = 0;
	struct fm_grant *g;
	int rc;

	rc = fm_ledger_begin(&c->l, c->lock_timeout, &c->e);
	if (rc)
		return fail_e(c, FM_EXIT_FAIL);
	for (i = 0; i < n; i++) {
		g = fm_ledger_get(&c->l, ids[i]);
		if (!g || !grant_on(g, s)) {
			fm_seterr(&c->e, -ENOENT, "grant %u is not on %s of host %s", ids[i],
				  s->device, s->host.name);
			goto invalid;
		}
		if (i && g->region != region) {
			fm_seterr(&c->e, -EINVAL, "grants %u and %u are in different regions: "
				  "one request is one region", ids[0], ids[i]);
			goto invalid;
		}
		region = g->region;
		host_id = g->host_id;
		prev[i] = g->state;
		x[i].offset = g->offset;
		x[i].len = g->len;
		if (g->state == G_ACCEPTED)
			continue;
		if (force && fm_gstate_active(g->state) && g->state != G_ADDING &&
		    g->state != G_OFFERED)
			continue;
		if (!fm_gstate_active(g->state))
			fm_seterr(&c->e, -EINVAL, "grant %u is %s: nothing to release", g->id,
				  fm_gstate_name(g->state));
		else if (g->state == G_ADDING || g->state == G_OFFERED)
			fm_seterr(&c->e, -EBUSY, "grant %u is %s, not accepted: the device "
				  "refuses to release an unanswered offer", g->id,
				  fm_gstate_name(g->state));
		else
			fm_seterr(&c->e, -EALREADY, "grant %u is %s: a second release would "
				  "queue duplicate release records (--force to send anyway)",
				  g->id, fm_gstate_name(g->state));
		goto invalid;
	}
	rc = fm_validate_request(&s->geo, s->device, region, x, n, &c->e);
	if (rc)
		goto invalid;
	for (i = 0; i < n; i++)
		fm_grant_set_state(fm_ledger_get(&c->l, ids[i]), G_RELEASING);
	rc = fm_ledger_save(&c->l, &c->e);
	if (rc) {
		fm_ledger_unlock(&c->l);
		return fail_e(c, FM_EXIT_FAIL);
	}
	rc = T(s)->ops->release(T(s), s->device, host_id, region, x, n, &c->e);
	for (i = 0; i < n; i++) {
		g = fm_ledger_get(&c->l, ids[i]);
		if (!rc)
			fm_grant_set_state(g, G_RELEASE_REQUESTED);
		else if (rc == -EREMOTEIO)
			fm_grant_set_state(g, prev[i]);
	}
	if (rc) {
		char m[sizeof(c->e.msg)];

		snprintf(m, sizeof(m), "%s", c->e.msg);
		fm_ledger_commit(&c->l, &c->e);
		return fail(c, FM_EXIT_FAIL, "%s on host %s: release refused: %s", s->device,
			    s->host.name, m);
	}
	rc = fm_ledger_commit(&c->l, &c->e);
	return rc ? fail_e(c, FM_EXIT_FAIL) : FM_EXIT_OK;
invalid:
	fm_ledger_commit(&c->l, NULL);
	return fail_e(c, FM_EXIT_INVALID);
}

static void print_grants(struct ctx *c, const unsigned int *ids, unsigned int n)
{
	json_object *arr = json_object_new_array();
	struct fm_err e;
	unsigned int i;

	if (fm_ledger_lock(&c->l, c->lock_timeout, &e) || fm_ledger_load(&c->l, &e)) {
		fm_ledger_unlock(&c->l);
		json_object_put(arr);
		return;
	}
	fm_ledger_unlock(&c->l);
	for (i = 0; i < n; i++) {
		struct fm_grant *g = fm_ledger_get(&c->l, ids[i]);

		if (g)
			json_object_array_add(arr, fm_grant_to_json(g, c->flags));
	}
	fm_json_print(stdout, arr);
}

/* -------------------------------------------------------------------- add */

static const char add_usage[] =
	"usage: dcd-fm add -H HOST [-d DEVICE] [-r REGION] (-e OFFSET:LEN... | [-o OFFSET] -l LEN)\n"
	"                  [--host-id N] [-w[SECONDS]] [-f] [options]\n"
	"Offer dynamic capacity to a host's DCD. Offsets are relative to the DC region;\n"
	"without --offset dcd-fm places LEN in free capacity (per the ledger).\n"
	"  -H, --host NAME[=DIR]    the host (a lab guest work directory)\n"
	"  -d, --device ID          QEMU device id (default " DEFAULT_DEVICE ")\n"
	"  -r, --region N           DC region (default 0, or any with auto-placement)\n"
	"  -e, --extent OFF:LEN     one extent (repeatable, at most 8)\n"
	"  -o, --offset OFFSET      with --len: one extent at OFFSET\n"
	"  -l, --len LEN            length (K/M/G suffixes)\n"
	"      --host-id N          host id in the event records (default 0)\n"
	"  -w, --wait[=SECONDS]     wait for the host's answer (default 30 s)\n"
	"  -f, --force              queue behind an unanswered earlier offer\n"
	COMMON_HELP
	"Exit: 0 offered (accepted with --wait), 1 failed, 2 invalid request (nothing sent),\n"
	"      3 rejected, 5 timeout.\n";

/* Options add and release share: where to send, what, and how to wait. */
struct target_args {
	const char *hostspec, *device;
	int region;
	struct fm_extent x[FM_CLI_MAX_EXTENTS];
	unsigned int n;
	uint64_t offset, len;
	bool have_off, force;
	double wait;
};

/* Returns 1 if @opt was one of them, 0 if not, -1 on a bad value (reported). */
static int target_opt(struct ctx *c, int opt, const char *arg, struct target_args *t)
{
	uint64_t v;

	switch (opt) {
	case 'H':
		t->hostspec = arg;
		return 1;
	case 'd':
		t->device = arg;
		return 1;
	case 'r':
		if (fm_parse_u64(arg, &v) || v > 255) {
			fail(c, FM_EXIT_INVALID, "bad --region '%s'", arg);
			return -1;
		}
		t->region = (int)v;
		return 1;
	case 'e':
		if (t->n == FM_CLI_MAX_EXTENTS) {
			fail(c, FM_EXIT_INVALID, "too many --extent");
			return -1;
		}
		return parse_extent(c, arg, &t->x[t->n++]) ? -1 : 1;
	case 'o':
		if (fm_parse_size(arg, &t->offset)) {
			fail(c, FM_EXIT_INVALID, "bad --offset '%s'", arg);
			return -1;
		}
		t->have_off = true;
		return 1;
	case 'l':
		if (fm_parse_size(arg, &t->len) || !t->len) {
			fail(c, FM_EXIT_INVALID, "bad --len '%s'", arg);
			return -1;
		}
		return 1;
	case 'w':
		return parse_wait(c, arg, &t->wait) ? -1 : 1;
	case 'f':
		t->force = true;
		return 1;
	}
	return 0;
}

int cmd_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "device", required_argument, NULL, 'd' },
		{ "region", required_argument, NULL, 'r' },
		{ "extent", required_argument, NULL, 'e' },
		{ "offset", required_argument, NULL, 'o' },
		{ "len", required_argument, NULL, 'l' },
		{ "host-id", required_argument, NULL, 'I' },
		{ "wait", optional_argument, NULL, 'w' },
		{ "force", no_argument, NULL, 'f' },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct target_args t = { .device = DEFAULT_DEVICE, .region = -1 };
	unsigned int ids[FM_CLI_MAX_EXTENTS], nids = 0, i;
	uint64_t host_id = 0;
	int opt, rc;
	struct fm_host h;
	struct session s;
	struct ctx c;

	ctx_init(&c, "add");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "H:d:r:e:o:l:w::f" COMMON_SHORT, opts, NULL)) != -1) {
		rc = common_opt(&c, opt, optarg);
		if (!rc)
			rc = target_opt(&c, opt, optarg, &t);
		if (rc < 0)
			return FM_EXIT_INVALID;
		if (rc)
			continue;
		switch (opt) {
		case 'I':
			if (fm_parse_u64(optarg, &host_id) || host_id > 0xffff)
				return fail(&c, FM_EXIT_INVALID, "bad --host-id '%s'", optarg);
			break;
		case 'h': fputs(add_usage, stdout); return FM_EXIT_OK;
		default: fputs(add_usage, stderr); return FM_EXIT_INVALID;
		}
	}
	if (optind < argc)
		return fail(&c, FM_EXIT_INVALID, "unexpected argument '%s'", argv[optind]);
	if (!t.hostspec)
		return fail(&c, FM_EXIT_INVALID, "--host is required");
	if (t.n && (t.len || t.have_off))
		return fail(&c, FM_EXIT_INVALID, "use either --extent or --offset/--len");
	if (!t.n && !t.len)
		return fail(&c, FM_EXIT_INVALID, "nothing to add: give --extent or --len");
	if (t.have_off) {
		t.x[0].offset = t.offset;
		t.x[0].len = t.len;
		t.n = 1;
		t.len = 0;
	}
	if (t.n > FM_MAX_EXTENTS)
		return fail(&c, FM_EXIT_INVALID, "%u extents in one request, at most %d (the "
			    "device's DC event log depth)", t.n, FM_MAX_EXTENTS);
	fm_ledger_init(&c.l, c.ledger_path);
	if (fm_host_resolve(t.hostspec, c.hosts_file, &h, &c.e))
		return fail_e(&c, FM_EXIT_INVALID);
	rc = session_open(&c, &s, &h, t.device, NULL);
	if (rc) {
		session_close(&s);
		return fail_e(&c, rc == -EINVAL ? FM_EXIT_INVALID : FM_EXIT_FAIL);
	}
	rc = do_add(&c, &s, (unsigned int)host_id, t.region, t.x, t.n, t.len, t.force, ids, &nids);
	if (!rc) {
		uint64_t total = 0;
		char b[32];

		fm_ledger_load(&c.l, &c.e);
		for (i = 0; i < nids; i++)
			total += fm_ledger_get(&c.l, ids[i])->len;
		note(&c, "offered %s in %u extent%s to %s/%s", sz(total, b), nids,
		     nids == 1 ? "" : "s", s.host.name, s.device);
		if (t.wait > 0) {
			enum fm_outcome res[FM_CLI_MAX_EXTENTS];

			rc = wait_grants(&c, &s, true, ids, nids, t.wait, res);
			if (!rc)
				note(&c, "host %s accepted %s", s.host.name, sz(total, b));
		}
		print_grants(&c, ids, nids);
	}
	session_close(&s);
	fm_ledger_free(&c.l);
	return rc;
}

/* ---------------------------------------------------------------- release */

static const char release_usage[] =
	"usage: dcd-fm release -H HOST [-d DEVICE] [-r REGION] (-e OFFSET:LEN... | -o OFFSET -l LEN)\n"
	"       dcd-fm release -g GRANT... [-w[SECONDS]] [-f] [options]\n"
	"Ask a host to give back capacity it was granted (whole grants of the ledger).\n"
	"  -H, --host NAME[=DIR]    the host (a lab guest work directory)\n"
	"  -d, --device ID          QEMU device id (default " DEFAULT_DEVICE ")\n"
	"  -r, --region N           DC region of the extents (default 0)\n"
	"  -e, --extent OFF:LEN     a granted extent (repeatable, at most 8)\n"
	"  -o, --offset OFFSET, -l, --len LEN   one granted extent\n"
	"  -g, --grant ID           a grant by its ledger id (repeatable)\n"
	"  -w, --wait[=SECONDS]     wait until the host released it (default 30 s)\n"
	"  -f, --force              also release what the ledger does not know as\n"
	"                           accepted (ranges granted outside dcd-fm; repeats)\n"
	COMMON_HELP
	"Exit: 0 requested (released with --wait), 1 failed, 2 invalid request (nothing\n"
	"      sent), 4 release pending on the host (memory in use), 5 timeout.\n";

int cmd_release(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "device", required_argument, NULL, 'd' },
		{ "region", required_argument, NULL, 'r' },
		{ "extent", required_argument, NULL, 'e' },
		{ "offset", required_argument, NULL, 'o' },
		{ "len", required_argument, NULL, 'l' },
		{ "grant", required_argument, NULL, 'g' },
		{ "wait", optional_argument, NULL, 'w' },
		{ "force", no_argument, NULL, 'f' },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct target_args t = { .region = 0 };
	unsigned int ids[FM_CLI_MAX_EXTENTS], nids = 0, i;
	char devbuf[FM_NAME_MAX];
	uint64_t v;
	int opt, rc;
	struct fm_host h;
	struct session s;
	struct ctx c;
	size_t k;

	ctx_init(&c, "release");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "H:d:r:e:o:l:g:w::f" COMMON_SHORT, opts, NULL)) != -1) {
		rc = common_opt(&c, opt, optarg);
		if (!rc)
			rc = target_opt(&c, opt, optarg, &t);
		if (rc < 0)
			return FM_EXIT_INVALID;
		if (rc)
			continue;
		switch (opt) {
		case 'g':
			if (nids == FM_CLI_MAX_EXTENTS)
				return fail(&c, FM_EXIT_INVALID, "too many --grant");
			if (fm_parse_u64(optarg, &v) || !v || v > UINT32_MAX)
				return fail(&c, FM_EXIT_INVALID, "bad --grant '%s'", optarg);
			ids[nids++] = (unsigned int)v;
			break;
		case 'h': fputs(release_usage, stdout); return FM_EXIT_OK;
		default: fputs(release_usage, stderr); return FM_EXIT_INVALID;
		}
	}
	if (optind < argc)
		return fail(&c, FM_EXIT_INVALID, "unexpected argument '%s'", argv[optind]);
	if (t.have_off != !!t.len)
		return fail(&c, FM_EXIT_INVALID, "--offset and --len go together");
	if (t.have_off) {
		if (t.n == FM_CLI_MAX_EXTENTS)
			return fail(&c, FM_EXIT_INVALID, "too many extents");
		t.x[t.n].offset = t.offset;
		t.x[t.n++].len = t.len;
	}
	if (!t.n && !nids)
		return fail(&c, FM_EXIT_INVALID, "nothing to release: give --extent, "
			    "--offset/--len or --grant");
	if (t.n + nids > FM_MAX_EXTENTS)
		return fail(&c, FM_EXIT_INVALID, "%u extents in one request, at most %d (the "
			    "device's DC event log depth)", t.n + nids, FM_MAX_EXTENTS);
	fm_ledger_init(&c.l, c.ledger_path);
	if (!t.hostspec) {
		struct fm_grant *g;

		if (!nids)
			return fail(&c, FM_EXIT_INVALID, "--host is required with --extent");
		if (fm_ledger_begin(&c.l, c.lock_timeout, &c.e))
			return fail_e(&c, FM_EXIT_FAIL);
		fm_ledger_unlock(&c.l);
		memset(&h, 0, sizeof(h));
		g = fm_ledger_get(&c.l, ids[0]);
		if (!g) {
			fm_ledger_free(&c.l);
			return fail(&c, FM_EXIT_INVALID, "no grant %u in the ledger", ids[0]);
		}
		snprintf(h.name, sizeof(h.name), "%s", g->host);
		snprintf(h.dir, sizeof(h.dir), "%s", g->workdir);
		if (!t.device) {
			snprintf(devbuf, sizeof(devbuf), "%s", g->device);
			t.device = devbuf;
		}
	} else if (fm_host_resolve(t.hostspec, c.hosts_file, &h, &c.e)) {
		return fail_e(&c, FM_EXIT_INVALID);
	}
	if (!t.device)
		t.device = DEFAULT_DEVICE;
	rc = session_open(&c, &s, &h, t.device, NULL);
	if (rc) {
		rc = fail_e(&c, rc == -EINVAL ? FM_EXIT_INVALID : FM_EXIT_FAIL);
		goto out;
	}
	/* extents -> grants of the ledger (exact match); --t.force records unknown ones */
	if (t.n) {
		if ((unsigned int)t.region >= s.geo.nr_regions) {
			rc = fail(&c, FM_EXIT_INVALID, "%s: region %d does not exist (device has "
				    "%u)", t.device, t.region, s.geo.nr_regions);
			goto out;
		}
		rc = fm_validate_request(&s.geo, s.device, (unsigned int)t.region, t.x, t.n, &c.e);
		if (rc || fm_ledger_begin(&c.l, c.lock_timeout, &c.e)) {
			rc = fail_e(&c, rc ? FM_EXIT_INVALID : FM_EXIT_FAIL);
			goto out;
		}
		for (i = 0; i < t.n; i++) {
			struct fm_grant *g = NULL;
			uint64_t dpa = dpa_of(&s, (unsigned int)t.region, t.x[i].offset);

			for (k = 0; k < c.l.n; k++)
				if (grant_on(&c.l.g[k], &s) && fm_gstate_active(c.l.g[k].state) &&
				    c.l.g[k].dpa == dpa && c.l.g[k].len == t.x[i].len)
					g = &c.l.g[k];
			if (!g && !t.force) {
				fm_ledger_unlock(&c.l);
				rc = fail(&c, FM_EXIT_INVALID, "%s: extent %u (offset %#" PRIx64
					    " length %#" PRIx64 ") is not a grant of host %s in the "
					    "ledger (--force to release it anyway)", t.device, i,
					    t.x[i].offset, t.x[i].len, s.host.name);
				goto out;
			}
			if (!g) {
				if (fm_ledger_overlap(&c.l, s.host.dir, s.device, dpa, t.x[i].len)) {
					fm_ledger_unlock(&c.l);
					rc = fail(&c, FM_EXIT_INVALID, "%s: extent %u overlaps a "
						    "grant but is not one: release whole grants",
						    t.device, i);
					goto out;
				}
				g = fm_ledger_new(&c.l);
				if (!g) {
					fm_ledger_unlock(&c.l);
					rc = fail(&c, FM_EXIT_FAIL, "out of memory");
					goto out;
				}
				snprintf(g->host, sizeof(g->host), "%s", s.host.name);
				snprintf(g->workdir, sizeof(g->workdir), "%s", s.host.dir);
				snprintf(g->device, sizeof(g->device), "%s", s.device);
				g->region = (unsigned int)t.region;
				g->offset = t.x[i].offset;
				g->len = t.x[i].len;
				g->dpa = dpa;
				g->state = G_ACCEPTED;	/* as far as we know: forced */
			}
			ids[nids++] = g->id;
		}
		if (fm_ledger_commit(&c.l, &c.e)) {
			rc = fail_e(&c, FM_EXIT_FAIL);
			goto out;
		}
	}
	rc = do_release(&c, &s, ids, nids, t.force);
	if (!rc) {
		note(&c, "asked host %s to release %u extent%s of %s", s.host.name, nids,
		     nids == 1 ? "" : "s", s.device);
		if (t.wait > 0) {
			enum fm_outcome res[FM_CLI_MAX_EXTENTS];

			rc = wait_grants(&c, &s, false, ids, nids, t.wait, res);
			if (!rc)
				note(&c, "host %s released them", s.host.name);
		}
		print_grants(&c, ids, nids);
	}
out:
	session_close(&s);
	fm_ledger_free(&c.l);
	return rc;
}

/* ------------------------------------------------------------------- list */

static const char list_usage[] =
	"usage: dcd-fm list [-H HOST] [-d DEVICE] [-a] [-R] [options]\n"
	"Show the ledger: what was granted to which host, device and region.\n"
	"  -H, --host NAME[=DIR]    only this host (with -R: also look for extents the\n"
	"                           ledger does not know on this host)\n"
	"  -d, --device ID          only this device\n"
	"  -a, --all                include released and rejected grants\n"
	"  -R, --reconcile          ask every host and device, settle what is certain,\n"
	"                           report mismatches (\"problem\" keys)\n"
	COMMON_HELP
	"Exit: 0, 1 failed, 2 invalid, 6 the ledger and the hosts disagree (-R).\n";

struct devgroup {
	char host[FM_NAME_MAX];
	char dir[PATH_MAX];
	char device[FM_NAME_MAX];
};

static void problem(json_object *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(json_object *o, const char *fmt, ...)
{
	char buf[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "problem", json_object_new_string(buf));
}

/* reconcile one device: settle its grants, report mismatches into arr */
static unsigned int reconcile_dev(struct ctx *c, const struct devgroup *dg, bool all,
				  json_object *arr)
{
	struct fm_host_view v, *vp = NULL;
	unsigned int problems = 0;
	char why[sizeof(c->e.msg)] = "";
	struct fm_host h;
	struct session s;
	struct agent a;
	struct fm_err e;
	size_t i, j;
	int rc;

	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "%s", dg->host);
	snprintf(h.dir, sizeof(h.dir), "%s", dg->dir);
	rc = session_open(c, &s, &h, dg->device, NULL);
	if (rc) {
		snprintf(why, sizeof(why), "%s", c->e.msg);
		session_close(&s);
	} else if (!open_agent(c, &s, &a, &e)) {
		if (!host_view(c, &s, &a, &v, &e))
			vp = &v;
		else
			snprintf(why, sizeof(why), "host view: %s", e.msg);
		agent_close(&a);
	} else {
		snprintf(why, sizeof(why), "%s", e.msg);
	}
	for (i = 0; i < c->l.n; i++) {
		struct fm_grant *g = &c->l.g[i];
		const struct fm_hext *hx;
		json_object *o;
		int ds = -1;

		if (strcmp(g->workdir, dg->dir) || strcmp(g->device, dg->device))
			continue;
		if (!fm_gstate_active(g->state)) {
			if (all)
				json_object_array_add(arr, fm_grant_to_json(g, c->flags));
			continue;
		}
		if (s.open)
			ds = probe(&s, g, &e);
		switch (g->state) {
		case G_ADDING:
		case G_OFFERED:
			fm_grant_set_state(g, outcome_state(fm_classify_add(vp, g->dpa, g->len, ds),
							    g->state));
			if (g->state == G_ADDING && ds == FM_DEV_PENDING)
				fm_grant_set_state(g, G_OFFERED);
			break;
		case G_RELEASING:
		case G_RELEASE_REQUESTED:
		case G_RELEASE_PENDING:
			fm_grant_set_state(g, outcome_state(fm_classify_release(vp, g->dpa, g->len,
										ds), g->state));
			break;
		default:
			break;
		}
		o = fm_grant_to_json(g, c->flags);
		if (ds >= 0)
			json_object_object_add(o, "device_state",
					       json_object_new_string(fm_dev_state_name(ds)));
		hx = vp ? fm_view_host_overlap(vp, g->dpa, g->len) : NULL;
		if (vp)
			json_object_object_add(o, "host_state", json_object_new_string(
						       hx ? fm_hstate_name(hx->state) : "absent"));
		if (!s.open || (!vp && why[0])) {
			problem(o, "cannot check: %s", why);
			problems++;
		} else if (g->state == G_ACCEPTED && ds == FM_DEV_FREE) {
			problem(o, "the ledger says accepted, the device does not have it "
				"(released outside dcd-fm?)");
			fm_grant_set_state(g, G_RELEASED);
			problems++;
		} else if (g->state == G_ACCEPTED && ds == FM_DEV_PARTIAL) {
			problem(o, "only part of it is accepted on the device");
			problems++;
		} else if (g->state == G_ACCEPTED && vp && (!hx || hx->state == H_ORPHAN)) {
			problem(o, "accepted on the device but the host %s", hx ?
				"has it as an orphan (no DC region covers it)" :
				"does not list it");
			problems++;
		} else if (g->state == G_ADDING) {
			problem(o, "an add was interrupted and its fate is unknown");
			problems++;
		} else if (g->state == G_RELEASING) {
			problem(o, "a release was interrupted; the host still has it: release "
				"again (--force)");
			fm_grant_set_state(g, G_ACCEPTED);
			problems++;
		}
		json_object_array_add(arr, o);
	}
	/* the host's extents the ledger does not know */
	for (i = 0; vp && i < vp->ndev; i++) {
		struct fm_grant u = { 0 };
		json_object *o;
		bool known = false;

		for (j = 0; j < c->l.n; j++) {
			struct fm_grant *g = &c->l.g[j];

			if (!strcmp(g->workdir, dg->dir) && !strcmp(g->device, dg->device) &&
			    fm_gstate_active(g->state) && g->dpa < vp->dev[i].dpa + vp->dev[i].len &&
			    vp->dev[i].dpa < g->dpa + g->len)
				known = true;
		}
		if (known)
			continue;
		snprintf(u.host, sizeof(u.host), "%s", dg->host);
		snprintf(u.workdir, sizeof(u.workdir), "%s", dg->dir);
		snprintf(u.device, sizeof(u.device), "%s", dg->device);
		u.dpa = vp->dev[i].dpa;
		u.len = vp->dev[i].len;
		for (j = 0; j < s.geo.nr_regions && j < FM_MAX_REGIONS; j++)
			if (u.dpa >= s.geo.region[j].base &&
			    u.dpa < s.geo.region[j].base + s.geo.region[j].len) {
				u.region = (unsigned int)j;
				u.offset = u.dpa - s.geo.region[j].base;
			}
		u.state = G_ACCEPTED;
		o = fm_grant_to_json(&u, c->flags);
		json_object_object_add(o, "state", json_object_new_string("untracked"));
		problem(o, "accepted on the device, not in the ledger");
		json_object_array_add(arr, o);
		problems++;
	}
	if (vp)
		fm_view_free(vp);
	session_close(&s);
	return problems;
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "device", required_argument, NULL, 'd' },
		{ "all", no_argument, NULL, 'a' },
		{ "reconcile", no_argument, NULL, 'R' },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct devgroup groups[64];
	unsigned int ng = 0, problems = 0;
	const char *hostspec = NULL, *device = NULL;
	bool all = false, rec = false;
	struct fm_host h = { 0 };
	json_object *arr;
	struct ctx c;
	size_t i, k;
	int opt, rc;

	ctx_init(&c, "list");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "H:d:aR" COMMON_SHORT, opts, NULL)) != -1) {
		rc = common_opt(&c, opt, optarg);
		if (rc < 0)
			return FM_EXIT_INVALID;
		if (rc)
			continue;
		switch (opt) {
		case 'H': hostspec = optarg; break;
		case 'd': device = optarg; break;
		case 'a': all = true; break;
		case 'R': rec = true; break;
		case 'h': fputs(list_usage, stdout); return FM_EXIT_OK;
		default: fputs(list_usage, stderr); return FM_EXIT_INVALID;
		}
	}
	if (optind < argc)
		return fail(&c, FM_EXIT_INVALID, "unexpected argument '%s'", argv[optind]);
	if (hostspec && fm_host_resolve(hostspec, c.hosts_file, &h, &c.e)) {
		/* a plain name filters the ledger without a hosts file */
		if (strchr(hostspec, '=') || strchr(hostspec, '/') || rec)
			return fail_e(&c, FM_EXIT_INVALID);
		snprintf(h.name, sizeof(h.name), "%s", hostspec);
	}
	fm_ledger_init(&c.l, c.ledger_path);
	if (fm_ledger_begin(&c.l, c.lock_timeout, &c.e))
		return fail_e(&c, FM_EXIT_FAIL);
	if (!rec)
		fm_ledger_unlock(&c.l);
	arr = json_object_new_array();
	if (!rec) {
		for (i = 0; i < c.l.n; i++) {
			struct fm_grant *g = &c.l.g[i];

			if ((hostspec && strcmp(g->host, h.name)) ||
			    (device && strcmp(g->device, device)) ||
			    (!all && !fm_gstate_active(g->state)))
				continue;
			json_object_array_add(arr, fm_grant_to_json(g, c.flags));
		}
		fm_json_print(stdout, arr);
		fm_ledger_free(&c.l);
		return FM_EXIT_OK;
	}
	/* devices to check: those of the ledger's grants (+ the one named) */
	if (hostspec && h.dir[0]) {
		snprintf(groups[0].host, sizeof(groups[0].host), "%s", h.name);
		snprintf(groups[0].dir, sizeof(groups[0].dir), "%s", h.dir);
		snprintf(groups[0].device, sizeof(groups[0].device), "%s",
			 device ? device : DEFAULT_DEVICE);
		ng = 1;
	}
	for (i = 0; i < c.l.n; i++) {
		struct fm_grant *g = &c.l.g[i];

		if ((hostspec && strcmp(g->host, h.name)) || (device && strcmp(g->device, device)))
			continue;
		if (!fm_gstate_active(g->state) && !all)
			continue;
		for (k = 0; k < ng; k++)
			if (!strcmp(groups[k].dir, g->workdir) && !strcmp(groups[k].device, g->device))
				break;
		if (k < ng || ng == 64)
			continue;
		snprintf(groups[ng].host, sizeof(groups[ng].host), "%s", g->host);
		snprintf(groups[ng].dir, sizeof(groups[ng].dir), "%s", g->workdir);
		snprintf(groups[ng].device, sizeof(groups[ng].device), "%s", g->device);
		ng++;
	}
	for (k = 0; k < ng; k++)
		problems += reconcile_dev(&c, &groups[k], all, arr);
	rc = fm_ledger_commit(&c.l, &c.e);
	fm_json_print(stdout, arr);
	fm_ledger_free(&c.l);
	if (rc)
		return fail_e(&c, FM_EXIT_FAIL);
	if (problems)
		return fail(&c, FM_EXIT_MISMATCH, "%u mismatch%s between the ledger and the "
			    "hosts (see \"problem\")", problems, problems == 1 ? "" : "es");
	return FM_EXIT_OK;
}

/* ------------------------------------------------------------------- pool */

static const char pool_usage[] =
	"usage: dcd-fm pool --from HOST --to HOST -l LEN [--from-device ID] [--to-device ID]\n"
	"                   [--from-region N] [--to-region N] [--host-id N] [-w SECONDS]\n"
	"Move capacity between hosts: release LEN of host A's grants (whole grants),\n"
	"wait until A released them, then add LEN of free capacity to host B's device\n"
	"and wait for B's answer. The ledger is updated at each step.\n"
	"      --from HOST[=DIR]    host A, gives capacity back\n"
	"      --to HOST[=DIR]      host B, receives capacity\n"
	"  -l, --len LEN            how much\n"
	"      --from-device ID, --to-device ID   devices (default " DEFAULT_DEVICE ")\n"
	"      --from-region N      only A's grants in region N\n"
	"      --to-region N        place B's capacity in region N (default: any)\n"
	"      --host-id N          host id for B's add (default 0)\n"
	"  -w, --wait[=SECONDS]     timeout of each step (default 30 s)\n"
	COMMON_HELP
	"Exit: 0 moved, 1 failed, 2 invalid, 3 B rejected, 4 A's release pending (its\n"
	"      helper must offline the memory first; nothing added to B), 5 timeout.\n";

int cmd_pool(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'A' },
		{ "to", required_argument, NULL, 'B' },
		{ "from-device", required_argument, NULL, 'a' },
		{ "to-device", required_argument, NULL, 'b' },
		{ "from-region", required_argument, NULL, 'r' },
		{ "to-region", required_argument, NULL, 's' },
		{ "len", required_argument, NULL, 'l' },
		{ "host-id", required_argument, NULL, 'I' },
		{ "wait", optional_argument, NULL, 'w' },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const char *from = NULL, *to = NULL, *fdev = DEFAULT_DEVICE, *tdev = DEFAULT_DEVICE;
	unsigned int rids[FM_CLI_MAX_EXTENTS], nr = 0, aids[FM_CLI_MAX_EXTENTS], na = 0, i;
	struct fm_extent x[FM_CLI_MAX_EXTENTS];
	enum fm_outcome res[FM_CLI_MAX_EXTENTS];
	int from_region = -1, to_region = -1, opt, rc;
	uint64_t len = 0, v, host_id = 0;
	double wait = DEFAULT_WAIT;
	struct session sa, sb;
	struct fm_host ha, hb;
	struct ctx c;
	char b[32];

	ctx_init(&c, "pool");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "l:w::" COMMON_SHORT, opts, NULL)) != -1) {
		rc = common_opt(&c, opt, optarg);
		if (rc < 0)
			return FM_EXIT_INVALID;
		if (rc)
			continue;
		switch (opt) {
		case 'A': from = optarg; break;
		case 'B': to = optarg; break;
		case 'a': fdev = optarg; break;
		case 'b': tdev = optarg; break;
		case 'r':
		case 's':
			if (fm_parse_u64(optarg, &v) || v > 255)
				return fail(&c, FM_EXIT_INVALID, "bad region '%s'", optarg);
			*(opt == 'r' ? &from_region : &to_region) = (int)v;
			break;
		case 'l':
			if (fm_parse_size(optarg, &len) || !len)
				return fail(&c, FM_EXIT_INVALID, "bad --len '%s'", optarg);
			break;
		case 'I':
			if (fm_parse_u64(optarg, &host_id) || host_id > 0xffff)
				return fail(&c, FM_EXIT_INVALID, "bad --host-id '%s'", optarg);
			break;
		case 'w':
			if (parse_wait(&c, optarg, &wait))
				return FM_EXIT_INVALID;
			break;
		case 'h': fputs(pool_usage, stdout); return FM_EXIT_OK;
		default: fputs(pool_usage, stderr); return FM_EXIT_INVALID;
		}
	}
	if (optind < argc)
		return fail(&c, FM_EXIT_INVALID, "unexpected argument '%s'", argv[optind]);
	if (!from || !to || !len)
		return fail(&c, FM_EXIT_INVALID, "--from, --to and --len are required");
	if (fm_host_resolve(from, c.hosts_file, &ha, &c.e) ||
	    fm_host_resolve(to, c.hosts_file, &hb, &c.e))
		return fail_e(&c, FM_EXIT_INVALID);
	if (!strcmp(ha.dir, hb.dir) && !strcmp(fdev, tdev))
		return fail(&c, FM_EXIT_INVALID, "--from and --to are the same device");
	fm_ledger_init(&c.l, c.ledger_path);
	rc = session_open(&c, &sa, &ha, fdev, NULL);
	if (!rc)
		rc = session_open(&c, &sb, &hb, tdev, &sa);
	else
		memset(&sb, 0, sizeof(sb));
	if (rc) {
		rc = fail_e(&c, rc == -EINVAL ? FM_EXIT_INVALID : FM_EXIT_FAIL);
		goto out;
	}

	/* step 1: choose whole accepted grants of A adding up to len, one region */
	if (fm_ledger_begin(&c.l, c.lock_timeout, &c.e)) {
		rc = fail_e(&c, FM_EXIT_FAIL);
		goto out;
	}
	fm_ledger_unlock(&c.l);
	for (i = 0; i < sa.geo.nr_regions && nr == 0; i++) {
		uint64_t left = len;
		size_t k;

		if (from_region >= 0 && i != (unsigned int)from_region)
			continue;
		for (k = 0; k < c.l.n && left && nr < FM_MAX_EXTENTS; k++) {
			struct fm_grant *g = &c.l.g[k];

			if (grant_on(g, &sa) && g->region == i && g->state == G_ACCEPTED &&
			    g->len <= left) {
				rids[nr++] = g->id;
				left -= g->len;
			}
		}
		if (left)
			nr = 0;
	}
	if (!nr) {
		rc = fail(&c, FM_EXIT_INVALID, "host %s has no accepted grants on %s adding up "
			  "to exactly %s in one region (at most %d): see dcd-fm list", ha.name,
			  fdev, sz(len, b), FM_MAX_EXTENTS);
		goto out;
	}
	/* B must have room before A gives anything back */
	{
		unsigned int region, n;
		struct fm_extent tmp[FM_CLI_MAX_EXTENTS];

		if (fm_ledger_begin(&c.l, c.lock_timeout, &c.e)) {
			rc = fail_e(&c, FM_EXIT_FAIL);
			goto out;
		}
		fm_ledger_unlock(&c.l);
		if (place(&c, &sb, to_region, len, &region, tmp, &n)) {
			rc = fail_e(&c, FM_EXIT_INVALID);
			goto out;
		}
	}
	note(&c, "step 1: asking %s to release %s of %s (%u grant%s)", ha.name, sz(len, b), fdev,
	     nr, nr == 1 ? "" : "s");
	rc = do_release(&c, &sa, rids, nr, false);
	if (rc)
		goto out;
	rc = wait_grants(&c, &sa, false, rids, nr, wait, res);
	if (rc) {
		if (rc == FM_EXIT_PENDING)
			fail(&c, rc, "%s still holds %s: nothing was added to %s", ha.name,
			     sz(len, b), hb.name);
		print_grants(&c, rids, nr);
		goto out;
	}
	note(&c, "step 2: %s released %s", ha.name, sz(len, b));
	rc = do_add(&c, &sb, (unsigned int)host_id, to_region, x, 0, len, false, aids, &na);
	if (rc) {
		print_grants(&c, rids, nr);
		goto out;
	}
	note(&c, "step 3: offered %s to %s/%s", sz(len, b), hb.name, tdev);
	rc = wait_grants(&c, &sb, true, aids, na, wait, res);
	if (!rc)
		note(&c, "step 4: %s accepted %s: moved", hb.name, sz(len, b));
	for (i = 0; i < na && nr < FM_CLI_MAX_EXTENTS; i++)
		rids[nr++] = aids[i];
	print_grants(&c, rids, nr);
out:
	session_close(&sb);
	session_close(&sa);
	fm_ledger_free(&c.l);
	return rc;
}
