// SPDX-License-Identifier: GPL-2.0
/* libdcd: enumeration of a fake cxl_dcd sysfs tree, and its error paths */
#include "tap.h"
#include "fake.h"
#include "size.h"
#include "sysfs.h"

#include <errno.h>

static struct dcd_ctx *ctx;

static int reload(void)
{
	dcd_ctx_free(ctx);
	ctx = NULL;
	return dcd_ctx_new(&ctx, NULL);
}

/* build the tree, break one attribute, expect -EINVAL and a message naming it */
static void malformed(const char *rel, const char *val, const char *msg)
{
	int rc;

	fk_build();
	fk_w(rel, val);
	rc = reload();
	ok(rc == -EINVAL && strstr(dcd_strerror(ctx), msg),
	   "malformed %s -> EINVAL, \"%s\"", rel, dcd_strerror(ctx));
	ok(dcd_nr_memdevs(ctx) == 0 && dcd_nr_extents(ctx) == 0,
	   "  and nothing half-enumerated is left");
}

int main(void)
{
	struct dcd_memdev *m;
	struct dcd_extent *e;
	uint64_t v;
	char buf[64];
	int rc;

	/* helpers */
	ok(!util_sysfs_parse_u64("0x10", 16, &v) && v == 16, "parse hex with 0x");
	ok(!util_sysfs_parse_u64("8000000", 16, &v) && v == 0x8000000, "parse hex without 0x");
	ok(util_sysfs_parse_u64("", 16, &v) && util_sysfs_parse_u64("0x", 16, &v) &&
	   util_sysfs_parse_u64("-1", 10, &v) && util_sysfs_parse_u64("12z", 10, &v) &&
	   util_sysfs_parse_u64(" 1", 10, &v) && util_sysfs_parse_u64("0x1ffffffffffffffff", 16, &v),
	   "parse rejects empty, bare 0x, sign, junk, space, overflow");
	ok(!strcmp(util_size_human(128ULL << 20, buf, sizeof(buf)), "128.00 MiB (134.22 MB)"),
	   "human size: %s", buf);
	ok(!strcmp(util_size_human(512, buf, sizeof(buf)), "512"), "small size is plain");

	fk_build();
	rc = reload();
	ok(rc == 0, "enumerates the fake tree (%s)", rc ? dcd_strerror(ctx) : "ok");
	ok(dcd_nr_memdevs(ctx) == 1, "one DC memdev (mem1 has no dcd/)");
	m = dcd_memdev(ctx, 0);
	ok(m && !strcmp(m->name, "mem0") && m->has_dc_size && m->dc_size == 0x50000000,
	   "mem0 with dynamic_ram_1/size");
	ok(m && m->nr_dc_regions == 2 && m->dc_regions[1].base == 0x40000000 &&
	   m->dc_regions[1].length == 0x10000000 && m->dc_regions[1].block_size == 0x200000 &&
	   m->dc_regions[1].dsmad_handle == 1 && m->dc_regions[1].flags == 1,
	   "DC region 1 geometry, dsmad handle and flags");
	ok(dcd_nr_extents(ctx) == 5, "4 extents + 1 orphan");

	e = dcd_extent(ctx, 0);
	ok(e && !strcmp(e->name, "extent0.1") && e->dpa == 0 && e->length == BLK &&
	   e->has_hpa && e->hpa == HPA0 && e->memdev == m && e->dc_region == 0 &&
	   !strcmp(e->region, "region0"), "extent0.1: dpa, length, hpa, memdev, regions");
	ok(e && !strcmp(e->dax, "dax2.0") && e->mem.mode == DCD_MODE_SYSTEM_RAM &&
	   e->mem.blocks == 1 && e->mem.online_blocks == 1 && e->mem.zone == DCD_ZONE_MOVABLE &&
	   e->mem.node == 1 && e->mem.target_node == 1,
	   "extent0.1: dax2.0 system-ram, 1/1 block online, movable, node 1");
	e = dcd_find_extent(ctx, "extent0.2");
	ok(e && !strcmp(e->tag, TAG2) && e->mem.mode == DCD_MODE_DEVDAX &&
	   e->mem.online_blocks == 0 && e->mem.blocks == 1 && e->mem.blocks_present == 0,
	   "extent0.2: tagged, dax3.0 devdax, no block added");
	e = dcd_find_extent(ctx, "dax4.0");
	ok(e && !strcmp(e->name, "extent0.3") && e->state == DCD_EXT_RELEASE_PENDING &&
	   e->mem.blocks == 2 && e->mem.online_blocks == 2 && e->mem.zone == DCD_ZONE_NORMAL,
	   "find by DAX device: extent0.3 release-pending, 2 blocks normal");
	e = dcd_find_extent(ctx, "dax_region0/extent0.4");
	ok(e && !e->dax[0] && e->length == 0x200000, "find by dax_region0/extent0.4: no DAX device");
	ok(!dcd_find_extent(ctx, "extent0.9") && !dcd_find_extent(ctx, "dax_region1/extent0.1") &&
	   !dcd_find_extent(ctx, "dax9.0"), "unknown extents are not found");
	e = dcd_extent(ctx, 4);
	ok(e && e->state == DCD_EXT_ORPHAN && !e->name[0] && e->dpa == 0x40000000 &&
	   e->length == 0x200000 && e->dc_region == 1 && !e->has_hpa,
	   "orphan from memX/dcd/orphans in DC region 1, no HPA");

	/* mixed zones and a partially online range */
	fk_block(515, "offline\n", "Movable Normal\n");
	fk_block(514, "online\n", "Movable\n");
	reload();
	e = dcd_find_extent(ctx, "extent0.3");
	ok(e && e->mem.online_blocks == 1 && e->mem.blocks_present == 2 &&
	   e->mem.zone == DCD_ZONE_MOVABLE, "one of two blocks online: counted");
	fk_block(515, "online\n", "Normal\n");
	reload();
	e = dcd_find_extent(ctx, "extent0.3");
	ok(e && e->mem.zone == DCD_ZONE_MIXED, "blocks in movable and normal: mixed");
	fk_block(515, "going-offline\n", "Normal\n");
	reload();
	e = dcd_find_extent(ctx, "extent0.3");
	ok(e && e->mem.online_blocks == 2 && e->mem.blocks_present == 2,
	   "a block being offlined (\"going-offline\") still counts as online");

	/* disabled DAX device, unknown memdev for a region with no target0 */
	fk_build();
	fk_dax(3, HPA0 + BLK, BLK, NULL);
	reload();
	e = dcd_find_extent(ctx, "extent0.2");
	ok(e && e->mem.mode == DCD_MODE_DISABLED, "DAX device with no driver: disabled");

	/* error paths */
	fk_build();
	fk_rm_rf(fk_p("sys/module/cxl_dcd"));
	rc = reload();
	ok(rc == -DCD_ENOMODULE && !strcmp(dcd_strerror(ctx), "cxl_dcd is not loaded"),
	   "no module -> \"%s\"", dcd_strerror(ctx));
	fk_build();
	fk_rm_rf(fk_p(CXL "mem0/dcd"));
	rc = reload();
	ok(rc == -DCD_ENODCD && strstr(dcd_strerror(ctx), "no DC memdev"),
	   "no DC device -> \"%s\"", dcd_strerror(ctx));
	fk_build();
	fk_rm_rf(fk_p("sys/bus/cxl"));
	rc = reload();
	ok(rc == -DCD_ENODCD, "no cxl bus at all -> no DC memdev");

	malformed(CXL "mem0/dcd/region_count", "two\n", "mem0: dcd/region_count: malformed value 'two'");
	malformed(CXL "mem0/dcd/region_count", "9\n", "out of range");
	malformed(CXL "mem0/dcd/region1/length", "zz\n", "mem0: dcd/region1/length: malformed");
	malformed(CXL "mem0/dcd/region1/block_size", "0x300000\n", "inconsistent geometry");
	malformed(CXL "mem0/dcd/region0/flags", "0x100\n", "out of range");
	malformed(CXL "mem0/dynamic_ram_1/size", "\n", "mem0: dynamic_ram_1/size: malformed value ''");
	malformed(CXL "mem0/dcd/orphans", "0x40000000\n", "mem0: dcd/orphans line 1: malformed");
	malformed(CXL "mem0/dcd/orphans", "0x40000000 0x0\n", "orphans line 1");
	malformed(CXL "dax_region0/extent0.2/state", "gone\n", "extent0.2: state: malformed value 'gone'");
	malformed(CXL "dax_region0/extent0.2/uuid", "not-a-uuid\n", "extent0.2: uuid: malformed");
	malformed(CXL "dax_region0/extent0.1/dpa", "0x12 34\n", "extent0.1: dpa: malformed");
	malformed(CXL "dax_region0/extent0.1/length", "0x0\n", "extent0.1: length: zero");
	malformed(DAXD "dax2.0/resource", "-\n", "dax2.0: resource: malformed");
	malformed(MEMD "memory512/state", "gone-fishing\n", "memory512: state: malformed");
	malformed(MEMD "block_size_bytes", "3000000\n", "block_size_bytes: malformed");

	fk_build();
	unlink(fk_p(CXL "mem0/dcd/region1/base"));
	rc = reload();
	ok(rc == -ENOENT && strstr(dcd_strerror(ctx), "mem0: dcd/region1/base: No such file"),
	   "missing attribute -> \"%s\"", dcd_strerror(ctx));

	dcd_ctx_free(ctx);
	fk_cleanup();
	return done();
}
