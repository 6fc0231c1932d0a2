#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 400
"""Accepted extents survive a module reload (re-adopted) and a guest reboot
with the region committed (QEMU keeps DC state across reset: orphans,
adopted when the region is re-created)."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB  # noqa: E402

with Scenario('dcd1', plan=19) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    region = s.create_region(m)
    s.add([(0, 128 * MiB)])
    s.add([(0, 64 * MiB)], region=1)
    want = [(0, 128 * MiB), (256 * MiB, 64 * MiB)]
    got = s.wait_for(lambda: len(s.device_extents(m)) == 2 and s.device_extents(m))
    s.ok(got == want, 'two extents accepted', got)

    for i in (1, 2):
        rc, out = s.guest_rc('rmmod cxl_dcd')
        s.ok(rc == 0, 'reload %d: rmmod cxl_dcd with accepted extents' % i, out)
        s.load()
        host = s.wait_for(lambda: len(s.host_extents(m)) == 2 and s.host_extents(m))
        s.ok(host and sorted((d, n) for d, n, st, _ in host if st == 'accepted') == want,
             'reload %d: extents re-adopted as accepted' % i, host)
        s.ok(s.device_extents(m) == want, 'reload %d: device list unchanged' % i)
        s.ok(len(s.sysfs_extents()) == 2, 'reload %d: 2 extent objects in sysfs' % i)

    # Reboot with the region committed (the guest /init clears QEMU's stale
    # Mem_Enable so the endpoint probes after the warm reset). Destroying the
    # region instead would release the extents (a real teardown).
    s.ok(s.device_extents(m) == want, 'device still lists both extents')
    s.vm.reboot()
    s.diag('rebooted')
    s.memdevs = s._memdevs()
    m = s.memdevs['cxl-dcd0']
    s.load()
    s.ok(s.device_extents(m) == want, 'after reboot the device still lists both extents')
    orphans = s.wait_for(lambda: s.orphans(m))
    s.ok(sorted(orphans) == want, 'after reboot both are orphans (no region yet)', orphans)
    s.ok(s.sysfs_extents() == [], 'no extent objects without a region')
    region = s.create_region(m)
    host = s.wait_for(lambda: len(s.sysfs_extents()) == 2 and s.host_extents(m))
    s.ok(host and sorted((d, n) for d, n, st, _ in host) == want and
         all(st == 'accepted' for _, _, st, _ in host),
         'region re-created: orphans adopted as accepted', host)
    s.ok(s.orphans(m) == [], 'no orphans left')
    s.ok(s.device_extents(m) == want, 'device list unchanged (no second acknowledgement)')

    # Reboot again with the region still committed: whatever the platform
    # does with the decoders, every accepted extent ends up either adopted by
    # an (auto-assembled) region or listed as an orphan - none is lost or
    # acknowledged twice, and re-creating a region adopts the orphans.
    s.vm.reboot()
    s.diag('rebooted with the region committed')
    s.memdevs = s._memdevs()
    m = s.memdevs['cxl-dcd0']
    s.ok(s.device_extents(m) == want, 'second reboot: the device still lists both extents')
    host = s.wait_for(lambda: len(s.host_extents(m)) == 2 and s.host_extents(m))
    s.ok(host and sorted((d, n) for d, n, _, _ in host) == want,
         'second reboot: the host tracks both (adopted or orphan)', host)
    if host and any(st == 'orphan' for _, _, st, _ in host):
        s.diag('decoders came back uncommitted: re-creating the region')
        s.create_region(m)
    host = s.wait_for(lambda: all(st == 'accepted' for _, _, st, _ in s.host_extents(m)) and
                      s.host_extents(m))
    s.ok(host and sorted((d, n) for d, n, _, _ in host) == want,
         'second reboot: both extents accepted under a region', host)
