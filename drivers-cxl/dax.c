// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/auxiliary_bus.h>
#include <linux/cdev.h>
#include <linux/dax.h>
#include <linux/fs.h>
#include <linux/ioport.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/memregion.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/numa.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd DAX devices
 *
 * Every untagged extent a DC region covers gets its own DAX device, so
 * capacity can come and go while other extents stay in use, and nothing
 * the device has not accepted is ever reachable. The extents of a tag
 * group share one DAX device when the group is complete and contiguous in
 * sequence order (dcd_group_plan(), called by extent.c); otherwise each
 * member gets its own, and extentX.Y/group says why.
 *
 * The dax core allows one dax_region per parent device, always creates a
 * dev_dax at the start of its region, and registers mapping devices only
 * under a parent with a bound driver. So each extent gets an auxiliary
 * device cxl_dcd.dax.N (N a memregion id, also the dax region id: the DAX
 * device is daxN.0) under the module's root device /sys/devices/cxl_dcd;
 * our auxiliary driver's probe creates a dax_region over exactly the
 * extent's (or merged group's) HPA range and one dev_dax over all of it.
 * One range per device is all 6.12 allows: its exported DAX API
 * (alloc_dax_region(), devm_create_dev_dax(), static_dev_dax(),
 * kill_dev_dax()) places a dev_dax at the start of its region with one
 * range of &dev_dax_data.size bytes; only the sysfs size and mapping
 * writes of a dynamic region add ranges, and device_dax refuses a static
 * pgmap with several ranges. A group with holes cannot be one device. The
 * dax_region is static (IORESOURCE_DAX_STATIC, as dax_pmem's): the dax
 * core then hides create, delete, seed and available_size, makes size and
 * align read-only and hides mapping, so no stock path (daxctl
 * create-device, resize, mapping writes) can allocate anything, let alone
 * capacity outside the extent. Links: extentX.Y/dax -> daxN.0, and back
 * cxl_dcd.dax.N/extent -> extentX.Y for a single extent,
 * cxl_dcd.dax.N/extent0..extent<n-1> -> the members in sequence order for a
 * merged group. A root-device parent (not the extent device) lets a DAX
 * device whose memory cannot be given back yet outlive its extent devices
 * (region torn down while the memory is in use).
 *
 * Every DAX device of a memdev is on its &dcd_dev.daxs list from creation
 * to deletion; only the release pipeline (release.c) and the memdev's
 * teardown delete one, and only after dcd_dax_fence() verified that its
 * range is unreachable:
 *
 * - no driver but device_dax is bound (kmem would mean System RAM);
 * - the range intersects no System RAM;
 * - with device_dax bound: its dax_device is killed (kill_dev_dax(): no
 *   new mmap or fault, every mapping zapped, SRCU readers drained), then
 *   every folio of the range must hold only its idle reference: a page
 *   pinned by FOLL_LONGTERM (io_uring fixed buffers, RDMA) or held by a
 *   get_user_pages() caller fails the check. The pgmap is never torn down
 *   under such a page: the device stays bound and is revived (run_dax():
 *   the capacity is still granted, and 6.12's dax_open() cannot open a
 *   dead dax_device safely), and the check is repeated (release.c,
 *   bounded backoff: nothing notifies an unpin);
 * - finally kill_device() marks the dev_dax dead, under its device lock,
 *   so no driver can bind it between the check and the deletion.
 *
 * A release (not forced) first asks dcd_dax_check(): a device that is
 * System RAM, bound to another driver, or open or mapped through device_dax
 * is in use and is left alone (release-pending, onlining refused) until it
 * is not; only then is it fenced. A forced release, or an extent the device
 * no longer lists, fences at once: an open or mapped device is killed
 * under its users; System RAM cannot be revoked (logged at crit, onlining
 * refused, and the device is deleted once kmem let go of it).
 *
 * Devdax (device_dax) by default; with the kmem module parameter the
 * region carries IORESOURCE_DAX_KMEM and kmem binds at once (memory added,
 * onlined per the system's auto_online_blocks policy).
 *
 * The memory notifier takes dcd_hpa_lock (a spinlock) only: it refuses
 * MEM_GOING_ONLINE for ranges being released, counts online pages per DAX
 * device (a module reference while any are online, so rmmod fails busy)
 * and kicks the memdev's work after MEM_OFFLINE. The dax bus notifier
 * kicks it when a driver unbinds from a device being released, logs why
 * kmem cannot online an extent that holds no whole memory block, and
 * rebinds device_dax after kmem's probe failed.
 *
 * Locking: dcd_hpa_lock (spinlock, innermost) protects dcd_hpa_list and
 * the @retiring and @online_pages fields. &dcd_dev.daxs and the @gone and
 * @busy fields are under dcd->lock. dcd_dax_fence(), dcd_dax_unbind() and
 * dcd_dax_delete() take device locks and may wait for RCU and SRCU grace
 * periods: never under dcd->lock.
 */

bool dcd_kmem;
module_param_named(kmem, dcd_kmem, bool, 0644);
MODULE_PARM_DESC(kmem, "Bind new DC DAX devices to kmem at once (default N: devdax)");

/*
 * device_dax's (and kmem's) probe takes mem_hotplug_lock for writing:
 * percpu_down_write() -> rcu_sync_enter() waits for a normal RCU grace
 * period, more than half of the event -> DAX device time (bench). While a
 * DAX device is created, ask for expedited grace periods instead
 * (rcu_expedite_gp(), a nesting count; rcupdate.rcu_normal=1 still wins).
 */
static bool dcd_expedite_rcu = true;
module_param_named(expedite_rcu, dcd_expedite_rcu, bool, 0644);
MODULE_PARM_DESC(expedite_rcu,
		 "Expedite RCU grace periods while a DAX device probes (default Y)");

/**
 * struct dcd_dax - the DAX device of one extent or merged tag group
 * @adev: cxl_dcd.dax.N, the dax_region's parent
 * @hpa: HPA range of the extent(s)
 * @nid: target node
 * @kmem: created with IORESOURCE_DAX_KMEM
 * @dev_dax: daxN.0, set by probe; valid while @adev is bound
 * @pin: daxN.0 again, with a reference held until @adev is released, so
 *	checks racing the device's deletion read valid memory
 * @nr_ext: number of extents it spans (members of a merged tag group)
 * @hnode: entry in dcd_hpa_list (dcd_hpa_lock)
 * @dnode: entry in &dcd_dev.daxs (dcd->lock)
 * @online_pages: pages of @hpa online (dcd_hpa_lock)
 * @retiring: being released or its extent is gone: refuse onlining
 *	(dcd_hpa_lock)
 * @gone: the device no longer grants (part of) its capacity (forced
 *	release, dropped from the device's list, memdev teardown): fence it
 *	even while in use (dcd->lock)
 * @fenced: dcd_dax_fence() passed: killed, verified, marked dead
 * @deleted: dcd_dax_delete() ran
 * @pinned_seen: a fence found a referenced page; if device_dax is later
 *	unbound by someone else the memmap is gone and the range can never be
 *	verified again
 * @kmem_refused: kmem was told why it cannot bind; rebind device_dax
 * @dcd: the memdev state, or NULL once detached from it (dcd_hpa_lock)
 * @dpa: DPA range of its extent(s)
 *
 * Lifetime: the auxiliary device's reference (dropped by dcd_dax_delete())
 * plus one per linked extent device and one per release batch holding it.
 */
struct dcd_dax {
	struct auxiliary_device adev;
	struct range hpa;
	int nid;
	bool kmem;
	struct dev_dax *dev_dax;
	struct dev_dax *pin;
	u32 nr_ext;
	struct list_head hnode;
	struct list_head dnode;
	unsigned long online_pages;
	bool retiring;
	bool gone;
	bool fenced;
	bool deleted;
	bool pinned_seen;
	bool kmem_refused;
	struct dcd_dev *dcd;
	struct range dpa;
};

static DEFINE_SPINLOCK(dcd_hpa_lock);
static LIST_HEAD(dcd_hpa_list);
static struct device *dcd_root;
static const struct bus_type *dcd_dax_bus;
static DEFINE_MUTEX(dcd_dax_bus_lock);
static void dcd_rebind_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(dcd_rebind_work, dcd_rebind_fn);

static const char * const dcd_busy_names[DCD_BUSY_NR] = {
	[DCD_BUSY_NONE]		= "",
	[DCD_BUSY_SYSTEM_RAM]	= "system-ram",
	[DCD_BUSY_DRIVER]	= "driver",
	[DCD_BUSY_OPEN]		= "open",
	[DCD_BUSY_PINNED]	= "pinned",
	[DCD_BUSY_UNVERIFIABLE]	= "unverifiable",
};

/**
 * dcd_busy_name() - sysfs name of why a release waits
 * @b: the reason
 *
 * Return: a constant string ("" for none); never NULL.
 */
const char *dcd_busy_name(enum dcd_busy b)
{
	if ((unsigned int)b >= DCD_BUSY_NR)
		return "unknown";
	return dcd_busy_names[b];
}

static struct dcd_dax *to_dcd_dax(struct auxiliary_device *adev)
{
	return container_of(adev, struct dcd_dax, adev);
}

static void dcd_dax_release(struct device *dev)
{
	struct dcd_dax *dd = to_dcd_dax(to_auxiliary_dev(dev));

	if (dd->pin)
		put_device(&dd->pin->dev);
	memregion_free(dd->adev.id);
	kfree(dd);
}

static void dcd_bus_watch(const struct bus_type *bus);

static int dcd_dax_probe(struct auxiliary_device *adev,
			 const struct auxiliary_device_id *id)
{
	struct dcd_dax *dd = to_dcd_dax(adev);
	u64 len = range_len(&dd->hpa);
	unsigned long flags = IORESOURCE_DAX_STATIC;
	struct dax_region *dax_region;
	struct dev_pagemap pgmap = {};
	struct dev_dax_data data;
	struct dev_dax *dev_dax;
	unsigned int align;
	bool expedite;

	align = IS_ALIGNED(dd->hpa.start | len, PMD_SIZE) ? PMD_SIZE : PAGE_SIZE;
	if (dd->kmem)
		flags |= IORESOURCE_DAX_KMEM;
	dax_region = alloc_dax_region(&adev->dev, adev->id, &dd->hpa, dd->nid,
				      align, flags);
	if (!dax_region)
		return -ENOMEM;
	pgmap.range = dd->hpa;
	pgmap.nr_range = 1;
	data = (struct dev_dax_data) {
		.dax_region = dax_region,
		.pgmap = &pgmap,
		.id = 0,
		.size = len,
		.memmap_on_memory = true,
	};
	expedite = READ_ONCE(dcd_expedite_rcu);
	if (expedite)
		rcu_expedite_gp();
	dev_dax = devm_create_dev_dax(&data);
	if (expedite)
		rcu_unexpedite_gp();
	if (IS_ERR(dev_dax))
		return PTR_ERR(dev_dax);
	dcd_bus_watch(dev_dax->dev.bus);
	dd->pin = dev_dax;
	get_device(&dev_dax->dev);
	WRITE_ONCE(dd->dev_dax, dev_dax);
	return 0;
}

static void dcd_dax_remove_drv(struct auxiliary_device *adev)
{
	WRITE_ONCE(to_dcd_dax(adev)->dev_dax, NULL);
}

static const struct auxiliary_device_id dcd_dax_ids[] = {
	{ .name = KBUILD_MODNAME ".dax" },
	{}
};

static struct auxiliary_driver dcd_dax_driver = {
	.name = "dax",
	.probe = dcd_dax_probe,
	.remove = dcd_dax_remove_drv,
	.id_table = dcd_dax_ids,
	.driver = {
		.suppress_bind_attrs = true,
	},
};

/*
 * Character device open or mapped: device_dax's cdev holds one kobject
 * reference per open file (chrdev_open()), an mmap holds the file.
 */
static bool dcd_dev_dax_open(struct dev_dax *dev_dax)
{
	struct inode *inode = dax_inode(dev_dax->dax_dev);

	if (mapping_mapped(inode->i_mapping))
		return true;
	return inode->i_cdev && kref_read(&inode->i_cdev->kobj.kref) > 1;
}

static bool dcd_dax_is_ram(const struct dcd_dax *dd)
{
	return region_intersects(dd->hpa.start, range_len(&dd->hpa),
				 IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) !=
	       REGION_DISJOINT;
}

/**
 * dcd_dax_check() - is a DAX device in use (a cheap, unlocked look)
 * @dd: the DAX device
 *
 * What the release pipeline asks before it fences a device for an
 * ordinary release: only dcd_dax_fence() is authoritative.
 *
 * Context: process context.
 * Return: DCD_BUSY_NONE, or why it is in use.
 */
enum dcd_busy dcd_dax_check(struct dcd_dax *dd)
{
	struct dev_dax *dev_dax = READ_ONCE(dd->dev_dax);
	struct device_driver *drv;

	if (dcd_dax_is_ram(dd))
		return DCD_BUSY_SYSTEM_RAM;
	if (!dev_dax)
		return DCD_BUSY_NONE;
	drv = READ_ONCE(dev_dax->dev.driver);
	if (!drv)
		return DCD_BUSY_NONE;
	if (strcmp(drv->name, "device_dax"))
		return DCD_BUSY_DRIVER;
	return dcd_dev_dax_open(dev_dax) ? DCD_BUSY_OPEN : DCD_BUSY_NONE;
}

/*
 * Any folio of the range holding more than its idle reference: a pin
 * (FOLL_PIN adds GUP_PIN_COUNTING_BIAS, or one plus _pincount on a large
 * folio) or a get_user_pages() reference. An idle device-dax folio holds
 * exactly one (memmap_init_zone_device()); devdax mappings take none.
 * device_dax bound and its device lock held: the memmap is stable.
 */
static bool dcd_dax_pages_busy(const struct dcd_dax *dd)
{
	unsigned long pfn = PHYS_PFN(dd->hpa.start);
	unsigned long end = PHYS_PFN(dd->hpa.end + 1);

	while (pfn < end) {
		struct folio *folio = page_folio(pfn_to_page(pfn));

		if (folio_ref_count(folio) != 1)
			return true;
		pfn = folio_pfn(folio) + folio_nr_pages(folio);
		cond_resched();
	}
	return false;
}

/**
 * dcd_dax_fence() - stop a DAX device and verify its range is unreachable
 * @dd: the DAX device (a reference held)
 * @force: the capacity is gone from the device: kill it under its users
 *	(open or mapped); System RAM and referenced pages still refuse
 *
 * Under the dev_dax's device lock, so no driver binds or unbinds
 * meanwhile: see the DOC above for the checks. On success the dev_dax is
 * dead (kill_device()): it can never be bound again, device_dax is
 * unbound at once (a pgmap whose pages nobody references), and
 * dcd_dax_delete() may follow. A device that fails on referenced pages is
 * revived (run_dax()) unless @force: the capacity is still granted and a
 * killed device that stays bound cannot be opened safely on 6.12.
 *
 * Context: process context, no dcd->lock (waits for SRCU); may run
 * concurrently for different devices.
 * Return: DCD_BUSY_NONE (fenced, now or before), or why not.
 */
enum dcd_busy dcd_dax_fence(struct dcd_dax *dd, bool force)
{
	struct dev_dax *dev_dax = dd->pin;
	struct device_driver *drv;
	enum dcd_busy b = DCD_BUSY_NONE;

	if (READ_ONCE(dd->fenced))
		return DCD_BUSY_NONE;
	if (!dev_dax) {
		/* never had a dev_dax: nothing to reach but System RAM */
		return dcd_dax_is_ram(dd) ? DCD_BUSY_SYSTEM_RAM : DCD_BUSY_NONE;
	}
	device_lock(&dev_dax->dev);
	drv = dev_dax->dev.driver;
	if (drv && strcmp(drv->name, "device_dax")) {
		b = DCD_BUSY_DRIVER;
		goto out;
	}
	if (dcd_dax_is_ram(dd)) {
		b = DCD_BUSY_SYSTEM_RAM;
		goto out;
	}
	if (drv) {
		if (!force && dcd_dev_dax_open(dev_dax)) {
			b = DCD_BUSY_OPEN;
			goto out;
		}
		dcd_fault_delay(DCD_DELAY_FENCE);
		/* no new mmap or fault from here; raced-in mappings zapped */
		kill_dev_dax(dev_dax);
		if (dcd_dax_pages_busy(dd)) {
			dd->pinned_seen = true;
			b = DCD_BUSY_PINNED;
			/*
			 * Still granted: make it usable again. A killed
			 * dev_dax that stays bound cannot be opened safely
			 * (6.12's dax_open() stores the NULL private data of
			 * a dead dax_device and dax_mmap() dereferences it).
			 * Capacity the device took back stays killed.
			 */
			if (!force)
				run_dax(dev_dax->dax_dev);
			goto out;
		}
	} else if (dd->pinned_seen) {
		/* device_dax unbound under a pin: the memmap is gone */
		b = DCD_BUSY_UNVERIFIABLE;
		goto out;
	}
	kill_device(&dev_dax->dev);
	WRITE_ONCE(dd->fenced, true);
out:
	device_unlock(&dev_dax->dev);
	/* unbind at once: a dead dev_dax is unsafe to open (above) */
	if (b == DCD_BUSY_NONE && drv)
		dcd_dax_unbind(dd);
	return b;
}

/**
 * dcd_dax_force_fenced() - let a teardown delete a device that failed
 *	dcd_dax_fence() for a reason deleting it resolves
 * @dd: the DAX device
 *
 * Memdev teardown only (dcd_release_teardown()): kmem bound (its unbind
 * removes offline memory; online memory holds a module reference, and on
 * a memdev removal kmem leaves it online, logged by kmem), never for
 * referenced pages.
 */
void dcd_dax_force_fenced(struct dcd_dax *dd)
{
	WRITE_ONCE(dd->fenced, true);
}

/**
 * dcd_dax_unbind() - unbind device_dax from a fenced DAX device
 * @dd: the DAX device, fenced
 *
 * The expensive part of a deletion (memunmap_pages(): RCU grace periods,
 * TLB flushes); unbinds of different devices overlap, so the release
 * pipeline runs them in parallel and deletes the devices afterwards.
 *
 * Context: process context, no dcd->lock.
 */
void dcd_dax_unbind(struct dcd_dax *dd)
{
	if (WARN_ON_ONCE(!READ_ONCE(dd->fenced)) || !dd->pin)
		return;
	device_release_driver(&dd->pin->dev);
}

/* Link name of member @k of @dd under cxl_dcd.dax.N */
static void dcd_dax_link_name(const struct dcd_dax *dd, u32 k, char *buf,
			      size_t size)
{
	if (dd->nr_ext == 1)
		snprintf(buf, size, "extent");
	else
		snprintf(buf, size, "extent%u", k);
}

/**
 * dcd_dax_delete() - delete a fenced DAX device
 * @dd: the DAX device, fenced (or with no dev_dax); a reference held
 *
 * Removes it from the memory notifier's list and deletes the auxiliary
 * device (its dax_region and dev_dax go with it). The caller removes it
 * from &dcd_dev.daxs under dcd->lock.
 *
 * Context: process context, no dcd->lock.
 */
void dcd_dax_delete(struct dcd_dax *dd)
{
	char name[24];
	u32 k;

	if (WARN_ON_ONCE(!READ_ONCE(dd->fenced) && dd->pin) || dd->deleted)
		return;
	for (k = 0; k < dd->nr_ext; k++) {
		dcd_dax_link_name(dd, k, name, sizeof(name));
		sysfs_remove_link(&dd->adev.dev.kobj, name);
	}
	spin_lock(&dcd_hpa_lock);
	list_del_init(&dd->hnode);
	spin_unlock(&dcd_hpa_lock);
	dd->deleted = true;
	auxiliary_device_delete(&dd->adev);
	auxiliary_device_uninit(&dd->adev);
}

/**
 * dcd_dax_get() - take a reference on a DAX device
 * @dd: the DAX device
 */
void dcd_dax_get(struct dcd_dax *dd)
{
	get_device(&dd->adev.dev);
}

/**
 * dcd_dax_put() - drop a reference taken by dcd_dax_get()
 * @dd: the DAX device
 */
void dcd_dax_put(struct dcd_dax *dd)
{
	put_device(&dd->adev.dev);
}

/**
 * dcd_dax_name() - daxN.0 of a DAX device, for logs
 * @dd: the DAX device
 *
 * Return: its name, or "cxl_dcd.dax.N" if it has no dev_dax.
 */
const char *dcd_dax_name(struct dcd_dax *dd)
{
	return dd->pin ? dev_name(&dd->pin->dev) : dev_name(&dd->adev.dev);
}

/**
 * dcd_dax_retire() - refuse onlining a DAX device's range from now on
 * @dd: the DAX device
 * @gone: its capacity is gone from the device: fence it even in use
 *
 * Context: dcd->lock held.
 */
void dcd_dax_retire(struct dcd_dax *dd, bool gone)
{
	lockdep_assert_held(&dd->dcd->lock);
	if (gone)
		dd->gone = true;
	spin_lock(&dcd_hpa_lock);
	dd->retiring = true;
	spin_unlock(&dcd_hpa_lock);
}

/**
 * __dcd_dax_gone_left() - does a DAX device of gone capacity remain
 * @dcd: memdev state, dcd->lock held
 *
 * Return: true if one still waits to be fenced and deleted.
 */
bool __dcd_dax_gone_left(struct dcd_dev *dcd)
{
	struct dcd_dax *dd;

	lockdep_assert_held(&dcd->lock);
	list_for_each_entry(dd, &dcd->daxs, dnode)
		if (dd->gone)
			return true;
	return false;
}

/**
 * dcd_dax_unlink() - an extent device goes: drop its link to its DAX device
 * @edev: the extent device, still registered
 *
 * The DAX device itself stays on &dcd_dev.daxs until the release pipeline
 * or the memdev's teardown fences and deletes it.
 *
 * Context: dcd->lock held.
 */
void dcd_dax_unlink(struct dcd_extent_dev *edev)
{
	struct dcd_dax *dd = edev->dax;

	if (!dd)
		return;
	sysfs_remove_link(&edev->dev.kobj, "dax");
	edev->dax = NULL;
	dcd_dax_put(dd);
}

/**
 * __dcd_dax_find() - the DAX device over a DPA range of a memdev
 * @dcd: memdev state, dcd->lock held
 * @dpa: start
 * @len: length
 *
 * Return: the first DAX device (not deleted) whose DPA range overlaps the
 * range, or NULL.
 */
struct dcd_dax *__dcd_dax_find(struct dcd_dev *dcd, u64 dpa, u64 len)
{
	struct dcd_dax *dd;

	lockdep_assert_held(&dcd->lock);
	if (!len)
		return NULL;
	list_for_each_entry(dd, &dcd->daxs, dnode)
		if (dd->dpa.start <= dpa + len - 1 && dd->dpa.end >= dpa)
			return dd;
	return NULL;
}

/**
 * __dcd_dax_count() - how many DAX devices map a DPA range of a memdev
 * @dcd: memdev state, dcd->lock held
 * @dpa: start
 * @len: length
 * @gone: set if one of them is a DAX device whose capacity is gone
 *
 * Return: the number of DAX devices (not deleted) overlapping the range.
 */
u32 __dcd_dax_count(struct dcd_dev *dcd, u64 dpa, u64 len, bool *gone)
{
	struct dcd_dax *dd;
	u32 n = 0;

	lockdep_assert_held(&dcd->lock);
	*gone = false;
	if (!len)
		return 0;
	list_for_each_entry(dd, &dcd->daxs, dnode) {
		if (dd->dpa.start > dpa + len - 1 || dd->dpa.end < dpa)
			continue;
		*gone |= dd->gone;
		n++;
	}
	return n;
}

/**
 * __dcd_dax_next_gone() - walk the DAX devices whose capacity is gone
 * @dcd: memdev state, dcd->lock held
 * @prev: the previous one returned, or NULL to start
 *
 * Return: the next one on &dcd_dev.daxs with @gone set, or NULL.
 */
struct dcd_dax *__dcd_dax_next_gone(struct dcd_dev *dcd, struct dcd_dax *prev)
{
	struct dcd_dax *dd = prev;

	lockdep_assert_held(&dcd->lock);
	dd = list_prepare_entry(dd, &dcd->daxs, dnode);
	list_for_each_entry_continue(dd, &dcd->daxs, dnode)
		if (dd->gone)
			return dd;
	return NULL;
}

/**
 * __dcd_dax_first() - the first DAX device of a memdev
 * @dcd: memdev state, dcd->lock held
 *
 * Return: it, or NULL if the memdev has none.
 */
struct dcd_dax *__dcd_dax_first(struct dcd_dev *dcd)
{
	lockdep_assert_held(&dcd->lock);
	return list_first_entry_or_null(&dcd->daxs, struct dcd_dax, dnode);
}

/**
 * __dcd_dax_list_del() - a deleted DAX device leaves &dcd_dev.daxs
 * @dcd: memdev state, dcd->lock held
 * @dd: the DAX device, deleted
 *
 * Drops the list's reference.
 */
void __dcd_dax_list_del(struct dcd_dev *dcd, struct dcd_dax *dd)
{
	lockdep_assert_held(&dcd->lock);
	if (list_empty(&dd->dnode))
		return;
	list_del_init(&dd->dnode);
	dcd_dax_put(dd);
}

/**
 * __dcd_flush_caches() - write back and invalidate the CPU caches
 * @dcd: memdev state, dcd->lock held
 * @release: before Release Dynamic Capacity (else: before exposing
 *	extents through new DAX devices)
 *
 * Corner case 36. DC capacity changes what sits behind an HPA range
 * without the CPU knowing: before Release Dynamic Capacity (the ranges are
 * verified unreachable and their DAX devices deleted: no dirty line may be
 * written back into capacity the device gave to someone else) and before
 * newly accepted extents are exposed through DAX devices (no stale line
 * from an earlier owner of the range may be read), every CPU writes back
 * and invalidates its caches: cpu_cache_invalidate_memregion(IORES_DESC_CXL),
 * WBINVD on all CPUs on x86, like region.c does at region commit. Once per
 * batch: one per Add chain (or adopted list), one per Release DC chunk. It
 * IPIs every CPU and waits: process context only, never under a spinlock.
 *
 * Before exposing, the flush normally ran already, overlapped with the Add
 * DC Response and the extent devices' registration (__dcd_flush_start());
 * this then only waits for it. Any flush that starts after the range was
 * last reachable from this host will do: Release DC is only sent after its
 * own flush of the unreachable range, and until a DAX device exposes the
 * range again nothing can bring a line of it into a cache.
 *
 * Where the CPU cannot (x86 with the hypervisor flag, i.e. most VMs, and
 * architectures without the helper), nothing blocks: the capacity change
 * goes on, one warning per memdev says the caches could not be
 * invalidated, and cache_flushes_skipped counts. Blocking instead, as
 * region.c does for commit, would strand every extent in a VM with the
 * device unable to reclaim it; there the hypervisor owns cache coherence
 * of the guest's physical memory anyway.
 */
void __dcd_flush_caches(struct dcd_dev *dcd, bool release)
{
	const char *why = release ? "releasing capacity" : "exposing an extent";
	int rc;

	lockdep_assert_held(&dcd->lock);
	if (!cpu_cache_has_invalidate_memregion()) {
		dcd->cnt[DCD_CNT_CACHE_FLUSHES_SKIPPED]++;
		if (!dcd->warned_flush)
			dev_warn(&dcd->cxlmd->dev,
				 "CPU caches cannot be invalidated (virtual machine?): %s without cache write-back/invalidate\n",
				 why);
		dcd->warned_flush = true;
		return;
	}
	if (!release && dcd->flush_queued) {
		/* the work takes no lock: waiting for it under dcd->lock is safe */
		flush_work(&dcd->flush_work);
		dcd->flush_queued = false;
		rc = dcd->flush_rc;
	} else {
		rc = dcd_cpu_cache_invalidate();
	}
	if (rc) {
		dcd->cnt[DCD_CNT_CACHE_FLUSHES_SKIPPED]++;
		return;
	}
	dcd->cnt[DCD_CNT_CACHE_FLUSHES]++;
	if (!dcd->flush_logged[release])
		dev_info(&dcd->cxlmd->dev,
			 "CPU caches written back and invalidated before %s (logged once)\n",
			 why);
	dcd->flush_logged[release] = true;
}

/**
 * dcd_flush_fn() - the cache flush of __dcd_flush_start(), on its own
 * @work: &dcd_dev.flush_work
 *
 * Takes no lock: __dcd_flush_caches() waits for it under dcd->lock, and
 * dcd_events_stop() cancels it.
 */
void dcd_flush_fn(struct work_struct *work)
{
	struct dcd_dev *dcd = container_of(work, struct dcd_dev, flush_work);

	dcd->flush_rc = dcd_cpu_cache_invalidate();
}

/**
 * __dcd_flush_start() - start the cache flush for an Add chain early
 * @dcd: memdev state, dcd->lock held
 *
 * Queues dcd_flush_fn() on an unbound workqueue, so the WBINVD on every
 * CPU (milliseconds of IPIs in a VM) runs while this thread sends the Add
 * DC Response and registers the extent devices; __dcd_flush_caches() then
 * waits for it before the first DAX device is created. Nothing is queued
 * where the CPU cannot flush: __dcd_flush_caches() says so then.
 */
void __dcd_flush_start(struct dcd_dev *dcd)
{
	lockdep_assert_held(&dcd->lock);
	if (!cpu_cache_has_invalidate_memregion())
		return;
	queue_work(system_unbound_wq, &dcd->flush_work);
	dcd->flush_queued = true;
}

/**
 * __dcd_dax_add() - create the DAX device of an extent or a tag group
 * @dcd: memdev state, dcd->lock held
 * @edevs: extent devices (registered, without a DAX device) in sequence
 *	order: one extent, or the members of a tag group dcd_group_plan()
 *	merged (one region, each starting where the previous one ends)
 * @nr: entries in @edevs
 *
 * One dax_region and one dev_dax over the HPA range of all of them; every
 * member links to it. Never over a range that is System RAM already, nor
 * over one another DAX device of the memdev still covers. The caller wrote
 * back and invalidated the CPU caches for the batch (__dcd_flush_caches()).
 * Failures are logged; the extents stay accepted without a DAX device.
 */
void __dcd_dax_add(struct dcd_dev *dcd, struct dcd_extent_dev **edevs,
		   u32 nr)
{
	struct dcd_extent_dev *edev = edevs[0];
	struct dcd_region_ctx *rgn = edev->rgn;
	struct dcd_dax *dd;
	char name[24];
	u64 len = 0;
	int id, rc;
	u32 k;

	lockdep_assert_held(&dcd->lock);
	if (!dcd_root || !nr)
		return;
	for (k = 0; k < nr; k++) {
		/* planned by the caller: never a hole, never two regions */
		if (dev_WARN_ONCE(&edevs[k]->dev, edevs[k]->rgn != rgn ||
				  edevs[k]->dax ||
				  edevs[k]->ext.dpa != edev->ext.dpa + len,
				  "not a contiguous group of %u extents\n", nr))
			return;
		len += edevs[k]->ext.len;
	}
	if (__dcd_dax_find(dcd, edev->ext.dpa, len)) {
		dev_err(&edev->dev, "DPA %#llx+%#llx still has a DAX device being released: no DAX device\n",
			edev->ext.dpa, len);
		return;
	}
	dd = kzalloc(sizeof(*dd), GFP_KERNEL);
	if (!dd)
		goto fail;
	dd->hpa.start = rgn->hpa_start + edev->offset;
	dd->hpa.end = dd->hpa.start + len - 1;
	if (dcd_dax_is_ram(dd)) {
		dev_err(&edev->dev, "HPA %#llx+%#llx is System RAM already: no DAX device\n",
			dd->hpa.start, len);
		kfree(dd);
		return;
	}
	dd->nid = phys_to_target_node(dd->hpa.start);
	if (dd->nid == NUMA_NO_NODE)
		dd->nid = memory_add_physaddr_to_nid(dd->hpa.start);
	dd->kmem = READ_ONCE(dcd_kmem);
	dd->dcd = dcd;
	dd->dpa.start = edev->ext.dpa;
	dd->dpa.end = edev->ext.dpa + len - 1;
	dd->nr_ext = nr;
	INIT_LIST_HEAD(&dd->hnode);
	INIT_LIST_HEAD(&dd->dnode);
	id = memregion_alloc(GFP_KERNEL);
	if (id < 0) {
		kfree(dd);
		goto fail;
	}
	dd->adev.name = "dax";
	dd->adev.id = id;
	dd->adev.dev.parent = dcd_root;
	dd->adev.dev.release = dcd_dax_release;
	rc = auxiliary_device_init(&dd->adev);
	if (rc) {
		memregion_free(id);
		kfree(dd);
		goto fail;
	}
	spin_lock(&dcd_hpa_lock);
	list_add_tail(&dd->hnode, &dcd_hpa_list);
	spin_unlock(&dcd_hpa_lock);
	rc = auxiliary_device_add(&dd->adev);
	if (rc || !READ_ONCE(dd->dev_dax)) {
		dev_err(&edev->dev, "cannot create its DAX device (%d)\n", rc);
		spin_lock(&dcd_hpa_lock);
		list_del_init(&dd->hnode);
		spin_unlock(&dcd_hpa_lock);
		if (!rc)
			auxiliary_device_delete(&dd->adev);
		auxiliary_device_uninit(&dd->adev);
		return;
	}
	/* one reference for the list, one per member */
	list_add_tail(&dd->dnode, &dcd->daxs);
	dcd_dax_get(dd);
	for (k = 0; k < nr; k++) {
		dcd_dax_get(dd);
		edevs[k]->dax = dd;
		dcd_dax_link_name(dd, k, name, sizeof(name));
		if (sysfs_create_link(&edevs[k]->dev.kobj,
				      &dd->dev_dax->dev.kobj, "dax") ||
		    sysfs_create_link(&dd->adev.dev.kobj, &edevs[k]->dev.kobj,
				      name))
			dev_warn(&edevs[k]->dev,
				 "cannot link it with its DAX device\n");
	}
	dev_dbg(&edev->dev, "DAX device %s over HPA %#llx+%#llx (%u extents)\n",
		dev_name(&dd->dev_dax->dev), dd->hpa.start, len, nr);
	return;
fail:
	dev_err(&edev->dev, "cannot create its DAX device (out of memory)\n");
}

/* ------------------------------------------------------ memory notifier */

static int dcd_mem_notify(struct notifier_block *nb, unsigned long action,
			  void *arg)
{
	struct memory_notify *mn = arg;
	u64 start = PFN_PHYS(mn->start_pfn);
	u64 end = start + PFN_PHYS(mn->nr_pages) - 1;
	int ret = NOTIFY_OK;
	struct dcd_dax *dd;

	spin_lock(&dcd_hpa_lock);
	list_for_each_entry(dd, &dcd_hpa_list, hnode) {
		u64 s = max(start, dd->hpa.start);
		u64 e = min(end, dd->hpa.end);
		unsigned long pages;

		if (s > e)
			continue;
		pages = PHYS_PFN(e - s + 1);
		switch (action) {
		case MEM_GOING_ONLINE:
			if (dd->retiring) {
				dev_warn(&dd->adev.dev,
					 "refusing to online %#llx-%#llx: release pending\n",
					 s, e);
				ret = NOTIFY_BAD;
			}
			break;
		case MEM_ONLINE:
			if (!dd->online_pages)
				__module_get(THIS_MODULE);
			dd->online_pages += pages;
			break;
		case MEM_OFFLINE:
			if (!dd->online_pages)
				break;
			dd->online_pages -= min(pages, dd->online_pages);
			if (!dd->online_pages)
				module_put(THIS_MODULE);
			/* kmem's unbind follows; a release may be waiting */
			if (dd->retiring && dd->dcd)
				dd->dcd->ops->kick(dd->dcd);
			break;
		default:
			break;
		}
	}
	spin_unlock(&dcd_hpa_lock);
	return ret;
}

static struct notifier_block dcd_mem_nb = {
	.notifier_call = dcd_mem_notify,
	/* before anyone prepares for an online we refuse */
	.priority = 100,
};

/* --------------------------------------------------- dax bus notifier */

static struct dcd_dax *dcd_dax_of(struct device *dev)
{
	struct device *parent = dev->parent;

	if (!parent || parent->parent != dcd_root || !dcd_root)
		return NULL;
	return to_dcd_dax(to_auxiliary_dev(parent));
}

static int dcd_dax_bus_notify(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	struct device *dev = data;
	unsigned long bs = memory_block_size_bytes();
	struct dcd_dax *dd = dcd_dax_of(dev);
	u64 s, e;

	/* only dev_dax devices sit on the dax bus */
	if (!dd)
		return NOTIFY_DONE;
	switch (action) {
	case BUS_NOTIFY_BIND_DRIVER:
		if (!dev->driver || strcmp(dev->driver->name, "kmem"))
			break;
		s = ALIGN(dd->hpa.start, bs);
		e = ALIGN_DOWN(dd->hpa.end + 1, bs);
		if (s < e)
			break;
		dev_err(dev, "cannot be onlined as system-ram: HPA %#llx-%#llx holds no whole %lu MiB memory block (block size %#lx); use it as devdax\n",
			dd->hpa.start, dd->hpa.end, bs >> 20, bs);
		WRITE_ONCE(dd->kmem_refused, true);
		break;
	case BUS_NOTIFY_DRIVER_NOT_BOUND:
		if (READ_ONCE(dd->kmem_refused))
			mod_delayed_work(system_wq, &dcd_rebind_work, HZ);
		break;
	case BUS_NOTIFY_UNBOUND_DRIVER:
		/* kmem (or device_dax) let go of a device being released */
		spin_lock(&dcd_hpa_lock);
		if (dd->retiring && !READ_ONCE(dd->fenced) && dd->dcd)
			dd->dcd->ops->kick(dd->dcd);
		spin_unlock(&dcd_hpa_lock);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block dcd_dax_bus_nb = {
	.notifier_call = dcd_dax_bus_notify,
};

static void dcd_bus_watch(const struct bus_type *bus)
{
	guard(mutex)(&dcd_dax_bus_lock);
	if (dcd_dax_bus || !bus)
		return;
	if (!bus_register_notifier(bus, &dcd_dax_bus_nb))
		dcd_dax_bus = bus;
}

/* Give device_dax back a DAX device kmem refused and nobody rebound. */
static int dcd_rebind_one(struct device *dev, void *unused)
{
	struct dcd_dax *dd = to_dcd_dax(to_auxiliary_dev(dev));
	struct device_driver *drv;
	struct dev_dax *dev_dax;
	int rc;

	if (!READ_ONCE(dd->kmem_refused))
		return 0;
	WRITE_ONCE(dd->kmem_refused, false);
	dev_dax = READ_ONCE(dd->dev_dax);
	if (!dev_dax || READ_ONCE(dev_dax->dev.driver) || !dcd_dax_bus) {
		dev_dbg(dev, "no rebind needed\n");
		return 0;
	}
	drv = driver_find("device_dax", dcd_dax_bus);
	rc = drv ? device_driver_attach(drv, &dev_dax->dev) : -ENOENT;
	if (rc)
		dev_warn(&dev_dax->dev, "cannot rebind device_dax (%d)\n", rc);
	else
		dev_info(&dev_dax->dev, "back in devdax mode\n");
	return 0;
}

static void dcd_rebind_fn(struct work_struct *work)
{
	device_for_each_child(dcd_root, NULL, dcd_rebind_one);
}

/* ------------------------------------------------------------ init, exit */

/**
 * dcd_dax_init() - root device, auxiliary driver, memory notifier
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int dcd_dax_init(void)
{
	int rc;

	dcd_root = root_device_register(KBUILD_MODNAME);
	if (IS_ERR(dcd_root)) {
		rc = PTR_ERR(dcd_root);
		dcd_root = NULL;
		return rc;
	}
	rc = auxiliary_driver_register(&dcd_dax_driver);
	if (rc)
		goto err_root;
	rc = register_memory_notifier(&dcd_mem_nb);
	if (rc)
		goto err_drv;
	return 0;

err_drv:
	auxiliary_driver_unregister(&dcd_dax_driver);
err_root:
	root_device_unregister(dcd_root);
	dcd_root = NULL;
	return rc;
}

/**
 * __dcd_committed() - DPA ranges of the committed DC regions of a memdev
 * @dcd: memdev state, dcd->lock held
 * @r: filled with the ranges, in dcd->regions order
 * @max: entries in @r
 *
 * Return: number of ranges.
 */
u32 __dcd_committed(struct dcd_dev *dcd, struct dcd_range *r, u32 max)
{
	struct dcd_region_ctx *rgn;
	u32 n = 0;

	lockdep_assert_held(&dcd->lock);
	list_for_each_entry(rgn, &dcd->regions, node) {
		if (n == max)
			break;
		r[n++] = rgn->dpa;
	}
	return n;
}

/**
 * dcd_dax_exit() - undo dcd_dax_init(), after every region went
 *
 * Context: module exit, after every memdev's DAX devices were deleted
 * (no DC memory is online: we hold a module reference while there is).
 */
void dcd_dax_exit(void)
{
	cancel_delayed_work_sync(&dcd_rebind_work);
	auxiliary_driver_unregister(&dcd_dax_driver);
	unregister_memory_notifier(&dcd_mem_nb);
	if (dcd_dax_bus)
		bus_unregister_notifier(dcd_dax_bus, &dcd_dax_bus_nb);
	cancel_delayed_work_sync(&dcd_rebind_work);
	root_device_unregister(dcd_root);
	dcd_root = NULL;
}

static const char *dcd_grp_why(enum dcd_grp g)
{
	switch (g) {
	case DCD_GRP_NOT_CONTIGUOUS:
		return "not contiguous in sequence order";
	case DCD_GRP_INCOMPLETE:
		return "sequence numbers are not 0..n-1";
	case DCD_GRP_REGIONS:
		return "not all in one region";
	default:
		return dcd_grp_name(g);
	}
}

/* Mark @edev's new DAX device retiring if its extent is pending already. */
static void __dcd_dax_pending(struct dcd_extent_dev *edev)
{
	if (edev->dax && READ_ONCE(edev->state) == DCD_EXT_RELEASE_PENDING)
		dcd_dax_retire(edev->dax, false);
}

/* Write back and invalidate the CPU caches once per populated batch. */
static void __dcd_flush_once(struct dcd_dev *dcd, bool *flushed)
{
	if (!*flushed)
		__dcd_flush_caches(dcd, false);
	*flushed = true;
}

static void __dcd_dax_add_one(struct dcd_dev *dcd, struct dcd_extent_dev *edev,
			      enum dcd_grp g, bool *flushed)
{
	WRITE_ONCE(edev->group, g);
	edev->dax_done = true;
	__dcd_flush_once(dcd, flushed);
	__dcd_dax_add(dcd, &edev, 1);
	__dcd_dax_pending(edev);
}

/**
 * __dcd_dax_populate() - create the missing DAX devices of a memdev
 * @dcd: memdev state, dcd->lock held
 *
 * Give the extent devices without a DAX device theirs: one per untagged
 * extent; one per tag group dcd_group_plan() merges (complete, in one
 * region, contiguous in sequence order), whose members must all have an
 * extent device in that region and no DAX device yet; else one per member,
 * with the reason logged once for the group. A decision is not revisited
 * while its devices exist (an extent keeps @dax_done).
 */
void __dcd_dax_populate(struct dcd_dev *dcd)
{
	struct dcd_range committed[16], span;
	struct dcd_extent_dev **edevs;
	bool flushed = false;
	u32 i, k, n, ncm;
	enum dcd_grp g;
	u32 *gs;

	lockdep_assert_held(&dcd->lock);
	gs = kvcalloc(DCD_EXTENTS_MAX, sizeof(*gs), GFP_KERNEL);
	edevs = kvcalloc(DCD_EXTENTS_MAX, sizeof(*edevs), GFP_KERNEL);
	if (!gs || !edevs) {
		dev_err(&dcd->cxlmd->dev, "out of memory: DAX devices not created\n");
		goto out;
	}
	ncm = __dcd_committed(dcd, committed, ARRAY_SIZE(committed));
	for (i = 0; i < dcd->set->cap; i++) {
		struct dcd_host_extent *he = &dcd->set->slot[i];
		struct dcd_extent_dev *edev = he->priv;

		if (he->state == DCD_EXT_FREE || !edev || edev->dax_done)
			continue;
		n = dcd_group_members(dcd->set, i, gs, DCD_EXTENTS_MAX);
		if (!n || n > DCD_EXTENTS_MAX)
			continue;
		g = dcd_group_plan(dcd->set, gs, n, committed, ncm, &span);
		for (k = 0; g == DCD_GRP_MERGED && k < n; k++) {
			edevs[k] = dcd->set->slot[gs[k]].priv;
			if (!edevs[k] || edevs[k]->dax_done ||
			    edevs[k]->rgn != edev->rgn)
				g = DCD_GRP_REGIONS;
		}
		if (g == DCD_GRP_MERGED) {
			for (k = 0; k < n; k++) {
				WRITE_ONCE(edevs[k]->group, g);
				edevs[k]->dax_done = true;
			}
			__dcd_flush_once(dcd, &flushed);
			__dcd_dax_add(dcd, edevs, n);
			for (k = 0; k < n; k++)
				__dcd_dax_pending(edevs[k]);
			if (n > 1)
				dev_info(&dcd->cxlmd->dev,
					 "tag group %pUb: one DAX device over its %u extents, DPA %#llx+%#llx\n",
					 he->ext.tag, n, span.start, span.len);
			continue;
		}
		if (g == DCD_GRP_UNTAGGED) {
			__dcd_dax_add_one(dcd, edev, g, &flushed);
			continue;
		}
		dev_info(&dcd->cxlmd->dev,
			 "tag group %pUb: its %u extents are %s: one DAX device per extent\n",
			 he->ext.tag, n, dcd_grp_why(g));
		for (k = 0; k < n; k++) {
			struct dcd_extent_dev *e = dcd->set->slot[gs[k]].priv;

			if (e && !e->dax_done)
				__dcd_dax_add_one(dcd, e, g, &flushed);
		}
	}
out:
	kvfree(gs);
	kvfree(edevs);
}
