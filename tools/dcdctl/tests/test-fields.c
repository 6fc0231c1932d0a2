// SPDX-License-Identifier: GPL-2.0
/*
 * `dcdctl list` output against the field tables of Documentation/dcdctl.rst:
 * every key printed is documented for its object with its type (plain and
 * -u), and every documented key is printed somewhere on the fake tree, so
 * the documentation and the code cannot drift apart.
 */
#include "tap.h"
#include "run.h"
#include "dcdctl.h"

static struct rn_table tmd, tdr, tex, tmem;

static void walk_extents(struct json_object *arr, int human, char *bad, size_t len)
{
	size_t i;

	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i), *m;

		rn_check_obj(&tex, e, human, bad, len);
		if (json_object_object_get_ex(e, "memory", &m))
			rn_check_obj(&tmem, m, human, bad, len);
	}
}

static int check_list(const char *args, int human, char *bad, size_t len)
{
	struct json_object *a, *md, *regs, *xs;
	size_t i, j;
	int rc = dcdctl("list %s", args);

	a = json_tokener_parse(out);
	if (human && a && json_object_is_type(a, json_type_object)) {
		/* -u unwraps a single memdev, as cxl list -u does */
		struct json_object *w = json_object_new_array();

		json_object_array_add(w, a);
		a = w;
	}
	if (rc || !a || !json_object_is_type(a, json_type_array)) {
		snprintf(bad, len, "exit %d, %s", rc, err);
		json_object_put(a);
		return 0;
	}
	for (i = 0; i < json_object_array_length(a); i++) {
		md = json_object_array_get_idx(a, i);
		rn_check_obj(&tmd, md, human, bad, len);
		if (json_object_object_get_ex(md, "extents", &xs))
			walk_extents(xs, human, bad, len);
		if (!json_object_object_get_ex(md, "dc_regions", &regs))
			continue;
		for (j = 0; j < json_object_array_length(regs); j++) {
			struct json_object *r = json_object_array_get_idx(regs, j);

			rn_check_obj(&tdr, r, human, bad, len);
			if (json_object_object_get_ex(r, "extents", &xs))
				walk_extents(xs, human, bad, len);
		}
	}
	json_object_put(a);
	return 1;
}

int main(void)
{
	char bad[4096] = "";

	ok(rn_doc_table("memdev", &tmd) > 0 && rn_doc_table("dc_region", &tdr) > 0 &&
	   rn_doc_table("extent", &tex) > 0 && rn_doc_table("memory", &tmem) > 0,
	   "Documentation/dcdctl.rst has the memdev, dc_region, extent and memory field tables "
	   "(%d, %d, %d, %d fields)", tmd.n, tdr.n, tex.n, tmem.n);

	fk_build();
	/* an extent outside every DC region: the memdev-level "extents" key */
	fk_extent(5, 0x60000000, BLK, TAG2, "accepted", -1);
	bad[0] = '\0';
	ok(check_list("", 0, bad, sizeof(bad)) && !bad[0],
	   "list: every key documented with its type:%s", bad[0] ? bad : " yes");
	bad[0] = '\0';
	ok(check_list("-u", 1, bad, sizeof(bad)) && !bad[0],
	   "list -u: every key documented with its -u type:%s", bad[0] ? bad : " yes");
	bad[0] = '\0';
	rn_unseen(&tmd, bad, sizeof(bad));
	rn_unseen(&tdr, bad, sizeof(bad));
	rn_unseen(&tex, bad, sizeof(bad));
	rn_unseen(&tmem, bad, sizeof(bad));
	ok(!bad[0], "every documented key is printed for the fake tree:%s", bad[0] ? bad : " yes");

	/* the check itself catches drift */
	bad[0] = '\0';
	tex.n--;	/* forget the last documented extent key */
	check_list("", 0, bad, sizeof(bad));
	ok(strstr(bad, "undocumented") != NULL, "a key missing from the table is caught (%s)",
	   bad);
	fk_cleanup();
	return done();
}
