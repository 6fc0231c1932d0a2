// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: the ledger: grants and moves, their JSON document, and the calls
 * every command makes (begin = lock + load, save, commit = save + unlock),
 * over a backend (ledger-file.c, ledger-etcd.c) that stores the document.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>

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
	l->ops = &fm_ledger_file_ops;
	snprintf(l->path, sizeof(l->path), "%s", path);
	l->lockfd = -1;
	l->next_id = 1;
}

int fm_ledger_open(struct fm_ledger *l, const char *where, struct fm_err *e)
{
	memset(l, 0, sizeof(*l));
	l->lockfd = -1;
	l->next_id = 1;
	l->ops = strncmp(where, "etcd://", 7) ? &fm_ledger_file_ops : &fm_ledger_etcd_ops;
	return l->ops->open(l, where, e);
}

void fm_ledger_close(struct fm_ledger *l)
{
	if (l->locked)
		fm_ledger_unlock(l);
	if (l->ops && l->ops->close)
		l->ops->close(l);
	fm_ledger_free(l);
}

void fm_ledger_describe(struct fm_ledger *l, char *buf, size_t len)
{
	l->ops->describe(l, buf, len);
}

int fm_ledger_lock(struct fm_ledger *l, double timeout, struct fm_err *e)
{
	int rc = l->ops->lock(l, timeout, e);

	l->locked = !rc;
	return rc;
}

void fm_ledger_unlock(struct fm_ledger *l)
{
	l->ops->unlock(l);
	l->locked = false;
}

const char *fm_ledger_default_path(char *buf, size_t len)
{
	const char *s = getenv("DCD_FM_LEDGER"), *h;
	int n;

	if (s && *s) {
		n = snprintf(buf, len, "%s", s);
	} else if ((s = getenv("XDG_STATE_HOME")) && *s) {
		n = snprintf(buf, len, "%s/dcd-fm/ledger.json", s);
	} else {
		h = getenv("HOME");
		n = snprintf(buf, len, "%s/.local/state/dcd-fm/ledger.json", h && *h ? h : ".");
	}
	/* cut short, it would name another file */
	return n < 0 || (size_t)n >= len ? NULL : buf;
}

void fm_ledger_free(struct fm_ledger *l)
{
	free(l->g);
	l->g = NULL;
	l->n = l->cap = 0;
	free(l->m);
	l->m = NULL;
	l->nm = l->capm = 0;
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

static const char *const mstate_names[M_NR_STATES] = {
	[M_RELEASING] = "releasing",
	[M_ADDING] = "adding",
	[M_DONE] = "done",
	[M_CANCELLED] = "cancelled",
	[M_FAILED] = "failed",
};

const char *fm_mstate_name(enum fm_mstate s)
{
	return (unsigned int)s < M_NR_STATES ? mstate_names[s] : "?";
}

int fm_mstate_parse(const char *s)
{
	int i;

	for (i = 0; i < M_NR_STATES; i++)
		if (!strcmp(s, mstate_names[i]))
			return i;
	return -EINVAL;
}

bool fm_mstate_open(enum fm_mstate s)
{
	return s == M_RELEASING || s == M_ADDING;
}

static struct fm_move *grow_moves(struct fm_ledger *l)
{
	if (l->nm == l->capm) {
		size_t cap = l->capm ? l->capm * 2 : 16;
		struct fm_move *m = realloc(l->m, cap * sizeof(*m));

		if (!m)
			return NULL;
		l->m = m;
		l->capm = cap;
	}
	memset(&l->m[l->nm], 0, sizeof(l->m[0]));
	return &l->m[l->nm++];
}

static int get_ids(json_object *o, const char *k, unsigned int *ids, unsigned int *n,
		   size_t max)
{
	json_object *a;
	size_t i;

	*n = 0;
	if (!json_object_object_get_ex(o, k, &a) || !json_object_is_type(a, json_type_array) ||
	    json_object_array_length(a) > max)
		return -EINVAL;
	for (i = 0; i < json_object_array_length(a); i++) {
		json_object *v = json_object_array_get_idx(a, i);

		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) <= 0 ||
		    json_object_get_int64(v) > UINT32_MAX)
			return -EINVAL;
		ids[(*n)++] = (unsigned int)json_object_get_int64(v);
	}
	return 0;
}

static int parse_move(json_object *o, struct fm_move *m)
{
	json_object *v;
	char st[32];
	uint64_t u;
	int s;

	if (!json_object_is_type(o, json_type_object))
		return -EINVAL;
	if (get_u64(o, "id", &u) || !u || u > UINT32_MAX)
		return -EINVAL;
	m->id = (unsigned int)u;
	if (get_str(o, "from", m->from, sizeof(m->from), true) ||
	    get_str(o, "from_workdir", m->from_dir, sizeof(m->from_dir), true) ||
	    get_str(o, "from_device", m->from_device, sizeof(m->from_device), true) ||
	    get_str(o, "to", m->to, sizeof(m->to), true) ||
	    get_str(o, "to_workdir", m->to_dir, sizeof(m->to_dir), true) ||
	    get_str(o, "to_device", m->to_device, sizeof(m->to_device), true) ||
	    get_str(o, "state", st, sizeof(st), true) ||
	    get_str(o, "note", m->note, sizeof(m->note), false) ||
	    get_str(o, "created", m->created, sizeof(m->created), false) ||
	    get_str(o, "updated", m->updated, sizeof(m->updated), false))
		return -EINVAL;
	s = fm_mstate_parse(st);
	if (s < 0)
		return -EINVAL;
	m->state = (enum fm_mstate)s;
	if (!json_object_object_get_ex(o, "to_region", &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int(v) < -1 || json_object_get_int(v) >= FM_MAX_REGIONS)
		return -EINVAL;
	m->to_region = json_object_get_int(v);
	if (get_u64(o, "host_id", &u) || u > 0xffff)
		return -EINVAL;
	m->host_id = (unsigned int)u;
	if (get_u64(o, "length", &m->len) || !m->len || get_u64(o, "attempts", &u) || u > 100)
		return -EINVAL;
	m->attempts = (unsigned int)u;
	if (get_ids(o, "release", m->rel, &m->nrel, FM_MAX_EXTENTS) ||
	    get_ids(o, "add", m->add, &m->nadd, FM_MOVE_ADD_MAX))
		return -EINVAL;
	return 0;
}

/* A missing document is an empty ledger; a corrupt one is an error (-EBADMSG) */
int fm_ledger_load(struct fm_ledger *l, struct fm_err *e)
{
	json_object *root = NULL, *v, *arr = NULL, *marr = NULL;
	char *text = NULL, where[PATH_MAX + 64];
	const char *what = "header";
	size_t i = 0;
	int rc;
	uint64_t nid, nmv = 1;

	fm_ledger_free(l);
	l->next_id = 1;
	l->next_move = 1;
	rc = l->ops->read(l, &text, e);
	if (rc || !text)
		return rc;
	root = json_tokener_parse(text);
	free(text);
	if (!root || !json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "version", &v) || json_object_get_int(v) != 1 ||
	    !json_object_object_get_ex(root, "grants", &arr) ||
	    !json_object_is_type(arr, json_type_array) || get_u64(root, "next_id", &nid) ||
	    !nid || nid > UINT32_MAX ||
	    (json_object_object_get_ex(root, "moves", &marr) &&
	     (!json_object_is_type(marr, json_type_array) || get_u64(root, "next_move", &nmv) ||
	      !nmv || nmv > UINT32_MAX))) {
		rc = -EBADMSG;
		goto corrupt;
	}
	l->next_id = (unsigned int)nid;
	l->next_move = (unsigned int)nmv;
	what = "grant";
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
	what = "move";
	for (i = 0; marr && i < json_object_array_length(marr); i++) {
		struct fm_move *m = grow_moves(l);

		if (!m) {
			json_object_put(root);
			return fm_seterr(e, -ENOMEM, "out of memory");
		}
		if (parse_move(json_object_array_get_idx(marr, i), m) || m->id >= l->next_move) {
			rc = -EBADMSG;
			goto corrupt;
		}
	}
	json_object_put(root);
	return 0;
corrupt:
	json_object_put(root);
	fm_ledger_free(l);
	fm_ledger_describe(l, where, sizeof(where));
	return fm_seterr(e, rc, "ledger (%s) is corrupt (%s %zu); not touching it: "
			 "repair it or move it away", where, what, i);
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

static json_object *ids_json(const unsigned int *ids, unsigned int n)
{
	json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_int64(ids[i]));
	return a;
}

json_object *fm_move_json(const struct fm_move *m)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(m->id));
	json_object_object_add(o, "from", json_object_new_string(m->from));
	json_object_object_add(o, "from_workdir", json_object_new_string(m->from_dir));
	json_object_object_add(o, "from_device", json_object_new_string(m->from_device));
	json_object_object_add(o, "to", json_object_new_string(m->to));
	json_object_object_add(o, "to_workdir", json_object_new_string(m->to_dir));
	json_object_object_add(o, "to_device", json_object_new_string(m->to_device));
	json_object_object_add(o, "to_region", json_object_new_int(m->to_region));
	json_object_object_add(o, "host_id", json_object_new_int64(m->host_id));
	json_object_object_add(o, "length", json_object_new_uint64(m->len));
	json_object_object_add(o, "release", ids_json(m->rel, m->nrel));
	json_object_object_add(o, "add", ids_json(m->add, m->nadd));
	json_object_object_add(o, "attempts", json_object_new_int64(m->attempts));
	json_object_object_add(o, "state", json_object_new_string(fm_mstate_name(m->state)));
	json_object_object_add(o, "note", json_object_new_string(m->note));
	json_object_object_add(o, "created", json_object_new_string(m->created));
	json_object_object_add(o, "updated", json_object_new_string(m->updated));
	return o;
}

int fm_ledger_save(struct fm_ledger *l, struct fm_err *e)
{
	json_object *root = json_object_new_object(), *arr = json_object_new_array();
	json_object *marr = json_object_new_array();
	char *s = NULL;
	size_t i;
	int rc;

	fm_ledger_prune(l);
	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "next_id", json_object_new_int64(l->next_id));
	json_object_object_add(root, "next_move", json_object_new_int64(l->next_move));
	for (i = 0; i < l->n; i++)
		json_object_array_add(arr, grant_json(&l->g[i]));
	json_object_object_add(root, "grants", arr);
	for (i = 0; i < l->nm; i++)
		json_object_array_add(marr, fm_move_json(&l->m[i]));
	json_object_object_add(root, "moves", marr);
	if (asprintf(&s, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
				JSON_C_TO_STRING_NOSLASHESCAPE)) < 0) {
		json_object_put(root);
		return fm_seterr(e, -ENOMEM, "out of memory");
	}
	json_object_put(root);
	rc = l->ops->write(l, s, e);
	free(s);
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

static bool prunable(struct fm_ledger *l, const struct fm_grant *g)
{
	struct fm_move *m;

	if (fm_gstate_active(g->state))
		return false;
	m = fm_ledger_move_of(l, g->id);
	return !m || !fm_mstate_open(m->state);	/* an open move still needs it */
}

void fm_ledger_prune(struct fm_ledger *l)
{
	size_t i, j, term = 0;

	/* grants and moves are kept in creation order: drop from the front */
	for (i = 0; i < l->n; i++)
		term += prunable(l, &l->g[i]);
	if (term > FM_LEDGER_KEEP) {
		term -= FM_LEDGER_KEEP;
		for (i = j = 0; i < l->n; i++) {
			if (term && prunable(l, &l->g[i])) {
				term--;
				continue;
			}
			l->g[j++] = l->g[i];
		}
		l->n = j;
	}
	for (i = term = 0; i < l->nm; i++)
		term += !fm_mstate_open(l->m[i].state);
	if (term <= FM_LEDGER_KEEP)
		return;
	term -= FM_LEDGER_KEEP;
	for (i = j = 0; i < l->nm; i++) {
		if (term && !fm_mstate_open(l->m[i].state)) {
			term--;
			continue;
		}
		l->m[j++] = l->m[i];
	}
	l->nm = j;
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

struct fm_move *fm_ledger_new_move(struct fm_ledger *l)
{
	struct fm_move *m = grow_moves(l);

	if (!m)
		return NULL;
	m->id = l->next_move++;
	m->to_region = -1;
	fm_timestamp(m->created, sizeof(m->created));
	snprintf(m->updated, sizeof(m->updated), "%s", m->created);
	return m;
}

struct fm_move *fm_ledger_move(struct fm_ledger *l, unsigned int id)
{
	size_t i;

	for (i = 0; i < l->nm; i++)
		if (l->m[i].id == id)
			return &l->m[i];
	return NULL;
}

void fm_move_set_state(struct fm_move *m, enum fm_mstate s, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(m->note, sizeof(m->note), fmt, ap);
		va_end(ap);
	}
	m->state = s;
	fm_timestamp(m->updated, sizeof(m->updated));
}

struct fm_move *fm_ledger_move_of(struct fm_ledger *l, unsigned int grant)
{
	size_t i;
	unsigned int k;

	for (i = l->nm; i-- > 0;) {
		for (k = 0; k < l->m[i].nrel; k++)
			if (l->m[i].rel[k] == grant)
				return &l->m[i];
		for (k = 0; k < l->m[i].nadd; k++)
			if (l->m[i].add[k] == grant)
				return &l->m[i];
	}
	return NULL;
}
