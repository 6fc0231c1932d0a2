/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright(c) 2026 The cxl-dcd authors. */
#ifndef __CXL_DCD_COMPAT_H__
#define __CXL_DCD_COMPAT_H__

/**
 * DOC: cxl-dcd compat
 *
 * The one place that absorbs differences between the kernels cxl_dcd.ko
 * builds against, and the one place that includes the CXL private headers
 * (copied from the same-version linux-source by scripts/fetch-kheaders).
 * The generated layout_asserts.h follows them, so a kernel whose private
 * struct layouts differ from the copied headers fails the build.
 *
 * Differences are detected by feature probes in Kbuild, never by
 * LINUX_VERSION_CODE: distro kernels carry backports.
 */

#include <linux/ioport.h>
#include <linux/module.h>
#include "drivers/cxl/cxlmem.h"
#include "drivers/dax/bus.h"
#include "drivers/dax/dax-private.h"
#include "layout_asserts.h"

/*
 * Symbol namespaces are bare identifiers up to 6.12 and strings from 6.13
 * (Kbuild defines DCD_NS_STRING when include/linux/module.h stringifies no
 * more).
 */
#ifdef DCD_NS_STRING
#define DCD_IMPORT_NS_CXL()	MODULE_IMPORT_NS("CXL")
#define DCD_IMPORT_NS_DEVMEM()	MODULE_IMPORT_NS("DEVMEM")
#else
#define DCD_IMPORT_NS_CXL()	MODULE_IMPORT_NS(CXL)
#define DCD_IMPORT_NS_DEVMEM()	MODULE_IMPORT_NS(DEVMEM)
#endif

/*
 * rcu_expedite_gp() and rcu_unexpedite_gp() are exported (GPL) by Tree
 * RCU, every SMP distro kernel's, from 6.12 on, but declared only in the
 * private kernel/rcu/rcu.h.
 */
void rcu_expedite_gp(void);
void rcu_unexpedite_gp(void);

/*
 * A memdev without an endpoint port: cxlmd->endpoint is NULL up to 6.12,
 * ERR_PTR(-ENXIO) from creation until cxl_mem attaches it in later kernels
 * (and NULL again after the endpoint is removed).
 */
static inline struct cxl_port *dcd_memdev_endpoint(struct cxl_memdev *cxlmd)
{
	struct cxl_port *port = READ_ONCE(cxlmd->endpoint);

	return IS_ERR_OR_NULL(port) ? NULL : port;
}

/*
 * DPA partitions. Up to 6.12 (no struct cxl_dpa_info) a memdev has fixed
 * ram_res and pmem_res under dpa_res and no setter: the DC span is written
 * into the empty ram_res by hand and the empty pmem_res is parked at
 * [dc_end, dc_end - 1] (empty at 0 it would be [0, ~0] and would classify
 * every allocation as PMEM). From 6.15 (Kbuild defines DCD_HAVE_DPA_SETUP)
 * partitions are cxlds->part[] + nr_partitions, a DC-only device has none,
 * and the exported cxl_dpa_setup() registers one, under the DPA lock.
 * Neither kernel has a clearing helper; dcd_part_clear() is only called
 * with no DPA allocated from the span (see partition.c).
 */
#ifdef DCD_HAVE_DPA_SETUP
static inline struct resource *dcd_part_res(struct cxl_dev_state *cxlds)
{
	return &cxlds->part[0].res;
}

/* our single ram partition [0, dc_end), registered by an earlier load */
static inline bool dcd_part_is_ours(struct cxl_dev_state *cxlds, u64 dc_end)
{
	return cxlds->nr_partitions == 1 &&
	       cxlds->part[0].mode == CXL_PARTMODE_RAM &&
	       cxlds->part[0].res.start == 0 &&
	       cxlds->part[0].res.end == dc_end - 1 &&
	       cxlds->part[0].res.parent == &cxlds->dpa_res &&
	       cxlds->dpa_res.start == 0 && cxlds->dpa_res.end == dc_end - 1;
}

static inline bool dcd_part_has_static(struct cxl_dev_state *cxlds)
{
	return cxlds->nr_partitions != 0;
}

static inline bool dcd_part_busy(struct cxl_dev_state *cxlds)
{
	return cxlds->dpa_res.child;
}

static inline int dcd_part_register(struct cxl_dev_state *cxlds, u64 dc_end)
{
	struct cxl_dpa_info info = {
		.size = dc_end,
		.part[0] = {
			.range = { .start = 0, .end = dc_end - 1 },
			.mode = CXL_PARTMODE_RAM,
		},
		.nr_partitions = 1,
	};
	int rc;

	rc = cxl_dpa_setup(cxlds, &info);
	if (rc && !cxlds->nr_partitions)
		cxlds->dpa_res = DEFINE_RES_MEM(0, 0);
	return rc;
}

static inline void dcd_part_clear(struct cxl_dev_state *cxlds)
{
	release_resource(&cxlds->part[0].res);
	cxlds->nr_partitions = 0;
	cxlds->part[0].res = DEFINE_RES_MEM(0, 0);
	cxlds->part[0].perf.qos_class = CXL_QOS_CLASS_INVALID;
	cxlds->dpa_res = DEFINE_RES_MEM(0, 0);
}
#else
static inline struct resource *dcd_part_res(struct cxl_dev_state *cxlds)
{
	return &cxlds->ram_res;
}

static inline bool dcd_part_is_ours(struct cxl_dev_state *cxlds, u64 dc_end)
{
	return cxlds->ram_res.start == 0 && cxlds->ram_res.end == dc_end - 1 &&
	       cxlds->ram_res.parent == &cxlds->dpa_res &&
	       cxlds->dpa_res.start == 0 && cxlds->dpa_res.end == dc_end - 1 &&
	       resource_size(&cxlds->pmem_res) == 0;
}

static inline bool dcd_part_has_static(struct cxl_dev_state *cxlds)
{
	return resource_size(&cxlds->ram_res) ||
	       resource_size(&cxlds->pmem_res);
}

static inline bool dcd_part_busy(struct cxl_dev_state *cxlds)
{
	return cxlds->dpa_res.child || cxlds->ram_res.parent ||
	       cxlds->pmem_res.parent;
}

static inline int dcd_part_register(struct cxl_dev_state *cxlds, u64 dc_end)
{
	int rc;

	cxlds->dpa_res = DEFINE_RES_MEM_NAMED(0, dc_end, "dpa");
	cxlds->ram_res = DEFINE_RES_MEM_NAMED(0, dc_end, "ram");
	cxlds->pmem_res = DEFINE_RES_MEM_NAMED(dc_end, 0, "pmem");
	rc = request_resource(&cxlds->dpa_res, &cxlds->ram_res);
	if (rc) {
		cxlds->dpa_res = DEFINE_RES_MEM(0, 0);
		cxlds->ram_res = DEFINE_RES_MEM(0, 0);
		cxlds->pmem_res = DEFINE_RES_MEM(0, 0);
	}
	return rc;
}

static inline void dcd_part_clear(struct cxl_dev_state *cxlds)
{
	release_resource(&cxlds->ram_res);
	cxlds->dpa_res = DEFINE_RES_MEM(0, 0);
	cxlds->ram_res = DEFINE_RES_MEM(0, 0);
	cxlds->pmem_res = DEFINE_RES_MEM(0, 0);
}
#endif

/*
 * CPU cache write-back + invalidate for CXL memory: by resource descriptor
 * up to 6.x, by physical range later (Kbuild defines DCD_MEMREGION_RANGE);
 * the whole range matches what the descriptor form does.
 */
#ifdef DCD_MEMREGION_RANGE
#define dcd_cpu_cache_invalidate()	cpu_cache_invalidate_memregion(0, -1)
#else
#define dcd_cpu_cache_invalidate()	cpu_cache_invalidate_memregion(IORES_DESC_CXL)
#endif

#endif /* __CXL_DCD_COMPAT_H__ */
