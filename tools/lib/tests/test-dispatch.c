// SPDX-License-Identifier: GPL-2.0
/* subcommand dispatch (tools/lib/dispatch.c): help, version, unknown commands */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "dispatch.h"

static int calls, last_argc;
static char last_argv1[32];

static int cmd_a(int argc, char **argv, void *ctx)
{
	calls++;
	last_argc = argc;
	snprintf(last_argv1, sizeof(last_argv1), "%s", argc > 1 ? argv[1] : "");
	return ctx ? *(int *)ctx : 0;
}

static const struct util_cmd cmds[] = {
	{ "alpha", cmd_a, "first" },
	{ "beta-gamma", cmd_a, "second" },
};
static const struct util_prog prog = { "tool", "1.2", cmds, 2, 9 };

/* run dispatch with stdout/stderr captured */
static char out[4096], err[4096];

static int run(int argc, char **argv, void *ctx)
{
	FILE *o = tmpfile(), *e = tmpfile();
	int so = dup(1), se = dup(2), rc;
	size_t n;

	fflush(stdout);
	dup2(fileno(o), 1);
	dup2(fileno(e), 2);
	rc = util_dispatch(&prog, argc, argv, ctx);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	rewind(o);
	rewind(e);
	n = fread(out, 1, sizeof(out) - 1, o);
	out[n] = '\0';
	n = fread(err, 1, sizeof(err) - 1, e);
	err[n] = '\0';
	fclose(o);
	fclose(e);
	return rc;
}

int main(void)
{
	char p[] = "tool", a[] = "alpha", b[] = "beta-gamma", x[] = "--x", h[] = "--help";
	char help[] = "help", ver[] = "--version", nope[] = "nope", dash_h[] = "-h";
	int seven = 7, rc;

	ok(run(1, (char *[]){ p, NULL }, NULL) == 9 && !out[0] &&
	   strstr(err, "no command") && !strchr(err, '\n')[1],
	   "no command: usage exit code, one line on stderr");
	rc = run(3, (char *[]){ p, a, x, NULL }, &seven);
	ok(rc == 7 && calls == 1 && last_argc == 2 && !strcmp(last_argv1, "--x"),
	   "a command gets argv from its name on and the context");
	ok(run(2, (char *[]){ p, b, NULL }, NULL) == 0 && calls == 2, "hyphenated command names");
	ok(run(2, (char *[]){ p, h, NULL }, NULL) == 0 && strstr(out, "alpha") &&
	   strstr(out, "beta-gamma") && strstr(out, "second") && !err[0],
	   "--help: every command and its help on stdout");
	ok(run(2, (char *[]){ p, dash_h, NULL }, NULL) == 0 && strstr(out, "usage: tool") &&
	   run(2, (char *[]){ p, help, NULL }, NULL) == 0 && strstr(out, "usage: tool"),
	   "-h and help alike");
	rc = run(3, (char *[]){ p, help, a, NULL }, NULL);
	ok(rc == 0 && calls == 3 && !strcmp(last_argv1, "--help"), "help CMD runs CMD --help");
	ok(run(3, (char *[]){ p, help, nope, NULL }, NULL) == 9 && strstr(err, "'nope'"),
	   "help of an unknown command: usage exit code");
	ok(run(2, (char *[]){ p, ver, NULL }, NULL) == 0 && !strcmp(out, "tool 1.2\n"),
	   "--version: \"tool 1.2\"");
	ok(run(2, (char *[]){ p, nope, NULL }, NULL) == 9 && !out[0] &&
	   !strcmp(err, "tool: unknown command 'nope' (tool --help lists them)\n") && calls == 3,
	   "an unknown command: one line on stderr, usage exit code, nothing run");
	return done();
}
