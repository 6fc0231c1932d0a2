// SPDX-License-Identifier: GPL-2.0
/* the dcdctl binary ($DCDCTL) on the fake tree: stdout JSON, stderr lines, exit codes */
#include "tap.h"
#include "fake.h"
#include "dcdctl.h"
#include "run.h"

int main(void)
{
	struct json_object *j, *o;
	int rc;

	fk_build();
	rc = dcdctl("list");
	j = json_tokener_parse(out);
	ok(rc == 0 && j && json_object_is_type(j, json_type_array) &&
	   json_object_array_length(j) == 1 && !err[0], "list: exit 0, a JSON array, quiet stderr");
	json_object_put(j);
	rc = dcdctl("list -m 0 -s accepted -t none");
	j = json_tokener_parse(out);
	o = j ? json_object_array_get_idx(j, 0) : NULL;
	ok(rc == 0 && o && json_object_is_type(j, json_type_array) &&
	   strstr(out, "\"length\": 134217728") && !strstr(out, "orphan") &&
	   !strstr(out, "extent0.3") && !strstr(out, TAG2),
	   "list -m 0 -s accepted -t none: filtered, an array without -u");
	json_object_put(j);
	rc = dcdctl("list -u -m mem0 -s accepted -t none");
	j = json_tokener_parse(out);
	ok(rc == 0 && j && json_object_is_type(j, json_type_object) &&
	   json_object_object_get_ex(j, "memdev", &o) && !strcmp(json_object_get_string(o), "mem0") &&
	   strstr(out, "\"length\": \"128.00 MiB (134.22 MB)\"") && !strstr(out, TAG2),
	   "list -u -m mem0: human sizes, the one memdev unwrapped as cxl list -u does");
	json_object_put(j);
	rc = dcdctl("list -u -m memdev0,mem1");
	j = json_tokener_parse(out);
	ok(rc == 0 && j && json_object_is_type(j, json_type_object),
	   "list -m memdev0,mem1: a list of names, memdevX as an alias of memX");
	json_object_put(j);
	rc = dcdctl("list -m mem01");
	ok(rc == DCD_EXIT_USAGE && one_line() && strstr(err, "'mem01'") && !out[0],
	   "list -m mem01: not a memdev name, exit 2, one line");
	rc = dcdctl("list -r 7");
	ok(rc == 0 && !strcmp(out, "[\n]\n") | !strcmp(out, "[]\n") | !strcmp(out, "[ ]\n"),
	   "list -r 7: empty array (%s)", out);
	rc = dcdctl("list -m mem9");
	ok(rc == DCD_EXIT_NOTFOUND && !strcmp(err, "mem9: no such DC memdev\n") && !out[0],
	   "list -m mem9: exit 5, one line");
	rc = dcdctl("list -s gone");
	ok(rc == DCD_EXIT_USAGE && one_line(), "list -s gone: usage, exit 2");
	rc = dcdctl("frobnicate");
	ok(rc == DCD_EXIT_USAGE && !strcmp(err, "dcdctl: unknown command 'frobnicate' (dcdctl "
					       "--help lists them)\n"),
	   "unknown command: exit 2, one line");
	rc = dcdctl("--version");
	ok(rc == 0 && !strcmp(out, "dcdctl " DCDCTL_VERSION "\n"), "--version");
	rc = dcdctl("--help");
	ok(rc == 0 && strstr(out, "online"), "--help lists the commands");

	rc = dcdctl("online extent0.9");
	ok(rc == DCD_EXIT_NOTFOUND && !strcmp(err, "extent0.9: no such extent or DAX device\n"),
	   "online extent0.9: exit 5, \"%.*s\"", (int)strcspn(err, "\n"), err);
	rc = dcdctl("online extent0.1");
	ok(rc == 0 && strstr(err, "already online"), "online of an online extent: no-op, exit 0");
	rc = dcdctl("online extent0.2");
	ok(rc == DCD_EXIT_FAIL && !strcmp(err, "dax3.0: no online backend\n"),
	   "fake root: libdaxctl is never used on it (exit %d, \"%.*s\")", rc,
	   (int)strcspn(err, "\n"), err);
	rc = dcdctl("online extent0.3");
	ok(rc == DCD_EXIT_BUSY && one_line() && strstr(err, "release pending"),
	   "online of a release-pending extent: exit 6, one line");

	fk_rm_rf(fk_p("sys/module/cxl_dcd"));
	rc = dcdctl("list");
	ok(rc == DCD_EXIT_NOMODULE && !strcmp(err, "cxl_dcd is not loaded\n") && !out[0],
	   "no module: exit 3, \"cxl_dcd is not loaded\"");
	rc = dcdctl("online --all");
	ok(rc == DCD_EXIT_NOMODULE, "online without module: exit 3");
	rc = dcdctl("list --help");
	ok(rc == 0 && strstr(out, "--memdev"), "list --help works without the module");
	fk_build();
	fk_rm_rf(fk_p(CXL "mem0/dcd"));
	rc = dcdctl("list");
	ok(rc == DCD_EXIT_NODEV && one_line() && strstr(err, "no DC memdev"),
	   "no DC device: exit 4, one line");
	fk_build();
	fk_w(CXL "dax_region0/extent0.2/length", "lots\n");
	rc = dcdctl("list");
	ok(rc == DCD_EXIT_FAIL && !strcmp(err, "extent0.2: length: malformed value 'lots'\n") &&
	   !out[0], "malformed attribute: exit 1, device first, nothing on stdout");

	/* as a user: DAX resource 0400 as in the kernel, the command run as nobody */
	fk_build();
	chmod(fk_root, 0755);
	chmod(fk_p(DAXD "dax2.0/resource"), geteuid() ? 0 : 0400);
	chmod(fk_p(DAXD "dax3.0/resource"), geteuid() ? 0 : 0400);
	chmod(fk_p(DAXD "dax4.0/resource"), geteuid() ? 0 : 0400);
	rc = rn_dcdctl(geteuid() == 0, "list");
	j = json_tokener_parse(out);
	ok(rc == 0 && j && json_object_is_type(j, json_type_array) && !err[0] &&
	   strstr(out, "\"mode\": \"system-ram\"") && !strstr(out, "\"memory\""),
	   "list as a user: exit 0, quiet, the unreadable memory state left out (exit %d, %.*s)",
	   rc, (int)strcspn(err, "\n"), err);
	json_object_put(j);
	rc = rn_dcdctl(geteuid() == 0, "list -u -m 0 -r 0 -s accepted");
	j = json_tokener_parse(out);
	ok(rc == 0 && j && json_object_is_type(j, json_type_object) &&
	   strstr(out, "\"length\": \"128.00 MiB (134.22 MB)\"") && !strstr(out, "\"memory\""),
	   "list -u -m 0 -r 0 -s accepted as a user: exit 0, one object");
	json_object_put(j);

	fk_cleanup();
	return done();
}
