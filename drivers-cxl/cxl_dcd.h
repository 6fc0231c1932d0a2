/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright(c) 2026 The cxl-dcd authors. */
#ifndef __CXL_DCD_CXL_DCD_H__
#define __CXL_DCD_CXL_DCD_H__

/**
 * DOC: cxl-dcd device state
 *
 * &struct dcd_dev is what cxl_dcd.ko keeps per DC-capable memdev, and the
 * prototypes shared between main.c (lifecycle), mbox.c (commands) and
 * sysfs.c (read-only attributes).
 *
 * Lifetime: a &struct dcd_dev is created when a memdev that passes all
 * checks appears (module load or memdev BUS_NOTIFY_ADD_DEVICE), under
 * dcd_probe_lock, and destroyed when cxl_pci unbinds from the memdev's PCI
 * device (by the first devres released, before cxl_pci's delete the
 * memdev) or fails to bind it, or at module unload, whichever comes first;
 * it leaves dcd_devs under dcd_lock and is torn down without it (main.c).
 * It holds a reference on the
 * memdev's struct device; @cxlmd->cxlds is used only while the memdev is
 * being probed, never later. The configuration is immutable once the sysfs
 * files exist, so show() handlers read it without locking; removal of the
 * files waits for running show() calls before the structure is freed.
 */

#include <linux/atomic.h>
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/kobject.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include "compat.h"
#include "logic.h"

/* Files under dcd/regionN/, in this order */
enum dcd_region_field {
	DCD_RF_BASE,
	DCD_RF_DECODE_LENGTH,
	DCD_RF_LENGTH,
	DCD_RF_BLOCK_SIZE,
	DCD_RF_DSMAD_HANDLE,
	DCD_RF_FLAGS,
	DCD_RF_NR
};

/**
 * struct dcd_region_kattr - one dcd/regionN/<field> file
 * @kattr: the sysfs attribute
 * @region: region it shows
 * @field: which field of @region
 */
struct dcd_region_kattr {
	struct kobj_attribute kattr;
	const struct dcd_region *region;
	enum dcd_region_field field;
};

/**
 * struct dcd_region_sysfs - the dcd/regionN directory
 * @name: "regionN"
 * @attr: one attribute per field
 * @attrs: NULL terminated pointers to @attr, for @group
 * @group: the named group creating the directory
 */
struct dcd_region_sysfs {
	char name[16];
	struct dcd_region_kattr attr[DCD_RF_NR];
	struct attribute *attrs[DCD_RF_NR + 1];
	struct attribute_group group;
};

/* Counters shown in debugfs counters, in this order */
enum dcd_counter {
	DCD_CNT_RECORDS,
	DCD_CNT_ACCEPTED,
	DCD_CNT_DUPLICATES,
	DCD_CNT_RESPONSES,
	DCD_CNT_RESPONSE_ERRORS,
	DCD_CNT_CHAIN_TIMEOUTS,
	DCD_CNT_RELEASE_RECORDS,
	DCD_CNT_FORCED_RELEASES,
	DCD_CNT_RELEASE_UNKNOWN,
	DCD_CNT_RELEASES_SENT,
	DCD_CNT_RELEASE_ERRORS,
	DCD_CNT_RELEASES_DEFERRED,
	DCD_CNT_MBOX_CMDS,
	DCD_CNT_MBOX_ERRORS,
	DCD_CNT_OVERFLOWS,
	DCD_CNT_BAD_RECORDS,
	DCD_CNT_RESYNCS,
	DCD_CNT_ADOPTED,
	DCD_CNT_ORPHANED,
	DCD_CNT_INVALID_RELEASED,
	DCD_CNT_INVALID_CONFLICTS,
	DCD_CNT_IRQS,
	DCD_CNT_POLLS,
	DCD_CNT_CACHE_FLUSHES,
	DCD_CNT_CACHE_FLUSHES_SKIPPED,
	DCD_CNT_NR
};

/* Most failed Release DC commands kept for retry */
#define DCD_RETRY_MAX	64

/**
 * struct dcd_retry - a Release DC the device has not acknowledged yet
 * @r: the DPA range
 * @tries: attempts so far
 * @next: jiffies of the next attempt
 */
struct dcd_retry {
	struct dcd_range r;
	unsigned int tries;
	unsigned long next;
};

struct dcd_dev;
struct dcd_dax;

/**
 * enum dcd_busy - why a DAX device's range cannot be released (yet)
 * @DCD_BUSY_NONE: it can
 * @DCD_BUSY_SYSTEM_RAM: it intersects System RAM (kmem added it)
 * @DCD_BUSY_DRIVER: a driver other than device_dax is bound (kmem)
 * @DCD_BUSY_OPEN: its character device is open or mapped
 * @DCD_BUSY_PINNED: a page holds a reference beyond its idle one (a
 *	FOLL_LONGTERM pin, get_user_pages())
 * @DCD_BUSY_UNVERIFIABLE: device_dax was unbound while a page was
 *	referenced: the memmap is gone, the range can never be verified
 * @DCD_BUSY_FENCING: not fenced in this round yet (round full)
 * @DCD_BUSY_NR: number of reasons
 */
enum dcd_busy {
	DCD_BUSY_NONE,
	DCD_BUSY_SYSTEM_RAM,
	DCD_BUSY_DRIVER,
	DCD_BUSY_OPEN,
	DCD_BUSY_PINNED,
	DCD_BUSY_UNVERIFIABLE,
	DCD_BUSY_FENCING,
	DCD_BUSY_NR
};

/**
 * enum dcd_delay - root-only test hooks that widen race windows (debugfs
 *	cxl_dcd/delay_*_ms, default 0)
 * @DCD_DELAY_RELEASE: after a release round was selected, before its DAX
 *	devices are fenced
 * @DCD_DELAY_FENCE: inside a fence, after the open check, before the kill
 * @DCD_DELAY_NR: number of hooks
 */
enum dcd_delay {
	DCD_DELAY_RELEASE,
	DCD_DELAY_FENCE,
	DCD_DELAY_NR
};

/**
 * struct dcd_region_ctx - a DC region this module drives (region.c)
 * @node: entry in &dcd_dev.regions, under &dcd_dev.lock
 * @dcd: the memdev's state; NULL once the memdev went away (under dcd_lock)
 * @cxlr_dax: the dax_regionX device (the extent devices' parent)
 * @id: region id (X of regionX and dax_regionX)
 * @dpa: DPA range of the endpoint decoder (1-way only)
 * @hpa_start: HPA of the region's first byte
 * @hpa_len: HPA size of the region
 * @ids: per-region extent ids (Y of extentX.Y)
 * @ref: the region driver's reference plus one per extent device
 * @nr_edevs: extent devices registered under @cxlr_dax
 */
struct dcd_region_ctx {
	struct list_head node;
	struct dcd_dev *dcd;
	struct device *cxlr_dax;
	int id;
	struct dcd_range dpa;
	u64 hpa_start;
	u64 hpa_len;
	struct ida ids;
	struct kref ref;
	atomic_t nr_edevs;
};

/**
 * struct dcd_extent_dev - the extentX.Y device of an accepted extent
 * @dev: the device, a child of dax_regionX, on the cxl bus
 * @dcd: owning memdev state; valid while @dev is registered
 * @rgn: owning region; valid while @dev is registered
 * @ext: the extent (immutable)
 * @offset: HPA offset in the region
 * @id: Y of extentX.Y
 * @state: enum dcd_ext_state, read locklessly by show()
 * @node: entry on &dcd_dev.dead while waiting to be unregistered
 * @dax: its DAX device (dax.c), or NULL; the members of a merged tag group
 *	share one
 * @group: enum dcd_grp: how its tag group maps to DAX devices, read
 *	locklessly by show()
 * @dax_done: its DAX device was created, or attempted (under dcd->lock)
 * @busy: enum dcd_busy: why its release waits, read locklessly by show()
 */
struct dcd_extent_dev {
	struct device dev;
	struct dcd_dev *dcd;
	struct dcd_region_ctx *rgn;
	struct dcd_extent ext;
	u64 offset;
	int id;
	int state;
	struct list_head node;
	struct dcd_dax *dax;
	int group;
	bool dax_done;
	int busy;
};

struct dcd_dev;

/**
 * struct dcd_ops - calls from a lower layer into an upper one
 * @kick: run the event work soon (events.c, dcd_kick())
 * @kick_later: run it after a delay in jiffies (events.c, dcd_kick_later())
 * @release_range: mark a range release-pending (release_mark.c,
 *	__dcd_release_range()), from an extent device's release store
 * @release_run: run the release pipeline (release.c, dcd_release_run())
 *
 * The layers (drivers-cxl/README) call only downward; the DAX devices,
 * the extent devices and the release pipeline reach the event work, and
 * an extent device's store the release pipeline, through these. main.c
 * sets &dcd_dev.ops when it allocates the state.
 */
struct dcd_ops {
	void (*kick)(struct dcd_dev *dcd);
	void (*kick_later)(struct dcd_dev *dcd, unsigned long delay);
	int (*release_range)(struct dcd_dev *dcd, u64 dpa, u64 len, bool user);
	void (*release_run)(struct dcd_dev *dcd, bool unregister);
};

/**
 * struct dcd_dev - cxl_dcd.ko state of one DC-capable memdev
 * @node: entry in dcd_devs (dcd_lock and dcd_devs_lock: main.c)
 * @listed: in dcd_devs (under dcd_devs_lock; cleared under dcd_lock too)
 * @kref: dcd_devs' reference, plus one per user outside dcd_lock
 * @cxlmd: the memdev; a reference on @cxlmd->dev is held
 * @cxlds: the memdev's device state, valid while @live
 * @pdev: the PCI device (parent of @cxlmd), a reference is held
 * @cfg: validated DC configuration, immutable after probe
 * @total_size: sum of the region lengths, in bytes
 * @dc_end: end of the DC span (base of region 0 is 0 on supported devices)
 * @part_patched: we made ram_res describe the DC span
 * @ram_size_attr: memX/dynamic_ram_1/size
 * @ram_attrs: NULL terminated pointers for @ram_group
 * @ram_group: the memX/dynamic_ram_1 group
 * @ram_group_added: @ram_group was created
 * @dcd_kobj: memX/dcd, or NULL
 * @count_attr: memX/dcd/region_count
 * @orphans_attr: memX/dcd/orphans
 * @release_attr: memX/dcd/release_extent
 * @rsys: memX/dcd/regionN directories, @cfg.nr_regions of them
 * @rel_lock: one release pipeline at a time (release.c), before @lock
 * @lock: protects everything below, and serialises our mailbox commands
 * @live: cxl_pci is bound and the mailbox may be used (under @lock)
 * @stopping: no new work may be queued (under @lock and @kick_lock)
 * @kick_lock: orders queueing work with @stopping
 * @events_on: event interrupt policy applied, interrupts/polls running
 * @fw_first: firmware owns the event logs: never touch them
 * @irq: requested IRQ numbers (0: none)
 * @irq_name: name shown in /proc/interrupts
 * @regions: &struct dcd_region_ctx of the DC regions over this memdev
 * @set: extents the host tracks (L's extent set)
 * @chain: the More chain being staged
 * @chain_seen: records were received for @chain (a response is owed)
 * @resync: re-read the extent list at the next work run
 * @scan_pending: the first read of the device's extent list (orphans) is
 *	still owed: probed from the cxl bus notifier, which must not take
 *	@lock; done by the first taker of @lock (__dcd_scan_pending())
 * @retry: failed Release DC commands, retried from the work
 * @nr_retry: entries in @retry
 * @nr_pending: release-pending extents (read locklessly by the work)
 * @dead: extent devices to unregister once @lock is dropped
 * @daxs: the DAX devices of this memdev's extents (dax.c)
 * @recheck_ms: backoff of the release re-check (release.c)
 * @cnt: counters
 * @rej: rejections by reason (enum dcd_rej)
 * @warned_uuid: a record with a foreign UUID was logged once
 * @warned_type: a record of an unknown type was logged once
 * @flush_logged: the first CPU cache write-back/invalidate before exposing
 *	an extent ([0]) and before a release ([1]) was logged
 * @warned_flush: "cannot invalidate CPU caches" was logged once
 * @flush_work: the cache flush for an Add chain, run on system_unbound_wq
 *	while the response is sent and the extent devices are registered
 *	(__dcd_flush_start()); takes no lock
 * @flush_rc: its result, read after flush_work()
 * @flush_queued: @flush_work was queued and its result not used yet
 *	(under @lock)
 * @buf: a mailbox payload sized buffer (under @lock)
 * @buf2: a second one
 * @extbuf: extents of a Get DC Extent List read (under @lock)
 * @slots: DCD_EXTENTS_MAX slot indexes of scratch (under @lock)
 * @work: the event and release work (on dcd_wq; one per memdev)
 * @start_work: cxl_pci bound: read the extent list, start events (main.c)
 * @unbind_res: devres tearing the state down at cxl_pci unbind (main.c)
 * @unbind_watched: @unbind_res was added to the PCI device (its device
 *	lock held)
 * @poll: periodic poll of the Event Status register
 * @recheck: runs @work after @recheck_ms (release.c backoff)
 * @dbg: debugfs directory
 * @inject_armed: test hook: tag the next Add chain with @inject_tag
 * @inject_tag: the tag (debugfs inject_tag; under @lock)
 * @ops: callbacks into the upper layers
 */
struct dcd_dev {
	struct list_head node;
	bool listed;
	struct kref kref;
	struct cxl_memdev *cxlmd;
	struct cxl_dev_state *cxlds;
	struct device *pdev;
	struct dcd_config cfg;
	u64 total_size;
	u64 dc_end;
	bool part_patched;
	struct device_attribute ram_size_attr;
	struct attribute *ram_attrs[2];
	struct attribute_group ram_group;
	bool ram_group_added;
	struct kobject *dcd_kobj;
	struct kobj_attribute count_attr;
	struct kobj_attribute orphans_attr;
	struct kobj_attribute release_attr;
	struct dcd_region_sysfs rsys[DCD_MAX_REGIONS];

	/* one release pipeline at a time; taken before @lock */
	struct mutex rel_lock;
	/* extents, chain, regions, counters, retries; serialises our commands */
	struct mutex lock;
	bool live;
	bool stopping;
	/* orders queue_work() with @stopping; innermost */
	spinlock_t kick_lock;
	bool events_on;
	bool fw_first;
	int irq[2];
	char irq_name[32];
	struct list_head regions;
	struct dcd_extent_set *set;
	struct dcd_chain *chain;
	bool chain_seen;
	bool resync;
	bool scan_pending;
	struct dcd_retry retry[DCD_RETRY_MAX];
	unsigned int nr_retry;
	unsigned int nr_pending;
	struct list_head dead;
	struct list_head daxs;
	unsigned int recheck_ms;
	u64 cnt[DCD_CNT_NR];
	u64 rej[DCD_REJ_NR];
	bool warned_uuid;
	bool warned_type;
	bool flush_logged[2];
	bool warned_flush;
	struct work_struct flush_work;
	int flush_rc;
	bool flush_queued;
	void *buf;
	void *buf2;
	struct dcd_extent *extbuf;
	u32 *slots;
	struct work_struct work;
	struct work_struct start_work;
	struct dcd_dev **unbind_res;
	bool unbind_watched;
	struct delayed_work poll;
	struct delayed_work recheck;
	struct dentry *dbg;
	bool inject_armed;
	u8 inject_tag[DCD_TAG_SIZE];
	const struct dcd_ops *ops;
};

/* extdev.c: the dcd guard's unlock, and a lock/unlock for it alone */
void dcd_unlock(struct dcd_dev *dcd);
void dcd_unregister_dead(struct dcd_dev *dcd);

/*
 * dcd->lock is taken and dropped through these guards only.
 *
 * dcd: dropping the lock unregisters the extent devices queued on
 * &dcd_dev.dead meanwhile (dcd_unlock(), extdev.c), once the lock is
 * dropped: unregistering waits for the devices' sysfs callbacks, which
 * take dcd->lock. dcd_intr takes the lock interruptibly.
 *
 * dcd_keep: dropping the lock leaves &dcd_dev.dead queued for the next
 * dcd guard. Where unregistering would wait for the caller itself (an
 * extent device's own release store, extdev.c, and the release pipeline
 * run from it, dcd_release_run() with @unregister false) and where the
 * lock was always dropped without unregistering (readers, start and stop
 * of the events, teardown of the DAX devices). dcd_keep_intr takes the
 * lock interruptibly.
 *
 * dcd_unlocked: the other way round, dcd->lock held around the scope and
 * dropped inside it (the release pipeline's fence step).
 */
DEFINE_GUARD(dcd, struct dcd_dev *, mutex_lock(&_T->lock), dcd_unlock(_T))
DEFINE_GUARD_COND(dcd, _intr, mutex_lock_interruptible(&_T->lock) == 0)
DEFINE_GUARD(dcd_keep, struct dcd_dev *, mutex_lock(&_T->lock),
	     mutex_unlock(&_T->lock))
DEFINE_GUARD_COND(dcd_keep, _intr, mutex_lock_interruptible(&_T->lock) == 0)
DEFINE_GUARD(dcd_unlocked, struct dcd_dev *, mutex_unlock(&_T->lock),
	     mutex_lock(&_T->lock))

/* main.c */
extern bool dcd_use_irq;
extern unsigned int dcd_poll_ms;
extern unsigned int dcd_chain_timeout_ms;
extern struct workqueue_struct *dcd_wq;
extern struct mutex dcd_lock;
extern bool dcd_test_fail_probe;
struct dcd_dev *dcd_find_pdev(struct device *pdev);
struct dcd_dev *dcd_find_memdev(struct cxl_memdev *cxlmd);
void dcd_get(struct dcd_dev *dcd);
void dcd_put(struct dcd_dev *dcd);

/* partition.c */
int dcd_partition_setup(struct dcd_dev *dcd, const char **why);
void dcd_partition_reparse_cdat(struct cxl_memdev *cxlmd);

/* events.c */
void dcd_events_start(struct dcd_dev *dcd);
void dcd_events_stop(struct dcd_dev *dcd);
void dcd_kick(struct dcd_dev *dcd);
void dcd_kick_later(struct dcd_dev *dcd, unsigned long delay);
void dcd_work_fn(struct work_struct *work);
void dcd_poll_fn(struct work_struct *work);
void dcd_recheck_fn(struct work_struct *work);

/* extent.c */
int dcd_extents_init(struct dcd_dev *dcd);
void dcd_extents_free(struct dcd_dev *dcd);
struct dcd_region_ctx *__dcd_region_nth(struct dcd_dev *dcd, u32 idx);
struct dcd_region_ctx *__dcd_region_of(struct dcd_dev *dcd, u64 dpa, u64 len);
void __dcd_slot_place(struct dcd_dev *dcd, u32 i, struct dcd_region_ctx *rgn);
int __dcd_track(struct dcd_dev *dcd, const struct dcd_extent *ext,
		struct dcd_region_ctx *rgn);
void __dcd_untrack(struct dcd_dev *dcd, u32 i);

/* tags.c */
void __dcd_tag_get(struct dcd_dev *dcd, const u8 *tag);
void __dcd_tag_put(struct dcd_dev *dcd, const u8 *tag);
void dcd_tags_drop(struct dcd_dev *dcd);
void __dcd_tags_validate(struct dcd_dev *dcd, struct dcd_validate_ctx *ctx);
void __dcd_tags_unreserve(struct dcd_dev *dcd);

/* add.c */
void __dcd_handle_record(struct dcd_dev *dcd, const struct dcd_event *ev);
void __dcd_chain_finish(struct dcd_dev *dcd, bool timeout);

/* release_mark.c */
void __dcd_handle_release(struct dcd_dev *dcd, const struct dcd_event *ev,
			  bool forced);
int __dcd_release_range(struct dcd_dev *dcd, u64 dpa, u64 len, bool user);

/* resync.c */
int __dcd_read_extent_list(struct dcd_dev *dcd, u32 *nr);
int __dcd_resync(struct dcd_dev *dcd, bool adopt);
void __dcd_scan_pending(struct dcd_dev *dcd);

/* attach.c */
void __dcd_region_attach(struct dcd_dev *dcd, struct dcd_region_ctx *rgn);
u32 __dcd_region_detach(struct dcd_dev *dcd, struct dcd_region_ctx *rgn,
			bool release);
void __dcd_extents_orphan_all(struct dcd_dev *dcd);

/* extdev.c */
extern struct wait_queue_head dcd_rgn_wq;
const char *dcd_state_name(int state);
void dcd_rgn_free(struct kref *kref);
void dcd_rgn_get(struct dcd_region_ctx *rgn);
void dcd_rgn_put(struct dcd_region_ctx *rgn);
struct dcd_extent_dev *dcd_extdev_add(struct dcd_dev *dcd,
				      struct dcd_region_ctx *rgn,
				      const struct dcd_extent *ext, int state);
void dcd_extdev_set_state(struct dcd_extent_dev *edev, int state);
void __dcd_extdev_kill(struct dcd_dev *dcd, struct dcd_extent_dev *edev);

/* dax.c */
extern bool dcd_kmem;
int dcd_dax_init(void);
void dcd_dax_exit(void);
void __dcd_dax_add(struct dcd_dev *dcd, struct dcd_extent_dev **edevs,
		   u32 nr);
const char *dcd_busy_name(enum dcd_busy b);
enum dcd_busy dcd_dax_check(struct dcd_dax *dd);
enum dcd_busy dcd_dax_fence(struct dcd_dax *dd, bool force);
void dcd_dax_force_fenced(struct dcd_dax *dd);
void dcd_dax_unbind(struct dcd_dax *dd);
void dcd_dax_delete(struct dcd_dax *dd);
void dcd_dax_get(struct dcd_dax *dd);
void dcd_dax_put(struct dcd_dax *dd);
const char *dcd_dax_name(struct dcd_dax *dd);
void dcd_dax_retire(struct dcd_dax *dd, bool gone);
void dcd_dax_unlink(struct dcd_extent_dev *edev);
struct dcd_dax *__dcd_dax_find(struct dcd_dev *dcd, u64 dpa, u64 len);
u32 __dcd_dax_count(struct dcd_dev *dcd, u64 dpa, u64 len, bool *gone);
struct dcd_dax *__dcd_dax_first(struct dcd_dev *dcd);
struct dcd_dax *__dcd_dax_next_gone(struct dcd_dev *dcd, struct dcd_dax *prev);
bool __dcd_dax_gone_left(struct dcd_dev *dcd);
void __dcd_dax_list_del(struct dcd_dev *dcd, struct dcd_dax *dd);
void __dcd_flush_caches(struct dcd_dev *dcd, bool release);
void __dcd_flush_start(struct dcd_dev *dcd);
void dcd_flush_fn(struct work_struct *work);
u32 __dcd_committed(struct dcd_dev *dcd, struct dcd_range *r, u32 max);
void __dcd_dax_populate(struct dcd_dev *dcd);

/* release.c */
void dcd_release_run(struct dcd_dev *dcd, bool unregister);
void dcd_release_teardown(struct dcd_dev *dcd);
int __dcd_send_release(struct dcd_dev *dcd, const struct dcd_range *r, u32 nr,
		       bool queue);
void __dcd_retry_releases(struct dcd_dev *dcd);
bool __dcd_retry_overlaps(struct dcd_dev *dcd, u64 dpa, u64 len);
void __dcd_retry_add(struct dcd_dev *dcd, const struct dcd_range *r);

/* region.c */
int dcd_region_driver_init(void);
void dcd_region_driver_exit(void);
void dcd_regions_enable(void);
bool dcd_dax_cxl_present(void);

/* debugfs.c */
void dcd_debugfs_init(void);
void dcd_debugfs_exit(void);
void dcd_debugfs_add(struct dcd_dev *dcd);
void dcd_debugfs_remove(struct dcd_dev *dcd);
extern const char * const dcd_counter_names[DCD_CNT_NR];

/* fault.c */
extern u32 dcd_delay_ms[DCD_DELAY_NR];
extern u32 dcd_fail_release_dc;
void dcd_fault_delay(enum dcd_delay which);
bool dcd_fault_fail_release(void);

/* mbox.c */
int dcd_mbox_send(struct cxl_mailbox *mbox, u16 opcode, const void *in,
		  size_t in_size, void *out, size_t out_size, size_t min_out,
		  size_t *out_len);
int dcd_read_cel_dc_ops(struct cxl_memdev *cxlmd, u32 *mask,
			const char **why);
int dcd_get_dc_config(struct cxl_memdev *cxlmd, struct dcd_config *cfg,
		      struct dcd_cfg_status *st);
int __dcd_cmd(struct dcd_dev *dcd, u16 opcode, const void *in, size_t in_size,
	      void *out, size_t out_size, size_t min_out, size_t *out_len);

/* sysfs.c */
int dcd_sysfs_add(struct dcd_dev *dcd);
void dcd_sysfs_remove(struct dcd_dev *dcd);

#endif /* __CXL_DCD_CXL_DCD_H__ */
