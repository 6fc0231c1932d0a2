// SPDX-License-Identifier: GPL-2.0
/*
 * dcdctl: the host user's tool for CXL Dynamic Capacity (cxl_dcd): list DC
 * devices, regions and extents; online/offline an extent's memory.
 * See Documentation/dcdctl.rst.
 */
#include <stdio.h>
#include <string.h>

#include "dcdctl.h"

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv, struct dcd_ctx *ctx);
	const char *help;
};

static const struct cmd_struct commands[] = {
	{ "list", cmd_list, "DC memdevs, DC regions, extents and their memory (JSON)" },
	{ "online", cmd_online, "make extents system RAM (movable zone by default)" },
	{ "offline", cmd_offline, "give extents' memory back to devdax" },
	{ "create-region", cmd_create_region, "a DC region over a memdev's DC capacity (JSON)" },
	{ "destroy-region", cmd_destroy_region, "decommit and delete a DC region" },
	{ "release", cmd_release, "give extents or orphans back to the device" },
	{ "monitor", cmd_monitor, "daemon: online new capacity by policy, offline for releases" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: dcdctl COMMAND [options]   (dcdctl COMMAND --help)\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return DCD_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return DCD_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("dcdctl 0.1\n");
		return DCD_EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1, NULL);
	fprintf(stderr, "dcdctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return DCD_EXIT_USAGE;
}
