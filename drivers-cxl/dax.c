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
 * dax_region is
 * static (IORESOURCE_DAX_STATIC, as dax_pmem's): the dax core then hides
 * create, delete, seed and available_size, makes size and align read-only
 * and hides mapping, so no stock path (daxctl create-device, resize,
 * mapping writes) can allocate anything, let alone capacity outside the
 * extent. Links: extentX.Y/dax -> daxN.0, and back cxl_dcd.dax.N/extent ->
 * extentX.Y for a single extent, cxl_dcd.dax.N/extent0..extent<n-1> ->
 * the members in sequence order for a merged group. A root-device parent
 * (not the extent device) lets a DAX device whose memory cannot be given
 * back outlive its extent devices.
 *
 * A merged device is in use when any part of it is, so all its members
 * are (extent.c releases tag groups as a whole). Each member holds a
 * reference on the &struct dcd_dax; the first member whose extent device
 * goes takes the DAX device with it (deleted, or kept as a zombie if in
 * use), so a device never outlives part of its capacity unnoticed; the
 * others only drop their link and reference.
 *
 * Devdax (device_dax) by default; with the kmem module parameter the
 * region carries IORESOURCE_DAX_KMEM and kmem binds at once (memory added,
 * onlined per the system's auto_online_blocks policy).
 *
 * In use: the extent's HPA range intersects System RAM (kmem added it,
 * online or not), or the DAX device is bound to any driver but device_dax,
 * or its character device is open or mapped. In-use extents are never torn
 * down: a release makes them release-pending (extent.c), and a forced
 * release, a region or memdev teardown keeps their DAX device as a zombie
 * (logged; never re-onlined; deleted once no longer in use). After a
 * region teardown the extent stays release-pending while its zombie is
 * held (dcd_dax_zombie_busy()), then is released.
 *
 * The memory notifier takes dcd_hpa_lock (a spinlock) only: it refuses
 * MEM_GOING_ONLINE for pending and zombie ranges, counts online pages per
 * extent (a module reference while any are online, so rmmod fails busy)
 * and kicks dcd_recheck_work after MEM_OFFLINE.
 *
 * A dax bus notifier logs why kmem cannot online an extent that holds no
 * whole memory block, and rebinds device_dax after kmem's probe failed.
 *
 * Locking: dcd_hpa_lock (spinlock, innermost) protects dcd_hpa_list and
 * the @pending, @zombie and @online_pages fields. dcd_zombie_lock (mutex,
 * after dcd->lock) protects dcd_zombies; devices are never deleted under
 * it.
 */

bool dcd_kmem;
module_param_named(kmem, dcd_kmem, bool, 0644);
MODULE_PARM_DESC(kmem, "Bind new DC DAX devices to kmem at once (default N: devdax)");

/**
 * struct dcd_dax - the DAX device of one extent
 * @adev: cxl_dcd.dax.N, the dax_region's parent
 * @hpa: HPA range of the extent
 * @nid: target node
 * @kmem: created with IORESOURCE_DAX_KMEM
 * @dev_dax: daxN.0, set by probe; valid while @adev is bound
 * @pin: daxN.0 again, with a reference held until @adev is released, so
 *	an in-use check through a member racing the device's deletion reads
 *	valid memory
 * @nr_ext: number of extents it spans (members of a merged tag group)
 * @flags: DCD_DAX_RETIRED once deleted or made a zombie (atomic bitops)
 * @hnode: entry in dcd_hpa_list (dcd_hpa_lock)
 * @online_pages: pages of @hpa online (dcd_hpa_lock)
 * @pending: release pending: refuse onlining (dcd_hpa_lock)
 * @zombie: kept after its extent went away: refuse onlining (dcd_hpa_lock)
 * @kmem_refused: kmem was told why it cannot bind; rebind device_dax
 * @znode: entry in dcd_zombies (dcd_zombie_lock)
 * @dcd: the memdev state it was created for (compared, never dereferenced)
 * @dpa: DPA range of its extent(s)
 *
 * Lifetime: the auxiliary device's reference (dropped by dcd_dax_delete())
 * plus one per linked extent device (dropped by dcd_dax_remove()).
 */
struct dcd_dax {
	struct auxiliary_device adev;
	struct range hpa;
	int nid;
	bool kmem;
	struct dev_dax *dev_dax;
	struct dev_dax *pin;
	u32 nr_ext;
	unsigned long flags;
	struct list_head hnode;
	unsigned long online_pages;
	bool pending;
	bool zombie;
	bool kmem_refused;
	struct list_head znode;
	const struct dcd_dev *dcd;
	struct range dpa;
};

#define DCD_DAX_RETIRED		0

static DEFINE_SPINLOCK(dcd_hpa_lock);
static LIST_HEAD(dcd_hpa_list);
static DEFINE_MUTEX(dcd_zombie_lock);
static LIST_HEAD(dcd_zombies);
static struct device *dcd_root;
static const struct bus_type *dcd_dax_bus;
static DEFINE_MUTEX(dcd_dax_bus_lock);
static void dcd_recheck_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(dcd_recheck_work, dcd_recheck_fn);
static void dcd_rebind_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(dcd_rebind_work, dcd_rebind_fn);

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
	dev_dax = devm_create_dev_dax(&data);
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

static bool dcd_dax_busy(struct dcd_dax *dd)
{
	struct dev_dax *dev_dax = READ_ONCE(dd->dev_dax);
	struct device_driver *drv;

	if (region_intersects(dd->hpa.start, range_len(&dd->hpa),
			      IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) !=
	    REGION_DISJOINT)
		return true;
	if (!dev_dax)
		return false;
	drv = READ_ONCE(dev_dax->dev.driver);
	if (!drv)
		return false;
	if (strcmp(drv->name, "device_dax"))
		return true;
	return dcd_dev_dax_open(dev_dax);
}

/**
 * dcd_dax_in_use() - is an extent's memory in use
 * @edev: the extent device
 *
 * Context: process context; the memdev's dcd->lock held.
 * Return: true if its range intersects System RAM or its DAX device is
 * held (see the DOC above); false if it has no DAX device.
 */
bool dcd_dax_in_use(struct dcd_extent_dev *edev)
{
	return edev->dax && dcd_dax_busy(edev->dax);
}

/**
 * dcd_dax_zombie_busy() - is a zombie DAX device of an extent still held
 * @dcd: memdev state
 * @dpa: extent start
 * @len: extent length
 *
 * For an extent whose extent device went with its region: its DAX device,
 * if in use then, is a zombie until nothing holds it.
 *
 * Context: process context; the memdev's dcd->lock held.
 * Return: true if a zombie of @dcd over any part of the range is in use.
 */
bool dcd_dax_zombie_busy(struct dcd_dev *dcd, u64 dpa, u64 len)
{
	struct dcd_dax *dd;
	bool busy = false;

	if (!len)
		return false;
	mutex_lock(&dcd_zombie_lock);
	list_for_each_entry(dd, &dcd_zombies, znode) {
		if (dd->dcd != dcd || dd->dpa.start > dpa + len - 1 ||
		    dd->dpa.end < dpa)
			continue;
		if (dcd_dax_busy(dd)) {
			busy = true;
			break;
		}
	}
	mutex_unlock(&dcd_zombie_lock);
	return busy;
}

/**
 * dcd_dax_set_pending() - refuse (or allow again) onlining an extent
 * @edev: the extent device
 * @pending: release pending
 *
 * Context: any; takes dcd_hpa_lock.
 */
void dcd_dax_set_pending(struct dcd_extent_dev *edev, bool pending)
{
	if (!edev->dax)
		return;
	spin_lock(&dcd_hpa_lock);
	edev->dax->pending = pending;
	spin_unlock(&dcd_hpa_lock);
}

/**
 * __dcd_flush_caches() - write back and invalidate the CPU caches
 * @dcd: memdev state, dcd->lock held
 * @release: before Release Dynamic Capacity (else: before exposing an
 *	extent through a new DAX device)
 *
 * Corner case 36. DC capacity changes what sits behind an HPA range
 * without the CPU knowing: before Release Dynamic Capacity (the memory is
 * offline and its DAX device unused: no dirty line may be written back
 * into capacity the device gave to someone else) and before a newly
 * accepted extent is exposed through a DAX device (no stale line from an
 * earlier owner of the range may be read), every CPU writes back and
 * invalidates its caches: cpu_cache_invalidate_memregion(IORES_DESC_CXL),
 * WBINVD on all CPUs on x86, like region.c does at region commit. It IPIs
 * every CPU and waits: process context only, never under a spinlock.
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
	if (cpu_cache_invalidate_memregion(IORES_DESC_CXL)) {
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
 * __dcd_dax_add() - create the DAX device of an extent or a tag group
 * @dcd: memdev state, dcd->lock held
 * @edevs: extent devices (registered, without a DAX device) in sequence
 *	order: one extent, or the members of a tag group dcd_group_plan()
 *	merged (one region, each starting where the previous one ends)
 * @nr: entries in @edevs
 *
 * One dax_region and one dev_dax over the HPA range of all of them; every
 * member links to it. Never over a range that is System RAM already (a
 * zombie's leaked memory). The CPU caches are written back and invalidated
 * first (__dcd_flush_caches()). Failures are logged; the extents stay
 * accepted without a DAX device.
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
	dd = kzalloc(sizeof(*dd), GFP_KERNEL);
	if (!dd)
		goto fail;
	dd->hpa.start = rgn->hpa_start + edev->offset;
	dd->hpa.end = dd->hpa.start + len - 1;
	if (region_intersects(dd->hpa.start, len, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
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
	INIT_LIST_HEAD(&dd->znode);
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
	/* no stale line of the range may be read through the new device */
	__dcd_flush_caches(dcd, false);
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
	for (k = 0; k < nr; k++) {
		get_device(&dd->adev.dev);
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

static void dcd_dax_delete(struct dcd_dax *dd)
{
	spin_lock(&dcd_hpa_lock);
	list_del_init(&dd->hnode);
	spin_unlock(&dcd_hpa_lock);
	auxiliary_device_delete(&dd->adev);
	auxiliary_device_uninit(&dd->adev);
}

/*
 * The first member of @dd to go takes the DAX device with it: links back
 * to the members go, and the device is deleted, or kept as a zombie if in
 * use. @edev: the member going, for the log.
 */
static void dcd_dax_retire(struct dcd_dax *dd, struct dcd_extent_dev *edev)
{
	struct dev_dax *dev_dax = READ_ONCE(dd->dev_dax);
	char name[24];
	u32 k;

	for (k = 0; k < dd->nr_ext; k++) {
		dcd_dax_link_name(dd, k, name, sizeof(name));
		sysfs_remove_link(&dd->adev.dev.kobj, name);
	}
	if (dd->nr_ext > 1)
		dev_info(&edev->dev, "%s of its tag group (%u extents) goes with it\n",
			 dev_dax ? dev_name(&dev_dax->dev) : "DAX device",
			 dd->nr_ext);
	if (dcd_dax_busy(dd)) {
		dev_crit(&edev->dev, "%s: HPA %#llx-%#llx still in use: kept, never onlined again\n",
			 dev_dax ? dev_name(&dev_dax->dev) : "DAX device",
			 dd->hpa.start, dd->hpa.end);
		spin_lock(&dcd_hpa_lock);
		dd->zombie = true;
		spin_unlock(&dcd_hpa_lock);
		mutex_lock(&dcd_zombie_lock);
		list_add_tail(&dd->znode, &dcd_zombies);
		mutex_unlock(&dcd_zombie_lock);
		mod_delayed_work(system_wq, &dcd_recheck_work, HZ);
		return;
	}
	dcd_dax_delete(dd);
}

/**
 * dcd_dax_remove() - the extent device goes: unlink it from its DAX device
 * @edev: the extent device, still registered
 *
 * The first member of a DAX device to go deletes it (for a merged tag
 * group, the others normally follow in the same batch). A DAX device in
 * use (forced release, region or memdev teardown with the memory held) is
 * not deleted: it becomes a zombie, logged at crit, is never onlined again
 * and goes once nothing holds it.
 *
 * Context: process context; the memdev's dcd->lock may be held (from
 * __dcd_extdev_kill()): deleting an unused device only unbinds device_dax,
 * and nothing on that path, nor kmem's (racing a bind) or the memory
 * notifier, takes dcd->lock.
 */
void dcd_dax_remove(struct dcd_extent_dev *edev)
{
	struct dcd_dax *dd = edev->dax;

	if (!dd)
		return;
	sysfs_remove_link(&edev->dev.kobj, "dax");
	edev->dax = NULL;
	if (!test_and_set_bit(DCD_DAX_RETIRED, &dd->flags))
		dcd_dax_retire(dd, edev);
	put_device(&dd->adev.dev);
}

/* Delete the zombies nothing holds any more; @all: module exit. */
static bool dcd_zombies_reap(bool all)
{
	struct dcd_dax *dd, *next;
	LIST_HEAD(dead);
	bool left;

	mutex_lock(&dcd_zombie_lock);
	list_for_each_entry_safe(dd, next, &dcd_zombies, znode)
		if (all || !dcd_dax_busy(dd))
			list_move_tail(&dd->znode, &dead);
	left = !list_empty(&dcd_zombies);
	mutex_unlock(&dcd_zombie_lock);
	list_for_each_entry_safe(dd, next, &dead, znode) {
		list_del_init(&dd->znode);
		dev_info(&dd->adev.dev, "no longer in use: deleted\n");
		dcd_dax_delete(dd);
	}
	return left;
}

static void dcd_recheck_fn(struct work_struct *work)
{
	dcd_kick_all();
	if (dcd_zombies_reap(false))
		mod_delayed_work(system_wq, &dcd_recheck_work, 5 * HZ);
}

/* ------------------------------------------------------ memory notifier */

static int dcd_mem_notify(struct notifier_block *nb, unsigned long action,
			  void *arg)
{
	struct memory_notify *mn = arg;
	u64 start = PFN_PHYS(mn->start_pfn);
	u64 end = start + PFN_PHYS(mn->nr_pages) - 1;
	int ret = NOTIFY_OK;
	bool kick = false;
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
			if (dd->pending || dd->zombie) {
				dev_warn(&dd->adev.dev,
					 "refusing to online %#llx-%#llx: %s\n",
					 s, e, dd->zombie ?
					 "its extent is gone" : "release pending");
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
			kick = true;
			break;
		default:
			break;
		}
	}
	spin_unlock(&dcd_hpa_lock);
	if (kick)
		mod_delayed_work(system_wq, &dcd_recheck_work, HZ / 2);
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
 * dcd_dax_exit() - undo dcd_dax_init(), after every region went
 *
 * Context: module exit; no DC memory is online (we hold a module reference
 * while there is).
 */
void dcd_dax_exit(void)
{
	dcd_zombies_reap(true);
	cancel_delayed_work_sync(&dcd_rebind_work);
	auxiliary_driver_unregister(&dcd_dax_driver);
	unregister_memory_notifier(&dcd_mem_nb);
	cancel_delayed_work_sync(&dcd_recheck_work);
	if (dcd_dax_bus)
		bus_unregister_notifier(dcd_dax_bus, &dcd_dax_bus_nb);
	cancel_delayed_work_sync(&dcd_rebind_work);
	root_device_unregister(dcd_root);
	dcd_root = NULL;
}
