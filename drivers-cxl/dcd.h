/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright(c) 2026 The cxl-dcd authors. */
#ifndef __CXL_DCD_DCD_H__
#define __CXL_DCD_DCD_H__

/**
 * DOC: cxl-dcd payloads
 *
 * The spec's side of the module: the mailbox opcodes, limits and constants
 * of Dynamic Capacity, and the layouts of every payload and record the
 * module exchanges with a DCD (all little-endian, packed, as in the spec,
 * each with its section and table). What the host makes of them, CPU
 * endian, is logic.h's. This header is also compiled into the host unit
 * tests, so it includes nothing beyond <linux/types.h> and
 * <linux/compiler.h>, which the test shim provides.
 */

#include <linux/types.h>
#include <linux/compiler.h>

/* CXL r3.1 8.2.9 Table 8-37: command opcodes the module sends */
enum dcd_opcode {
	DCD_OP_GET_SUPPORTED_LOGS	= 0x0400,
	DCD_OP_GET_LOG			= 0x0401,
	DCD_OP_GET_DC_CONFIG		= 0x4800,
	DCD_OP_GET_DC_EXTENT_LIST	= 0x4801,
	DCD_OP_ADD_DC_RESPONSE		= 0x4802,
	DCD_OP_RELEASE_DC		= 0x4803,
};

/* The four DC opcodes, as bits 0..3 of a mask (opcode - DCD_OP_GET_DC_CONFIG) */
#define DCD_CEL_ALL_DC_OPS		0xfU

/* CXL r3.1 8.2.9.9.9.1: at most 8 DC regions per device */
#define DCD_MAX_REGIONS			8
/* Decode length is reported in 256 MiB units; bases are 256 MiB aligned */
#define DCD_DECODE_UNIT_SHIFT		28
#define DCD_DECODE_UNIT			0x10000000ULL	/* 1 << DCD_DECODE_UNIT_SHIFT */
/* Smallest legal block size (CXL r3.1 Table 8-127: multiple of 40h) */
#define DCD_MIN_BLOCK_SIZE		64ULL

/**
 * struct dcd_gsl_entry - Get Supported Logs entry
 * @uuid: log identifier
 * @size: log size in bytes
 *
 * See CXL r3.1 8.2.9.5.1 Table 8-65.
 */
struct dcd_gsl_entry {
	u8 uuid[16];
	__le32 size;
} __packed;

/**
 * struct dcd_gsl_out - Get Supported Logs output
 * @entries: number of entries in @entry
 * @rsvd: reserved
 * @entry: the supported logs
 *
 * See CXL r3.1 8.2.9.5.1 Table 8-65.
 */
struct dcd_gsl_out {
	__le16 entries;
	u8 rsvd[6];
	struct dcd_gsl_entry entry[];
} __packed;

/**
 * struct dcd_get_log_in - Get Log input
 * @uuid: log identifier
 * @offset: byte offset into the log
 * @length: bytes to read
 *
 * See CXL r3.1 8.2.9.5.2 Table 8-66.
 */
struct dcd_get_log_in {
	u8 uuid[16];
	__le32 offset;
	__le32 length;
} __packed;

/**
 * struct dcd_cel_entry - Command Effects Log entry
 * @opcode: command opcode
 * @effect: command effect flags
 *
 * See CXL r3.1 8.2.9.5.2.1 Table 8-68.
 */
struct dcd_cel_entry {
	__le16 opcode;
	__le16 effect;
} __packed;

/**
 * struct dcd_get_dc_config_in - Get Dynamic Capacity Configuration input
 * @region_count: number of region records requested
 * @start_region: index of the first region record
 *
 * See CXL r3.1 8.2.9.9.9.1 Table 8-126.
 */
struct dcd_get_dc_config_in {
	u8 region_count;
	u8 start_region;
} __packed;

/**
 * struct dcd_dc_region_rec - DC region configuration record
 * @base: region base DPA
 * @decode_length: decode length, in 256 MiB units
 * @length: region length in bytes
 * @block_size: region block size in bytes
 * @dsmad_handle: DSMAD handle of the region (CDAT)
 * @flags: DCD_REGION_FLAG_*
 * @rsvd: reserved
 *
 * See CXL r3.1 8.2.9.9.9.1 Table 8-127.
 */
struct dcd_dc_region_rec {
	__le64 base;
	__le64 decode_length;		/* in 256 MiB units */
	__le64 length;
	__le64 block_size;
	__le32 dsmad_handle;
	u8 flags;
	u8 rsvd[3];
} __packed;

/**
 * struct dcd_get_dc_config_out - Get DC Configuration output header
 * @avail_regions: number of DC regions the device has
 * @regions_returned: entries in @region
 * @rsvd: reserved
 * @region: the region records, followed by struct dcd_get_dc_config_trailer
 *
 * See CXL r3.1 8.2.9.9.9.1 Table 8-127.
 */
struct dcd_get_dc_config_out {
	u8 avail_regions;
	u8 regions_returned;
	u8 rsvd[6];
	struct dcd_dc_region_rec region[];
	/* followed by struct dcd_get_dc_config_trailer */
} __packed;

/**
 * struct dcd_get_dc_config_trailer - trailer after the last region record
 * @total_extents: extents the device supports
 * @avail_extents: extents still available
 * @total_tags: tags the device supports
 * @avail_tags: tags still available
 */
struct dcd_get_dc_config_trailer {
	__le32 total_extents;
	__le32 avail_extents;
	__le32 total_tags;
	__le32 avail_tags;
} __packed;

/* Flags byte of a region record: bit 0 Sanitize on Release, 7:1 reserved */
#define DCD_REGION_FLAG_SANITIZE_ON_RELEASE	0x01

/* Event log number of the Dynamic Capacity log (CXL r3.1 8.2.9.2.2) */
#define DCD_EVENT_LOG_DC		4
/* Every event record is 128 bytes (CXL r3.1 8.2.9.2.1 Table 8-42) */
#define DCD_EVENT_RECORD_SIZE		128
/* A tag is a 16-byte UUID; all zero is the null tag */
#define DCD_TAG_SIZE			16

/* CXL r3.1 8.2.9.2.1.6 Table 8-47: DC event record UUID */
extern const u8 dcd_dc_event_uuid[16];

/* CXL r3.1 Table 8-47 Dynamic Capacity Event Type */
enum dcd_event_type {
	DCD_EV_ADD		= 0,
	DCD_EV_RELEASE		= 1,
	DCD_EV_FORCED_RELEASE	= 2,
	DCD_EV_REGION_CONFIG	= 3,
};

/**
 * struct dcd_int_policy - Event Interrupt Policy, with the DC byte
 * @info: Informational Event Log interrupt settings
 * @warn: Warning Event Log interrupt settings
 * @fail: Failure Event Log interrupt settings
 * @fatal: Fatal Event Log interrupt settings
 * @dcd: Dynamic Capacity Event Log interrupt settings
 *
 * See CXL r3.1 8.2.9.2.4 Table 8-52.
 */
struct dcd_int_policy {
	u8 info;
	u8 warn;
	u8 fail;
	u8 fatal;
	u8 dcd;
} __packed;

/**
 * struct dcd_extent_rec - DC extent, also in Get DC Extent List
 * @start_dpa: first DPA of the extent
 * @length: length in bytes
 * @tag: tag UUID (all zero: untagged)
 * @shared_seq: shared extent sequence number
 * @rsvd: reserved
 *
 * See CXL r3.1 8.2.9.2.1.6 Table 8-48.
 */
struct dcd_extent_rec {
	__le64 start_dpa;
	__le64 length;
	u8 tag[DCD_TAG_SIZE];
	__le16 shared_seq;
	u8 rsvd[6];
} __packed;

/**
 * struct dcd_event_hdr - common event record header
 * @uuid: event record identifier
 * @length: record length in bytes
 * @flags: event record flags
 * @handle: event record handle
 * @related_handle: related event record handle
 * @timestamp: event record timestamp
 * @maint_op_class: maintenance operation class
 * @rsvd: reserved
 *
 * See CXL r3.1 8.2.9.2.1 Table 8-42.
 */
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

/**
 * struct dcd_dc_event_rec - Dynamic Capacity event record
 * @hdr: common event record header
 * @event_type: enum dcd_event_type
 * @validity_flags: validity flags
 * @host_id: host ID
 * @region_index: DC region index
 * @flags: DCD_EVENT_FLAG_*
 * @rsvd1: reserved
 * @extent: the extent
 * @rsvd2: reserved
 * @avail_extents: extents still available
 * @avail_tags: tags still available
 *
 * See CXL r3.1 8.2.9.2.1.6 Table 8-47.
 */
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

/**
 * struct dcd_get_event_out - Get Event Records output
 * @flags: DCD_GET_EVENT_FLAG_*
 * @rsvd1: reserved
 * @overflow_count: records lost to overflow
 * @first_overflow_ts: timestamp of the first overflow
 * @last_overflow_ts: timestamp of the last overflow
 * @record_count: entries in @record
 * @rsvd2: reserved
 * @record: the event records
 *
 * See CXL r3.1 8.2.9.2.2 Table 8-50.
 */
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

/**
 * struct dcd_clear_event_in - Clear Event Records input
 * @log: event log
 * @flags: clear event flags
 * @nr_handles: entries in @handle
 * @rsvd: reserved
 * @handle: handles of the records to clear
 *
 * See CXL r3.1 8.2.9.2.3 Table 8-51.
 */
struct dcd_clear_event_in {
	u8 log;
	u8 flags;
	u8 nr_handles;
	u8 rsvd[3];
	__le16 handle[];
} __packed;

/**
 * struct dcd_get_extlist_in - Get DC Extent List input
 * @count: extents requested
 * @start: index of the first extent
 *
 * See CXL r3.1 8.2.9.9.9.2 Table 8-128.
 */
struct dcd_get_extlist_in {
	__le32 count;
	__le32 start;
} __packed;

/**
 * struct dcd_get_extlist_out - Get DC Extent List output
 * @returned: entries in @extent
 * @total: extents the device has
 * @generation: extent list generation number
 * @rsvd: reserved
 * @extent: the extents
 *
 * See CXL r3.1 8.2.9.9.9.2 Table 8-129.
 */
struct dcd_get_extlist_out {
	__le32 returned;
	__le32 total;
	__le32 generation;
	u8 rsvd[4];
	struct dcd_extent_rec extent[];
} __packed;

/**
 * struct dcd_extent_ref - updated extent entry
 * @dpa: first DPA of the extent
 * @length: length in bytes
 * @rsvd: reserved
 *
 * See CXL r3.1 8.2.9.9.9.3 Table 8-130.
 */
struct dcd_extent_ref {
	__le64 dpa;
	__le64 length;
	u8 rsvd[8];
} __packed;

/**
 * struct dcd_update_extent_in - Add DC Response and Release DC input
 * @count: entries in @extent
 * @flags: update flags
 * @rsvd: reserved
 * @extent: the extents
 *
 * See CXL r3.1 8.2.9.9.9.3/4 Table 8-130.
 */
struct dcd_update_extent_in {
	__le32 count;
	u8 flags;
	u8 rsvd[3];
	struct dcd_extent_ref extent[];
} __packed;

#endif /* __CXL_DCD_DCD_H__ */
