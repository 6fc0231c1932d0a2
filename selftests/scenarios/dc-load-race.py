#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 300
"""An offer queued while cxl_dcd was unloaded is accepted at the next load:
events start only after the committed DC regions are attached (corner case
41)."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB  # noqa: E402

with Scenario('dcd1', plan=12) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    region = s.create_region(m)
    s.ok(region.startswith('region'), 'DC region committed: %s' % region)
    for i in (1, 2):
        off = (i - 1) * 64 * MiB
        rc, out = s.guest_rc('rmmod cxl_dcd')
        s.ok(rc == 0, 'round %d: rmmod cxl_dcd with the region committed' % i, out)
        s.ok(s.add([(off, 64 * MiB)]) is None,
             'round %d: QMP add while the module is unloaded' % i)
        s.load()
        got = s.wait_for(lambda: (off, 64 * MiB) in s.device_extents(m) and
                         s.device_extents(m))
        s.ok(got and (off, 64 * MiB) in got,
             'round %d: device lists the queued extent as accepted' % i, got)
        host = s.wait_for(lambda: [e for e in s.host_extents(m)
                                   if e[:3] == (off, 64 * MiB, 'accepted')])
        s.ok(host, 'round %d: host tracks it as accepted in the region' % i,
             s.host_extents(m))
        c = s.counters(m)
        s.ok(c.get('rejected_no_region') == 0,
             'round %d: nothing rejected for want of a region' % i, c)
    s.ok(len(s.sysfs_extents()) == 2, 'two extent objects in sysfs')
