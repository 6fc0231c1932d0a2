// SPDX-License-Identifier: GPL-2.0
/*
 * `dcdctl list` JSON, shaped like `cxl list`: a key only when its value
 * exists; numbers in bytes, or with -u addresses in hex and sizes as
 * "128.00 MiB (134.22 MB)".
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dcdctl.h"

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void add_addr(struct json_object *o, const char *k, uint64_t v, int human)
{
	char buf[32];

	if (!human) {
		json_object_object_add(o, k, json_object_new_uint64(v));
		return;
	}
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	add_str(o, k, buf);
}

static void add_size(struct json_object *o, const char *k, uint64_t v, int human)
{
	char buf[64];

	if (!human) {
		json_object_object_add(o, k, json_object_new_uint64(v));
		return;
	}
	add_str(o, k, util_size_human(v, buf, sizeof(buf)));
}

static int extent_match(const struct dcd_extent *e, const struct dcd_filter *f)
{
	if (f->region && !util_dev_match(UTIL_DEV_REGION, f->region, e->region))
		return 0;
	if (f->has_state && (e->state != f->state || (e->unknown & DCD_UNK_STATE)))
		return 0;
	if (f->tag && (e->unknown & DCD_UNK_TAG))
		return 0;
	if (f->tag) {
		if (!strcasecmp(f->tag, "none"))
			return e->state != DCD_EXT_ORPHAN && dcd_tag_is_null(e->tag);
		if (strcasecmp(f->tag, e->tag))
			return 0;
	}
	return 1;
}

static int extent_filtering(const struct dcd_filter *f)
{
	return f->region || f->tag || f->has_state;
}

static struct json_object *extent_json(const struct dcd_extent *e, int human)
{
	struct json_object *o = json_object_new_object();
	const struct dcd_mem *m = &e->mem;

	if (e->name[0])
		add_str(o, "extent", e->name);
	if (e->region[0])
		add_str(o, "region", e->region);
	if (!(e->unknown & DCD_UNK_DPA))
		add_addr(o, "dpa", e->dpa, human);
	if (e->name[0] && !(e->unknown & DCD_UNK_OFFSET))
		add_addr(o, "offset", e->offset, human);
	if (e->has_hpa)
		add_addr(o, "hpa", e->hpa, human);
	if (!(e->unknown & DCD_UNK_LENGTH))
		add_size(o, "length", e->length, human);
	if (e->tag[0] && !dcd_tag_is_null(e->tag))
		add_str(o, "tag", e->tag);
	if (!(e->unknown & DCD_UNK_STATE))
		add_str(o, "state", dcd_state_name(e->state));
	if (!e->dax[0])
		return o;
	add_str(o, "dax", e->dax);
	add_str(o, "mode", dcd_mode_name(m->mode));
	if (m->target_node >= 0)
		add_int(o, "target_node", m->target_node);
	if (m->block_size) {
		struct json_object *mo = json_object_new_object();

		add_size(mo, "block_size", m->block_size, human);
		add_int(mo, "blocks", m->blocks);
		if (m->blocks) {
			add_int(mo, "first_block", (int64_t)m->first_block);
			add_int(mo, "last_block", (int64_t)m->first_block + m->blocks - 1);
		}
		add_int(mo, "online_blocks", m->online_blocks);
		add_str(mo, "state", !m->online_blocks ? "offline" :
			m->online_blocks == m->blocks ? "online" : "partial");
		if (m->online_blocks) {
			add_str(mo, "zone", dcd_zone_name(m->zone));
			if (m->node >= 0)
				add_int(mo, "node", m->node);
		}
		json_object_object_add(o, "memory", mo);
	}
	return o;
}

static struct json_object *dc_region_json(const struct dcd_dc_region *r, int human)
{
	struct json_object *o = json_object_new_object();

	add_int(o, "dc_region", r->id);
	if (r->unknown)
		return o;
	add_addr(o, "base", r->base, human);
	add_size(o, "length", r->length, human);
	add_size(o, "decode_length", r->decode_length, human);
	add_size(o, "block_size", r->block_size, human);
	add_int(o, "dsmad_handle", r->dsmad_handle);
	add_int(o, "flags", r->flags);
	json_object_object_add(o, "sanitize_on_release",
			       json_object_new_boolean(r->flags & 1));
	return o;
}

struct json_object *dcd_list_json(struct dcd_ctx *ctx, const struct dcd_filter *f)
{
	struct json_object *arr = json_object_new_array();
	struct dcd_memdev *m;
	struct dcd_extent *e;
	int i, j, r;

	if (!arr)
		return NULL;
	dcd_memdev_foreach(ctx, i, m) {
		struct json_object *mo, *regs, *loose;
		int shown = 0;

		if (!util_dev_match(UTIL_DEV_MEMDEV, f->memdev, m->name))
			continue;
		mo = json_object_new_object();
		regs = json_object_new_array();
		loose = json_object_new_array();
		add_str(mo, "memdev", m->name);
		if (m->has_dc_size)
			add_size(mo, "dc_size", m->dc_size, f->human);
		for (r = 0; r < m->nr_dc_regions; r++) {
			struct json_object *ro = dc_region_json(&m->dc_regions[r], f->human);
			struct json_object *xs = json_object_new_array();

			dcd_extent_foreach(ctx, j, e)
				if (e->memdev == m && e->dc_region == r && extent_match(e, f))
					json_object_array_add(xs, extent_json(e, f->human));
			if (json_object_array_length(xs) || !extent_filtering(f)) {
				if (json_object_array_length(xs))
					json_object_object_add(ro, "extents", xs);
				else
					json_object_put(xs);
				json_object_array_add(regs, ro);
				shown++;
			} else {
				json_object_put(xs);
				json_object_put(ro);
			}
		}
		/* extents outside every DC region (inconsistent sysfs) */
		dcd_extent_foreach(ctx, j, e)
			if (e->memdev == m && e->dc_region < 0 && extent_match(e, f))
				json_object_array_add(loose, extent_json(e, f->human));
		if (json_object_array_length(loose)) {
			json_object_object_add(mo, "extents", loose);
			shown++;
		} else {
			json_object_put(loose);
		}
		if (m->regions_unknown)
			json_object_put(regs);
		else
			json_object_object_add(mo, "dc_regions", regs);
		if (shown || !extent_filtering(f))
			json_object_array_add(arr, mo);
		else
			json_object_put(mo);
	}
	return arr;
}

/*
 * Print the `list` array as `cxl list` does: an array, but with -u a single
 * object unwrapped (and nothing for none). Consumes arr.
 */
void dcd_list_print(FILE *f, struct json_object *arr, int human)
{
	int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		    JSON_C_TO_STRING_NOSLASHESCAPE;
	size_t n = json_object_array_length(arr);

	if (n > 1 || !human)
		fprintf(f, "%s\n", json_object_to_json_string_ext(arr, flags));
	else if (n == 1)
		fprintf(f, "%s\n", json_object_to_json_string_ext(
				json_object_array_get_idx(arr, 0), flags));
	json_object_put(arr);
}
