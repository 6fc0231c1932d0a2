/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright(c) 2026 The cxl-dcd authors. */
#ifndef __CXL_DCD_DCD_H__
#define __CXL_DCD_DCD_H__

/**
 * DOC: cxl-dcd payloads
 *
 * Dynamic Capacity mailbox opcodes, the device payload layouts the module
 * exchanges with a DCD (all little-endian, packed, as in the spec), and the
 * CPU-endian configuration that config.c distils from Get Dynamic Capacity
 * Configuration. This header is also compiled into the host unit tests, so
 * it includes nothing beyond <linux/types.h> and <linux/compiler.h>, which
 * the test shim provides.
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

/* CXL r3.1 8.2.9.5.1 Table 8-65: Get Supported Logs output */
struct dcd_gsl_entry {
	u8 uuid[16];
	__le32 size;
} __packed;

struct dcd_gsl_out {
	__le16 entries;
	u8 rsvd[6];
	struct dcd_gsl_entry entry[];
} __packed;

/* CXL r3.1 8.2.9.5.2 Table 8-66: Get Log input */
struct dcd_get_log_in {
	u8 uuid[16];
	__le32 offset;
	__le32 length;
} __packed;

/* CXL r3.1 8.2.9.5.2.1 Table 8-68: Command Effects Log entry */
struct dcd_cel_entry {
	__le16 opcode;
	__le16 effect;
} __packed;

/* CXL r3.1 8.2.9.9.9.1 Table 8-126: Get Dynamic Capacity Configuration input */
struct dcd_get_dc_config_in {
	u8 region_count;
	u8 start_region;
} __packed;

/* CXL r3.1 8.2.9.9.9.1 Table 8-127: DC region configuration record */
struct dcd_dc_region_rec {
	__le64 base;
	__le64 decode_length;		/* in 256 MiB units */
	__le64 length;
	__le64 block_size;
	__le32 dsmad_handle;
	u8 flags;
	u8 rsvd[3];
} __packed;

/* CXL r3.1 8.2.9.9.9.1 Table 8-127: Get DC Configuration output header */
struct dcd_get_dc_config_out {
	u8 avail_regions;
	u8 regions_returned;
	u8 rsvd[6];
	struct dcd_dc_region_rec region[];
	/* followed by struct dcd_get_dc_config_trailer */
} __packed;

/* Trailer after the last returned region record */
struct dcd_get_dc_config_trailer {
	__le32 total_extents;
	__le32 avail_extents;
	__le32 total_tags;
	__le32 avail_tags;
} __packed;

/* Flags byte of a region record: bit 0 Sanitize on Release, 7:1 reserved */
#define DCD_REGION_FLAG_SANITIZE_ON_RELEASE	0x01

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

void dcd_config_init(struct dcd_config *cfg);
size_t dcd_config_out_size(unsigned int nr);
int dcd_config_parse_page(struct dcd_config *cfg, unsigned int start,
			  unsigned int requested, const void *payload,
			  size_t bytes, struct dcd_cfg_status *st);
int dcd_config_finish(const struct dcd_config *cfg, struct dcd_cfg_status *st);
const char *dcd_config_strerror(enum dcd_cfg_err err);
u64 dcd_config_total_size(const struct dcd_config *cfg);

#endif /* __CXL_DCD_DCD_H__ */
