// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: host views and outcome classification.
 *
 * Add, per extent:   the device list (as the host read it) covers it, or
 *                    the device says it is wholly accepted (only the host
 *                    can accept) -> accepted; the device says the range is free (no
 *                    longer offered, not accepted) -> rejected; partly
 *                    accepted and no longer pending -> rejected (partial
 *                    acceptance drops the rest, §7.8); otherwise waiting.
 * Release, per extent: gone from both host lists (and free on the device
 *                    when the transport can tell) -> released; the host
 *                    lists it release-pending -> pending; else waiting.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcome.h"
#include "transport.h"

const char *fm_hstate_name(enum fm_hstate s)
{
	static const char *const n[] = { "accepted", "release-pending", "orphan", "forced" };

	return (unsigned int)s < 4 ? n[s] : "?";
}

const char *fm_outcome_name(enum fm_outcome o)
{
	static const char *const n[] = { "waiting", "accepted", "rejected", "released",
					 "release-pending" };

	return (unsigned int)o < 5 ? n[o] : "?";
}

void fm_view_free(struct fm_host_view *v)
{
	free(v->dev);
	free(v->host);
	memset(v, 0, sizeof(*v));
}

static int hex(const char *s, uint64_t *v)
{
	char *end;

	if (!s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 16);
	return errno || end == s || *end ? -EINVAL : 0;
}

static bool blank(const char *l)
{
	return !*l || *l == '#';
}

/* one line of device_extents */
static int parse_dext(char *l, struct fm_dext *d)
{
	char *sv, *a = strtok_r(l, " \t", &sv), *b = strtok_r(NULL, " \t", &sv);

	if (strtok_r(NULL, " \t", &sv) || hex(a, &d->dpa) || hex(b, &d->len) || !d->len)
		return -EINVAL;
	return 0;
}

/* one line of host_extents */
static int parse_hext(char *l, struct fm_hext *h)
{
	char *sv, *a = strtok_r(l, " \t", &sv), *b = strtok_r(NULL, " \t", &sv);
	char *s = strtok_r(NULL, " \t", &sv), *r = strtok_r(NULL, " \t", &sv);

	if (!s || !r || strtok_r(NULL, " \t", &sv) || hex(a, &h->dpa) || hex(b, &h->len) ||
	    !h->len || strlen(r) >= sizeof(h->region))
		return -EINVAL;
	if (!strcmp(s, "accepted"))
		h->state = H_ACCEPTED;
	else if (!strcmp(s, "release-pending"))
		h->state = H_RELEASE_PENDING;
	else if (!strcmp(s, "orphan"))
		h->state = H_ORPHAN;
	else if (!strcmp(s, "forced"))
		h->state = H_FORCED;
	else
		return -EINVAL;
	strcpy(h->region, r);
	return 0;
}

static void *push(void **arr, size_t *n, size_t size)
{
	void *p = realloc(*arr, (*n + 1) * size);

	if (!p)
		return NULL;
	*arr = p;
	return (char *)p + (*n)++ * size;
}

/* the full script output: memdev line, two sections, "end" */
int fm_view_parse(const char *text, struct fm_host_view *v, struct fm_err *e)
{
	char *copy = strdup(text), *sv, *l;
	enum { S_HEAD, S_DEV, S_HOST, S_END } sec = S_HEAD;
	unsigned int lineno = 0;
	int rc = 0;

	memset(v, 0, sizeof(*v));
	if (!copy)
		return fm_seterr(e, -ENOMEM, "out of memory");
	for (l = strtok_r(copy, "\n", &sv); l; l = strtok_r(NULL, "\n", &sv)) {
		lineno++;
		if (sec == S_HEAD) {
			if (strncmp(l, "memdev ", 7) || strlen(l + 7) >= sizeof(v->memdev))
				goto bad;
			strcpy(v->memdev, l + 7);
			if (!(l = strtok_r(NULL, "\n", &sv)) || strcmp(l, "device_extents"))
				goto bad;
			lineno++;
			sec = S_DEV;
		} else if (sec == S_DEV && !strcmp(l, "host_extents")) {
			sec = S_HOST;
		} else if (sec == S_HOST && !strcmp(l, "end")) {
			sec = S_END;
		} else if (sec == S_DEV) {
			struct fm_dext d, *p;

			if (blank(l))
				continue;
			if (parse_dext(l, &d))
				goto bad;
			p = push((void **)&v->dev, &v->ndev, sizeof(d));
			if (!p)
				goto nomem;
			*p = d;
		} else if (sec == S_HOST) {
			struct fm_hext h, *p;

			if (blank(l))
				continue;
			if (parse_hext(l, &h))
				goto bad;
			p = push((void **)&v->host, &v->nhost, sizeof(h));
			if (!p)
				goto nomem;
			*p = h;
		} else {
			goto bad;
		}
	}
	if (sec != S_END) {
		rc = fm_seterr(e, -EPROTO, "host report truncated (no end marker)");
		goto fail;
	}
	free(copy);
	return 0;
bad:
	rc = fm_seterr(e, -EPROTO, "host report line %u not understood (format "
		       "changed?)", lineno);
	goto fail;
nomem:
	rc = fm_seterr(e, -ENOMEM, "out of memory");
fail:
	free(copy);
	fm_view_free(v);
	return rc;
}

static int parse_lines(const char *text, void **arr, size_t *n, size_t size, bool host,
		       struct fm_err *e)
{
	char *copy = strdup(text), *sv, *l;
	unsigned int lineno = 0;

	*arr = NULL;
	*n = 0;
	if (!copy)
		return fm_seterr(e, -ENOMEM, "out of memory");
	for (l = strtok_r(copy, "\n", &sv); l; l = strtok_r(NULL, "\n", &sv)) {
		struct fm_hext h;
		struct fm_dext d;
		void *p;

		lineno++;
		if (blank(l))
			continue;
		if (host ? parse_hext(l, &h) : parse_dext(l, &d)) {
			free(copy);
			free(*arr);
			*arr = NULL;
			*n = 0;
			return fm_seterr(e, -EPROTO, "line %u not understood", lineno);
		}
		p = push(arr, n, size);
		if (!p) {
			free(copy);
			return fm_seterr(e, -ENOMEM, "out of memory");
		}
		memcpy(p, host ? (void *)&h : (void *)&d, size);
	}
	free(copy);
	return 0;
}

int fm_hext_parse(const char *text, struct fm_hext **out, size_t *n, struct fm_err *e)
{
	return parse_lines(text, (void **)out, n, sizeof(**out), true, e);
}

int fm_dext_parse(const char *text, struct fm_dext **out, size_t *n, struct fm_err *e)
{
	return parse_lines(text, (void **)out, n, sizeof(**out), false, e);
}

bool fm_view_dev_overlaps(const struct fm_host_view *v, uint64_t dpa, uint64_t len)
{
	size_t i;

	for (i = 0; i < v->ndev; i++)
		if (v->dev[i].dpa < dpa + len && dpa < v->dev[i].dpa + v->dev[i].len)
			return true;
	return false;
}

/* the union of the device extents covers [dpa, dpa + len) */
bool fm_view_dev_covers(const struct fm_host_view *v, uint64_t dpa, uint64_t len)
{
	uint64_t pos = dpa, end = dpa + len;
	bool moved = true;
	size_t i;

	while (pos < end && moved) {
		moved = false;
		for (i = 0; i < v->ndev; i++) {
			const struct fm_dext *d = &v->dev[i];

			if (d->dpa <= pos && pos < d->dpa + d->len) {
				pos = d->dpa + d->len;
				moved = true;
			}
		}
	}
	return pos >= end;
}

const struct fm_hext *fm_view_host_overlap(const struct fm_host_view *v, uint64_t dpa,
					   uint64_t len)
{
	size_t i;

	for (i = 0; i < v->nhost; i++)
		if (v->host[i].dpa < dpa + len && dpa < v->host[i].dpa + v->host[i].len)
			return &v->host[i];
	return NULL;
}

enum fm_outcome fm_classify_add(const struct fm_host_view *v, uint64_t dpa, uint64_t len,
				int dev_state)
{
	if (v && fm_view_dev_covers(v, dpa, len))
		return O_ACCEPTED;
	switch (dev_state) {
	case FM_DEV_ACCEPTED:	/* only the host can have accepted it */
	case FM_DEV_PARTIAL:	/* part of it: the range is not free, keep it reserved */
		return O_ACCEPTED;
	case FM_DEV_FREE:
		return O_REJECTED;
	case FM_DEV_PENDING:
	default:
		return O_WAITING;
	}
}

enum fm_outcome fm_classify_release(const struct fm_host_view *v, uint64_t dpa, uint64_t len,
				    int dev_state)
{
	const struct fm_hext *h = v ? fm_view_host_overlap(v, dpa, len) : NULL;

	if (h && h->state == H_RELEASE_PENDING)
		return O_RELEASE_PENDING;
	/*
	 * Released only when the device says the range is free: the host
	 * forgets an extent once it sent Release DC, even if the device did
	 * not take it (the module retries), so the host alone cannot tell.
	 */
	if (dev_state == FM_DEV_FREE && (!v || (!h && !fm_view_dev_overlaps(v, dpa, len))))
		return O_RELEASED;
	return O_WAITING;
}
