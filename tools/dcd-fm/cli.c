// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: the command-line context every subcommand shares: options, messages
 * (one line on stderr, "dcd-fm CMD: ..."), sizes, printing grants.
 */
#include <errno.h>
#include <signal.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fmjson.h"

int cli_fail(struct ctx *c, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dcd-fm %s: ", c->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int cli_fail_e(struct ctx *c, int code)
{
	return cli_fail(c, code, "%s", c->e.msg);
}

void cli_note(struct ctx *c, const char *fmt, ...)
{
	struct timespec t;
	struct tm tm;
	char ts[32];
	va_list ap;

	if (!c->verbose)
		return;
	/* UTC with milliseconds: benchmarks time the steps of a move from these */
	clock_gettime(CLOCK_REALTIME, &t);
	gmtime_r(&t.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	fprintf(stderr, "dcd-fm %s: %s.%03ldZ ", c->cmd, ts, t.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *cli_sz(uint64_t v, char *buf)
{
	if (v && !(v % (1ULL << 30)))
		sprintf(buf, "%" PRIu64 " GiB", v >> 30);
	else if (v && !(v % SZ_1M))
		sprintf(buf, "%" PRIu64 " MiB", v >> 20);
	else
		sprintf(buf, "%#" PRIx64, v);
	return buf;
}

int ctx_init(struct ctx *c, const char *cmd)
{
	char p[PATH_MAX];
	const char *s;

	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	if (!fm_ledger_default_path(p, sizeof(p))) {
		cli_fail(c, 0, "the ledger path from $DCD_FM_LEDGER, $XDG_STATE_HOME or $HOME "
			 "is longer than %zu bytes", sizeof(p) - 1);
		return -1;
	}
	snprintf(c->ledger_path, sizeof(c->ledger_path), "%s", p);
	c->hosts_file = getenv("DCD_FM_HOSTS");
	c->transport = "qmp";
	c->timeout = 10;
	c->lock_timeout = 60;
	s = getenv("DCD_FM_TIMEOUT");
	if (s && fm_parse_seconds(s, false, &c->timeout)) {
		cli_fail(c, 0, "bad DCD_FM_TIMEOUT '%s' (seconds, 0 < T <= 86400)", s);
		return -1;
	}
	return 0;
}

void fm_crash_point(const char *name)
{
	const char *at = getenv("DCD_FM_CRASH_AT");

	if (!at || strcmp(at, name))
		return;
	fprintf(stderr, "dcd-fm: DCD_FM_CRASH_AT=%s: killing myself\n", name);
	fflush(stderr);
	kill(getpid(), SIGKILL);
}

/* the ledger named by --ledger / $DCD_FM_LEDGER; says which in -v */
int cli_ledger_open(struct ctx *c)
{
	char d[PATH_MAX + 128];
	int rc = fm_ledger_open(&c->l, c->ledger_path, &c->e);

	if (rc) {
		fm_ledger_close(&c->l);
		return rc;
	}
	fm_ledger_describe(&c->l, d, sizeof(d));
	cli_note(c, "ledger: %s", d);
	return 0;
}

int common_opt(struct ctx *c, int opt, const char *arg)
{
	switch (opt) {
	case 'L':
		if (strlen(arg) >= sizeof(c->ledger_path)) {
			cli_fail(c, 0, "--ledger: name longer than %zu bytes",
				 sizeof(c->ledger_path) - 1);
			return -1;
		}
		snprintf(c->ledger_path, sizeof(c->ledger_path), "%s", arg);
		return 1;
	case 'F':
		c->hosts_file = arg;
		return 1;
	case 'T':
		if (fm_parse_seconds(arg, false, &c->timeout)) {
			cli_fail(c, 0, "bad --timeout '%s' (seconds, 0 < T <= 86400)", arg);
			return -1;
		}
		return 1;
	case 'X':
		c->transport = arg;
		return 1;
	case 'u':
		c->flags |= FM_JSON_HUMAN;
		return 1;
	case 'v':
		c->verbose = true;
		return 1;
	}
	return 0;
}

int cli_parse_wait(struct ctx *c, const char *arg, double *wait)
{
	*wait = DEFAULT_WAIT;
	if (arg && fm_parse_seconds(arg, false, wait)) {
		cli_fail(c, 0, "bad --wait '%s' (seconds, 0 < T <= 86400)", arg);
		return -1;
	}
	return 0;
}

/* OFFSET:LEN */
static int parse_extent(struct ctx *c, const char *arg, struct fm_extent *x)
{
	char buf[128], *colon;

	if (strlen(arg) >= sizeof(buf))
		goto bad;
	snprintf(buf, sizeof(buf), "%s", arg);
	colon = strchr(buf, ':');
	if (!colon)
		goto bad;
	*colon = 0;
	if (fm_parse_size(buf, &x->offset) || fm_parse_size(colon + 1, &x->len))
		goto bad;
	return 0;
bad:
	cli_fail(c, 0, "bad --extent '%s' (OFFSET:LENGTH, e.g. 0:256M)", arg);
	return -1;
}

int target_opt(struct ctx *c, int opt, const char *arg, struct target_args *t)
{
	uint64_t v;

	switch (opt) {
	case 'H':
		t->hostspec = arg;
		return 1;
	case 'd':
		t->device = arg;
		return 1;
	case 'r':
		if (fm_parse_u64(arg, &v) || v > 255) {
			cli_fail(c, FM_EXIT_INVALID, "bad --region '%s'", arg);
			return -1;
		}
		t->region = (int)v;
		return 1;
	case 'e':
		if (t->n == FM_CLI_MAX_EXTENTS) {
			cli_fail(c, FM_EXIT_INVALID, "too many --extent");
			return -1;
		}
		return parse_extent(c, arg, &t->x[t->n++]) ? -1 : 1;
	case 'o':
		if (fm_parse_size(arg, &t->offset)) {
			cli_fail(c, FM_EXIT_INVALID, "bad --offset '%s'", arg);
			return -1;
		}
		t->have_off = true;
		return 1;
	case 'l':
		if (fm_parse_size(arg, &t->len) || !t->len) {
			cli_fail(c, FM_EXIT_INVALID, "bad --len '%s'", arg);
			return -1;
		}
		return 1;
	case 'w':
		return cli_parse_wait(c, arg, &t->wait) ? -1 : 1;
	case 'f':
		t->force = true;
		return 1;
	}
	return 0;
}

void cli_print_grants(struct ctx *c, const unsigned int *ids, unsigned int n)
{
	json_object *arr = json_object_new_array();
	struct fm_err e;
	unsigned int i;

	if (fm_ledger_lock(&c->l, c->lock_timeout, &e) || fm_ledger_load(&c->l, &e)) {
		fm_ledger_unlock(&c->l);
		json_object_put(arr);
		return;
	}
	fm_ledger_unlock(&c->l);
	for (i = 0; i < n; i++) {
		struct fm_grant *g = fm_ledger_get(&c->l, ids[i]);

		if (g)
			json_object_array_add(arr, fm_grant_to_json(g, c->flags));
	}
	fm_json_print(stdout, arr);
}
