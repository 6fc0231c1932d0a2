// SPDX-License-Identifier: GPL-2.0
/* dcd-fm: JSON output */
#include <inttypes.h>
#include <stdio.h>

#include "fmjson.h"

json_object *fm_json_size(uint64_t v, unsigned int flags)
{
	char buf[64];

	if (!(flags & FM_JSON_HUMAN))
		return json_object_new_uint64(v);
	return json_object_new_string(fm_size_str(v, buf, sizeof(buf)));
}

json_object *fm_json_hex(uint64_t v, unsigned int flags)
{
	char buf[32];

	if (!(flags & FM_JSON_HUMAN))
		return json_object_new_uint64(v);
	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

json_object *fm_grant_to_json(const struct fm_grant *g, unsigned int flags)
{
	json_object *o = json_object_new_object();

	if (g->id)
		json_object_object_add(o, "grant", json_object_new_int64(g->id));
	json_object_object_add(o, "host", json_object_new_string(g->host));
	json_object_object_add(o, "device", json_object_new_string(g->device));
	json_object_object_add(o, "region", json_object_new_int64(g->region));
	json_object_object_add(o, "offset", fm_json_hex(g->offset, flags));
	json_object_object_add(o, "dpa", fm_json_hex(g->dpa, flags));
	json_object_object_add(o, "size", fm_json_size(g->len, flags));
	json_object_object_add(o, "state", json_object_new_string(fm_gstate_name(g->state)));
	json_object_object_add(o, "host_id", json_object_new_int64(g->host_id));
	json_object_object_add(o, "workdir", json_object_new_string(g->workdir));
	if (g->updated[0])
		json_object_object_add(o, "updated", json_object_new_string(g->updated));
	return o;
}

void fm_json_print(FILE *f, json_object *arr)
{
	fprintf(f, "%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_SPACED |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(f);
	json_object_put(arr);
}
