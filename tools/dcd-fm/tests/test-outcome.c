// SPDX-License-Identifier: GPL-2.0
/* dcd-fm: parsing the cxl_dcd debugfs report and classifying outcomes */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hostview.h"
#include "outcome.h"
#include "tap.h"
#include "transport.h"

#define M (1ULL << 20)

static const char sample[] =
	"memdev mem0\n"
	"device_extents\n"
	"0x0 0x8000000\n"
	"0x8000000 0x4000000\n"
	"0x10000000 0x200000\n"
	"host_extents\n"
	"0x0 0x8000000 accepted region0\n"
	"0x8000000 0x4000000 release-pending region0\n"
	"0x10000000 0x200000 orphan -\n"
	"end\n";

/*
 * A sysfs tree shaped like the lab's (verified in a QEMU 10.0 guest): two
 * memdevs, their endpoints (uport links), a DC region on each, extents with
 * states, an orphan. Paths as the kernel makes them: decoders under the
 * endpoint port, not under the memdev.
 */
static const char tree[] =
	"set -e; cd \"$1\"; D=sys/devices; C=sys/bus/cxl/devices; mkdir -p $C\n"
	"mk() { mkdir -p $D/$1; ln -s ../../../devices/$1 $C/${1##*/}; }\n"
	"for i in 0 1; do\n"
	"  mk pci/mem$i; echo 0x100$i > $D/pci/mem$i/serial; mkdir $D/pci/mem$i/dcd\n"
	"  mk root0/port1/endpoint$((i + 2)); ln -s ../../../pci/mem$i $D/root0/port1/endpoint$((i + 2))/uport\n"
	"  mk root0/port1/endpoint$((i + 2))/decoder$((i + 2)).0\n"
	"  mk root0/decoder0.$i/region$i; echo decoder$((i + 2)).0 > $D/root0/decoder0.$i/region$i/target0\n"
	"  mk root0/decoder0.$i/region$i/dax_region$i\n"
	"done\n"
	"x() { e=$D/root0/decoder0.$1/region$1/dax_region$1/extent$1.$2; mkdir $e;\n"
	"  echo $3 > $e/dpa; echo $4 > $e/length; echo $5 > $e/state; }\n"
	"x 0 1 0x0 0x8000000 accepted\n"
	"x 0 2 0x8000000 0x4000000 release-pending\n"
	"x 1 1 0x0 0x2000000 accepted\n"
	"echo '0x10000000 0x200000' > $D/pci/mem0/dcd/orphans\n"
	": > $D/pci/mem1/dcd/orphans\n";

static int run_script(const char *root, uint64_t serial, char *out, size_t cap)
{
	char *s = fm_sysfs_view_script(serial, root), path[300], cmd[400];
	FILE *f;
	size_t n;
	int st;

	snprintf(path, sizeof(path), "%s/view.sh", root);
	f = fopen(path, "w");
	fputs(s, f);
	fclose(f);
	free(s);
	snprintf(cmd, sizeof(cmd), "sh %s", path);
	f = popen(cmd, "r");
	n = fread(out, 1, cap - 1, f);
	out[n] = 0;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void sysfs_script_tests(void)
{
	char root[] = "/tmp/dcd-fm-sysfs.XXXXXX", cmd[600], out[4096];
	struct fm_host_view v;
	struct fm_err e;
	FILE *f;
	int st;

	if (!mkdtemp(root))
		abort();
	snprintf(cmd, sizeof(cmd), "%s/mk.sh", root);
	f = fopen(cmd, "w");
	fputs(tree, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "sh %s/mk.sh %s", root, root);
	ok(system(cmd) == 0, "a fake sysfs tree is built");
	st = run_script(root, 0x1000, out, sizeof(out));
	if (!ok(st == 0 && fm_view_parse(out, &v, &e) == 0, "the sysfs script's report parses"))
		printf("# status %d: %s\n", st, out);
	ok(!strcmp(v.memdev, "mem0") && v.ndev == 3 && v.nhost == 3,
	   "mem0: its 2 extents and its orphan, not mem1's extent");
	ok(v.nhost == 3 && v.host[0].dpa == 0 && v.host[0].state == H_ACCEPTED &&
	   !strcmp(v.host[0].region, "region0") && v.host[1].state == H_RELEASE_PENDING &&
	   v.host[2].state == H_ORPHAN && v.host[2].dpa == 256 * M,
	   "states and regions come from extentX.Y/state and the orphans file");
	ok(fm_classify_release(&v, 128 * M, 64 * M, -1) == O_RELEASE_PENDING &&
	   fm_classify_add(&v, 0, 128 * M, -1) == O_ACCEPTED,
	   "outcomes from the sysfs view: release pending, add accepted");
	fm_view_free(&v);
	st = run_script(root, 0x1001, out, sizeof(out));
	ok(st == 0 && fm_view_parse(out, &v, &e) == 0 && v.ndev == 1 && v.nhost == 1 &&
	   v.host[0].len == 32 * M && !strcmp(v.host[0].region, "region1"),
	   "mem1: only its own extent");
	fm_view_free(&v);
	ok(run_script(root, 0x2000, out, sizeof(out)) == FM_VIEW_NO_MEMDEV,
	   "an unknown serial: status %d", FM_VIEW_NO_MEMDEV);
	snprintf(cmd, sizeof(cmd), "rm -r %s/sys/devices/pci/mem0/dcd", root);
	ok(system(cmd) == 0 && run_script(root, 0x1000, out, sizeof(out)) == FM_VIEW_NO_DCD &&
	   strstr(out, "cxl_dcd loaded"), "no dcd/ directory: status %d, says why", FM_VIEW_NO_DCD);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd))
		perror("rm");
}

int main(void)
{
	struct fm_host_view v;
	struct fm_err e = { "" };
	struct fm_hext *h;
	struct fm_dext *d;
	size_t n;
	char *s;
	int rc;

	rc = fm_view_parse(sample, &v, &e);
	ok(rc == 0 && !strcmp(v.memdev, "mem0") && v.ndev == 3 && v.nhost == 3,
	   "a full report parses (memdev, 3 device and 3 host extents)");
	ok(v.dev[1].dpa == 128 * M && v.dev[1].len == 64 * M, "device extents are hex dpa/length");
	ok(v.host[1].state == H_RELEASE_PENDING && !strcmp(v.host[1].region, "region0") &&
	   v.host[2].state == H_ORPHAN && !strcmp(v.host[2].region, "-"),
	   "host extent states and regions parse");
	ok(fm_view_dev_covers(&v, 0, 192 * M), "adjacent device extents cover a range together");
	ok(!fm_view_dev_covers(&v, 0, 194 * M), "a gap means not covered");

	ok(fm_classify_add(&v, 0, 128 * M, FM_DEV_PENDING) == O_ACCEPTED,
	   "add: listed by the device -> accepted");
	ok(fm_classify_add(&v, 256 * M, 128 * M, FM_DEV_PENDING) == O_WAITING,
	   "add: still pending on the device -> waiting");
	ok(fm_classify_add(&v, 256 * M, 128 * M, FM_DEV_FREE) == O_REJECTED,
	   "add: neither listed nor pending -> rejected");
	ok(fm_classify_add(&v, 256 * M, 128 * M, FM_DEV_PARTIAL) == O_ACCEPTED,
	   "add: partly accepted -> accepted: the range stays reserved (list -R reports it)");
	ok(fm_classify_add(NULL, 256 * M, 128 * M, FM_DEV_ACCEPTED) == O_ACCEPTED,
	   "add: no host view but the device has it accepted -> accepted");
	ok(fm_classify_add(NULL, 256 * M, 128 * M, -1) == O_WAITING,
	   "add: nothing known -> waiting");
	ok(fm_classify_release(&v, 128 * M, 64 * M, FM_DEV_ACCEPTED) == O_RELEASE_PENDING,
	   "release: host says release-pending -> pending");
	ok(fm_classify_release(&v, 0, 128 * M, FM_DEV_ACCEPTED) == O_WAITING,
	   "release: still accepted on the host -> waiting");
	ok(fm_classify_release(&v, 300 * M, 2 * M, FM_DEV_FREE) == O_RELEASED,
	   "release: gone from host and device -> released");
	ok(fm_classify_release(&v, 300 * M, 2 * M, FM_DEV_ACCEPTED) == O_WAITING,
	   "release: gone from the host lists but the device still has it -> waiting");
	ok(fm_classify_release(&v, 300 * M, 2 * M, -1) == O_WAITING &&
	   fm_classify_release(NULL, 300 * M, 2 * M, -1) == O_WAITING,
	   "release: gone from the host lists, the device not asked -> waiting");
	ok(txn_outcome_state(O_ACCEPTED, G_OFFERED) == G_ACCEPTED &&
	   txn_outcome_state(O_REJECTED, G_ADDING) == G_REJECTED &&
	   txn_outcome_state(O_RELEASED, G_RELEASE_PENDING) == G_RELEASED &&
	   txn_outcome_state(O_RELEASE_PENDING, G_RELEASE_REQUESTED) == G_RELEASE_PENDING,
	   "an outcome moves a grant on from the states it follows");
	ok(txn_outcome_state(O_ACCEPTED, G_RELEASE_REQUESTED) == G_RELEASE_REQUESTED &&
	   txn_outcome_state(O_ACCEPTED, G_RELEASED) == G_RELEASED &&
	   txn_outcome_state(O_RELEASE_PENDING, G_RELEASED) == G_RELEASED &&
	   txn_outcome_state(O_REJECTED, G_ACCEPTED) == G_ACCEPTED,
	   "an outcome seen before another dcd-fm moved the grant on never overwrites it");
	fm_view_free(&v);

	ok(fm_view_parse("memdev mem0\ndevice_extents\nhost_extents\nend\n", &v, &e) == 0 &&
	   v.ndev == 0 && v.nhost == 0, "an empty report parses");
	fm_view_free(&v);
	ok(fm_view_parse("memdev mem0\ndevice_extents\n0x0 0x200000\n", &v, &e) == -EPROTO &&
	   strstr(e.msg, "truncated"), "a truncated report is an error");
	ok(fm_view_parse("memdev mem0\ndevice_extents\n0x0 zz\nhost_extents\nend\n", &v, &e) ==
	   -EPROTO && strstr(e.msg, "line 3"), "a bad device line is an error naming the line");
	ok(fm_view_parse("memdev mem0\ndevice_extents\nhost_extents\n0x0 0x200000 weird -\nend\n",
			 &v, &e) == -EPROTO, "an unknown host state is an error");
	ok(fm_view_parse("memdev mem0\ndevice_extents\n0x0 0x0\nhost_extents\nend\n", &v, &e) ==
	   -EPROTO, "a zero-length extent line is an error");
	ok(fm_hext_parse("0x0 0x200000 forced -\n\n0x200000 0x200000 accepted region1\n", &h, &n,
			 &e) == 0 && n == 2 && h[0].state == H_FORCED, "host_extents alone parses");
	free(h);
	ok(fm_dext_parse("0x200000 0x400000\n", &d, &n, &e) == 0 && n == 1 &&
	   d[0].len == 4 * M, "device_extents alone parses");
	free(d);
	s = fm_sysfs_view_script(0x1000, "");
	ok(s && strstr(s, "SN=0x1000\n") && !strstr(s, "debug") && strstr(s, "echo end"),
	   "the host script matches memX by serial in the kernel's %%#llx form, no debugfs");
	free(s);
	sysfs_script_tests();
	return done();
}
