// SPDX-License-Identifier: GPL-2.0
/* dcd-fm: parsing the cxl_dcd debugfs report and classifying outcomes */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	ok(fm_classify_add(&v, 256 * M, 128 * M, FM_DEV_PARTIAL) == O_REJECTED,
	   "add: partly accepted and no longer pending -> rejected");
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
	s = fm_view_script(0x1000);
	ok(s && strstr(s, "SN=0x1000\n") && strstr(s, "cxl_dcd") && strstr(s, "echo end"),
	   "the guest script matches memX by serial in the kernel's %%#llx form");
	free(s);
	return done();
}
