// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs online/offline backend (sysops.c) on the fake tree: which dax
 * bus and memory block files it writes, in which cases. The fake kernel
 * does not react to the writes, so each case sets up the state the kernel
 * would have reached and checks the next writes.
 */
#include "tap.h"
#include "fake.h"
#include "dcdctl.h"
#include "nopriv.h"
#include "run.h"

#define DRV "sys/bus/dax/drivers/"

static void drivers(void)
{
	static const char *const files[] = { "bind", "unbind", "new_id", "remove_id" };
	char b[128];
	unsigned int i;

	for (i = 0; i < 4; i++) {
		snprintf(b, sizeof(b), DRV "kmem/%s", files[i]);
		fk_w(b, "");
		snprintf(b, sizeof(b), DRV "device_dax/%s", files[i]);
		fk_w(b, "");
	}
}

int main(void)
{
	struct dcd_ctx *ctx;
	int rc;

	fk_build();
	drivers();
	if (dcd_ctx_new(&ctx, NULL)) {
		printf("Bail out! %s\n", dcd_strerror(ctx));
		return 1;
	}

	/* dax3.0 is devdax: unbind device_dax, kmem new_id (binds), id removed again */
	rc = dcd_sysfs_ops.online(ctx, "dax3.0", 1);
	ok(!strcmp(rn_file(DRV "device_dax/unbind"), "dax3.0") &&
	   !strcmp(rn_file(DRV "kmem/new_id"), "dax3.0") &&
	   !strcmp(rn_file(DRV "kmem/remove_id"), "dax3.0"),
	   "online of a devdax device: device_dax unbind, kmem new_id, kmem remove_id");
	ok(rc == -EIO && strstr(dcd_strerror(ctx), "dax3.0: not bound to kmem after new_id"),
	   "and a device the kernel did not give to kmem is an error: \"%s\"", dcd_strerror(ctx));

	/* as the kernel leaves it: kmem bound, its block added offline */
	drivers();
	fk_set_driver("dax3.0", "kmem");
	fk_w(MEMD "memory513/state", "offline\n");
	rc = dcd_sysfs_ops.online(ctx, "dax3.0", 1);
	ok(rc == 0 && !strcmp(rn_file(MEMD "memory513/state"), "online_movable") &&
	   !rn_file(DRV "kmem/new_id")[0] && !rn_file(DRV "device_dax/unbind")[0],
	   "kmem bound, block offline: \"online_movable\" to memory513/state, no rebinding");
	fk_w(MEMD "memory513/state", "offline\n");
	rc = dcd_sysfs_ops.online(ctx, "dax3.0", 0);
	ok(rc == 0 && !strcmp(rn_file(MEMD "memory513/state"), "online_kernel"),
	   "zone normal: \"online_kernel\"");
	fk_w(MEMD "memory513/state", "online\n");
	rc = dcd_sysfs_ops.online(ctx, "dax3.0", 1);
	ok(rc == 0 && !strcmp(rn_file(MEMD "memory513/state"), "online\n"),
	   "a block already online is not written again");

	/* dax2.0 is kmem with memory512 online: offline, kmem unbind, device_dax bind */
	rc = dcd_sysfs_ops.offline(ctx, "dax2.0", 1);
	ok(rc == 0 && !strcmp(rn_file(MEMD "memory512/state"), "offline") &&
	   !strcmp(rn_file(DRV "kmem/unbind"), "dax2.0") &&
	   !strcmp(rn_file(DRV "device_dax/bind"), "dax2.0"),
	   "offline: \"offline\" to each online block, kmem unbind, device_dax bind");
	drivers();
	fk_set_driver("dax2.0", "device_dax");
	rc = dcd_sysfs_ops.offline(ctx, "dax2.0", 1);
	ok(rc == 0 && !rn_file(DRV "device_dax/bind")[0] && !rn_file(DRV "kmem/unbind")[0],
	   "offline of a devdax device: nothing written");

	/* giving a release-pending extent back: offline, kmem unbind, no device_dax */
	drivers();
	fk_set_driver("dax2.0", "kmem");
	fk_w(MEMD "memory512/state", "online\n");
	rc = dcd_sysfs_ops.offline(ctx, "dax2.0", 0);
	ok(rc == 0 && !strcmp(rn_file(MEMD "memory512/state"), "offline") &&
	   !strcmp(rn_file(DRV "kmem/unbind"), "dax2.0") && !rn_file(DRV "device_dax/bind")[0],
	   "offline without devdax: \"offline\" to the block, kmem unbind, no device_dax bind");

	/* a block the user may not write: its name and the reason */
	fk_w(MEMD "memory513/state", "offline\n");
	chmod(fk_p(MEMD "memory513/state"), 0444);
	nopriv_begin();
	rc = dcd_sysfs_ops.online(ctx, "dax3.0", 1);
	nopriv_end();
	ok(rc == -EACCES && strstr(dcd_strerror(ctx), "dax3.0: memory513: online_movable: "),
	   "an unwritable block state: -EACCES, \"%s\"", dcd_strerror(ctx));
	chmod(fk_p(DRV "device_dax/unbind"), 0444);
	fk_set_driver("dax3.0", "device_dax");
	nopriv_begin();
	rc = dcd_sysfs_ops.online(ctx, "dax3.0", 1);
	nopriv_end();
	ok(rc == -EACCES && !strcmp(dcd_strerror(ctx), "dax3.0: device_dax unbind: permission denied"),
	   "an unwritable unbind: \"%s\"", dcd_strerror(ctx));

	dcd_ctx_free(ctx);
	fk_cleanup();
	return done();
}
