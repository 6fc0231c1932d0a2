// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/device.h>
#include <linux/kstrtox.h>
#include <linux/slab.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd extent devices
 *
 * Each extent a DC region covers is a device extentX.Y (X the region id, Y
 * a per-region id from 1, like the upstream series) under dax_regionX, with
 * offset, length, uuid (tag), dpa, state, group (how its tag group maps to
 * DAX devices: dcd_grp_name()) and a write-only release. The
 * devices sit on the cxl bus (as /sys/bus/cxl/devices/extentX.Y) so that
 * udev sees add, remove and change uevents: a device with neither bus nor
 * class emits none, and a class device would live in a glue directory
 * below dax_regionX. No cxl driver matches them (their type has no cxl
 * device id), so they are never probed.
 *
 * Lifetime: the device is created under dcd->lock. It is never unregistered
 * under that lock, because its release store takes it: __dcd_extdev_kill()
 * unlinks it and queues it on dcd->dead, and dcd_unlock() unregisters what
 * is queued after dropping the lock. A store that finds its extent gone
 * returns -ENOENT. The store never unregisters its own device: it runs the
 * release pipeline without unregistering, and the event work (kicked) does
 * the rest. Each device holds a reference on its region context
 * (dcd_rgn_get()), dropped by its release callback after its id went back
 * to the region's ida, so the region outlives its last extent device.
 */

static struct dcd_extent_dev *to_edev(struct device *dev)
{
	return container_of(dev, struct dcd_extent_dev, dev);
}

/**
 * dcd_state_name() - the name of an extent state
 * @state: enum dcd_ext_state
 *
 * Return: the name shown in sysfs, uevents and debugfs.
 */
const char *dcd_state_name(int state)
{
	switch (state) {
	case DCD_EXT_ACCEPTED:
		return "accepted";
	case DCD_EXT_RELEASE_PENDING:
		return "release-pending";
	case DCD_EXT_FORCED:
		return "forced";
	case DCD_EXT_ORPHAN:
		return "orphan";
	default:
		return "free";
	}
}

static ssize_t offset_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%#llx\n", to_edev(dev)->offset);
}
static DEVICE_ATTR_RO(offset);

static ssize_t length_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%#llx\n", to_edev(dev)->ext.len);
}
static DEVICE_ATTR_RO(length);

static ssize_t dpa_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%#llx\n", to_edev(dev)->ext.dpa);
}
static DEVICE_ATTR_RO(dpa);

static ssize_t uuid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%pUb\n", to_edev(dev)->ext.tag);
}
static DEVICE_ATTR_RO(uuid);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  dcd_state_name(READ_ONCE(to_edev(dev)->state)));
}
static DEVICE_ATTR_RO(state);

static ssize_t group_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  dcd_grp_name(READ_ONCE(to_edev(dev)->group)));
}
static DEVICE_ATTR_RO(group);

static ssize_t pending_reason_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct dcd_extent_dev *edev = to_edev(dev);

	if (READ_ONCE(edev->state) != DCD_EXT_RELEASE_PENDING)
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%s\n", dcd_busy_name(READ_ONCE(edev->busy)));
}
static DEVICE_ATTR_RO(pending_reason);

static ssize_t release_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t len)
{
	struct dcd_extent_dev *edev = to_edev(dev);
	struct dcd_dev *dcd = edev->dcd;
	bool yes;
	int rc;

	rc = kstrtobool(buf, &yes);
	if (rc)
		return rc;
	if (!yes)
		return -EINVAL;

	/* not dcd: unregistering might wait for this very store */
	scoped_cond_guard(dcd_keep_intr, return -EINTR, dcd) {
		/* gone meanwhile: the slot's device is no longer this one */
		rc = dcd_extent_set_find(dcd->set, edev->ext.dpa,
					 edev->ext.len);
		if (rc < 0 || dcd->set->slot[rc].priv != edev)
			rc = -ENOENT;
		else
			rc = dcd->ops->release_range(dcd, edev->ext.dpa,
						     edev->ext.len, true);
	}
	/* our own device may go on dcd->dead: let the work unregister it */
	if (!rc)
		dcd->ops->release_run(dcd, false);
	dcd->ops->kick(dcd);
	return rc ?: len;
}
static DEVICE_ATTR_WO(release);

static struct attribute *dcd_extent_attrs[] = {
	&dev_attr_offset.attr,
	&dev_attr_length.attr,
	&dev_attr_uuid.attr,
	&dev_attr_dpa.attr,
	&dev_attr_state.attr,
	&dev_attr_group.attr,
	&dev_attr_pending_reason.attr,
	&dev_attr_release.attr,
	NULL
};
ATTRIBUTE_GROUPS(dcd_extent);

/* region removal waits here for its extent devices to be unregistered */
DECLARE_WAIT_QUEUE_HEAD(dcd_rgn_wq);

/**
 * dcd_rgn_free() - free a region context with its last reference
 * @kref: &dcd_region_ctx.ref
 */
void dcd_rgn_free(struct kref *kref)
{
	struct dcd_region_ctx *rgn = container_of(kref, struct dcd_region_ctx,
						  ref);

	ida_destroy(&rgn->ids);
	kfree(rgn);
}

/**
 * dcd_rgn_get() - a new extent device of the region
 * @rgn: the region context
 */
void dcd_rgn_get(struct dcd_region_ctx *rgn)
{
	kref_get(&rgn->ref);
	atomic_inc(&rgn->nr_edevs);
}

/**
 * dcd_rgn_put() - an extent device of the region was released
 * @rgn: the region context
 *
 * Context: any context that may sleep.
 */
void dcd_rgn_put(struct dcd_region_ctx *rgn)
{
	if (atomic_dec_and_test(&rgn->nr_edevs))
		wake_up_all(&dcd_rgn_wq);
	kref_put(&rgn->ref, dcd_rgn_free);
}

static void dcd_extdev_release(struct device *dev)
{
	struct dcd_extent_dev *edev = to_edev(dev);

	if (edev->id > 0)
		ida_free(&edev->rgn->ids, edev->id);
	dcd_rgn_put(edev->rgn);
	kfree(edev);
}

static const struct device_type dcd_extent_type = {
	.name = "cxl_dcd_extent",
	.groups = dcd_extent_groups,
	.release = dcd_extdev_release,
};

/**
 * dcd_extdev_add() - create extentX.Y for an extent a region covers
 * @dcd: memdev state, dcd->lock held
 * @rgn: the region covering @ext
 * @ext: the extent
 * @state: its state
 *
 * Return: the device, or NULL (logged by the caller).
 */
struct dcd_extent_dev *dcd_extdev_add(struct dcd_dev *dcd,
				      struct dcd_region_ctx *rgn,
				      const struct dcd_extent *ext, int state)
{
	struct dcd_extent_dev *edev;
	int id, rc;

	lockdep_assert_held(&dcd->lock);
	id = ida_alloc_min(&rgn->ids, 1, GFP_KERNEL);
	if (id < 0)
		return NULL;
	edev = kzalloc(sizeof(*edev), GFP_KERNEL);
	if (!edev) {
		ida_free(&rgn->ids, id);
		return NULL;
	}
	dcd_rgn_get(rgn);
	edev->dcd = dcd;
	edev->rgn = rgn;
	edev->ext = *ext;
	edev->offset = ext->dpa - rgn->dpa.start;
	edev->id = id;
	edev->state = state;
	INIT_LIST_HEAD(&edev->node);
	device_initialize(&edev->dev);
	edev->dev.parent = rgn->cxlr_dax;
	edev->dev.type = &dcd_extent_type;
	edev->dev.bus = &cxl_bus_type;
	rc = dev_set_name(&edev->dev, "extent%d.%d", rgn->id, id);
	if (!rc)
		rc = device_add(&edev->dev);
	if (rc) {
		/* the release callback gives the id back */
		put_device(&edev->dev);
		return NULL;
	}
	dev_dbg(&edev->dev, "extent %#llx+%#llx at offset %#llx\n", ext->dpa,
		ext->len, edev->offset);
	return edev;
}

/**
 * dcd_extdev_set_state() - publish a state change (KOBJ_CHANGE uevent)
 * @edev: the device
 * @state: the new state
 */
void dcd_extdev_set_state(struct dcd_extent_dev *edev, int state)
{
	char env[40];
	char *envp[2];

	WRITE_ONCE(edev->state, state);
	snprintf(env, sizeof(env), "DCD_STATE=%s", dcd_state_name(state));
	envp[0] = env;
	envp[1] = NULL;
	kobject_uevent_env(&edev->dev.kobj, KOBJ_CHANGE, envp);
}

/**
 * __dcd_extdev_kill() - queue an extent device for unregistration
 * @dcd: memdev state, dcd->lock held
 * @edev: the device
 *
 * Only its link to its DAX device goes here; the DAX device itself is
 * fenced and deleted by release.c, never under dcd->lock.
 */
void __dcd_extdev_kill(struct dcd_dev *dcd, struct dcd_extent_dev *edev)
{
	lockdep_assert_held(&dcd->lock);
	dcd_dax_unlink(edev);
	list_add_tail(&edev->node, &dcd->dead);
}

/**
 * dcd_unregister_dead() - unregister the extent devices queued on
 *	&dcd_dev.dead
 * @dcd: memdev state
 *
 * Takes dcd->lock only to drop it through the dcd guard, whose unlock
 * (dcd_unlock()) unregisters them.
 *
 * Context: process context; no dcd->lock or &dcd_dev.rel_lock held, not
 * from an extent device's own sysfs store.
 */
void dcd_unregister_dead(struct dcd_dev *dcd)
{
	guard(dcd)(dcd);
}

/**
 * dcd_unlock() - drop dcd->lock and unregister queued extent devices
 * @dcd: memdev state
 *
 * The unlock of the dcd guard (cxl_dcd.h); nothing else calls it.
 *
 * Context: process context, dcd->lock held; not from an extent device's
 * own sysfs store.
 */
void dcd_unlock(struct dcd_dev *dcd)
{
	struct dcd_extent_dev *edev, *next;
	LIST_HEAD(dead);

	list_splice_init(&dcd->dead, &dead);
	mutex_unlock(&dcd->lock);
	list_for_each_entry_safe(edev, next, &dead, node) {
		list_del_init(&edev->node);
		/* its id goes back to the region's ida in its release */
		device_unregister(&edev->dev);
	}
}
