// SPDX-License-Identifier: GPL-2.0
/* device name normalising and filters (see name.h) */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "name.h"

static const struct {
	const char *prefix;
	const char *alias;	/* another prefix users type, or NULL */
	int dotted;		/* "X.Y" */
} kinds[] = {
	[UTIL_DEV_MEMDEV] = { "mem", "memdev", 0 },
	[UTIL_DEV_REGION] = { "region", NULL, 0 },
	[UTIL_DEV_DAX_REGION] = { "dax_region", NULL, 0 },
	[UTIL_DEV_DECODER] = { "decoder", NULL, 1 },
	[UTIL_DEV_EXTENT] = { "extent", NULL, 1 },
	[UTIL_DEV_DAX] = { "dax", NULL, 1 },
	[UTIL_DEV_ENDPOINT] = { "endpoint", NULL, 0 },
	[UTIL_DEV_PORT] = { "port", NULL, 0 },
	[UTIL_DEV_ROOT] = { "root", NULL, 0 },
};

const char *util_dev_prefix(enum util_dev kind)
{
	return kinds[kind].prefix;
}

/* "12" or, if dotted, "12.0": digits without leading zeros; length consumed or 0 */
static size_t id_len(const char *s, size_t n, int dotted)
{
	size_t i = 0, start;
	int part;

	for (part = 0; part <= dotted; part++) {
		if (part) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
		start = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start || (s[start] == '0' && i - start > 1) || i - start > 9)
			return 0;
	}
	return i == n ? i : 0;
}

/* canonical name of s[0..n) into buf: "<prefix>ID", "<alias>ID" or "ID"; 0 or -EINVAL */
static int norm(enum util_dev kind, const char *s, size_t n, char *buf, size_t len)
{
	const char *pre[] = { kinds[kind].prefix, kinds[kind].alias, "" };
	unsigned int i;
	size_t pl;

	for (i = 0; i < 3; i++) {
		if (!pre[i])
			continue;
		pl = strlen(pre[i]);
		if (n <= pl || strncmp(s, pre[i], pl) || !id_len(s + pl, n - pl, kinds[kind].dotted))
			continue;
		if (buf)
			snprintf(buf, len, "%s%.*s", kinds[kind].prefix, (int)(n - pl), s + pl);
		return 0;
	}
	return -EINVAL;
}

int util_dev_name(enum util_dev kind, const char *arg, char *buf, size_t len)
{
	return norm(kind, arg, strlen(arg), buf, len);
}

int util_is_dev(enum util_dev kind, const char *name)
{
	size_t pl = strlen(kinds[kind].prefix), n = strlen(name);

	return n > pl && !strncmp(name, kinds[kind].prefix, pl) &&
	       id_len(name + pl, n - pl, kinds[kind].dotted);
}

int util_dev_id(enum util_dev kind, const char *name)
{
	int id = -1;

	if (util_is_dev(kind, name))
		sscanf(name + strlen(kinds[kind].prefix), "%d", &id);
	return id;
}

static const char *next_tok(const char *s, size_t *n)
{
	while (*s == ' ' || *s == ',' || *s == '\t')
		s++;
	*n = strcspn(s, " ,\t");
	return *n ? s : NULL;
}

int util_dev_match(enum util_dev kind, const char *filter, const char *name)
{
	char buf[64];
	const char *t;
	size_t n;

	if (!filter || !strcmp(filter, "all"))
		return 1;
	for (t = next_tok(filter, &n); t; t = next_tok(t + n, &n))
		if (!norm(kind, t, n, buf, sizeof(buf)) && !strcmp(buf, name))
			return 1;
	return 0;
}

int util_dev_filter_check(enum util_dev kind, const char *filter, const char **bad)
{
	static char tok[64];
	const char *t;
	size_t n;

	if (!filter || !strcmp(filter, "all"))
		return 0;
	t = next_tok(filter, &n);
	if (!t) {
		*bad = filter;
		return -EINVAL;
	}
	for (; t; t = next_tok(t + n, &n))
		if (norm(kind, t, n, NULL, 0)) {
			snprintf(tok, sizeof(tok), "%.*s", (int)n, t);
			*bad = tok;
			return -EINVAL;
		}
	return 0;
}
