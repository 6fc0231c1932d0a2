#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 300
"""dcdctl against a real guest: `list` shows an accepted extent with its DAX
device, `online` makes it movable system RAM (idempotent), `offline` gives
it back to devdax so a release completes, and a gone extent is "not found"."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, dcdctl_extents, MiB, ext_dax, memtotal  # noqa: E402



with Scenario('dcd1', plan=6) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    s.create_region(m)
    s.add([(0, 128 * MiB)])
    ed = s.wait_for(lambda: ext_dax(s).get(0))
    name, dax = ed if ed else (None, None)
    # device_dax may still be loading (udev-style hotplug) for the first device
    e = s.wait_for(lambda: dcdctl_extents(s).get(0, {}).get('mode') == 'devdax' and dcdctl_extents(s)[0]) or \
        dcdctl_extents(s).get(0, {})
    s.ok(e.get('extent') == name and e.get('length') == 128 * MiB and e.get('state') == 'accepted'
         and e.get('dax') == dax and e.get('mode') == 'devdax',
         'dcdctl list: %s, 128 MiB, accepted, %s in devdax mode' % (name, dax), e)
    base = memtotal(s)
    rc, out = s.guest_rc('dcdctl online %s' % name, timeout=120)
    e = dcdctl_extents(s).get(0, {})
    s.ok(rc == 0 and memtotal(s) == base + 128 * MiB and e.get('mode') == 'system-ram',
         'dcdctl online %s: system RAM, MemTotal +128 MiB' % name, '%s\n%s' % (out, e))
    s.ok(e.get('memory', {}).get('zone') in ('Movable', 'movable'),
         'onlined in ZONE_MOVABLE by default', e.get('memory'))
    rc, out = s.guest_rc('dcdctl online %s' % name, timeout=60)
    s.ok(rc == 0 and 'already' in out, 'online again: nothing to do, exit 0', out)
    rc, out = s.guest_rc('dcdctl offline %s' % name, timeout=120)
    e = dcdctl_extents(s).get(0, {})
    s.ok(rc == 0 and memtotal(s) == base and e.get('mode') == 'devdax',
         'dcdctl offline %s: back to devdax, MemTotal back' % name, '%s\n%s' % (out, e))
    s.release([(0, 128 * MiB)])
    s.wait_for(lambda: s.device_extents(m) == [])
    rc, out = s.guest_rc('dcdctl online %s' % name, timeout=60)
    s.ok(rc == 5 and name in out, 'a released extent: "not found", exit 5', '%d %s' % (rc, out))
