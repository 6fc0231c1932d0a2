// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: the ledger.
 *
 * Atomic update: write "<file>.tmp", fsync it, rename it over the file,
 * fsync the directory. A reader sees the old or the new ledger, never a
 * mix, whatever moment the writer is killed at. The lock is a separate
 * "<file>.lock" because rename() replaces the ledger's inode.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger.h"

static const char *const gstate_names[G_NR_STATES] = {
	[G_ADDING] = "adding",
	[G_OFFERED] = "offered",
	[G_ACCEPTED] = "accepted",
	[G_REJECTED] = "rejected",
	[G_RELEASING] = "releasing",
	[G_RELEASE_REQUESTED] = "release-requested",
	[G_RELEASE_PENDING] = "release-pending",
	[G_RELEASED] = "released",
};

const char *fm_gstate_name(enum fm_gstate s)
{
	return (unsigned int)s < G_NR_STATES ? gstate_names[s] : "?";
}

int fm_gstate_parse(const char *s)
{
	int i;

	for (i = 0; i < G_NR_STATES; i++)
		if (!strcmp(s, gstate_names[i]))
			return i;
	return -EINVAL;
}

bool fm_gstate_active(enum fm_gstate s)
{
	return s != G_REJECTED && s != G_RELEASED;
}

void fm_ledger_init(struct fm_ledger *l, const char *path)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->path, sizeof(l->path), "%s", path);
	l->lockfd = -1;
	l->next_id = 1;
}

const char *fm_ledger_default_path(char *buf, size_t len)
{
	const char *s = getenv("DCD_FM_LEDGER"), *h;

	if (s && *s) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	s = getenv("XDG_STATE_HOME");
	if (s && *s) {
		snprintf(buf, len, "%s/dcd-fm/ledger.json", s);
		return buf;
	}
	h = getenv("HOME");
	snprintf(buf, len, "%s/.local/state/dcd-fm/ledger.json", h && *h ? h : ".");
	return buf;
}

static int mkdir_p(const char *dir)
{
	char p[PATH_MAX], *s;

	snprintf(p, sizeof(p), "%s", dir);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0700) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int fm_ledger_lock(struct fm_ledger *l, double timeout, struct fm_err *e)
{
	char lp[PATH_MAX + 8], dir[PATH_MAX];
	double deadline = fm_now() + timeout;
	int rc;

	snprintf(dir, sizeof(dir), "%s", l->path);
	rc = mkdir_p(dirname(dir));
	if (rc)
		return fm_seterr(e, rc, "ledger: cannot create %s: %s", dir, strerror(-rc));
	snprintf(lp, sizeof(lp), "%s.lock", l->path);
	l->lockfd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (l->lockfd < 0)
		return fm_seterr(e, -errno, "ledger: cannot open %s: %s", lp, strerror(errno));
	while (flock(l->lockfd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			rc = -errno;
			goto fail;
		}
		if (fm_now() > deadline) {
			rc = -EBUSY;
			fm_seterr(e, rc, "ledger %s: locked by another dcd-fm for more than %.0fs",
				  l->path, timeout);
			close(l->lockfd);
			l->lockfd = -1;
			return rc;
		}
		usleep(20000);
	}
	return 0;
fail:
	fm_seterr(e, rc, "ledger: flock %s: %s", lp, strerror(-rc));
	close(l->lockfd);
	l->lockfd = -1;
	return rc;
}

void fm_ledger_unlock(struct fm_ledger *l)
{
	if (l->lockfd >= 0)
		close(l->lockfd);	/* drops the flock */
	l->lockfd = -1;
}

void fm_ledger_free(struct fm_ledger *l)
{
	free(l->g);
	l->g = NULL;
	l->n = l->cap = 0;
}

static struct fm_grant *grow(struct fm_ledger *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct fm_grant *g = realloc(l->g, cap * sizeof(*g));

		if (!g)
			return NULL;
		l->g = g;
		l->cap = cap;
	}
	memset(&l->g[l->n], 0, sizeof(l->g[0]));
	return &l->g[l->n++];
}

static int get_str(json_object *o, const char *k, char *buf, size_t len, bool required)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string)) {
		buf[0] = 0;
		return required ? -EINVAL : 0;
	}
	if (strlen(json_object_get_string(v)) >= len)
		return -EINVAL;
	snprintf(buf, len, "%s", json_object_get_string(v));
	return 0;
}

static int get_u64(json_object *o, const char *k, uint64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_int))
		return -EINVAL;
	if (json_object_get_int64(v) < 0)
		return -EINVAL;
	*out = json_object_get_uint64(v);
	return 0;
}

static int parse_grant(json_object *o, struct fm_grant *g)
{
	char st[32];
	uint64_t v;
	int s;

	if (!json_object_is_type(o, json_type_object))
		return -EINVAL;
	if (get_u64(o, "id", &v) || !v || v > UINT32_MAX)
		return -EINVAL;
	g->id = (unsigned int)v;
	if (get_str(o, "host", g->host, sizeof(g->host), true) ||
	    get_str(o, "workdir", g->workdir, sizeof(g->workdir), true) ||
	    get_str(o, "device", g->device, sizeof(g->device), true) ||
	    get_str(o, "state", st, sizeof(st), true) ||
	    get_str(o, "created", g->created, sizeof(g->created), false) ||
	    get_str(o, "updated", g->updated, sizeof(g->updated), false))
		return -EINVAL;
	s = fm_gstate_parse(st);
	if (s < 0)
		return -EINVAL;
	g->state = (enum fm_gstate)s;
	if (get_u64(o, "host_id", &v) || v > 0xffff)
		return -EINVAL;
	g->host_id = (unsigned int)v;
	if (get_u64(o, "region", &v) || v >= FM_MAX_REGIONS)
		return -EINVAL;
	g->region = (unsigned int)v;
	if (get_u64(o, "offset", &g->offset) || get_u64(o, "length", &g->len) ||
	    get_u64(o, "dpa", &g->dpa) || !g->len)
		return -EINVAL;
	return 0;
}

int fm_ledger_load(struct fm_ledger *l, struct fm_err *e)
{
	json_object *root = NULL, *v, *arr = NULL;
	struct stat st;
	char *text = NULL;
	ssize_t got;
	size_t i = 0;
	int fd, rc = 0;
	uint64_t nid;

	fm_ledger_free(l);
	l->next_id = 1;
	fd = open(l->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return fm_seterr(e, -errno, "ledger: cannot open %s: %s", l->path,
				 strerror(errno));
	}
	if (fstat(fd, &st) || st.st_size > (64 << 20)) {
		close(fd);
		return fm_seterr(e, -EFBIG, "ledger %s: unreadable or too large", l->path);
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		close(fd);
		return fm_seterr(e, -ENOMEM, "out of memory");
	}
	got = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		free(text);
		return fm_seterr(e, -EIO, "ledger %s: short read", l->path);
	}
	text[got] = 0;
	root = json_tokener_parse(text);
	free(text);
	if (!root || !json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "version", &v) || json_object_get_int(v) != 1 ||
	    !json_object_object_get_ex(root, "grants", &arr) ||
	    !json_object_is_type(arr, json_type_array) || get_u64(root, "next_id", &nid) ||
	    !nid || nid > UINT32_MAX) {
		rc = -EBADMSG;
		goto corrupt;
	}
	l->next_id = (unsigned int)nid;
	for (i = 0; i < json_object_array_length(arr); i++) {
		struct fm_grant *g = grow(l);

		if (!g) {
			json_object_put(root);
			return fm_seterr(e, -ENOMEM, "out of memory");
		}
		if (parse_grant(json_object_array_get_idx(arr, i), g) || g->id >= l->next_id) {
			rc = -EBADMSG;
			goto corrupt;
		}
	}
	json_object_put(root);
	return 0;
corrupt:
	json_object_put(root);
	fm_ledger_free(l);
	return fm_seterr(e, rc, "ledger %s is corrupt (%s %zu); not touching it: "
			 "repair it or move it away", l->path, arr ? "grant" : "header", i);
}

static json_object *grant_json(const struct fm_grant *g)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(g->id));
	json_object_object_add(o, "host", json_object_new_string(g->host));
	json_object_object_add(o, "workdir", json_object_new_string(g->workdir));
	json_object_object_add(o, "device", json_object_new_string(g->device));
	json_object_object_add(o, "host_id", json_object_new_int64(g->host_id));
	json_object_object_add(o, "region", json_object_new_int64(g->region));
	json_object_object_add(o, "offset", json_object_new_uint64(g->offset));
	json_object_object_add(o, "length", json_object_new_uint64(g->len));
	json_object_object_add(o, "dpa", json_object_new_uint64(g->dpa));
	json_object_object_add(o, "state", json_object_new_string(fm_gstate_name(g->state)));
	json_object_object_add(o, "created", json_object_new_string(g->created));
	json_object_object_add(o, "updated", json_object_new_string(g->updated));
	return o;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int fm_ledger_save(struct fm_ledger *l, struct fm_err *e)
{
	json_object *root = json_object_new_object(), *arr = json_object_new_array();
	char tmp[PATH_MAX + 8], dir[PATH_MAX];
	const char *s;
	size_t i;
	int fd, dfd, rc;

	fm_ledger_prune(l);
	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "next_id", json_object_new_int64(l->next_id));
	for (i = 0; i < l->n; i++)
		json_object_array_add(arr, grant_json(&l->g[i]));
	json_object_object_add(root, "grants", arr);
	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	snprintf(tmp, sizeof(tmp), "%s.tmp", l->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = fm_seterr(e, -errno, "ledger: cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	rc = write_all(fd, s, strlen(s));
	if (!rc)
		rc = write_all(fd, "\n", 1);
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, l->path))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		fm_seterr(e, rc, "ledger: cannot write %s: %s", l->path, strerror(-rc));
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s", l->path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd))
			rc = fm_seterr(e, -errno, "ledger: fsync %s: %s", dir, strerror(errno));
		close(dfd);
	}
out:
	json_object_put(root);
	return rc;
}

int fm_ledger_begin(struct fm_ledger *l, double timeout, struct fm_err *e)
{
	int rc = fm_ledger_lock(l, timeout, e);

	if (rc)
		return rc;
	rc = fm_ledger_load(l, e);
	if (rc)
		fm_ledger_unlock(l);
	return rc;
}

int fm_ledger_commit(struct fm_ledger *l, struct fm_err *e)
{
	int rc = fm_ledger_save(l, e);

	fm_ledger_unlock(l);
	return rc;
}

struct fm_grant *fm_ledger_new(struct fm_ledger *l)
{
	struct fm_grant *g = grow(l);

	if (!g)
		return NULL;
	g->id = l->next_id++;
	fm_timestamp(g->created, sizeof(g->created));
	snprintf(g->updated, sizeof(g->updated), "%s", g->created);
	return g;
}

struct fm_grant *fm_ledger_get(struct fm_ledger *l, unsigned int id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->g[i].id == id)
			return &l->g[i];
	return NULL;
}

void fm_grant_set_state(struct fm_grant *g, enum fm_gstate s)
{
	if (g->state == s)
		return;
	g->state = s;
	fm_timestamp(g->updated, sizeof(g->updated));
}

struct fm_grant *fm_ledger_overlap(struct fm_ledger *l, const char *workdir,
				   const char *device, uint64_t dpa, uint64_t len)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct fm_grant *g = &l->g[i];

		if (!fm_gstate_active(g->state) || strcmp(g->workdir, workdir) ||
		    strcmp(g->device, device))
			continue;
		if (g->dpa < dpa + len && dpa < g->dpa + g->len)
			return g;
	}
	return NULL;
}

void fm_ledger_prune(struct fm_ledger *l)
{
	size_t i, j, term = 0;

	for (i = 0; i < l->n; i++)
		term += !fm_gstate_active(l->g[i].state);
	if (term <= FM_LEDGER_KEEP)
		return;
	term -= FM_LEDGER_KEEP;
	/* grants are kept in creation order: drop from the front */
	for (i = j = 0; i < l->n; i++) {
		if (term && !fm_gstate_active(l->g[i].state)) {
			term--;
			continue;
		}
		l->g[j++] = l->g[i];
	}
	l->n = j;
}

void fm_ledger_remove(struct fm_ledger *l, unsigned int id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->g[i].id == id) {
			memmove(&l->g[i], &l->g[i + 1], (l->n - i - 1) * sizeof(l->g[0]));
			l->n--;
			return;
		}
}
