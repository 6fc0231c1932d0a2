// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/delay.h>
#include <linux/minmax.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd fault hooks
 *
 * Test hooks that widen the race windows of the release pipeline (enum
 * dcd_delay) by sleeping there, and one that fails Release DC commands
 * unsent, as a device that did not take them would (its retry queue).
 * Their knobs are the debugfs files delay_release_ms, delay_fence_ms and
 * fail_release_dc (debugfs.c); they call nothing of the module, so the
 * lowest layers may use them.
 */

u32 dcd_delay_ms[DCD_DELAY_NR];

/**
 * dcd_fault_delay() - sleep where a test asked to widen a race window
 * @which: the hook
 *
 * Context: process context, no spinlock held.
 */
void dcd_fault_delay(enum dcd_delay which)
{
	u32 ms = READ_ONCE(dcd_delay_ms[which]);

	if (ms)
		msleep(min(ms, 60000U));
}

u32 dcd_fail_release_dc;

/**
 * dcd_fault_fail_release() - fail this Release DC instead of sending it
 *
 * The knob holds how many of the next Release DC commands (of any memdev)
 * fail with -EIO; each use counts it down.
 *
 * Context: dcd->lock held (one memdev's commands in order; the count is
 * only approximate between memdevs, which tests do not mix).
 * Return: true if the command must fail unsent.
 */
bool dcd_fault_fail_release(void)
{
	u32 n = READ_ONCE(dcd_fail_release_dc);

	if (!n)
		return false;
	WRITE_ONCE(dcd_fail_release_dc, n - 1);
	return true;
}
