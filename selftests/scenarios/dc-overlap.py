#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 300
"""cxl_dcd refuses an offer overlapping an extent it tracks (corner cases 25, 26).

QEMU 10.0 refuses to offer capacity it has accepted, so the device is made
to forget an accepted extent first: the lab module lab_dcrelease
(selftests/lab/) sends Release Dynamic Capacity for it behind cxl_dcd's back.
The host still tracks the extent. QEMU then takes an offer half overlapping
it, and one identical to it; cxl_dcd must refuse the first (rejected_overlap
counted, an Add Response accepting nothing, the device does not get the
range) and treat the second as a duplicate (not acknowledged again), with
its own extent untouched. A later resync (forced by a DC log overflow)
drops the extent on the host too, and the lists agree again.
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB  # noqa: E402

TR = '/sys/kernel/tracing'
E = (0, 64 * MiB)


def answered(s, m, c0, key):
    """The counters once the module has answered one more offer and counted
    it under key, else None."""
    c = s.counters(m)
    if c.get(key, 0) > c0.get(key, 0) and c.get('responses', 0) > c0.get('responses', 0):
        return c
    return None


with Scenario('dcd1', plan=10) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    if s.guest_rc('modprobe -n lab_dcrelease')[0] != 0:
        # built only where the CXL private headers are (selftests/lab/Kbuild)
        for i in range(s.plan):
            s.skip('overlap test %d of %d' % (i + 1, s.plan), 'no lab_dcrelease.ko in this image')
        sys.exit(0)
    s.create_region(m)
    s.add([E])
    got = s.wait_for(lambda: s.device_extents(m) == [E] and
                     [h[:3] for h in s.host_extents(m)] == [E + ('accepted',)])
    s.ok(got is True, 'extent %#x+%#x accepted (device and host)' % E,
         '%s\n%s' % (s.device_extents(m), s.host_extents(m)))

    rc, out = s.guest_rc('modprobe lab_dcrelease memdev=%s dpa=%#x len=%#x && rmmod lab_dcrelease'
                         % ((m,) + E))
    s.ok(rc == 0 and s.device_extents(m) == [] and
         [h[:3] for h in s.host_extents(m)] == [E + ('accepted',)],
         'lab_dcrelease: the device forgot the extent, the host still tracks it',
         '%d %s\ndevice %s\nhost %s' % (rc, out, s.device_extents(m), s.host_extents(m)))

    s.guest('echo 1 > %s/events/cxl_dcd/enable && echo > %s/trace' % (TR, TR))
    c0 = s.counters(m)
    err = s.add([(32 * MiB, 64 * MiB)])
    s.ok(err is None, 'QEMU offers [32 MiB, 96 MiB), half over the tracked extent', err)
    c1 = s.wait_for(lambda: answered(s, m, c0, 'rejected_overlap'), timeout=60)
    s.ok(c1 and c1['rejected_overlap'] == c0.get('rejected_overlap', 0) + 1 and
         c1.get('accepted', 0) == c0.get('accepted', 0),
         'cxl_dcd refuses it: rejected_overlap counted once, nothing accepted', c1 or s.counters(m))
    trace = s.guest('cat %s/trace' % TR)
    s.ok('cxl_dcd_add_response: memdev=%s offered=1 accepted=0 rc=0' % m in trace,
         'its Add Response accepts nothing (tracepoint: offered=1 accepted=0)', trace[-1500:])
    s.ok(s.device_extents(m) == [] and [h[:3] for h in s.host_extents(m)] == [E + ('accepted',)]
         and [(e['dpa'], e['length']) for e in s.sysfs_extents()] == [E],
         'the device did not get the range; host list and sysfs unchanged',
         'device %s\nhost %s\nsysfs %s' % (s.device_extents(m), s.host_extents(m),
                                           s.sysfs_extents()))

    c0 = s.counters(m)
    err = s.add([E])
    c1 = s.wait_for(lambda: answered(s, m, c0, 'duplicates'), timeout=60)
    s.ok(err is None and c1 and c1['duplicates'] == c0.get('duplicates', 0) + 1 and
         c1.get('accepted', 0) == c0.get('accepted', 0),
         'an offer identical to the tracked extent counts as a duplicate', '%s\n%s' % (err, c1))
    s.ok(s.device_extents(m) == [] and [h[:3] for h in s.host_extents(m)] == [E + ('accepted',)],
         'a duplicate is not acknowledged again (device list still empty), host unchanged',
         'device %s\nhost %s' % (s.device_extents(m), s.host_extents(m)))

    # a DC log overflow (9 records, QEMU's log holds 8) makes the module
    # re-read the device's extent list: the extent the device forgot is
    # dropped on the host too (reconciliation, stale side)
    c0 = s.counters(m)
    nine = [(i * 4 * MiB, 2 * MiB) for i in range(9)]
    s.add(nine, region=1)
    c1 = s.wait_for(lambda: s.counters(m).get('resyncs', 0) > c0.get('resyncs', 0) and
                    E not in [h[:2] for h in s.host_extents(m)] and s.counters(m), timeout=90)
    n = s.guest("dmesg | grep -c 'extent 0x0+0x4000000 no longer on the device: dropped' "
                "|| true").strip()
    s.ok(c1 and n == '1' and E not in [(e['dpa'], e['length']) for e in s.sysfs_extents()],
         'a resync (after a DC log overflow) drops the extent the device forgot, logged once',
         '%s\nhost %s\ndmesg lines %s' % (c1, s.host_extents(m), n))
    dev = s.wait_for(lambda: sorted(s.device_extents(m)) ==
                     sorted(h[:2] for h in s.host_extents(m) if h[2] == 'accepted') and
                     s.device_extents(m))
    s.ok(dev and len(dev) == 8 and all(d >= 256 * MiB for d, n in dev),
         'host and device lists agree again: the 8 extents the log reported',
         'device %s\nhost %s' % (s.device_extents(m), s.host_extents(m)))
