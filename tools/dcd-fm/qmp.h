/* SPDX-License-Identifier: GPL-2.0 */
/* dcd-fm: minimal synchronous QMP client */
#ifndef DCD_FM_QMP_H
#define DCD_FM_QMP_H

#include <json-c/json.h>

#include "fm.h"

struct qmp {
	struct fm_conn c;
	double timeout;
	unsigned int seq;
	unsigned int events;	/* asynchronous events skipped */
};

int qmp_open(struct qmp *q, const char *path, double timeout, struct fm_err *e);
/* greeting + qmp_capabilities on an already connected fd (tests) */
int qmp_open_fd(struct qmp *q, int fd, double timeout, struct fm_err *e);
/* args is consumed; *ret (if non-NULL) gets a new reference to "return" */
int qmp_exec(struct qmp *q, const char *cmd, json_object *args, json_object **ret,
	     struct fm_err *e);
void qmp_close(struct qmp *q);

#endif
