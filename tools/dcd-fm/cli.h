/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dcd-fm: what the subcommands share (cli.c: context, options, messages;
 * session.c: one host's device and host views; txn.c: the ledger
 * transactions every change goes through). One subcommand per file:
 * add.c, release.c, list.c, pool.c (table in dcd-fm.c, builtin.h).
 *
 * Every change follows the same pattern, so a killed dcd-fm leaves a ledger
 * the next run can reconcile: under the ledger lock, validate, write the
 * intent (adding/releasing), send, write the result (offered/
 * release-requested), unlock; then (--wait) watch the host and the device
 * without the lock, and record the outcome under the lock again.
 */
#ifndef DCD_FM_CLI_H
#define DCD_FM_CLI_H

#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>

#include "fm.h"
#include "hostview.h"
#include "hosts.h"
#include "ledger.h"
#include "outcome.h"
#include "transport.h"

#define FM_CLI_MAX_EXTENTS 64
#define DEFAULT_DEVICE "cxl-dcd0"
#define DEFAULT_WAIT 30.0
#define POLL_SECONDS 0.25

struct ctx {
	const char *cmd;
	char ledger_path[PATH_MAX];
	const char *hosts_file;
	const char *transport;
	double timeout;		/* per QMP/agent exchange */
	double lock_timeout;
	unsigned int flags;	/* FM_JSON_HUMAN */
	bool verbose;
	double busy_wait;
	const char *pending_hint;	/* txn_wait: appended to "release pending" */
	bool keep_releasing;	/* reconcile: no roll-back of "releasing" (recover's grace) */	/* txn_add: wait this long for an unanswered offer */
	struct fm_ledger l;
	struct fm_err e;
};

struct session {
	struct fm_host host;
	char device[FM_NAME_MAX];
	char ep[PATH_MAX + 16];	/* the transport's endpoint (QMP socket) */
	struct fm_transport t;
	struct fm_geometry geo;
	bool open;		/* geometry known */
	bool connected;		/* t holds a connection (session_idle drops it) */
};

#define COMMON_LONGOPTS                                                     \
	{ "ledger", required_argument, NULL, 'L' },                         \
	{ "hosts", required_argument, NULL, 'F' },                          \
	{ "timeout", required_argument, NULL, 'T' },                        \
	{ "transport", required_argument, NULL, 'X' },                      \
	{ "human", no_argument, NULL, 'u' },                                \
	{ "verbose", no_argument, NULL, 'v' },                              \
	{ "help", no_argument, NULL, 'h' }
#define COMMON_SHORT "uvh"

#define COMMON_HELP                                                                   \
	"  -u, --human              sizes and addresses as human-readable strings\n"    \
	"  -v, --verbose            progress on stderr, with timestamps\n"                              \
	"      --ledger FILE|etcd://HOST:PORT/PREFIX   the ledger: a file or etcd\n"  \
	"                           (default $DCD_FM_LEDGER or\n"                      \
	"                           $XDG_STATE_HOME/dcd-fm/ledger.json)\n"             \
	"      --hosts FILE         hosts file, lines \"NAME DIR\" (default $DCD_FM_HOSTS)\n" \
	"      --timeout SECONDS    per QMP/agent exchange (default 10)\n"              \
	"      --transport NAME     fabric-manager transport (default qmp)\n"          \
	"  -h, --help               this help\n"


/* Options add and release share: where to send, what, and how to wait. */
struct target_args {
	const char *hostspec, *device;
	int region;
	struct fm_extent x[FM_CLI_MAX_EXTENTS];
	unsigned int n;
	uint64_t offset, len;
	bool have_off, force;
	double wait;
};

/* cli.c */
int cli_fail(struct ctx *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int cli_fail_e(struct ctx *c, int code);
void cli_note(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *cli_sz(uint64_t v, char *buf);	/* buf: 32 bytes */
/* <0: a bad $DCD_FM_TIMEOUT (reported) */
int ctx_init(struct ctx *c, const char *cmd);
int cli_ledger_open(struct ctx *c);
/*
 * Test hook: DCD_FM_CRASH_AT=<name> makes dcd-fm SIGKILL itself at that
 * point of a transaction (release-intent, release-sent, released,
 * add-intent, add-sent, accepted), as a crash would. Documented in
 * Documentation/dcd-fm.rst; not for production use.
 */
void fm_crash_point(const char *name);
/* 1: handled, 0: not a common option, <0: bad value (message printed) */
int common_opt(struct ctx *c, int opt, const char *arg);
int cli_parse_wait(struct ctx *c, const char *arg, double *wait);
/* 1 if @opt was one of target_args', 0 if not, -1 on a bad value (reported) */
int target_opt(struct ctx *c, int opt, const char *arg, struct target_args *t);
void cli_print_grants(struct ctx *c, const unsigned int *ids, unsigned int n);

/* session.c */
int session_open(struct ctx *c, struct session *s, const struct fm_host *h,
		 const char *device, struct session *other);
void session_close(struct session *s);
/* connect for an exchange (no-op when connected); session_idle lets go */
int session_connect(struct session *s, struct fm_err *e);
void session_idle(struct session *s);
struct fm_transport *session_tr(struct session *s);
uint64_t session_dpa(const struct session *s, unsigned int region, uint64_t offset);
bool session_has(const struct fm_grant *g, const struct session *s);
/* the device's state of a grant's range (enum fm_dev_state), -1 unknown */
int session_probe(struct session *s, const struct fm_grant *g, struct fm_err *e);
int session_view_open(struct ctx *c, struct session *s, struct fm_hostview *hv,
		      struct fm_err *e);
int session_view(struct session *s, struct fm_hostview *hv, struct fm_host_view *v,
		 struct fm_err *e);
void session_view_close(struct fm_hostview *hv);

/* txn.c */
enum fm_gstate txn_outcome_state(enum fm_outcome o, enum fm_gstate cur);
int txn_wait(struct ctx *c, struct session *s, bool add, const unsigned int *ids,
	     unsigned int n, double timeout, enum fm_outcome *res);
int txn_place(struct ctx *c, struct session *s, int want_region, uint64_t len,
	      unsigned int *region, struct fm_extent *x, unsigned int *n);
int txn_add(struct ctx *c, struct session *s, unsigned int host_id, int want_region,
	    struct fm_extent *x, unsigned int n, uint64_t auto_len, bool force,
	    unsigned int move_id, unsigned int *ids, unsigned int *nids);
int txn_move_start(struct ctx *c, struct session *sa, struct session *sb, uint64_t len,
		   int from_region, int to_region, unsigned int host_id, unsigned int *move_id,
		   unsigned int *rids, unsigned int *nr);
int txn_move_add(struct ctx *c, struct session *sb, unsigned int move_id, double wait,
		 unsigned int *aids, unsigned int *na);
void txn_moves_follow(struct fm_ledger *l);

/* list.c */
unsigned int reconcile_all(struct ctx *c, const struct fm_host *h, const char *device,
			   bool all, json_object *arr);
int txn_release(struct ctx *c, struct session *s, const unsigned int *ids,
		unsigned int n, bool force);

#endif
