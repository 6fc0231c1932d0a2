/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Subcommand dispatch shared by dcdctl and dcd-fm, shaped like cxl(1):
 *   PROG COMMAND [options]    runs the command
 *   PROG --help | -h | help   the command list on stdout, exit 0
 *   PROG help COMMAND         COMMAND --help
 *   PROG --version | version  "PROG VERSION"
 * No command or an unknown one: one line on stderr, the usage exit code.
 */
#ifndef CXL_DCD_UTIL_DISPATCH_H
#define CXL_DCD_UTIL_DISPATCH_H

#include <stddef.h>

struct util_cmd {
	const char *name;
	int (*fn)(int argc, char **argv, void *ctx);
	const char *help;
};

struct util_prog {
	const char *name;		/* "dcdctl" */
	const char *version;		/* "0.2" */
	const struct util_cmd *cmds;
	size_t nr_cmds;
	int exit_usage;			/* the tool's exit code for a bad command line */
};

/* the command named argv[1] with argv + 1; ctx is handed to it unchanged */
int util_dispatch(const struct util_prog *p, int argc, char **argv, void *ctx);

#endif
