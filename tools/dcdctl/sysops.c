// SPDX-License-Identifier: GPL-2.0
/*
 * The online/offline backend of dcdctl and its monitor: the dax bus and
 * memory block sysfs files, written directly, as libdaxctl writes them
 * (device_dax unbind; kmem new_id, which binds; memoryN/state), under the
 * context's root.
 *
 * Why not libdaxctl (daxops.c): its context lists DAX devices once and
 * cannot be refreshed, and every new extent is a new DAX device, so each
 * action needed a fresh context that enumerates every DAX device and looks
 * up each one's module alias: 15-37 ms of the 68-108 ms between "DAX
 * device ready" and "kmem probes" under TCG (Documentation/performance.rst).
 * libdaxctl still loads the modules when kmem or device_dax is not loaded
 * (it calls libkmod); the daemon's unit loads them beforehand.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "dcdctl.h"

#define DAXB "sys/bus/dax"

static int drv_write(struct dcd_ctx *ctx, const char *drv, const char *attr, const char *dax)
{
	char p[PATH_MAX];
	int rc;

	dcd_path(ctx, p, sizeof(p), DAXB "/drivers/%s/%s", drv, attr);
	rc = util_sysfs_write(p, dax);
	if (rc == -EACCES)
		return dcd_seterr(ctx, rc, "%s: %s %s: permission denied", dax, drv, attr);
	if (rc == -EBUSY)
		return dcd_seterr(ctx, rc, "%s: %s %s: memory busy (pages in use)", dax, drv, attr);
	if (rc)
		return dcd_seterr(ctx, rc, "%s: %s %s: %s", dax, drv, attr, strerror(-rc));
	return 0;
}

static int drv_loaded(struct dcd_ctx *ctx, const char *drv)
{
	char p[PATH_MAX];

	dcd_path(ctx, p, sizeof(p), DAXB "/drivers/%s", drv);
	return util_sysfs_exists(p);
}

/* write state to every block of mem that is not in it yet ("online_movable", "offline") */
static int blocks_set(struct dcd_ctx *ctx, const char *dax, const struct dcd_mem *mem,
		      const char *state)
{
	char p[PATH_MAX], cur[32];
	uint64_t k;
	int rc;

	for (k = mem->first_block; k < mem->first_block + (uint64_t)mem->blocks; k++) {
		dcd_path(ctx, p, sizeof(p), "sys/devices/system/memory/memory%llu/state",
			 (unsigned long long)k);
		rc = util_sysfs_read(p, cur, sizeof(cur));
		if (rc == -ENOENT)
			continue;
		if (!rc && !strcmp(cur, state[0] == 'o' && state[1] == 'n' ? "online" : state))
			continue;
		rc = util_sysfs_write(p, state);
		if (rc == -EBUSY)
			return dcd_seterr(ctx, rc, "%s: memory%llu: %s: memory busy (pages in use)",
					  dax, (unsigned long long)k, state);
		if (rc)
			return dcd_seterr(ctx, rc, "%s: memory%llu: %s: %s", dax,
					  (unsigned long long)k, state, strerror(-rc));
	}
	return 0;
}

static int dax_mode(struct dcd_ctx *ctx, const char *dax, enum dcd_dax_mode *mode)
{
	char p[PATH_MAX], drv[64];
	int rc;

	dcd_path(ctx, p, sizeof(p), DAXB "/devices/%s/driver", dax);
	rc = util_sysfs_link_name(p, drv, sizeof(drv));
	if (rc == -ENOENT) {
		dcd_path(ctx, p, sizeof(p), DAXB "/devices/%s", dax);
		if (!util_sysfs_exists(p))
			return dcd_seterr(ctx, -ENOENT, "%s: no such DAX device", dax);
		*mode = DCD_MODE_DISABLED;
		return 0;
	}
	if (rc)
		return dcd_seterr(ctx, rc, "%s: driver: %s", dax, strerror(-rc));
	*mode = !strcmp(drv, "kmem") ? DCD_MODE_SYSTEM_RAM :
		!strcmp(drv, "device_dax") ? DCD_MODE_DEVDAX : DCD_MODE_UNKNOWN;
	return 0;
}

static int sys_online(struct dcd_ctx *ctx, const char *dax, int movable)
{
	struct dcd_mem mem;
	int rc;

	if (!drv_loaded(ctx, "kmem"))
		return dcd_libdaxctl_ops.online(ctx, dax, movable);	/* loads it */
	/* the driver decides the first step: one link, not the whole state */
	if ((rc = dax_mode(ctx, dax, &mem.mode)))
		return rc;
	if (mem.mode == DCD_MODE_DEVDAX) {
		dcd_mark("sysfs: %s unbind device_dax", dax);
		if ((rc = drv_write(ctx, "device_dax", "unbind", dax)))
			return rc;
		mem.mode = DCD_MODE_DISABLED;
	}
	if (mem.mode == DCD_MODE_DISABLED) {
		dcd_mark("sysfs: %s kmem new_id", dax);
		/* the dax bus binds on new_id; the id goes again, so a later
		 * device of this name is not claimed by kmem behind the policy */
		if ((rc = drv_write(ctx, "kmem", "new_id", dax)))
			return rc;
		drv_write(ctx, "kmem", "remove_id", dax);
	} else if (mem.mode != DCD_MODE_SYSTEM_RAM) {
		return dcd_seterr(ctx, -EBUSY, "%s: bound to another driver", dax);
	}
	if ((rc = dcd_dax_mem(ctx, dax, &mem)))
		return rc;
	if (mem.mode != DCD_MODE_SYSTEM_RAM)
		return dcd_seterr(ctx, -EIO, "%s: not bound to kmem after new_id", dax);
	dcd_mark("sysfs: %s onlining %d blocks", dax, mem.blocks);
	return blocks_set(ctx, dax, &mem, movable ? "online_movable" : "online_kernel");
}

static int sys_offline(struct dcd_ctx *ctx, const char *dax, int devdax)
{
	struct dcd_mem mem;
	int rc;

	if (!drv_loaded(ctx, "device_dax"))
		return dcd_libdaxctl_ops.offline(ctx, dax, devdax);	/* loads it */
	if ((rc = dcd_dax_mem(ctx, dax, &mem)))
		return rc;
	if (mem.mode == DCD_MODE_SYSTEM_RAM) {
		if ((rc = blocks_set(ctx, dax, &mem, "offline")))
			return rc;
		if ((rc = drv_write(ctx, "kmem", "unbind", dax)))
			return rc;
		mem.mode = DCD_MODE_DISABLED;
	}
	if (mem.mode == DCD_MODE_DISABLED)
		return devdax ? drv_write(ctx, "device_dax", "bind", dax) : 0;
	if (mem.mode != DCD_MODE_DEVDAX)
		return dcd_seterr(ctx, -EBUSY, "%s: bound to another driver", dax);
	return 0;
}

const struct dcd_dax_ops dcd_sysfs_ops = {
	.online = sys_online,
	.offline = sys_offline,
};
