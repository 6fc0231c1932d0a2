/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright(c) 2026 The cxl-dcd authors. */
#ifndef __CXL_DCD_LOGIC_H__
#define __CXL_DCD_LOGIC_H__

/**
 * DOC: cxl-dcd pure logic API
 *
 * Pure logic for Dynamic Capacity, one unit per concern, each named for
 * what it decides:
 *
 * - config.c: the DC configuration (Get Dynamic Capacity Configuration);
 * - records.c: event records, extent list pages, Clear Event Records and
 *   Release Dynamic Capacity payloads;
 * - ranges.c: which region or range contains a DPA range;
 * - chain.c: More-chain staging, extent validation, the Add Dynamic
 *   Capacity Response;
 * - extent_set.c: the extents the host tracks, release matching, tag
 *   groups and reconciliation with the device's extent list.
 *
 * Nothing here sends a command, sleeps, locks, allocates or logs; the
 * kernel side (events.c, extent.c, ...) owns the mailbox, the locks and
 * the objects, and calls these helpers under its own locks, turning the
 * reasons returned into log lines. The same code builds into the host unit
 * tests and fuzz targets (selftests/host, selftests/fuzz). The payloads
 * are dcd.h's.
 *
 * Typical add flow for the caller, per DC event record read from log 4:
 *
 *  1. dcd_event_parse() the 128-byte record; on DCD_REC_BAD_UUID or
 *     DCD_REC_UNKNOWN_TYPE log once and clear it (the handle is valid).
 *  2. Add record: dcd_chain_stage(). When it returns DCD_CHAIN_CLOSED (or
 *     dcd_chain_expired() says the chain timed out, or an overflow was
 *     reported and the caller gives up waiting), call dcd_chain_validate()
 *     with the current &struct dcd_validate_ctx.
 *  3. If dcd_chain_needs_response(): dcd_add_rsp_build() and send it (once).
 *     On success, dcd_extent_set_insert() every record whose verdict is
 *     DCD_REJ_NONE, in offer order, and create objects for them.
 *  4. dcd_chain_reset().
 *
 * Release (type 1) and forced release (type 2) records are not staged:
 * dcd_release_match() finds the extents the range touches and
 * dcd_release_expand() adds the rest of their tag groups.
 *
 * DAX devices: dcd_group_members() lists a tracked extent's tag group in
 * sequence order and dcd_group_plan() decides whether the group gets one
 * DAX device (DCD_GRP_MERGED) or one per extent.
 */

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include "dcd.h"

/* Extents must be 2 MiB (PMD) aligned to map them through DAX */
#define DCD_EXT_ALIGN			0x200000ULL
/* Records one More chain may stage; later ones are counted and rejected */
#define DCD_CHAIN_MAX			512
/* Hard cap on the extents the host tracks per device */
#define DCD_EXTENTS_MAX			1024
/* Bounded restarts of a Get DC Extent List read that changed mid-read */
#define DCD_EXTLIST_TRIES		10

/* ---- CPU-endian objects ---- */

/**
 * struct dcd_region - one validated DC region, CPU endian
 * @base: DPA base in bytes
 * @decode_len: decode length in bytes
 * @len: usable length in bytes
 * @block_size: block size in bytes
 * @dsmad_handle: CDAT DSMAS handle
 * @flags: region flags as reported
 */
struct dcd_region {
	u64 base;
	u64 decode_len;
	u64 len;
	u64 block_size;
	u32 dsmad_handle;
	u8 flags;
};

/**
 * struct dcd_config - the device's validated DC configuration
 * @nr_regions: regions the device has (1..DCD_MAX_REGIONS)
 * @nr_read: regions read and validated so far
 * @region: the regions, ascending DPA order
 * @total_extents: total supported extents
 * @avail_extents: available extents
 * @total_tags: total supported tags
 * @avail_tags: available tags
 */
struct dcd_config {
	u8 nr_regions;
	u8 nr_read;
	struct dcd_region region[DCD_MAX_REGIONS];
	u32 total_extents;
	u32 avail_extents;
	u32 total_tags;
	u32 avail_tags;
};

/* Why a Get DC Configuration payload was refused; see dcd_config_strerror() */
enum dcd_cfg_err {
	DCD_CFG_OK = 0,
	DCD_CFG_SHORT_HEADER,
	DCD_CFG_NO_REGIONS,
	DCD_CFG_TOO_MANY_REGIONS,
	DCD_CFG_AVAIL_CHANGED,
	DCD_CFG_NONE_RETURNED,
	DCD_CFG_TOO_MANY_RETURNED,
	DCD_CFG_SHORT_RECORDS,
	DCD_CFG_BASE_ALIGN,
	DCD_CFG_DECODE_ZERO,
	DCD_CFG_DECODE_OVERFLOW,
	DCD_CFG_LEN_ZERO,
	DCD_CFG_BLOCK_POW2,
	DCD_CFG_BLOCK_SMALL,
	DCD_CFG_BASE_BLOCK_ALIGN,
	DCD_CFG_LEN_BLOCK,
	DCD_CFG_DECODE_SHORT,
	DCD_CFG_OVERFLOW,
	DCD_CFG_HANDLE,
	DCD_CFG_ORDER,
	DCD_CFG_OVERLAP,
	DCD_CFG_NO_EXTENTS,
	DCD_CFG_EXTENTS_AVAIL,
	DCD_CFG_TAGS_AVAIL,
	DCD_CFG_INCOMPLETE,
	DCD_CFG_NR_ERRORS
};

/**
 * struct dcd_cfg_status - result of parsing a Get DC Configuration payload
 * @err: DCD_CFG_OK or the first anomaly found
 * @region: index of the offending region, or -1 if not region specific
 */
struct dcd_cfg_status {
	enum dcd_cfg_err err;
	int region;
};

/**
 * struct dcd_extent - one extent, CPU endian
 * @dpa: start DPA in bytes
 * @len: length in bytes
 * @tag: tag UUID as sent by the device; all zero is the null tag
 * @seq: shared extent sequence number
 */
struct dcd_extent {
	u64 dpa;
	u64 len;
	u8 tag[DCD_TAG_SIZE];
	u16 seq;
};

/**
 * struct dcd_range - a DPA range, e.g. the DPA span of a committed region
 * @start: first DPA
 * @len: length in bytes
 */
struct dcd_range {
	u64 start;
	u64 len;
};

/**
 * struct dcd_event - a parsed DC event record
 * @handle: event record handle, for Clear Event Records
 * @timestamp: record timestamp
 * @type: enum dcd_event_type (raw value even if unknown)
 * @validity: validity flags
 * @host_id: host id
 * @region_index: updated region index (type 3 only)
 * @flags: record flags byte
 * @more: More flag (bit 0 of @flags)
 * @ext: the extent
 * @avail_extents: number of available extents
 * @avail_tags: number of available tags
 */
struct dcd_event {
	u16 handle;
	u64 timestamp;
	u8 type;
	u8 validity;
	u16 host_id;
	u8 region_index;
	u8 flags;
	bool more;
	struct dcd_extent ext;
	u32 avail_extents;
	u32 avail_tags;
};

/* Result of parsing a record or a payload; see dcd_rec_strerror() */
enum dcd_rec_err {
	DCD_REC_OK = 0,
	DCD_REC_SHORT,		/* fewer bytes than one header/record */
	DCD_REC_BAD_LENGTH,	/* record length byte is not 128 */
	DCD_REC_BAD_UUID,	/* not a DC event record (handle is valid) */
	DCD_REC_UNKNOWN_TYPE,	/* DC record of a type we do not handle */
	DCD_REC_COUNT,		/* record count exceeds the bytes returned */
	DCD_REC_NR_ERRORS
};

/**
 * struct dcd_event_batch - a parsed Get Event Records output payload
 * @flags: flags byte
 * @overflow: the log overflowed; records were lost
 * @more: the device says more records are pending
 * @overflow_count: number of records lost
 * @nr: number of records in @payload, checked against the bytes returned
 * @payload: the raw payload; records are dcd_event_batch_record()
 */
struct dcd_event_batch {
	u8 flags;
	bool overflow;
	bool more;
	u16 overflow_count;
	u16 nr;
	const struct dcd_get_event_out *payload;
};

/* Why an extent list page was refused; see dcd_extlist_strerror() */
enum dcd_xl_err {
	DCD_XL_OK = 0,
	DCD_XL_SHORT_HEADER,	/* fewer bytes than the 16-byte header */
	DCD_XL_SHORT_RECORDS,	/* returned count exceeds the bytes returned */
	DCD_XL_TOO_MANY,	/* more returned than requested or remaining */
	DCD_XL_TOTAL_INSANE,	/* total above the device's/our maximum */
	DCD_XL_NONE_RETURNED,	/* 0 returned while more are expected */
	DCD_XL_CHANGED,		/* total or generation changed mid-read */
	DCD_XL_NR_ERRORS
};

/**
 * struct dcd_extlist_acc - accumulates a paged Get DC Extent List read
 * @ext: caller's buffer for the extents
 * @cap: entries in @ext
 * @max_total: largest total accepted (device's total supported extents)
 * @nr: extents read so far; the next request starts at this index
 * @total: total reported by the first page
 * @generation: generation number reported by the first page
 * @started: the first page has been parsed
 */
struct dcd_extlist_acc {
	struct dcd_extent *ext;
	u32 cap;
	u32 max_total;
	u32 nr;
	u32 total;
	u32 generation;
	bool started;
};

/*
 * Verdict on one staged extent. DCD_REJ_NONE means accept (list it in the
 * response). DCD_REJ_DUPLICATE is not an error: the extent is accepted
 * already, so it is idempotently kept, not listed again and no new extent is
 * created. Every other value rejects the extent (omitted from the response).
 */
enum dcd_rej {
	DCD_REJ_NONE = 0,	/* accepted: list it in the response */
	DCD_REJ_DUPLICATE,	/* exact duplicate of an accepted extent */
	DCD_REJ_ZERO_LEN,	/* length is zero */
	DCD_REJ_WRAP,		/* start + length wraps past 2^64 */
	DCD_REJ_OUTSIDE_DC,	/* not inside any DC region of the config */
	DCD_REJ_STRADDLE,	/* crosses a DC region boundary */
	DCD_REJ_NO_REGION,	/* not inside one committed host region */
	DCD_REJ_BLOCK_ALIGN,	/* start/length not a multiple of block size */
	DCD_REJ_ALIGN_2M,	/* start/length not 2 MiB aligned */
	DCD_REJ_OVERLAP,	/* overlaps an accepted extent */
	DCD_REJ_OVERLAP_STAGED,	/* overlaps an earlier record of this chain */
	DCD_REJ_TAG_REUSED,	/* tag of an accepted group, earlier chain */
	DCD_REJ_NULL_TAG_SHARED, /* null tag on a sharable region */
	DCD_REJ_SEQ_UNSHARED,	/* non-zero sequence on a non-sharable region */
	DCD_REJ_SEQ_ORDER,	/* sequence numbers not 0..n-1 in offer order */
	DCD_REJ_TAG_SPAN,	/* one tag spans several DC regions */
	DCD_REJ_GROUP,		/* another member of its tag group failed */
	DCD_REJ_RSP_FULL,	/* past what one response can carry */
	DCD_REJ_CHAIN_FULL,	/* past DCD_CHAIN_MAX; never staged */
	DCD_REJ_NO_SPACE,	/* the host extent set is full */
	DCD_REJ_TAG_FOREIGN,	/* tag held elsewhere on the host (another memdev) */
	DCD_REJ_NR
};

/**
 * struct dcd_chain - a More chain of Add Capacity records being staged
 * @open: a record with More set was staged and the chain is not closed
 * @closed: the last record (More clear) arrived, or the caller closed it
 * @nr_records: records received, including those past DCD_CHAIN_MAX
 * @nr: records staged in @ext (min(@nr_records, DCD_CHAIN_MAX))
 * @last: caller's clock when the last record arrived (any unit)
 * @nr_accept: after validation: verdict DCD_REJ_NONE
 * @nr_dup: after validation: verdict DCD_REJ_DUPLICATE
 * @nr_reject: after validation: every other verdict, incl. unstaged records
 * @ext: staged extents in offer order
 * @verdict: per staged extent, enum dcd_rej after dcd_chain_validate()
 * @dc_region: per staged extent, index of its DC region (valid if accepted
 *	or duplicate)
 * @host_region: per staged extent, index into the committed host regions of
 *	the validation context (valid if accepted or duplicate)
 *
 * About 26 KiB: allocate it once per device.
 */
struct dcd_chain {
	bool open;
	bool closed;
	u32 nr_records;
	u32 nr;
	u64 last;
	u32 nr_accept;
	u32 nr_dup;
	u32 nr_reject;
	struct dcd_extent ext[DCD_CHAIN_MAX];
	u8 verdict[DCD_CHAIN_MAX];
	u8 dc_region[DCD_CHAIN_MAX];
	u8 host_region[DCD_CHAIN_MAX];
};

/* Return values of dcd_chain_stage() */
enum dcd_chain_rc {
	DCD_CHAIN_OPEN = 0,	/* staged, More set: wait for more records */
	DCD_CHAIN_CLOSED = 1,	/* chain complete: validate and respond */
};

/* State of an extent the host tracks */
enum dcd_ext_state {
	DCD_EXT_FREE = 0,	/* slot unused */
	DCD_EXT_ACCEPTED,	/* accepted, covered by a committed region */
	DCD_EXT_RELEASE_PENDING, /* device asked for it back; still in use */
	DCD_EXT_FORCED,		/* forced release: tear down immediately */
	DCD_EXT_ORPHAN,		/* accepted on the device, no region covers it */
};

/**
 * struct dcd_host_extent - one extent the host tracks
 * @ext: the extent
 * @state: enum dcd_ext_state
 * @dc_region: index of its DC region in the config
 * @priv: the caller's object for this extent (sysfs device, ...)
 */
struct dcd_host_extent {
	struct dcd_extent ext;
	u8 state;
	u8 dc_region;
	void *priv;
};

/**
 * struct dcd_extent_set - the host's extents of one device
 * @cap: number of slots in @slot
 * @nr: slots in use
 * @slot: the extents; a slot index stays valid until dcd_extent_set_remove()
 *
 * Allocate dcd_extent_set_size(cap) bytes and call dcd_extent_set_init().
 */
struct dcd_extent_set {
	u32 cap;
	u32 nr;
	struct dcd_host_extent slot[];
};

/**
 * struct dcd_validate_ctx - what dcd_chain_validate() checks against
 * @cfg: the device's validated DC configuration
 * @committed: DPA ranges of the committed host regions over DC capacity
 *	(the endpoint decoders' DPA allocations); extents must lie inside one
 * @nr_committed: entries in @committed (at most 255)
 * @set: extents the host already accepted (all from earlier chains)
 * @sharable: bit i set if DC region i is sharable (CDAT DSMAS flag; 0 if
 *	unknown, as QEMU 10.0 reports)
 * @rsp_max: most extents one response may list: dcd_update_max_entries()
 *	of the mailbox payload size
 * @align: required alignment, 0 means DCD_EXT_ALIGN
 * @tag_taken: optional host-wide tag lookup, for tags outside @set: called
 *	once per record with a non-null tag that no extent of @set holds;
 *	returns true if the tag is held elsewhere on the host (an extent of
 *	another memdev, or one being accepted there), which rejects the
 *	record (DCD_REJ_TAG_FOREIGN) and so its whole group. Called in
 *	the caller's context, under its locks. NULL: no such check.
 * @tag_arg: passed to @tag_taken
 */
struct dcd_validate_ctx {
	const struct dcd_config *cfg;
	const struct dcd_range *committed;
	u32 nr_committed;
	const struct dcd_extent_set *set;
	u8 sharable;
	u32 rsp_max;
	u64 align;
	bool (*tag_taken)(const u8 *tag, void *arg);
	void *tag_arg;
};

/*
 * How the extents of a tag group map to DAX devices (dcd_group_plan()).
 * DCD_GRP_MERGED: one DAX device spans the whole group; every other value
 * means one DAX device per extent, for the reason given.
 */
enum dcd_grp {
	DCD_GRP_UNTAGGED = 0,	/* null tag: an independent extent */
	DCD_GRP_MERGED,		/* complete and contiguous: one device */
	DCD_GRP_NOT_CONTIGUOUS,	/* not DPA/HPA contiguous in sequence order */
	DCD_GRP_INCOMPLETE,	/* sequence numbers not 0..n-1 (gap, duplicate) */
	DCD_GRP_REGIONS,	/* members not all in one committed region */
	DCD_GRP_NR
};

/* Classes of the device's extents in dcd_reconcile() */
enum dcd_recon {
	DCD_RECON_KNOWN = 0,	/* on both sides, same range */
	DCD_RECON_ADOPT,	/* device only, a committed region covers it */
	DCD_RECON_ORPHAN,	/* device only, no committed region covers it */
	DCD_RECON_INVALID,	/* device only, fails validation */
};

/**
 * struct dcd_recon_result - counts of a reconciliation
 * @nr_known: device extents the host already tracks
 * @nr_adopt: device extents to adopt (no Add Response: already accepted)
 * @nr_orphan: device extents to list as orphans
 * @nr_invalid: device extents that fail validation
 * @nr_stale: host extents the device no longer has
 */
struct dcd_recon_result {
	u32 nr_known;
	u32 nr_adopt;
	u32 nr_orphan;
	u32 nr_invalid;
	u32 nr_stale;
};

/* ---- Inline range and tag helpers ---- */

/* Last byte of [dpa, dpa + len), or false if len is 0 or it wraps. */
static inline bool dcd_last(u64 dpa, u64 len, u64 *last)
{
	return len && !check_add_overflow(dpa, len - 1, last);
}

/* Do two ranges known not to wrap overlap? */
static inline bool dcd_overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a <= b + (blen - 1) && b <= a + (alen - 1);
}

static inline bool dcd_tag_eq(const u8 *a, const u8 *b)
{
	return !memcmp(a, b, DCD_TAG_SIZE);
}

/* ---- config.c ---- */

void dcd_config_init(struct dcd_config *cfg);
size_t dcd_config_out_size(unsigned int nr);
int dcd_config_parse_page(struct dcd_config *cfg, unsigned int start,
			  unsigned int requested, const void *payload,
			  size_t bytes, struct dcd_cfg_status *st);
int dcd_config_finish(const struct dcd_config *cfg, struct dcd_cfg_status *st);
u64 dcd_config_total_size(const struct dcd_config *cfg);

/* ---- records.c: event records and event payloads ---- */

enum dcd_rec_err dcd_event_parse(const void *rec, size_t bytes,
				 struct dcd_event *ev);
enum dcd_rec_err dcd_event_batch_parse(const void *payload, size_t bytes,
				       struct dcd_event_batch *b);
const void *dcd_event_batch_record(const struct dcd_event_batch *b,
				   unsigned int i);
size_t dcd_clear_event_build(void *buf, size_t payload_size, u8 log,
			     const u16 *handles, unsigned int nr,
			     unsigned int *nr_used);

/* ---- records.c: Get DC Extent List ---- */

u32 dcd_extlist_max_per_page(size_t payload_size);
void dcd_extlist_in_build(struct dcd_get_extlist_in *in, u32 count, u32 start);
void dcd_extlist_acc_init(struct dcd_extlist_acc *acc, struct dcd_extent *buf,
			  u32 cap, u32 max_total);
int dcd_extlist_acc_page(struct dcd_extlist_acc *acc, u32 requested,
			 const void *payload, size_t bytes,
			 enum dcd_xl_err *why);

/* ---- records.c: Release DC input ---- */

u32 dcd_update_max_entries(size_t payload_size);
size_t dcd_release_build(void *buf, size_t payload_size,
			 const struct dcd_range *r, u32 nr, u32 *nr_used);
bool dcd_tag_is_null(const u8 *tag);

/* ---- ranges.c ---- */

int dcd_dc_region_of(const struct dcd_config *cfg, u64 dpa, u64 len,
		     enum dcd_rej *why);
int dcd_range_lookup(const struct dcd_range *r, u32 nr, u64 dpa, u64 len);

/* ---- chain.c: More chain staging, validation and response ---- */

void dcd_chain_reset(struct dcd_chain *c);
int dcd_chain_stage(struct dcd_chain *c, const struct dcd_event *ev, u64 now);
bool dcd_chain_expired(const struct dcd_chain *c, u64 now, u64 timeout);
void dcd_chain_close(struct dcd_chain *c);
void dcd_chain_validate(struct dcd_chain *c, const struct dcd_validate_ctx *ctx);
bool dcd_chain_needs_response(const struct dcd_chain *c);

size_t dcd_add_rsp_build(const struct dcd_chain *c, void *buf,
			 size_t payload_size);

/* ---- extent_set.c: the host's extent set ---- */

size_t dcd_extent_set_size(u32 cap);
void dcd_extent_set_init(struct dcd_extent_set *set, u32 cap);
int dcd_extent_set_insert(struct dcd_extent_set *set,
			  const struct dcd_extent *ext, u8 dc_region,
			  enum dcd_ext_state state);
void dcd_extent_set_remove(struct dcd_extent_set *set, u32 slot);
int dcd_extent_set_find(const struct dcd_extent_set *set, u64 dpa, u64 len);

/* ---- extent_set.c: release matching ---- */

u32 dcd_release_match(const struct dcd_extent_set *set, u64 dpa, u64 len,
		      u32 *slots, u32 max_slots);
u32 dcd_release_mark(struct dcd_extent_set *set, const struct dcd_event *ev,
		     u32 *slots, u32 max_slots);

/* ---- extent_set.c: tag groups, one DAX device per group ---- */

u32 dcd_release_expand(const struct dcd_extent_set *set, u32 *slots, u32 n,
		       u32 max_slots);
u32 dcd_group_members(const struct dcd_extent_set *set, u32 slot, u32 *slots,
		      u32 max_slots);
enum dcd_grp dcd_group_plan(const struct dcd_extent_set *set, const u32 *slots,
			    u32 n, const struct dcd_range *committed,
			    u32 nr_committed, struct dcd_range *span);

/* ---- extent_set.c: reconciliation ---- */

int dcd_reconcile(const struct dcd_extent_set *set,
		  const struct dcd_extent *dev, u32 nr_dev,
		  const struct dcd_config *cfg,
		  const struct dcd_range *committed, u32 nr_committed,
		  u8 *dev_class, bool *host_stale,
		  struct dcd_recon_result *res);

/* ---- names.c: the text of the verdicts above ---- */

const char *dcd_config_strerror(enum dcd_cfg_err err);
const char *dcd_rec_strerror(enum dcd_rec_err err);
const char *dcd_extlist_strerror(enum dcd_xl_err err);
const char *dcd_event_type_name(u8 type);
const char *dcd_rej_str(enum dcd_rej why);
const char *dcd_grp_name(enum dcd_grp g);

#endif /* __CXL_DCD_LOGIC_H__ */
