/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dcd-fm: the ledger, every grant (one extent of one device given to one
 * host) and its state, and every move of capacity between hosts. One JSON
 * document kept by a backend (struct fm_ledger_ops):
 *   file  (default) a file written atomically, locked with flock(2) on
 *         "<file>.lock" during every read-modify-write (ledger-file.c);
 *   etcd  etcd://HOST:PORT/PREFIX, etcd v3 through its JSON gateway: a lock
 *         key held with the orchestrator's lease, and every write one
 *         transaction that compares the revision it read (ledger-etcd.c).
 */
#ifndef DCD_FM_LEDGER_H
#define DCD_FM_LEDGER_H

#include <limits.h>

#include <json-c/json.h>

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

#define FM_MOVE_ATTEMPTS 2	/* offers to B before a move fails */
/* B's grants of a move: what earlier offers got accepted, and the latest offer */
#define FM_MOVE_ADD_MAX (FM_MOVE_ATTEMPTS * FM_MAX_EXTENTS)

/* A move (dcd-fm pool): grants of host A released, then the same length added to B */
enum fm_mstate {
	M_RELEASING,		/* A's grants are being released */
	M_ADDING,		/* A released them; B's add is being made */
	M_DONE,			/* B accepted: moved (terminal) */
	M_CANCELLED,		/* A's release never happened: A keeps it (terminal) */
	M_FAILED,		/* B refused or rejected the offer: capacity free (terminal) */
	M_NR_STATES
};
const char *fm_mstate_name(enum fm_mstate s);
int fm_mstate_parse(const char *s);

struct fm_move {
	unsigned int id;
	char from[FM_NAME_MAX], from_dir[PATH_MAX], from_device[FM_NAME_MAX];
	char to[FM_NAME_MAX], to_dir[PATH_MAX], to_device[FM_NAME_MAX];
	int to_region;			/* -1: any */
	unsigned int host_id;
	uint64_t len;
	unsigned int rel[FM_MAX_EXTENTS], nrel;	/* A's grants */
	/* B's grants: those earlier offers got accepted, then the latest offer */
	unsigned int add[FM_MOVE_ADD_MAX], nadd;
	unsigned int attempts;		/* offers made to B */
	enum fm_mstate state;
	char note[200];			/* why it is where it is */
	char created[32];
	char updated[32];
};

struct fm_ledger;

struct fm_ledger_ops {
	const char *name;
	/* where: the backend's address (file: a path; etcd: etcd://HOST:PORT/PREFIX) */
	int (*open)(struct fm_ledger *l, const char *where, struct fm_err *e);
	int (*lock)(struct fm_ledger *l, double timeout, struct fm_err *e);
	void (*unlock)(struct fm_ledger *l);
	/* the document, malloc'd; *text NULL when there is none yet */
	int (*read)(struct fm_ledger *l, char **text, struct fm_err *e);
	/* replace it; -ESTALE if it changed since this process read or wrote it */
	int (*write)(struct fm_ledger *l, const char *text, struct fm_err *e);
	/* one line: backend, address, and what it holds (lease...) */
	void (*describe)(struct fm_ledger *l, char *buf, size_t len);
	void (*close)(struct fm_ledger *l);
};

extern const struct fm_ledger_ops fm_ledger_file_ops;
extern const struct fm_ledger_ops fm_ledger_etcd_ops;

struct fm_ledger {
	const struct fm_ledger_ops *ops;
	char path[PATH_MAX];		/* the backend's address */
	int lockfd;			/* file backend */
	void *priv;			/* other backends */
	bool locked;
	unsigned int next_id, next_move;
	struct fm_grant *g;
	size_t n, cap;
	struct fm_move *m;
	size_t nm, capm;
};

/* the file backend on path (tests, and the default) */
void fm_ledger_init(struct fm_ledger *l, const char *path);
/* a backend by address: "etcd://..." or a file path */
int fm_ledger_open(struct fm_ledger *l, const char *where, struct fm_err *e);
void fm_ledger_close(struct fm_ledger *l);
void fm_ledger_describe(struct fm_ledger *l, char *buf, size_t len);
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
struct fm_move *fm_ledger_new_move(struct fm_ledger *l);	/* id and created set */
struct fm_move *fm_ledger_move(struct fm_ledger *l, unsigned int id);
void fm_move_set_state(struct fm_move *m, enum fm_mstate s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* the move a grant belongs to, NULL if none */
struct fm_move *fm_ledger_move_of(struct fm_ledger *l, unsigned int grant);
bool fm_mstate_open(enum fm_mstate s);
json_object *fm_move_json(const struct fm_move *m);
/* first active grant of this device overlapping [dpa, dpa + len) */
struct fm_grant *fm_ledger_overlap(struct fm_ledger *l, const char *workdir,
				   const char *device, uint64_t dpa, uint64_t len);
/* drop the oldest terminal grants beyond FM_LEDGER_KEEP */
void fm_ledger_prune(struct fm_ledger *l);
/* $DCD_FM_LEDGER, else under $XDG_STATE_HOME or $HOME; NULL if longer than len */
const char *fm_ledger_default_path(char *buf, size_t len);

#endif
