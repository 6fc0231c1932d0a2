/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright(c) 2026 The cxl-dcd authors. */
#ifndef __CXL_DCD_EXTENT_LOGIC_H__
#define __CXL_DCD_EXTENT_LOGIC_H__

/**
 * DOC: cxl-dcd extent logic API
 *
 * Pure logic for Dynamic Capacity events and extents: payload parsing and
 * building, More-chain staging, extent validation, release matching and
 * reconciliation with the device's extent list. Nothing here sends a
 * command, sleeps, locks, allocates or logs; the kernel side (events.c,
 * extent.c, ...) owns the mailbox, the locks and the objects, and calls these
 * helpers under its own locks. The same code builds into the host unit tests
 * and fuzz targets (selftests/host, selftests/fuzz).
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
#include "dcd.h"

/* Event log number of the Dynamic Capacity log (CXL r3.1 8.2.9.2.2) */
#define DCD_EVENT_LOG_DC		4
/* Every event record is 128 bytes (CXL r3.1 8.2.9.2.1 Table 8-42) */
#define DCD_EVENT_RECORD_SIZE		128
/* Extents must be 2 MiB (PMD) aligned to map them through DAX */
#define DCD_EXT_ALIGN			0x200000ULL
/* A tag is a 16-byte UUID; all zero is the null tag */
#define DCD_TAG_SIZE			16
/* Records one More chain may stage; later ones are counted and rejected */
#define DCD_CHAIN_MAX			512
/* Hard cap on the extents the host tracks per device */
#define DCD_EXTENTS_MAX			1024
/* Bounded restarts of a Get DC Extent List read that changed mid-read */
#define DCD_EXTLIST_TRIES		10

/* CXL r3.1 8.2.9.2.1.6 Table 8-47: DC event record UUID */
extern const u8 dcd_dc_event_uuid[16];

/* ---- Device payloads (little-endian, packed) ---- */

/* CXL r3.1 8.2.9.2.1.6 Table 8-48: DC extent, also in Get DC Extent List */
struct dcd_extent_rec {
	__le64 start_dpa;
	__le64 length;
	u8 tag[DCD_TAG_SIZE];
	__le16 shared_seq;
	u8 rsvd[6];
} __packed;

/* CXL r3.1 8.2.9.2.1 Table 8-42: common event record header */
struct dcd_event_hdr {
	u8 uuid[16];
	u8 length;
	u8 flags[3];
	__le16 handle;
	__le16 related_handle;
	__le64 timestamp;
	u8 maint_op_class;
	u8 rsvd[15];
} __packed;

/* CXL r3.1 8.2.9.2.1.6 Table 8-47: Dynamic Capacity event record */
struct dcd_dc_event_rec {
	struct dcd_event_hdr hdr;
	u8 event_type;
	u8 validity_flags;
	__le16 host_id;
	u8 region_index;
	u8 flags;
	u8 rsvd1[2];
	struct dcd_extent_rec extent;
	u8 rsvd2[24];
	__le32 avail_extents;
	__le32 avail_tags;
} __packed;

/* Flags byte of a DC event record: bit 0 More */
#define DCD_EVENT_FLAG_MORE		0x01

/* CXL r3.1 8.2.9.2.2 Table 8-50: Get Event Records output */
struct dcd_get_event_out {
	u8 flags;
	u8 rsvd1;
	__le16 overflow_count;
	__le64 first_overflow_ts;
	__le64 last_overflow_ts;
	__le16 record_count;
	u8 rsvd2[10];
	struct dcd_dc_event_rec record[];
} __packed;

#define DCD_GET_EVENT_FLAG_OVERFLOW	0x01
#define DCD_GET_EVENT_FLAG_MORE		0x02

/* CXL r3.1 8.2.9.2.3 Table 8-51: Clear Event Records input */
struct dcd_clear_event_in {
	u8 log;
	u8 flags;
	u8 nr_handles;
	u8 rsvd[3];
	__le16 handle[];
} __packed;

/* CXL r3.1 8.2.9.9.9.2 Table 8-128: Get DC Extent List input */
struct dcd_get_extlist_in {
	__le32 count;
	__le32 start;
} __packed;

/* CXL r3.1 8.2.9.9.9.2 Table 8-129: Get DC Extent List output */
struct dcd_get_extlist_out {
	__le32 returned;
	__le32 total;
	__le32 generation;
	u8 rsvd[4];
	struct dcd_extent_rec extent[];
} __packed;

/* CXL r3.1 8.2.9.9.9.3 Table 8-130: updated extent entry */
struct dcd_extent_ref {
	__le64 dpa;
	__le64 length;
	u8 rsvd[8];
} __packed;

/*
 * CXL r3.1 8.2.9.9.9.3/4 Table 8-130: Add Dynamic Capacity Response and
 * Release Dynamic Capacity input
 */
struct dcd_update_extent_in {
	__le32 count;
	u8 flags;
	u8 rsvd[3];
	struct dcd_extent_ref extent[];
} __packed;

/* ---- CPU-endian objects ---- */

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

/* CXL r3.1 Table 8-47 Dynamic Capacity Event Type */
enum dcd_event_type {
	DCD_EV_ADD		= 0,
	DCD_EV_RELEASE		= 1,
	DCD_EV_FORCED_RELEASE	= 2,
	DCD_EV_REGION_CONFIG	= 3,
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

/* ---- Event records and event payloads ---- */

enum dcd_rec_err dcd_event_parse(const void *rec, size_t bytes,
				 struct dcd_event *ev);
enum dcd_rec_err dcd_event_batch_parse(const void *payload, size_t bytes,
				       struct dcd_event_batch *b);
const void *dcd_event_batch_record(const struct dcd_event_batch *b,
				   unsigned int i);
size_t dcd_clear_event_build(void *buf, size_t payload_size, u8 log,
			     const u16 *handles, unsigned int nr,
			     unsigned int *nr_used);
const char *dcd_rec_strerror(enum dcd_rec_err err);
const char *dcd_event_type_name(u8 type);

/* ---- Get DC Extent List ---- */

u32 dcd_extlist_max_per_page(size_t payload_size);
void dcd_extlist_in_build(struct dcd_get_extlist_in *in, u32 count, u32 start);
void dcd_extlist_acc_init(struct dcd_extlist_acc *acc, struct dcd_extent *buf,
			  u32 cap, u32 max_total);
int dcd_extlist_acc_page(struct dcd_extlist_acc *acc, u32 requested,
			 const void *payload, size_t bytes,
			 enum dcd_xl_err *why);
const char *dcd_extlist_strerror(enum dcd_xl_err err);

/* ---- Range helpers ---- */

bool dcd_tag_is_null(const u8 *tag);
int dcd_dc_region_of(const struct dcd_config *cfg, u64 dpa, u64 len,
		     enum dcd_rej *why);
int dcd_range_lookup(const struct dcd_range *r, u32 nr, u64 dpa, u64 len);

/* ---- More chain staging and validation ---- */

void dcd_chain_reset(struct dcd_chain *c);
int dcd_chain_stage(struct dcd_chain *c, const struct dcd_event *ev, u64 now);
bool dcd_chain_expired(const struct dcd_chain *c, u64 now, u64 timeout);
void dcd_chain_close(struct dcd_chain *c);
void dcd_chain_validate(struct dcd_chain *c, const struct dcd_validate_ctx *ctx);
bool dcd_chain_needs_response(const struct dcd_chain *c);
const char *dcd_rej_str(enum dcd_rej why);

/* ---- Response and release payloads ---- */

u32 dcd_update_max_entries(size_t payload_size);
size_t dcd_add_rsp_build(const struct dcd_chain *c, void *buf,
			 size_t payload_size);
size_t dcd_release_build(void *buf, size_t payload_size,
			 const struct dcd_range *r, u32 nr, u32 *nr_used);

/* ---- Host extent set ---- */

size_t dcd_extent_set_size(u32 cap);
void dcd_extent_set_init(struct dcd_extent_set *set, u32 cap);
int dcd_extent_set_insert(struct dcd_extent_set *set,
			  const struct dcd_extent *ext, u8 dc_region,
			  enum dcd_ext_state state);
void dcd_extent_set_remove(struct dcd_extent_set *set, u32 slot);
int dcd_extent_set_find(const struct dcd_extent_set *set, u64 dpa, u64 len);

/* ---- Release matching ---- */

u32 dcd_release_match(const struct dcd_extent_set *set, u64 dpa, u64 len,
		      u32 *slots, u32 max_slots);
u32 dcd_release_mark(struct dcd_extent_set *set, const struct dcd_event *ev,
		     u32 *slots, u32 max_slots);

/* ---- Tag groups: one DAX device per group ---- */

u32 dcd_release_expand(const struct dcd_extent_set *set, u32 *slots, u32 n,
		       u32 max_slots);
u32 dcd_group_members(const struct dcd_extent_set *set, u32 slot, u32 *slots,
		      u32 max_slots);
enum dcd_grp dcd_group_plan(const struct dcd_extent_set *set, const u32 *slots,
			    u32 n, const struct dcd_range *committed,
			    u32 nr_committed, struct dcd_range *span);
const char *dcd_grp_name(enum dcd_grp g);

/* ---- Reconciliation ---- */

int dcd_reconcile(const struct dcd_extent_set *set,
		  const struct dcd_extent *dev, u32 nr_dev,
		  const struct dcd_config *cfg,
		  const struct dcd_range *committed, u32 nr_committed,
		  u8 *dev_class, bool *host_stale,
		  struct dcd_recon_result *res);

#endif /* __CXL_DCD_EXTENT_LOGIC_H__ */
