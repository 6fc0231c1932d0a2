// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
#include <linux/delay.h>
#include <linux/minmax.h>
#include "cxl_dcd.h"

/**
 * DOC: cxl-dcd fault hooks
 *
 * Test hooks that widen the race windows of the release pipeline (enum
 * dcd_delay) by sleeping there. Their knobs are the debugfs files
 * delay_release_ms and delay_fence_ms (debugfs.c); they call nothing of
 * the module, so the lowest layers may use them.
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
