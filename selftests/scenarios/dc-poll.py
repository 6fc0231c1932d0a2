#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 300
"""Interrupt mode takes events by IRQ; polling mode (use_irq=0) works too."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB, irq_count  # noqa: E402


with Scenario('dcd1', plan=6) as s:
    m = s.memdevs['cxl-dcd0']
    s.load('use_irq=1')
    s.create_region(m)
    before, c0 = irq_count(s, m), s.counters(m).get('irqs', 0)
    s.add([(0, 32 * MiB)])
    got = s.wait_for(lambda: s.device_extents(m))
    s.ok(got == [(0, 32 * MiB)], 'interrupt mode: extent accepted', got)
    after, c1 = irq_count(s, m), s.counters(m).get('irqs', 0)
    s.ok(None not in (before, after) and after > before and c1 > c0,
         'interrupt mode: the IRQ count on cxl_dcd:%s rose, its handler saw the DC event' % m,
         '%s\n%s' % (s.guest('grep cxl_dcd /proc/interrupts || true'), s.counters(m)))
    s.guest('rmmod cxl_dcd')
    s.load('use_irq=0 poll_ms=200')
    s.ok('cxl_dcd' not in s.guest('cat /proc/interrupts'), 'polling mode: no IRQ requested')
    host = s.wait_for(lambda: s.host_extents(m))
    s.ok(host and host[0][:3] == (0, 32 * MiB, 'accepted'), 'polling mode: extent re-adopted', host)
    s.add([(64 * MiB, 32 * MiB)])
    got = s.wait_for(lambda: len(s.device_extents(m)) == 2 and s.device_extents(m), timeout=10)
    s.ok(got == [(0, 32 * MiB), (64 * MiB, 32 * MiB)], 'polling mode: add accepted', got)
    s.release([(64 * MiB, 32 * MiB)])
    got = s.wait_for(lambda: s.device_extents(m) == [(0, 32 * MiB)], timeout=10)
    s.ok(got is True, 'polling mode: release completed', s.device_extents(m))
