/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dcd-fm: the ledger, a JSON state file of every grant (one extent of one
 * device given to one host) and its state. Written atomically, locked with
 * flock(2) on "<file>.lock" during every read-modify-write.
 */
#ifndef DCD_FM_LEDGER_H
#define DCD_FM_LEDGER_H

#include <limits.h>

#include "fm.h"

enum fm_gstate {
	G_ADDING,		/* intent written, add may or may not have reached the device */
	G_OFFERED,		/* the device took the add; the host has not answered (yet) */
	G_ACCEPTED,		/* the host accepted it */
	G_REJECTED,		/* the host answered without it (terminal) */
	G_RELEASING,		/* intent written, release may or may not have been sent */
	G_RELEASE_REQUESTED,	/* the device sent the release; the host has not released */
	G_RELEASE_PENDING,	/* the host defers the release: memory in use */
	G_RELEASED,		/* given back (terminal) */
	G_NR_STATES
};

const char *fm_gstate_name(enum fm_gstate s);
int fm_gstate_parse(const char *s);
/* Capacity this grant still holds on the device (or may hold) */
bool fm_gstate_active(enum fm_gstate s);

#define FM_NAME_MAX 64
#define FM_LEDGER_KEEP 1000	/* terminal grants kept as history */

struct fm_grant {
	unsigned int id;
	char host[FM_NAME_MAX];
	char workdir[PATH_MAX];
	char device[FM_NAME_MAX];
	unsigned int host_id;
	unsigned int region;
	uint64_t offset;	/* in the region */
	uint64_t len;
	uint64_t dpa;
	enum fm_gstate state;
	char created[32];
	char updated[32];
};

struct fm_ledger {
	char path[PATH_MAX];
	int lockfd;
	unsigned int next_id;
	struct fm_grant *g;
	size_t n, cap;
};

void fm_ledger_init(struct fm_ledger *l, const char *path);
int fm_ledger_lock(struct fm_ledger *l, double timeout, struct fm_err *e);
void fm_ledger_unlock(struct fm_ledger *l);
/* A missing file is an empty ledger; a corrupt one is an error (-EBADMSG) */
int fm_ledger_load(struct fm_ledger *l, struct fm_err *e);
int fm_ledger_save(struct fm_ledger *l, struct fm_err *e);
void fm_ledger_free(struct fm_ledger *l);
/* lock + load, the start of every transaction */
int fm_ledger_begin(struct fm_ledger *l, double timeout, struct fm_err *e);
/* save + unlock */
int fm_ledger_commit(struct fm_ledger *l, struct fm_err *e);

struct fm_grant *fm_ledger_new(struct fm_ledger *l);	/* id and created set */
struct fm_grant *fm_ledger_get(struct fm_ledger *l, unsigned int id);
void fm_grant_set_state(struct fm_grant *g, enum fm_gstate s);
void fm_ledger_remove(struct fm_ledger *l, unsigned int id);
/* first active grant of this device overlapping [dpa, dpa + len) */
struct fm_grant *fm_ledger_overlap(struct fm_ledger *l, const char *workdir,
				   const char *device, uint64_t dpa, uint64_t len);
/* drop the oldest terminal grants beyond FM_LEDGER_KEEP */
void fm_ledger_prune(struct fm_ledger *l);
const char *fm_ledger_default_path(char *buf, size_t len);

#endif
