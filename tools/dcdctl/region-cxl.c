// SPDX-License-Identifier: GPL-2.0
/*
 * create-region / destroy-region on the real sysfs through libcxl (ndctl
 * 76.1, Debian 12): the topology walk (memdev, endpoint port, the root
 * decoders that reach it, free endpoint decoders) and every programming
 * step libcxl 76.1 has a call for. One step goes to sysfs directly:
 *
 *   create_ram_region - libcxl 76.1 can create pmem regions only
 *                       (cxl_decoder_create_pmem_region()); ram region
 *                       creation arrived in later ndctl releases.
 *
 * libcxl reads /sys itself, so a fake tree (DCDCTL_SYSFS_ROOT, the unit
 * tests) takes the sysfs steps of region.c instead.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <cxl/libcxl.h>

#include "dcdctl.h"
#include "region.h"

/* libcxl's last complaint, added to our one error line */
static char cx_msg[256];

static void cx_log(struct cxl_ctx *cx, int prio, const char *file, int line, const char *fn,
		   const char *fmt, va_list ap)
{
	(void)cx; (void)prio; (void)file; (void)line; (void)fn;
	vsnprintf(cx_msg, sizeof(cx_msg), fmt, ap);
	cx_msg[strcspn(cx_msg, "\n")] = '\0';
}

static int cx_open(struct dcd_ctx *ctx, struct cxl_ctx **cx)
{
	int rc = cxl_new(cx);

	if (rc)
		return dcd_seterr(ctx, rc, "libcxl: %s", strerror(-rc));
	cx_msg[0] = '\0';
	cxl_set_log_fn(*cx, cx_log);
	cxl_set_log_priority(*cx, LOG_ERR);
	return 0;
}

/* a failed libcxl step: "<dev>: <what>: <strerror>" (+ libcxl's message) */
static int cx_fail(struct dcd_ctx *ctx, int rc, const char *dev, const char *what)
{
	if (rc >= 0)
		rc = -EIO;
	if (rc == -EPERM)
		rc = -EACCES;
	if (cx_msg[0])
		return dcd_seterr(ctx, rc, "%s: %s: %s (libcxl: %s)", dev, what, strerror(-rc),
				  cx_msg);
	return dcd_seterr(ctx, rc, "%s: %s: %s", dev, what, strerror(-rc));
}

static struct cxl_memdev *cx_memdev(struct cxl_ctx *cx, const char *name)
{
	struct cxl_memdev *m;

	cxl_memdev_foreach(cx, m)
		if (!strcmp(cxl_memdev_get_devname(m), name))
			return m;
	return NULL;
}

static struct cxl_region *cx_region(struct cxl_ctx *cx, const char *name,
				    struct cxl_decoder **root)
{
	struct cxl_decoder *d;
	struct cxl_region *r;
	struct cxl_bus *bus;

	cxl_bus_foreach(cx, bus)
		cxl_decoder_foreach(cxl_bus_get_port(bus), d)
			cxl_region_foreach(d, r)
				if (!strcmp(cxl_region_get_devname(r), name)) {
					if (root)
						*root = d;
					return r;
				}
	return NULL;
}

/* the root decoder: the one asked for, else the lowest with cap_ram that reaches m */
static int cx_root_decoder(struct dcd_ctx *ctx, struct cxl_ctx *cx, struct cxl_memdev *m,
			   struct dcd_region_plan *pl, struct cxl_decoder **out)
{
	struct cxl_decoder *d, *best = NULL;
	struct cxl_bus *bus;
	int nr_ram = 0;

	if (pl->root[0]) {
		d = cxl_decoder_get_by_name(cx, pl->root);
		if (!d || !cxl_port_is_root(cxl_decoder_get_port(d)))
			return dcd_seterr(ctx, -ENOENT, "%s: no such root decoder", pl->root);
		if (!cxl_decoder_is_volatile_capable(d))
			return dcd_seterr(ctx, -EINVAL, "%s: not volatile capable (cap_ram 0)",
					  pl->root);
		if (!cxl_decoder_get_target_by_memdev(d, m))
			return dcd_seterr(ctx, -EINVAL, "%s: does not reach %s", pl->root,
					  pl->memdev);
		*out = d;
		return 0;
	}
	cxl_bus_foreach(cx, bus)
		cxl_decoder_foreach(cxl_bus_get_port(bus), d) {
			if (!cxl_decoder_is_volatile_capable(d))
				continue;
			nr_ram++;
			if (!cxl_decoder_get_target_by_memdev(d, m))
				continue;
			if (!best || cxl_decoder_get_id(d) < cxl_decoder_get_id(best))
				best = d;
		}
	if (!best)
		return dcd_seterr(ctx, -ENXIO, "%s: no root decoder with cap_ram reaches it%s",
				  pl->memdev, nr_ram ? ": choose one with -d" : "");
	snprintf(pl->root, sizeof(pl->root), "%s", cxl_decoder_get_devname(best));
	*out = best;
	return 0;
}

int dcd_cxl_create_region(struct dcd_ctx *ctx, struct dcd_region_plan *pl, int has_size)
{
	struct cxl_decoder *root = NULL, *epd = NULL, *d;
	struct cxl_region *region = NULL;
	struct cxl_endpoint *ep;
	struct cxl_memdev *m;
	struct cxl_port *port;
	struct cxl_ctx *cx;
	unsigned long long used = 0, ram, v;
	char p[PATH_MAX], a[64], b[64];
	int rc, step = 0;

	if ((rc = cx_open(ctx, &cx)))
		return rc;
	/* the topology walk */
	m = cx_memdev(cx, pl->memdev);
	if (!m) {
		rc = dcd_seterr(ctx, -ENOENT, "%s: not found by libcxl", pl->memdev);
		goto out;
	}
	ep = cxl_memdev_get_endpoint(m);
	if (!ep) {
		rc = dcd_seterr(ctx, -ENXIO, "%s: no endpoint port (is cxl_mem bound?)",
				pl->memdev);
		goto out;
	}
	snprintf(pl->ep, sizeof(pl->ep), "%s", cxl_endpoint_get_devname(ep));
	if ((rc = cx_root_decoder(ctx, cx, m, pl, &root)))
		goto out;
	port = cxl_endpoint_get_port(ep);
	cxl_decoder_foreach(port, d) {
		v = cxl_decoder_get_dpa_size(d);
		if (v == ULLONG_MAX) {
			rc = dcd_seterr(ctx, -EIO, "%s: dpa_size unreadable",
					cxl_decoder_get_devname(d));
			goto out;
		}
		used += v;
		if (!v && (!epd || cxl_decoder_get_id(d) < cxl_decoder_get_id(epd)))
			epd = d;
	}
	if (!epd) {
		rc = dcd_seterr(ctx, -EBUSY, "%s: every decoder of %s is in use", pl->memdev,
				pl->ep);
		goto out;
	}
	snprintf(pl->epd, sizeof(pl->epd), "%s", cxl_decoder_get_devname(epd));
	/* cxl_dcd registers the DC partition as the core's ram partition */
	ram = cxl_memdev_get_ram_size(m);
	v = used < ram ? ram - used : 0;
	if (!has_size)
		pl->size = v & ~(DCD_REGION_ALIGN - 1);
	if (!pl->size) {
		rc = dcd_seterr(ctx, -ENOSPC, "%s: no free DC capacity of 256 MiB or more",
				pl->memdev);
		goto out;
	}
	if (pl->size > v) {
		rc = dcd_seterr(ctx, -ENOSPC, "%s: %s requested, only %s of DC capacity free",
				pl->memdev, util_size_human(pl->size, a, sizeof(a)),
				util_size_human(v, b, sizeof(b)));
		goto out;
	}
	pl->ig = cxl_decoder_get_interleave_granularity(root);

	/* 1. a new region: sysfs, libcxl 76.1 has no call for ram regions */
	dcd_path(ctx, p, sizeof(p), "sys/bus/cxl/devices/%s/create_ram_region", pl->root);
	if ((rc = dcd_read(ctx, p, pl->region, sizeof(pl->region))))
		goto out;
	if (!util_is_dev(UTIL_DEV_REGION, pl->region)) {
		rc = dcd_seterr(ctx, -EINVAL, "%s: create_ram_region: malformed value '%s'",
				pl->root, pl->region);
		goto out;
	}
	if ((rc = dcd_write(ctx, p, pl->region)))
		goto out;
	/* a new context: libcxl lists objects once, the region is new */
	cxl_unref(cx);
	if ((rc = cx_open(ctx, &cx))) {
		cx = NULL;
		goto out;
	}
	region = cx_region(cx, pl->region, NULL);
	epd = cxl_decoder_get_by_name(cx, pl->epd);
	if (!region || !epd) {
		rc = dcd_seterr(ctx, -ENXIO, "%s: %s not found by libcxl after creating it",
				pl->root, region ? pl->epd : pl->region);
		dcd_path(ctx, p, sizeof(p), "sys/bus/cxl/devices/%s/delete_region", pl->root);
		util_sysfs_write(p, pl->region);
		goto out;
	}
	step = 1;
#define STEP(call, dev, what) \
	do { \
		cx_msg[0] = '\0'; \
		rc = (call); \
		if (rc) { \
			rc = cx_fail(ctx, rc, dev, what); \
			goto undo; \
		} \
		step++; \
	} while (0)
	/* 2. geometry and HPA */
	STEP(cxl_region_set_interleave_ways(region, 1), pl->region, "interleave_ways");
	STEP(cxl_region_set_interleave_granularity(region, (unsigned int)pl->ig), pl->region,
	     "interleave_granularity");
	STEP(cxl_region_set_size(region, pl->size), pl->region, "size");		/* 4 */
	/* 3. DPA of the DC ("ram") partition */
	if (cxl_decoder_get_mode(epd) != CXL_DECODER_MODE_RAM)
		STEP(cxl_decoder_set_mode(epd, CXL_DECODER_MODE_RAM), pl->epd, "mode");
	else
		step++;
	STEP(cxl_decoder_set_dpa_size(epd, pl->size), pl->epd, "dpa_size");		/* 6 */
	/* 4. attach, commit, enable */
	STEP(cxl_region_set_target(region, 0, epd), pl->region, "target0");		/* 7 */
	STEP(cxl_region_decode_commit(region), pl->region, "commit");			/* 8 */
	STEP(cxl_region_enable(region), pl->region, "enable (bind to cxl_region)");	/* 9 */
#undef STEP
	rc = 0;
	goto out;
undo:
	{
		/* keep the first error's message; report failures of the undo */
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", dcd_strerror(ctx));
		if (step >= 8 && cxl_region_decode_reset(region))
			fprintf(stderr, "%s: undo: commit 0 failed\n", pl->region);
		if (step >= 7 && cxl_region_clear_target(region, 0))
			fprintf(stderr, "%s: undo: clearing target0 failed\n", pl->region);
		if (step >= 6 && cxl_decoder_set_dpa_size(epd, 0))
			fprintf(stderr, "%s: undo: dpa_size 0 failed\n", pl->epd);
		if (step >= 4 && cxl_region_set_size(region, 0))
			fprintf(stderr, "%s: undo: size 0 failed\n", pl->region);
		if (cxl_region_delete(region))
			fprintf(stderr, "%s: undo: delete_region failed\n", pl->region);
		dcd_seterr(ctx, 0, "%s", msg);
	}
out:
	if (cx)
		cxl_unref(cx);
	return rc;
}

int dcd_cxl_region_target(struct dcd_ctx *ctx, const char *name, char *epd, char *memdev)
{
	struct cxl_decoder *d;
	struct cxl_region *r;
	struct cxl_memdev *m;
	struct cxl_ctx *cx;
	int rc;

	epd[0] = memdev[0] = '\0';
	if ((rc = cx_open(ctx, &cx)))
		return rc;
	r = cx_region(cx, name, NULL);
	if (!r) {
		rc = dcd_seterr(ctx, -ENOENT, "%s: no such region", name);
		goto out;
	}
	d = cxl_region_get_target_decoder(r, 0);
	if (d) {
		snprintf(epd, DCD_NAME_MAX, "%s", cxl_decoder_get_devname(d));
		m = cxl_decoder_get_memdev(d);
		if (m)
			snprintf(memdev, DCD_NAME_MAX, "%s", cxl_memdev_get_devname(m));
	}
out:
	cxl_unref(cx);
	return rc;
}

int dcd_cxl_teardown_region(struct dcd_ctx *ctx, const char *name)
{
	struct cxl_decoder *epd;
	struct cxl_region *r;
	struct cxl_ctx *cx;
	int rc;

	if ((rc = cx_open(ctx, &cx)))
		return rc;
	r = cx_region(cx, name, NULL);
	if (!r) {
		rc = dcd_seterr(ctx, -ENOENT, "%s: no such region", name);
		goto out;
	}
	epd = cxl_region_get_target_decoder(r, 0);
	/* unbinding makes cxl_dcd release the region's extents to the device */
	if (cxl_region_is_enabled(r) && (rc = cxl_region_disable(r))) {
		rc = cx_fail(ctx, rc, name, "disable (unbind from cxl_region)");
		goto out;
	}
	if (cxl_region_decode_is_committed(r) && (rc = cxl_region_decode_reset(r))) {
		rc = cx_fail(ctx, rc, name, "commit 0");
		goto out;
	}
	if (epd) {
		if ((rc = cxl_region_clear_target(r, 0))) {
			rc = cx_fail(ctx, rc, name, "clear target0");
			goto out;
		}
		if ((rc = cxl_decoder_set_dpa_size(epd, 0))) {
			rc = cx_fail(ctx, rc, cxl_decoder_get_devname(epd), "dpa_size 0");
			goto out;
		}
	}
	if ((rc = cxl_region_delete(r)))
		rc = cx_fail(ctx, rc, name, "delete_region");
out:
	cxl_unref(cx);
	return rc;
}
