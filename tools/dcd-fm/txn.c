// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: the ledger transactions every change goes through (add, release),
 * placement of capacity, and waiting for a host's answer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "validate.h"

enum fm_gstate txn_outcome_state(enum fm_outcome o, enum fm_gstate cur)
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
int txn_wait(struct ctx *c, struct session *s, bool add, const unsigned int *ids,
		       unsigned int n, double timeout, enum fm_outcome *res)
{
	double deadline = fm_now() + timeout;
	struct fm_grant gs[FM_CLI_MAX_EXTENTS];
	char why[sizeof(c->e.msg)] = "";
	struct fm_err e;
	struct fm_hostview hv;
	bool done;
	unsigned int i, accepted = 0, rejected = 0, released = 0, pending = 0;
	int rc;

	rc = fm_ledger_begin(&c->l, c->lock_timeout, &c->e);
	if (rc)
		return cli_fail_e(c, FM_EXIT_FAIL);
	for (i = 0; i < n; i++)
		gs[i] = *fm_ledger_get(&c->l, ids[i]);
	fm_ledger_unlock(&c->l);

	if (session_view_open(c, s, &hv, &e))
		snprintf(why, sizeof(why), "%s", e.msg);
	for (;;) {
		struct fm_host_view v, *vp = NULL;

		if (hv.ops) {
			rc = session_view(s, &hv, &v, &e);
			if (!rc) {
				vp = &v;
				why[0] = 0;
			} else {
				snprintf(why, sizeof(why), "%s", e.msg);
				if (rc == -ETIMEDOUT || rc == -ECONNRESET) {
					session_view_close(&hv);
				}
			}
		}
		done = true;
		accepted = rejected = released = pending = 0;
		for (i = 0; i < n; i++) {
			int ds = session_probe(s, &gs[i], &e);

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
	session_view_close(&hv);

	rc = fm_ledger_begin(&c->l, c->lock_timeout, &c->e);
	if (rc)
		return cli_fail_e(c, FM_EXIT_FAIL);
	for (i = 0; i < n; i++) {
		struct fm_grant *g = fm_ledger_get(&c->l, ids[i]);

		if (g)
			fm_grant_set_state(g, txn_outcome_state(res[i], g->state));
	}
	rc = fm_ledger_commit(&c->l, &c->e);
	if (rc)
		return cli_fail_e(c, FM_EXIT_FAIL);

	if (add) {
		if (accepted == n)
			return FM_EXIT_OK;
		if (rejected && accepted + rejected == n)
			return cli_fail(c, FM_EXIT_REJECTED, "host %s rejected %u of %u extents",
				    s->host.name, rejected, n);
		return cli_fail(c, FM_EXIT_TIMEOUT, "host %s: no answer for %u of %u extents "
			    "within %.0fs%s%s", s->host.name, n - accepted - rejected, n,
			    timeout, why[0] ? ": " : "", why);
	}
	if (released == n)
		return FM_EXIT_OK;
	if (pending)
		return cli_fail(c, FM_EXIT_PENDING, "host %s: release of %u of %u extents pending "
			    "after %.0fs: the memory is in use, the host's helper must offline "
			    "it first", s->host.name, pending, n, timeout);
	return cli_fail(c, FM_EXIT_TIMEOUT, "host %s: %u of %u extents not released within "
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

		if (!session_has(g, s) || (g->state != G_ADDING && g->state != G_OFFERED))
			continue;
		ds = session_probe(s, g, &e);
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
int txn_place(struct ctx *c, struct session *s, int want_region, uint64_t len,
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
int txn_add(struct ctx *c, struct session *s, unsigned int host_id, int want_region,
		  struct fm_extent *x, unsigned int n, uint64_t auto_len, bool force,
		  unsigned int *ids, unsigned int *nids)
{
	struct fm_grant *g;
	unsigned int i, region = want_region < 0 ? 0 : (unsigned int)want_region;
	char b[32];
	int rc;

	rc = fm_ledger_begin(&c->l, c->lock_timeout, &c->e);
	if (rc)
		return cli_fail_e(c, FM_EXIT_FAIL);
	g = settle_offers(c, s);
	if (g && !force) {
		fm_ledger_commit(&c->l, &c->e);
		return cli_fail(c, FM_EXIT_INVALID, "%s on host %s: offer of grant %u (dpa %#" PRIx64
			    ") is still unanswered; a new add would queue behind it "
			    "(--force to queue anyway)", s->device, g->host, g->id, g->dpa);
	}
	if (auto_len) {
		rc = txn_place(c, s, want_region, auto_len, &region, x, &n);
		if (rc)
			goto invalid;
	}
	rc = fm_validate_request(&s->geo, s->device, region, x, n, &c->e);
	if (rc)
		goto invalid;
	for (i = 0; i < n; i++) {
		g = fm_ledger_overlap(&c->l, s->host.dir, s->device, session_dpa(s, region, x[i].offset),
				      x[i].len);
		if (g) {
			fm_seterr(&c->e, -EEXIST, "%s: extent %u (offset %#" PRIx64 ") overlaps "
				  "grant %u (host %s, %s, %s)", s->device, i, x[i].offset, g->id,
				  g->host, cli_sz(g->len, b), fm_gstate_name(g->state));
			goto invalid;
		}
	}
	for (i = 0; i < n; i++) {
		g = fm_ledger_new(&c->l);
		if (!g) {
			fm_ledger_unlock(&c->l);
			return cli_fail(c, FM_EXIT_FAIL, "out of memory");
		}
		snprintf(g->host, sizeof(g->host), "%s", s->host.name);
		snprintf(g->workdir, sizeof(g->workdir), "%s", s->host.dir);
		snprintf(g->device, sizeof(g->device), "%s", s->device);
		g->host_id = host_id;
		g->region = region;
		g->offset = x[i].offset;
		g->len = x[i].len;
		g->dpa = session_dpa(s, region, x[i].offset);
		g->state = G_ADDING;
		ids[i] = g->id;
	}
	*nids = n;
	rc = fm_ledger_save(&c->l, &c->e);
	if (rc) {
		fm_ledger_unlock(&c->l);
		return cli_fail_e(c, FM_EXIT_FAIL);
	}
	rc = session_tr(s)->ops->add(session_tr(s), s->device, host_id, region, x, n, &c->e);
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
		return cli_fail(c, FM_EXIT_FAIL, "%s on host %s: add refused: %s", s->device,
			    s->host.name, m);
	}
	rc = fm_ledger_commit(&c->l, &c->e);
	if (rc)
		return cli_fail_e(c, FM_EXIT_FAIL);
	return FM_EXIT_OK;
invalid:
	fm_ledger_commit(&c->l, NULL);
	return cli_fail_e(c, FM_EXIT_INVALID);
}

/* The release transaction, on grants ids[] (all of session s, one region) */
int txn_release(struct ctx *c, struct session *s, const unsigned int *ids,
		      unsigned int n, bool force)
{
	struct fm_extent x[FM_CLI_MAX_EXTENTS];
	enum fm_gstate prev[FM_CLI_MAX_EXTENTS];
	unsigned int i, region = 0, host_id = 0;
	struct fm_grant *g;
	int rc;

	rc = fm_ledger_begin(&c->l, c->lock_timeout, &c->e);
	if (rc)
		return cli_fail_e(c, FM_EXIT_FAIL);
	for (i = 0; i < n; i++) {
		g = fm_ledger_get(&c->l, ids[i]);
		if (!g || !session_has(g, s)) {
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
		return cli_fail_e(c, FM_EXIT_FAIL);
	}
	rc = session_tr(s)->ops->release(session_tr(s), s->device, host_id, region, x, n, &c->e);
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
		return cli_fail(c, FM_EXIT_FAIL, "%s on host %s: release refused: %s", s->device,
			    s->host.name, m);
	}
	rc = fm_ledger_commit(&c->l, &c->e);
	return rc ? cli_fail_e(c, FM_EXIT_FAIL) : FM_EXIT_OK;
invalid:
	fm_ledger_commit(&c->l, NULL);
	return cli_fail_e(c, FM_EXIT_INVALID);
}
