// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/device.h>
#include <linux/ioport.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd partition
 *
 * Linux 6.12 knows two DPA partitions, ram and pmem, and no DC one. We make
 * the empty ram partition describe the DC span so the stock region code
 * (decoder mode "ram", dpa_size, create_ram_region, commit) builds regions
 * over DC capacity: dpa_res becomes [0, dc_end), ram_res the DC span,
 * inserted under dpa_res, and the empty pmem_res is parked at
 * [dc_end, dc_end - 1] (an empty partition at 0 would be [0, ~0] and would
 * swallow every allocation, classifying it PMEM). Later kernels keep a
 * partition array, empty on a DC-only device, and the DC span becomes its
 * one ram partition through cxl_dpa_setup(); compat.h hides the difference.
 *
 * On 6.12 there is no exported setter and cxl_dpa_rwsem is private; on 7.x
 * cxl_dpa_setup() takes the DPA lock but nothing clears partitions. So the
 * patch is done only when nothing can race it: at memdev BUS_NOTIFY_ADD_DEVICE
 * (before cxl_mem and the endpoint decoders exist), or later if no DPA is
 * allocated (decoder mode writes fail on a device whose partitions are
 * empty, so no allocation can start meanwhile). A partition patched by an
 * earlier load of this module is adopted as is; one is never restored (that
 * would need cxl_core's private DPA lock): it stays until the memdev goes.
 * Devices with static capacity (mixed static + DC) are refused.
 */

/**
 * dcd_partition_setup() - register the DC span as the ram partition
 * @dcd: memdev state with a validated configuration
 * @why: set to the reason on failure
 *
 * Context: process context; memdev parent locked, dcd_probe_lock held.
 * Return: 0 (patched or adopted), 1 if patched after the endpoint probed
 * (call dcd_partition_reparse_cdat() without dcd_probe_lock), -EBUSY if
 * DPA is in use, -EOPNOTSUPP for a device with static capacity or a DC span
 * not starting at DPA 0.
 */
int dcd_partition_setup(struct dcd_dev *dcd, const char **why)
{
	struct cxl_dev_state *cxlds = dcd->cxlds;
	struct cxl_memdev *cxlmd = dcd->cxlmd;
	const struct dcd_region *last = &dcd->cfg.region[dcd->cfg.nr_regions - 1];
	u64 dc_end = last->base + last->len;
	int rc;

	/* config.c lets a region end at 2^64: no resource can end there */
	if (!dc_end) {
		*why = "DC span ends at 2^64";
		return -EOPNOTSUPP;
	}
	dcd->dc_end = dc_end;
	if (dcd_part_is_ours(cxlds, dc_end)) {
		dev_dbg(&cxlmd->dev, "adopted patched partition %pr\n",
			dcd_part_res(cxlds));
		dcd->part_patched = true;
		return 0;
	}
	if (dcd_part_has_static(cxlds)) {
		*why = "device has static capacity (mixed static and DC devices are not supported)";
		return -EOPNOTSUPP;
	}
	if (dcd->cfg.region[0].base != 0) {
		*why = "DC regions do not start at DPA 0";
		return -EOPNOTSUPP;
	}
	if (dcd_part_busy(cxlds)) {
		*why = "DPA already in use";
		return -EBUSY;
	}

	rc = dcd_part_register(cxlds, dc_end);
	if (rc) {
		*why = "cannot insert the DC partition";
		return rc;
	}
	dcd->part_patched = true;
	dev_dbg(&cxlmd->dev, "DC span registered as ram partition %pr\n",
		dcd_part_res(cxlds));

	/* late adoption: the endpoint parsed CDAT against empty partitions */
	return dcd_memdev_endpoint(cxlmd) ? 1 : 0;
}

/**
 * dcd_partition_reparse_cdat() - recompute the partition's performance data
 * @cxlmd: memdev whose partition was patched after its endpoint probed
 *
 * Context: process context, memdev parent locked, no lock of ours held
 * (takes the endpoint's device lock, which region teardown holds while it
 * takes dcd_lock).
 */
void dcd_partition_reparse_cdat(struct cxl_memdev *cxlmd)
{
	struct cxl_port *endpoint = dcd_memdev_endpoint(cxlmd);
	struct device *edev;

	if (!endpoint)
		return;
	edev = &endpoint->dev;
	device_lock(edev);
	if (edev->driver)
		cxl_endpoint_parse_cdat(endpoint);
	device_unlock(edev);
}
