// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm pool: move capacity from one host to another.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "cli.h"

static const char pool_usage[] =
	"usage: dcd-fm pool --from HOST --to HOST -l LEN [--from-device ID] [--to-device ID]\n"
	"                   [--from-region N] [--to-region N] [--host-id N] [-w SECONDS]\n"
	"Move capacity between hosts: release LEN of host A's grants (whole grants),\n"
	"wait until A released them, then add LEN of free capacity to host B's device\n"
	"and wait for B's answer. The ledger records the move and each step; a move\n"
	"interrupted (killed dcd-fm, pending release) is finished by dcd-fm recover.\n"
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
	"      helper must offline the memory first; nothing added to B yet), 5 timeout.\n";

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
	enum fm_outcome res[FM_CLI_MAX_EXTENTS];
	int from_region = -1, to_region = -1, opt, rc;
	unsigned int mid = 0;
	char hint[300];
	uint64_t len = 0, v, host_id = 0;
	double wait = DEFAULT_WAIT;
	struct session sa, sb;
	struct fm_host ha, hb;
	struct ctx c;
	char b[32];

	if (ctx_init(&c, "pool"))
		return FM_EXIT_INVALID;
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
				return cli_fail(&c, FM_EXIT_INVALID, "bad region '%s'", optarg);
			*(opt == 'r' ? &from_region : &to_region) = (int)v;
			break;
		case 'l':
			if (fm_parse_size(optarg, &len) || !len)
				return cli_fail(&c, FM_EXIT_INVALID, "bad --len '%s'", optarg);
			break;
		case 'I':
			if (fm_parse_u64(optarg, &host_id) || host_id > 0xffff)
				return cli_fail(&c, FM_EXIT_INVALID, "bad --host-id '%s'", optarg);
			break;
		case 'w':
			if (cli_parse_wait(&c, optarg, &wait))
				return FM_EXIT_INVALID;
			break;
		case 'h': fputs(pool_usage, stdout); return FM_EXIT_OK;
		default: fputs(pool_usage, stderr); return FM_EXIT_INVALID;
		}
	}
	if (optind < argc)
		return cli_fail(&c, FM_EXIT_INVALID, "unexpected argument '%s'", argv[optind]);
	if (!from || !to || !len)
		return cli_fail(&c, FM_EXIT_INVALID, "--from, --to and --len are required");
	if (fm_host_resolve(from, c.hosts_file, &ha, &c.e) ||
	    fm_host_resolve(to, c.hosts_file, &hb, &c.e))
		return cli_fail_e(&c, FM_EXIT_INVALID);
	if (!strcmp(ha.dir, hb.dir) && !strcmp(fdev, tdev))
		return cli_fail(&c, FM_EXIT_INVALID, "--from and --to are the same device");
	if (cli_ledger_open(&c))
		return cli_fail_e(&c, FM_EXIT_FAIL);
	rc = session_open(&c, &sa, &ha, fdev, NULL);
	if (!rc)
		rc = session_open(&c, &sb, &hb, tdev, &sa);
	else
		memset(&sb, 0, sizeof(sb));
	if (rc) {
		rc = cli_fail_e(&c, rc == -EINVAL ? FM_EXIT_INVALID : FM_EXIT_FAIL);
		goto out;
	}

	/* step 1, one transaction: pick A's grants, check B's room, record the move, release */
	rc = txn_move_start(&c, &sa, &sb, len, from_region, to_region, (unsigned int)host_id,
			    &mid, rids, &nr);
	if (rc)
		goto out;
	cli_note(&c, "move %u step 1: asked %s to release %s of %s (%u grant%s)", mid, ha.name,
		 cli_sz(len, b), fdev, nr, nr == 1 ? "" : "s");
	snprintf(hint, sizeof(hint), "nothing was added to %s yet; move %u stays open: dcd-fm "
		 "recover finishes it once %s released it", hb.name, mid, ha.name);
	c.pending_hint = hint;
	rc = txn_wait(&c, &sa, false, rids, nr, wait, res);
	c.pending_hint = NULL;
	if (rc) {
		cli_print_grants(&c, rids, nr);
		goto out;
	}
	cli_note(&c, "move %u step 2: %s released %s", mid, ha.name, cli_sz(len, b));
	rc = txn_move_add(&c, &sb, mid, wait, aids, &na);
	if (!rc)
		cli_note(&c, "move %u step 3: %s accepted %s: moved", mid, hb.name, cli_sz(len, b));
	for (i = 0; i < na && nr < FM_CLI_MAX_EXTENTS; i++)
		rids[nr++] = aids[i];
	cli_print_grants(&c, rids, nr);
out:
	session_close(&sb);
	session_close(&sa);
	fm_ledger_close(&c.l);
	return rc;
}
