// SPDX-License-Identifier: GPL-2.0
/*
 * dcdctl monitor policy file: parsing and matching.
 *
 *   # ACTION [zone=movable|normal] [MATCH...]     first matching line wins
 *   system-ram zone=normal tag=6a8e3f4c-1b2d-4e5f-8a9b-0c1d2e3f4a5b
 *   devdax     memdev=mem1
 *   ignore     min-size=1G
 *   system-ram
 *
 * MATCH is tag=UUID|none, memdev=memX, region=regionX, size=SIZE,
 * min-size=SIZE, max-size=SIZE; a line without MATCH matches every extent.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dcdctl.h"
#include "policy.h"

static int is_uuid(const char *s)
{
	int i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

/* "mem0" or "0" with @prefix "mem"; "" if malformed */
__attribute__((format(printf, 5, 6)))
static int bad(char *err, size_t len, const char *name, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, len, "%s:%d: %s", name, line, msg);
	return -EINVAL;
}

static int parse_line(char *s, int line, struct dcd_pol_rule *r, const char *name,
		      char *err, size_t len)
{
	char *tok, *save = NULL, *val;
	int has_zone = 0;

	memset(r, 0, sizeof(*r));
	r->line = line;
	r->movable = 1;
	tok = strtok_r(s, " \t", &save);
	if (!strcmp(tok, "system-ram"))
		r->action = DCD_POL_SYSTEM_RAM;
	else if (!strcmp(tok, "devdax"))
		r->action = DCD_POL_DEVDAX;
	else if (!strcmp(tok, "ignore"))
		r->action = DCD_POL_IGNORE;
	else
		return bad(err, len, name, line,
			   "unknown action '%s' (system-ram, devdax, ignore)", tok);

	while ((tok = strtok_r(NULL, " \t", &save))) {
		val = strchr(tok, '=');
		if (!val)
			return bad(err, len, name, line, "'%s': expected KEY=VALUE", tok);
		*val++ = '\0';
		if (!*val)
			return bad(err, len, name, line, "%s: empty value", tok);
		if (!strcmp(tok, "zone")) {
			if (r->action != DCD_POL_SYSTEM_RAM)
				return bad(err, len, name, line,
					   "zone= only goes with system-ram");
			if (has_zone++)
				return bad(err, len, name, line, "zone given twice");
			if (!strcmp(val, "movable"))
				r->movable = 1;
			else if (!strcmp(val, "normal"))
				r->movable = 0;
			else
				return bad(err, len, name, line,
					   "unknown zone '%s' (movable, normal)", val);
		} else if (!strcmp(tok, "tag")) {
			if (r->has_tag++)
				return bad(err, len, name, line, "tag given twice");
			if (strcasecmp(val, "none") && !is_uuid(val))
				return bad(err, len, name, line,
					   "tag: '%s' is not a UUID or 'none'", val);
			snprintf(r->tag, sizeof(r->tag), "%s", val);
		} else if (!strcmp(tok, "memdev")) {
			if (r->memdev[0])
				return bad(err, len, name, line, "memdev given twice");
			if (util_dev_name(UTIL_DEV_MEMDEV, val, r->memdev, sizeof(r->memdev)))
				return bad(err, len, name, line, "memdev: '%s' is not memX", val);
		} else if (!strcmp(tok, "region")) {
			if (r->region[0])
				return bad(err, len, name, line, "region given twice");
			if (util_dev_name(UTIL_DEV_REGION, val, r->region, sizeof(r->region)))
				return bad(err, len, name, line, "region: '%s' is not regionX",
					   val);
		} else if (!strcmp(tok, "size") || !strcmp(tok, "min-size") ||
			   !strcmp(tok, "max-size")) {
			int *has = tok[0] == 's' ? &r->has_size :
				   tok[1] == 'i' ? &r->has_min : &r->has_max;
			uint64_t *v = tok[0] == 's' ? &r->size :
				      tok[1] == 'i' ? &r->min_size : &r->max_size;

			if ((*has)++)
				return bad(err, len, name, line, "%s given twice", tok);
			const char *why;

			if (util_parse_size(val, v, &why))
				return bad(err, len, name, line, "%s: '%s': %s", tok, val, why);
		} else {
			return bad(err, len, name, line, "unknown key '%s' (zone, tag, memdev, "
				   "region, size, min-size, max-size)", tok);
		}
	}
	if (r->has_min && r->has_max && r->min_size > r->max_size)
		return bad(err, len, name, line, "min-size is larger than max-size");
	if (r->has_size && (r->has_min || r->has_max))
		return bad(err, len, name, line, "size= with min-size= or max-size=");
	return 0;
}

int dcd_policy_parse(struct dcd_policy *p, FILE *f, const char *name, char *err, size_t len)
{
	char buf[DCD_POLICY_LINE_MAX + 2];
	struct dcd_pol_rule *rules = NULL, *nr;
	int n = 0, line = 0, rc;

	while (fgets(buf, sizeof(buf), f)) {
		char *s = buf, *hash;
		size_t l = strlen(buf);

		line++;
		if (l && buf[l - 1] != '\n' && !feof(f)) {
			free(rules);
			return bad(err, len, name, line, "line longer than %d characters",
				   DCD_POLICY_LINE_MAX);
		}
		hash = strchr(s, '#');
		if (hash)
			*hash = '\0';
		l = strlen(s);
		while (l && isspace((unsigned char)s[l - 1]))
			s[--l] = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			continue;
		for (char *c = s; *c; c++)
			if (!isprint((unsigned char)*c) && *c != '\t') {
				free(rules);
				return bad(err, len, name, line, "unprintable character");
			}
		nr = realloc(rules, sizeof(*rules) * (size_t)(n + 1));
		if (!nr) {
			free(rules);
			snprintf(err, len, "%s: out of memory", name);
			return -ENOMEM;
		}
		rules = nr;
		rc = parse_line(s, line, &rules[n], name, err, len);
		if (rc) {
			free(rules);
			return rc;
		}
		n++;
	}
	if (ferror(f)) {
		free(rules);
		snprintf(err, len, "%s: read error", name);
		return -EIO;
	}
	free(p->rules);
	p->rules = rules;
	p->nr = n;
	snprintf(p->path, sizeof(p->path), "%s", name);
	return 0;
}

int dcd_policy_load(struct dcd_policy *p, const char *path, char *err, size_t len)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		rc = -errno;
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return rc;
	}
	rc = dcd_policy_parse(p, f, path, err, len);
	fclose(f);
	return rc;
}

int dcd_policy_builtin(struct dcd_policy *p)
{
	struct dcd_pol_rule *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->action = DCD_POL_SYSTEM_RAM;
	r->movable = 1;
	free(p->rules);
	p->rules = r;
	p->nr = 1;
	snprintf(p->path, sizeof(p->path), "built-in");
	return 0;
}

void dcd_policy_free(struct dcd_policy *p)
{
	free(p->rules);
	p->rules = NULL;
	p->nr = 0;
}

static int rule_matches(const struct dcd_pol_rule *r, const struct dcd_extent *e)
{
	if (r->has_tag) {
		if (!strcasecmp(r->tag, "none")) {
			if (!dcd_tag_is_null(e->tag))
				return 0;
		} else if (strcasecmp(r->tag, e->tag)) {
			return 0;
		}
	}
	if (r->memdev[0] && (!e->memdev || strcmp(r->memdev, e->memdev->name)))
		return 0;
	if (r->region[0] && strcmp(r->region, e->region))
		return 0;
	if (r->has_size && e->length != r->size)
		return 0;
	if (r->has_min && e->length < r->min_size)
		return 0;
	if (r->has_max && e->length > r->max_size)
		return 0;
	return 1;
}

const struct dcd_pol_rule *dcd_policy_match(const struct dcd_policy *p,
					    const struct dcd_extent *e)
{
	int i;

	for (i = 0; i < p->nr; i++)
		if (rule_matches(&p->rules[i], e))
			return &p->rules[i];
	return NULL;
}

int dcd_policy_onlines_all(const struct dcd_policy *p)
{
	int i, any = 0;

	for (i = 0; i < p->nr; i++) {
		const struct dcd_pol_rule *r = &p->rules[i];

		if (r->action != DCD_POL_SYSTEM_RAM)
			return 0;
		if (!r->has_tag && !r->has_size && !r->has_min && !r->has_max &&
		    !r->memdev[0] && !r->region[0])
			any = 1;
	}
	return any;
}

const char *dcd_pol_action_name(const struct dcd_pol_rule *r)
{
	if (!r || r->action == DCD_POL_IGNORE)
		return "ignore";
	if (r->action == DCD_POL_DEVDAX)
		return "devdax";
	return r->movable ? "system-ram (movable)" : "system-ram (normal)";
}
