// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm add: offer capacity to a host's DCD.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "cli.h"

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

	if (ctx_init(&c, "add"))
		return FM_EXIT_INVALID;
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
				return cli_fail(&c, FM_EXIT_INVALID, "bad --host-id '%s'", optarg);
			break;
		case 'h': fputs(add_usage, stdout); return FM_EXIT_OK;
		default: fputs(add_usage, stderr); return FM_EXIT_INVALID;
		}
	}
	if (optind < argc)
		return cli_fail(&c, FM_EXIT_INVALID, "unexpected argument '%s'", argv[optind]);
	if (!t.hostspec)
		return cli_fail(&c, FM_EXIT_INVALID, "--host is required");
	if (t.n && (t.len || t.have_off))
		return cli_fail(&c, FM_EXIT_INVALID, "use either --extent or --offset/--len");
	if (!t.n && !t.len)
		return cli_fail(&c, FM_EXIT_INVALID, "nothing to add: give --extent or --len");
	if (t.have_off) {
		t.x[0].offset = t.offset;
		t.x[0].len = t.len;
		t.n = 1;
		t.len = 0;
	}
	if (t.n > FM_MAX_EXTENTS)
		return cli_fail(&c, FM_EXIT_INVALID, "%u extents in one request, at most %d (the "
			    "device's DC event log depth)", t.n, FM_MAX_EXTENTS);
	if (cli_ledger_open(&c))
		return cli_fail_e(&c, FM_EXIT_FAIL);
	if (fm_host_resolve(t.hostspec, c.hosts_file, &h, &c.e))
		return cli_fail_e(&c, FM_EXIT_INVALID);
	rc = session_open(&c, &s, &h, t.device, NULL);
	if (rc) {
		session_close(&s);
		return cli_fail_e(&c, rc == -EINVAL ? FM_EXIT_INVALID : FM_EXIT_FAIL);
	}
	rc = txn_add(&c, &s, (unsigned int)host_id, t.region, t.x, t.n, t.len, t.force, 0, ids,
		     &nids);
	if (!rc) {
		uint64_t total = 0;
		char b[32];

		/* the sizes placed, for the note; the offer is out whatever this reads */
		if (!fm_ledger_load(&c.l, &c.e)) {
			for (i = 0; i < nids; i++) {
				const struct fm_grant *g = fm_ledger_get(&c.l, ids[i]);

				total += g ? g->len : 0;
			}
		}
		cli_note(&c, "offered %s in %u extent%s to %s/%s", cli_sz(total, b), nids,
		     nids == 1 ? "" : "s", s.host.name, s.device);
		if (t.wait > 0) {
			enum fm_outcome res[FM_CLI_MAX_EXTENTS];

			rc = txn_wait(&c, &s, true, ids, nids, t.wait, res);
			if (!rc)
				cli_note(&c, "host %s accepted %s", s.host.name, cli_sz(total, b));
		}
		cli_print_grants(&c, ids, nids);
	}
	session_close(&s);
	fm_ledger_close(&c.l);
	return rc;
}
