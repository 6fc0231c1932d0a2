// SPDX-License-Identifier: GPL-2.0
/*
 * dcdctl monitor on the fake tree: the uevent parser, per-extent decisions,
 * backoff, reconciliation with a fake backend (online by policy, offline of
 * release-pending extents, retries, give-up, a hanging offline killed after
 * its bound, released extents), conflict detection, and the CLI's exit
 * codes.
 */
#include "tap.h"
#include "fake.h"
#include "dcdctl.h"
#include "monitor.h"
#include "run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/signalfd.h>
#include <time.h>
#include <sys/wait.h>

static int uev(const char *msg, size_t len, struct dcd_uevent *ev)
{
	return dcd_uevent_parse(msg, len, ev);
}

#define UEV(s, ev) uev(s, sizeof(s), ev)	/* sizeof: with the final NUL */

/* ---- a backend whose offline can hang like offline_pages() on pinned pages ---- */
static struct fk_ops_state st;
static int hang;

static int hang_offline(struct dcd_ctx *ctx, const char *dax, int devdax)
{
	if (hang) {
		fk_w("hung", "1\n");	/* the attempt started */
		for (;;)
			pause();
	}
	return fk_ops.offline(ctx, dax, devdax);
}

static const struct dcd_dax_ops test_ops = { .online = fk_online, .offline = hang_offline };

static int64_t clock_ms;
static int64_t fake_now(void)
{
	return clock_ms;
}

static int64_t real_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static struct dcd_mon mon;
static FILE *mout;
static long pos;	/* of the next unread line in mout */

static void mon_init(const char *policy)
{
	FILE *f = fmemopen((void *)policy, strlen(policy), "r");
	char e[300];

	memset(&mon, 0, sizeof(mon));
	mon.conf = (struct dcd_mon_conf)DCD_MON_DEFAULTS;
	mon.conf.json = 1;
	mon.sigfd = -1;
	mon.now = fake_now;
	mout = tmpfile();
	pos = 0;
	mon.out = mout;
	if (!f || dcd_policy_parse(&mon.policy, f, "p.conf", e, sizeof(e)) ||
	    dcd_ctx_new(&mon.ctx, NULL))
		abort();
	fclose(f);
	dcd_set_dax_ops(mon.ctx, &test_ops, &st);
}

static void mon_fini(void)
{
	dcd_mon_release(&mon);
	fclose(mout);
}

/* the JSON lines written since the last call, as one array */
static struct json_object *lines(void)
{
	struct json_object *arr = json_object_new_array();
	char line[4096];

	fflush(mout);
	fseek(mout, pos, SEEK_SET);
	while (fgets(line, sizeof(line), mout)) {
		struct json_object *o = json_tokener_parse(line);

		if (!o)
			o = json_object_new_string(line);	/* fails every lookup */
		json_object_array_add(arr, o);
	}
	pos = ftell(mout);
	return arr;
}

static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

/* first line of the fake tree's file @rel, without its newline; 0 or -1 */
static int fk_r(const char *rel, char *buf, size_t len)
{
	FILE *f = fopen(fk_p("%s", rel), "r");
	int rc = f && fgets(buf, (int)len, f) ? 0 : -1;

	if (f)
		fclose(f);
	if (!rc)
		buf[strcspn(buf, "\n")] = '\0';
	return rc;
}

/* count lines with event/extent/result (NULL: any) */
static int count(struct json_object *arr, const char *event, const char *extent,
		 const char *result, struct json_object **last)
{
	size_t i;
	int n = 0;

	for (i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		const char *ev = str(o, "event"), *ex = str(o, "extent"), *r = str(o, "result");

		if ((!event || (ev && !strcmp(ev, event))) &&
		    (!extent || (ex && !strcmp(ex, extent))) &&
		    (!result || (r && !strcmp(r, result)))) {
			n++;
			if (last)
				*last = o;
		}
	}
	return n;
}

static struct dcd_extent *ext(const char *name)
{
	return dcd_find_extent(mon.ctx, name);
}

/* after an action in a child: the parent's view is re-read */
static struct dcd_extent *fresh(const char *name)
{
	if (dcd_refresh(mon.ctx))
		abort();
	return ext(name);
}

static int n_warn;
static void count_warn(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
	n_warn++;
}

/* one datagram from fd within 60 s (a bound for a hang, not a timing check) */
static const char *notify_msg(int fd)
{
	static char buf[256];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	buf[0] = '\0';
	if (poll(&p, 1, 60000) == 1 && (n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0)
		buf[n] = '\0';
	return buf;
}

/* the daemon under systemd's Type=notify: READY=1 when it listens, STOPPING=1 */
static void notify_test(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *bin = getenv("DCDCTL");
	char pol[300];
	int fd, st = -1;
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify", fk_root);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		abort();
	snprintf(pol, sizeof(pol), "%s/ignore.conf", fk_root);
	fflush(stdout);
	pid = fork();
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		setenv("NOTIFY_SOCKET", sa.sun_path, 1);
		execl(bin ? bin : "./dcdctl", "dcdctl", "monitor", "--policy", pol, (char *)NULL);
		_exit(127);
	}
	ok(!strcmp(notify_msg(fd), "READY=1\nSTATUS=watching uevents"),
	   "daemon: READY=1 on $NOTIFY_SOCKET once it listens and has reconciled");
	kill(pid, SIGTERM);
	ok(!strcmp(notify_msg(fd), "STOPPING=1"), "daemon: STOPPING=1 on SIGTERM");
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "daemon: exit 0 after SIGTERM");
	close(fd);
}

int main(void)
{
	struct json_object *a, *o = NULL;
	struct dcd_uevent ev;
	struct dcd_mon_ext m = { 0 };
	const struct dcd_pol_rule *r;
	int64_t next;
	int rc;

	/* ---- uevents ---- */
	rc = UEV("change@/devices/platform/ACPI0017:00/root0/port1/endpoint2/region0/dax_region0/"
		 "extent0.1\0ACTION=change\0DEVPATH=/devices/platform/ACPI0017:00/root0/port1/"
		 "endpoint2/region0/dax_region0/extent0.1\0SUBSYSTEM=cxl\0DEVTYPE=cxl_dcd_extent\0"
		 "DCD_STATE=release-pending\0SEQNUM=4711", &ev);
	ok(rc == 0 && !strcmp(ev.action, "change") && !strcmp(ev.subsystem, "cxl") &&
	   !strcmp(ev.name, "extent0.1") && !strcmp(ev.dcd_state, "release-pending") &&
	   ev.seqnum == 4711 && dcd_uevent_relevant(&ev),
	   "extent change uevent: action, name, DCD_STATE, seqnum; relevant");
	rc = UEV("add@/devices/platform/x/dax2.0\0ACTION=add\0DEVPATH=/devices/platform/x/dax2.0\0"
		 "SUBSYSTEM=dax\0SEQNUM=5", &ev);
	ok(rc == 0 && !strcmp(ev.name, "dax2.0") && dcd_uevent_relevant(&ev),
	   "dax add uevent: relevant");
	rc = UEV("online@/devices/system/memory/memory40\0ACTION=online\0"
		 "DEVPATH=/devices/system/memory/memory40\0SUBSYSTEM=memory\0SEQNUM=6", &ev);
	ok(rc == 0 && !dcd_uevent_relevant(&ev), "memory block uevent: parsed, not relevant");
	rc = UEV("add@/module/cxl_dcd\0ACTION=add\0DEVPATH=/module/cxl_dcd\0SUBSYSTEM=module", &ev);
	ok(rc == 0 && dcd_uevent_relevant(&ev), "module cxl_dcd add: relevant");
	rc = UEV("add@/devices/x/mem0\0DEVPATH=/devices/x/mem0\0SUBSYSTEM=cxl", &ev);
	ok(rc == 0 && dcd_uevent_relevant(&ev), "memdev add: relevant");
	rc = UEV("add@/devices/x/port1\0DEVPATH=/devices/x/port1\0SUBSYSTEM=cxl", &ev);
	ok(rc == 0 && !dcd_uevent_relevant(&ev), "cxl port add: not relevant");
	ok(UEV("libudev\0\xfe\xed\xca\xfe", &ev) == -EINVAL, "libudev-format message: rejected");
	ok(UEV("add/devices/x\0DEVPATH=/devices/x", &ev) == -EINVAL, "header without '@': rejected");
	ok(UEV("add@/devices/x\0SUBSYSTEM=cxl", &ev) == -EINVAL, "no DEVPATH: rejected");
	ok(UEV("add@/devices/x\0DEVPATH=devices/x", &ev) == -EINVAL, "relative DEVPATH: rejected");
	ok(uev("add@/devices/x", 14, &ev) == -EINVAL, "header not NUL-terminated: rejected");
	ok(UEV("add@/devices/x\0DEVPATH=/devices/x\0SEQNUM=12a", &ev) == -EINVAL,
	   "bad SEQNUM: rejected");
	ok(UEV("verylongactionname@/x\0DEVPATH=/x", &ev) == -EINVAL, "over-long action: rejected");
	{
		char big[600];
		size_t n = (size_t)snprintf(big, sizeof(big), "add@/x%cSUBSYSTEM=", 0);

		memset(big + n, 'a', 100);
		n += 100;
		big[n++] = '\0';
		n += (size_t)snprintf(big + n, sizeof(big) - n, "DEVPATH=/x") + 1;
		ok(uev(big, n, &ev) == -EINVAL, "over-long SUBSYSTEM value: rejected");
	}
	ok(uev("", 0, &ev) == -EINVAL, "empty message: rejected");

	/* ---- backoff ---- */
	mon.conf = (struct dcd_mon_conf)DCD_MON_DEFAULTS;
	ok(dcd_mon_backoff_ms(&mon.conf, 1) == 1000 && dcd_mon_backoff_ms(&mon.conf, 2) == 2000 &&
	   dcd_mon_backoff_ms(&mon.conf, 4) == 8000 && dcd_mon_backoff_ms(&mon.conf, 6) == 32000 &&
	   dcd_mon_backoff_ms(&mon.conf, 7) == 60000 && dcd_mon_backoff_ms(&mon.conf, 50) == 60000,
	   "backoff: 1 s doubling, capped at 60 s");

	/* ---- decisions ---- */
	fk_build();
	mon_init("devdax tag=" TAG2 "\nsystem-ram min-size=128M\n");
	ok(dcd_mon_decide(ext("extent0.2"), NULL, &mon.policy, 0, &r) == DCD_MON_DEVDAX &&
	   r && r->line == 1, "tagged extent0.2: devdax (rule 1)");
	ok(dcd_mon_decide(ext("extent0.1"), NULL, &mon.policy, 0, &r) == DCD_MON_ONLINE &&
	   r && r->line == 2, "extent0.1: online (rule 2)");
	ok(dcd_mon_decide(ext("extent0.4"), NULL, &mon.policy, 0, &r) == DCD_MON_IGNORE && !r,
	   "2 MiB extent0.4: no rule matches -> ignore");
	m.handled = 1;
	ok(dcd_mon_decide(ext("extent0.1"), &m, &mon.policy, 0, NULL) == DCD_MON_NOTHING,
	   "handled extent: nothing");
	m.handled = 0;
	m.next_ms = 500;
	ok(dcd_mon_decide(ext("extent0.1"), &m, &mon.policy, 100, NULL) == DCD_MON_WAIT &&
	   dcd_mon_decide(ext("extent0.1"), &m, &mon.policy, 500, NULL) == DCD_MON_ONLINE,
	   "online backing off: wait until next_ms");
	m.next_ms = 0;
	ok(dcd_mon_decide(ext("extent0.3"), NULL, &mon.policy, 0, NULL) == DCD_MON_OFFLINE,
	   "release-pending extent0.3 with memory online: offline");
	m.state = DCD_EXT_RELEASE_PENDING;
	m.next_ms = 500;
	ok(dcd_mon_decide(ext("extent0.3"), &m, &mon.policy, 100, NULL) == DCD_MON_WAIT,
	   "offline backing off: wait");
	m.gave_up = 1;
	ok(dcd_mon_decide(ext("extent0.3"), &m, &mon.policy, 1000, NULL) == DCD_MON_NOTHING,
	   "offline given up: nothing");
	mon_fini();
	/* no DAX device yet; release-pending devdax; orphan */
	fk_extent(4, 4 * BLK, BLK, NULLUUID, "accepted", -1);
	fk_extent(3, 2 * BLK, 2 * BLK, NULLUUID, "release-pending", 4);
	fk_dax(4, HPA0 + 2 * BLK, 2 * BLK, "device_dax");
	fk_rm_rf(fk_p(MEMD "memory514"));
	fk_rm_rf(fk_p(MEMD "memory515"));
	mon_init("system-ram\n");
	ok(dcd_mon_decide(ext("extent0.4"), NULL, &mon.policy, 0, NULL) == DCD_MON_WAIT,
	   "no DAX device yet: wait");
	ok(dcd_mon_decide(ext("extent0.3"), NULL, &mon.policy, 0, NULL) == DCD_MON_NOTHING,
	   "release-pending, already devdax: nothing (the kernel completes it)");
	{
		struct dcd_extent orphan = { .state = DCD_EXT_ORPHAN };

		ok(dcd_mon_decide(&orphan, NULL, &mon.policy, 0, NULL) == DCD_MON_NOTHING,
		   "orphan: nothing");
	}
	mon_fini();

	/* ---- reconcile: policy applied once, offline for the release ---- */
	fk_build();
	mon_init("system-ram min-size=128M\n");
	st.calls = 0;
	rc = dcd_mon_reconcile(&mon, &next);
	a = lines();
	ok(rc == 0 && next == INT64_MAX && count(a, "extent", NULL, NULL, NULL) == 4,
	   "reconcile: 4 extents reported (rc %d)", rc);
	ok(count(a, "online", "extent0.1", "already", NULL) == 1,
	   "extent0.1 already online movable: reported 'already'");
	ok(count(a, "online", "extent0.2", "ok", &o) == 1 && str(o, "timestamp") &&
	   !strcmp(str(o, "memdev"), "mem0") && !strcmp(str(o, "region"), "region0") &&
	   !strcmp(str(o, "dax"), "dax3.0") && !strcmp(str(o, "action"), "online-movable") &&
	   !strcmp(str(o, "tag"), TAG2), "extent0.2 onlined: JSON with timestamp, memdev, region, "
	   "dax, tag, action, result");
	ok(count(a, "offline", "extent0.3", "ok", NULL) == 1,
	   "release-pending extent0.3 offlined (in a child)");
	ok(count(a, "policy", "extent0.4", NULL, NULL) == 1, "extent0.4 (2 MiB): ignore reported");
	ok(fresh("extent0.2")->mem.mode == DCD_MODE_SYSTEM_RAM &&
	   ext("extent0.3")->mem.mode == DCD_MODE_DISABLED && !ext("extent0.3")->mem.blocks_present,
	   "sysfs after: extent0.2 system-ram, extent0.3 unbound (kmem let go, no device_dax), "
	   "no memory blocks");
	json_object_put(a);
	rc = dcd_mon_reconcile(&mon, &next);
	a = lines();
	ok(rc == 0 && json_object_array_length(a) == 0, "reconcile again: nothing to do, silent");
	json_object_put(a);
	/* the kernel completes the release: the extent goes */
	fk_rm_rf(fk_p(CXL "dax_region0/extent0.3"));
	rc = dcd_mon_reconcile(&mon, &next);
	a = lines();
	ok(rc == 0 && count(a, "removed", "extent0.3", "released", NULL) == 1,
	   "extent gone after release: 'removed', result 'released'");
	json_object_put(a);
	/* an admin offlines extent0.2: the monitor does not fight it */
	fk_offline(mon.ctx, "dax3.0", 1);
	rc = dcd_mon_reconcile(&mon, &next);
	a = lines();
	ok(rc == 0 && json_object_array_length(a) == 0 &&
	   fresh("extent0.2")->mem.mode == DCD_MODE_DEVDAX,
	   "handled extent offlined by the admin: left alone");
	json_object_put(a);
	/* the fabric releases extent0.1 (online): a new cycle */
	fk_extent(1, 0x0, BLK, NULLUUID, "release-pending", 2);
	rc = dcd_mon_reconcile(&mon, &next);
	a = lines();
	ok(rc == 0 && count(a, "state", "extent0.1", NULL, &o) == 1 &&
	   !strcmp(str(o, "state"), "release-pending") &&
	   count(a, "offline", "extent0.1", "ok", NULL) == 1,
	   "accepted -> release-pending: state event, offlined");
	json_object_put(a);
	mon_fini();

	/* ---- busy memory: retries with backoff, give up after the bound ---- */
	fk_build();
	mon_init("system-ram\n");
	mon.conf.retries = 3;
	clock_ms = 1000;
	st.fail = -EBUSY;
	rc = dcd_mon_reconcile(&mon, &next);
	a = lines();
	ok(rc == 0 && count(a, "offline", "extent0.3", "retry", &o) == 1 &&
	   json_object_get_int(json_object_object_get(o, "attempt")) == 1 &&
	   json_object_get_int(json_object_object_get(o, "retry_in_ms")) == 1000 &&
	   strstr(str(o, "message"), "memory busy") && next == 2000,
	   "busy: retry reported (attempt 1, retry in 1000 ms, message), wake-up at +1 s");
	json_object_put(a);
	clock_ms = 1500;
	rc = dcd_mon_reconcile(&mon, &next);
	a = lines();
	ok(rc == 0 && !count(a, "offline", NULL, NULL, NULL) && next == 2000,
	   "before the backoff expires: no attempt");
	json_object_put(a);
	clock_ms = 2000;
	dcd_mon_reconcile(&mon, &next);
	a = lines();
	ok(count(a, "offline", "extent0.3", "retry", &o) == 1 &&
	   json_object_get_int(json_object_object_get(o, "retry_in_ms")) == 2000 && next == 4000,
	   "attempt 2 fails: retry in 2000 ms");
	json_object_put(a);
	clock_ms = 4000;
	dcd_mon_reconcile(&mon, &next);
	a = lines();
	ok(count(a, "offline", "extent0.3", "gave-up", NULL) == 1 && mon.gave_up == 1 &&
	   next == INT64_MAX, "attempt 3 of 3 fails: gave up, reported");
	json_object_put(a);
	clock_ms = 100000;
	st.fail = 0;
	dcd_mon_reconcile(&mon, &next);
	a = lines();
	ok(!count(a, "offline", NULL, NULL, NULL) &&
	   fresh("extent0.3")->mem.mode == DCD_MODE_SYSTEM_RAM, "after giving up: left alone");
	json_object_put(a);
	mon_fini();
	/* pin dropped within the bound: the release completes */
	fk_build();
	mon_init("system-ram\n");
	st.fail = -EBUSY;
	clock_ms = 0;
	dcd_mon_reconcile(&mon, &next);
	st.fail = 0;
	clock_ms = next;
	dcd_mon_reconcile(&mon, &next);
	a = lines();
	ok(count(a, "offline", "extent0.3", "ok", &o) == 1 &&
	   json_object_get_int(json_object_object_get(o, "attempt")) == 2 &&
	   fresh("extent0.3")->mem.mode == DCD_MODE_DISABLED,
	   "busy, then free: attempt 2 offlines it (kmem unbound, no device_dax)");
	json_object_put(a);
	mon_fini();

	/* ---- a hanging offline is killed after its bound ---- */
	fk_build();
	mon_init("system-ram\n");
	/* the attempt's deadline needs a clock that moves */
	mon.now = real_now;
	hang = 1;
	mon.conf.offline_timeout_ms = 300;
	rc = dcd_mon_reconcile(&mon, &next);
	a = lines();
	ok(rc == 0 && count(a, "offline", "extent0.3", "retry", &o) == 1 &&
	   strstr(str(o, "message"), "did not finish within 300 ms"),
	   "hanging offline: child killed after 300 ms, retry reported: \"%s\"",
	   o ? str(o, "message") : "");
	json_object_put(a);
	ok(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "no child left behind");
	/* a signal for the monitor (SIGTERM) interrupts the attempt at once */
	{
		sigset_t ss;
		int64_t t0;
		pid_t helper;

		sigemptyset(&ss);
		sigaddset(&ss, SIGUSR1);
		sigprocmask(SIG_BLOCK, &ss, NULL);
		mon.sigfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
		mon.conf.offline_timeout_ms = 60000;
		for (int i = 0; i < mon.nr_ext; i++)
			mon.ext[i].next_ms = 0;
		unlink(fk_p("hung"));
		/* a helper signals us once the attempt hangs */
		helper = fork();
		if (!helper) {
			for (int i = 0; i < 3000 && access(fk_p("hung"), F_OK); i++)
				usleep(10000);
			kill(getppid(), SIGUSR1);
			_exit(0);
		}
		t0 = real_now();
		rc = dcd_mon_reconcile(&mon, &next);
		waitpid(helper, NULL, 0);
		a = lines();
		ok(rc == 0 && real_now() - t0 < 30000 && !count(a, "offline", NULL, NULL, NULL) &&
		   !access(fk_p("hung"), F_OK) &&
		   waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
		   "signal during a hanging attempt: child killed, attempt not counted, no event");
		json_object_put(a);
		close(mon.sigfd);
		mon.sigfd = -1;
	}
	hang = 0;
	mon_fini();

	/* ---- kmem at once ---- */
	{
		const char *par = "sys/module/cxl_dcd/parameters/kmem";
		struct json_object *a;
		char v[8];

#define PAR() (fk_r(par, v, sizeof(v)) ? "?" : v)
		fk_build();
		fk_w(par, "N\n");
		mon_init("system-ram zone=normal\n");
		ok(!dcd_mon_kmem_wanted(&mon), "no auto_online_blocks: not wanted");
		fk_w(MEMD "auto_online_blocks", "online\n");
		ok(!dcd_mon_kmem_wanted(&mon), "auto_online_blocks online: not wanted");
		fk_w(MEMD "auto_online_blocks", "offline\n");
		ok(dcd_mon_kmem_wanted(&mon), "policy onlines all, blocks added offline: wanted");
		mon.conf.no_kmem_at_once = 1;
		ok(!dcd_mon_kmem_wanted(&mon), "--no-kmem-at-once: not wanted");
		mon.conf.no_kmem_at_once = 0;
		mon.conf.once = 1;
		ok(!dcd_mon_kmem_wanted(&mon), "--once: not wanted");
		mon.conf.once = 0;
		dcd_mon_kmem_sync(&mon, 1);
		a = lines();
		ok(!strcmp(PAR(), "Y") && mon.kmem_set && count(a, "kmem-at-once", NULL, "on", NULL) == 1,
		   "sync(wanted): kmem=Y written, one kmem-at-once on event");
		json_object_put(a);
		dcd_mon_kmem_sync(&mon, 1);
		a = lines();
		ok(!strcmp(PAR(), "Y") && !json_object_array_length(a), "again: nothing written, no event");
		json_object_put(a);
		fk_w(par, "N\n");	/* the module was loaded again */
		dcd_mon_kmem_sync(&mon, 1);
		ok(!strcmp(PAR(), "Y"), "module reloaded (kmem=N): set again");
		dcd_mon_kmem_sync(&mon, 0);
		a = lines();
		ok(!strcmp(PAR(), "N") && !mon.kmem_set && count(a, "kmem-at-once", NULL, "off", NULL) == 1,
		   "sync(not wanted): put back to N, kmem-at-once off event");
		json_object_put(a);
		fk_w(par, "Y\n");	/* the admin's own setting */
		dcd_mon_kmem_sync(&mon, 0);
		ok(!strcmp(PAR(), "Y"), "kmem=Y the monitor did not set is left alone");
		unlink(fk_p("%s", par));
		dcd_mon_kmem_sync(&mon, 1);
		ok(!mon.kmem_set && access(fk_p("%s", par), F_OK), "cxl_dcd not loaded: nothing created");
		/* a write that fails (reads as "", ENOSPC on write), even as root */
		if (symlink("/dev/full", fk_p("%s", par)))
			abort();
		json_object_put(lines());
		dcd_mon_kmem_sync(&mon, 1);
		dcd_mon_kmem_sync(&mon, 1);
		a = lines();
		ok(!mon.kmem_set && count(a, "kmem-at-once", NULL, "failed", NULL) == 1 &&
		   strstr(json_object_to_json_string(a), "No space left"),
		   "parameter write fails: nothing set, one failed event with the reason (not repeated)");
		json_object_put(a);
		unlink(fk_p("%s", par));
		mon_fini();
		mon_init("devdax tag=" TAG2 "\nsystem-ram\n");
		ok(!dcd_mon_kmem_wanted(&mon), "a devdax rule in the policy: not wanted");
		mon_fini();
#undef PAR
	}

	/* ---- competing auto-online policies ---- */
	fk_build();
	n_warn = 0;
	ok(dcd_mon_conflicts(fk_root, count_warn, NULL) == 0 && !n_warn,
	   "no auto_online_blocks, no rules: no warning");
	fk_w(MEMD "auto_online_blocks", "offline\n");
	ok(dcd_mon_conflicts(fk_root, count_warn, NULL) == 0, "auto_online_blocks offline: fine");
	fk_w(MEMD "auto_online_blocks", "online_movable\n");
	ok(dcd_mon_conflicts(fk_root, count_warn, NULL) == 1,
	   "auto_online_blocks online_movable: warning");
	fk_w(MEMD "auto_online_blocks", "offline\n");
	fk_w("etc/udev/rules.d/40-redhat.rules",
	     "# SUBSYSTEM==\"memory\", ATTR{state}=\"online\"\n"
	     "SUBSYSTEM==\"cpu\", ACTION==\"add\", ATTR{online}=\"1\"\n"
	     "SUBSYSTEM==\"memory\", ACTION==\"add\", ATTR{state}==\"offline\", "
	     "ATTR{state}=\"online\"\n");
	fk_w("usr/lib/udev/rules.d/80-mem.rules",
	     "SUBSYSTEM==\"memory\", ACTION==\"add\", RUN+=\"/bin/sh -c 'echo online > "
	     "/sys$devpath/state'\"\n");
	fk_w("lib/udev/rules.d/50-other.rules", "SUBSYSTEM==\"memory\", GROUP=\"kvm\"\n");
	fk_w("run/udev/rules.d/memory.txt", "SUBSYSTEM==\"memory\", ATTR{state}=\"online\"\n");
	ok(dcd_mon_conflicts(fk_root, count_warn, NULL) == 2,
	   "udev: ATTR{state}=\"online\" and RUN ... online found; comments, other "
	   "subsystems, other files ignored");

	/* ---- the CLI ---- */
	fk_w("bad.conf", "# x\nsystem-ram zone=sideways\n");
	{
		char args[600];

		snprintf(args, sizeof(args), "monitor --once --policy %s/bad.conf", fk_root);
		rc = dcdctl("%s", args);
		ok(rc == DCD_EXIT_POLICY && strstr(err, "dcdctl: ") == err &&
		   strstr(err, "/bad.conf:2: unknown zone 'sideways'") && !strchr(err, '\n')[1],
		   "bad policy line: exit 9, one line \"%.70s\"", err);
		snprintf(args, sizeof(args), "monitor --once --policy %s/nope.conf", fk_root);
		rc = dcdctl("%s", args);
		ok(rc == DCD_EXIT_POLICY && strstr(err, "nope.conf: No such file"),
		   "--policy FILE missing: exit 9");
		fk_w("ignore.conf", "ignore\n");
		fk_extent(3, 2 * BLK, 2 * BLK, NULLUUID, "accepted", 4);
		snprintf(args, sizeof(args), "monitor --once --strict --policy %s/ignore.conf",
			 fk_root);
		rc = dcdctl("%s", args);
		ok(rc == DCD_EXIT_CONFLICT && strstr(err, "40-redhat.rules:3") &&
		   strstr(err, "80-mem.rules:1"), "--strict with competing udev rules: exit 10");
		snprintf(args, sizeof(args), "monitor --once --json --policy %s/ignore.conf",
			 fk_root);
		rc = dcdctl("%s", args);
		a = json_tokener_parse(strchr(out, '\n') ? strrchr(out, '{') : "x");
		ok(rc == 0 && strstr(err, "warning: /etc/udev/rules.d/40-redhat.rules:3") &&
		   strstr(out, "\"event\":\"warning\"") && strstr(out, "\"event\":\"start\"") &&
		   strstr(out, "\"action\":\"ignore\"") && a,
		   "--once --json: warnings, start and policy events, exit 0 (%d)", rc);
		json_object_put(a);
		rc = dcdctl("monitor --once --policy /dev/null");
		ok(rc == 0 && strstr(out, "no rule in /dev/null matches"),
		   "empty policy: everything ignored, text output");
	}
	rc = dcdctl("monitor --bogus");
	ok(rc == DCD_EXIT_USAGE, "unknown option: exit 2");
	rc = dcdctl("monitor --retries 0");
	ok(rc == DCD_EXIT_USAGE && strstr(err, "--retries"), "--retries 0: exit 2");
	rc = dcdctl("monitor --offline-timeout soon");
	ok(rc == DCD_EXIT_USAGE, "--offline-timeout soon: exit 2");
	rc = dcdctl("monitor extra");
	ok(rc == DCD_EXIT_USAGE, "unexpected argument: exit 2");
	rc = dcdctl("monitor --help");
	ok(rc == 0 && strstr(out, "--offline-timeout"), "--help: exit 0");
	notify_test();
	fk_rm_rf(fk_p("sys/module/cxl_dcd"));
	rc = dcdctl("monitor --once --policy /dev/null");
	ok(rc == DCD_EXIT_NOMODULE && strstr(err, "not loaded"), "no module: exit 3");
	fk_cleanup();
	return done();
}
