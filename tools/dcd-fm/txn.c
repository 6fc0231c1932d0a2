// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: the ledger transactions every change goes through (add, release,
 * a move's start), placement of capacity, and waiting for a host's answer.
 *
 * A transaction holds the ledger lock from reading the ledger to writing
 * the result: validate, write the intent (adding/releasing, and a move's
 * record), send, write the result (offered/release-requested). Waiting for
 * a host's answer happens without the lock; its outcome is written by a
 * transaction of its own. The named crash points (cli.c, fm_crash_point)
 * are where a killed dcd-fm leaves the most to recover.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "validate.h"

/*
 * The state an observed outcome gives a grant now in state cur. Waiting
 * happens without the ledger lock, so another dcd-fm may have moved the
 * grant on meanwhile (list -R settled the offer and a release started, or
 * another waiter recorded "released"): an outcome is only written over the
 * states it can follow, never over a newer one.
 */
enum fm_gstate txn_outcome_state(enum fm_outcome o, enum fm_gstate cur)
{
	bool offer = cur == G_ADDING || cur == G_OFFERED;
	bool release = cur == G_RELEASING || cur == G_RELEASE_REQUESTED ||
		       cur == G_RELEASE_PENDING;

	switch (o) {
	case O_ACCEPTED: return offer ? G_ACCEPTED : cur;
	case O_REJECTED: return offer ? G_REJECTED : cur;
	case O_RELEASED: return release ? G_RELEASED : cur;
	case O_RELEASE_PENDING: return release ? G_RELEASE_PENDING : cur;
	default: return cur;
	}
}

/*
 * B's grants of move m that it accepted (ids into keep[], at most
 * FM_MOVE_ADD_MAX); returns how many, their length in *len.
 */
static unsigned int move_accepted(struct fm_ledger *l, const struct fm_move *m,
				  unsigned int *keep, uint64_t *len)
{
	unsigned int k, n = 0;

	*len = 0;
	for (k = 0; k < m->nadd; k++) {
		const struct fm_grant *g = fm_ledger_get(l, m->add[k]);

		if (g && g->state == G_ACCEPTED) {
			keep[n++] = g->id;
			*len += g->len;
		}
	}
	return n;
}

/*
 * A move follows its grants: A keeps them all (release never sent) ->
 * cancelled; B accepted -> done; B rejected (FM_MOVE_ATTEMPTS offers) -> failed.
 */
void txn_moves_follow(struct fm_ledger *l)
{
	size_t i;
	unsigned int k, acc, rej;

	for (i = 0; i < l->nm; i++) {
		struct fm_move *m = &l->m[i];

		if (m->state == M_RELEASING) {
			for (k = acc = 0; k < m->nrel; k++) {
				struct fm_grant *g = fm_ledger_get(l, m->rel[k]);

				acc += g && g->state == G_ACCEPTED;
			}
			if (m->nrel && acc == m->nrel)
				fm_move_set_state(m, M_CANCELLED, "the release never reached %s's "
						  "device: %s keeps the capacity", m->from, m->from);
			continue;
		}
		if (m->state != M_ADDING || !m->nadd)
			continue;
		for (k = acc = rej = 0; k < m->nadd; k++) {
			struct fm_grant *g = fm_ledger_get(l, m->add[k]);

			acc += g && g->state == G_ACCEPTED;
			rej += !g || g->state == G_REJECTED;
		}
		if (acc == m->nadd)
			fm_move_set_state(m, M_DONE, "moved");
		else if (acc + rej == m->nadd && m->attempts >= FM_MOVE_ATTEMPTS)
			fm_move_set_state(m, M_FAILED, "host %s rejected %u of %u extents: %s "
					  "capacity is free on %s's device", m->to, rej, m->nadd,
					  acc ? "it keeps those it accepted, the rest of the" :
					  "the", m->to);
	}
}

/* "dpa 0x10000000 (256 MiB, grant 3)" */
static const char *grant_str(const struct fm_grant *g, char *buf, size_t len)
{
	char b[32];

	snprintf(buf, len, "dpa 0x%" PRIx64 " (%s, grant %u)", g->dpa, cli_sz(g->len, b), g->id);
	return buf;
}

/*
 * Watch grants ids[0..n) on session s until each has an outcome (add:
 * accepted or rejected; release: released) or the timeout; record the
 * outcomes in the ledger. Returns the exit code; on failure the message
 * names the host, the extent and how long it has been waiting.
 */
int txn_wait(struct ctx *c, struct session *s, bool add, const unsigned int *ids,
	     unsigned int n, double timeout, enum fm_outcome *res)
{
	double t0 = fm_now(), deadline = t0 + timeout, pending_since[FM_CLI_MAX_EXTENTS];
	struct fm_grant gs[FM_CLI_MAX_EXTENTS];
	char why[sizeof(c->e.msg)] = "", gb[96];
	struct fm_hostview hv;
	struct fm_err e;
	bool done, answered = false;
	unsigned int i, accepted = 0, rejected = 0, released = 0, pending = 0;
	int rc, first_pending = -1;

	rc = fm_ledger_begin(&c->l, c->lock_timeout, &c->e);
	if (rc)
		return cli_fail_e(c, FM_EXIT_FAIL);
	for (i = 0; i < n; i++) {
		const struct fm_grant *g = fm_ledger_get(&c->l, ids[i]);

		if (!g) {
			fm_ledger_unlock(&c->l);
			return cli_fail(c, FM_EXIT_FAIL, "grant %u is no longer in the ledger "
					"(another dcd-fm pruned it)", ids[i]);
		}
		gs[i] = *g;
		pending_since[i] = 0;
	}
	fm_ledger_unlock(&c->l);

	for (;;) {
		struct fm_host_view v, *vp = NULL;

		/* the host, then the device, each connected only for this round */
		if (session_view_open(c, s, &hv, &e) == 0) {
			rc = session_view(s, &hv, &v, &e);
			session_view_close(&hv);
			if (!rc) {
				vp = &v;
				why[0] = 0;
				answered = true;
			} else {
				snprintf(why, sizeof(why), "%s", e.msg);
			}
		} else {
			snprintf(why, sizeof(why), "%s", e.msg);
		}
		done = true;
		accepted = rejected = released = pending = 0;
		first_pending = -1;
		for (i = 0; i < n; i++) {
			int ds = session_probe(s, &gs[i], &e);

			res[i] = add ? fm_classify_add(vp, gs[i].dpa, gs[i].len, ds) :
				fm_classify_release(vp, gs[i].dpa, gs[i].len, ds);
			accepted += res[i] == O_ACCEPTED;
			rejected += res[i] == O_REJECTED;
			released += res[i] == O_RELEASED;
			pending += res[i] == O_RELEASE_PENDING;
			if (res[i] == O_RELEASE_PENDING) {
				if (!pending_since[i]) {
					pending_since[i] = fm_now();
					cli_note(c, "host %s: release of %s pending: memory in use",
						 s->host.name, grant_str(&gs[i], gb, sizeof(gb)));
				}
				if (first_pending < 0)
					first_pending = (int)i;
			}
			if (res[i] == O_WAITING || res[i] == O_RELEASE_PENDING)
				done = false;
		}
		session_idle(s);
		if (vp)
			fm_view_free(vp);
		if (done || fm_now() > deadline)
			break;
		usleep((useconds_t)(POLL_SECONDS * 1e6));
	}
	if (add && accepted == n)
		fm_crash_point("accepted");
	if (!add && released == n)
		fm_crash_point("released");

	rc = fm_ledger_begin(&c->l, c->lock_timeout, &c->e);
	if (rc)
		return cli_fail_e(c, FM_EXIT_FAIL);
	for (i = 0; i < n; i++) {
		struct fm_grant *g = fm_ledger_get(&c->l, ids[i]);

		if (g)
			fm_grant_set_state(g, txn_outcome_state(res[i], g->state));
	}
	txn_moves_follow(&c->l);
	rc = fm_ledger_commit(&c->l, &c->e);
	if (rc)
		return cli_fail_e(c, FM_EXIT_FAIL);

	if (add) {
		if (accepted == n)
			return FM_EXIT_OK;
		if (rejected && accepted + rejected == n)
			return cli_fail(c, FM_EXIT_REJECTED, "host %s rejected %u of %u extents "
					"(does it have a DC region covering them?)", s->host.name,
					rejected, n);
		if (!answered)
			return cli_fail(c, FM_EXIT_TIMEOUT, "host %s did not answer within %.0fs "
					"(%s); the offer stays pending on %s",
					s->host.name, timeout, why, s->device);
		return cli_fail(c, FM_EXIT_TIMEOUT, "host %s: no answer for %u of %u extents "
				"within %.0fs%s%s", s->host.name, n - accepted - rejected, n,
				timeout, why[0] ? ": " : "", why);
	}
	if (released == n)
		return FM_EXIT_OK;
	if (pending) {
		i = (unsigned int)first_pending;
		return cli_fail(c, FM_EXIT_PENDING, "host %s: release of %s%s pending for %.0fs: "
				"the memory is in use; host %s's helper must offline it "
				"(dcdctl monitor, or dcdctl offline)%s%s", s->host.name,
				grant_str(&gs[i], gb, sizeof(gb)),
				pending > 1 ? " and others" : "", fm_now() - pending_since[i],
				s->host.name, c->pending_hint ? "; " : "",
				c->pending_hint ? c->pending_hint : "");
	}
	if (!answered)
		return cli_fail(c, FM_EXIT_TIMEOUT, "host %s did not answer within %.0fs (%s)",
				s->host.name, timeout, why);
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
		else if (ds == FM_DEV_PARTIAL)	/* holds part: keep it reserved */
			fm_grant_set_state(g, G_ACCEPTED);
		else if (ds == FM_DEV_FREE)
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

	if (fm_validate_device(&s->geo, s->device, &c->e))
		return -EINVAL;
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

/* what a device's refusal means, for the person reading it */
static const char *refusal_hint(const char *msg)
{
	static const struct { const char *msg, *hint; } hints[] = {
		{ "cannot add DPA again while still pending",
		  "an earlier offer of that range is still unanswered by the host" },
		{ "cannot add DPA already accessible",
		  "the host already has that range: the ledger is behind (dcd-fm recover)" },
		{ "cannot release extent with non-existing DPA range",
		  "the host does not have that range: released outside dcd-fm? (dcd-fm recover)" },
		{ "cannot release extent with pending DPA range",
		  "that range is offered and not answered yet" },
		{ "Unable to resolve CXL type 3 device", "no such device id (--device)" },
	};
	size_t i;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (strstr(msg, hints[i].msg))
			return hints[i].hint;
	return NULL;
}

static int refused(struct ctx *c, struct session *s, const char *what, const char *msg)
{
	const char *hint = refusal_hint(msg);

	return cli_fail(c, FM_EXIT_FAIL, "host %s, device %s refused the %s: %s%s%s",
			s->host.name, s->device, what, msg, hint ? ": " : "", hint ? hint : "");
}

/*
 * The add transaction: ledger checks, intent, send, result. ids[] gets the
 * new grants; with a move (move_id), they become its add grants. With
 * c->busy_wait, an unanswered earlier offer to the device is waited for
 * (up to that many seconds) instead of refused. Returns an exit code (0
 * when sent).
 */
int txn_add(struct ctx *c, struct session *s, unsigned int host_id, int want_region,
	    struct fm_extent *x, unsigned int n, uint64_t auto_len, bool force,
	    unsigned int move_id, unsigned int *ids, unsigned int *nids)
{
	double busy_until = fm_now() + c->busy_wait;
	unsigned int i, region = want_region < 0 ? 0 : (unsigned int)want_region;
	unsigned int keep[FM_MOVE_ADD_MAX], nkeep = 0;
	struct fm_move *m = NULL;
	uint64_t kept;
	struct fm_grant *g;
	char b[32];
	int rc;

again:
	rc = fm_ledger_begin(&c->l, c->lock_timeout, &c->e);
	if (rc)
		return cli_fail_e(c, FM_EXIT_FAIL);
	g = settle_offers(c, s);
	txn_moves_follow(&c->l);	/* a settled offer may have finished a move */
	if (g && !force) {
		if (fm_now() < busy_until) {
			fm_ledger_commit(&c->l, &c->e);
			usleep(500000);
			goto again;
		}
		fm_ledger_commit(&c->l, &c->e);
		return cli_fail(c, FM_EXIT_INVALID, "%s on host %s: offer of grant %u (dpa %#" PRIx64
				") is still unanswered; a new add would queue behind it "
				"(--force to queue anyway)", s->device, g->host, g->id, g->dpa);
	}
	if (move_id) {
		m = fm_ledger_move(&c->l, move_id);
		if (!m || !fm_mstate_open(m->state)) {
			fm_seterr(&c->e, -EALREADY, "move %u is %s: another dcd-fm finished it",
				  move_id, m ? fm_mstate_name(m->state) : "gone");
			goto invalid;
		}
		/*
		 * Offer only what B does not hold yet: an earlier offer that B
		 * accepted in part (or that another dcd-fm saw accepted) stays
		 * the move's, so B never gets more than A gave up.
		 */
		nkeep = move_accepted(&c->l, m, keep, &kept);
		if (kept >= m->len) {
			fm_move_set_state(m, M_DONE, "moved");
			*nids = 0;
			cli_note(c, "move %u: %s already holds all of it", move_id, m->to);
			if (fm_ledger_commit(&c->l, &c->e))
				return cli_fail_e(c, FM_EXIT_FAIL);
			return FM_EXIT_OK;
		}
		auto_len = m->len - kept;
		n = 0;
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
		g = fm_ledger_overlap(&c->l, s->host.dir, s->device,
				      session_dpa(s, region, x[i].offset), x[i].len);
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
	if (m) {
		m = fm_ledger_move(&c->l, move_id);	/* fm_ledger_new may have moved it */
		memcpy(m->add, keep, nkeep * sizeof(keep[0]));
		memcpy(m->add + nkeep, ids, n * sizeof(ids[0]));
		m->nadd = nkeep + n;
		m->attempts++;
		fm_move_set_state(m, M_ADDING, "offering %s to %s", cli_sz(auto_len, b), m->to);
	}
	rc = fm_ledger_save(&c->l, &c->e);
	if (rc) {
		fm_ledger_unlock(&c->l);
		return cli_fail_e(c, FM_EXIT_FAIL);
	}
	fm_crash_point("add-intent");
	rc = session_connect(s, &c->e);
	if (!rc)
		rc = s->t.ops->add(&s->t, s->device, host_id, region, x, n, &c->e);
	session_idle(s);
	if (!rc)
		fm_crash_point("add-sent");
	for (i = 0; i < n; i++) {
		g = fm_ledger_get(&c->l, ids[i]);
		if (!rc)
			fm_grant_set_state(g, G_OFFERED);
		else if (rc == -EREMOTEIO)	/* refused as a whole: nothing happened */
			fm_ledger_remove(&c->l, ids[i]);
		/* else unknown whether it was sent: stays "adding" for reconcile */
	}
	if (rc) {
		char msg[sizeof(c->e.msg)];

		snprintf(msg, sizeof(msg), "%s", c->e.msg);
		if (m && rc == -EREMOTEIO) {
			m = fm_ledger_move(&c->l, move_id);
			fm_move_set_state(m, M_FAILED, "%s's device refused the offer (%s): the "
					  "capacity is free on %s's device", m->to, msg, m->from);
		}
		fm_ledger_commit(&c->l, &c->e);
		*nids = 0;
		if (rc != -EREMOTEIO)
			return cli_fail(c, FM_EXIT_FAIL, "%s on host %s: add not confirmed: %s "
					"(dcd-fm recover settles it)", s->device, s->host.name, msg);
		return refused(c, s, "offer", msg);
	}
	rc = fm_ledger_commit(&c->l, &c->e);
	if (rc)
		return cli_fail_e(c, FM_EXIT_FAIL);
	return FM_EXIT_OK;
invalid:
	if (move_id && (m = fm_ledger_move(&c->l, move_id)) && fm_mstate_open(m->state)) {
		/* A already gave it back: not "nothing sent", and the move stays open */
		snprintf(m->note, sizeof(m->note), "cannot offer to %s yet: %s", m->to,
			 c->e.msg);
		fm_ledger_commit(&c->l, NULL);
		return cli_fail(c, FM_EXIT_FAIL, "%s; move %u stays open: dcd-fm recover offers "
				"it again", c->e.msg, move_id);
	}
	fm_ledger_commit(&c->l, NULL);
	return cli_fail_e(c, FM_EXIT_INVALID);
}

/*
 * Release grants ids[] (all of session s, one region) with the ledger
 * locked and loaded; ends the transaction. With a move, a refusal fails it.
 */
static int release_locked(struct ctx *c, struct session *s, const unsigned int *ids,
			  unsigned int n, bool force, unsigned int move_id)
{
	struct fm_extent x[FM_CLI_MAX_EXTENTS] = { { 0, 0 } };
	enum fm_gstate prev[FM_CLI_MAX_EXTENTS];
	unsigned int i, region = 0, host_id = 0;
	struct fm_grant *g;
	int rc;

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
	fm_crash_point("release-intent");
	rc = session_connect(s, &c->e);
	if (!rc)
		rc = s->t.ops->release(&s->t, s->device, host_id, region, x, n, &c->e);
	session_idle(s);
	if (!rc)
		fm_crash_point("release-sent");
	for (i = 0; i < n; i++) {
		g = fm_ledger_get(&c->l, ids[i]);
		if (!rc)
			fm_grant_set_state(g, G_RELEASE_REQUESTED);
		else if (rc == -EREMOTEIO)
			fm_grant_set_state(g, prev[i]);
	}
	if (rc) {
		char msg[sizeof(c->e.msg)];

		snprintf(msg, sizeof(msg), "%s", c->e.msg);
		if (move_id && rc == -EREMOTEIO)
			fm_move_set_state(fm_ledger_move(&c->l, move_id), M_FAILED,
					  "%s's device refused the release (%s)", s->host.name, msg);
		fm_ledger_commit(&c->l, &c->e);
		if (rc != -EREMOTEIO)
			return cli_fail(c, FM_EXIT_FAIL, "%s on host %s: release not confirmed: "
					"%s (dcd-fm recover settles it)", s->device, s->host.name,
					msg);
		return refused(c, s, "release", msg);
	}
	rc = fm_ledger_commit(&c->l, &c->e);
	return rc ? cli_fail_e(c, FM_EXIT_FAIL) : FM_EXIT_OK;
invalid:
	fm_ledger_commit(&c->l, NULL);
	return cli_fail_e(c, FM_EXIT_INVALID);
}

/* The release transaction, on grants ids[] (all of session s, one region) */
int txn_release(struct ctx *c, struct session *s, const unsigned int *ids,
		unsigned int n, bool force)
{
	if (fm_ledger_begin(&c->l, c->lock_timeout, &c->e))
		return cli_fail_e(c, FM_EXIT_FAIL);
	return release_locked(c, s, ids, n, force, 0);
}

/*
 * A move's first transaction: choose whole accepted grants of A adding up
 * to len in one region (from_region, or the first that has them), check
 * that B has room, record the move, and ask A to release them. All under
 * one lock, so two dcd-fm never pick the same grants.
 */
int txn_move_start(struct ctx *c, struct session *sa, struct session *sb, uint64_t len,
		   int from_region, int to_region, unsigned int host_id, unsigned int *move_id,
		   unsigned int *rids, unsigned int *nr)
{
	struct fm_extent tmp[FM_CLI_MAX_EXTENTS];
	unsigned int i, region, n;
	uint64_t *clen;
	struct fm_move *m;
	size_t *cand;
	char b[32];

	*nr = 0;
	if (fm_ledger_begin(&c->l, c->lock_timeout, &c->e))
		return cli_fail_e(c, FM_EXIT_FAIL);
	cand = calloc(c->l.n ? c->l.n : 1, sizeof(*cand));
	clen = calloc(c->l.n ? c->l.n : 1, sizeof(*clen));
	if (!cand || !clen) {
		free(cand);
		free(clen);
		fm_ledger_unlock(&c->l);
		return cli_fail(c, FM_EXIT_FAIL, "out of memory");
	}
	/* whole grants of one region adding up to len exactly, in ledger order */
	for (i = 0; i < sa->geo.nr_regions && *nr == 0; i++) {
		unsigned int nc = 0, pick[FM_MAX_EXTENTS], k;
		size_t j;

		if (from_region >= 0 && i != (unsigned int)from_region)
			continue;
		for (j = 0; j < c->l.n; j++) {
			struct fm_grant *g = &c->l.g[j];

			if (session_has(g, sa) && g->region == i && g->state == G_ACCEPTED) {
				cand[nc] = j;
				clen[nc++] = g->len;
			}
		}
		*nr = fm_pick_exact(clen, nc, len, FM_MAX_EXTENTS, pick);
		for (k = 0; k < *nr; k++)
			rids[k] = c->l.g[cand[pick[k]]].id;
	}
	free(cand);
	free(clen);
	if (!*nr) {
		fm_ledger_unlock(&c->l);
		return cli_fail(c, FM_EXIT_INVALID, "host %s has no accepted grants on %s adding "
				"up to exactly %s in one region (at most %d): see dcd-fm list",
				sa->host.name, sa->device, cli_sz(len, b), FM_MAX_EXTENTS);
	}
	if (txn_place(c, sb, to_region, len, &region, tmp, &n)) {
		fm_ledger_unlock(&c->l);
		return cli_fail_e(c, FM_EXIT_INVALID);
	}
	m = fm_ledger_new_move(&c->l);
	if (!m) {
		fm_ledger_unlock(&c->l);
		return cli_fail(c, FM_EXIT_FAIL, "out of memory");
	}
	snprintf(m->from, sizeof(m->from), "%s", sa->host.name);
	snprintf(m->from_dir, sizeof(m->from_dir), "%s", sa->host.dir);
	snprintf(m->from_device, sizeof(m->from_device), "%s", sa->device);
	snprintf(m->to, sizeof(m->to), "%s", sb->host.name);
	snprintf(m->to_dir, sizeof(m->to_dir), "%s", sb->host.dir);
	snprintf(m->to_device, sizeof(m->to_device), "%s", sb->device);
	m->to_region = to_region;
	m->host_id = host_id;
	m->len = len;
	memcpy(m->rel, rids, *nr * sizeof(rids[0]));
	m->nrel = *nr;
	fm_move_set_state(m, M_RELEASING, "asking %s to release %s", sa->host.name,
			  cli_sz(len, b));
	*move_id = m->id;
	return release_locked(c, sa, rids, *nr, false, m->id);
}

/*
 * A move after A released: offer its length to B (waiting up to wait s for
 * an earlier unanswered offer to B), then wait for B's answer. The move
 * becomes done, failed (B refused or rejected it), or stays open (no room
 * on B, no answer yet) with a note saying why. Returns an exit code.
 */
int txn_move_add(struct ctx *c, struct session *sb, unsigned int move_id, double wait,
		 unsigned int *aids, unsigned int *na)
{
	struct fm_extent x[FM_CLI_MAX_EXTENTS];
	enum fm_outcome res[FM_CLI_MAX_EXTENTS];
	struct fm_move m, *mp;
	int rc;

	*na = 0;
	if (fm_ledger_begin(&c->l, c->lock_timeout, &c->e))
		return cli_fail_e(c, FM_EXIT_FAIL);
	mp = fm_ledger_move(&c->l, move_id);
	if (!mp) {
		fm_ledger_unlock(&c->l);
		return cli_fail(c, FM_EXIT_FAIL, "move %u is not in the ledger", move_id);
	}
	m = *mp;
	fm_ledger_unlock(&c->l);
	c->busy_wait = wait;
	rc = txn_add(c, sb, m.host_id, m.to_region, x, 0, m.len, false, move_id, aids, na);
	c->busy_wait = 0;
	if (rc || !*na)
		return rc;
	return txn_wait(c, sb, true, aids, *na, wait, res);
}
