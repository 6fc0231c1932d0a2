// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/uuid.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd mbox
 *
 * Mailbox commands cxl_dcd.ko sends itself. They go through the exported
 * cxl_internal_send_cmd() on the mailbox cxl_pci set up, so they are
 * serialised with cxl_pci's own commands by its mbox_mutex; that path does
 * not consult the driver's enabled-command mask, which is why DC opcodes
 * unknown to 6.12 can be sent at all.
 *
 * Here: reading the Command Effects Log to find the DC opcodes, and Get
 * Dynamic Capacity Configuration, paged and handed to config.c for
 * validation. Every length the device returns is checked before use.
 */

/* CXL r3.1 8.2.9.5.2.1: Command Effects Log UUID */
static const uuid_t dcd_cel_uuid = UUID_INIT(0x0da9c0b5, 0xbf41, 0x4b78, 0x8f,
					     0x79, 0x96, 0xb1, 0x62, 0x3b,
					     0x3f, 0x17);

static_assert(sizeof(uuid_t) == sizeof_field(struct dcd_gsl_entry, uuid));

/* A CEL has at most one entry per 16-bit opcode */
#define DCD_CEL_MAX_SIZE	(65536 * sizeof(struct dcd_cel_entry))

/**
 * dcd_mbox_send() - send one mailbox command through cxl_pci's mailbox
 * @mbox: the memdev's mailbox (&cxlds->cxl_mbox)
 * @opcode: command opcode
 * @in: input payload, or NULL
 * @in_size: bytes of @in
 * @out: output buffer, or NULL
 * @out_size: size of @out
 * @min_out: fewest output bytes accepted (0: exactly @out_size)
 * @out_len: if not NULL, set to the number of bytes the device returned
 *
 * Context: process context; sleeps on the mailbox mutex.
 * Return: 0, -E2BIG if a payload exceeds the mailbox, -EIO on a short
 * output, -EBUSY (e.g. sanitize running), -ENXIO or another errno the
 * device's return code maps to.
 */
int dcd_mbox_send(struct cxl_mailbox *mbox, u16 opcode, const void *in,
		  size_t in_size, void *out, size_t out_size, size_t min_out,
		  size_t *out_len)
{
	struct cxl_mbox_cmd cmd = {
		.opcode = opcode,
		.payload_in = (void *)in,
		.size_in = in_size,
		.payload_out = out,
		.size_out = out_size,
		.min_out = min_out,
	};
	int rc;

	rc = cxl_internal_send_cmd(mbox, &cmd);
	if (rc)
		return rc;
	if (out_len)
		*out_len = min(cmd.size_out, out_size);
	return 0;
}

/* Record which of the DC opcodes 0x4800..0x4803 appear in @nr CEL entries. */
static u32 dcd_cel_scan(const struct dcd_cel_entry *ent, size_t nr)
{
	u32 mask = 0;
	size_t i;

	for (i = 0; i < nr; i++) {
		u16 op = le16_to_cpu(ent[i].opcode);

		if (op >= DCD_OP_GET_DC_CONFIG && op <= DCD_OP_RELEASE_DC)
			mask |= BIT(op - DCD_OP_GET_DC_CONFIG);
	}
	return mask;
}

/* Find the CEL in Get Supported Logs output and return its size. */
static int dcd_find_cel(struct cxl_mailbox *mbox, void *buf, u32 *cel_size,
			const char **why)
{
	size_t len, psize = mbox->payload_size;
	struct dcd_gsl_out *gsl = buf;
	unsigned int i, nr;
	int rc;

	rc = dcd_mbox_send(mbox, DCD_OP_GET_SUPPORTED_LOGS, NULL, 0, buf, psize,
			   sizeof(*gsl), &len);
	if (rc) {
		*why = "Get Supported Logs failed";
		return rc;
	}
	nr = le16_to_cpu(gsl->entries);
	if (struct_size(gsl, entry, nr) > len) {
		*why = "Get Supported Logs entry count exceeds the bytes returned";
		return -EIO;
	}
	for (i = 0; i < nr; i++) {
		if (memcmp(gsl->entry[i].uuid, &dcd_cel_uuid, sizeof(uuid_t)))
			continue;
		*cel_size = le32_to_cpu(gsl->entry[i].size);
		return 0;
	}
	*why = "no Command Effects Log";
	return -ENOENT;
}

/**
 * dcd_read_cel_dc_ops() - which DC opcodes does the device's CEL list?
 * @cxlmd: memdev being probed (its cxlds must be live)
 * @mask: set to bit (opcode - 0x4800) for each of 0x4800..0x4803 found
 * @why: set to a reason on failure
 *
 * Reads the Command Effects Log: Get Supported Logs for its size, then Get
 * Log. A CEL that fits the mailbox payload is read in one call at offset 0
 * (QEMU 10.0 takes the offset as a count of entries, not bytes); a larger
 * one is paged by byte offset as the spec says.
 *
 * Context: process context; sleeps.
 * Return: 0, -ENOENT if the device has no CEL, -ENOMEM, -EIO on a malformed
 * log, or a mailbox errno. See CXL r3.1 8.2.9.5.1 and 8.2.9.5.2.
 */
int dcd_read_cel_dc_ops(struct cxl_memdev *cxlmd, u32 *mask, const char **why)
{
	struct cxl_mailbox *mbox = &cxlmd->cxlds->cxl_mbox;
	size_t psize = mbox->payload_size;
	struct dcd_get_log_in in;
	u32 cel_size, off, chunk;
	size_t len;
	int rc;

	*mask = 0;
	if (psize < sizeof(struct dcd_gsl_out) + sizeof(struct dcd_gsl_entry)) {
		*why = "mailbox payload too small";
		return -EIO;
	}

	void *buf __free(kvfree) = kvzalloc(psize, GFP_KERNEL);
	if (!buf) {
		*why = "out of memory";
		return -ENOMEM;
	}

	rc = dcd_find_cel(mbox, buf, &cel_size, why);
	if (rc)
		return rc;
	if (!cel_size || cel_size % sizeof(struct dcd_cel_entry)) {
		*why = "CEL size not a non-zero multiple of 4";
		return -EIO;
	}
	if (cel_size > DCD_CEL_MAX_SIZE) {
		*why = "CEL larger than one entry per opcode";
		return -EIO;
	}

	memcpy(in.uuid, &dcd_cel_uuid, sizeof(in.uuid));
	for (off = 0; off < cel_size; off += chunk) {
		chunk = min_t(u32, cel_size - off,
			      rounddown(psize, sizeof(struct dcd_cel_entry)));
		in.offset = cpu_to_le32(off);
		in.length = cpu_to_le32(chunk);
		rc = dcd_mbox_send(mbox, DCD_OP_GET_LOG, &in, sizeof(in), buf,
				   chunk, chunk, &len);
		if (rc) {
			*why = "Get Log (CEL) failed";
			return rc;
		}
		*mask |= dcd_cel_scan(buf, chunk / sizeof(struct dcd_cel_entry));
	}
	return 0;
}

/**
 * dcd_get_dc_config() - read and validate the DC configuration
 * @cxlmd: memdev being probed (its cxlds must be live)
 * @cfg: filled with the validated configuration
 * @st: set to the anomaly when -EINVAL is returned
 *
 * Sends Get Dynamic Capacity Configuration with as many records as the
 * payload holds (at most 8), and again from the next start index until all
 * regions are read. Each page goes through dcd_config_parse_page(), so a
 * device returning nothing, too much or garbage stops the loop at once.
 *
 * Context: process context; sleeps.
 * Return: 0, -EINVAL if the device's configuration is refused (@st says
 * why), -ENOMEM, -E2BIG if the payload cannot hold one record, or a mailbox
 * errno. See CXL r3.1 8.2.9.9.9.1.
 */
int dcd_get_dc_config(struct cxl_memdev *cxlmd, struct dcd_config *cfg,
		      struct dcd_cfg_status *st)
{
	struct cxl_mailbox *mbox = &cxlmd->cxlds->cxl_mbox;
	size_t len, out_size, max_recs;
	struct dcd_get_dc_config_in in;
	unsigned int req, pass;
	int rc;

	st->err = DCD_CFG_OK;
	st->region = -1;
	dcd_config_init(cfg);
	if (mbox->payload_size < dcd_config_out_size(1))
		return -E2BIG;
	max_recs = (mbox->payload_size - dcd_config_out_size(0)) /
		   sizeof(struct dcd_dc_region_rec);
	max_recs = min_t(size_t, max_recs, DCD_MAX_REGIONS);

	void *buf __free(kfree) = kzalloc(dcd_config_out_size(max_recs),
					  GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	/* each pass reads at least one region, or fails */
	for (pass = 0; pass < DCD_MAX_REGIONS; pass++) {
		req = pass ? cfg->nr_regions - cfg->nr_read : DCD_MAX_REGIONS;
		req = min_t(unsigned int, req, max_recs);
		in.region_count = req;
		in.start_region = cfg->nr_read;
		out_size = dcd_config_out_size(req);
		rc = dcd_mbox_send(mbox, DCD_OP_GET_DC_CONFIG, &in, sizeof(in),
				   buf, out_size,
				   sizeof(struct dcd_get_dc_config_out), &len);
		if (rc)
			return rc;
		rc = dcd_config_parse_page(cfg, in.start_region, req, buf, len,
					   st);
		if (rc < 0)
			return rc;
		if (cfg->nr_read == cfg->nr_regions)
			break;
	}
	return dcd_config_finish(cfg, st);
}

/**
 * __dcd_cmd() - send a mailbox command for a live memdev
 * @dcd: memdev state, dcd->lock held
 * @opcode: command
 * @in: input payload
 * @in_size: bytes of @in
 * @out: output buffer
 * @out_size: size of @out
 * @min_out: fewest output bytes accepted
 * @out_len: set to the bytes returned
 *
 * Return: 0, -ENODEV once cxl_pci is unbinding, or dcd_mbox_send()'s errno.
 */
int __dcd_cmd(struct dcd_dev *dcd, u16 opcode, const void *in, size_t in_size,
	      void *out, size_t out_size, size_t min_out, size_t *out_len)
{
	int rc;

	lockdep_assert_held(&dcd->lock);
	if (!dcd->live)
		return -ENODEV;
	dcd->cnt[DCD_CNT_MBOX_CMDS]++;
	rc = dcd_mbox_send(&dcd->cxlds->cxl_mbox, opcode, in, in_size, out,
			   out_size, min_out, out_len);
	if (rc)
		dcd->cnt[DCD_CNT_MBOX_ERRORS]++;
	return rc;
}
