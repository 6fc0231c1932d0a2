// SPDX-License-Identifier: GPL-2.0
/*
 * dcdctl release on the fake tree: offline first, the release write, the
 * bounded wait (released / pending), orphans, tags, errors and exit codes.
 * A "kernel" child process removes a target once its release was written.
 */
#include "tap.h"
#include "run.h"
#include "dcdctl.h"

#define X(y) CXL "dax_region0/extent0." #y

static struct fk_ops_state st;

static void build(void)
{
	fk_build();
	fk_w(X(1) "/release", "");
	fk_w(X(2) "/release", "");
	fk_w(X(3) "/release", "");
	fk_w(X(4) "/release", "");
	fk_w(CXL "mem0/dcd/release_extent", "");
}

/*
 * Fake kernel: once <file> is non-empty, run <action> (a shell command on
 * the fake tree). Returns the pid; reaped by kernel_wait().
 */
static pid_t kernel(const char *file, const char *action)
{
	char cmd[2048];
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "i=0; while [ ! -s '%s' ] && [ $i -lt 200 ]; do sleep 0.05; "
		 "i=$((i+1)); done; %s", fk_p("%s", file), action);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		abort();
	if (!pid) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void kernel_wait(pid_t pid)
{
	int s;

	waitpid(pid, &s, 0);
}

static int run(const char *a1, const char *a2, const char *a3)
{
	char *argv[5] = { "release", (char *)a1, (char *)a2, (char *)a3, NULL };
	struct dcd_ctx *ctx;
	int rc;

	if (dcd_ctx_new(&ctx, NULL))
		return -1;
	dcd_set_dax_ops(ctx, &fk_ops, &st);
	rc = cmd_release(1 + !!a1 + !!a2 + !!a3, argv, ctx);
	dcd_ctx_free(ctx);
	return rc;
}

int main(void)
{
	char action[1024];
	pid_t k;
	int rc;

	build();
	rc = dcdctl("release extent0.2 --timeout 0");
	ok(rc == DCD_EXIT_PENDING && !strcmp(rn_file(X(2) "/release"), "1\n") &&
	   strstr(err, "extent0.2: release pending") && one_line(),
	   "release of a devdax extent the kernel does not remove: \"1\" written, pending, "
	   "exit 8: %s", err);

	build();
	snprintf(action, sizeof(action), "rm -rf '%s'", fk_p(X(2)));
	k = kernel(X(2) "/release", action);
	rc = dcdctl("release dax3.0 --timeout 20");
	kernel_wait(k);
	ok(rc == 0 && !strcmp(err, "extent0.2: released\n"),
	   "release dax3.0, the kernel removes the extent: released, exit 0 (%s)", err);

	build();
	st.calls = 0;
	rc = run("extent0.1", "--timeout", "0");
	ok(rc == DCD_EXIT_PENDING && st.calls == 1 &&
	   !strcmp(rn_file(X(1) "/release"), "1\n") &&
	   !util_sysfs_exists(fk_p(MEMD "memory512")),
	   "release of an online extent: offlined first (devdax, block gone), then released");
	build();
	st.calls = 0;
	rc = run("extent0.3", "-w", "0");
	ok(rc == DCD_EXIT_PENDING && st.calls == 1 && !strcmp(rn_file(X(3) "/release"), ""),
	   "a release-pending online extent: offlined, no release write (the kernel completes it)");
	build();
	st.fail = -EBUSY;
	rc = run("extent0.1", "-w", "0");
	st.fail = 0;
	ok(rc == DCD_EXIT_BUSY && !strcmp(rn_file(X(1) "/release"), ""),
	   "memory that cannot be offlined: busy, exit 6, not released");

	build();
	snprintf(action, sizeof(action), ": > '%s'", fk_p(CXL "mem0/dcd/orphans"));
	k = kernel(CXL "mem0/dcd/release_extent", action);
	rc = dcdctl("release --orphan mem0:0x40000000 --timeout 20");
	kernel_wait(k);
	ok(rc == 0 && !strcmp(rn_file(CXL "mem0/dcd/release_extent"), "0x40000000 0x200000\n") &&
	   !strcmp(err, "mem0:0x40000000: released\n"),
	   "--orphan mem0:0x40000000: \"<dpa> <len>\" to release_extent, released (%s)", err);
	build();
	rc = dcdctl("release -o mem0 -w 0");
	ok(rc == DCD_EXIT_PENDING && !strcmp(rn_file(CXL "mem0/dcd/release_extent"),
					     "0x40000000 0x200000\n"),
	   "--orphan mem0: every orphan of mem0; still listed: pending, exit 8");
	rc = dcdctl("release --orphan mem0:0x1000");
	ok(rc == DCD_EXIT_NOTFOUND && !strcmp(err, "mem0:0x1000: no such orphan\n"),
	   "--orphan mem0:0x1000: exit 5, one line");
	rc = dcdctl("release --orphan mem9:0");
	ok(rc == DCD_EXIT_NOTFOUND && !strcmp(err, "mem9: no such DC memdev\n"),
	   "--orphan mem9:0: exit 5");
	rc = dcdctl("release --orphan mem0:zz");
	ok(rc == DCD_EXIT_FAIL && one_line(), "--orphan mem0:zz: bad DPA, exit 1");

	build();
	rc = dcdctl("release --tag %s -w 0", TAG2);
	ok(rc == DCD_EXIT_PENDING && !strcmp(rn_file(X(2) "/release"), "1\n") &&
	   !strcmp(rn_file(X(4) "/release"), ""), "--tag UUID: only extent0.2");
	rc = dcdctl("release --tag 11111111-2222-3333-4444-555555555555");
	ok(rc == DCD_EXIT_NOTFOUND && one_line(), "--tag with no extent: exit 5");

	rc = dcdctl("release extent0.9");
	ok(rc == DCD_EXIT_NOTFOUND && !strcmp(err, "extent0.9: no such extent or DAX device\n"),
	   "release extent0.9: not found, exit 5, one line");
	rc = dcdctl("release");
	ok(rc == DCD_EXIT_USAGE && one_line(), "release without a target: exit 2");
	rc = dcdctl("release extent0.2 --tag none");
	ok(rc == DCD_EXIT_USAGE, "extents and --tag together: exit 2");
	rc = dcdctl("release extent0.2 --timeout soon");
	ok(rc == DCD_EXIT_USAGE && one_line(), "--timeout soon: exit 2");

	build();
	rc = rn_dcdctl(rn_unpriv(X(4) "/release"), "release extent0.4 -w 0");
	ok(rc == DCD_EXIT_PERM && !strcmp(err, "extent0.4/release: write: permission denied\n"),
	   "EACCES on the release write: exit 7, \"%.*s\"", (int)strcspn(err, "\n"), err);

	fk_rm_rf(fk_p("sys/module/cxl_dcd"));
	rc = dcdctl("release extent0.2");
	ok(rc == DCD_EXIT_NOMODULE && !strcmp(err, "cxl_dcd is not loaded\n"), "no module: exit 3");
	build();
	fk_rm_rf(fk_p(CXL "mem0/dcd"));
	rc = dcdctl("release extent0.2");
	ok(rc == DCD_EXIT_NODEV && one_line() && strstr(err, "no DC memdev"),
	   "no DC memdev: exit 4");
	fk_cleanup();
	return done();
}
