// SPDX-License-Identifier: GPL-2.0
/* subcommand dispatch for the cxl-dcd tools (see dispatch.h) */
#include <stdio.h>
#include <string.h>

#include "dispatch.h"

static void usage(const struct util_prog *p, FILE *f)
{
	size_t i, w = 8;

	for (i = 0; i < p->nr_cmds; i++)
		if (strlen(p->cmds[i].name) > w)
			w = strlen(p->cmds[i].name);
	fprintf(f, "usage: %s COMMAND [options]   (%s COMMAND --help)\n", p->name, p->name);
	for (i = 0; i < p->nr_cmds; i++)
		fprintf(f, "  %-*s %s\n", (int)w, p->cmds[i].name, p->cmds[i].help);
}

static const struct util_cmd *find(const struct util_prog *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nr_cmds; i++)
		if (!strcmp(name, p->cmds[i].name))
			return &p->cmds[i];
	return NULL;
}

int util_dispatch(const struct util_prog *p, int argc, char **argv, void *ctx)
{
	const struct util_cmd *c;

	if (argc < 2) {
		fprintf(stderr, "%s: no command (%s --help lists them)\n", p->name, p->name);
		return p->exit_usage;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    (!strcmp(argv[1], "help") && argc == 2)) {
		usage(p, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("%s %s\n", p->name, p->version);
		return 0;
	}
	if (!strcmp(argv[1], "help")) {
		char help[] = "--help";
		char *hargv[] = { argv[2], help, NULL };

		c = find(p, argv[2]);
		if (!c) {
			fprintf(stderr, "%s: unknown command '%s' (%s --help lists them)\n",
				p->name, argv[2], p->name);
			return p->exit_usage;
		}
		return c->fn(2, hargv, ctx);
	}
	c = find(p, argv[1]);
	if (!c) {
		fprintf(stderr, "%s: unknown command '%s' (%s --help lists them)\n", p->name,
			argv[1], p->name);
		return p->exit_usage;
	}
	return c->fn(argc - 1, argv + 1, ctx);
}
