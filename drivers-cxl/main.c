// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd main
 *
 * Module init and exit, module parameters, the cxl and PCI bus notifiers
 * and the per-memdev lifecycle.
 *
 * cxl_dcd.ko co-exists with the in-tree cxl_pci: it never binds a device.
 * It finds memdevs by walking the cxl bus at load and through a cxl bus
 * notifier afterwards (memdev BUS_NOTIFY_ADD_DEVICE fires inside cxl_pci's
 * probe, with the mailbox live and before cxl_mem probes). A memdev is
 * deleted only by cxl_pci's devres: when cxl_pci unbinds, the first devres
 * released is ours, added at cxl_pci's BUS_NOTIFY_BOUND_DRIVER
 * (dcd_pci_release()), which tears the state down while the vectors, the
 * mailbox and the memdev are intact; when its probe fails after the memdev
 * was registered, its BUS_NOTIFY_DRIVER_NOT_BOUND does. A memdev whose
 * Command Effects Log lists all four DC opcodes has its DC configuration
 * read and validated, and, if it passes, published in sysfs. Any anomaly
 * disables DC on that memdev with one dev_err() line ("memX: DC disabled:
 * <reason>"); memdevs without DC opcodes are left alone. A DC memdev then
 * gets its DC span registered as the ram partition (partition.c), its
 * extent state (extent.c), the device's existing extents read (all orphans
 * until a region covers them; when probed from the notifier, by a region
 * attach or once cxl_pci has bound) and, once cxl_pci has bound, DC events
 * (events.c).
 *
 * Load order: notifiers, memdev states (no events), the DAX region driver
 * (which attaches the committed DC regions and adopts their extents; DC
 * regions our last unload disabled are enabled again), then events on
 * every memdev cxl_pci has bound. An offer queued while the module was not
 * loaded is so validated against the regions committed before it. Unload
 * is the reverse: events stop first, so an offer arriving meanwhile stays
 * in the log for the next load instead of being rejected for want of a
 * region; every DC region is disabled (its cxl_region unbound, decoders
 * left committed), so no cxl_dax_region is left for dax_cxl to expose
 * whole; the extents stay accepted on the device, as orphans. A patched
 * partition is never restored: the next load adopts it (cxl_core's DPA
 * lock is private).
 *
 * Locking, in this order:
 *
 * - device locks: the PCI device (cxl_pci probe/unbind and so our devres,
 *   dcd_scan_one(), dcd_teardown()), a cxl_dax_region being probed or
 *   removed;
 * - the bus notifier rwsems, taken for read by every device_add() and
 *   device_del() and around every notifier call of their bus. lockdep
 *   knows one class for all of them (bus_register() initialises them at
 *   one place), and the cxl, dax and auxiliary ones are taken under
 *   dcd_lock, rel_lock and dcd->lock (extent devices are added under
 *   dcd->lock, by a region probe under dcd_lock too, and unregistered
 *   under dcd_lock by dcd_unlock(); DAX devices are added under dcd->lock
 *   and deleted under rel_lock; the works do all of it). A reader queued
 *   behind a writer waits, so the rule: no bus notifier of ours takes
 *   dcd_lock, rel_lock or any dcd->lock, or waits for a work that does.
 *   The cxl one probes a new memdev under dcd_probe_lock only and tears
 *   nothing down; the PCI one looks the state up under dcd_devs_lock,
 *   adds our devres and queues start_work. The one exception is a failed
 *   cxl_pci probe (DRIVER_NOT_BOUND), which nothing else can handle before
 *   cxl_pci's devres deletes the memdev and frees the mailbox;
 * - dcd_probe_lock (below): dcd_exiting; held to probe a memdev (the
 *   parent's device lock keeps one memdev from being probed twice). Never
 *   held with dcd_lock, rel_lock or any dcd->lock (not even an unpublished
 *   state's: lockdep knows one class): under it only cxl_pci's mbox_mutex,
 *   sysfs, debugfs, the resource lock and dcd_devs_lock;
 * - dcd_lock (below): dcd_devs membership, dcd_events_ready, region.c's
 *   dcd_rgns. Held to look a state up; never across a device teardown: a
 *   state leaves dcd_devs under it and is torn down after it is dropped,
 *   holding a reference (dcd_get()/dcd_put(), also for region removal);
 * - dcd->rel_lock: one release pipeline per memdev (release.c), which
 *   takes DAX devices' device locks (fence, unbind, delete) with no lock
 *   of ours but this one held;
 * - dcd->lock: per memdev: extents, chain, counters, our mailbox commands,
 *   &dcd_dev.daxs; then cxl_pci's mbox_mutex. Nothing waits for the work,
 *   unregisters an extent device or deletes a DAX device under it;
 *   dcd_tags_lock (extent.c, the host-wide tag registry) nests inside it
 *   and nothing else is taken under dcd_tags_lock;
 * - spinlocks, innermost: dcd_devs_lock (dcd_devs' structure), dax.c's
 *   dcd_hpa_lock (the memory notifier and the dax bus notifier take only
 *   it, and queue work), then dcd->kick_lock (orders queueing work with
 *   stopping).
 *
 * Nothing that holds a dev_dax's device lock (device_dax and kmem probe and
 * remove, our bus notifier) takes dcd_lock, rel_lock or dcd->lock. CPU
 * cache write-back/invalidate (dax.c, __dcd_flush_caches()) runs under
 * dcd->lock only, never a spinlock.
 */

bool dcd_use_irq = true;
module_param_named(use_irq, dcd_use_irq, bool, 0444);
MODULE_PARM_DESC(use_irq, "Use the DC event interrupt (default Y); N: poll only");

unsigned int dcd_poll_ms;
module_param_named(poll_ms, dcd_poll_ms, uint, 0644);
MODULE_PARM_DESC(poll_ms, "Poll the DC event log every poll_ms ms (0: only the 5 s safety-net poll)");

unsigned int dcd_chain_timeout_ms = 20000;
module_param_named(chain_timeout_ms, dcd_chain_timeout_ms, uint, 0644);
MODULE_PARM_DESC(chain_timeout_ms, "Answer a More chain not closed after this many ms with its valid records (default 20000)");

bool dcd_test_fail_probe;
module_param_named(test_fail_probe, dcd_test_fail_probe, bool, 0600);
MODULE_PARM_DESC(test_fail_probe, "Test only: fail every memdev probe after its partition is registered (default N)");

/* Per-memdev work: memdevs in parallel, one work item never twice at once */
struct workqueue_struct *dcd_wq;

/*
 * dcd_lock protects dcd_devs' membership (a state leaves it only under
 * dcd_lock, so one found under it stays listed until it is dropped) and
 * dcd_events_ready (DC regions attached at load: events may start).
 * dcd_devs_lock protects its structure: a new state is added (by a memdev
 * probe, which must not take dcd_lock) and a state removed under it, so it
 * is walked under dcd_lock (additions are RCU-safe for that walker) or
 * under dcd_devs_lock (by the PCI bus notifier, which must not take
 * dcd_lock).
 */
DEFINE_MUTEX(dcd_lock);
static DEFINE_SPINLOCK(dcd_devs_lock);
static LIST_HEAD(dcd_devs);
static bool dcd_events_ready;

/*
 * dcd_probe_lock is held across probing a memdev and protects dcd_exiting
 * (set once module exit started: no new state after it). It runs inside the
 * cxl bus notifier, so it is never held with dcd_lock, rel_lock or any
 * dcd->lock.
 */
static DEFINE_MUTEX(dcd_probe_lock);
static bool dcd_exiting;

/* Take a state off dcd_devs; false if it was not listed. dcd_lock held. */
static bool __dcd_unlist(struct dcd_dev *dcd)
{
	bool listed;

	lockdep_assert_held(&dcd_lock);
	spin_lock(&dcd_devs_lock);
	listed = dcd->listed;
	if (listed)
		list_del(&dcd->node);
	dcd->listed = false;
	spin_unlock(&dcd_devs_lock);
	return listed;
}

/**
 * dcd_find_memdev() - the state of a memdev, if it is a DC memdev
 * @cxlmd: memdev
 *
 * Context: dcd_lock held.
 * Return: the state or NULL.
 */
struct dcd_dev *dcd_find_memdev(struct cxl_memdev *cxlmd)
{
	struct dcd_dev *dcd;

	lockdep_assert_held(&dcd_lock);
	list_for_each_entry_rcu(dcd, &dcd_devs, node, lockdep_is_held(&dcd_lock))
		if (dcd->cxlmd == cxlmd)
			return dcd;
	return NULL;
}

/**
 * dcd_find_pdev() - the state of the DC memdev of a PCI device
 * @pdev: the PCI device's struct device
 *
 * Context: dcd_lock held.
 * Return: the state or NULL.
 */
struct dcd_dev *dcd_find_pdev(struct device *pdev)
{
	struct dcd_dev *dcd;

	lockdep_assert_held(&dcd_lock);
	list_for_each_entry_rcu(dcd, &dcd_devs, node, lockdep_is_held(&dcd_lock))
		if (dcd->pdev == pdev)
			return dcd;
	return NULL;
}

/* dcd_find_pdev() without dcd_lock: returns a reference (dcd_put()). */
static struct dcd_dev *dcd_find_pdev_get(struct device *pdev)
{
	struct dcd_dev *dcd, *found = NULL;

	spin_lock(&dcd_devs_lock);
	list_for_each_entry(dcd, &dcd_devs, node) {
		if (dcd->pdev == pdev) {
			dcd_get(dcd);
			found = dcd;
			break;
		}
	}
	spin_unlock(&dcd_devs_lock);
	return found;
}

/* the upper layers, as the lower ones call them (struct dcd_ops) */
static const struct dcd_ops dcd_ops = {
	.kick = dcd_kick,
	.kick_later = dcd_kick_later,
	.release_range = __dcd_release_range,
	.release_run = dcd_release_run,
};

static void dcd_free(struct kref *kref)
{
	struct dcd_dev *dcd = container_of(kref, struct dcd_dev, kref);

	/* never handed to the PCI device's devres (else that freed it) */
	if (!dcd->unbind_watched)
		devres_free(dcd->unbind_res);
	dcd_extents_free(dcd);
	mutex_destroy(&dcd->lock);
	mutex_destroy(&dcd->rel_lock);
	put_device(dcd->pdev);
	put_device(&dcd->cxlmd->dev);
	kfree(dcd);
}

/**
 * dcd_get() - take a reference on a memdev state
 * @dcd: the state, found under dcd_lock
 */
void dcd_get(struct dcd_dev *dcd)
{
	kref_get(&dcd->kref);
}

/**
 * dcd_put() - drop a reference; the last one frees the state
 * @dcd: the state, torn down already if this may be the last reference
 */
void dcd_put(struct dcd_dev *dcd)
{
	kref_put(&dcd->kref, dcd_free);
}

/*
 * Tear down a state that left dcd_devs: events stop, its regions' extents
 * become orphans, its DAX devices are fenced and deleted (waiting, logged,
 * for pages still referenced), its files go. Without dcd_lock.
 */
static void dcd_destroy(struct dcd_dev *dcd)
{
	cancel_work_sync(&dcd->start_work);
	dcd_events_stop(dcd);
	/*
	 * The regions' rgn->dcd are cleared under dcd_lock too: region
	 * removal reads one and takes its reference under dcd_lock alone
	 * (region.c), so it never gets a reference to a state freed here.
	 */
	scoped_guard(mutex, &dcd_lock) {
		guard(dcd_keep)(dcd);
		__dcd_extents_orphan_all(dcd);
	}
	dcd_unregister_dead(dcd);
	dcd_release_teardown(dcd);
	dcd_debugfs_remove(dcd);
	dcd_sysfs_remove(dcd);
	dev_dbg(&dcd->cxlmd->dev, "DC state removed\n");
	dcd_put(dcd);
}

/*
 * cxl_pci unbinding: the first devres of its PCI device released (added at
 * BUS_NOTIFY_BOUND_DRIVER, after all of cxl_pci's), so the state is torn
 * down while the vectors, the mailbox and the memdev are intact, and
 * outside the PCI bus notifier (the PCI device is locked, nothing else).
 */
static void dcd_pci_release(struct device *pdev, void *res)
{
	struct dcd_dev *dcd = *(struct dcd_dev **)res;
	bool listed;

	scoped_guard(mutex, &dcd_lock)
		listed = __dcd_unlist(dcd);
	if (listed)
		dcd_destroy(dcd);
	dcd_put(dcd);
}

static int dcd_pci_match(struct device *pdev, void *res, void *data)
{
	return *(struct dcd_dev **)res == data;
}

/*
 * cxl_pci has bound @dcd's PCI device (locked by the caller): tear the
 * state down at its unbind, first thing (dcd_pci_release()).
 */
static void dcd_watch_unbind(struct dcd_dev *dcd)
{
	if (dcd->unbind_watched)
		return;
	dcd_get(dcd);
	*dcd->unbind_res = dcd;
	devres_add(dcd->pdev, dcd->unbind_res);
	dcd->unbind_watched = true;
}

/*
 * Module exit: @dcd's PCI device is locked, so its unbind is not running;
 * take the devres back unless it was released (then the state is gone).
 */
static void dcd_unwatch_unbind(struct dcd_dev *dcd)
{
	device_lock_assert(dcd->pdev);
	if (!dcd->unbind_watched)
		return;
	if (!devres_destroy(dcd->pdev, dcd_pci_release, dcd_pci_match, dcd))
		dcd_put(dcd);
	dcd->unbind_watched = false;
	dcd->unbind_res = NULL;
}

/* Read the extent list a probe from the notifier left owed. dcd_lock held. */
static void dcd_scan_now(struct dcd_dev *dcd)
{
	lockdep_assert_held(&dcd_lock);
	guard(dcd)(dcd);
	__dcd_scan_pending(dcd);
}

/*
 * cxl_pci bound (queued by its BUS_NOTIFY_BOUND_DRIVER, which must not take
 * our locks): read the extent list if still owed, apply our event policy
 * and start events. Cancelled by dcd_destroy().
 */
static void dcd_start_fn(struct work_struct *work)
{
	struct dcd_dev *dcd = container_of(work, struct dcd_dev, start_work);

	guard(mutex)(&dcd_lock);
	if (!dcd->listed)
		return;
	dcd_scan_now(dcd);
	if (dcd_events_ready)
		dcd_events_start(dcd);
}

static void dcd_log_config(struct cxl_memdev *cxlmd,
			   const struct dcd_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_regions; i++) {
		const struct dcd_region *r = &cfg->region[i];

		dev_dbg(&cxlmd->dev,
			"DC region%u: base %#llx decode %#llx len %#llx block %#llx handle %u flags %#x\n",
			i, r->base, r->decode_len, r->len, r->block_size,
			r->dsmad_handle, r->flags);
	}
}

/*
 * Read the CEL and the DC configuration and publish it. Called with the
 * memdev's parent locked and dcd_probe_lock held (and, from the notifier,
 * the cxl bus notifier rwsem: no dcd_lock, no dcd->lock, not even the new
 * state's); logs at most one error line. The device's extent list is read
 * later, by the first taker of dcd->lock (__dcd_scan_pending()).
 */
static int __dcd_probe(struct cxl_memdev *cxlmd)
{
	struct device *dev = &cxlmd->dev;
	struct dcd_cfg_status st;
	const char *why = NULL;
	int rc, part;
	u32 ops;

	lockdep_assert_held(&dcd_probe_lock);
	if (!cxlmd->cxlds || !cxlmd->dev.parent)
		return 0;

	rc = dcd_read_cel_dc_ops(cxlmd, &ops, &why);
	if (rc == -ENOENT) {
		dev_dbg(dev, "no Command Effects Log: not a DCD\n");
		return 0;
	}
	if (rc) {
		dev_err(dev, "DC disabled: %s (%d)\n", why, rc);
		return 0;
	}
	if (!ops) {
		dev_dbg(dev, "no DC opcodes in the CEL: not a DCD\n");
		return 0;
	}
	if (ops != DCD_CEL_ALL_DC_OPS) {
		dev_err(dev, "DC disabled: CEL lists only some DC opcodes (mask %#x)\n",
			ops);
		return 0;
	}

	struct dcd_dev *dcd __free(kfree) = kzalloc(sizeof(*dcd), GFP_KERNEL);
	if (!dcd) {
		dev_err(dev, "DC disabled: out of memory\n");
		return 0;
	}

	rc = dcd_get_dc_config(cxlmd, &dcd->cfg, &st);
	if (rc == -EINVAL && st.region >= 0) {
		dev_err(dev, "DC disabled: region %d: %s\n", st.region,
			dcd_config_strerror(st.err));
		return 0;
	}
	if (rc == -EINVAL) {
		dev_err(dev, "DC disabled: %s\n", dcd_config_strerror(st.err));
		return 0;
	}
	if (rc) {
		dev_err(dev, "DC disabled: Get Dynamic Capacity Configuration failed (%d)\n",
			rc);
		return 0;
	}
	dcd_log_config(cxlmd, &dcd->cfg);

	if (dcd_dax_cxl_present()) {
		dev_err(dev, "DC disabled: dax_cxl is loaded (it would expose unbacked capacity)\n");
		return 0;
	}
	dcd->cxlmd = cxlmd;
	dcd->cxlds = cxlmd->cxlds;
	dcd->pdev = cxlmd->dev.parent;
	dcd->total_size = dcd_config_total_size(&dcd->cfg);
	kref_init(&dcd->kref);
	dcd->ops = &dcd_ops;
	mutex_init(&dcd->rel_lock);
	mutex_init(&dcd->lock);
	spin_lock_init(&dcd->kick_lock);
	INIT_LIST_HEAD(&dcd->regions);
	INIT_LIST_HEAD(&dcd->dead);
	INIT_LIST_HEAD(&dcd->daxs);
	INIT_WORK(&dcd->work, dcd_work_fn);
	INIT_WORK(&dcd->start_work, dcd_start_fn);
	INIT_WORK(&dcd->flush_work, dcd_flush_fn);
	INIT_DELAYED_WORK(&dcd->poll, dcd_poll_fn);
	INIT_DELAYED_WORK(&dcd->recheck, dcd_recheck_fn);

	/*
	 * A partition registered here stays registered whatever happens
	 * next (cxl_core's DPA lock is private): a region over it without
	 * our state exposes nothing (region.c), and the next load adopts it.
	 */
	part = dcd_partition_setup(dcd, &why);
	if (part < 0) {
		dev_err(dev, "DC disabled: %s\n", why);
		return 0;
	}
	if (dcd_test_fail_probe) {
		dev_err(dev, "DC disabled: test_fail_probe is set\n");
		return 0;
	}
	rc = dcd_extents_init(dcd);
	if (!rc) {
		dcd->unbind_res = devres_alloc(dcd_pci_release,
					       sizeof(*dcd->unbind_res),
					       GFP_KERNEL);
		if (!dcd->unbind_res) {
			dcd_extents_free(dcd);
			rc = -ENOMEM;
		}
	}
	if (rc) {
		dev_err(dev, "DC disabled: out of memory\n");
		return 0;
	}
	rc = dcd_sysfs_add(dcd);
	if (rc) {
		dev_err(dev, "DC disabled: cannot create sysfs attributes (%d)\n",
			rc);
		devres_free(dcd->unbind_res);
		dcd_extents_free(dcd);
		return 0;
	}
	dcd_debugfs_add(dcd);
	get_device(dev);
	get_device(dcd->pdev);

	/*
	 * Not published yet: no lock needed. Accepted before we came: orphans
	 * until a region covers them, read by __dcd_scan_pending().
	 */
	dcd->live = true;
	dcd->scan_pending = true;

	spin_lock(&dcd_devs_lock);
	list_add_tail_rcu(&dcd->node, &dcd_devs);
	dcd->listed = true;
	spin_unlock(&dcd_devs_lock);
	dev_info(dev, "DC enabled: %u regions, %#llx bytes\n",
		 dcd->cfg.nr_regions, dcd->total_size);
	retain_and_null_ptr(dcd);
	return part;
}

/*
 * Probe @cxlmd (not known yet: its parent's device lock, held by our caller
 * and by cxl_pci's probe around the memdev's registration, keeps the
 * load-time walk and the notifier from probing it twice) unless the module
 * is going away. Takes dcd_probe_lock only.
 */
static void dcd_add_memdev(struct cxl_memdev *cxlmd)
{
	int part = 0;

	scoped_guard(mutex, &dcd_probe_lock) {
		if (!dcd_exiting)
			part = __dcd_probe(cxlmd);
	}
	if (part > 0)
		dcd_partition_reparse_cdat(cxlmd);
}

/*
 * Runs with the cxl bus notifier rwsem held for read, which every
 * device_add() and device_del() of a cxl bus device takes, extent devices'
 * included (added under dcd->lock, under dcd_lock for a region probe): so
 * it takes none of dcd_lock, rel_lock or dcd->lock (main.c DOC: Locking).
 */
static int dcd_bus_notify(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	struct device *dev = data;

	if (!is_cxl_memdev(dev))
		return NOTIFY_DONE;

	/*
	 * cxl_pci probe holds the memdev's parent locked here. Memdev
	 * removal needs nothing: a memdev is deleted only by cxl_pci's
	 * devres, after BUS_NOTIFY_UNBIND_DRIVER or DRIVER_NOT_BOUND, which
	 * tore its state down (dcd_pci_notify()).
	 */
	if (action == BUS_NOTIFY_ADD_DEVICE)
		dcd_add_memdev(to_cxl_memdev(dev));
	return NOTIFY_DONE;
}

static struct notifier_block dcd_bus_nb = {
	.notifier_call = dcd_bus_notify,
};

/*
 * Runs with the PCI bus notifier rwsem held for read. lockdep knows one
 * class for every bus's notifier rwsem (bus_register()), the cxl, dax and
 * auxiliary ones included, which are taken under our locks: so, as the cxl
 * bus notifier, this takes none of dcd_lock, rel_lock or dcd->lock and
 * waits for no work that does (main.c DOC: Locking), except on a failed
 * cxl_pci probe.
 *
 * cxl_pci bound: its probe (4-byte event policy included) is complete: the
 * state is torn down at its unbind by devres (dcd_pci_release()), and the
 * work reads the extent list if still owed, applies our policy and starts
 * events (dcd_start_fn()).
 *
 * cxl_pci failed to bind after it registered the memdev: its devres deletes
 * the memdev and frees the mailbox next, and no devres of ours runs first:
 * the state is torn down here, under the rwsem. Events never started.
 */
static int dcd_pci_notify(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	struct device *dev = data;
	struct dcd_dev *dcd;
	bool listed = false;

	if (action != BUS_NOTIFY_BOUND_DRIVER &&
	    action != BUS_NOTIFY_DRIVER_NOT_BOUND)
		return NOTIFY_DONE;
	if (!dev->driver || strcmp(dev->driver->name, "cxl_pci"))
		return NOTIFY_DONE;

	if (action == BUS_NOTIFY_BOUND_DRIVER) {
		dcd = dcd_find_pdev_get(dev);
		if (!dcd)
			return NOTIFY_DONE;
		dcd_watch_unbind(dcd);
		queue_work(dcd_wq, &dcd->start_work);
		dcd_put(dcd);
		return NOTIFY_DONE;
	}

	scoped_guard(mutex, &dcd_lock) {
		dcd = dcd_find_pdev(dev);
		if (dcd)
			listed = __dcd_unlist(dcd);
	}
	if (listed)
		dcd_destroy(dcd);
	return NOTIFY_DONE;
}

static struct notifier_block dcd_pci_nb = {
	.notifier_call = dcd_pci_notify,
};

/*
 * Tear every memdev state down while the notifiers are still registered: no
 * probe is running or starts once dcd_exiting is set. Each state is torn
 * down with its PCI device locked, so a cxl_pci unbind (whose devres
 * would tear it down) waits, or has done it already.
 */
static void dcd_teardown(void)
{
	struct dcd_dev *dcd;
	bool listed;

	scoped_guard(mutex, &dcd_probe_lock)
		dcd_exiting = true;
	for (;;) {
		scoped_guard(mutex, &dcd_lock) {
			dcd = list_first_or_null_rcu(&dcd_devs, struct dcd_dev,
						     node);
			if (dcd)
				dcd_get(dcd);
		}
		if (!dcd)
			break;
		device_lock(dcd->pdev);
		scoped_guard(mutex, &dcd_lock)
			listed = __dcd_unlist(dcd);
		if (listed) {
			dcd_unwatch_unbind(dcd);
			dcd_destroy(dcd);
		}
		device_unlock(dcd->pdev);
		dcd_put(dcd);
	}
}

/* Module exit: stop the events of every memdev before its regions go. */
static void dcd_stop_events(void)
{
	struct dcd_dev *dcd;

	guard(mutex)(&dcd_lock);
	dcd_events_ready = false;
	list_for_each_entry_rcu(dcd, &dcd_devs, node, lockdep_is_held(&dcd_lock))
		dcd_events_stop(dcd);
}

/*
 * Load-time walk: a memdev cxl_pci registered before this module loaded (or
 * meanwhile: the notifier probed it already). No cxl bus notifier rwsem is
 * held here, so the extent list is read at once.
 */
static int dcd_scan_one(struct device *dev, void *unused)
{
	struct device *parent = dev->parent;
	struct cxl_memdev *cxlmd;
	struct dcd_dev *dcd;

	if (!is_cxl_memdev(dev) || !parent)
		return 0;
	cxlmd = to_cxl_memdev(dev);

	/* exclude cxl_pci probe/unbind, which create and delete memdevs */
	guard(device)(parent);
	if (!device_is_registered(dev))
		return 0;
	scoped_guard(mutex, &dcd_lock)
		dcd = dcd_find_memdev(cxlmd);
	if (!dcd)
		dcd_add_memdev(cxlmd);

	guard(mutex)(&dcd_lock);
	dcd = dcd_find_memdev(cxlmd);
	if (!dcd)
		return 0;
	if (parent->driver)
		dcd_watch_unbind(dcd);
	dcd_scan_now(dcd);
	if (parent->driver && dcd_events_ready)
		dcd_events_start(dcd);
	return 0;
}

/* Second load-time walk, after the DC regions: start events where bound. */
static int dcd_start_one(struct device *dev, void *unused)
{
	struct device *parent = dev->parent;
	struct dcd_dev *dcd;

	if (!is_cxl_memdev(dev) || !parent)
		return 0;

	guard(device)(parent);
	guard(mutex)(&dcd_lock);
	dcd = dcd_find_memdev(to_cxl_memdev(dev));
	if (dcd && parent->driver)
		dcd_events_start(dcd);
	return 0;
}

static int __init dcd_init(void)
{
	int rc;

	dcd_wq = alloc_workqueue("cxl_dcd", WQ_UNBOUND, 0);
	if (!dcd_wq)
		return -ENOMEM;
	dcd_debugfs_init();
	rc = bus_register_notifier(&pci_bus_type, &dcd_pci_nb);
	if (rc)
		goto err_dbg;
	rc = bus_register_notifier(&cxl_bus_type, &dcd_bus_nb);
	if (rc)
		goto err_pci;
	/* a memdev added meanwhile is seen twice; dcd_find_memdev() skips it */
	bus_for_each_dev(&cxl_bus_type, NULL, NULL, dcd_scan_one);
	rc = dcd_dax_init();
	if (rc)
		goto err_devs;
	/* DC regions need the memdev state, events need the DC regions */
	rc = dcd_region_driver_init();
	if (rc)
		goto err_dax;
	/* DC regions our last unload disabled: enabled and adopted again */
	dcd_regions_enable();
	scoped_guard(mutex, &dcd_lock)
		dcd_events_ready = true;
	/* a cxl_pci bound meanwhile may be started twice: that is a no-op */
	bus_for_each_dev(&cxl_bus_type, NULL, NULL, dcd_start_one);
	return 0;

err_dax:
	dcd_dax_exit();
err_devs:
	dcd_teardown();
	bus_unregister_notifier(&cxl_bus_type, &dcd_bus_nb);
err_pci:
	bus_unregister_notifier(&pci_bus_type, &dcd_pci_nb);
err_dbg:
	dcd_debugfs_exit();
	destroy_workqueue(dcd_wq);
	return rc;
}

static void __exit dcd_exit(void)
{
	/* events stop first, then DC regions go: their extents become orphans */
	dcd_stop_events();
	dcd_region_driver_exit();
	dcd_teardown();
	dcd_dax_exit();
	bus_unregister_notifier(&cxl_bus_type, &dcd_bus_nb);
	bus_unregister_notifier(&pci_bus_type, &dcd_pci_nb);
	dcd_debugfs_exit();
	destroy_workqueue(dcd_wq);
}

module_init(dcd_init);
module_exit(dcd_exit);

MODULE_DESCRIPTION("CXL Dynamic Capacity Device support for stock kernels");
MODULE_LICENSE("GPL");
DCD_IMPORT_NS_CXL();
/* cpu_cache_{has_,}invalidate_memregion() (arch/x86/mm/pat/set_memory.c) */
DCD_IMPORT_NS_DEVMEM();
