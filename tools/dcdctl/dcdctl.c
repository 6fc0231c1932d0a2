// SPDX-License-Identifier: GPL-2.0
/*
 * dcdctl: the host user's tool for CXL Dynamic Capacity (cxl_dcd): list DC
 * devices, regions and extents; online/offline an extent's memory.
 * See Documentation/dcdctl.rst.
 */
#include <stddef.h>

#include "dcdctl.h"
#include "dispatch.h"

/* the table's calling convention (tools/lib/dispatch.h) for each command */
#define CMD(fn) \
	static int fn##_cmd(int argc, char **argv, void *ctx) { return fn(argc, argv, ctx); }
CMD(cmd_list)
CMD(cmd_online)
CMD(cmd_offline)
CMD(cmd_create_region)
CMD(cmd_destroy_region)
CMD(cmd_release)
CMD(cmd_monitor)
#undef CMD

static const struct util_cmd commands[] = {
	{ "list", cmd_list_cmd, "DC memdevs, DC regions, extents and their memory (JSON)" },
	{ "online", cmd_online_cmd, "make extents system RAM (movable zone by default)" },
	{ "offline", cmd_offline_cmd, "give extents' memory back to devdax" },
	{ "create-region", cmd_create_region_cmd,
	  "a DC region over a memdev's DC capacity (JSON)" },
	{ "destroy-region", cmd_destroy_region_cmd, "decommit and delete a DC region" },
	{ "release", cmd_release_cmd, "give extents or orphans back to the device" },
	{ "monitor", cmd_monitor_cmd, "daemon: online new capacity by policy, offline for releases" },
};

static const struct util_prog dcdctl = {
	.name = "dcdctl",
	.version = DCDCTL_VERSION,
	.cmds = commands,
	.nr_cmds = sizeof(commands) / sizeof(commands[0]),
	.exit_usage = DCD_EXIT_USAGE,
};

int main(int argc, char **argv)
{
	return util_dispatch(&dcdctl, argc, argv, NULL);
}
