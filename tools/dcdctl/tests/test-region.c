// SPDX-License-Identifier: GPL-2.0
/*
 * dcdctl create-region / destroy-region on the fake tree: the sysfs writes
 * in order and their values, validation before acting, undo of partial
 * work, refusal while DC memory is online, --force, errors and exit codes.
 * The fake "kernel" does nothing: a write only lands in its file.
 */
#include "tap.h"
#include "run.h"
#include "dcdctl.h"

#define PLAT "sys/devices/platform/ACPI0017:00/"
#define ROOTD PLAT "root0/decoder0.0/"
#define EPD PLAT "root0/port1/mem0/endpoint2/"

static struct fk_ops_state st;

/*
 * On top of fk_build(): root0 with dport12 = the host bridge pci0000:0c,
 * port1 (uport pci0000:0c), endpoint2 (uport mem0) with decoder2.0 (region0,
 * 256 MiB) and decoder2.1 (free), root decoder0.0 holding region0 and the
 * seed region1, mem0 ram/size 512 MiB, the cxl_region driver.
 */
static void build(void)
{
	fk_build();
	fk_mkdirs(fk_p("sys/devices/pci0000:0c"));
	fk_link("../../../pci0000:0c", PLAT "root0/dport12");
	fk_link("../../../../pci0000:0c", PLAT "root0/port1/uport");
	fk_link("../../../devices/platform/ACPI0017:00/root0", CXL "root0");
	fk_link("../../../devices/platform/ACPI0017:00/root0/port1", CXL "port1");
	fk_link("../../../devices/platform/ACPI0017:00/root0/port1/mem0/endpoint2",
		CXL "endpoint2");
	fk_link("../../../../../../../bus/cxl/devices/mem0", EPD "uport");
	fk_w(CXL "mem0/ram/size", "0x20000000\n");
	fk_w(EPD "decoder2.0/mode", "ram\n");
	fk_w(EPD "decoder2.0/dpa_size", "0x10000000\n");
	fk_w(EPD "decoder2.1/mode", "none\n");
	fk_w(EPD "decoder2.1/dpa_size", "0x0000000000000000\n");
	fk_link("../../../devices/platform/ACPI0017:00/root0/port1/mem0/endpoint2/decoder2.1",
		CXL "decoder2.1");
	fk_w(ROOTD "cap_ram", "1\n");
	fk_w(ROOTD "target_list", "12\n");
	fk_w(ROOTD "interleave_granularity", "256\n");
	fk_w(ROOTD "create_ram_region", "region1\n");
	fk_w(ROOTD "delete_region", "");
	fk_link("../../../devices/platform/ACPI0017:00/root0/decoder0.0", CXL "decoder0.0");
	/* region0 moves under its root decoder, as in sysfs */
	if (rename(fk_p(CXL "region0"), fk_p(ROOTD "region0")))
		abort();
	fk_link("../../../devices/platform/ACPI0017:00/root0/decoder0.0/region0", CXL "region0");
	fk_w(ROOTD "region0/commit", "1\n");
	fk_link("../../../../../../bus/cxl/drivers/cxl_region", ROOTD "region0/driver");
	/* the region the kernel makes when region1 is written to create_ram_region */
	fk_w(ROOTD "region1/resource", "0x1010000000\n");
	fk_w(ROOTD "region1/interleave_ways", "0\n");
	fk_w(ROOTD "region1/interleave_granularity", "0\n");
	fk_w(ROOTD "region1/size", "0x0\n");
	fk_w(ROOTD "region1/target0", "\n");
	fk_w(ROOTD "region1/commit", "0\n");
	fk_link("../../../devices/platform/ACPI0017:00/root0/decoder0.0/region1", CXL "region1");
	fk_w("sys/bus/cxl/drivers/cxl_region/bind", "");
	fk_w("sys/bus/cxl/drivers/cxl_region/unbind", "");
}

static int run(int (*fn)(int, char **, struct dcd_ctx *), const char *a1, const char *a2)
{
	char *argv[4] = { "cmd", (char *)a1, (char *)a2, NULL };
	struct dcd_ctx *ctx;
	int rc;

	if (dcd_ctx_new(&ctx, NULL))
		return -1;
	dcd_set_dax_ops(ctx, &fk_ops, &st);
	rc = fn(1 + !!a1 + !!a2, argv, ctx);
	dcd_ctx_free(ctx);
	return rc;
}

int main(void)
{
	struct json_object *j, *m;
	struct rn_table t;
	char bad[1024] = "";
	int rc;

	build();
	rc = dcdctl("create-region -m mem0");
	j = json_tokener_parse(out);
	ok(rc == 0 && j && !strcmp(json_object_get_string(json_object_object_get(j, "region")),
				   "region1") &&
	   json_object_get_int64(json_object_object_get(j, "size")) == 0x10000000 &&
	   json_object_get_int64(json_object_object_get(j, "resource")) == 0x1010000000 &&
	   !strcmp(json_object_get_string(json_object_object_get(j, "root_decoder")),
		   "decoder0.0") &&
	   (m = json_object_array_get_idx(json_object_object_get(j, "mappings"), 0)) &&
	   !strcmp(json_object_get_string(json_object_object_get(m, "decoder")), "decoder2.1") &&
	   !strcmp(json_object_get_string(json_object_object_get(m, "memdev")), "mem0"),
	   "create-region -m mem0: region1, the free 256 MiB, decoder0.0 found through "
	   "dport12, free endpoint decoder2.1 (exit %d: %s)", rc, err);
	ok(rn_doc_table("region", &t) > 0 && j, "the documented region object table");
	if (j)
		rn_check_obj(&t, j, 0, bad, sizeof(bad));
	ok(!bad[0], "create-region JSON keys and types as documented:%s", bad[0] ? bad : " yes");
	json_object_put(j);
	ok(!strcmp(rn_file(ROOTD "create_ram_region"), "region1") &&
	   !strcmp(rn_file(ROOTD "region1/interleave_ways"), "1\n") &&
	   !strcmp(rn_file(ROOTD "region1/interleave_granularity"), "256\n") &&
	   !strcmp(rn_file(ROOTD "region1/size"), "0x10000000\n") &&
	   !strcmp(rn_file(EPD "decoder2.1/mode"), "ram\n") &&
	   !strcmp(rn_file(EPD "decoder2.1/dpa_size"), "0x10000000\n") &&
	   !strcmp(rn_file(ROOTD "region1/target0"), "decoder2.1") &&
	   !strcmp(rn_file(ROOTD "region1/commit"), "1\n") &&
	   !strcmp(rn_file("sys/bus/cxl/drivers/cxl_region/bind"), "region1") &&
	   !strcmp(rn_file(ROOTD "delete_region"), ""),
	   "the sysfs writes: region, ways 1, granularity, size, mode ram, dpa_size, target0, "
	   "commit, bind");
	ok(strstr(err, "region1: created over mem0") && one_line(), "one line on stderr: %s", err);

	build();
	rc = dcdctl("create-region -m mem0 -s 256M -u");
	j = json_tokener_parse(out);
	bad[0] = '\0';
	if (j)
		rn_check_obj(&t, j, 1, bad, sizeof(bad));
	ok(rc == 0 && j && !bad[0] &&
	   !strcmp(json_object_get_string(json_object_object_get(j, "size")),
		   "256.00 MiB (268.44 MB)") &&
	   !strcmp(json_object_get_string(json_object_object_get(j, "resource")),
		   "0x1010000000"), "-s 256M -u: human size, hex resource, documented types%s",
	   bad);
	json_object_put(j);

	build();
	rc = dcdctl("create-region -m 0 -s 512M -d decoder0.0");
	ok(rc == DCD_EXIT_FAIL && one_line() && strstr(err, "only 256.00 MiB") &&
	   !strcmp(rn_file(ROOTD "create_ram_region"), "region1\n"),
	   "-s 512M with 256 MiB free: exit 1 before any write: %s", err);
	rc = dcdctl("create-region -m mem0 -s 100M");
	ok(rc == DCD_EXIT_USAGE && one_line(), "-s 100M (not 256M-aligned): usage, exit 2");
	rc = dcdctl("create-region -m mem0 -s lots");
	ok(rc == DCD_EXIT_USAGE && one_line(), "-s lots: usage, exit 2");
	rc = dcdctl("create-region");
	ok(rc == DCD_EXIT_USAGE && one_line(), "no -m: usage, exit 2");
	rc = dcdctl("create-region -m mem0 -d root");
	ok(rc == DCD_EXIT_USAGE && one_line(), "-d root: usage, exit 2");
	rc = dcdctl("create-region -m mem0 -d decoder0.7");
	ok(rc == DCD_EXIT_NOTFOUND && one_line() && strstr(err, "decoder0.7"),
	   "-d decoder0.7: not found, exit 5");
	rc = dcdctl("create-region -m mem1");
	ok(rc == DCD_EXIT_NODEV && !strcmp(err, "mem1: not a DC memdev\n"),
	   "-m mem1 (no DC): exit 4, \"%.*s\"", (int)strcspn(err, "\n"), err);
	rc = dcdctl("create-region -m mem7");
	ok(rc == DCD_EXIT_NOTFOUND && !strcmp(err, "mem7: no such memdev\n"),
	   "-m mem7: exit 5");
	fk_w(EPD "decoder2.1/dpa_size", "0x10000000\n");
	rc = dcdctl("create-region -m mem0");
	ok(rc == DCD_EXIT_BUSY && one_line() && strstr(err, "every decoder"),
	   "every endpoint decoder in use: busy, exit 6: %s", err);

	/* undo: commit fails after target0 was set */
	build();
	fk_rm_rf(fk_p(ROOTD "region1/commit"));
	fk_mkdirs(fk_p(ROOTD "region1/commit"));
	rc = dcdctl("create-region -m mem0");
	ok(rc == DCD_EXIT_FAIL && one_line() && strstr(err, "region1/commit") && !out[0],
	   "a failing commit: exit 1, one line naming region1/commit: %s", err);
	ok(!strcmp(rn_file(ROOTD "region1/target0"), "\n") &&
	   !strcmp(rn_file(EPD "decoder2.1/dpa_size"), "0\n") &&
	   !strcmp(rn_file(ROOTD "region1/size"), "0\n") &&
	   !strcmp(rn_file(ROOTD "delete_region"), "region1") &&
	   !strcmp(rn_file("sys/bus/cxl/drivers/cxl_region/bind"), ""),
	   "undone: target0 cleared, dpa_size 0, size 0, region1 deleted, never bound");
	/* undo: the region does not appear */
	build();
	fk_rm_rf(fk_p(ROOTD "region1"));
	rc = dcdctl("create-region -m mem0");
	ok(rc == DCD_EXIT_FAIL && strstr(err, "did not appear") &&
	   !strcmp(rn_file(ROOTD "delete_region"), "region1"),
	   "region1 never appears: exit 1, deleted again (%d: %s)", rc, err);
	/* permission denied */
	build();
	rc = rn_dcdctl(rn_unpriv(ROOTD "create_ram_region"), "create-region -m mem0");
	ok(rc == DCD_EXIT_PERM && one_line() && strstr(err, "permission denied") &&
	   !strcmp(rn_file(ROOTD "create_ram_region"), "region1\n"),
	   "EACCES on the first write: exit 7, \"%.*s\"", (int)strcspn(err, "\n"), err);

	/* destroy */
	build();
	rc = dcdctl("destroy-region region0");
	ok(rc == DCD_EXIT_BUSY && strstr(err, "region0: busy") &&
	   strstr(err, "extent0.1 (dax2.0), extent0.3 (dax4.0)") && one_line() &&
	   !strcmp(rn_file(ROOTD "region0/commit"), "1\n") &&
	   !strcmp(rn_file("sys/bus/cxl/drivers/cxl_region/unbind"), ""),
	   "destroy-region with memory online: busy, exit 6, nothing written");
	st.calls = 0;
	rc = run(cmd_destroy_region, "--force", "region0");
	ok(rc == 0 && st.calls == 2 &&
	   !strcmp(rn_file("sys/bus/cxl/drivers/cxl_region/unbind"), "region0") &&
	   !strcmp(rn_file(ROOTD "region0/commit"), "0\n") &&
	   !strcmp(rn_file(ROOTD "region0/target0"), "\n") &&
	   !strcmp(rn_file(EPD "decoder2.0/dpa_size"), "0\n") &&
	   !strcmp(rn_file(ROOTD "delete_region"), "region0\n"),
	   "--force: offlines both online extents, unbind, commit 0, target0 cleared, "
	   "dpa_size 0, delete_region");
	build();
	st.fail = -EBUSY;
	rc = run(cmd_destroy_region, "-f", "region0");
	st.fail = 0;
	ok(rc == DCD_EXIT_BUSY && !strcmp(rn_file(ROOTD "region0/commit"), "1\n"),
	   "--force with pages that cannot be offlined: busy, exit 6, region kept");
	rc = dcdctl("destroy-region region9");
	ok(rc == DCD_EXIT_NOTFOUND && !strcmp(err, "region9: no such region\n"),
	   "destroy-region region9: exit 5");
	rc = dcdctl("destroy-region");
	ok(rc == DCD_EXIT_USAGE, "destroy-region without a region: exit 2");
	rc = dcdctl("destroy-region bogus");
	ok(rc == DCD_EXIT_USAGE && one_line(), "destroy-region bogus: exit 2");
	fk_w(ROOTD "region1/target0", "decoder2.1\n");
	fk_link("../../../../../../../bus/cxl/devices/mem1", EPD "uport");
	rc = dcdctl("destroy-region 1");
	ok(rc == DCD_EXIT_NODEV && strstr(err, "not a DC region"),
	   "a region of a non-DC memdev: refused, exit 4: %s", err);
	build();
	rc = rn_dcdctl(rn_unpriv(ROOTD "delete_region"), "destroy-region region1");
	ok(rc == DCD_EXIT_PERM && one_line() && strstr(err, "permission denied"),
	   "EACCES: exit 7, \"%.*s\"", (int)strcspn(err, "\n"), err);

	build();
	fk_rm_rf(fk_p("sys/module/cxl_dcd"));
	rc = dcdctl("create-region -m mem0");
	ok(rc == DCD_EXIT_NOMODULE && !strcmp(err, "cxl_dcd is not loaded\n"), "no module: exit 3");
	rc = dcdctl("destroy-region region0");
	ok(rc == DCD_EXIT_NOMODULE, "destroy-region without module: exit 3");
	build();
	fk_rm_rf(fk_p(CXL "mem0/dcd"));
	rc = dcdctl("create-region -m mem0");
	ok(rc == DCD_EXIT_NODEV && one_line(), "no DC memdev at all: exit 4");
	fk_cleanup();
	return done();
}
