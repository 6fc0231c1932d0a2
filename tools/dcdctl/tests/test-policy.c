// SPDX-License-Identifier: GPL-2.0
/*
 * dcdctl monitor policy file: parsing (good files, every bad-line case with
 * its FILE:LINE message), sizes, and matching against the fake tree's
 * extents (first match wins).
 */
#include "tap.h"
#include "fake.h"
#include "dcdctl.h"
#include "policy.h"

static char err[600];

static int parse(struct dcd_policy *p, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	if (!f)
		abort();
	err[0] = '\0';
	rc = dcd_policy_parse(p, f, "test.conf", err, sizeof(err));
	fclose(f);
	return rc;
}

/* the bad line is line 3, after a comment and a good rule */
static void bad(const char *line, const char *msg)
{
	struct dcd_policy p = { 0 };
	char text[2048], want[300];
	int rc;

	snprintf(text, sizeof(text), "# policy\nsystem-ram\n%s\nignore\n", line);
	snprintf(want, sizeof(want), "test.conf:3: %s", msg);
	rc = parse(&p, text);
	ok(rc == -EINVAL && !strncmp(err, want, strlen(want)) && !p.nr && !p.rules,
	   "bad line '%.40s': \"%s\"", line, err);
	dcd_policy_free(&p);
}

int main(void)
{
	struct dcd_policy p = { 0 };
	const struct dcd_pol_rule *r;
	struct dcd_ctx *ctx;
	char longline[1200];
	uint64_t v;
	int rc;

	/* sizes */
	ok(!util_parse_size("256M", &v, NULL) && v == 256ULL << 20, "size 256M");
	ok(!util_parse_size("1g", &v, NULL) && v == 1ULL << 30, "size 1g");
	ok(!util_parse_size("0x10000000", &v, NULL) && v == 0x10000000, "size 0x10000000");
	ok(!util_parse_size("4096", &v, NULL) && v == 4096, "size 4096");
	ok(!util_parse_size("2T", &v, NULL) && v == 2ULL << 40, "size 2T");
	ok(util_parse_size("", &v, NULL) && util_parse_size("-1", &v, NULL) && util_parse_size("12Q", &v, NULL) &&
	   util_parse_size("1MB", &v, NULL) && util_parse_size("M", &v, NULL) && util_parse_size(" 1", &v, NULL),
	   "bad sizes: '', -1, 12Q, 1MB, M, ' 1'");
	ok(util_parse_size("99999999999T", &v, NULL) == -ERANGE, "size overflow: ERANGE");

	/* a good file */
	rc = parse(&p, "# comment\n\n"
		   "system-ram zone=normal tag=6A8E3F4C-1B2D-4E5F-8A9B-0C1D2E3F4A5B  # tagged\n"
		   "\tdevdax\tmemdev=1 region=region0   \n"
		   "ignore min-size=1G max-size=2G\n"
		   "system-ram size=128M tag=none\n"
		   "devdax region=3 memdev=mem2\n"
		   "system-ram\n");
	ok(rc == 0 && p.nr == 6 && !strcmp(p.path, "test.conf"), "good file: 6 rules (rc %d, %s)",
	   rc, err);
	r = p.rules;
	ok(p.nr == 6 && r[0].line == 3 && r[0].action == DCD_POL_SYSTEM_RAM && !r[0].movable &&
	   r[0].has_tag && !strcmp(r[0].tag, "6A8E3F4C-1B2D-4E5F-8A9B-0C1D2E3F4A5B"),
	   "rule 1: line 3, system-ram normal, tag");
	ok(p.nr == 6 && r[1].line == 4 && r[1].action == DCD_POL_DEVDAX &&
	   !strcmp(r[1].memdev, "mem1") && !strcmp(r[1].region, "region0"),
	   "rule 2: tabs, devdax, memdev=1 -> mem1, region0");
	ok(p.nr == 6 && r[2].action == DCD_POL_IGNORE && r[2].has_min && r[2].has_max &&
	   r[2].min_size == 1ULL << 30 && r[2].max_size == 2ULL << 30, "rule 3: ignore 1G-2G");
	ok(p.nr == 6 && r[3].movable && r[3].has_size && r[3].size == 128ULL << 20 &&
	   !strcmp(r[3].tag, "none"), "rule 4: system-ram movable by default, size, tag=none");
	ok(p.nr == 6 && !strcmp(r[4].region, "region3") && !strcmp(r[4].memdev, "mem2"),
	   "rule 5: region=3 -> region3, memdev=mem2");
	ok(p.nr == 6 && !r[5].has_tag && !r[5].memdev[0] && !r[5].region[0] && !r[5].has_size &&
	   !r[5].has_min && !r[5].has_max, "rule 6: no matcher");
	ok(!strcmp(dcd_pol_action_name(&r[0]), "system-ram (normal)") &&
	   !strcmp(dcd_pol_action_name(&r[5]), "system-ram (movable)") &&
	   !strcmp(dcd_pol_action_name(&r[1]), "devdax") &&
	   !strcmp(dcd_pol_action_name(&r[2]), "ignore") &&
	   !strcmp(dcd_pol_action_name(NULL), "ignore"), "action names");
	dcd_policy_free(&p);
	rc = parse(&p, "# nothing\n\n   \n");
	ok(rc == 0 && p.nr == 0, "comments and blank lines only: no rules");
	dcd_policy_free(&p);

	/* every bad-line case */
	bad("frobnicate", "unknown action 'frobnicate'");
	bad("System-RAM", "unknown action 'System-RAM'");
	bad("system-ram movable", "'movable': expected KEY=VALUE");
	bad("system-ram zone=", "zone: empty value");
	bad("devdax zone=normal", "zone= only goes with system-ram");
	bad("ignore zone=movable", "zone= only goes with system-ram");
	bad("system-ram zone=normal zone=movable", "zone given twice");
	bad("system-ram zone=dma", "unknown zone 'dma'");
	bad("devdax tag=abc", "tag: 'abc' is not a UUID or 'none'");
	bad("devdax tag=6a8e3f4c-1b2d-4e5f-8a9b-0c1d2e3f4a5", "tag: '6a8e3f4c");
	bad("devdax tag=6a8e3f4cx1b2d-4e5f-8a9b-0c1d2e3f4a5b", "tag: '6a8e3f4c");
	bad("devdax tag=none tag=none", "tag given twice");
	bad("devdax memdev=dax0", "memdev: 'dax0' is not memX");
	bad("devdax memdev=mem", "memdev: 'mem' is not memX");
	bad("devdax memdev=mem1 memdev=mem2", "memdev given twice");
	bad("devdax region=r1", "region: 'r1' is not regionX");
	bad("devdax region=1 region=2", "region given twice");
	bad("devdax size=lots", "size: 'lots': not a number");
	bad("devdax min-size=1X", "min-size: '1X': unknown unit");
	bad("devdax max-size=-1", "max-size: '-1': no sign allowed");
	bad("devdax max-size=010M", "max-size: '010M': leading zero");
	bad("devdax max-size=2MB", "max-size: '2MB': decimal or bit unit");
	bad("devdax size=1G size=2G", "size given twice");
	bad("devdax min-size=1G min-size=1G", "min-size given twice");
	bad("devdax min-size=2G max-size=1G", "min-size is larger than max-size");
	bad("devdax size=1G max-size=2G", "size= with min-size= or max-size=");
	bad("devdax node=1", "unknown key 'node'");
	bad("devdax =1", "unknown key ''");
	bad("devdax tag\x01=none", "unprintable character");
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	memcpy(longline, "ignore ", 7);
	bad(longline, "line longer than 1024 characters");

	/* files */
	rc = dcd_policy_load(&p, "/nonexistent/policy.conf", err, sizeof(err));
	ok(rc == -ENOENT && strstr(err, "/nonexistent/policy.conf: No such file"),
	   "missing file: ENOENT, \"%s\"", err);
	ok(!dcd_policy_builtin(&p) && p.nr == 1 && p.rules[0].action == DCD_POL_SYSTEM_RAM &&
	   p.rules[0].movable && !strcmp(p.path, "built-in"), "built-in: system-ram movable");
	ok(dcd_policy_onlines_all(&p), "built-in: onlines every extent");
	rc = parse(&p, "bogus\n");
	ok(rc == -EINVAL && p.nr == 1 && !strcmp(p.path, "built-in"),
	   "a failed parse keeps the previous policy");

	/* dcd_policy_onlines_all(): may new DAX devices bind kmem at once? */
	ok(!parse(&p, "system-ram zone=normal max-size=1G\nsystem-ram\n") &&
	   dcd_policy_onlines_all(&p), "system-ram rules ending in a catch-all: onlines all");
	ok(!parse(&p, "system-ram zone=normal\n") && dcd_policy_onlines_all(&p),
	   "zone=normal catch-all: onlines all");
	ok(!parse(&p, "system-ram min-size=128M\n") && !dcd_policy_onlines_all(&p),
	   "no catch-all (smaller extents are ignored): not all");
	ok(!parse(&p, "system-ram memdev=mem1\nsystem-ram tag=none\n") &&
	   !dcd_policy_onlines_all(&p), "only restricted system-ram rules: not all");
	ok(!parse(&p, "devdax tag=" TAG2 "\nsystem-ram\n") && !dcd_policy_onlines_all(&p),
	   "a devdax rule before the catch-all: not all");
	ok(!parse(&p, "system-ram\nignore\n") && !dcd_policy_onlines_all(&p),
	   "an ignore rule, even unreachable: not all");
	ok(!parse(&p, "# nothing\n") && p.nr == 0 && !dcd_policy_onlines_all(&p),
	   "empty policy (every extent ignored): not all");
	dcd_policy_free(&p);

	/* matching on the fake tree */
	fk_build();
	if (dcd_ctx_new(&ctx, NULL)) {
		ok(0, "fake tree: %s", dcd_strerror(ctx));
		return done();
	}
	rc = parse(&p, "devdax tag=" TAG2 "\n"
		   "ignore size=256M\n"
		   "system-ram zone=normal max-size=2M region=region0\n"
		   "devdax memdev=mem1\n"
		   "system-ram min-size=128M max-size=128M memdev=0\n");
	ok(rc == 0 && p.nr == 5, "matching policy parsed");
#define M(x) dcd_policy_match(&p, dcd_find_extent(ctx, x))
	r = M("extent0.2");
	ok(r && r->line == 1, "tagged extent0.2 -> line 1 (tag)");
	r = M("extent0.3");
	ok(r && r->line == 2, "256 MiB extent0.3 -> line 2 (size)");
	r = M("extent0.4");
	ok(r && r->line == 3 && !r->movable, "2 MiB extent0.4 -> line 3 (max-size, region)");
	r = M("extent0.1");
	ok(r && r->line == 5, "128 MiB untagged extent0.1 on mem0 -> line 5, not line 4 (mem1)");
	dcd_policy_free(&p);
	rc = parse(&p, "devdax tag=none\nsystem-ram\n");
	ok(M("extent0.1")->line == 1 && M("extent0.2")->line == 2,
	   "tag=none matches untagged only; first match wins");
	dcd_policy_free(&p);
	rc = parse(&p, "devdax region=region1\nsystem-ram min-size=1G\n");
	ok(!M("extent0.1") && !M("extent0.3"), "no rule matches: NULL (ignore)");
	dcd_policy_free(&p);
	rc = parse(&p, "devdax tag=6A8E3F4C-1B2D-4E5F-8A9B-0C1D2E3F4A5B\n");
	ok(M("extent0.2") != NULL, "tags compare case-insensitively");
	dcd_policy_free(&p);
#undef M
	dcd_ctx_free(ctx);
	fk_cleanup();
	return done();
}
