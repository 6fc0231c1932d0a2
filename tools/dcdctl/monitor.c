// SPDX-License-Identifier: GPL-2.0
/*
 * dcdctl monitor: the auto-online daemon.
 *
 * Waits on kernel uevents (a NETLINK_KOBJECT_UEVENT socket: the guest and
 * many hosts run no udevd) and, on every event about an extent or a DAX
 * device, and every --interval seconds as a safety net, reconciles: it
 * re-reads sysfs through libdcd and
 *   - applies the policy (policy.c) once to each accepted extent it has not
 *     handled yet: online as system RAM (libdcd + libdaxctl, as `dcdctl
 *     online`), leave as devdax, or ignore;
 *   - offlines the memory of each release-pending extent and gives its DAX
 *     device back to device_dax, so the kernel completes the release.
 * Restart-safe: a fresh start handles everything it finds the same way.
 *
 * Offlining can block in the kernel for as long as pages cannot be migrated
 * (offline_pages() loops until a signal is pending), so each attempt runs in
 * a child that is killed after --offline-timeout; failed attempts are
 * retried with exponential backoff and given up after --retries.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dcdctl.h"
#include "monitor.h"
#include "notify.h"

/* ---- uevents ---- */

int dcd_uevent_parse(const char *buf, size_t len, struct dcd_uevent *ev)
{
	const char *p = buf, *end = buf + len, *at, *slash;
	size_t n;

	memset(ev, 0, sizeof(*ev));
	if (!len || len > 8192)
		return -EINVAL;
	/* header "ACTION@DEVPATH"; the libudev format starts with "libudev" */
	n = strnlen(p, len);
	if (n == len)
		return -EINVAL;
	at = memchr(p, '@', n);
	if (!at || at == p || (size_t)(at - p) >= sizeof(ev->action) || at[1] != '/')
		return -EINVAL;
	memcpy(ev->action, p, (size_t)(at - p));
	p += n + 1;
	while (p < end) {
		const char *val;

		n = strnlen(p, (size_t)(end - p));
		val = memchr(p, '=', n);
		if (val) {
			size_t kl = (size_t)(val - p), vl = n - kl - 1;

			val++;
#define KEY(k, dst) \
			if (kl == sizeof(k) - 1 && !memcmp(p, k, kl)) { \
				if (vl >= sizeof(dst)) \
					return -EINVAL; \
				memcpy(dst, val, vl); \
				dst[vl] = '\0'; \
			}
			KEY("ACTION", ev->action)
			KEY("DEVPATH", ev->devpath)
			KEY("SUBSYSTEM", ev->subsystem)
			KEY("DCD_STATE", ev->dcd_state)
#undef KEY
			if (kl == 6 && !memcmp(p, "SEQNUM", 6)) {
				char num[24], *e;

				if (!vl || vl >= sizeof(num))
					return -EINVAL;
				memcpy(num, val, vl);
				num[vl] = '\0';
				ev->seqnum = strtoull(num, &e, 10);
				if (*e)
					return -EINVAL;
			}
		}
		p += n + 1;
	}
	if (!ev->devpath[0] || ev->devpath[0] != '/')
		return -EINVAL;
	slash = strrchr(ev->devpath, '/');
	snprintf(ev->name, sizeof(ev->name), "%s", slash + 1);
	return 0;
}

int dcd_uevent_relevant(const struct dcd_uevent *ev)
{
	if (!strcmp(ev->subsystem, "cxl"))
		return !strncmp(ev->name, "extent", 6) || !strncmp(ev->name, "dax_region", 10) ||
		       !strncmp(ev->name, "mem", 3);
	if (!strcmp(ev->subsystem, "dax"))
		return !strncmp(ev->name, "dax", 3);
	if (!strcmp(ev->subsystem, "module"))
		return !strcmp(ev->name, "cxl_dcd");
	return 0;
}

/* ---- decisions ---- */

const char *dcd_mon_decision_name(enum dcd_mon_decision d)
{
	static const char *const n[] = { "nothing", "wait", "online", "devdax", "ignore",
					 "offline" };

	return (unsigned int)d < sizeof(n) / sizeof(n[0]) ? n[d] : "?";
}

enum dcd_mon_decision dcd_mon_decide(const struct dcd_extent *e, const struct dcd_mon_ext *m,
				     const struct dcd_policy *p, int64_t now_ms,
				     const struct dcd_pol_rule **rule)
{
	const struct dcd_pol_rule *r = NULL;

	if (rule)
		*rule = NULL;
	if (!e->name[0] || e->state == DCD_EXT_ORPHAN)
		return DCD_MON_NOTHING;
	if (e->state == DCD_EXT_RELEASE_PENDING) {
		if (m && m->gave_up)
			return DCD_MON_NOTHING;
		/* no memory added: the kernel releases it once the device is free */
		if (!e->dax[0] || (e->mem.mode != DCD_MODE_SYSTEM_RAM &&
				   !e->mem.blocks_present))
			return DCD_MON_NOTHING;
		if (m && m->state == DCD_EXT_RELEASE_PENDING && now_ms < m->next_ms)
			return DCD_MON_WAIT;
		return DCD_MON_OFFLINE;
	}
	if (m && (m->handled || m->gave_up))
		return DCD_MON_NOTHING;
	r = dcd_policy_match(p, e);
	if (rule)
		*rule = r;
	if (!r || r->action == DCD_POL_IGNORE)
		return DCD_MON_IGNORE;
	if (r->action == DCD_POL_DEVDAX)
		return DCD_MON_DEVDAX;
	if (!e->dax[0] || (m && now_ms < m->next_ms))
		return DCD_MON_WAIT;
	return DCD_MON_ONLINE;
}

int64_t dcd_mon_backoff_ms(const struct dcd_mon_conf *c, int attempt)
{
	int64_t d = c->backoff_min_ms;

	while (--attempt > 0 && d < c->backoff_max_ms)
		d *= 2;
	return d > c->backoff_max_ms ? c->backoff_max_ms : d;
}

/* ---- output ---- */

static const char *tag_or_null(const struct dcd_extent *e)
{
	return e->tag[0] && !dcd_tag_is_null(e->tag) ? e->tag : NULL;
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	if (v && *v)
		json_object_object_add(o, k, json_object_new_string(v));
}

void dcd_mon_emit(struct dcd_mon *mon, const struct dcd_mon_ev *ev, const char *fmt, ...)
{
	const struct dcd_extent *e = ev->e;
	const char *extent = e ? e->name : ev->extent;
	const char *dax = e && e->dax[0] ? e->dax : ev->dax;
	char ts[40], msg[512] = "";
	struct timespec t;
	struct tm tm;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &t);
	gmtime_r(&t.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + strlen(ts), sizeof(ts) - strlen(ts), ".%03ldZ", t.tv_nsec / 1000000);
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	if (mon->conf.json) {
		struct json_object *o = json_object_new_object();

		if (!o)
			return;
#define S(k, v) add_str(o, k, v)
#define I(k, v) json_object_object_add(o, k, json_object_new_int64(v))
		S("timestamp", ts);
		S("event", ev->event);
		S("extent", extent);
		if (e) {
			S("memdev", e->memdev ? e->memdev->name : NULL);
			S("region", e->region);
			S("tag", tag_or_null(e));
			I("length", (int64_t)e->length);
			S("state", dcd_state_name(e->state));
		}
		S("dax", dax);
		if (ev->uevent) {
			S("uevent", ev->uevent->action);
			S("devpath", ev->uevent->devpath);
			S("dcd_state", ev->uevent->dcd_state);
		}
		S("action", ev->action);
		S("result", ev->result);
		if (ev->attempt)
			I("attempt", ev->attempt);
		if (ev->retry_in_ms)
			I("retry_in_ms", ev->retry_in_ms);
		S("message", msg);
#undef S
#undef I
		fprintf(mon->out, "%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		fprintf(mon->out, "%s %s", ts, ev->event);
		if (extent && *extent)
			fprintf(mon->out, " %s", extent);
		if (dax && *dax)
			fprintf(mon->out, " %s", dax);
		if (e && (!strcmp(ev->event, "extent") || !strcmp(ev->event, "state")))
			fprintf(mon->out, " %s", dcd_state_name(e->state));
		if (ev->uevent)
			fprintf(mon->out, " %s %s%s%s", ev->uevent->action, ev->uevent->devpath,
				ev->uevent->dcd_state[0] ? " " : "", ev->uevent->dcd_state);
		if (ev->action)
			fprintf(mon->out, " %s", ev->action);
		if (ev->result)
			fprintf(mon->out, ": %s", ev->result);
		if (ev->attempt)
			fprintf(mon->out, " (attempt %d)", ev->attempt);
		if (ev->retry_in_ms)
			fprintf(mon->out, ", retry in %lld ms", (long long)ev->retry_in_ms);
		if (msg[0])
			fprintf(mon->out, ": %s", msg);
		fputc('\n', mon->out);
	}
	fflush(mon->out);
}

#define EV(...) (&(struct dcd_mon_ev){ __VA_ARGS__ })

/* ---- conflicting auto-online policies ---- */

static int udev_rule_onlines(const char *line)
{
	if (!strstr(line, "SUBSYSTEM==\"memory\"") && !strstr(line, "SUBSYSTEM==\"memory*"))
		return 0;
	if (strstr(line, "ATTR{state}=\"online") || strstr(line, "ATTR{state}+=\"online"))
		return 1;
	return strstr(line, "RUN") && strstr(line, "online");
}

int dcd_mon_conflicts(const char *root, void (*warn)(void *arg, const char *msg), void *arg)
{
	static const char *const dirs[] = { "etc/udev/rules.d", "run/udev/rules.d",
					    "lib/udev/rules.d", "usr/lib/udev/rules.d" };
	char p[PATH_MAX], buf[1024], msg[PATH_MAX + 256];
	unsigned int i;
	int n = 0;
	FILE *f;

	snprintf(p, sizeof(p), "%s/sys/devices/system/memory/auto_online_blocks", root);
	f = fopen(p, "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f)) {
			buf[strcspn(buf, "\n")] = '\0';
			if (strcmp(buf, "offline")) {
				snprintf(msg, sizeof(msg), "/sys/devices/system/memory/"
					 "auto_online_blocks is '%s': the kernel onlines memory "
					 "as kmem adds it, before the policy is applied (echo "
					 "offline > /sys/devices/system/memory/auto_online_blocks, "
					 "or boot with memhp_default_state=offline)", buf);
				warn(arg, msg);
				n++;
			}
		}
		fclose(f);
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct dirent *de;
		DIR *d;

		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		d = opendir(p);
		while (d && (de = readdir(d))) {
			size_t l = strlen(de->d_name);
			char fp[PATH_MAX];
			int line = 0;

			if (l < 7 || strcmp(de->d_name + l - 6, ".rules"))
				continue;
			snprintf(fp, sizeof(fp), "%s/%s", p, de->d_name);
			f = fopen(fp, "r");
			while (f && fgets(buf, sizeof(buf), f)) {
				char *hash;

				line++;
				hash = strchr(buf, '#');
				if (hash)
					*hash = '\0';
				if (!udev_rule_onlines(buf))
					continue;
				snprintf(msg, sizeof(msg), "/%s/%s:%d: udev rule onlines memory "
					 "blocks itself; it races the monitor's policy",
					 dirs[i], de->d_name, line);
				warn(arg, msg);
				n++;
			}
			if (f)
				fclose(f);
		}
		if (d)
			closedir(d);
	}
	return n;
}

/* ---- kmem at once ---- */

int dcd_mon_kmem_wanted(const struct dcd_mon *mon)
{
	char p[PATH_MAX], buf[32];

	if (mon->conf.once || mon->conf.no_kmem_at_once ||
	    !dcd_policy_onlines_all(&mon->policy))
		return 0;
	snprintf(p, sizeof(p), "%s/sys/devices/system/memory/auto_online_blocks",
		 dcd_root(mon->ctx));
	return !util_sysfs_read(p, buf, sizeof(buf)) && !strcmp(buf, "offline");
}

/*
 * Bring cxl_dcd's kmem parameter in line with dcd_mon_kmem_wanted(): set it
 * (and remember that we did) when wanted and off, put it back when no
 * longer wanted; a module loaded again starts with it off and gets it set
 * on the next call. An unset parameter we did not set is left alone.
 */
void dcd_mon_kmem_sync(struct dcd_mon *mon, int want)
{
	char p[PATH_MAX], buf[8];
	int rc;

	if (!want && !mon->kmem_set)
		return;
	snprintf(p, sizeof(p), "%s/sys/module/cxl_dcd/parameters/kmem", dcd_root(mon->ctx));
	if (util_sysfs_read(p, buf, sizeof(buf)))
		return;		/* not loaded: its uevents bring us back */
	if ((buf[0] == 'Y') == want) {
		mon->kmem_set = want;
		return;
	}
	rc = util_sysfs_write(p, want ? "Y" : "N");
	if (rc) {
		if (!mon->kmem_warned)
			dcd_mon_emit(mon, EV(.event = "kmem-at-once", .result = "failed"),
				     "cannot write %s: %s (DAX devices come up devdax)", p,
				     strerror(-rc));
		mon->kmem_warned = 1;
		return;
	}
	mon->kmem_set = want;
	mon->kmem_warned = 0;
	if (want)
		dcd_mon_emit(mon, EV(.event = "kmem-at-once", .result = "on"),
			     "the policy onlines every extent: new DC DAX devices bind kmem at once "
			     "(cxl_dcd kmem=Y)");
	else
		dcd_mon_emit(mon, EV(.event = "kmem-at-once", .result = "off"),
			     "cxl_dcd kmem=N again: new DC DAX devices come up devdax");
}

/* ---- reconcile ---- */

static int64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static struct dcd_mon_ext *track(struct dcd_mon *mon, const struct dcd_extent *e, int *is_new)
{
	struct dcd_mon_ext *m;
	int i;

	*is_new = 0;
	for (i = 0; i < mon->nr_ext; i++) {
		m = &mon->ext[i];
		if (!strcmp(m->name, e->name) && m->dpa == e->dpa && m->length == e->length)
			return m;
	}
	if (mon->nr_ext == mon->cap_ext) {
		int cap = mon->cap_ext ? mon->cap_ext * 2 : 16;

		m = realloc(mon->ext, sizeof(*m) * (size_t)cap);
		if (!m)
			return NULL;
		mon->ext = m;
		mon->cap_ext = cap;
	}
	m = &mon->ext[mon->nr_ext++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", e->name);
	m->dpa = e->dpa;
	m->length = e->length;
	m->state = e->state;
	*is_new = 1;
	return m;
}

/*
 * One offline attempt of @e, in a child killed after the timeout. 0 done,
 * 1 nothing to do, -ETIMEDOUT, -EINTR (a signal for the monitor arrived),
 * or the error of dcd_offline_extent(); the message goes to @msg.
 */
static int bounded_offline(struct dcd_mon *mon, struct dcd_extent *e, char *msg, size_t len)
{
	int pfd[2], pidfd, st = 0, rc, reaped;
	int64_t deadline;
	pid_t pid, parent = getpid();
	ssize_t n;

	msg[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return rc;
	}
	if (!pid) {
		sigset_t none;

		close(pfd[0]);
		/* die with the monitor; never outlive the attempt's bound */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(125);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		alarm((unsigned int)(mon->conf.offline_timeout_ms / 1000 + 2));
		rc = dcd_offline_extent(mon->ctx, e);
		if (rc < 0) {
			const char *s = dcd_strerror(mon->ctx);

			if (write(pfd[1], s, strlen(s)) < 0)
				_exit(126);
		}
		_exit(rc == 0 ? 0 : rc == 1 ? 100 : -rc > 99 ? 99 : -rc);
	}
	close(pfd[1]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	deadline = mon->now() + mon->conf.offline_timeout_ms;
	rc = 1;
	reaped = 0;
	for (;;) {
		struct pollfd fds[2] = { { .fd = pidfd, .events = POLLIN },
					 { .fd = mon->sigfd, .events = POLLIN } };
		int64_t left = deadline - mon->now();

		if (pidfd < 0) {
			/* no pidfd (old kernel): poll the child's exit every 50 ms */
			if (waitpid(pid, &st, WNOHANG) == pid) {
				rc = 0;
				reaped = 1;
				break;
			}
			if (left <= 0)
				break;
			poll(NULL, 0, 50);
			continue;
		}
		if (left <= 0)
			break;
		n = poll(fds, mon->sigfd >= 0 ? 2 : 1, (int)(left > INT_MAX ? INT_MAX : left));
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (fds[0].revents & POLLIN)) {
			rc = 0;
			break;
		}
		if (n > 0 && mon->sigfd >= 0 && (fds[1].revents & POLLIN)) {
			rc = -EINTR;
			break;
		}
	}
	if (rc) {
		/* timed out or interrupted: a pending signal makes offline_pages() give up */
		kill(pid, SIGKILL);
	}
	while (!reaped && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pidfd >= 0)
		close(pidfd);
	n = read(pfd[0], msg, len - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	if (rc == -EINTR)
		return rc;
	if (rc) {
		snprintf(msg, len, "%s: offline did not finish within %d ms (pages busy?): "
			 "attempt killed", e->dax, mon->conf.offline_timeout_ms);
		return -ETIMEDOUT;
	}
	if (WIFSIGNALED(st)) {
		snprintf(msg, len, "%s: offline attempt killed by signal %d", e->dax,
			 WTERMSIG(st));
		return -ETIMEDOUT;
	}
	st = WEXITSTATUS(st);
	if (st == 0 || st == 100)
		return st ? 1 : 0;
	if (!msg[0])
		snprintf(msg, len, "%s: offline failed: %s", e->dax, strerror(st));
	return -st;
}

static void act_offline(struct dcd_mon *mon, struct dcd_extent *e, struct dcd_mon_ext *m)
{
	char msg[600];
	int rc;

	rc = bounded_offline(mon, e, msg, sizeof(msg));
	if (rc == -EINTR)
		return;		/* the main loop handles the signal; state unchanged */
	if (rc >= 0) {
		int attempt = m->attempts + 1;

		m->attempts = 0;
		m->offlined = 1;
		dcd_mon_emit(mon, EV(.event = "offline", .e = e, .action = "offline",
				     .result = rc ? "already" : "ok", .attempt = attempt),
			     "%s", rc ? "memory already offline, devdax" :
			     "memory offline, kmem let go: release can complete");
		return;
	}
	m->attempts++;
	/* waiting cannot fix a missing backend or permission */
	if (m->attempts >= mon->conf.retries || rc == -EOPNOTSUPP || rc == -EACCES ||
	    rc == -EPERM) {
		m->gave_up = 1;
		mon->failures++;
		mon->gave_up++;
		dcd_mon_emit(mon, EV(.event = "offline", .e = e, .action = "offline",
				     .result = "gave-up", .attempt = m->attempts),
			     "%s; gave up after %d attempts, release stays pending", msg,
			     m->attempts);
		return;
	}
	m->next_ms = mon->now() + dcd_mon_backoff_ms(&mon->conf, m->attempts);
	dcd_mon_emit(mon, EV(.event = "offline", .e = e, .action = "offline", .result = "retry",
			     .attempt = m->attempts,
			     .retry_in_ms = dcd_mon_backoff_ms(&mon->conf, m->attempts)),
		     "%s", msg);
}

static void act_online(struct dcd_mon *mon, struct dcd_extent *e, struct dcd_mon_ext *m,
		       const struct dcd_pol_rule *r)
{
	const char *action = r->movable ? "online-movable" : "online-normal";
	int64_t d;
	int rc;

	dcd_mark("online %s %s", e->name, e->dax);
	rc = dcd_online_extent(mon->ctx, e, r->movable);
	dcd_mark("online %s done: %d", e->name, rc);

	if (rc >= 0) {
		m->handled = 1;
		m->attempts = 0;
		dcd_mon_emit(mon, EV(.event = "online", .e = e, .action = action,
				     .result = rc ? "already" : "ok"),
			     "policy %s:%d: %s", mon->policy.path, r->line,
			     dcd_pol_action_name(r));
		return;
	}
	m->attempts++;
	/* a refusal that waiting cannot fix: say it once */
	if (m->attempts >= mon->conf.retries || rc == -EINVAL || rc == -EEXIST ||
	    rc == -EOPNOTSUPP || rc == -EACCES) {
		m->gave_up = 1;
		mon->failures++;
		dcd_mon_emit(mon, EV(.event = "online", .e = e, .action = action,
				     .result = "failed", .attempt = m->attempts),
			     "%s", dcd_strerror(mon->ctx));
		return;
	}
	d = dcd_mon_backoff_ms(&mon->conf, m->attempts);
	m->next_ms = mon->now() + d;
	dcd_mon_emit(mon, EV(.event = "online", .e = e, .action = action, .result = "retry",
			     .attempt = m->attempts, .retry_in_ms = d),
		     "%s", dcd_strerror(mon->ctx));
}

static void forget_at(struct dcd_mon *mon, int i)
{
	struct dcd_mon_ext *m = &mon->ext[i];

	dcd_mon_emit(mon, EV(.event = "removed", .extent = m->name,
			     .result = m->state == DCD_EXT_RELEASE_PENDING ? "released" : "gone"),
		     "dpa 0x%llx length 0x%llx", (unsigned long long)m->dpa,
		     (unsigned long long)m->length);
	mon->ext[i] = mon->ext[--mon->nr_ext];
}

static void forget(struct dcd_mon *mon, const char *name)
{
	int i;

	for (i = 0; i < mon->nr_ext; i++)
		if (!strcmp(mon->ext[i].name, name)) {
			forget_at(mon, i);
			return;
		}
}

int dcd_mon_reconcile(struct dcd_mon *mon, int64_t *next_ms)
{
	struct dcd_extent *e;
	int i, rc, is_new;

	*next_ms = INT64_MAX;
	dcd_mark("reconcile");
	rc = dcd_refresh(mon->ctx);
	if (rc == -ENOENT || rc == -EINVAL) {
		/* an object went away while it was read: once more */
		rc = dcd_refresh(mon->ctx);
	}
	if (rc)
		return rc;
	dcd_mark("refreshed: %d extents", dcd_nr_extents(mon->ctx));
	for (i = 0; i < mon->nr_ext; i++)
		mon->ext[i].seen = 0;
	dcd_extent_foreach(mon->ctx, i, e) {
		const struct dcd_pol_rule *r;
		struct dcd_mon_ext *m;
		enum dcd_mon_decision d;

		if (!e->name[0] || e->state == DCD_EXT_ORPHAN)
			continue;
		m = track(mon, e, &is_new);
		if (!m)
			return -ENOMEM;
		m->seen = 1;
		if (is_new || m->state != e->state) {
			if (!is_new && e->state == DCD_EXT_RELEASE_PENDING) {
				/* a new cycle: the release gets its own attempts */
				m->attempts = 0;
				m->gave_up = 0;
				m->next_ms = 0;
			}
			m->state = e->state;
			dcd_mon_emit(mon, EV(.event = is_new ? "extent" : "state", .e = e), NULL);
		}
		d = dcd_mon_decide(e, m, &mon->policy, mon->now(), &r);
		switch (d) {
		case DCD_MON_ONLINE:
			act_online(mon, e, m, r);
			break;
		case DCD_MON_DEVDAX:
		case DCD_MON_IGNORE:
			m->handled = 1;
			if (r)
				dcd_mon_emit(mon, EV(.event = "policy", .e = e,
						     .action = dcd_mon_decision_name(d),
						     .result = "ok"),
					     "policy %s:%d: %s", mon->policy.path, r->line,
					     dcd_pol_action_name(r));
			else
				dcd_mon_emit(mon, EV(.event = "policy", .e = e,
						     .action = "ignore", .result = "ok"),
					     "no rule in %s matches", mon->policy.path);
			break;
		case DCD_MON_OFFLINE:
			act_offline(mon, e, m);
			break;
		case DCD_MON_WAIT:
		case DCD_MON_NOTHING:
			break;
		}
		/* a retry that is due later needs a wake-up */
		if (!m->gave_up && m->next_ms > mon->now() && m->next_ms < *next_ms &&
		    (e->state == DCD_EXT_RELEASE_PENDING ? !m->offlined : !m->handled))
			*next_ms = m->next_ms;
	}
	/* extents gone: released (or their region torn down) */
	for (i = 0; i < mon->nr_ext; ) {
		struct dcd_mon_ext *m = &mon->ext[i];

		if (m->seen)
			i++;
		else
			forget_at(mon, i);
	}
	return 0;
}

void dcd_mon_release(struct dcd_mon *mon)
{
	free(mon->ext);
	mon->ext = NULL;
	mon->nr_ext = mon->cap_ext = 0;
	dcd_policy_free(&mon->policy);
	dcd_ctx_free(mon->ctx);
	mon->ctx = NULL;
}

/* ---- the command ---- */

static void monitor_usage(FILE *f)
{
	fprintf(f,
		"usage: dcdctl monitor [options]\n"
		"  -p, --policy=FILE          policy (default " DCD_POLICY_DEFAULT
		"; built-in: system-ram movable)\n"
		"  -j, --json                 one JSON object per line per event\n"
		"      --once                 reconcile, finish pending retries, exit\n"
		"      --strict               a competing auto-online policy is fatal (exit 10)\n"
		"      --offline-timeout=SEC  bound of one offline attempt (default 10)\n"
		"      --retries=N            attempts before giving up (default 10)\n"
		"      --backoff-max=SEC      longest wait between attempts (default 60)\n"
		"      --interval=SEC         periodic reconcile (default 30)\n"
		"      --no-kmem-at-once      never let new DAX devices bind kmem at once\n");
}

static void warn_line(void *arg, const char *msg)
{
	struct dcd_mon *mon = arg;

	fprintf(stderr, "dcdctl monitor: warning: %s\n", msg);
	if (mon->conf.json)
		dcd_mon_emit(mon, EV(.event = "warning"), "%s", msg);
}

static int uevent_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd, sz = 4 << 20;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	/* a burst of memory-block uevents must not overflow it (FORCE needs root) */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

/* read every queued uevent; 1 if one of them is relevant (or some were lost) */
static int drain_uevents(struct dcd_mon *mon, int fd)
{
	char buf[8192];
	int relevant = 0;

	for (;;) {
		struct sockaddr_nl sa;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa),
				     .msg_iov = &iov, .msg_iovlen = 1 };
		struct dcd_uevent ev;
		ssize_t n = recvmsg(fd, &mh, 0);

		if (n < 0) {
			if (errno == ENOBUFS) {
				dcd_mon_emit(mon, EV(.event = "error"),
					     "uevents lost (socket overflow): full reconcile");
				relevant = 1;
				continue;
			}
			break;	/* EAGAIN: drained */
		}
		/* only the kernel (port 0) speaks on group 1 for us */
		if (mh.msg_namelen != sizeof(sa) || sa.nl_pid != 0)
			continue;
		if (dcd_uevent_parse(buf, (size_t)n, &ev) || !dcd_uevent_relevant(&ev))
			continue;
		dcd_mark("uevent %s %s", ev.action, ev.devpath);
		dcd_mon_emit(mon, EV(.event = "uevent", .uevent = &ev), NULL);
		/* its name may come back for a new extent before the next reconcile */
		if (!strcmp(ev.action, "remove") && !strncmp(ev.name, "extent", 6))
			forget(mon, ev.name);
		relevant = 1;
	}
	return relevant;
}

static int parse_secs(const char *opt, const char *v, int min, int *out_ms)
{
	uint64_t s;

	if (util_parse_num(v, &s, NULL) || s < (uint64_t)min || s > 86400) {
		fprintf(stderr, "dcdctl monitor: --%s: '%s' is not a number of seconds "
			"(%d-86400)\n", opt, v, min);
		return -EINVAL;
	}
	*out_ms = (int)s * 1000;
	return 0;
}

int cmd_monitor(int argc, char **argv, struct dcd_ctx *ctx)
{
	enum { O_ONCE = 256, O_STRICT, O_TIMEOUT, O_RETRIES, O_BACKOFF, O_INTERVAL, O_NO_KMEM };
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "once", no_argument, NULL, O_ONCE },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "offline-timeout", required_argument, NULL, O_TIMEOUT },
		{ "retries", required_argument, NULL, O_RETRIES },
		{ "backoff-max", required_argument, NULL, O_BACKOFF },
		{ "interval", required_argument, NULL, O_INTERVAL },
		{ "no-kmem-at-once", no_argument, NULL, O_NO_KMEM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dcd_mon mon = { .conf = DCD_MON_DEFAULTS, .out = stdout, .sigfd = -1,
			       .now = mono_ms };
	const char *policy = NULL;
	char err[600];
	int c, rc, nlfd = -1, own = 0, stop = 0, exit_rc = DCD_EXIT_OK, last_rc = 0, ready = 0;
	int64_t next_retry, next_reconcile;
	sigset_t mask, old;
	uint64_t v;

	optind = 0;
	while ((c = getopt_long(argc, argv, "p:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy = optarg;
			break;
		case 'j':
			mon.conf.json = 1;
			break;
		case O_ONCE:
			mon.conf.once = 1;
			break;
		case O_STRICT:
			mon.conf.strict = 1;
			break;
		case O_TIMEOUT:
			if (parse_secs("offline-timeout", optarg, 1, &mon.conf.offline_timeout_ms))
				return DCD_EXIT_USAGE;
			break;
		case O_RETRIES:
			if (util_parse_num(optarg, &v, NULL) || !v || v > 1000) {
				fprintf(stderr, "dcdctl monitor: --retries: '%s' is not 1-1000\n",
					optarg);
				return DCD_EXIT_USAGE;
			}
			mon.conf.retries = (int)v;
			break;
		case O_BACKOFF:
			if (parse_secs("backoff-max", optarg, 1, &mon.conf.backoff_max_ms))
				return DCD_EXIT_USAGE;
			break;
		case O_INTERVAL:
			if (parse_secs("interval", optarg, 1, &mon.conf.reconcile_ms))
				return DCD_EXIT_USAGE;
			break;
		case O_NO_KMEM:
			mon.conf.no_kmem_at_once = 1;
			break;
		case 'h':
			monitor_usage(stdout);
			return DCD_EXIT_OK;
		default:
			monitor_usage(stderr);
			return DCD_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dcdctl monitor: unexpected argument '%s'\n", argv[optind]);
		return DCD_EXIT_USAGE;
	}
	if (mon.conf.backoff_min_ms > mon.conf.backoff_max_ms)
		mon.conf.backoff_min_ms = mon.conf.backoff_max_ms;

	rc = dcd_policy_load(&mon.policy, policy ? policy : DCD_POLICY_DEFAULT, err, sizeof(err));
	if (rc == -ENOENT && !policy)
		rc = dcd_policy_builtin(&mon.policy);
	if (rc) {
		fprintf(stderr, "dcdctl: %s\n", err);
		dcd_policy_free(&mon.policy);
		return rc == -ENOMEM ? DCD_EXIT_FAIL : DCD_EXIT_POLICY;
	}

	if (!ctx) {
		rc = dcd_ctx_new(&ctx, NULL);
		own = 1;
		if (!ctx) {
			fprintf(stderr, "dcdctl monitor: %s\n", strerror(-rc));
			dcd_policy_free(&mon.policy);
			return DCD_EXIT_FAIL;
		}
		/* no DC memdev yet is fine for the daemon: it waits for one */
		if (rc == -DCD_ENOMODULE || (rc && mon.conf.once)) {
			fprintf(stderr, "%s\n", dcd_strerror(ctx));
			dcd_ctx_free(ctx);
			dcd_policy_free(&mon.policy);
			return dcd_exit_code(rc);
		}
		if (!dcd_root(ctx)[0])
			dcd_set_dax_ops(ctx, &dcd_sysfs_ops, NULL);
	}
	mon.ctx = ctx;

	if (dcd_mon_conflicts(dcd_root(ctx), warn_line, &mon) && mon.conf.strict) {
		fprintf(stderr, "dcdctl monitor: --strict: competing auto-online policy\n");
		exit_rc = DCD_EXIT_CONFLICT;
		goto out;
	}

	/* signals through a signalfd, so a bounded offline can watch it too */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &old);
	mon.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (mon.sigfd < 0) {
		fprintf(stderr, "dcdctl monitor: signalfd: %s\n", strerror(errno));
		exit_rc = DCD_EXIT_FAIL;
		goto out_sig;
	}
	if (!mon.conf.once) {
		/* before the first reconcile, so nothing in between is missed */
		nlfd = uevent_socket();
		if (nlfd < 0) {
			fprintf(stderr, "dcdctl monitor: uevent socket: %s\n", strerror(-nlfd));
			exit_rc = dcd_exit_code(nlfd);
			goto out_sig;
		}
	}
	dcd_mon_emit(&mon, EV(.event = "start"), "policy %s (%d rules)%s", mon.policy.path,
		     mon.policy.nr, mon.conf.once ? ", once" : "");

	next_retry = 0;
	next_reconcile = 0;	/* now */
	while (!stop) {
		int64_t now = mon.now(), wait;
		struct pollfd fds[2] = { { .fd = mon.sigfd, .events = POLLIN },
					 { .fd = nlfd, .events = POLLIN } };
		int n;

		if (now >= next_reconcile || now >= next_retry) {
			dcd_mon_kmem_sync(&mon, dcd_mon_kmem_wanted(&mon));
			rc = dcd_mon_reconcile(&mon, &next_retry);
			if (rc && rc != last_rc)
				dcd_mon_emit(&mon, EV(.event = "error", .action = "reconcile",
						      .result = "failed"),
					     "%s", dcd_strerror(ctx));
			if (rc && mon.conf.once) {
				exit_rc = dcd_exit_code(rc);
				break;
			}
			/*
			 * Module or DC memdev gone: their uevents bring us back.
			 * Anything else is sysfs in flux: look again soon.
			 */
			if (rc && rc != -DCD_ENOMODULE && rc != -DCD_ENODCD)
				next_retry = now + 1000;
			last_rc = rc;
			next_reconcile = mon.now() + mon.conf.reconcile_ms;
			if (!ready && !mon.conf.once) {
				/* systemd Type=notify: listening, first reconcile done */
				util_sd_notify("READY=1\nSTATUS=watching uevents");
				ready = 1;
			}
			if (mon.conf.once && next_retry == INT64_MAX)
				break;
			continue;
		}
		wait = (mon.conf.once ? next_retry : (next_retry < next_reconcile ? next_retry :
						     next_reconcile)) - now;
		n = poll(fds, nlfd >= 0 ? 2 : 1, (int)(wait > INT_MAX ? INT_MAX : wait));
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (fds[0].revents & POLLIN)) {
			struct signalfd_siginfo si;

			while (read(mon.sigfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					struct dcd_policy np = { 0 };

					if (!policy)
						rc = dcd_policy_load(&np, DCD_POLICY_DEFAULT, err,
								     sizeof(err));
					else
						rc = dcd_policy_load(&np, policy, err, sizeof(err));
					if (rc == -ENOENT && !policy)
						rc = dcd_policy_builtin(&np);
					if (rc) {
						fprintf(stderr, "dcdctl: %s (policy kept)\n", err);
						dcd_policy_free(&np);
						continue;
					}
					dcd_policy_free(&mon.policy);
					mon.policy = np;
					dcd_mon_emit(&mon, EV(.event = "reload"), "policy %s (%d rules)",
						     mon.policy.path, mon.policy.nr);
					next_reconcile = 0;
					continue;
				}
				dcd_mon_emit(&mon, EV(.event = "stop"), "signal %u", si.ssi_signo);
				util_sd_notify("STOPPING=1");
				stop = 1;
			}
		}
		if (n > 0 && nlfd >= 0 && (fds[1].revents & POLLIN) && drain_uevents(&mon, nlfd))
			next_reconcile = 0;
	}
	if (exit_rc == DCD_EXIT_OK && mon.conf.once && mon.failures)
		exit_rc = mon.gave_up ? DCD_EXIT_BUSY : DCD_EXIT_FAIL;
out_sig:
	dcd_mon_kmem_sync(&mon, 0);
	if (nlfd >= 0)
		close(nlfd);
	if (mon.sigfd >= 0)
		close(mon.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	if (!own)
		mon.ctx = NULL;
	dcd_mon_release(&mon);
	return exit_rc;
}
