#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd2
# timeout: 300
"""Two devices: extents go to the right device and region."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB  # noqa: E402

with Scenario('dcd2', plan=6) as s:
    m0, m1 = s.memdevs['cxl-dcd0'], s.memdevs['cxl-dcd1']
    s.load()
    r0 = s.create_region(m0)
    r1 = s.create_region(m1)
    s.ok(r0 != r1, 'one region per device: %s, %s' % (r0, r1))
    s.add([(0, 32 * MiB)], dev='cxl-dcd0', region=0)
    s.add([(16 * MiB, 64 * MiB)], dev='cxl-dcd1', region=1)
    g0 = s.wait_for(lambda: s.device_extents(m0))
    g1 = s.wait_for(lambda: s.device_extents(m1))
    s.ok(g0 == [(0, 32 * MiB)], '%s got its extent (DC region 0)' % m0, g0)
    s.ok(g1 == [(256 * MiB + 16 * MiB, 64 * MiB)], '%s got its extent (DC region 1)' % m1, g1)
    ext = s.wait_for(lambda: len(s.sysfs_extents()) == 2 and s.sysfs_extents())
    regions = s.guest('for r in %s; do basename $(ls -d /sys/bus/cxl/devices/$r/dax_region*); '
                      'done' % ' '.join((r0, r1))).split()
    by_region = {e['dax_region']: (e['dpa'], e['length']) for e in ext or []}
    s.ok(by_region == {regions[0]: (0, 32 * MiB), regions[1]: (272 * MiB, 64 * MiB)},
         'each extent object sits under its own device\'s DAX region', by_region)
    s.release([(0, 32 * MiB)], dev='cxl-dcd0')
    s.ok(s.wait_for(lambda: s.device_extents(m0) == []) is True or s.device_extents(m0) == [],
         'release on %s' % m0)
    s.ok(s.device_extents(m1) == [(272 * MiB, 64 * MiB)], '%s untouched' % m1)
