// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-fm: the etcd ledger backend, for orchestrators on several machines
 * (or several at once on one): --ledger etcd://HOST:PORT/PREFIX.
 *
 * etcd v3 (Debian's etcd-server 3.4) through its JSON gateway (/v3/...,
 * keys and values base64), with libcurl and json-c. Keys under PREFIX:
 *   PREFIX/ledger                 the ledger document (the same JSON as the
 *                                 file backend)
 *   PREFIX/lock                   the ledger lock: exists while an
 *                                 orchestrator holds it, attached to its lease
 *   PREFIX/orchestrators/<lease>  one per running orchestrator, on its lease
 *
 * Each dcd-fm process is an orchestrator with a lease (TTL 10 s, kept
 * alive by a thread every 3 s). The lock is taken by a transaction that
 * creates PREFIX/lock only if it does not exist (create_revision 0), with
 * the lease: a killed orchestrator's lock goes away when its lease expires.
 * Every write of the ledger is one transaction that compares the ledger's
 * mod_revision with the one this process read (or last wrote) and the
 * lock's create_revision with the one it took; if either changed (another
 * orchestrator wrote; our lease expired and someone else took the lock)
 * nothing is written and the write fails with -ESTALE: a stalled
 * orchestrator can never overwrite a newer ledger.
 */
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger.h"

#define ETCD_TTL 10		/* seconds; a killed orchestrator's lock lasts this long */

struct etcd {
	char url[512];		/* as given */
	char base[300];		/* http://HOST:PORT */
	char prefix[200];
	char owner[128];	/* hostname:pid, the lock's value */
	CURL *curl;
	int64_t lease;
	int64_t mod_rev;	/* of PREFIX/ledger as read or written by us (0: absent) */
	int64_t lock_rev;	/* create_revision of our PREFIX/lock, 0 if not held */
	double timeout;		/* per request */
	pthread_t ka;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool ka_run, ka_stop, ka_lost;
	char ka_err[256];
};

struct buf {
	char *p;
	size_t n;
};

static size_t on_data(char *d, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t n = size * nmemb;
	char *p;

	if (b->n + n > (64u << 20))
		return 0;
	p = realloc(b->p, b->n + n + 1);
	if (!p)
		return 0;
	memcpy(p + b->n, d, n);
	b->p = p;
	b->n += n;
	p[b->n] = 0;
	return n;
}

/* POST req (consumed) to path; *resp: the JSON answer. Errors name the URL. */
static int post(struct etcd *et, CURL *curl, const char *path, json_object *req,
		json_object **resp, struct fm_err *e)
{
	char url[400], cerr[CURL_ERROR_SIZE] = "";
	struct buf b = { NULL, 0 };
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	const char *body = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	long status = 0;
	CURLcode cc;
	int rc = 0;

	snprintf(url, sizeof(url), "%s%s", et->base, path);
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)(et->timeout * 1000));
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	cc = curl_easy_perform(curl);
	curl_slist_free_all(hdr);
	json_object_put(req);
	*resp = NULL;
	if (cc != CURLE_OK) {
		rc = fm_seterr(e, cc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -ECONNREFUSED,
			       "ledger %s: cannot reach etcd at %s: %s", et->url, et->base,
			       cerr[0] ? cerr : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	*resp = b.p ? json_tokener_parse(b.p) : NULL;
	if (status != 200 || !*resp) {
		json_object *m = NULL;

		if (*resp && !json_object_object_get_ex(*resp, "message", &m))
			json_object_object_get_ex(*resp, "error", &m);
		rc = fm_seterr(e, -EPROTO, "ledger %s: etcd %s: HTTP %ld: %.200s", et->url, path,
			       status, m ? json_object_get_string(m) : b.p ? b.p : "no answer");
		json_object_put(*resp);
		*resp = NULL;
	}
out:
	free(b.p);
	return rc;
}

static json_object *b64(const char *s, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);
	json_object *o;

	if (!out)
		return NULL;
	fm_b64_encode(s, n, out);
	o = json_object_new_string(out);
	free(out);
	return o;
}

static json_object *key(struct etcd *et, const char *name)
{
	char k[400];

	snprintf(k, sizeof(k), "%s/%s", et->prefix, name);
	return b64(k, strlen(k));
}

static int64_t i64(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v))
		return 0;
	return json_object_is_type(v, json_type_string) ?
		strtoll(json_object_get_string(v), NULL, 10) : json_object_get_int64(v);
}

static json_object *get(json_object *o, const char *k)
{
	json_object *v = NULL;

	if (o)
		json_object_object_get_ex(o, k, &v);
	return v;
}

/* compare: target "CREATE"/"MOD" of key name equals rev */
static json_object *cmp_rev(struct etcd *et, const char *name, const char *target, int64_t rev)
{
	json_object *c = json_object_new_object();
	char r[32];

	snprintf(r, sizeof(r), "%" PRId64, rev);
	json_object_object_add(c, "key", key(et, name));
	json_object_object_add(c, "target", json_object_new_string(target));
	json_object_object_add(c, "result", json_object_new_string("EQUAL"));
	json_object_object_add(c, !strcmp(target, "CREATE") ? "create_revision" : "mod_revision",
			       json_object_new_string(r));
	return c;
}

static json_object *put_op(struct etcd *et, const char *name, const char *val, bool lease)
{
	json_object *op = json_object_new_object(), *p = json_object_new_object();
	char l[32];

	json_object_object_add(p, "key", key(et, name));
	json_object_object_add(p, "value", b64(val, strlen(val)));
	if (lease) {
		snprintf(l, sizeof(l), "%" PRId64, et->lease);
		json_object_object_add(p, "lease", json_object_new_string(l));
	}
	json_object_object_add(op, "request_put", p);
	return op;
}

static json_object *range_op(struct etcd *et, const char *name)
{
	json_object *op = json_object_new_object(), *r = json_object_new_object();

	json_object_object_add(r, "key", key(et, name));
	json_object_object_add(op, "request_range", r);
	return op;
}

static json_object *txn(json_object *cmp, json_object *ok, json_object *fail)
{
	json_object *t = json_object_new_object();

	json_object_object_add(t, "compare", cmp);
	json_object_object_add(t, "success", ok);
	if (fail)
		json_object_object_add(t, "failure", fail);
	return t;
}

static json_object *arr1(json_object *a, json_object *b)
{
	json_object *x = json_object_new_array();

	json_object_array_add(x, a);
	if (b)
		json_object_array_add(x, b);
	return x;
}

/* ---------------------------------------------------------------- lease */

static void *keepalive(void *arg)
{
	struct etcd *et = arg;
	CURL *curl = curl_easy_init();
	struct timespec ts;

	pthread_mutex_lock(&et->mu);
	while (!et->ka_stop) {
		json_object *req, *resp, *res;
		struct fm_err e;
		char id[32];
		int rc;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += ETCD_TTL / 3;
		pthread_cond_timedwait(&et->cv, &et->mu, &ts);
		if (et->ka_stop)
			break;
		pthread_mutex_unlock(&et->mu);
		req = json_object_new_object();
		snprintf(id, sizeof(id), "%" PRId64, et->lease);
		json_object_object_add(req, "ID", json_object_new_string(id));
		rc = curl ? post(et, curl, "/v3/lease/keepalive", req, &resp, &e) :
			fm_seterr(&e, -ENOMEM, "no curl handle");
		res = rc ? NULL : get(resp, "result");
		pthread_mutex_lock(&et->mu);
		if (rc || i64(res, "TTL") <= 0) {
			et->ka_lost = true;
			snprintf(et->ka_err, sizeof(et->ka_err), "%s", rc ? e.msg :
				 "etcd says the lease expired");
		}
		if (!rc)
			json_object_put(resp);
	}
	pthread_mutex_unlock(&et->mu);
	if (curl)
		curl_easy_cleanup(curl);
	return NULL;
}

/* --------------------------------------------------------------- backend */

static int etcd_open(struct fm_ledger *l, const char *where, struct fm_err *e)
{
	static bool curl_ready;
	const char *hp = where + 7, *slash = strchr(hp, '/');
	json_object *req, *resp;
	struct etcd *et;
	char host[256], name[64], pres[64];
	int rc;

	if (!slash || slash == hp || !slash[1] || (size_t)(slash - hp) >= sizeof(host) ||
	    strlen(slash) >= sizeof(et->prefix) || !strchr(hp, ':') || strchr(hp, ':') > slash)
		return fm_seterr(e, -EINVAL, "ledger '%s': expected etcd://HOST:PORT/PREFIX", where);
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			return fm_seterr(e, -EIO, "ledger: libcurl initialisation failed");
		curl_ready = true;
	}
	et = calloc(1, sizeof(*et));
	if (!et)
		return fm_seterr(e, -ENOMEM, "out of memory");
	snprintf(et->url, sizeof(et->url), "%s", where);
	snprintf(host, sizeof(host), "%.*s", (int)(slash - hp), hp);
	snprintf(et->base, sizeof(et->base), "http://%s", host);
	snprintf(et->prefix, sizeof(et->prefix), "%s", slash);
	while (strlen(et->prefix) > 1 && et->prefix[strlen(et->prefix) - 1] == '/')
		et->prefix[strlen(et->prefix) - 1] = 0;
	gethostname(name, sizeof(name));
	name[sizeof(name) - 1] = 0;
	snprintf(et->owner, sizeof(et->owner), "dcd-fm %s:%d", name, (int)getpid());
	et->timeout = 10;
	pthread_mutex_init(&et->mu, NULL);
	pthread_cond_init(&et->cv, NULL);
	snprintf(l->path, sizeof(l->path), "%s", where);
	l->priv = et;
	et->curl = curl_easy_init();
	if (!et->curl)
		return fm_seterr(e, -ENOMEM, "ledger: no curl handle");
	/* this orchestrator's lease, and its presence key on it */
	req = json_object_new_object();
	json_object_object_add(req, "TTL", json_object_new_int(ETCD_TTL));
	rc = post(et, et->curl, "/v3/lease/grant", req, &resp, e);
	if (rc)
		return rc;
	et->lease = i64(resp, "ID");
	json_object_put(resp);
	if (et->lease <= 0)
		return fm_seterr(e, -EPROTO, "ledger %s: etcd granted no lease", where);
	snprintf(pres, sizeof(pres), "orchestrators/%" PRIx64, (uint64_t)et->lease);
	req = txn(json_object_new_array(), arr1(put_op(et, pres, et->owner, true), NULL), NULL);
	rc = post(et, et->curl, "/v3/kv/txn", req, &resp, e);
	if (rc)
		return rc;
	json_object_put(resp);
	if (pthread_create(&et->ka, NULL, keepalive, et))
		return fm_seterr(e, -EAGAIN, "ledger: cannot start the lease keep-alive thread");
	et->ka_run = true;
	return 0;
}

static int lease_ok(struct etcd *et, struct fm_err *e)
{
	int rc = 0;

	pthread_mutex_lock(&et->mu);
	if (et->ka_lost)
		rc = fm_seterr(e, -ESTALE, "ledger %s: this orchestrator's lease %#" PRIx64
			       " was lost (%s)", et->url, (uint64_t)et->lease, et->ka_err);
	pthread_mutex_unlock(&et->mu);
	return rc;
}

static int etcd_lock(struct fm_ledger *l, double timeout, struct fm_err *e)
{
	struct etcd *et = l->priv;
	double deadline = fm_now() + timeout;
	char holder[160] = "another orchestrator";
	int rc;

	for (;;) {
		json_object *req, *resp, *ok, *r;

		rc = lease_ok(et, e);
		if (rc)
			return rc;
		req = txn(arr1(cmp_rev(et, "lock", "CREATE", 0), NULL),
			  arr1(put_op(et, "lock", et->owner, true), NULL),
			  arr1(range_op(et, "lock"), NULL));
		rc = post(et, et->curl, "/v3/kv/txn", req, &resp, e);
		if (rc)
			return rc;
		ok = get(resp, "succeeded");
		if (ok && json_object_get_boolean(ok)) {
			et->lock_rev = i64(get(resp, "header"), "revision");
			json_object_put(resp);
			return 0;
		}
		/* who holds it: failure response -> range -> kvs[0].value */
		r = get(resp, "responses");
		r = r ? json_object_array_get_idx(r, 0) : NULL;
		r = get(get(r, "response_range"), "kvs");
		r = r ? get(json_object_array_get_idx(r, 0), "value") : NULL;
		if (r) {
			const char *v = json_object_get_string(r);
			size_t n;

			if (strlen(v) < sizeof(holder) * 4 / 3 &&
			    fm_b64_decode(v, strlen(v), holder, &n))
				snprintf(holder, sizeof(holder), "another orchestrator");
		}
		json_object_put(resp);
		if (fm_now() > deadline)
			return fm_seterr(e, -EBUSY, "ledger %s: locked by %s for more than %.0fs",
					 et->url, holder, timeout);
		usleep(50000);
	}
}

static void etcd_unlock(struct fm_ledger *l)
{
	struct etcd *et = l->priv;
	json_object *req, *op, *d, *resp;
	struct fm_err e;

	if (!et || !et->lock_rev)
		return;
	op = json_object_new_object();
	d = json_object_new_object();
	json_object_object_add(d, "key", key(et, "lock"));
	json_object_object_add(op, "request_delete_range", d);
	req = txn(arr1(cmp_rev(et, "lock", "CREATE", et->lock_rev), NULL), arr1(op, NULL), NULL);
	if (!post(et, et->curl, "/v3/kv/txn", req, &resp, &e))
		json_object_put(resp);
	et->lock_rev = 0;
}

static int etcd_read(struct fm_ledger *l, char **text, struct fm_err *e)
{
	struct etcd *et = l->priv;
	json_object *req = json_object_new_object(), *resp, *kvs, *kv;
	const char *v;
	size_t n;
	int rc;

	*text = NULL;
	json_object_object_add(req, "key", key(et, "ledger"));
	rc = post(et, et->curl, "/v3/kv/range", req, &resp, e);
	if (rc)
		return rc;
	kvs = get(resp, "kvs");
	kv = kvs ? json_object_array_get_idx(kvs, 0) : NULL;
	if (!kv) {
		et->mod_rev = 0;
		json_object_put(resp);
		return 0;
	}
	et->mod_rev = i64(kv, "mod_revision");
	v = get(kv, "value") ? json_object_get_string(get(kv, "value")) : "";
	*text = malloc(strlen(v) * 3 / 4 + 2);
	if (!*text) {
		json_object_put(resp);
		return fm_seterr(e, -ENOMEM, "out of memory");
	}
	rc = fm_b64_decode(v, strlen(v), *text, &n);
	json_object_put(resp);
	if (rc) {
		free(*text);
		*text = NULL;
		return fm_seterr(e, -EBADMSG, "ledger %s: the ledger key is not base64", et->url);
	}
	return 0;
}

static int etcd_write(struct fm_ledger *l, const char *text, struct fm_err *e)
{
	struct etcd *et = l->priv;
	json_object *req, *resp, *ok;
	int rc = lease_ok(et, e);

	if (rc)
		return rc;
	if (!et->lock_rev)
		return fm_seterr(e, -ENOLCK, "ledger %s: write without the lock", et->url);
	req = txn(arr1(cmp_rev(et, "ledger", "MOD", et->mod_rev),
		       cmp_rev(et, "lock", "CREATE", et->lock_rev)),
		  arr1(put_op(et, "ledger", text, false), NULL), NULL);
	rc = post(et, et->curl, "/v3/kv/txn", req, &resp, e);
	if (rc)
		return rc;
	ok = get(resp, "succeeded");
	if (!ok || !json_object_get_boolean(ok)) {
		json_object_put(resp);
		return fm_seterr(e, -ESTALE, "ledger %s: changed by another orchestrator since "
				 "this one read it (revision %" PRId64 "), or its lock was lost: "
				 "nothing written", et->url, et->mod_rev);
	}
	et->mod_rev = i64(get(resp, "header"), "revision");
	json_object_put(resp);
	return 0;
}

static void etcd_describe(struct fm_ledger *l, char *buf, size_t len)
{
	struct etcd *et = l->priv;

	snprintf(buf, len, "etcd %s (%s, prefix %s, lease %#" PRIx64 ", TTL %ds)", et->url,
		 et->base, et->prefix, (uint64_t)et->lease, ETCD_TTL);
}

static void etcd_close(struct fm_ledger *l)
{
	struct etcd *et = l->priv;
	json_object *req, *resp;
	struct fm_err e;
	char id[32];

	if (!et)
		return;
	if (et->ka_run) {
		pthread_mutex_lock(&et->mu);
		et->ka_stop = true;
		pthread_cond_signal(&et->cv);
		pthread_mutex_unlock(&et->mu);
		pthread_join(et->ka, NULL);
	}
	etcd_unlock(l);
	if (et->lease > 0 && et->curl) {
		/* revoking deletes every key on the lease: presence and any lock */
		req = json_object_new_object();
		snprintf(id, sizeof(id), "%" PRId64, et->lease);
		json_object_object_add(req, "ID", json_object_new_string(id));
		if (!post(et, et->curl, "/v3/lease/revoke", req, &resp, &e))
			json_object_put(resp);
	}
	if (et->curl)
		curl_easy_cleanup(et->curl);
	pthread_mutex_destroy(&et->mu);
	pthread_cond_destroy(&et->cv);
	free(et);
	l->priv = NULL;
}

const struct fm_ledger_ops fm_ledger_etcd_ops = {
	.name = "etcd",
	.open = etcd_open,
	.lock = etcd_lock,
	.unlock = etcd_unlock,
	.read = etcd_read,
	.write = etcd_write,
	.describe = etcd_describe,
	.close = etcd_close,
};
