#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 400
"""One release range touching more than 64 extents releases all of them
(corner case 34): 66 adjacent 2 MiB extents, offered 8 at a time (QEMU's DC
log holds 8 records), then one QMP release of the whole range."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB  # noqa: E402

N = 66

with Scenario('dcd1', plan=6) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    region = s.create_region(m)
    s.ok(region.startswith('region'), 'DC region committed: %s' % region)
    exts = [(i * 2 * MiB, 2 * MiB) for i in range(N)]
    ok = True
    for i in range(0, N, 8):
        part = exts[i:i + 8]
        err = s.add(part)
        got = s.wait_for(lambda: len(s.device_extents(m)) == i + len(part) and
                         s.device_extents(m))
        if err is not None or not got or got[i:] != part:
            ok = s.ok(False, 'QMP add of extents %d..%d accepted' % (i, i + len(part) - 1),
                      '%s\n%s' % (err, got))
            break
    if ok:
        s.ok(True, '%d adjacent 2 MiB extents accepted, 8 per request' % N)
    host = s.wait_for(lambda: len(s.host_extents(m)) == N and s.host_extents(m))
    s.ok(host and len(host) == N, 'host tracks all %d' % N, len(host or []))
    s.ok(s.release([(0, N * 2 * MiB)]) is None,
         'one QMP release of the whole %d MiB range' % (N * 2))
    dev = s.wait_for(lambda: s.device_extents(m) == [] and not s.host_extents(m) and 'empty',
                     timeout=30)
    s.ok(dev == 'empty', 'device and host extent lists both empty',
         'device %s\nhost %s' % (s.device_extents(m), s.host_extents(m)))
    left = s.wait_for(lambda: s.sysfs_extents() == [] or None, timeout=30)
    s.ok(left is True, 'no extent objects left in sysfs', s.sysfs_extents())
