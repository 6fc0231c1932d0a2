// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include "logic.h"

/**
 * DOC: cxl-dcd names
 *
 * Pure (see logic.h): the text of what the other pure units decide, one
 * table per enum, indexed by it. The reasons the driver logs for a refused
 * DC configuration (config.c), event record or payload and extent list
 * page (records.c) and for a rejected extent (chain.c); the names sysfs,
 * uevents and the tracepoint show for an event type (records.c) and a tag
 * group plan (extent_set.c). The log lines and sysfs values are read by
 * the tests and by user space, so they are reviewed here, in one place.
 */

static const char * const dcd_cfg_reasons[DCD_CFG_NR_ERRORS] = {
	[DCD_CFG_OK]			= "ok",
	[DCD_CFG_SHORT_HEADER]		= "payload shorter than the header",
	[DCD_CFG_NO_REGIONS]		= "device reports 0 regions",
	[DCD_CFG_TOO_MANY_REGIONS]	= "device reports more than 8 regions",
	[DCD_CFG_AVAIL_CHANGED]		= "region count changed between pages",
	[DCD_CFG_NONE_RETURNED]		= "no region returned while more are expected",
	[DCD_CFG_TOO_MANY_RETURNED]	= "more regions returned than requested or available",
	[DCD_CFG_SHORT_RECORDS]		= "returned region count exceeds the bytes returned",
	[DCD_CFG_BASE_ALIGN]		= "base not aligned to 256 MiB",
	[DCD_CFG_DECODE_ZERO]		= "decode length is zero",
	[DCD_CFG_DECODE_OVERFLOW]	= "decode length overflows",
	[DCD_CFG_LEN_ZERO]		= "length is zero",
	[DCD_CFG_BLOCK_POW2]		= "block size not a power of two",
	[DCD_CFG_BLOCK_SMALL]		= "block size below 64 bytes",
	[DCD_CFG_BASE_BLOCK_ALIGN]	= "base not aligned to the block size",
	[DCD_CFG_LEN_BLOCK]		= "length not a multiple of the block size",
	[DCD_CFG_DECODE_SHORT]		= "decode length smaller than length",
	[DCD_CFG_OVERFLOW]		= "base + decode length past 2^64",
	[DCD_CFG_HANDLE]		= "DSMAD handle above 255",
	[DCD_CFG_ORDER]			= "regions not in ascending DPA order",
	[DCD_CFG_OVERLAP]		= "region overlaps the previous region",
	[DCD_CFG_NO_EXTENTS]		= "device supports 0 extents",
	[DCD_CFG_EXTENTS_AVAIL]		= "available extents exceed supported extents",
	[DCD_CFG_TAGS_AVAIL]		= "available tags exceed supported tags",
	[DCD_CFG_INCOMPLETE]		= "not all regions were read",
};

/**
 * dcd_config_strerror() - describe a configuration anomaly
 * @err: the anomaly
 *
 * Context: any context.
 * Return: a constant, human readable reason; never NULL.
 */
const char *dcd_config_strerror(enum dcd_cfg_err err)
{
	if ((unsigned int)err >= DCD_CFG_NR_ERRORS || !dcd_cfg_reasons[err])
		return "unknown error";
	return dcd_cfg_reasons[err];
}

static const char * const dcd_rec_reasons[DCD_REC_NR_ERRORS] = {
	[DCD_REC_OK]		= "ok",
	[DCD_REC_SHORT]		= "payload shorter than a record",
	[DCD_REC_BAD_LENGTH]	= "record length is not 128",
	[DCD_REC_BAD_UUID]	= "not a Dynamic Capacity record",
	[DCD_REC_UNKNOWN_TYPE]	= "unknown Dynamic Capacity event type",
	[DCD_REC_COUNT]		= "record count exceeds the bytes returned",
};

static const char * const dcd_xl_reasons[DCD_XL_NR_ERRORS] = {
	[DCD_XL_OK]		= "ok",
	[DCD_XL_SHORT_HEADER]	= "payload shorter than the header",
	[DCD_XL_SHORT_RECORDS]	= "returned count exceeds the bytes returned",
	[DCD_XL_TOO_MANY]	= "more extents returned than requested or left",
	[DCD_XL_TOTAL_INSANE]	= "total extent count above the maximum",
	[DCD_XL_NONE_RETURNED]	= "no extent returned while more are expected",
	[DCD_XL_CHANGED]	= "list changed during the read",
};

/**
 * dcd_rec_strerror() - describe a record or event payload anomaly
 * @err: the anomaly
 *
 * Context: any context.
 * Return: a constant string; never NULL.
 */
const char *dcd_rec_strerror(enum dcd_rec_err err)
{
	if ((unsigned int)err >= DCD_REC_NR_ERRORS)
		return "unknown error";
	return dcd_rec_reasons[err];
}

/**
 * dcd_extlist_strerror() - describe an extent list anomaly
 * @err: the anomaly
 *
 * Context: any context.
 * Return: a constant string; never NULL.
 */
const char *dcd_extlist_strerror(enum dcd_xl_err err)
{
	if ((unsigned int)err >= DCD_XL_NR_ERRORS)
		return "unknown error";
	return dcd_xl_reasons[err];
}

/**
 * dcd_event_type_name() - name of a DC event type, as upstream's tracepoint
 * @type: the event type byte
 *
 * Context: any context.
 * Return: a constant string; never NULL.
 */
const char *dcd_event_type_name(u8 type)
{
	switch (type) {
	case DCD_EV_ADD:
		return "add_capacity";
	case DCD_EV_RELEASE:
		return "release_capacity";
	case DCD_EV_FORCED_RELEASE:
		return "forced_capacity_release";
	case DCD_EV_REGION_CONFIG:
		return "region_configuration_updated";
	default:
		return "unknown";
	}
}

static const char * const dcd_rej_reasons[DCD_REJ_NR] = {
	[DCD_REJ_NONE]		  = "accepted",
	[DCD_REJ_DUPLICATE]	  = "duplicate of an accepted extent",
	[DCD_REJ_ZERO_LEN]	  = "zero length",
	[DCD_REJ_WRAP]		  = "range wraps past 2^64",
	[DCD_REJ_OUTSIDE_DC]	  = "outside the DC regions",
	[DCD_REJ_STRADDLE]	  = "straddles two DC regions",
	[DCD_REJ_NO_REGION]	  = "not inside a committed region",
	[DCD_REJ_BLOCK_ALIGN]	  = "not a multiple of the block size",
	[DCD_REJ_ALIGN_2M]	  = "not 2 MiB aligned",
	[DCD_REJ_OVERLAP]	  = "overlaps an accepted extent",
	[DCD_REJ_OVERLAP_STAGED]  = "overlaps an earlier extent of the chain",
	[DCD_REJ_TAG_REUSED]	  = "tag already used by an earlier chain",
	[DCD_REJ_NULL_TAG_SHARED] = "null tag on a sharable region",
	[DCD_REJ_SEQ_UNSHARED]	  = "sequence number on a non-sharable region",
	[DCD_REJ_SEQ_ORDER]	  = "sequence numbers not contiguous and in order",
	[DCD_REJ_TAG_SPAN]	  = "tag group spans DC regions",
	[DCD_REJ_GROUP]		  = "another member of the tag group was rejected",
	[DCD_REJ_RSP_FULL]	  = "response full",
	[DCD_REJ_CHAIN_FULL]	  = "chain longer than the staging cap",
	[DCD_REJ_NO_SPACE]	  = "host extent table full",
	[DCD_REJ_TAG_FOREIGN]	  = "tag held by another memdev",
};

/**
 * dcd_rej_str() - describe a validation verdict
 * @why: the verdict
 *
 * Context: any context.
 * Return: a constant string; never NULL.
 */
const char *dcd_rej_str(enum dcd_rej why)
{
	if ((unsigned int)why >= DCD_REJ_NR)
		return "unknown reason";
	return dcd_rej_reasons[why];
}

static const char * const dcd_grp_names[DCD_GRP_NR] = {
	[DCD_GRP_UNTAGGED]	 = "untagged",
	[DCD_GRP_MERGED]	 = "merged",
	[DCD_GRP_NOT_CONTIGUOUS] = "not-contiguous",
	[DCD_GRP_INCOMPLETE]	 = "incomplete",
	[DCD_GRP_REGIONS]	 = "regions",
};

/**
 * dcd_grp_name() - sysfs name of a tag group plan
 * @g: the plan
 *
 * Context: any context.
 * Return: a constant string; never NULL.
 */
const char *dcd_grp_name(enum dcd_grp g)
{
	if ((unsigned int)g >= DCD_GRP_NR)
		return "unknown";
	return dcd_grp_names[g];
}
