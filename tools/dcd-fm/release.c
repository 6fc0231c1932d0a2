// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm release: ask a host to give capacity back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "cli.h"
#include "validate.h"

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

	if (ctx_init(&c, "release"))
		return FM_EXIT_INVALID;
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
				return cli_fail(&c, FM_EXIT_INVALID, "too many --grant");
			if (fm_parse_u64(optarg, &v) || !v || v > UINT32_MAX)
				return cli_fail(&c, FM_EXIT_INVALID, "bad --grant '%s'", optarg);
			ids[nids++] = (unsigned int)v;
			break;
		case 'h': fputs(release_usage, stdout); return FM_EXIT_OK;
		default: fputs(release_usage, stderr); return FM_EXIT_INVALID;
		}
	}
	if (optind < argc)
		return cli_fail(&c, FM_EXIT_INVALID, "unexpected argument '%s'", argv[optind]);
	if (t.have_off != !!t.len)
		return cli_fail(&c, FM_EXIT_INVALID, "--offset and --len go together");
	if (t.have_off) {
		if (t.n == FM_CLI_MAX_EXTENTS)
			return cli_fail(&c, FM_EXIT_INVALID, "too many extents");
		t.x[t.n].offset = t.offset;
		t.x[t.n++].len = t.len;
	}
	if (!t.n && !nids)
		return cli_fail(&c, FM_EXIT_INVALID, "nothing to release: give --extent, "
			    "--offset/--len or --grant");
	if (t.n + nids > FM_MAX_EXTENTS)
		return cli_fail(&c, FM_EXIT_INVALID, "%u extents in one request, at most %d (the "
			    "device's DC event log depth)", t.n + nids, FM_MAX_EXTENTS);
	if (cli_ledger_open(&c))
		return cli_fail_e(&c, FM_EXIT_FAIL);
	if (!t.hostspec) {
		struct fm_grant *g;

		if (!nids)
			return cli_fail(&c, FM_EXIT_INVALID, "--host is required with --extent");
		if (fm_ledger_begin(&c.l, c.lock_timeout, &c.e))
			return cli_fail_e(&c, FM_EXIT_FAIL);
		fm_ledger_unlock(&c.l);
		memset(&h, 0, sizeof(h));
		g = fm_ledger_get(&c.l, ids[0]);
		if (!g) {
			fm_ledger_close(&c.l);
			return cli_fail(&c, FM_EXIT_INVALID, "no grant %u in the ledger", ids[0]);
		}
		snprintf(h.name, sizeof(h.name), "%s", g->host);
		snprintf(h.dir, sizeof(h.dir), "%s", g->workdir);
		if (!t.device) {
			snprintf(devbuf, sizeof(devbuf), "%s", g->device);
			t.device = devbuf;
		}
	} else if (fm_host_resolve(t.hostspec, c.hosts_file, &h, &c.e)) {
		return cli_fail_e(&c, FM_EXIT_INVALID);
	}
	if (!t.device)
		t.device = DEFAULT_DEVICE;
	rc = session_open(&c, &s, &h, t.device, NULL);
	if (rc) {
		rc = cli_fail_e(&c, rc == -EINVAL ? FM_EXIT_INVALID : FM_EXIT_FAIL);
		goto out;
	}
	/* extents -> grants of the ledger (exact match); --t.force records unknown ones */
	if (t.n) {
		if ((unsigned int)t.region >= s.geo.nr_regions) {
			rc = cli_fail(&c, FM_EXIT_INVALID, "%s: region %d does not exist (device has "
				    "%u)", t.device, t.region, s.geo.nr_regions);
			goto out;
		}
		rc = fm_validate_request(&s.geo, s.device, (unsigned int)t.region, t.x, t.n, &c.e);
		if (rc || fm_ledger_begin(&c.l, c.lock_timeout, &c.e)) {
			rc = cli_fail_e(&c, rc ? FM_EXIT_INVALID : FM_EXIT_FAIL);
			goto out;
		}
		for (i = 0; i < t.n; i++) {
			struct fm_grant *g = NULL;
			uint64_t dpa = session_dpa(&s, (unsigned int)t.region, t.x[i].offset);

			for (k = 0; k < c.l.n; k++)
				if (session_has(&c.l.g[k], &s) && fm_gstate_active(c.l.g[k].state) &&
				    c.l.g[k].dpa == dpa && c.l.g[k].len == t.x[i].len)
					g = &c.l.g[k];
			if (!g && !t.force) {
				fm_ledger_unlock(&c.l);
				rc = cli_fail(&c, FM_EXIT_INVALID, "%s: extent %u (offset %#" PRIx64
					    " length %#" PRIx64 ") is not a grant of host %s in the "
					    "ledger (--force to release it anyway)", t.device, i,
					    t.x[i].offset, t.x[i].len, s.host.name);
				goto out;
			}
			if (!g) {
				if (fm_ledger_overlap(&c.l, s.host.dir, s.device, dpa, t.x[i].len)) {
					fm_ledger_unlock(&c.l);
					rc = cli_fail(&c, FM_EXIT_INVALID, "%s: extent %u overlaps a "
						    "grant but is not one: release whole grants",
						    t.device, i);
					goto out;
				}
				g = fm_ledger_new(&c.l);
				if (!g) {
					fm_ledger_unlock(&c.l);
					rc = cli_fail(&c, FM_EXIT_FAIL, "out of memory");
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
			rc = cli_fail_e(&c, FM_EXIT_FAIL);
			goto out;
		}
	}
	rc = txn_release(&c, &s, ids, nids, t.force);
	if (!rc) {
		cli_note(&c, "asked host %s to release %u extent%s of %s", s.host.name, nids,
		     nids == 1 ? "" : "s", s.device);
		if (t.wait > 0) {
			enum fm_outcome res[FM_CLI_MAX_EXTENTS];

			rc = txn_wait(&c, &s, false, ids, nids, t.wait, res);
			if (!rc)
				cli_note(&c, "host %s released them", s.host.name);
		}
		cli_print_grants(&c, ids, nids);
	}
out:
	session_close(&s);
	fm_ledger_close(&c.l);
	return rc;
}
