#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 300
"""No region, no accept: offers outside a committed DC region are rejected."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB  # noqa: E402



def answered(s, m, c0):
    """The counters once the module has rejected one more offer for want of a
    region and sent its response, else None."""
    c = s.counters(m)
    if (c.get('rejected_no_region', 0) > c0.get('rejected_no_region', 0) and
            c.get('responses', 0) > c0.get('responses', 0)):
        return c
    return None


with Scenario('dcd1', plan=9) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    # negatives are judged once the module has answered the offer (its
    # response and rejection counters moved), not after a while
    c0 = s.counters(m)
    s.ok(s.add([(0, 64 * MiB)]) is None, 'QMP add without any region')
    c1 = s.wait_for(lambda: answered(s, m, c0))
    s.ok(c1 and s.device_extents(m) == [], 'rejected: device extent list stays empty',
         '%s\n%s' % (s.device_extents(m), c1))
    s.ok(s.host_extents(m) == [], 'host tracks nothing')
    # the rejected offer was answered: the next one is not stuck behind it
    region = s.create_region(m, size=256 * MiB)
    s.ok(region.startswith('region'), 'region over DC region 0 only (256 MiB): %s' % region)
    c0 = s.counters(m)
    s.ok(s.add([(0, 64 * MiB)], region=1) is None, 'QMP add in DC region 1 (no committed region)')
    c1 = s.wait_for(lambda: answered(s, m, c0))
    s.ok(c1 and s.device_extents(m) == [], 'rejected: outside the committed region',
         '%s\n%s' % (s.device_extents(m), c1))
    s.ok(s.add([(0, 64 * MiB)], region=0) is None, 'QMP add in DC region 0')
    got = s.wait_for(lambda: s.device_extents(m))
    s.ok(got == [(0, 64 * MiB)], 'accepted inside the committed region', got)
    c = s.counters(m)
    s.ok(c.get('rejected_no_region', 0) >= 2, 'counters count 2 "no region" rejections', c)
