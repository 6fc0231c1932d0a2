// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm list: the ledger; -R reconciles it with the hosts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "cli.h"
#include "fmjson.h"

static const char list_usage[] =
	"usage: dcd-fm list [-H HOST] [-d DEVICE] [-a] [-R] [options]\n"
	"Show the ledger: what was granted to which host, device and region.\n"
	"  -H, --host NAME[=DIR]    only this host (with -R: also look for extents the\n"
	"                           ledger does not know on this host)\n"
	"  -d, --device ID          only this device\n"
	"  -a, --all                include released and rejected grants\n"
	"  -R, --reconcile          ask every host and device, settle what is certain,\n"
	"                           report mismatches (\"problem\" keys)\n"
	"  -m, --moves              the moves (pool) instead of the grants: open ones,\n"
	"                           all with -a\n"
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
	struct fm_hostview hv;
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
	} else if (!session_view_open(c, &s, &hv, &e)) {
		if (!session_view(&s, &hv, &v, &e))
			vp = &v;
		else
			snprintf(why, sizeof(why), "%s", e.msg);
		session_view_close(&hv);
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
			ds = session_probe(&s, g, &e);
		switch (g->state) {
		case G_ADDING:
		case G_OFFERED:
			fm_grant_set_state(g, txn_outcome_state(fm_classify_add(vp, g->dpa, g->len, ds),
							    g->state));
			if (g->state == G_ADDING && ds == FM_DEV_PENDING)
				fm_grant_set_state(g, G_OFFERED);
			break;
		case G_RELEASING:
		case G_RELEASE_REQUESTED:
		case G_RELEASE_PENDING:
			fm_grant_set_state(g, txn_outcome_state(fm_classify_release(vp, g->dpa, g->len,
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
		} else if (g->state == G_RELEASING && c->keep_releasing) {
			problem(o, "a release was interrupted; the host still has it as "
				"accepted: not sent, or not processed by the host yet");
			problems++;
		} else if (g->state == G_RELEASING) {
			problem(o, "a release was interrupted before it reached the device; the "
				"host keeps it (accepted again)");
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

/*
 * Reconcile every device the ledger has grants on (only host h's, device's
 * when given; h with a work directory is checked even without grants):
 * settle what is certain, report the rest into arr. Moves follow their
 * grants. The ledger must be locked and loaded. Returns the problems.
 */
unsigned int reconcile_all(struct ctx *c, const struct fm_host *h, const char *device,
			   bool all, json_object *arr)
{
	unsigned int ng = 0, problems = 0;
	struct devgroup *groups;
	size_t i, k;

	/* at most one device per grant, and h's */
	groups = calloc(c->l.n + 1, sizeof(*groups));
	if (!groups) {
		fprintf(stderr, "dcd-fm %s: out of memory: no device was checked\n", c->cmd);
		return 1;
	}
	if (h && h->dir[0]) {
		snprintf(groups[0].host, sizeof(groups[0].host), "%s", h->name);
		snprintf(groups[0].dir, sizeof(groups[0].dir), "%s", h->dir);
		snprintf(groups[0].device, sizeof(groups[0].device), "%s",
			 device ? device : DEFAULT_DEVICE);
		ng = 1;
	}
	for (i = 0; i < c->l.n; i++) {
		struct fm_grant *g = &c->l.g[i];

		if ((h && strcmp(g->host, h->name)) || (device && strcmp(g->device, device)))
			continue;
		if (!fm_gstate_active(g->state) && !all)
			continue;
		for (k = 0; k < ng; k++)
			if (!strcmp(groups[k].dir, g->workdir) &&
			    !strcmp(groups[k].device, g->device))
				break;
		if (k < ng)
			continue;
		snprintf(groups[ng].host, sizeof(groups[ng].host), "%s", g->host);
		snprintf(groups[ng].dir, sizeof(groups[ng].dir), "%s", g->workdir);
		snprintf(groups[ng].device, sizeof(groups[ng].device), "%s", g->device);
		ng++;
	}
	for (k = 0; k < ng; k++)
		problems += reconcile_dev(c, &groups[k], all, arr);
	free(groups);
	txn_moves_follow(&c->l);
	return problems;
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "device", required_argument, NULL, 'd' },
		{ "all", no_argument, NULL, 'a' },
		{ "reconcile", no_argument, NULL, 'R' },
		{ "moves", no_argument, NULL, 'm' },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	unsigned int problems = 0;
	const char *hostspec = NULL, *device = NULL;
	bool all = false, rec = false;
	struct fm_host h = { 0 };
	json_object *arr;
	struct ctx c;
	bool moves = false;
	size_t i;
	int opt, rc;

	if (ctx_init(&c, "list"))
		return FM_EXIT_INVALID;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "H:d:aRm" COMMON_SHORT, opts, NULL)) != -1) {
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
		case 'm': moves = true; break;
		case 'h': fputs(list_usage, stdout); return FM_EXIT_OK;
		default: fputs(list_usage, stderr); return FM_EXIT_INVALID;
		}
	}
	if (optind < argc)
		return cli_fail(&c, FM_EXIT_INVALID, "unexpected argument '%s'", argv[optind]);
	if (hostspec && fm_host_resolve(hostspec, c.hosts_file, &h, &c.e)) {
		/* a plain name filters the ledger without a hosts file */
		if (strchr(hostspec, '=') || strchr(hostspec, '/') || rec)
			return cli_fail_e(&c, FM_EXIT_INVALID);
		snprintf(h.name, sizeof(h.name), "%s", hostspec);
	}
	if (cli_ledger_open(&c))
		return cli_fail_e(&c, FM_EXIT_FAIL);
	if (fm_ledger_begin(&c.l, c.lock_timeout, &c.e))
		return cli_fail_e(&c, FM_EXIT_FAIL);
	if (!rec)
		fm_ledger_unlock(&c.l);
	arr = json_object_new_array();
	if (moves) {
		for (i = 0; i < c.l.nm; i++) {
			struct fm_move *m = &c.l.m[i];

			if ((hostspec && strcmp(m->from, h.name) && strcmp(m->to, h.name)) ||
			    (!all && !fm_mstate_open(m->state)))
				continue;
			json_object_array_add(arr, fm_move_json(m));
		}
		if (rec)
			fm_ledger_unlock(&c.l);
		fm_json_print(stdout, arr);
		fm_ledger_close(&c.l);
		return FM_EXIT_OK;
	}
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
		fm_ledger_close(&c.l);
		return FM_EXIT_OK;
	}
	problems = reconcile_all(&c, hostspec ? &h : NULL, device, all, arr);
	rc = fm_ledger_commit(&c.l, &c.e);
	fm_json_print(stdout, arr);
	fm_ledger_close(&c.l);
	if (rc)
		return cli_fail_e(&c, FM_EXIT_FAIL);
	if (problems)
		return cli_fail(&c, FM_EXIT_MISMATCH, "%u mismatch%s between the ledger and the "
			    "hosts (see \"problem\")", problems, problems == 1 ? "" : "es");
	return FM_EXIT_OK;
}
