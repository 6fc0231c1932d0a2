#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 400
"""Add and release with a committed DC region (issue 3 acceptance).

One extent, a chain of 3 (offer order), 8 in one request, 9 in one request
(QEMU's 8-record log overflows: no hang, host and device agree), a release of
an unused extent. (An offer overlapping accepted capacity: dc-overlap.py.)
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB  # noqa: E402

R1 = 256 * MiB          # DC region 1 base DPA on dcd1 (2 x 256 MiB)

with Scenario('dcd1', plan=18) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    region = s.create_region(m)
    s.ok(region.startswith('region'), 'stock cxl create-region -t ram over %s: %s' % (m, region))
    s.ok(s.device_extents(m) == [], 'device extent list starts empty')

    # one extent: DC region 0, offset 0, 128 MiB
    s.ok(s.add([(0, 128 * MiB)]) is None, 'QMP add of one 128 MiB extent')
    got = s.wait_for(lambda: s.device_extents(m))
    s.ok(got == [(0, 128 * MiB)], 'device lists the extent at DPA 0x0, 128 MiB', got)
    ext = s.wait_for(lambda: s.sysfs_extents())
    s.ok(len(ext) == 1 and ext[0]['dpa'] == 0 and ext[0]['length'] == 128 * MiB and
         ext[0]['offset'] == 0 and ext[0]['state'] == 'accepted',
         'sysfs extent object: dpa 0x0, length 128 MiB, region offset 0x0, accepted', ext)
    s.ok([e[:3] for e in s.host_extents(m)] == [(0, 128 * MiB, 'accepted')],
         'host tracks the extent as accepted', s.host_extents(m))

    # a chain of 3 in DC region 1: accepted in offer order
    offer = [(64 * MiB, 16 * MiB), (0, 32 * MiB), (128 * MiB, 2 * MiB)]
    s.ok(s.add(offer, region=1) is None, 'QMP add of a 3-extent chain (More-chained records)')
    want = [(0, 128 * MiB)] + [(R1 + o, n) for o, n in offer]
    got = s.wait_for(lambda: s.device_extents(m) if len(s.device_extents(m)) == 4 else None)
    s.ok(got == want, 'all 3 accepted, device list in offer order', '%s\nwant %s' % (got, want))
    ext = {(e['dpa'], e['length'], e['offset']) for e in s.sysfs_extents()}
    s.ok(ext == {(d, n, d) for d, n in want},
         'sysfs shows 4 extents with region offset = DPA (region starts at DPA 0)', ext)

    # release an unused extent
    s.ok(s.release([(0, 32 * MiB)], region=1) is None, 'QMP release of an unused extent')
    got = s.wait_for(lambda: (R1, 32 * MiB) not in s.device_extents(m) and s.device_extents(m))
    s.ok(got and (R1, 32 * MiB) not in got and len(got) == 3,
         'released extent gone from the device list', got)
    hx = s.wait_for(lambda: [e for e in s.host_extents(m) if e[0] == R1] == [] and
                    s.host_extents(m))
    s.ok(hx and len(hx) == 3, 'released extent gone from the host list', hx)
    s.ok(len(s.sysfs_extents()) == 3, 'released extent object removed from sysfs')

    # an offer overlapping accepted capacity: QEMU refuses it itself, so the
    # module's refusal is tested in dc-overlap.py (the device made to forget)

    # 8 extents in one request: all accepted
    eight = [(160 * MiB + i * 4 * MiB, 2 * MiB) for i in range(8)]
    s.ok(s.add(eight) is None, 'QMP add of 8 extents in one request')
    got = s.wait_for(lambda: len(s.device_extents(m)) == 11 and s.device_extents(m))
    s.ok(got and got[3:] == [(o, n) for o, n in eight], 'all 8 accepted in offer order', got)

    # 9 in one request: QEMU's DC log holds 8, the 9th record is dropped
    nine = [(200 * MiB + i * 4 * MiB, 2 * MiB) for i in range(9)]
    c0 = s.counters(m)
    s.ok(s.add(nine, region=1) is None, 'QMP add of 9 extents in one request (log overflows)')
    # judged once the module has answered the truncated chain (its response
    # counter moved), then the lists must agree
    s.wait_for(lambda: s.counters(m).get('responses', 0) > c0.get('responses', 0), timeout=60)
    s.wait_for(lambda: sorted(s.device_extents(m)) ==
               sorted((d, n) for d, n, st, _ in s.host_extents(m) if st == 'accepted'))
    dev, host = s.device_extents(m), s.host_extents(m)
    hostset = sorted((d, n) for d, n, st, _ in host if st == 'accepted')
    s.ok(sorted(dev) == hostset, 'after overflow host and device lists agree',
         'device %s\nhost %s' % (sorted(dev), hostset))
    s.ok(len(s.guest('ls /sys/module/cxl_dcd')) > 0 and s.add([(500 * MiB - 256 * MiB, 2 * MiB)],
                                                                region=1) is None and
         s.wait_for(lambda: (R1 + 244 * MiB, 2 * MiB) in s.device_extents(m)),
         'events still flow after the overflow (next add accepted)')
