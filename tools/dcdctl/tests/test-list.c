// SPDX-License-Identifier: GPL-2.0
/* `dcdctl list` JSON on the fake tree: shape, keys only when they exist, filters, -u */
#include "tap.h"
#include "fake.h"
#include "dcdctl.h"
#include "nopriv.h"

static struct json_object *get(struct json_object *o, const char *path)
{
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(tok));
		else if (!json_object_object_get_ex(o, tok, &o))
			o = NULL;
	}
	return o;
}

static const char *gs(struct json_object *o, const char *path)
{
	o = get(o, path);
	return o && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : "";
}

static int64_t gi(struct json_object *o, const char *path)
{
	o = get(o, path);
	return o && json_object_is_type(o, json_type_int) ? json_object_get_int64(o) : -12345;
}

static size_t glen(struct json_object *o, const char *path)
{
	o = path[0] ? get(o, path) : o;
	return o && json_object_is_type(o, json_type_array) ? json_object_array_length(o) : 9999;
}

int main(void)
{
	struct dcd_ctx *ctx;
	struct dcd_filter f = { 0 };
	struct json_object *a;
	int i;

	fk_build();
	if (dcd_ctx_new(&ctx, NULL)) {
		printf("Bail out! %s\n", dcd_strerror(ctx));
		return 1;
	}
	a = dcd_list_json(ctx, &f);
	ok(glen(a, "") == 1 && !strcmp(gs(a, "0.memdev"), "mem0") &&
	   gi(a, "0.dc_size") == 0x50000000, "one memdev object: mem0, dc_size in bytes");
	ok(glen(a, "0.dc_regions") == 2 && gi(a, "0.dc_regions.1.dc_region") == 1 &&
	   gi(a, "0.dc_regions.1.base") == 0x40000000 &&
	   gi(a, "0.dc_regions.1.length") == 0x10000000 &&
	   gi(a, "0.dc_regions.1.block_size") == 0x200000 &&
	   gi(a, "0.dc_regions.1.dsmad_handle") == 1 &&
	   json_object_get_boolean(get(a, "0.dc_regions.1.sanitize_on_release")),
	   "dc_regions with geometry, dsmad_handle, sanitize_on_release");
	ok(glen(a, "0.dc_regions.0.extents") == 4 && glen(a, "0.dc_regions.1.extents") == 1,
	   "extents nested under their DC region (4 + the orphan)");
	ok(!strcmp(gs(a, "0.dc_regions.0.extents.0.extent"), "extent0.1") &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.0.region"), "region0") &&
	   gi(a, "0.dc_regions.0.extents.0.dpa") == 0 &&
	   gi(a, "0.dc_regions.0.extents.0.offset") == 0 &&
	   gi(a, "0.dc_regions.0.extents.0.hpa") == (int64_t)HPA0 &&
	   gi(a, "0.dc_regions.0.extents.0.length") == (int64_t)BLK &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.0.state"), "accepted"),
	   "extent0.1: extent, region, dpa, offset, hpa, length, state");
	ok(!get(a, "0.dc_regions.0.extents.0.tag") &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.1.tag"), TAG2), "tag only when non-null");
	ok(!strcmp(gs(a, "0.dc_regions.0.extents.0.dax"), "dax2.0") &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.0.mode"), "system-ram") &&
	   gi(a, "0.dc_regions.0.extents.0.target_node") == 1 &&
	   gi(a, "0.dc_regions.0.extents.0.memory.blocks") == 1 &&
	   gi(a, "0.dc_regions.0.extents.0.memory.online_blocks") == 1 &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.0.memory.state"), "online") &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.0.memory.zone"), "movable") &&
	   gi(a, "0.dc_regions.0.extents.0.memory.node") == 1,
	   "extent0.1 memory: dax2.0 system-ram, online, movable, node 1");
	ok(!strcmp(gs(a, "0.dc_regions.0.extents.1.mode"), "devdax") &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.1.memory.state"), "offline") &&
	   !get(a, "0.dc_regions.0.extents.1.memory.zone") &&
	   !get(a, "0.dc_regions.0.extents.1.memory.node"), "devdax: offline, no zone or node key");
	ok(!strcmp(gs(a, "0.dc_regions.0.extents.2.state"), "release-pending") &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.2.memory.zone"), "normal"),
	   "extent0.3: release-pending, normal zone");
	ok(!get(a, "0.dc_regions.0.extents.3.dax") && !get(a, "0.dc_regions.0.extents.3.mode") &&
	   !get(a, "0.dc_regions.0.extents.3.memory"), "extent0.4: no DAX keys without a DAX device");
	ok(!strcmp(gs(a, "0.dc_regions.1.extents.0.state"), "orphan") &&
	   !get(a, "0.dc_regions.1.extents.0.extent") && !get(a, "0.dc_regions.1.extents.0.hpa") &&
	   !get(a, "0.dc_regions.1.extents.0.offset") &&
	   gi(a, "0.dc_regions.1.extents.0.dpa") == 0x40000000, "orphan: dpa, length, state only");
	json_object_put(a);

	f.human = 1;
	a = dcd_list_json(ctx, &f);
	ok(!strcmp(gs(a, "0.dc_regions.0.extents.0.length"), "128.00 MiB (134.22 MB)") &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.0.hpa"), "0x1000000000") &&
	   !strcmp(gs(a, "0.dc_regions.1.base"), "0x40000000") &&
	   !strcmp(gs(a, "0.dc_size"), "1.25 GiB (1.34 GB)"),
	   "-u: hex addresses, human sizes (%s)", gs(a, "0.dc_size"));
	json_object_put(a);

	memset(&f, 0, sizeof(f));
	f.has_state = 1;
	f.state = DCD_EXT_ORPHAN;
	a = dcd_list_json(ctx, &f);
	ok(glen(a, "0.dc_regions") == 1 && gi(a, "0.dc_regions.0.dc_region") == 1 &&
	   glen(a, "0.dc_regions.0.extents") == 1, "-s orphan: only DC region 1 with the orphan");
	json_object_put(a);

	memset(&f, 0, sizeof(f));
	f.tag = TAG2;
	a = dcd_list_json(ctx, &f);
	ok(glen(a, "0.dc_regions.0.extents") == 1 &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.0.extent"), "extent0.2"), "-t UUID: extent0.2");
	json_object_put(a);
	f.tag = "none";
	a = dcd_list_json(ctx, &f);
	ok(glen(a, "0.dc_regions.0.extents") == 3, "-t none: the 3 untagged extents, not the orphan");
	json_object_put(a);

	memset(&f, 0, sizeof(f));
	f.region = "region0";
	f.has_state = 1;
	f.state = DCD_EXT_RELEASE_PENDING;
	a = dcd_list_json(ctx, &f);
	ok(glen(a, "0.dc_regions.0.extents") == 1 &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.0.extent"), "extent0.3"),
	   "-r region0 -s release-pending: extent0.3");
	json_object_put(a);
	f.region = "region7";
	a = dcd_list_json(ctx, &f);
	ok(glen(a, "") == 0, "-r region7: empty array");
	json_object_put(a);

	memset(&f, 0, sizeof(f));
	f.memdev = "mem1";
	a = dcd_list_json(ctx, &f);
	ok(glen(a, "") == 0, "-m mem1 (not DC): empty array");
	json_object_put(a);
	f.memdev = "mem1, 0";
	a = dcd_list_json(ctx, &f);
	ok(glen(a, "") == 1 && !strcmp(gs(a, "0.memdev"), "mem0"), "-m \"mem1, 0\": mem0");
	json_object_put(a);
	dcd_ctx_free(ctx);

	/*
	 * A user's view: the DAX devices' resource is 0400 in the kernel; here
	 * a tag, a DC region's flags and the orphan list are unreadable too.
	 * Nothing of it is an error; each unreadable value's key is left out.
	 */
	chmod(fk_p(DAXD "dax2.0/resource"), 0);
	chmod(fk_p(DAXD "dax3.0/resource"), 0);
	chmod(fk_p(DAXD "dax4.0/resource"), 0);
	chmod(fk_p(CXL "dax_region0/extent0.2/uuid"), 0);
	chmod(fk_p(CXL "dax_region0/extent0.3/state"), 0);
	chmod(fk_p(CXL "mem0/dcd/region1/flags"), 0);
	chmod(fk_p(CXL "mem0/dcd/orphans"), 0);
	ok(!nopriv_begin(), "permission checks on (DAC capabilities dropped)");
	ctx = NULL;
	i = dcd_ctx_new(&ctx, NULL);
	ok(!i, "unreadable attributes: the context still reads (%s)",
	   ctx ? dcd_strerror(ctx) : "no memory");
	memset(&f, 0, sizeof(f));
	a = ctx ? dcd_list_json(ctx, &f) : NULL;
	nopriv_end();
	ok(glen(a, "0.dc_regions.0.extents") == 4 && glen(a, "0.dc_regions.1.extents") == 9999,
	   "the 4 extents listed; the unreadable orphan list leaves DC region 1 without extents");
	ok(!strcmp(gs(a, "0.dc_regions.0.extents.0.dax"), "dax2.0") &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.0.mode"), "system-ram") &&
	   gi(a, "0.dc_regions.0.extents.0.target_node") == 1 &&
	   !get(a, "0.dc_regions.0.extents.0.memory"),
	   "DAX resource unreadable: dax, mode and target_node shown, no memory object");
	ok(!get(a, "0.dc_regions.0.extents.1.tag") &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.1.state"), "accepted") &&
	   gi(a, "0.dc_regions.0.extents.1.length") == (int64_t)BLK,
	   "extent0.2 uuid unreadable: no tag key, the rest as before");
	ok(!get(a, "0.dc_regions.0.extents.2.state") &&
	   !strcmp(gs(a, "0.dc_regions.0.extents.2.extent"), "extent0.3"),
	   "extent0.3 state unreadable: no state key");
	ok(gi(a, "0.dc_regions.1.dc_region") == 1 && !get(a, "0.dc_regions.1.base") &&
	   !get(a, "0.dc_regions.1.flags") && gi(a, "0.dc_regions.0.length") == 0x40000000,
	   "DC region 1 flags unreadable: its id only; DC region 0 complete");
	json_object_put(a);
	memset(&f, 0, sizeof(f));
	f.has_state = 1;
	f.state = DCD_EXT_RELEASE_PENDING;
	a = ctx ? dcd_list_json(ctx, &f) : NULL;
	ok(glen(a, "") == 0, "-s release-pending: an unknown state matches no state filter");
	json_object_put(a);
	dcd_ctx_free(ctx);
	fk_cleanup();
	return done();
}
