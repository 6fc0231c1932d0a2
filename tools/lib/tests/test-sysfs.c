// SPDX-License-Identifier: GPL-2.0
/* the sysfs layer (tools/lib/sysfs.c) on a temporary tree */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "nopriv.h"
#include "sysfs.h"

static char dir[64];

static const char *p(const char *rel)
{
	static char b[4][256];
	static int n;
	char *s = b[n++ & 3];

	snprintf(s, 256, "%s/%s", dir, rel);
	return s;
}

static void w(const char *rel, const char *val)
{
	FILE *f = fopen(p(rel), "w");

	if (!f)
		abort();
	fputs(val, f);
	fclose(f);
}

int main(void)
{
	struct util_sysfs s;
	char buf[256], cmd[128];
	uint64_t v = 0;
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/util-sysfs.XXXXXX");
	if (!mkdtemp(dir))
		abort();

	util_sysfs_init(&s, "/");
	ok(util_sysfs_is_real(&s) && !strcmp(util_sysfs_path(&s, buf, sizeof(buf), "sys/%s", "x"),
					     "/sys/x"), "root /: the real sysfs, /sys/...");
	setenv("DCDCTL_SYSFS_ROOT", "/tmp/fake///", 1);
	util_sysfs_init(&s, NULL);
	ok(!util_sysfs_is_real(&s) &&
	   !strcmp(util_sysfs_path(&s, buf, sizeof(buf), "sys/bus"), "/tmp/fake/sys/bus"),
	   "DCDCTL_SYSFS_ROOT is the root, trailing slashes dropped");
	unsetenv("DCDCTL_SYSFS_ROOT");
	util_sysfs_init(&s, NULL);
	ok(util_sysfs_is_real(&s), "no root given, no environment: /");

	w("a", "0x40000000\n");
	w("b", "  text with blanks \n\n");
	w("c", "17\n");
	w("d", "lots\n");
	ok(!util_sysfs_read(p("b"), buf, sizeof(buf)) && !strcmp(buf, "  text with blanks"),
	   "read: trailing newlines and blanks stripped");
	ok(!util_sysfs_read(p("a"), buf, 5) && !strcmp(buf, "0x40"), "read: bounded by the buffer");
	ok(!util_sysfs_read_u64(p("a"), 16, &v) && v == 0x40000000, "read_u64: base 16 with 0x");
	ok(!util_sysfs_read_u64(p("c"), 10, &v) && v == 17 &&
	   !util_sysfs_read_u64(p("c"), 16, &v) && v == 0x17, "read_u64: base 10 and 16");
	ok(util_sysfs_read_u64(p("d"), 10, &v) == -EINVAL, "read_u64: malformed value: EINVAL");
	ok(util_sysfs_read(p("none"), buf, sizeof(buf)) == -ENOENT, "read: missing: ENOENT");
	ok(util_sysfs_parse_u64("8000000", 16, &v) == 0 && v == 0x8000000 &&
	   util_sysfs_parse_u64("0x", 16, &v) == -EINVAL &&
	   util_sysfs_parse_u64("-1", 10, &v) == -EINVAL &&
	   util_sysfs_parse_u64(" 1", 10, &v) == -EINVAL &&
	   util_sysfs_parse_u64("0x1ffffffffffffffff", 16, &v) == -EINVAL,
	   "parse_u64: sysfs number forms");

	ok(!util_sysfs_write(p("c"), "1234\n") && !util_sysfs_read(p("c"), buf, sizeof(buf)) &&
	   !strcmp(buf, "1234"), "write replaces the value");
	ok(util_sysfs_write(p("nodir/x"), "1") == -ENOENT, "write: missing: ENOENT");
	ok(util_sysfs_exists(p("a")) && !util_sysfs_exists(p("none")), "exists");

	mkdir(p("devices"), 0755);
	mkdir(p("devices/root0"), 0755);
	mkdir(p("devices/root0/decoder0.0"), 0755);
	mkdir(p("devices/root0/decoder0.0/region3"), 0755);
	if (symlink("devices/root0/decoder0.0/region3", p("region3")) ||
	    symlink("../drivers/kmem", p("driver")))
		abort();
	ok(!util_sysfs_link_name(p("driver"), buf, sizeof(buf)) && !strcmp(buf, "kmem"),
	   "link_name: basename of the target");
	ok(util_sysfs_link_name(p("a"), buf, sizeof(buf)) == -EINVAL, "link_name: not a link");
	ok(!util_sysfs_parent_name(p("region3"), buf, sizeof(buf)) && !strcmp(buf, "decoder0.0"),
	   "parent_name: the device above, through links");
	ok(!strcmp(util_sysfs_attr_name("/sys/bus/cxl/devices/region0/commit"), "region0/commit") &&
	   !strcmp(util_sysfs_attr_name("commit"), "commit"), "attr_name: the last two components");

	chmod(p("a"), 0);
	chmod(p("c"), 0);
	rc = nopriv_begin();
	ok(!rc && util_sysfs_read(p("a"), buf, sizeof(buf)) == -EACCES &&
	   util_sysfs_read_u64(p("a"), 16, &v) == -EACCES &&
	   util_sysfs_write(p("c"), "1\n") == -EACCES,
	   "unreadable and unwritable attributes: EACCES (without DAC capabilities)");
	nopriv_end();
	ok(!util_sysfs_read(p("a"), buf, sizeof(buf)) || geteuid() != 0,
	   "capabilities back: root reads it again");

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		abort();
	return done();
}
