/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake sysfs tree for dcdctl tests, in a temp dir, as cxl_dcd 0.3 lays
 * it out (Documentation/ABI/testing/sysfs-bus-cxl-dcd):
 *
 *   mem0: DC, 2 DC regions (0: 1 GiB at DPA 0, 1: 256 MiB at 1 GiB,
 *         sanitize on release), orphan 0x40000000+0x200000 in DC region 1
 *   mem1: not DC (no dcd/)
 *   region0 (HPA 0x1000000000, target0 decoder2.0 under mem0), dax_region0:
 *     extent0.1 dpa 0x0        128 MiB untagged  accepted        dax2.0 system-ram movable node 1
 *     extent0.2 dpa 0x8000000  128 MiB tagged    accepted        dax3.0 devdax
 *     extent0.3 dpa 0x10000000 256 MiB untagged  release-pending dax4.0 system-ram normal node 1
 *     extent0.4 dpa 0x20000000   2 MiB untagged  accepted        no DAX device
 *   memory blocks of 128 MiB: extent0.1 = memory512, extent0.3 = memory514-515
 *
 * A fake online/offline backend edits the tree as kmem/device_dax would.
 */
#ifndef DCDCTL_FAKE_H
#define DCDCTL_FAKE_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libdcd.h"

#define TAG2 "6a8e3f4c-1b2d-4e5f-8a9b-0c1d2e3f4a5b"
#define HPA0 0x1000000000ULL
#define BLK 0x8000000ULL

static char fk_root[256];

static __attribute__((format(printf, 1, 2))) const char *fk_p(const char *fmt, ...)
{
	static char bufs[4][1024];
	static int n;
	char *b = bufs[n++ & 3];
	size_t l;
	va_list ap;

	l = (size_t)snprintf(b, 1024, "%s/", fk_root);
	va_start(ap, fmt);
	vsnprintf(b + l, 1024 - l, fmt, ap);
	va_end(ap);
	return b;
}

static void fk_mkdirs(const char *path)
{
	char b[1024], *s;

	snprintf(b, sizeof(b), "%s", path);
	for (s = b + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(b, 0755);
			*s = '/';
		}
	mkdir(b, 0755);
}

/* write <rel> = content, making parents */
static void fk_w(const char *rel, const char *content)
{
	char dir[1024], *s;
	const char *p = fk_p("%s", rel);
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", p);
	s = strrchr(dir, '/');
	*s = '\0';
	fk_mkdirs(dir);
	f = fopen(p, "w");
	if (!f)
		abort();
	fputs(content, f);
	fclose(f);
}

static void fk_link(const char *target, const char *rel)
{
	const char *p = fk_p("%s", rel);

	unlink(p);
	if (symlink(target, p))
		abort();
}

static void fk_rm_rf(const char *p)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p);
	if (system(cmd))
		abort();
}

#define CXL "sys/bus/cxl/devices/"
#define DAXD "sys/bus/dax/devices/"
#define MEMD "sys/devices/system/memory/"

static void fk_block(unsigned long long k, const char *state, const char *zone)
{
	char b[256];

	snprintf(b, sizeof(b), MEMD "memory%llu/state", k);
	fk_w(b, state);
	snprintf(b, sizeof(b), MEMD "memory%llu/valid_zones", k);
	fk_w(b, zone);
	snprintf(b, sizeof(b), MEMD "memory%llu/node1", k);
	fk_mkdirs(fk_p("%s", b));
}

static void fk_dax(int id, unsigned long long res, unsigned long long size, const char *drv)
{
	char b[256], v[64];

	snprintf(b, sizeof(b), DAXD "dax%d.0/resource", id);
	snprintf(v, sizeof(v), "0x%llx\n", res);
	fk_w(b, v);
	snprintf(b, sizeof(b), DAXD "dax%d.0/size", id);
	snprintf(v, sizeof(v), "%llu\n", size);
	fk_w(b, v);
	snprintf(b, sizeof(b), DAXD "dax%d.0/target_node", id);
	fk_w(b, "1\n");
	snprintf(b, sizeof(b), DAXD "dax%d.0/driver", id);
	unlink(fk_p("%s", b));
	if (drv) {
		snprintf(v, sizeof(v), "../../../../bus/dax/drivers/%s", drv);
		fk_link(v, b);
	}
}

static void fk_extent(int y, unsigned long long dpa, unsigned long long len, const char *uuid,
		      const char *state, int dax)
{
	char b[256], v[128];

#define X(attr, fmt, val) \
	snprintf(b, sizeof(b), CXL "dax_region0/extent0.%d/" attr, y); \
	snprintf(v, sizeof(v), fmt, val); \
	fk_w(b, v)
	X("dpa", "0x%llx\n", dpa);
	X("offset", "0x%llx\n", dpa);
	X("length", "0x%llx\n", len);
	X("uuid", "%s\n", uuid);
	X("state", "%s\n", state);
#undef X
	if (dax >= 0) {
		snprintf(b, sizeof(b), CXL "dax_region0/extent0.%d/dax", y);
		snprintf(v, sizeof(v), "../../../../bus/dax/devices/dax%d.0", dax);
		fk_link(v, b);
	}
}

#define NULLUUID "00000000-0000-0000-0000-000000000000"

/* build the tree above; returns the root */
static const char *fk_build(void)
{
	if (!fk_root[0]) {
		snprintf(fk_root, sizeof(fk_root), "/tmp/dcdctl-test.XXXXXX");
		if (!mkdtemp(fk_root))
			abort();
	} else {
		fk_rm_rf(fk_root);
		fk_mkdirs(fk_root);
	}
	fk_mkdirs(fk_p("sys/module/cxl_dcd"));
	fk_w(CXL "mem0/dynamic_ram_1/size", "0x50000000\n");
	fk_w(CXL "mem0/dcd/region_count", "2\n");
	fk_w(CXL "mem0/dcd/region0/base", "0x0\n");
	fk_w(CXL "mem0/dcd/region0/decode_length", "0x40000000\n");
	fk_w(CXL "mem0/dcd/region0/length", "0x40000000\n");
	fk_w(CXL "mem0/dcd/region0/block_size", "0x200000\n");
	fk_w(CXL "mem0/dcd/region0/dsmad_handle", "0\n");
	fk_w(CXL "mem0/dcd/region0/flags", "0x0\n");
	fk_w(CXL "mem0/dcd/region1/base", "0x40000000\n");
	fk_w(CXL "mem0/dcd/region1/decode_length", "0x10000000\n");
	fk_w(CXL "mem0/dcd/region1/length", "0x10000000\n");
	fk_w(CXL "mem0/dcd/region1/block_size", "0x200000\n");
	fk_w(CXL "mem0/dcd/region1/dsmad_handle", "1\n");
	fk_w(CXL "mem0/dcd/region1/flags", "0x1\n");
	fk_w(CXL "mem0/dcd/orphans", "0x40000000 0x200000\n");
	fk_mkdirs(fk_p(CXL "mem1"));
	/* decoder2.0 lives under mem0's endpoint */
	fk_mkdirs(fk_p("sys/devices/platform/ACPI0017:00/root0/port1/mem0/endpoint2/decoder2.0"));
	fk_link("../../../devices/platform/ACPI0017:00/root0/port1/mem0/endpoint2/decoder2.0",
		CXL "decoder2.0");
	fk_w(CXL "region0/resource", "0x1000000000\n");
	fk_w(CXL "region0/target0", "decoder2.0\n");
	fk_mkdirs(fk_p(CXL "dax_region0"));
	fk_extent(1, 0x0, BLK, NULLUUID, "accepted", 2);
	fk_extent(2, BLK, BLK, TAG2, "accepted", 3);
	fk_extent(3, 2 * BLK, 2 * BLK, NULLUUID, "release-pending", 4);
	fk_extent(4, 4 * BLK, 0x200000, NULLUUID, "accepted", -1);
	fk_w(MEMD "block_size_bytes", "8000000\n");
	fk_dax(2, HPA0, BLK, "kmem");
	fk_dax(3, HPA0 + BLK, BLK, "device_dax");
	fk_dax(4, HPA0 + 2 * BLK, 2 * BLK, "kmem");
	fk_block(512, "online\n", "Movable\n");
	fk_block(514, "online\n", "Normal\n");
	fk_block(515, "online\n", "Normal\n");
	setenv("DCDCTL_SYSFS_ROOT", fk_root, 1);
	return fk_root;
}

static void fk_cleanup(void)
{
	if (fk_root[0])
		fk_rm_rf(fk_root);
}

/* ---- fake online/offline backend ---- */

struct fk_ops_state {
	int fail;		/* -errno returned by the next action */
	int noop;		/* act "successfully" but change nothing */
	int calls;
};

static int fk_dax_blocks(const char *dax, unsigned long long *first, unsigned long long *last)
{
	char b[256];
	unsigned long long res, size;
	FILE *f;

	snprintf(b, sizeof(b), "%s/" DAXD "%s/resource", fk_root, dax);
	f = fopen(b, "r");
	if (!f || fscanf(f, "%llx", &res) != 1)
		abort();
	fclose(f);
	snprintf(b, sizeof(b), "%s/" DAXD "%s/size", fk_root, dax);
	f = fopen(b, "r");
	if (!f || fscanf(f, "%llu", &size) != 1)
		abort();
	fclose(f);
	*first = (res + BLK - 1) / BLK;
	*last = (res + size) / BLK;
	return 0;
}

static void fk_set_driver(const char *dax, const char *drv)
{
	char b[256], v[128];

	snprintf(b, sizeof(b), DAXD "%s/driver", dax);
	snprintf(v, sizeof(v), "../../../../bus/dax/drivers/%s", drv);
	fk_link(v, b);
}

static int fk_online(struct dcd_ctx *ctx, const char *dax, int movable)
{
	struct fk_ops_state *s = dcd_dax_ops_priv(ctx);
	unsigned long long k, first, last;

	s->calls++;
	if (s->fail)
		return dcd_seterr(ctx, s->fail, "%s: online memory: fake failure", dax);
	if (s->noop)
		return 0;
	fk_set_driver(dax, "kmem");
	fk_dax_blocks(dax, &first, &last);
	for (k = first; k < last; k++)
		fk_block(k, "online\n", movable ? "Movable\n" : "Normal\n");
	return 0;
}

static void fk_unset_driver(const char *dax)
{
	char b[256];

	snprintf(b, sizeof(b), DAXD "%s/driver", dax);
	unlink(fk_p("%s", b));
}

static int fk_offline(struct dcd_ctx *ctx, const char *dax, int devdax)
{
	struct fk_ops_state *s = dcd_dax_ops_priv(ctx);
	unsigned long long k, first, last;
	char b[256];

	s->calls++;
	if (s->fail)
		return dcd_seterr(ctx, s->fail, "%s: offline memory: memory busy (pages in use)",
				  dax);
	if (s->noop)
		return 0;
	fk_dax_blocks(dax, &first, &last);
	for (k = first; k < last; k++) {
		snprintf(b, sizeof(b), MEMD "memory%llu", k);
		fk_rm_rf(fk_p("%s", b));
	}
	if (devdax)
		fk_set_driver(dax, "device_dax");
	else
		fk_unset_driver(dax);
	return 0;
}

static const struct dcd_dax_ops fk_ops = { .online = fk_online, .offline = fk_offline };

#endif
