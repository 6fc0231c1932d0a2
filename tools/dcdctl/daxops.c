// SPDX-License-Identifier: GPL-2.0
/*
 * The real online/offline backend: libdaxctl (ndctl 76.1). Only used when
 * the sysfs root is "/" (libdaxctl reads /sys itself). libdcd re-reads and
 * checks the state afterwards; these only act and report.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <daxctl/libdaxctl.h>

#include "dcdctl.h"
#include "libdcd.h"

static int find_dev(struct dcd_ctx *ctx, struct daxctl_ctx *dctx, const char *name,
		    struct daxctl_dev **out)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev;

	daxctl_region_foreach(dctx, region)
		daxctl_dev_foreach(region, dev)
			if (!strcmp(daxctl_dev_get_devname(dev), name)) {
				*out = dev;
				return 0;
			}
	return dcd_seterr(ctx, -ENOENT, "%s: not found by libdaxctl", name);
}

static int open_dev(struct dcd_ctx *ctx, const char *name, struct daxctl_ctx **dctx,
		    struct daxctl_dev **dev)
{
	int rc = daxctl_new(dctx);

	if (rc < 0)
		return dcd_seterr(ctx, rc, "%s: libdaxctl: %s", name, strerror(-rc));
	rc = find_dev(ctx, *dctx, name, dev);
	if (rc) {
		daxctl_unref(*dctx);
		*dctx = NULL;
	}
	return rc;
}

/* 1 if bound to kmem (libdaxctl has no public mode getter in 76.1) */
static int is_kmem(const char *dax)
{
	char p[PATH_MAX], buf[PATH_MAX];
	ssize_t n;

	snprintf(p, sizeof(p), "/sys/bus/dax/devices/%s/driver", dax);
	n = readlink(p, buf, sizeof(buf) - 1);
	if (n < 0)
		return 0;
	buf[n] = '\0';
	n = (ssize_t)strlen(buf);
	return n >= 5 && !strcmp(buf + n - 5, "/kmem");
}

static int msg(struct dcd_ctx *ctx, int rc, const char *dax, const char *what)
{
	if (rc == -EBUSY)
		return dcd_seterr(ctx, rc, "%s: %s: memory busy (pages in use)", dax, what);
	if (rc == -EACCES || rc == -EPERM)
		return dcd_seterr(ctx, -EACCES, "%s: %s: permission denied", dax, what);
	return dcd_seterr(ctx, rc, "%s: %s: %s", dax, what, strerror(-rc));
}

/* Unbind @dev from its driver (@from mode) if bound, then bind it as @to. */
static int rebind(struct dcd_ctx *ctx, struct daxctl_dev *dev, const char *dax,
		  const char *from, int (*enable)(struct daxctl_dev *), const char *to)
{
	char what[32];
	int rc;

	if (daxctl_dev_is_enabled(dev)) {
		dcd_mark("libdaxctl: %s disable", dax);
		rc = daxctl_dev_disable(dev);
		if (rc < 0) {
			snprintf(what, sizeof(what), "disable %s", from);
			return msg(ctx, rc, dax, what);
		}
	}
	dcd_mark("libdaxctl: %s enable %s", dax, to);
	rc = enable(dev);
	if (rc < 0) {
		snprintf(what, sizeof(what), "enable %s", to);
		return msg(ctx, rc, dax, what);
	}
	return 0;
}

static int dax_online(struct dcd_ctx *ctx, const char *dax, int movable)
{
	struct daxctl_ctx *dctx;
	struct daxctl_dev *dev;
	struct daxctl_memory *mem;
	int rc;

	dcd_mark("libdaxctl: new context");
	rc = open_dev(ctx, dax, &dctx, &dev);
	if (rc)
		return rc;
	dcd_mark("libdaxctl: %s found", dax);
	mem = NULL;
	if (daxctl_dev_is_enabled(dev) && is_kmem(dax))
		mem = daxctl_dev_get_memory(dev);
	if (!mem) {
		/* devdax or disabled: rebind to kmem */
		rc = rebind(ctx, dev, dax, "devdax", daxctl_dev_enable_ram, "system-ram");
		if (rc)
			goto out;
		mem = daxctl_dev_get_memory(dev);
		if (!mem) {
			rc = dcd_seterr(ctx, -ENXIO, "%s: no memory blocks after enabling system-ram",
					dax);
			goto out;
		}
	}
	dcd_mark("libdaxctl: %s system-ram, onlining", dax);
	rc = movable ? daxctl_memory_online(mem) : daxctl_memory_online_no_movable(mem);
	if (rc < 0) {
		rc = msg(ctx, rc, dax, "online memory");
		goto out;
	}
	rc = 0;
out:
	daxctl_unref(dctx);
	return rc;
}

static int dax_offline(struct dcd_ctx *ctx, const char *dax, int devdax)
{
	struct daxctl_ctx *dctx;
	struct daxctl_dev *dev;
	struct daxctl_memory *mem;
	int rc;

	rc = open_dev(ctx, dax, &dctx, &dev);
	if (rc)
		return rc;
	mem = daxctl_dev_is_enabled(dev) && is_kmem(dax) ? daxctl_dev_get_memory(dev) : NULL;
	if (mem) {
		rc = daxctl_memory_offline(mem);
		if (rc < 0) {
			rc = msg(ctx, rc, dax, "offline memory");
			goto out;
		}
		if (daxctl_memory_is_online(mem) > 0) {
			rc = dcd_seterr(ctx, -EBUSY, "%s: offline memory: memory busy "
					"(%d sections still online)", dax,
					daxctl_memory_is_online(mem));
			goto out;
		}
	}
	if (devdax) {
		rc = rebind(ctx, dev, dax, "system-ram", daxctl_dev_enable_devdax, "devdax");
	} else if (daxctl_dev_is_enabled(dev)) {
		rc = daxctl_dev_disable(dev);
		if (rc < 0)
			rc = msg(ctx, rc, dax, "disable system-ram");
	}
out:
	daxctl_unref(dctx);
	return rc;
}

const struct dcd_dax_ops dcd_libdaxctl_ops = {
	.online = dax_online,
	.offline = dax_offline,
};
