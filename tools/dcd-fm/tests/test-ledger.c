// SPDX-License-Identifier: GPL-2.0
/* dcd-fm: ledger write/reload, atomicity, corrupt files, locking */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ledger.h"
#include "tap.h"

static char dir[] = "/tmp/dcd-fm-ledger.XXXXXX";

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static struct fm_grant *grant(struct fm_ledger *l, const char *host, uint64_t dpa, uint64_t len,
			      enum fm_gstate s)
{
	struct fm_grant *g = fm_ledger_new(l);

	snprintf(g->host, sizeof(g->host), "%s", host);
	snprintf(g->workdir, sizeof(g->workdir), "/w/%s", host);
	snprintf(g->device, sizeof(g->device), "cxl-dcd0");
	g->dpa = g->offset = dpa;
	g->len = len;
	g->state = s;
	return g;
}

int main(void)
{
	struct fm_ledger l, m;
	struct fm_err e = { "" };
	char path[300], tmp[320], lock[320], *before;
	struct fm_grant *g;
	int i, rc, st;
	pid_t pid;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/sub/ledger.json", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	snprintf(lock, sizeof(lock), "%s.lock", path);

	fm_ledger_init(&l, path);
	ok(fm_ledger_begin(&l, 1, &e) == 0 && l.n == 0, "a missing ledger loads as empty "
	   "(directories created)");
	grant(&l, "a", 0, 256 << 20, G_ACCEPTED)->host_id = 3;
	grant(&l, "b", 0, 128 << 20, G_OFFERED);
	grant(&l, "a", 256 << 20, 2 << 20, G_RELEASE_PENDING);
	ok(fm_ledger_commit(&l, &e) == 0 && access(tmp, F_OK) && !access(path, F_OK),
	   "commit writes the file and leaves no temporary behind");

	fm_ledger_init(&m, path);
	rc = fm_ledger_begin(&m, 1, &e);
	fm_ledger_unlock(&m);
	ok(rc == 0 && m.n == 3 && m.next_id == 4, "reload finds every grant and the next id");
	g = fm_ledger_get(&m, 1);
	ok(g && !strcmp(g->host, "a") && g->len == 256 << 20 && g->host_id == 3 &&
	   g->state == G_ACCEPTED && !strcmp(g->workdir, "/w/a"), "a grant round-trips field by field");
	g = fm_ledger_get(&m, 3);
	ok(g && g->state == G_RELEASE_PENDING, "release-pending survives a reload");

	ok(fm_ledger_overlap(&m, "/w/a", "cxl-dcd0", 254 << 20, 4 << 20) == fm_ledger_get(&m, 1),
	   "overlap finds an active grant of the same device");
	ok(!fm_ledger_overlap(&m, "/w/a", "cxl-dcd1", 0, 2 << 20),
	   "another device of the same host does not overlap");
	ok(!fm_ledger_overlap(&m, "/w/a", "cxl-dcd0", 258 << 20, 2 << 20),
	   "adjacent capacity does not overlap");
	fm_grant_set_state(fm_ledger_get(&m, 1), G_RELEASED);
	ok(!fm_ledger_overlap(&m, "/w/a", "cxl-dcd0", 0, 2 << 20),
	   "released capacity is free again");
	fm_ledger_free(&m);

	/* a killed writer: a half-written temporary must not matter */
	before = strdup(slurp(path));
	put(tmp, "{\"version\": 1, \"grants\": [ {\"id\"");
	fm_ledger_init(&m, path);
	rc = fm_ledger_begin(&m, 1, &e);
	ok(rc == 0 && m.n == 3, "a leftover partial temporary file (killed writer) is ignored");
	ok(fm_ledger_commit(&m, &e) == 0 && !strcmp(slurp(path), before),
	   "the next commit replaces the leftover and keeps the content");
	fm_ledger_free(&m);

	/* a writer killed between fsync and rename, simulated in a child */
	pid = fork();
	if (!pid) {
		fm_ledger_init(&m, path);
		fm_ledger_begin(&m, 1, &e);
		grant(&m, "c", 512 << 20, 2 << 20, G_ADDING);
		fm_ledger_save(&m, &e);
		_exit(0);	/* killed with the lock held: the kernel drops it */
	}
	waitpid(pid, &st, 0);
	fm_ledger_init(&m, path);
	rc = fm_ledger_begin(&m, 2, &e);
	fm_ledger_unlock(&m);
	ok(rc == 0 && m.n == 4 && fm_ledger_get(&m, 4)->state == G_ADDING,
	   "an exited process's lock is gone and its intent (adding) is on disk");
	fm_ledger_free(&m);

	/* corrupt files */
	{
		static const char *const bad[] = {
			"", "not json", "[]", "{\"version\": 2, \"next_id\": 1, \"grants\": []}",
			"{\"version\": 1, \"next_id\": 2, \"grants\": [{\"id\": 1}]}",
			"{\"version\": 1, \"next_id\": 1, \"grants\": [{\"id\": 1, \"host\": \"a\", "
			"\"workdir\": \"/w\", \"device\": \"d\", \"host_id\": 0, \"region\": 0, "
			"\"offset\": 0, \"length\": 2097152, \"dpa\": 0, \"state\": \"accepted\"}]}",
			"{\"version\": 1, \"next_id\": 5, \"grants\": [{\"id\": 1, \"host\": \"a\", "
			"\"workdir\": \"/w\", \"device\": \"d\", \"host_id\": 0, \"region\": 0, "
			"\"offset\": 0, \"length\": 2097152, \"dpa\": 0, \"state\": \"bogus\"}]}",
			"{\"version\": 1, \"next_id\": 5, \"grants\": [{\"id\": 1, \"host\": \"a\", "
			"\"workdir\": \"/w\", \"device\": \"d\", \"host_id\": 0, \"region\": 0, "
			"\"offset\": 0, \"length\": -1, \"dpa\": 0, \"state\": \"accepted\"}]}",
		};
		static const char *const why[] = {
			"empty", "not JSON", "not an object", "unknown version", "a grant without fields",
			"an id not below next_id", "an unknown state", "a negative length",
		};

		for (i = 0; i < 8; i++) {
			put(path, bad[i]);
			fm_ledger_init(&m, path);
			rc = fm_ledger_begin(&m, 1, &e);
			ok(rc == -EBADMSG && strstr(e.msg, "corrupt") && m.lockfd < 0 &&
			   !strcmp(slurp(path), bad[i]),
			   "a corrupt ledger (%s) is refused and left untouched", why[i]);
		}
	}

	/* locking: a second run waits, then gives up with EBUSY */
	put(path, before);
	pid = fork();
	if (!pid) {
		int fd = open(lock, O_RDWR);

		flock(fd, LOCK_EX);
		sleep(2);
		_exit(0);
	}
	usleep(300000);
	fm_ledger_init(&m, path);
	rc = fm_ledger_begin(&m, 0.3, &e);
	ok(rc == -EBUSY && strstr(e.msg, "locked"), "a held lock makes another run give up "
	   "after its lock timeout");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	rc = fm_ledger_begin(&m, 1, &e);
	fm_ledger_unlock(&m);
	ok(rc == 0 && m.n == 3, "the lock of a killed holder is free at once");
	fm_ledger_free(&m);

	/* pruning keeps active grants */
	fm_ledger_init(&m, path);
	for (i = 0; i < FM_LEDGER_KEEP + 10; i++)
		grant(&m, "p", (uint64_t)i << 21, 2 << 20, G_RELEASED);
	grant(&m, "p", 0, 2 << 20, G_ACCEPTED);
	fm_ledger_prune(&m);
	ok(m.n == FM_LEDGER_KEEP + 1 && m.g[m.n - 1].state == G_ACCEPTED,
	   "pruning drops the oldest terminal grants and keeps active ones");
	fm_ledger_free(&m);
	ok(fm_gstate_parse("release-requested") == G_RELEASE_REQUESTED &&
	   fm_gstate_parse("nope") < 0, "state names parse");
	free(before);
	fm_ledger_free(&l);
	snprintf(tmp, sizeof(tmp), "rm -rf %s", dir);
	if (system(tmp))
		return 1;
	return done();
}
