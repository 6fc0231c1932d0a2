#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: mixed
# timeout: 300
"""A static volatile device beside a DCD: its ram region gets exactly what
dax_cxl would give (one DAX device over the whole region, kmem), while the DC
device's region exposes only accepted extents (one devdax device each)."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB  # noqa: E402
import json  # noqa: E402

with Scenario('mixed', plan=5) as s:
    dm, sm = s.memdevs['cxl-dcd0'], s.memdevs['cxl-vmem0']
    s.load()
    sr = s.create_region(sm)
    dr = s.create_region(dm)
    s.ok(sr != dr, 'regions over the static (%s) and the DC (%s) device' % (sr, dr))
    devs = json.loads(s.guest('daxctl list -D -r all 2>/dev/null || daxctl list -D') or '[]')
    if isinstance(devs, dict):
        devs = [devs]
    sizes = sorted(d.get('size', 0) for d in devs)
    s.ok(sizes == [512 * MiB], 'one DAX device of 512 MiB: the static region only', devs)
    s.ok(all(d.get('mode') == 'system-ram' for d in devs),
         'bound to kmem like dax_cxl does (memory added, offline by policy)', devs)
    s.add([(0, 128 * MiB)])
    got = s.wait_for(lambda: s.device_extents(dm))
    s.ok(got == [(0, 128 * MiB)], 'DC device still takes capacity', got)
    devs = s.wait_for(lambda: len(json.loads(s.guest('daxctl list -D') or '[]')) == 2 and
                      json.loads(s.guest('daxctl list -D')))
    s.ok(devs and sorted((d.get('size'), d.get('mode')) for d in devs) ==
         [(128 * MiB, 'devdax'), (512 * MiB, 'system-ram')],
         'the DC region exposes exactly the accepted extent: one 128 MiB devdax device', devs)
