/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dcd-fm: client of the lab's guest agent (scripts/guest/lab-agent), one
 * line each way:  PING <id> -> PONG <id> <boot id>
 *                 RUN <id> <timeout> <b64 script> -> DONE <id> <status> <b64 output>
 * The agent port serves one client at a time.
 */
#ifndef DCD_FM_AGENT_H
#define DCD_FM_AGENT_H

#include "fm.h"

struct agent {
	struct fm_conn c;
	double timeout;		/* extra seconds we wait beyond a script's own timeout */
	unsigned int seq;
};

int agent_open(struct agent *a, const char *path, double timeout, struct fm_err *e);
void agent_open_fd(struct agent *a, int fd, double timeout);
int agent_ping(struct agent *a, char *boot_id, size_t len, struct fm_err *e);
/* *out: malloc'd, NUL-terminated output of the script */
int agent_run(struct agent *a, const char *script, unsigned int timeout, int *status,
	      char **out, struct fm_err *e);
void agent_close(struct agent *a);

#endif
