/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright(c) 2026 The cxl-dcd authors. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM cxl_dcd

#if !defined(__CXL_DCD_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __CXL_DCD_TRACE_H__

/*
 * Tracepoints of cxl_dcd.ko (TRACE_SYSTEM cxl_dcd). The TP_printk formats
 * are ABI: tests grep them. cxl_dcd_dynamic_capacity mirrors the fields of
 * the upstream DCD series' cxl:cxl_dynamic_capacity.
 */

#include <linux/tracepoint.h>
#include <linux/uuid.h>
#include <linux/unaligned.h>
#include "cxl_dcd.h"

#define show_dcd_event_type(type) __print_symbolic(type,		\
	{ DCD_EV_ADD,		"Add capacity" },			\
	{ DCD_EV_RELEASE,	"Release capacity" },			\
	{ DCD_EV_FORCED_RELEASE, "Forced capacity release" },		\
	{ DCD_EV_REGION_CONFIG,	"Region Configuration Updated" })

TRACE_EVENT(cxl_dcd_dynamic_capacity,
	    TP_PROTO(const struct cxl_memdev *cxlmd,
		     const struct dcd_dc_event_rec *rec),
	    TP_ARGS(cxlmd, rec),
	    TP_STRUCT__entry(__string(memdev, dev_name(&cxlmd->dev))
			     __string(host, dev_name(cxlmd->dev.parent))
			     __field(u64, serial)
			     __field(int, log)
			     __array(u8, hdr_uuid, 16)
			     __field(u32, hdr_flags)
			     __field(u16, hdr_handle)
			     __field(u16, hdr_related_handle)
			     __field(u64, hdr_timestamp)
			     __field(u8, hdr_length)
			     __field(u8, hdr_maint_op_class)
			     __field(u8, event_type)
			     __field(u16, host_id)
			     __field(u8, updated_region_index)
			     __field(u8, flags)
			     __field(u64, dpa_start)
			     __field(u64, length)
			     __array(u8, tag, 16)
			     __field(u16, sh_extent_seq)),
	    TP_fast_assign(__assign_str(memdev);
			   __assign_str(host);
			   __entry->serial = cxlmd->cxlds ? cxlmd->cxlds->serial : 0;
			   __entry->log = DCD_EVENT_LOG_DC;
			   memcpy(__entry->hdr_uuid, rec->hdr.uuid, 16);
			   __entry->hdr_flags = get_unaligned_le24(rec->hdr.flags);
			   __entry->hdr_handle = le16_to_cpu(rec->hdr.handle);
			   __entry->hdr_related_handle = le16_to_cpu(rec->hdr.related_handle);
			   __entry->hdr_timestamp = le64_to_cpu(rec->hdr.timestamp);
			   __entry->hdr_length = rec->hdr.length;
			   __entry->hdr_maint_op_class = rec->hdr.maint_op_class;
			   __entry->event_type = rec->event_type;
			   __entry->host_id = le16_to_cpu(rec->host_id);
			   __entry->updated_region_index = rec->region_index;
			   __entry->flags = rec->flags;
			   __entry->dpa_start = le64_to_cpu(rec->extent.start_dpa);
			   __entry->length = le64_to_cpu(rec->extent.length);
			   memcpy(__entry->tag, rec->extent.tag, 16);
			   __entry->sh_extent_seq = le16_to_cpu(rec->extent.shared_seq);),
	    TP_printk("memdev=%s host=%s serial=%lld log=%d : time=%llu uuid=%pUb len=%d flags='%#x' handle=%x related_handle=%x maint_op_class=%u : event_type='%s' host_id=%u updated_region_index=%u flags=%#x dpa_start=%#llx length=%#llx tag=%pUb sh_extent_seq=%u",
		      __get_str(memdev), __get_str(host), __entry->serial,
		      __entry->log, __entry->hdr_timestamp, __entry->hdr_uuid,
		      __entry->hdr_length, __entry->hdr_flags, __entry->hdr_handle,
		      __entry->hdr_related_handle, __entry->hdr_maint_op_class,
		      show_dcd_event_type(__entry->event_type), __entry->host_id,
		      __entry->updated_region_index, __entry->flags,
		      __entry->dpa_start, __entry->length, __entry->tag,
		      __entry->sh_extent_seq)
);

TRACE_EVENT(cxl_dcd_add_response,
	    TP_PROTO(const struct cxl_memdev *cxlmd, u32 offered, u32 accepted, int rc),
	    TP_ARGS(cxlmd, offered, accepted, rc),
	    TP_STRUCT__entry(__string(memdev, dev_name(&cxlmd->dev))
			     __field(u32, offered)
			     __field(u32, accepted)
			     __field(int, rc)),
	    TP_fast_assign(__assign_str(memdev);
			   __entry->offered = offered;
			   __entry->accepted = accepted;
			   __entry->rc = rc;),
	    TP_printk("memdev=%s offered=%u accepted=%u rc=%d",
		      __get_str(memdev), __entry->offered, __entry->accepted,
		      __entry->rc)
);

TRACE_EVENT(cxl_dcd_release,
	    TP_PROTO(const struct cxl_memdev *cxlmd, u64 dpa, u64 len, int rc),
	    TP_ARGS(cxlmd, dpa, len, rc),
	    TP_STRUCT__entry(__string(memdev, dev_name(&cxlmd->dev))
			     __field(u64, dpa)
			     __field(u64, len)
			     __field(int, rc)),
	    TP_fast_assign(__assign_str(memdev);
			   __entry->dpa = dpa;
			   __entry->len = len;
			   __entry->rc = rc;),
	    TP_printk("memdev=%s dpa=%#llx length=%#llx rc=%d",
		      __get_str(memdev), __entry->dpa, __entry->len, __entry->rc)
);

#endif /* __CXL_DCD_TRACE_H__ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
