// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: the command line end to end against fake guests: exit codes,
 * one error line, nothing sent for invalid requests, --wait outcomes,
 * a killed run reconciled, pool. $DCD_FM names the binary.
 */
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake.h"
#include "tap.h"

static const char *bin;
static char ledger[300], out[65536], err[8192];
static struct fake A, B;

/* run dcd-fm with args (a shell fragment); stdout -> out, stderr -> err */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int run(const char *fmt, ...)
{
	char args[2048], cmd[4096], ef[320];
	va_list ap;
	FILE *p, *f;
	size_t n;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(ef, sizeof(ef), "%s.err", ledger);
	snprintf(cmd, sizeof(cmd), "DCD_FM_LEDGER=%s %s %s 2>%s", ledger, bin, args, ef);
	p = popen(cmd, "r");
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	st = pclose(p);
	f = fopen(ef, "r");
	n = f ? fread(err, 1, sizeof(err) - 1, f) : 0;
	err[n] = 0;
	if (f)
		fclose(f);
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	if (getenv("V"))
		printf("# dcd-fm %s -> %d%s%s", args, st, *err ? ": " : "\n", err);
	return st;
}

/* dcd-fm list with $XDG_STATE_HOME longer than PATH_MAX, no $DCD_FM_LEDGER */
static bool long_state_home_refused(void)
{
	static char home[PATH_MAX + 16], cmd[512], msg[512];
	size_t n;
	FILE *p;
	int st;

	memset(home, 'l', sizeof(home) - 1);
	home[0] = '/';
	setenv("XDG_STATE_HOME", home, 1);
	snprintf(cmd, sizeof(cmd), "env -u DCD_FM_LEDGER %s list 2>&1 >/dev/null", bin);
	p = popen(cmd, "r");
	n = p ? fread(msg, 1, sizeof(msg) - 1, p) : 0;
	msg[n] = 0;
	st = p ? pclose(p) : -1;
	unsetenv("XDG_STATE_HOME");
	/* one line */
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 2 && strstr(msg, "longer than") &&
	       n && strchr(msg, '\n') == msg + n - 1;
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static int one_error(void)
{
	return lines(err) == 1 && !strncmp(err, "dcd-fm ", 7);
}

static int grant_states(const char *state)
{
	int n = 0;
	const char *p = out;
	char key[64];

	snprintf(key, sizeof(key), "\"state\": \"%s\"", state);
	while ((p = strstr(p, key))) {
		n++;
		p++;
	}
	return n;
}

int main(void)
{
	static const char *const cmds[] = { "add", "release", "list", "pool" };
	int i, sent, rc;
	pid_t pid;

	bin = getenv("DCD_FM");
	if (!bin)
		bin = "./dcd-fm";
	snprintf(ledger, sizeof(ledger), "/tmp/dcd-fm-cli.%d.json", getpid());
	fake_start(&A);
	fake_start(&B);

	ok(run("%s", "") == 2, "no command: usage, exit 2");
	ok(run("frobnicate") == 2 && strstr(err, "unknown command"), "an unknown command: exit 2");
	for (i = 0; i < 4; i++)
		ok(run("%s --help", cmds[i]) == 0 && strstr(out, "usage: dcd-fm") && !*err,
		   "%s --help prints usage on stdout", cmds[i]);
	ok(run("add -l 2M") == 2 && one_error() && strstr(err, "--host"),
	   "add without --host: one error line, exit 2");
	ok(run("add -H a=/nonexistent -l 2M") == 2 && one_error(), "a missing work directory: exit 2");
	ok(run("add -H a -l 2M") == 2 && one_error() && strstr(err, "hosts file"),
	   "an unknown host name without a hosts file: exit 2");
	ok(run("add -H a=%s -l 2M --wait=x", A.dir) == 2 && one_error(), "a bad --wait: exit 2");
	sent = A.dc_cmds;
	ok(run("add -H a=%s -l 2M --wait=5x", A.dir) == 2 && one_error() &&
	   run("release -H a=%s -e 0:2M --wait=nan", A.dir) == 2 && one_error() &&
	   run("add -H a=%s -l 2M --timeout inf", A.dir) == 2 && one_error() &&
	   run("recover --grace=1e3") == 2 && one_error() && A.dc_cmds == sent,
	   "seconds with trailing text, nan, inf or an exponent: exit 2, nothing sent");
	setenv("DCD_FM_TIMEOUT", "5x", 1);
	ok(run("list") == 2 && one_error() && strstr(err, "DCD_FM_TIMEOUT"),
	   "a bad DCD_FM_TIMEOUT: exit 2, named");
	unsetenv("DCD_FM_TIMEOUT");
	ok(long_state_home_refused(), "a default ledger path longer than PATH_MAX "
	   "($XDG_STATE_HOME): exit 2, said, not cut short");

	/* invalid requests: refused before anything reaches the device */
	sent = A.dc_cmds;
	ok(run("add -H a=%s -e 0:2M -e 2M:2M -e 4M:2M -e 6M:2M -e 8M:2M -e 10M:2M -e 12M:2M "
	       "-e 14M:2M -e 16M:2M", A.dir) == 2 && one_error() && strstr(err, "at most 8"),
	   "9 extents in one request: exit 2");
	ok(run("add -H a=%s -o 1M -l 2M", A.dir) == 2 && one_error() && strstr(err, "aligned"),
	   "an unaligned offset: exit 2");
	ok(run("add -H a=%s -r 1 -o 200M -l 100M", A.dir) == 2 && one_error() &&
	   strstr(err, "beyond"), "an extent past the region end: exit 2");
	ok(run("add -H a=%s -r 2 -o 0 -l 2M", A.dir) == 2 && one_error() &&
	   strstr(err, "does not exist"), "region >= num-dc-regions: exit 2");
	ok(run("add -H a=%s -e 0:4M -e 2M:2M", A.dir) == 2 && one_error() && strstr(err, "overlap"),
	   "overlapping extents: exit 2");
	ok(run("add -H a=%s -d nosuch -l 2M", A.dir) == 1 && one_error() &&
	   strstr(err, "no such device"), "an unknown device: exit 1");
	ok(A.dc_cmds == sent, "none of the invalid requests reached the device");

	/* accepted */
	A.host_mode = FK_ACCEPT;
	rc = run("add -H a=%s -r 0 -l 128M --wait=5", A.dir);
	ok(rc == 0 && grant_states("accepted") == 1 && strstr(out, "\"size\": 134217728"),
	   "add --wait: the host accepts, exit 0, JSON says accepted");
	sent = A.dc_cmds;
	ok(run("add -H a=%s -r 0 -o 64M -l 64M", A.dir) == 2 && one_error() &&
	   strstr(err, "overlaps grant 1"), "double allocation against the ledger: exit 2");
	ok(A.dc_cmds == sent, "the double allocation was not sent");
	ok(run("list") == 0 && grant_states("accepted") == 1, "list shows the grant");
	ok(run("list -R") == 0 && strstr(out, "\"host_state\": \"accepted\"") &&
	   strstr(out, "\"device_state\": \"accepted\""), "list -R: ledger, host and device agree");

	/* rejected */
	A.host_mode = FK_REJECT;
	ok(run("add -H a=%s -r 1 -l 64M --wait=5", A.dir) == 3 && one_error() &&
	   strstr(err, "rejected") && grant_states("rejected") == 1,
	   "add --wait: the host rejects, exit 3");

	/* timeout, then the next add is refused while the offer is unanswered */
	A.host_mode = FK_IGNORE;
	ok(run("add -H a=%s -r 1 -l 32M --wait=0.6", A.dir) == 5 && one_error() &&
	   strstr(err, "no answer") && grant_states("offered") == 1,
	   "add --wait: no answer, exit 5, the grant stays offered");
	ok(run("add -H a=%s -r 1 -o 128M -l 2M", A.dir) == 2 && one_error() &&
	   strstr(err, "unanswered"), "a new add behind an unanswered offer is refused");
	A.host_mode = FK_ACCEPT;
	ok(run("list -R") == 0 && grant_states("accepted") == 2, "list -R settles the late answer");

	/* killed mid-wait: the next run reconciles */
	A.host_mode = FK_IGNORE;
	pid = fork();
	if (!pid) {
		char l[400], adir[300];

		snprintf(adir, sizeof(adir), "a=%s", A.dir);
		snprintf(l, sizeof(l), "DCD_FM_LEDGER=%s", ledger);
		putenv(l);
		execl(bin, bin, "add", "-H", adir, "-r", "1", "-o", "64M", "-l", "16M",
		      "--wait=30", (char *)NULL);
		_exit(127);
	}
	/* kill it once the offer is recorded, i.e. while it waits for the answer */
	for (i = 0; i < 300 && !(run("list") == 0 && grant_states("offered") == 1); i++)
		usleep(100000);
	kill(pid, SIGKILL);
	waitpid(pid, &rc, 0);
	ok(run("list") == 0 && grant_states("offered") == 1, "a killed add --wait leaves an "
	   "offered grant");
	A.host_mode = FK_ACCEPT;
	ok(run("list -R") == 0 && grant_states("accepted") == 3 && !grant_states("offered"),
	   "the next list -R reconciles it to accepted");

	/* release */
	ok(run("release -H a=%s -r 1 -o 200M -l 2M", A.dir) == 2 && one_error() &&
	   strstr(err, "not a grant"), "releasing what was not granted: exit 2");
	A.rel_mode = FK_DEFER;
	ok(run("release -g 1 --wait=0.6") == 4 && one_error() && strstr(err, "offline") &&
	   grant_states("release-pending") == 1, "release --wait of memory in use: exit 4");
	ok(run("release -g 1") == 2 && one_error() && strstr(err, "duplicate"),
	   "a second release of a pending one is refused");
	A.rel_mode = FK_RELEASE;
	ok(run("list -R") == 0 && strstr(out, "\"state\": \"released\""),
	   "list -R sees the deferred release complete");
	ok(run("release -H a=%s -r 1 -o 0 -l 32M --wait=5", A.dir) == 0 &&
	   grant_states("released") == 1, "release --wait by extent: exit 0, released");

	/* untracked capacity */
	pthread_mutex_lock(&A.lock);
	memset(A.accepted + 200, 1, 4);
	pthread_mutex_unlock(&A.lock);
	ok(run("list -R") == 6 && strstr(out, "\"state\": \"untracked\"") && one_error(),
	   "list -R reports capacity the ledger does not know: exit 6");
	pthread_mutex_lock(&A.lock);
	memset(A.accepted + 200, 0, 4);
	pthread_mutex_unlock(&A.lock);

	/* pool */
	ok(run("add -H b=%s -r 0 -o 0 -l 64M --wait=5", B.dir) == 0, "host b holds 64 MiB");
	ok(run("add -H a=%s -r 0 -e 0:112M -e 112M:16M --wait=5", A.dir) == 0 &&
	   grant_states("accepted") == 2, "host a holds 112 + 16 MiB");
	ok(run("pool --from a=%s --to b=%s -l 1G", A.dir, B.dir) == 2 && one_error(),
	   "pool of more than a holds: exit 2, nothing sent");
	A.rel_mode = FK_DEFER;
	sent = B.adds;
	ok(run("pool --from a=%s --to b=%s -l 16M --wait=0.6", A.dir, B.dir) == 4 &&
	   strstr(err, "nothing was added") && B.adds == sent,
	   "pool: A's release stays pending: exit 4, nothing added to B");
	A.rel_mode = FK_RELEASE;
	ok(run("list -R") == 0, "the pending release completes");
	ok(run("pool --from a=%s --to b=%s -l 112M --wait=5", A.dir, B.dir) == 0 &&
	   grant_states("released") == 1 && grant_states("accepted") == 1 && B.adds == sent + 1,
	   "pool moves 112 MiB from a to b");
	ok(run("list -H b") == 0 && strstr(out, "\"offset\": 67108864") &&
	   strstr(out, "\"size\": 117440512"), "b's new grant was placed after its first one");
	ok(run("list -H a") == 0 && grant_states("accepted") == 1 && strstr(out, "\"grant\": 4,"),
	   "a keeps only the grant pool did not take");
	ok(run("list -a -u") == 0 && strstr(out, "112.00 MiB") && strstr(out, "\"rejected\""),
	   "list -a -u shows history with human sizes");
	/* corrupt ledger: refused, untouched */
	{
		FILE *f = fopen(ledger, "w");

		fputs("{garbage", f);
		fclose(f);
	}
	ok(run("list") == 1 && one_error() && strstr(err, "corrupt"), "a corrupt ledger: exit 1");
	fake_stop(&A);
	fake_stop(&B);
	snprintf(out, sizeof(out), "rm -f %s %s.lock %s.tmp %s.err", ledger, ledger, ledger, ledger);
	if (system(out))
		return 1;
	return done();
}
