// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: the fabric-manager / orchestrator tool of cxl-dcd. Adds and
 * releases dynamic capacity of CXL DCDs (QEMU 10.0: over QMP), keeps a
 * ledger of what went to which host, and checks the outcome on the host.
 * See Documentation/dcd-fm.rst.
 */
#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "fm.h"

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct cmd_struct commands[] = {
	{ "add", cmd_add, "offer capacity to a host's DCD" },
	{ "release", cmd_release, "ask a host to give capacity back" },
	{ "list", cmd_list, "show the ledger; -R reconciles it with the hosts" },
	{ "pool", cmd_pool, "move capacity from one host to another" },
	{ "recover", cmd_recover, "settle the ledger after a crash, finish open moves" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: dcd-fm COMMAND [options]   (dcd-fm COMMAND --help)\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return FM_EXIT_INVALID;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return FM_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("dcd-fm 0.1\n");
		return FM_EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "dcd-fm: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return FM_EXIT_INVALID;
}
