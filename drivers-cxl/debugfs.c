// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd debugfs
 *
 * /sys/kernel/debug/cxl_dcd/memX/:
 *
 * - device_extents: the device's own extent list, read afresh (Get DC
 *   Extent List) at each open: one "<dpa> <length>" line per extent, hex,
 *   in device order;
 * - host_extents: "<dpa> <length> <state> <region or ->" per extent the
 *   host tracks;
 * - chain: the More chain being staged;
 * - counters: "name value" lines.
 *
 * /sys/kernel/debug/cxl_dcd/delay_release_ms and delay_fence_ms (root only,
 * 0 by default): test hooks that widen the race windows of the release
 * pipeline (enum dcd_delay) by sleeping there, so guest tests can open,
 * map or bind a device being released at the worst moment.
 *
 * Each show() takes dcd->lock (interruptibly). The directory is removed,
 * which waits for running readers, before the memdev state is freed and
 * never with dcd->lock held.
 */

static struct dentry *dcd_dbg_root;

const char * const dcd_counter_names[DCD_CNT_NR] = {
	[DCD_CNT_RECORDS]		= "records",
	[DCD_CNT_ACCEPTED]		= "accepted",
	[DCD_CNT_DUPLICATES]		= "duplicates",
	[DCD_CNT_RESPONSES]		= "responses",
	[DCD_CNT_RESPONSE_ERRORS]	= "response_errors",
	[DCD_CNT_CHAIN_TIMEOUTS]	= "chain_timeouts",
	[DCD_CNT_RELEASE_RECORDS]	= "release_records",
	[DCD_CNT_FORCED_RELEASES]	= "forced_releases",
	[DCD_CNT_RELEASE_UNKNOWN]	= "release_unknown",
	[DCD_CNT_RELEASES_SENT]		= "releases_sent",
	[DCD_CNT_RELEASE_ERRORS]	= "release_errors",
	[DCD_CNT_RELEASES_DEFERRED]	= "releases_deferred",
	[DCD_CNT_MBOX_CMDS]		= "mbox_cmds",
	[DCD_CNT_MBOX_ERRORS]		= "mbox_errors",
	[DCD_CNT_OVERFLOWS]		= "overflows",
	[DCD_CNT_BAD_RECORDS]		= "bad_records",
	[DCD_CNT_RESYNCS]		= "resyncs",
	[DCD_CNT_ADOPTED]		= "adopted",
	[DCD_CNT_ORPHANED]		= "orphaned",
	[DCD_CNT_INVALID_RELEASED]	= "invalid_released",
	[DCD_CNT_INVALID_CONFLICTS]	= "invalid_conflicts",
	[DCD_CNT_IRQS]			= "irqs",
	[DCD_CNT_POLLS]			= "polls",
	[DCD_CNT_CACHE_FLUSHES]		= "cache_flushes",
	[DCD_CNT_CACHE_FLUSHES_SKIPPED]	= "cache_flushes_skipped",
};

static int device_extents_show(struct seq_file *s, void *unused)
{
	struct dcd_dev *dcd = s->private;
	u32 nr, i;
	int rc;

	scoped_cond_guard(dcd_keep_intr, return -EINTR, dcd) {
		rc = __dcd_read_extent_list(dcd, &nr);
		for (i = 0; !rc && i < nr; i++)
			seq_printf(s, "%#llx %#llx\n", dcd->extbuf[i].dpa,
				   dcd->extbuf[i].len);
	}
	return rc;
}
DEFINE_SHOW_ATTRIBUTE(device_extents);

static int host_extents_show(struct seq_file *s, void *unused)
{
	struct dcd_dev *dcd = s->private;
	u32 i;

	scoped_cond_guard(dcd_keep_intr, return -EINTR, dcd) {
		for (i = 0; i < dcd->set->cap; i++) {
			const struct dcd_host_extent *he = &dcd->set->slot[i];
			const struct dcd_extent_dev *edev = he->priv;

			if (he->state == DCD_EXT_FREE)
				continue;
			if (edev)
				seq_printf(s, "%#llx %#llx %s region%d\n", he->ext.dpa,
					   he->ext.len, dcd_state_name(he->state),
					   edev->rgn->id);
			else
				seq_printf(s, "%#llx %#llx %s -\n", he->ext.dpa,
					   he->ext.len, dcd_state_name(he->state));
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(host_extents);

static int chain_show(struct seq_file *s, void *unused)
{
	struct dcd_dev *dcd = s->private;
	const struct dcd_chain *c;
	u32 i;

	scoped_cond_guard(dcd_keep_intr, return -EINTR, dcd) {
		c = dcd->chain;
		seq_printf(s, "open %d\nrecords %u\nstaged %u\n", c->open,
			   c->nr_records, c->nr);
		for (i = 0; i < c->nr; i++)
			seq_printf(s, "%#llx %#llx\n", c->ext[i].dpa, c->ext[i].len);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(chain);

/* Machine-readable names of the rejection reasons: rejected_<name> */
static const char * const dcd_rej_names[DCD_REJ_NR] = {
	[DCD_REJ_ZERO_LEN]		= "zero_len",
	[DCD_REJ_WRAP]			= "wrap",
	[DCD_REJ_OUTSIDE_DC]		= "outside_dc",
	[DCD_REJ_STRADDLE]		= "straddle",
	[DCD_REJ_NO_REGION]		= "no_region",
	[DCD_REJ_BLOCK_ALIGN]		= "block_align",
	[DCD_REJ_ALIGN_2M]		= "align_2m",
	[DCD_REJ_OVERLAP]		= "overlap",
	[DCD_REJ_OVERLAP_STAGED]	= "overlap_staged",
	[DCD_REJ_TAG_REUSED]		= "tag_reused",
	[DCD_REJ_NULL_TAG_SHARED]	= "null_tag_shared",
	[DCD_REJ_SEQ_UNSHARED]		= "seq_unshared",
	[DCD_REJ_SEQ_ORDER]		= "seq_order",
	[DCD_REJ_TAG_SPAN]		= "tag_span",
	[DCD_REJ_GROUP]			= "group",
	[DCD_REJ_RSP_FULL]		= "rsp_full",
	[DCD_REJ_CHAIN_FULL]		= "chain_full",
	[DCD_REJ_NO_SPACE]		= "no_space",
	[DCD_REJ_TAG_FOREIGN]		= "tag_foreign",
};

static int counters_show(struct seq_file *s, void *unused)
{
	struct dcd_dev *dcd = s->private;
	unsigned int i;

	scoped_cond_guard(dcd_keep_intr, return -EINTR, dcd) {
		for (i = 0; i < DCD_CNT_NR; i++)
			seq_printf(s, "%s %llu\n", dcd_counter_names[i], dcd->cnt[i]);
		for (i = 0; i < DCD_REJ_NR; i++) {
			if (!dcd_rej_names[i])
				continue;
			seq_printf(s, "rejected_%s %llu\n", dcd_rej_names[i],
				   dcd->rej[i]);
		}
		seq_printf(s, "release_retries_queued %u\n", dcd->nr_retry);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

/*
 * Test hook, debugfs memX/inject_tag (root only). QEMU 10.0 sends null tags
 * only; a UUID written here is stamped on every null-tagged record of the
 * next Add chain, as if the device had sent it (sequence numbers stay 0, a
 * non-sharable group), so guest tests can exercise tag groups. The chain's
 * answer disarms it; writing 0 disarms it too. Reads the armed tag or 0.
 * The device itself keeps the extents untagged: a re-read of its extent
 * list (reload, reboot) adopts them as untagged extents.
 */
static ssize_t dcd_inject_tag_read(struct file *file, char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	struct dcd_dev *dcd = file->private_data;
	char buf[48];
	int n;

	scoped_cond_guard(dcd_keep_intr, return -EINTR, dcd) {
		if (dcd->inject_armed)
			n = scnprintf(buf, sizeof(buf), "%pUb\n", dcd->inject_tag);
		else
			n = scnprintf(buf, sizeof(buf), "0\n");
	}
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static ssize_t dcd_inject_tag_write(struct file *file, const char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	struct dcd_dev *dcd = file->private_data;
	char buf[48];
	uuid_t tag;
	bool arm;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	strim(buf);
	arm = buf[0] && strcmp(buf, "0");
	if (arm && uuid_parse(buf, &tag))
		return -EINVAL;
	if (arm && uuid_is_null(&tag))
		arm = false;
	scoped_cond_guard(dcd_keep_intr, return -EINTR, dcd) {
		if (arm)
			memcpy(dcd->inject_tag, &tag, DCD_TAG_SIZE);
		dcd->inject_armed = arm;
	}
	return len;
}

static const struct file_operations dcd_inject_tag_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = dcd_inject_tag_read,
	.write = dcd_inject_tag_write,
	.llseek = default_llseek,
};

/*
 * Test hook, debugfs memX/resync (root only, write only): a write makes the
 * event work re-read the device's extent list and reconcile, as after a DC
 * event log overflow.
 */
static ssize_t dcd_resync_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct dcd_dev *dcd = file->private_data;

	scoped_cond_guard(dcd_keep_intr, return -EINTR, dcd)
		dcd->resync = true;
	dcd->ops->kick(dcd);
	return len;
}

static const struct file_operations dcd_resync_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = dcd_resync_write,
	.llseek = noop_llseek,
};

/**
 * dcd_debugfs_init() - create /sys/kernel/debug/cxl_dcd and its delay knobs
 *
 * Context: module init.
 */
void dcd_debugfs_init(void)
{
	dcd_dbg_root = debugfs_create_dir("cxl_dcd", NULL);
	debugfs_create_u32("delay_release_ms", 0600, dcd_dbg_root,
			   &dcd_delay_ms[DCD_DELAY_RELEASE]);
	debugfs_create_u32("delay_fence_ms", 0600, dcd_dbg_root,
			   &dcd_delay_ms[DCD_DELAY_FENCE]);
	debugfs_create_u32("fail_release_dc", 0600, dcd_dbg_root,
			   &dcd_fail_release_dc);
}

/**
 * dcd_debugfs_exit() - remove /sys/kernel/debug/cxl_dcd
 *
 * Context: module exit, after every memdev's directory went.
 */
void dcd_debugfs_exit(void)
{
	debugfs_remove_recursive(dcd_dbg_root);
}

/**
 * dcd_debugfs_add() - create the debugfs directory of a memdev
 * @dcd: memdev state
 *
 * Context: process context.
 */
void dcd_debugfs_add(struct dcd_dev *dcd)
{
	struct dentry *d;

	d = debugfs_create_dir(dev_name(&dcd->cxlmd->dev), dcd_dbg_root);
	dcd->dbg = d;
	debugfs_create_file("device_extents", 0400, d, dcd,
			    &device_extents_fops);
	debugfs_create_file("host_extents", 0400, d, dcd, &host_extents_fops);
	debugfs_create_file("chain", 0400, d, dcd, &chain_fops);
	debugfs_create_file("counters", 0400, d, dcd, &counters_fops);
	debugfs_create_file("inject_tag", 0600, d, dcd, &dcd_inject_tag_fops);
	debugfs_create_file("resync", 0200, d, dcd, &dcd_resync_fops);
}

/**
 * dcd_debugfs_remove() - remove the debugfs directory of a memdev
 * @dcd: memdev state
 *
 * Waits for running readers.
 *
 * Context: process context; dcd->lock not held.
 */
void dcd_debugfs_remove(struct dcd_dev *dcd)
{
	debugfs_remove_recursive(dcd->dbg);
	dcd->dbg = NULL;
}
