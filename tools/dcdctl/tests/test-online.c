// SPDX-License-Identifier: GPL-2.0
/*
 * dcdctl online/offline in-process on the fake tree with a fake backend:
 * acting, verifying, idempotence, refusals, errors and exit codes.
 */
#include "tap.h"
#include "fake.h"
#include "dcdctl.h"

static struct fk_ops_state st;
static struct dcd_ctx *ctx;

static int run(int (*fn)(int, char **, struct dcd_ctx *), const char *a1, const char *a2,
	       const char *a3)
{
	char *argv[5] = { "cmd", (char *)a1, (char *)a2, (char *)a3, NULL };
	int argc = 1 + !!a1 + !!a2 + !!a3;

	dcd_ctx_free(ctx);
	if (dcd_ctx_new(&ctx, NULL))
		return -1;
	dcd_set_dax_ops(ctx, &fk_ops, &st);
	return fn(argc, argv, ctx);
}

static struct dcd_extent *ext(const char *name)
{
	dcd_ctx_free(ctx);
	if (dcd_ctx_new(&ctx, NULL))
		return NULL;
	return dcd_find_extent(ctx, name);
}

int main(void)
{
	struct dcd_extent *e;
	int rc;

	fk_build();
	rc = run(cmd_online, "extent0.2", NULL, NULL);
	e = ext("extent0.2");
	ok(rc == DCD_EXIT_OK && st.calls == 1 && e && e->mem.mode == DCD_MODE_SYSTEM_RAM &&
	   e->mem.online_blocks == 1 && e->mem.zone == DCD_ZONE_MOVABLE,
	   "online extent0.2: system-ram, movable by default (exit %d)", rc);
	st.calls = 0;
	rc = run(cmd_online, "dax3.0", NULL, NULL);
	ok(rc == DCD_EXIT_OK && st.calls == 0, "online again by DAX device: no-op, exit 0");
	rc = run(cmd_online, "extent0.2", "--zone=normal", NULL);
	ok(rc == DCD_EXIT_FAIL && st.calls == 0,
	   "online --zone=normal while online movable: refused (exit %d)", rc);
	rc = run(cmd_offline, "extent0.2", NULL, NULL);
	e = ext("extent0.2");
	ok(rc == DCD_EXIT_OK && st.calls == 1 && e && e->mem.mode == DCD_MODE_DEVDAX &&
	   e->mem.blocks_present == 0, "offline extent0.2: devdax, blocks removed");
	st.calls = 0;
	rc = run(cmd_offline, "extent0.2", NULL, NULL);
	ok(rc == DCD_EXIT_OK && st.calls == 0, "offline again: no-op, exit 0");
	rc = run(cmd_online, "--zone", "normal", "extent0.2");
	e = ext("extent0.2");
	ok(rc == DCD_EXIT_OK && e && e->mem.zone == DCD_ZONE_NORMAL, "online --zone normal");

	/* release pending: onlining refused, offlining allowed */
	fk_build();
	run(cmd_offline, "extent0.3", NULL, NULL);
	st.calls = 0;
	rc = run(cmd_online, "extent0.3", NULL, NULL);
	ok(rc == DCD_EXIT_BUSY && st.calls == 0 &&
	   strstr(dcd_strerror(ctx), "extent0.3: dax4.0: release pending"),
	   "online of a release-pending extent: exit %d, \"%s\"", rc, dcd_strerror(ctx));
	rc = run(cmd_online, "--all", NULL, NULL);
	e = ext("extent0.2");
	ok(rc == DCD_EXIT_OK && e && e->mem.mode == DCD_MODE_SYSTEM_RAM &&
	   ext("extent0.3")->mem.mode == DCD_MODE_DISABLED,
	   "online --all: skips release-pending (left unbound), onlines extent0.2 (exit %d)", rc);
	rc = run(cmd_offline, "--all", NULL, NULL);
	ok(rc == DCD_EXIT_OK && ext("extent0.1")->mem.mode == DCD_MODE_DEVDAX &&
	   ext("extent0.2")->mem.mode == DCD_MODE_DEVDAX, "offline --all");

	/* tags */
	rc = run(cmd_online, "--tag", TAG2, NULL);
	ok(rc == DCD_EXIT_OK && ext("extent0.2")->mem.mode == DCD_MODE_SYSTEM_RAM &&
	   ext("extent0.1")->mem.mode == DCD_MODE_DEVDAX, "online --tag UUID: only that extent");
	rc = run(cmd_online, "--tag", "11111111-2222-3333-4444-555555555555", NULL);
	ok(rc == DCD_EXIT_NOTFOUND, "online --tag unknown: exit %d (not found)", rc);

	/* errors */
	rc = run(cmd_online, "extent0.9", NULL, NULL);
	ok(rc == DCD_EXIT_NOTFOUND, "online extent0.9: not found, exit %d", rc);
	rc = run(cmd_online, "extent0.9", "extent0.1", NULL);
	ok(rc == DCD_EXIT_NOTFOUND && ext("extent0.1")->mem.mode == DCD_MODE_SYSTEM_RAM,
	   "one bad name among good ones: the good one is done, exit %d", rc);
	rc = run(cmd_online, "extent0.4", NULL, NULL);
	ok(rc == DCD_EXIT_FAIL && strstr(dcd_strerror(ctx), "no DAX device"),
	   "online extent0.4 (no DAX device): \"%s\"", dcd_strerror(ctx));
	st.fail = -EBUSY;
	rc = run(cmd_offline, "extent0.1", NULL, NULL);
	ok(rc == DCD_EXIT_BUSY && strstr(dcd_strerror(ctx), "memory busy"),
	   "offline with busy pages: exit %d, \"%s\"", rc, dcd_strerror(ctx));
	st.fail = -EACCES;
	rc = run(cmd_offline, "extent0.1", NULL, NULL);
	ok(rc == DCD_EXIT_PERM, "permission denied: exit %d", rc);
	st.fail = 0;
	st.noop = 1;
	rc = run(cmd_offline, "extent0.1", NULL, NULL);
	ok(rc == DCD_EXIT_FAIL && strstr(dcd_strerror(ctx), "after offlining: mode system-ram"),
	   "backend says done but nothing changed: verification fails, \"%s\"",
	   dcd_strerror(ctx));
	rc = run(cmd_online, "extent0.2", NULL, NULL);
	ok(rc == DCD_EXIT_OK, "  (online of an already online extent needs no backend)");
	st.noop = 0;
	dcd_set_dax_ops(ctx, NULL, NULL);
	e = dcd_find_extent(ctx, "extent0.1");
	rc = dcd_offline_extent(ctx, e);
	ok(rc == -EOPNOTSUPP, "no backend (fake root in the CLI): EOPNOTSUPP");

	/* an extent too small for a memory block */
	fk_build();
	fk_dax(5, HPA0 + 4 * BLK, 0x200000, "device_dax");
	fk_link("../../../../bus/dax/devices/dax5.0", CXL "dax_region0/extent0.4/dax");
	rc = run(cmd_online, "extent0.4", NULL, NULL);
	ok(rc == DCD_EXIT_FAIL && strstr(dcd_strerror(ctx), "holds no whole memory block"),
	   "2 MiB extent: \"%s\"", dcd_strerror(ctx));

	/* usage */
	ok(run(cmd_online, NULL, NULL, NULL) == DCD_EXIT_USAGE, "online with no target: usage");
	ok(run(cmd_online, "--all", "extent0.1", NULL) == DCD_EXIT_USAGE,
	   "online --all with names: usage");
	ok(run(cmd_online, "--zone", "dma", "--all") == DCD_EXIT_USAGE, "bad zone: usage");
	ok(run(cmd_offline, "--zone", "normal", "--all") == DCD_EXIT_USAGE,
	   "offline has no --zone");

	dcd_ctx_free(ctx);
	fk_cleanup();
	return done();
}
