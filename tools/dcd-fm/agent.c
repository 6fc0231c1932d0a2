// SPDX-License-Identifier: GPL-2.0
/* dcd-fm: lab guest agent client */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

int agent_open(struct agent *a, const char *path, double timeout, struct fm_err *e)
{
	memset(a, 0, sizeof(*a));
	a->timeout = timeout;
	return fm_conn_unix(&a->c, path, "agent", timeout, e);
}

void agent_open_fd(struct agent *a, int fd, double timeout)
{
	memset(a, 0, sizeof(*a));
	a->timeout = timeout;
	fm_conn_fd(&a->c, fd, "agent");
}

/* ids unique per process: replies to an earlier client are skipped */
static void next_id(struct agent *a, char *id, size_t len)
{
	snprintf(id, len, "fm%dx%u", (int)getpid(), ++a->seq);
}

/*
 * The lab agent reopens its virtio-serial port after each client and drops a
 * line that arrives meanwhile, so one PING can be lost: resend it every second
 * (same id; extra PONGs are skipped as stale replies later) until the deadline.
 */
int agent_ping(struct agent *a, char *boot_id, size_t len, struct fm_err *e)
{
	double deadline = fm_now() + a->timeout;
	char id[32], msg[64], *line;
	int rc;

	next_id(a, id, sizeof(id));
	snprintf(msg, sizeof(msg), "PING %s\n", id);
	rc = fm_conn_write(&a->c, msg, strlen(msg), deadline, e);
	while (!rc) {
		double resend = fm_now() + 1.0;
		char w[8], rid[32], bid[64];

		rc = fm_conn_readline(&a->c, resend < deadline ? resend : deadline, &line, e);
		if (rc == -ETIMEDOUT && fm_now() < deadline) {
			rc = fm_conn_write(&a->c, msg, strlen(msg), deadline, e);
			continue;
		}
		if (rc)
			break;
		if (sscanf(line, "%7s %31s %63s", w, rid, bid) == 3 && !strcmp(w, "PONG") &&
		    !strcmp(rid, id)) {
			snprintf(boot_id, len, "%s", bid);
			free(line);
			return 0;
		}
		free(line);
	}
	if (rc == -ETIMEDOUT)
		fm_seterr(e, rc, "agent: no PONG within %.0fs (guest not ready, or another "
			  "client holds the agent port?)", a->timeout);
	return rc;
}

int agent_run(struct agent *a, const char *script, unsigned int timeout, int *status,
	      char **out, struct fm_err *e)
{
	double deadline = fm_now() + timeout + a->timeout;
	size_t n = strlen(script), len;
	char id[32], *msg, *line;
	int rc;

	next_id(a, id, sizeof(id));
	msg = malloc(4 * ((n + 2) / 3) + 64);
	if (!msg)
		return fm_seterr(e, -ENOMEM, "out of memory");
	len = (size_t)sprintf(msg, "RUN %s %u ", id, timeout);
	len += fm_b64_encode(script, n, msg + len);
	msg[len++] = '\n';
	rc = fm_conn_write(&a->c, msg, len, deadline, e);
	free(msg);
	while (!rc) {
		char *sv, *w, *rid, *st, *b64, *end;
		long v;

		rc = fm_conn_readline(&a->c, deadline, &line, e);
		if (rc)
			break;
		w = strtok_r(line, " ", &sv);
		rid = strtok_r(NULL, " ", &sv);
		st = strtok_r(NULL, " ", &sv);
		b64 = strtok_r(NULL, " ", &sv);
		if (!w || strcmp(w, "DONE") || !rid || strcmp(rid, id)) {
			free(line);
			continue;
		}
		if (!st || (v = strtol(st, &end, 10), *end)) {
			free(line);
			return fm_seterr(e, -EPROTO, "agent: malformed DONE line");
		}
		if (!b64)
			b64 = "";
		*out = malloc(3 * strlen(b64) / 4 + 2);
		if (!*out) {
			free(line);
			return fm_seterr(e, -ENOMEM, "out of memory");
		}
		if (fm_b64_decode(b64, strlen(b64), *out, &len)) {
			free(*out);
			*out = NULL;
			free(line);
			return fm_seterr(e, -EPROTO, "agent: bad base64 in DONE line");
		}
		*status = (int)v;
		free(line);
		return 0;
	}
	if (rc == -ETIMEDOUT)
		fm_seterr(e, rc, "agent: no answer within %us (guest hung?)",
			  timeout + (unsigned int)a->timeout);
	return rc;
}

void agent_close(struct agent *a)
{
	fm_conn_close(&a->c);
}
