// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: crash consistency of a move against fake guests, with the file
 * ledger and (when etcd is installed) the etcd ledger. For every crash
 * point of a move, dcd-fm pool is SIGKILLed there (DCD_FM_CRASH_AT) and
 * dcd-fm recover must bring back a consistent state: the capacity is on
 * exactly one host (A if the release never reached A's device, else B), no
 * range is granted twice, the ledger's accepted grants are exactly what
 * each device has accepted, nothing is left pending, list -R agrees.
 * Then: a move stopped by a pending release is finished by recover once
 * the host let go; a move whose offer B accepted in part is finished by
 * offering only the rest; two moves started at once for the same grant are
 * serialized by the ledger lock (one moves, the other finds nothing); two
 * orchestrators moving capacity in opposite directions at the same time
 * end consistent. $DCD_FM names the binary.
 */
#include <json-c/json.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "etcd.h"
#include "fake.h"
#include "tap.h"

static const char *bin;
static char ledger[400], errf[300], out[1 << 18], err[16384];
static struct fake A, B;

/* run dcd-fm (args: a shell fragment) with env (may be ""); exit code, 128+sig if killed */
static int run(const char *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int run(const char *env, const char *fmt, ...)
{
	char args[2048], cmd[4096];
	va_list ap;
	FILE *p, *f;
	size_t n;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "DCD_FM_LEDGER=%s DCD_FM_TIMEOUT=5 %s exec %s %s 2>%s",
		 ledger, env, bin, args, errf);
	p = popen(cmd, "r");
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	st = pclose(p);
	f = fopen(errf, "r");
	n = f ? fread(err, 1, sizeof(err) - 1, f) : 0;
	err[n] = 0;
	if (f)
		fclose(f);
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	if (getenv("V"))
		printf("# %s dcd-fm %s -> %d: %s", env, args, st, err[0] ? err : "\n");
	return st;
}

static void reset(struct fake *f)
{
	pthread_mutex_lock(&f->lock);
	memset(f->accepted, 0, sizeof(f->accepted));
	memset(f->pending, 0, sizeof(f->pending));
	memset(f->relreq, 0, sizeof(f->relreq));
	f->host_mode = FK_ACCEPT;
	f->rel_mode = FK_RELEASE;
	f->accept_blocks = 0;
	pthread_mutex_unlock(&f->lock);
}

/* blocks accepted on the fake's device; *busy: pending offers or release requests */
static int blocks(struct fake *f, int *busy)
{
	int b, n = 0;

	pthread_mutex_lock(&f->lock);
	for (b = 0; b < FK_BLOCKS; b++) {
		n += f->accepted[b];
		*busy += f->pending[b] + f->relreq[b];
	}
	pthread_mutex_unlock(&f->lock);
	return n;
}

/*
 * The invariants, checked against the fakes' devices: the accepted grants
 * of each host in the ledger are exactly the device's accepted blocks (no
 * range lost, none granted twice: grants of one device never overlap),
 * nothing pending, and A and B hold what they should (-1: any).
 */
static int consistent(int want_a, int want_b, char *why, size_t len)
{
	unsigned char la[FK_BLOCKS] = { 0 }, lb[FK_BLOCKS] = { 0 };
	int busy = 0, na, nb, b;
	json_object *arr;
	size_t i;

	if (run("", "list") != 0 || !(arr = json_tokener_parse(out))) {
		snprintf(why, len, "dcd-fm list failed: %s", err);
		return 0;
	}
	for (i = 0; i < json_object_array_length(arr); i++) {
		json_object *g = json_object_array_get_idx(arr, i), *v;
		unsigned char *map;
		uint64_t dpa, size, k;
		const char *host, *state;

		json_object_object_get_ex(g, "host", &v);
		host = json_object_get_string(v);
		json_object_object_get_ex(g, "state", &v);
		state = json_object_get_string(v);
		json_object_object_get_ex(g, "dpa", &v);
		dpa = json_object_get_uint64(v);
		json_object_object_get_ex(g, "size", &v);
		size = json_object_get_uint64(v);
		if (strcmp(state, "accepted")) {
			snprintf(why, len, "grant on %s left %s", host, state);
			json_object_put(arr);
			return 0;
		}
		map = !strcmp(host, "a") ? la : lb;
		for (k = dpa / SZ_2M; k < (dpa + size) / SZ_2M && k < FK_BLOCKS; k++) {
			if (map[k]++) {
				snprintf(why, len, "block %llu of %s granted twice",
					 (unsigned long long)k, host);
				json_object_put(arr);
				return 0;
			}
		}
	}
	json_object_put(arr);
	na = blocks(&A, &busy);
	nb = blocks(&B, &busy);
	for (b = 0; b < FK_BLOCKS; b++)
		if (la[b] != A.accepted[b] || lb[b] != B.accepted[b]) {
			snprintf(why, len, "block %d: ledger a=%d b=%d, devices a=%d b=%d", b, la[b],
				 lb[b], A.accepted[b], B.accepted[b]);
			return 0;
		}
	snprintf(why, len, "a %d blocks, b %d, busy %d", na, nb, busy);
	return !busy && (want_a < 0 || na == want_a) && (want_b < 0 || nb == want_b);
}

static void backend(const char *name, const char *url_base)
{
	static const char *const points[] = {
		"release-intent", "release-sent", "released", "add-intent", "add-sent", "accepted",
	};
	char why[300], env[64];
	unsigned int i;
	int rc, r1, r2, st;
	pid_t p1, p2;

	for (i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		int cancelled = !strcmp(points[i], "release-intent");

		reset(&A);
		reset(&B);
		snprintf(ledger, sizeof(ledger), "%s-%s-%u", url_base, name, i);
		rc = run("", "add -H a=%s -r 0 -o 0 -l 64M --wait=5", A.dir);
		snprintf(env, sizeof(env), "DCD_FM_CRASH_AT=%s", points[i]);
		r1 = run(env, "pool --from a=%s --to b=%s -l 64M --wait=5", A.dir, B.dir);
		ok(rc == 0 && r1 == 128 && strstr(err, points[i]),
		   "%s: dcd-fm pool killed at %s", name, points[i]);
		r2 = run("", "recover --wait=5 --grace=0.5");
		ok(r2 == 0, "%s: %s: dcd-fm recover exits 0", name, points[i]);
		if (r2)
			printf("# %s", err);
		ok(consistent(cancelled ? 32 : 0, cancelled ? 0 : 32, why, sizeof(why)),
		   "%s: %s: 64 MiB on %s only, the ledger matches both devices (%s)", name,
		   points[i], cancelled ? "A" : "B", why);
		ok(run("", "list -m -a") == 0 && strstr(out, cancelled ? "\"cancelled\"" : "\"done\""),
		   "%s: %s: the move is %s", name, points[i], cancelled ? "cancelled" : "done");
		ok(run("", "list -R -a") == 0, "%s: %s: list -R agrees afterwards", name, points[i]);
	}

	/* a pending release: the move stays open until the host let go */
	reset(&A);
	reset(&B);
	snprintf(ledger, sizeof(ledger), "%s-%s-pending", url_base, name);
	run("", "add -H a=%s -r 0 -o 0 -l 64M --wait=5", A.dir);
	A.rel_mode = FK_DEFER;
	rc = run("", "pool --from a=%s --to b=%s -l 64M --wait=1", A.dir, B.dir);
	ok(rc == 4 && strstr(err, "dpa 0x0 (64 MiB, grant 1) pending for") &&
	   strstr(err, "helper must offline"),
	   "%s: pending release: exit 4 naming the host, the extent and for how long", name);
	r2 = run("", "recover");
	ok(r2 == 4 && strstr(err, "move 1") && strstr(err, "not released"),
	   "%s: recover while A still holds it: exit 4, says which move waits", name);
	A.rel_mode = FK_RELEASE;
	r2 = run("", "recover --wait=5");
	ok(r2 == 0 && consistent(0, 32, why, sizeof(why)),
	   "%s: recover after A let go finishes the move (%s)", name, why);

	/* B accepts one of the two extents offered: recover offers only the rest */
	reset(&A);
	reset(&B);
	snprintf(ledger, sizeof(ledger), "%s-%s-partial", url_base, name);
	run("", "add -H a=%s -r 0 -o 0 -l 64M --wait=5", A.dir);
	run("", "add -H b=%s -r 0 -o 32M -l 32M --wait=5", B.dir);
	B.accept_blocks = 16;	/* [0, 32M) of the offer [0, 32M) + [64M, 96M) */
	rc = run("", "pool --from a=%s --to b=%s -l 64M --wait=5", A.dir, B.dir);
	ok(rc == 3 && strstr(err, "rejected 1 of 2"),
	   "%s: B accepts 32 of the 64 MiB offered: exit 3, the move stays open", name);
	B.accept_blocks = 0;
	r2 = run("", "recover --wait=5");
	ok(r2 == 0 && consistent(0, 48, why, sizeof(why)),
	   "%s: recover offers B only the 32 MiB it lacks: 96 MiB on B in all (%s)", name, why);
	ok(run("", "list -m -a") == 0 && strstr(out, "\"done\""), "%s: the move is done", name);

	/* two moves at once for the same grant: serialized, one moves */
	reset(&A);
	reset(&B);
	snprintf(ledger, sizeof(ledger), "%s-%s-race", url_base, name);
	run("", "add -H a=%s -r 0 -o 0 -l 64M --wait=5", A.dir);
	p1 = fork();
	if (!p1)
		_exit(run("", "pool --from a=%s --to b=%s -l 64M --wait=5", A.dir, B.dir));
	p2 = fork();
	if (!p2)
		_exit(run("", "pool --from a=%s --to b=%s -l 64M --wait=5", A.dir, B.dir));
	waitpid(p1, &st, 0);
	r1 = WEXITSTATUS(st);
	waitpid(p2, &st, 0);
	r2 = WEXITSTATUS(st);
	ok(((r1 == 0 && r2 == 2) || (r1 == 2 && r2 == 0)) && consistent(0, 32, why, sizeof(why)),
	   "%s: two pools at once for one grant: one moves, the other finds nothing (%d %d, %s)",
	   name, r1, r2, why);

	/* two orchestrators moving in opposite directions at the same time */
	reset(&A);
	reset(&B);
	snprintf(ledger, sizeof(ledger), "%s-%s-replicas", url_base, name);
	run("", "add -H a=%s -r 0 -e 0:32M -e 64M:32M --wait=5", A.dir);
	run("", "add -H b=%s -r 0 -e 0:32M -e 64M:32M --wait=5", B.dir);
	p1 = fork();
	if (!p1) {
		int k, bad = 0;

		for (k = 0; k < 4; k++)
			bad += run("", "pool --from a=%s --to b=%s -l 32M --wait=5", A.dir,
				   B.dir) != 0;
		_exit(bad);
	}
	p2 = fork();
	if (!p2) {
		int k, bad = 0;

		for (k = 0; k < 4; k++)
			bad += run("", "pool --from b=%s --to a=%s -l 32M --wait=5", B.dir,
				   A.dir) != 0;
		_exit(bad);
	}
	waitpid(p1, &st, 0);
	r1 = WEXITSTATUS(st);
	waitpid(p2, &st, 0);
	r2 = WEXITSTATUS(st);
	rc = run("", "recover --wait=5");
	{
		int busy = 0, total = blocks(&A, &busy) + blocks(&B, &busy);

		ok(rc == 0 && total == 64 && consistent(-1, -1, why, sizeof(why)),
		   "%s: two orchestrators, 8 moves in opposite directions (%d + %d not done): "
		   "128 MiB in all, the ledger matches both devices (%s)", name, r1, r2, why);
	}
}

int main(void)
{
	struct etcd_srv srv;
	char base[300];
	int rc;

	bin = getenv("DCD_FM");
	if (!bin)
		bin = "./dcd-fm";
	snprintf(errf, sizeof(errf), "/tmp/dcd-fm-crash.%d.err", getpid());
	fake_start(&A);
	fake_start(&B);

	snprintf(base, sizeof(base), "/tmp/dcd-fm-crash.%d/ledger", getpid());
	backend("file", base);

	rc = etcd_start(&srv);
	if (rc == -1) {
		ok(1, "etcd ledger # SKIP etcd is not installed (etcd-server)");
	} else if (!ok(rc == 0, "a private etcd starts on 127.0.0.1:%d", srv.port)) {
		etcd_stop(&srv);
	} else {
		snprintf(base, sizeof(base), "etcd://127.0.0.1:%d/dcd-fm-test", srv.port);
		backend("etcd", base);
		etcd_stop(&srv);
	}
	fake_stop(&A);
	fake_stop(&B);
	snprintf(base, sizeof(base), "rm -rf /tmp/dcd-fm-crash.%d %s", getpid(), errf);
	if (system(base))
		return 1;
	return done();
}
