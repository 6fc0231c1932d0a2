// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/jiffies.h>
#include <linux/string.h>
#include "cxl_dcd.h"
#include "trace.h"

/**
 * DOC: cxl-dcd add
 *
 * Add Capacity records are staged into the More chain (chain.c decides);
 * the closed (or timed-out) chain is validated against the configuration,
 * the committed regions, the extents tracked and the host-wide tags
 * (tags.c), answered with exactly one Add Dynamic Capacity Response
 * listing the accepted extents in offer order, and the accepted extents
 * are tracked (extent.c) and get their DAX devices (dax.c,
 * __dcd_dax_populate()).
 *
 * Locking: dcd->lock held throughout (the __ prefix).
 */

static void __dcd_count_verdicts(struct dcd_dev *dcd)
{
	struct dcd_chain *c = dcd->chain;
	u32 i;

	for (i = 0; i < c->nr; i++) {
		if (c->verdict[i] == DCD_REJ_NONE)
			continue;
		if (c->verdict[i] == DCD_REJ_DUPLICATE) {
			dcd->cnt[DCD_CNT_DUPLICATES]++;
			continue;
		}
		if (c->verdict[i] < DCD_REJ_NR)
			dcd->rej[c->verdict[i]]++;
		dev_dbg(&dcd->cxlmd->dev, "extent %#llx+%#llx rejected: %s\n",
			c->ext[i].dpa, c->ext[i].len,
			dcd_rej_str(c->verdict[i]));
	}
	if (c->nr_records > c->nr)
		dcd->rej[DCD_REJ_CHAIN_FULL] += c->nr_records - c->nr;
}

/**
 * __dcd_chain_finish() - answer the staged chain, exactly once
 * @dcd: memdev state, dcd->lock held
 * @timeout: the chain never closed (chain_timeout_ms): answered all the same
 *
 * Validates the chain, sends one Add Dynamic Capacity Response listing the
 * accepted extents in offer order (none: reject all), and on success tracks
 * them. A timed-out chain is processed like a closed one: its valid staged
 * extents are accepted (the device's pending group holds them, and the
 * response consumes the whole group); the missing tail is rejected. Never
 * sends anything for a chain no record was received for: QEMU 10.0 crashes
 * on an empty response with nothing pending.
 */
void __dcd_chain_finish(struct dcd_dev *dcd, bool timeout)
{
	size_t psize = dcd->cxlds->cxl_mbox.payload_size;
	struct dcd_chain *c = dcd->chain;
	struct dcd_range committed[16];
	struct dcd_validate_ctx ctx = {
		.cfg = &dcd->cfg,
		.committed = committed,
		.set = dcd->set,
		.rsp_max = dcd_update_max_entries(psize),
	};
	struct dcd_update_extent_in *rsp = dcd->buf2;
	struct device *dev = &dcd->cxlmd->dev;
	size_t len;
	u32 i, n;
	int rc;

	if (!dcd->chain_seen || !c->nr_records) {
		dcd_chain_reset(c);
		dcd->chain_seen = false;
		return;
	}
	if (!c->closed)
		dcd_chain_close(c);
	dcd->inject_armed = false;
	ctx.nr_committed = __dcd_committed(dcd, committed,
					   ARRAY_SIZE(committed));
	/* host-wide tags: validate and reserve the accepted ones atomically */
	__dcd_tags_validate(dcd, &ctx);
	if (timeout) {
		dcd->cnt[DCD_CNT_CHAIN_TIMEOUTS]++;
		dev_warn(dev, "DC add chain of %u records not closed after %u ms: answering the %u valid ones\n",
			 c->nr_records, dcd_chain_timeout_ms, c->nr_accept);
	}
	__dcd_count_verdicts(dcd);
	/* flush the caches while the response goes out (dax.c) */
	if (c->nr_accept)
		__dcd_flush_start(dcd);
	len = dcd_add_rsp_build(c, rsp, psize);
	n = len >= sizeof(*rsp) ? le32_to_cpu(rsp->count) : 0;

	if (len < sizeof(*rsp) || !dcd_chain_needs_response(c)) {
		dev_warn(dev, "DC add chain: no response built (%zu)\n", len);
		goto out;
	}
	rc = __dcd_cmd(dcd, DCD_OP_ADD_DC_RESPONSE, rsp, len, NULL, 0, 0, NULL);
	trace_cxl_dcd_add_response(dcd->cxlmd, c->nr_records, n, rc);
	if (rc) {
		dcd->cnt[DCD_CNT_RESPONSE_ERRORS]++;
		dev_err(dev, "Add DC Response (%u of %u extents) failed: %d\n",
			n, c->nr_records, rc);
		dcd->resync = true;
		goto out;
	}
	dcd->cnt[DCD_CNT_RESPONSES]++;
	for (i = 0; i < c->nr; i++) {
		if (c->verdict[i] != DCD_REJ_NONE)
			continue;
		dcd->cnt[DCD_CNT_ACCEPTED]++;
		__dcd_track(dcd, &c->ext[i],
			    __dcd_region_nth(dcd, c->host_region[i]));
	}
	/* every accepted member of a group is tracked: plan and create */
	__dcd_dax_populate(dcd);
	dev_dbg(dev, "DC add: %u records, %u accepted, %u duplicates\n",
		c->nr_records, n, c->nr_dup);
out:
	/* tracked extents hold their own references now */
	__dcd_tags_unreserve(dcd);
	dcd_chain_reset(c);
	dcd->chain_seen = false;
}

/**
 * __dcd_handle_record() - act on one parsed DC event record
 * @dcd: memdev state, dcd->lock held
 * @ev: the record
 */
void __dcd_handle_record(struct dcd_dev *dcd, const struct dcd_event *ev)
{
	int rc;

	switch (ev->type) {
	case DCD_EV_ADD:
		if (dcd->inject_armed && dcd_tag_is_null(ev->ext.tag)) {
			struct dcd_event tagged = *ev;

			if (!dcd->chain->nr_records || dcd->chain->closed)
				dev_info(&dcd->cxlmd->dev,
					 "test: add chain tagged %pUb (inject_tag)\n",
					 dcd->inject_tag);
			memcpy(tagged.ext.tag, dcd->inject_tag, DCD_TAG_SIZE);
			rc = dcd_chain_stage(dcd->chain, &tagged,
					     get_jiffies_64());
		} else {
			rc = dcd_chain_stage(dcd->chain, ev, get_jiffies_64());
		}
		dcd->chain_seen = true;
		if (rc == DCD_CHAIN_CLOSED)
			__dcd_chain_finish(dcd, false);
		break;
	case DCD_EV_RELEASE:
		__dcd_handle_release(dcd, ev, false);
		break;
	case DCD_EV_FORCED_RELEASE:
		__dcd_handle_release(dcd, ev, true);
		break;
	default:
		if (!dcd->warned_type)
			dev_warn(&dcd->cxlmd->dev, "DC event type %u (%s) ignored\n",
				 ev->type, dcd_event_type_name(ev->type));
		dcd->warned_type = true;
		break;
	}
}
