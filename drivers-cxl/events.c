// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/bitfield.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/pci.h>
#include "cxl_dcd.h"
#include "trace.h"

/**
 * DOC: cxl-dcd events
 *
 * Receiving Dynamic Capacity events next to cxl_pci, which owns the vectors
 * and handles logs 0-3 only.
 *
 * - A 5-byte Set Event Interrupt Policy keeps logs 0-3 as cxl_pci set them
 *   (MSI/MSI-X, message numbers cleared: they are reserved on Set) and sets
 *   the DC byte to MSI/MSI-X. cxl_pci sends a 4-byte policy at each probe,
 *   which leaves the DC byte alone on QEMU but not necessarily elsewhere, so
 *   the policy is re-applied at every cxl_pci BUS_NOTIFY_BOUND_DRIVER.
 * - A shared threaded handler (IRQF_SHARED | IRQF_ONESHOT like cxl_pci's)
 *   on the DC message number and on the Info message number (QEMU reports
 *   DC message number 0 but fires the Info vector). It reads Event Status
 *   and queues the work only if the DC bit (4) is set.
 * - A poll of Event Status every poll_ms (0: off) and always a slow one
 *   (DCD_SLOW_POLL_MS), which also drives chain timeouts and retries.
 * - The work (one per memdev on dcd_wq; memdevs run in parallel, each
 *   one's work never concurrently with itself) drains log 4 to empty
 *   every time (QEMU interrupts only on the empty to non-empty edge), then
 *   runs the release pipeline (release.c) if anything waits for it.
 *
 * Firmware-first hosts (cxl_pci skipped event setup): the logs are left to
 * firmware; no policy, no interrupt, no poll.
 *
 * Stopping (cxl_pci unbind or failed probe, module exit): @stopping is set
 * under dcd->lock and @kick_lock (dcd_kick() tests it under @kick_lock, so
 * nothing is queued after), the IRQs are freed (before cxl_pci frees its
 * vectors), then the poll, the re-check and the work are cancelled
 * synchronously; after that nothing touches the mailbox or the registers.
 */

/* Safety-net poll period, always on while events are enabled */
#define DCD_SLOW_POLL_MS	5000
/* Event Status register: DC log */
#define DCD_EVENT_STATUS_DC	BIT(4)
/* Bounded drain: log depth is small, but a device could stream forever */
#define DCD_DRAIN_MAX_ROUNDS	64

static u8 dcd_policy_keep(u8 setting)
{
	/* keep the mode, clear the message number (reserved on Set) */
	return FIELD_GET(CXLDEV_EVENT_INT_MODE_MASK, setting) == CXL_INT_MSI_MSIX ?
	       CXL_INT_MSI_MSIX : (setting & CXLDEV_EVENT_INT_MODE_MASK);
}

static int __dcd_get_policy(struct dcd_dev *dcd, struct dcd_int_policy *pol)
{
	size_t len;
	int rc;

	memset(pol, 0, sizeof(*pol));
	rc = __dcd_cmd(dcd, CXL_MBOX_OP_GET_EVT_INT_POLICY, NULL, 0, pol,
		       sizeof(*pol), 4, &len);
	if (!rc && len < sizeof(*pol))
		pol->dcd = 0;
	return rc;
}

static bool dcd_fw_first(struct dcd_dev *dcd)
{
	struct pci_dev *pdev;
	struct pci_host_bridge *hb;

	if (!dev_is_pci(dcd->pdev))
		return true;
	pdev = to_pci_dev(dcd->pdev);
	hb = pci_find_host_bridge(pdev->bus);
	return !hb || !hb->native_cxl_error || !pdev->msix_enabled;
}

static irqreturn_t dcd_irq_thread(int irq, void *data)
{
	struct dcd_dev *dcd = data;
	u32 status;

	if (READ_ONCE(dcd->stopping))
		return IRQ_NONE;
	status = readl(dcd->cxlds->regs.status + CXLDEV_DEV_EVENT_STATUS_OFFSET);
	if (!(status & DCD_EVENT_STATUS_DC))
		return IRQ_NONE;
	dcd->cnt[DCD_CNT_IRQS]++;
	dcd_kick(dcd);
	return IRQ_HANDLED;
}

static void dcd_free_irqs(struct dcd_dev *dcd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dcd->irq); i++) {
		if (dcd->irq[i] > 0)
			free_irq(dcd->irq[i], dcd);
		dcd->irq[i] = 0;
	}
}

static int dcd_request_irqs(struct dcd_dev *dcd, u8 dc_setting, u8 info_setting)
{
	struct pci_dev *pdev = to_pci_dev(dcd->pdev);
	int msgnum[2], i, irq, rc;

	msgnum[0] = FIELD_GET(CXLDEV_EVENT_INT_MSGNUM_MASK, dc_setting);
	msgnum[1] = FIELD_GET(CXLDEV_EVENT_INT_MSGNUM_MASK, info_setting);
	if (FIELD_GET(CXLDEV_EVENT_INT_MODE_MASK, info_setting) != CXL_INT_MSI_MSIX)
		msgnum[1] = -1;
	if (msgnum[1] == msgnum[0])
		msgnum[1] = -1;

	snprintf(dcd->irq_name, sizeof(dcd->irq_name), "cxl_dcd:%s",
		 dev_name(&dcd->cxlmd->dev));
	for (i = 0; i < 2; i++) {
		if (msgnum[i] < 0)
			continue;
		irq = pci_irq_vector(pdev, msgnum[i]);
		if (irq < 0)
			continue;
		rc = request_threaded_irq(irq, NULL, dcd_irq_thread,
					  IRQF_SHARED | IRQF_ONESHOT,
					  dcd->irq_name, dcd);
		if (rc) {
			dev_warn(&dcd->cxlmd->dev,
				 "cannot request IRQ %d (vector %d): %d, polling\n",
				 irq, msgnum[i], rc);
			continue;
		}
		dcd->irq[i] = irq;
	}
	return dcd->irq[0] || dcd->irq[1] ? 0 : -ENXIO;
}

/* Apply the 5-byte policy; with @dcd->lock held. */
static int __dcd_set_policy(struct dcd_dev *dcd, struct dcd_int_policy *got)
{
	struct dcd_int_policy pol;
	int rc;

	rc = __dcd_get_policy(dcd, &pol);
	if (rc)
		return rc;
	pol.info = dcd_policy_keep(pol.info);
	pol.warn = dcd_policy_keep(pol.warn);
	pol.fail = dcd_policy_keep(pol.fail);
	pol.fatal = dcd_policy_keep(pol.fatal);
	pol.dcd = dcd_use_irq ? CXL_INT_MSI_MSIX : CXL_INT_NONE;
	rc = __dcd_cmd(dcd, CXL_MBOX_OP_SET_EVT_INT_POLICY, &pol, sizeof(pol),
		       NULL, 0, 0, NULL);
	if (rc)
		return rc;
	return __dcd_get_policy(dcd, got);
}

static unsigned long dcd_poll_delay(struct dcd_dev *dcd)
{
	unsigned int ms = DCD_SLOW_POLL_MS;

	if (dcd_poll_ms && dcd_poll_ms < ms)
		ms = dcd_poll_ms;
	/* chain timeout and Release DC retries want the work sooner */
	if (dcd->chain->open)
		ms = min(ms, max(dcd_chain_timeout_ms / 4, 50U));
	if (dcd->nr_retry)
		ms = min(ms, 1000U);
	return msecs_to_jiffies(ms);
}

/**
 * dcd_kick() - run the event work soon
 * @dcd: memdev state
 *
 * Context: any context that may sleep or not; the work runs on dcd_wq.
 */
void dcd_kick(struct dcd_dev *dcd)
{
	unsigned long flags;

	spin_lock_irqsave(&dcd->kick_lock, flags);
	if (!dcd->stopping)
		queue_work(dcd_wq, &dcd->work);
	spin_unlock_irqrestore(&dcd->kick_lock, flags);
}

/**
 * dcd_kick_later() - run the event work after a delay (release re-check)
 * @dcd: memdev state
 * @delay: jiffies
 *
 * Context: any context.
 */
void dcd_kick_later(struct dcd_dev *dcd, unsigned long delay)
{
	unsigned long flags;

	spin_lock_irqsave(&dcd->kick_lock, flags);
	if (!dcd->stopping)
		mod_delayed_work(dcd_wq, &dcd->recheck, delay);
	spin_unlock_irqrestore(&dcd->kick_lock, flags);
}

/**
 * dcd_recheck_fn() - the release re-check is due
 * @work: &dcd_dev.recheck
 */
void dcd_recheck_fn(struct work_struct *work)
{
	dcd_kick(container_of(to_delayed_work(work), struct dcd_dev, recheck));
}

/**
 * dcd_poll_fn() - periodic Event Status poll
 * @work: &dcd_dev.poll
 *
 * Kicks the work if the DC bit is set, or if a chain or a retry needs
 * attention; re-arms itself. Release-pending extents are not polled: what
 * ends their wait kicks the work (release.c).
 */
void dcd_poll_fn(struct work_struct *work)
{
	struct dcd_dev *dcd = container_of(to_delayed_work(work),
					   struct dcd_dev, poll);
	u32 status;

	if (READ_ONCE(dcd->stopping))
		return;
	dcd->cnt[DCD_CNT_POLLS]++;
	status = readl(dcd->cxlds->regs.status + CXLDEV_DEV_EVENT_STATUS_OFFSET);
	if (status & DCD_EVENT_STATUS_DC || READ_ONCE(dcd->chain->open) ||
	    READ_ONCE(dcd->nr_retry) || READ_ONCE(dcd->resync))
		dcd_kick(dcd);
	spin_lock_irq(&dcd->kick_lock);
	if (!dcd->stopping)
		queue_delayed_work(dcd_wq, &dcd->poll, dcd_poll_delay(dcd));
	spin_unlock_irq(&dcd->kick_lock);
}

/* Drain log 4: Get, handle, Clear in order, until no record is left. */
static void __dcd_drain(struct dcd_dev *dcd)
{
	size_t psize = dcd->cxlds->cxl_mbox.payload_size;
	struct dcd_event_batch b;
	u16 handles[32];
	unsigned int round, i, used;
	u8 log = DCD_EVENT_LOG_DC;
	enum dcd_rec_err err;
	size_t len, in_len;
	int rc;

	for (round = 0; round < DCD_DRAIN_MAX_ROUNDS; round++) {
		rc = __dcd_cmd(dcd, CXL_MBOX_OP_GET_EVENT_RECORD, &log, 1,
			       dcd->buf, psize,
			       sizeof(struct dcd_get_event_out), &len);
		if (rc) {
			dev_err_ratelimited(&dcd->cxlmd->dev,
					    "Get Event Records (DC log) failed: %d\n",
					    rc);
			return;
		}
		err = dcd_event_batch_parse(dcd->buf, len, &b);
		if (err != DCD_REC_OK) {
			dev_err_ratelimited(&dcd->cxlmd->dev,
					    "DC log: malformed Get Event Records output: %s\n",
					    dcd_rec_strerror(err));
			dcd->cnt[DCD_CNT_BAD_RECORDS]++;
			return;
		}
		if (b.overflow) {
			dcd->cnt[DCD_CNT_OVERFLOWS]++;
			dev_warn_ratelimited(&dcd->cxlmd->dev,
					     "DC log overflow: %u records lost, resynchronising\n",
					     b.overflow_count);
			dcd->resync = true;
		}
		if (!b.nr)
			break;
		if (b.nr > ARRAY_SIZE(handles))
			b.nr = ARRAY_SIZE(handles);

		for (i = 0; i < b.nr; i++) {
			const void *rec = dcd_event_batch_record(&b, i);
			const struct dcd_dc_event_rec *raw = rec;
			struct dcd_event ev;

			handles[i] = le16_to_cpu(raw->hdr.handle);
			dcd->cnt[DCD_CNT_RECORDS]++;
			trace_cxl_dcd_dynamic_capacity(dcd->cxlmd, raw);
			err = dcd_event_parse(rec, DCD_EVENT_RECORD_SIZE, &ev);
			if (err == DCD_REC_BAD_UUID) {
				dcd->cnt[DCD_CNT_BAD_RECORDS]++;
				if (!dcd->warned_uuid)
					dev_warn(&dcd->cxlmd->dev,
						 "DC log: record %#x is not a DC event record, cleared\n",
						 handles[i]);
				dcd->warned_uuid = true;
				continue;
			}
			if (err == DCD_REC_UNKNOWN_TYPE) {
				dcd->cnt[DCD_CNT_BAD_RECORDS]++;
				if (!dcd->warned_type)
					dev_warn(&dcd->cxlmd->dev,
						 "DC log: record %#x of unhandled type %u, cleared\n",
						 handles[i], raw->event_type);
				dcd->warned_type = true;
				continue;
			}
			if (err != DCD_REC_OK) {
				dcd->cnt[DCD_CNT_BAD_RECORDS]++;
				dev_err_ratelimited(&dcd->cxlmd->dev,
						    "DC log: record %#x: %s, cleared\n",
						    handles[i], dcd_rec_strerror(err));
				continue;
			}
			__dcd_handle_record(dcd, &ev);
		}

		/* clear by handle, oldest first */
		for (i = 0; i < b.nr; i += used) {
			in_len = dcd_clear_event_build(dcd->buf2, psize,
						       DCD_EVENT_LOG_DC,
						       handles + i, b.nr - i,
						       &used);
			if (!in_len || !used)
				return;
			rc = __dcd_cmd(dcd, CXL_MBOX_OP_CLEAR_EVENT_RECORD,
				       dcd->buf2, in_len, NULL, 0, 0, NULL);
			if (rc) {
				dev_err_ratelimited(&dcd->cxlmd->dev,
						    "Clear Event Records (DC log) failed: %d\n",
						    rc);
				return;
			}
		}
		/*
		 * The overflow was seen with a chain open: its tail is lost and
		 * will never close the chain. Answer with what arrived.
		 */
		if (b.overflow && dcd->chain->open)
			__dcd_chain_finish(dcd, false);
	}
	if (round == DCD_DRAIN_MAX_ROUNDS)
		dev_warn_ratelimited(&dcd->cxlmd->dev,
				     "DC log still not empty after %u rounds\n",
				     round);
}

/* The work's steps under dcd->lock; true if the release pipeline should run */
static bool __dcd_work(struct dcd_dev *dcd)
{
	if (!dcd->live || dcd->stopping)
		return false;
	__dcd_scan_pending(dcd);
	if (dcd->events_on)
		__dcd_drain(dcd);
	if (dcd->chain->open &&
	    dcd_chain_expired(dcd->chain, get_jiffies_64(),
			      msecs_to_jiffies(dcd_chain_timeout_ms)))
		__dcd_chain_finish(dcd, true);
	if (dcd->resync && !dcd->chain->open) {
		dcd->resync = false;
		dcd->cnt[DCD_CNT_RESYNCS]++;
		__dcd_resync(dcd, false);
	}
	if (dcd->nr_retry)
		__dcd_retry_releases(dcd);
	return dcd->nr_pending || __dcd_dax_gone_left(dcd);
}

/**
 * dcd_work_fn() - the event work of one memdev
 * @work: &dcd_dev.work
 *
 * Drains the DC log, closes a timed-out chain, resynchronises after an
 * overflow, retries failed releases; then unregisters extent devices that
 * were removed meanwhile (outside dcd->lock) and runs the release pipeline
 * if an extent is release-pending or a DAX device's capacity is gone.
 *
 * Context: process context on dcd_wq; takes dcd->lock.
 */
void dcd_work_fn(struct work_struct *work)
{
	struct dcd_dev *dcd = container_of(work, struct dcd_dev, work);
	bool release;

	scoped_guard(dcd, dcd)
		release = __dcd_work(dcd);
	if (release)
		dcd_release_run(dcd, true);
}

/**
 * dcd_events_start() - enable DC events on a memdev cxl_pci has bound
 * @dcd: memdev state
 *
 * Applies the 5-byte policy, requests the IRQs (if use_irq), starts the
 * polls and drains the log once (Event Status is cleared by a reset while
 * the DC log may still hold records). Called again at each cxl_pci bind.
 *
 * Context: process context; takes dcd->lock.
 */
void dcd_events_start(struct dcd_dev *dcd)
{
	struct device *dev = &dcd->cxlmd->dev;
	struct dcd_int_policy pol;
	int rc;

	scoped_guard(dcd_keep, dcd) {
		if (dcd->stopping || !dcd->live || dcd->events_on)
			return;
		dcd->fw_first = dcd_fw_first(dcd);
		if (dcd->fw_first) {
			dev_info(dev, "event logs owned by firmware or no MSI-X: DC events not handled\n");
			return;
		}
		rc = __dcd_set_policy(dcd, &pol);
		if (rc) {
			dev_warn(dev, "cannot set the DC event interrupt policy (%d), polling\n",
				 rc);
			memset(&pol, 0, sizeof(pol));
		} else {
			dev_dbg(dev, "event interrupt policy %02x %02x %02x %02x %02x\n",
				pol.info, pol.warn, pol.fail, pol.fatal, pol.dcd);
		}
		dcd->events_on = true;
	}

	if (dcd_use_irq && !rc &&
	    FIELD_GET(CXLDEV_EVENT_INT_MODE_MASK, pol.dcd) == CXL_INT_MSI_MSIX) {
		if (dcd_request_irqs(dcd, pol.dcd, pol.info))
			dev_warn(dev, "no DC event interrupt, polling\n");
	}
	spin_lock_irq(&dcd->kick_lock);
	if (!dcd->stopping)
		queue_delayed_work(dcd_wq, &dcd->poll, dcd_poll_delay(dcd));
	spin_unlock_irq(&dcd->kick_lock);
	dcd_kick(dcd);
}

/**
 * dcd_events_stop() - stop interrupts, polls and the work
 * @dcd: memdev state
 *
 * After this returns, nothing of ours touches the device until
 * dcd_events_start(). Before cxl_pci frees its vectors.
 *
 * Context: process context; must not hold dcd->lock.
 */
void dcd_events_stop(struct dcd_dev *dcd)
{
	scoped_guard(dcd_keep, dcd) {
		spin_lock_irq(&dcd->kick_lock);
		dcd->stopping = true;
		spin_unlock_irq(&dcd->kick_lock);
		/* the IRQ thread takes no lock of ours: free_irq() may wait */
		dcd_free_irqs(dcd);
	}

	/* nothing queues any of them from here */
	cancel_delayed_work_sync(&dcd->poll);
	cancel_delayed_work_sync(&dcd->recheck);
	cancel_work_sync(&dcd->work);
	/* queued only by the event work (__dcd_flush_start()) */
	cancel_work_sync(&dcd->flush_work);

	guard(dcd)(dcd);
	dcd->flush_queued = false;
	dcd->events_on = false;
	dcd->live = false;
}
