/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dcd-fm: common types. A request is one region of one device with up to
 * FM_MAX_EXTENTS extents, offsets relative to the DC region (as in QMP).
 */
#ifndef DCD_FM_H
#define DCD_FM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SZ_1M (1ULL << 20)
#define SZ_2M (2ULL << 20)

/* QEMU 10.0: DC event log depth (records per request that reach the host) */
#define FM_MAX_EXTENTS 8
/* CXL spec and QEMU's regions[] array: 8 DC regions at most */
#define FM_MAX_REGIONS 8

/* Exit codes (documented in Documentation/dcd-fm.rst) */
enum fm_exit {
	FM_EXIT_OK = 0,		/* done; accepted (add) or released (release) */
	FM_EXIT_FAIL = 1,	/* operation failed: transport, device, ledger */
	FM_EXIT_INVALID = 2,	/* usage error or invalid request; nothing sent */
	FM_EXIT_REJECTED = 3,	/* --wait: the host did not accept (all of) it */
	FM_EXIT_PENDING = 4,	/* --wait: release pending on the host (in use) */
	FM_EXIT_TIMEOUT = 5,	/* --wait: no outcome within the timeout */
	FM_EXIT_MISMATCH = 6,	/* list --reconcile: ledger and hosts disagree */
};

/* One error message, filled by the failing layer, printed once at the edge */
struct fm_err {
	char msg[512];
};

int fm_seterr(struct fm_err *e, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct fm_extent {
	uint64_t offset;	/* relative to the DC region */
	uint64_t len;
};

struct fm_region {
	uint64_t base;		/* DPA of the region */
	uint64_t len;
	uint64_t block;		/* block size */
};

/* What the device says about itself (transport ->geometry) */
struct fm_geometry {
	unsigned int nr_regions;	/* as reported, may exceed FM_MAX_REGIONS */
	struct fm_region region[FM_MAX_REGIONS];
	uint64_t serial;		/* PCIe DSN, matched to memX/serial */
	bool has_serial;
};

/* util.c */
int fm_parse_size(const char *s, uint64_t *out);
int fm_parse_u64(const char *s, uint64_t *out);
#define FM_MAX_SECONDS 86400.0
/* 0, -EINVAL (not "D[.D]") or -ERANGE (0 without @zero_ok, or above a day) */
int fm_parse_seconds(const char *s, bool zero_ok, double *out);
const char *fm_size_str(uint64_t v, char *buf, size_t len);
size_t fm_b64_encode(const void *in, size_t n, char *out);	/* out: 4*((n+2)/3)+1 */
int fm_b64_decode(const char *in, size_t n, void *out, size_t *outlen);
double fm_now(void);		/* CLOCK_MONOTONIC seconds */
void fm_timestamp(char *buf, size_t len);	/* UTC ISO 8601 */

/* conn.c: a line-oriented stream socket with a deadline on every read */
#define FM_LINE_MAX (4U << 20)
struct fm_conn {
	int fd;
	char *buf;
	size_t used, cap;
	const char *who;	/* "QMP", "agent": prefix of error messages */
};
int fm_conn_unix(struct fm_conn *c, const char *path, const char *who, double timeout,
		 struct fm_err *e);
void fm_conn_fd(struct fm_conn *c, int fd, const char *who);
int fm_conn_readline(struct fm_conn *c, double deadline, char **line, struct fm_err *e);
int fm_conn_write(struct fm_conn *c, const char *data, size_t len, double deadline,
		  struct fm_err *e);
void fm_conn_close(struct fm_conn *c);

#endif
