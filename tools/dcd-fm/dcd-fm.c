// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: the fabric-manager / orchestrator tool of cxl-dcd. Adds and
 * releases dynamic capacity of CXL DCDs (QEMU 10.0: over QMP), keeps a
 * ledger of what went to which host, and checks the outcome on the host.
 * See Documentation/dcd-fm.rst.
 */
#include <stddef.h>

#include "builtin.h"
#include "dispatch.h"
#include "fm.h"

/* the table's calling convention (tools/lib/dispatch.h); dcd-fm has no context */
#define CMD(fn) \
	static int fn##_cmd(int argc, char **argv, void *ctx) { (void)ctx; return fn(argc, argv); }
CMD(cmd_add)
CMD(cmd_release)
CMD(cmd_list)
CMD(cmd_pool)
CMD(cmd_recover)
#undef CMD

static const struct util_cmd commands[] = {
	{ "add", cmd_add_cmd, "offer capacity to a host's DCD" },
	{ "release", cmd_release_cmd, "ask a host to give capacity back" },
	{ "list", cmd_list_cmd, "show the ledger; -R reconciles it with the hosts" },
	{ "pool", cmd_pool_cmd, "move capacity from one host to another" },
	{ "recover", cmd_recover_cmd, "settle the ledger after a crash, finish open moves" },
};

static const struct util_prog dcd_fm = {
	.name = "dcd-fm",
	.version = "0.1",
	.cmds = commands,
	.nr_cmds = sizeof(commands) / sizeof(commands[0]),
	.exit_usage = FM_EXIT_INVALID,
};

int main(int argc, char **argv)
{
	return util_dispatch(&dcd_fm, argc, argv, NULL);
}
