// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm recover: bring the ledger and the hosts back to agreement after a
 * dcd-fm died (kill -9, crash, power loss) at any step, and finish the
 * moves it left open.
 *
 *  1. Settle every grant with its device and host (as list -R). A grant
 *     left "releasing" whose host still holds it as accepted is given a
 *     grace period first (the release may have reached the device and not
 *     been processed yet); after it, the release never happened and the
 *     grant is accepted again. "adding" grants the device does not know
 *     were never offered (or were rejected): rejected.
 *  2. Moves follow their grants: A kept everything -> cancelled; B
 *     accepted -> done.
 *  3. Open moves are rolled forward: A released -> offer the length to B
 *     and wait for B; B's offer unanswered -> wait for it; B's add never
 *     made it -> offer again (FM_MOVE_ATTEMPTS in all). A release still
 *     pending (memory in use on A) is waited for with --wait, else
 *     reported with the host, the extent and since when.
 *  4. Settle again and print the ledger as list -R does.
 *
 * Every step runs under the ledger lock like any other dcd-fm, so recover
 * may run while other orchestrators work.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "cli.h"
#include "fmjson.h"

static const char recover_usage[] =
	"usage: dcd-fm recover [-w[SECONDS]] [--grace SECONDS] [options]\n"
	"Bring the ledger and the hosts back to agreement after an interrupted dcd-fm\n"
	"(killed at any step) and finish the moves it left open.\n"
	"  -w, --wait[=SECONDS]     wait for each host's answer (default 30 s)\n"
	"      --grace SECONDS      how long a release found \"releasing\" may take to\n"
	"                           reach its host before it counts as never sent\n"
	"                           (default 5)\n"
	COMMON_HELP
	"Exit: 0 consistent, nothing open; 1 failed; 4 a move waits for a release pending\n"
	"      on its host (memory in use); 5 timeout; 6 the ledger and the hosts still\n"
	"      disagree (see \"problem\").\n";

static unsigned int count_state(struct fm_ledger *l, enum fm_gstate st)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		n += l->g[i].state == st;
	return n;
}

/* one settle pass over every device; returns the problems (arr: NULL to drop) */
static int settle(struct ctx *c, bool keep_releasing, json_object *arr, unsigned int *problems)
{
	json_object *tmp = arr ? arr : json_object_new_array();
	int rc;

	rc = fm_ledger_begin(&c->l, c->lock_timeout, &c->e);
	if (rc) {
		if (!arr)
			json_object_put(tmp);
		return rc;
	}
	c->keep_releasing = keep_releasing;
	*problems = reconcile_all(c, NULL, NULL, false, tmp);
	c->keep_releasing = false;
	rc = fm_ledger_commit(&c->l, &c->e);
	if (!arr)
		json_object_put(tmp);
	return rc;
}

static void host_of(struct fm_host *h, const char *name, const char *dir)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->dir, sizeof(h->dir), "%s", dir);
}

/* roll move m (a copy) forward; returns an exit code, 0 when it is done */
static int finish_move(struct ctx *c, struct fm_move *m, double wait)
{
	enum fm_outcome res[FM_CLI_MAX_EXTENTS];
	unsigned int ids[FM_CLI_MAX_EXTENTS], n = 0, k, released = 0, offered = 0;
	struct session sa, sb;
	struct fm_host h;
	int rc;

	if (fm_ledger_begin(&c->l, c->lock_timeout, &c->e))
		return cli_fail_e(c, FM_EXIT_FAIL);
	fm_ledger_unlock(&c->l);
	for (k = 0; k < m->nrel; k++) {
		struct fm_grant *g = fm_ledger_get(&c->l, m->rel[k]);

		released += g && g->state == G_RELEASED;
		if (g && (g->state == G_RELEASE_REQUESTED || g->state == G_RELEASE_PENDING ||
			  g->state == G_RELEASING))
			ids[n++] = g->id;
	}
	for (k = 0; k < m->nadd; k++) {
		struct fm_grant *g = fm_ledger_get(&c->l, m->add[k]);

		offered += g && (g->state == G_OFFERED || g->state == G_ADDING);
	}
	if (m->state == M_RELEASING && n) {
		/* A still has (some of) it, its release asked: wait for A's helper */
		host_of(&h, m->from, m->from_dir);
		rc = session_open(c, &sa, &h, m->from_device, NULL);
		if (rc) {
			session_close(&sa);
			return cli_fail(c, FM_EXIT_FAIL, "move %u: %s", m->id, c->e.msg);
		}
		rc = wait > 0 ? txn_wait(c, &sa, false, ids, n, wait, res) : FM_EXIT_PENDING;
		session_close(&sa);
		if (rc == FM_EXIT_PENDING && wait <= 0)
			return cli_fail(c, rc, "move %u: host %s has not released %u of its %u "
					"grants yet (memory in use?): its helper must offline them; "
					"recover --wait waits for it", m->id, m->from, n, m->nrel);
		if (rc)
			return rc;
		released = m->nrel;
	}
	host_of(&h, m->to, m->to_dir);
	rc = session_open(c, &sb, &h, m->to_device, NULL);
	if (rc) {
		session_close(&sb);
		return cli_fail(c, FM_EXIT_FAIL, "move %u: %s", m->id, c->e.msg);
	}
	if (m->state == M_ADDING && offered) {
		/* B's offer was made: wait for its answer */
		for (k = n = 0; k < m->nadd; k++)
			ids[n++] = m->add[k];
		rc = txn_wait(c, &sb, true, ids, n, wait > 0 ? wait : 30, res);
	} else if (released == m->nrel) {
		cli_note(c, "move %u: %s released it; offering %s to %s", m->id, m->from,
			 cli_sz(m->len, (char[32]){ 0 }), m->to);
		rc = txn_move_add(c, &sb, m->id, wait > 0 ? wait : 30, ids, &n);
	} else {
		rc = cli_fail(c, FM_EXIT_FAIL, "move %u: %s (%s): cannot tell how to go on",
			      m->id, fm_mstate_name(m->state), m->note);
	}
	session_close(&sb);
	return rc;
}

int cmd_recover(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wait", optional_argument, NULL, 'w' },
		{ "grace", required_argument, NULL, 'G' },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	unsigned int problems = 0, done = 0, cancelled = 0, failed = 0, open = 0, pass;
	double wait = 0, grace = 5;
	int opt, rc, worst = FM_EXIT_OK;
	json_object *arr;
	struct ctx c;
	size_t i;

	if (ctx_init(&c, "recover"))
		return FM_EXIT_INVALID;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "w::" COMMON_SHORT, opts, NULL)) != -1) {
		rc = common_opt(&c, opt, optarg);
		if (rc < 0)
			return FM_EXIT_INVALID;
		if (rc)
			continue;
		switch (opt) {
		case 'w':
			if (cli_parse_wait(&c, optarg, &wait))
				return FM_EXIT_INVALID;
			break;
		case 'G':
			if (fm_parse_seconds(optarg, true, &grace))
				return cli_fail(&c, FM_EXIT_INVALID, "bad --grace '%s' (seconds, "
						"0 <= T <= 86400)", optarg);
			break;
		case 'h': fputs(recover_usage, stdout); return FM_EXIT_OK;
		default: fputs(recover_usage, stderr); return FM_EXIT_INVALID;
		}
	}
	if (optind < argc)
		return cli_fail(&c, FM_EXIT_INVALID, "unexpected argument '%s'", argv[optind]);
	if (cli_ledger_open(&c))
		return cli_fail_e(&c, FM_EXIT_FAIL);

	/* 1. settle; an interrupted release gets its grace before it is rolled back */
	rc = settle(&c, true, NULL, &problems);
	if (!rc && count_state(&c.l, G_RELEASING)) {
		cli_note(&c, "%u grant(s) left releasing: %.0fs for their hosts to act",
			 count_state(&c.l, G_RELEASING), grace);
		usleep((useconds_t)(grace * 1e6));
		rc = settle(&c, false, NULL, &problems);
	}
	if (rc) {
		fm_ledger_close(&c.l);
		return cli_fail_e(&c, FM_EXIT_FAIL);
	}

	/* 2-3. roll open moves forward, oldest first; a pass may open the next */
	for (pass = 0; pass < 3; pass++) {
		struct fm_move *todo;
		size_t nt = 0;

		if (fm_ledger_begin(&c.l, c.lock_timeout, &c.e)) {
			fm_ledger_close(&c.l);
			return cli_fail_e(&c, FM_EXIT_FAIL);
		}
		fm_ledger_unlock(&c.l);
		todo = calloc(c.l.nm + 1, sizeof(*todo));
		if (!todo) {
			fm_ledger_close(&c.l);
			return cli_fail(&c, FM_EXIT_FAIL, "out of memory");
		}
		for (i = 0; i < c.l.nm; i++)
			if (fm_mstate_open(c.l.m[i].state))
				todo[nt++] = c.l.m[i];
		for (i = 0; i < nt; i++) {
			cli_note(&c, "move %u (%s -> %s, %s): %s", todo[i].id, todo[i].from,
				 todo[i].to, fm_mstate_name(todo[i].state), todo[i].note);
			rc = finish_move(&c, &todo[i], wait);
			if (rc && worst != FM_EXIT_FAIL)
				worst = rc;
		}
		free(todo);
		if (!nt || worst)
			break;
	}

	/* 4. the final picture */
	arr = json_object_new_array();
	rc = settle(&c, false, arr, &problems);
	fm_json_print(stdout, arr);
	for (i = 0; i < c.l.nm; i++) {
		done += c.l.m[i].state == M_DONE;
		cancelled += c.l.m[i].state == M_CANCELLED;
		failed += c.l.m[i].state == M_FAILED;
		open += fm_mstate_open(c.l.m[i].state);
	}
	fm_ledger_close(&c.l);
	if (rc)
		return cli_fail_e(&c, FM_EXIT_FAIL);
	cli_note(&c, "moves: %u done, %u cancelled, %u failed, %u open", done, cancelled,
		 failed, open);
	if (problems)
		return cli_fail(&c, FM_EXIT_MISMATCH, "%u mismatch%s between the ledger and the "
				"hosts remain (see \"problem\")", problems,
				problems == 1 ? "" : "es");
	if (worst)
		return worst;
	if (open)
		return cli_fail(&c, FM_EXIT_PENDING, "%u move%s still open (dcd-fm list -m)",
				open, open == 1 ? "" : "s");
	return FM_EXIT_OK;
}
