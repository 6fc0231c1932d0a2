#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 600
"""System RAM from DC extents and release safety (issue 4 items 3 and 4).

daxctl onlines a 128 MiB extent device (MemTotal +128 MiB, movable); a 64 MiB
device is refused with a message naming the memory block size and stays
usable as devdax. A release of the online extent becomes release-pending
(sysfs state, uevent), re-onlining is refused, rmmod fails busy; offlining
it completes the release (Release DC sent, DAX device and extent object
gone, MemTotal back) and the other extents keep their data.
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, MiB, build_rw, push_rw, dax_devs, ext_dax,  # noqa: E402
                    blocks_with, memtotal, extent_state, record_uevents)

R1 = 256 * MiB
BLK = 2 * MiB


with Scenario('dcd1', plan=20) as s:
    m = s.memdevs['cxl-dcd0']
    rw = build_rw()
    s.load()
    s.create_region(m)
    record_uevents(s)
    s.add([(0, 128 * MiB)])
    s.add([(128 * MiB, 64 * MiB)])
    s.add([(0, 128 * MiB)], region=1)
    ed = s.wait_for(lambda: len(ext_dax(s)) == 3 and ext_dax(s))
    s.ok(ed and sorted(ed) == [0, 128 * MiB, R1], '3 extents with DAX devices', ed)
    A, B, C = ed[0][1], ed[128 * MiB][1], ed[R1][1]
    push_rw(s, rw)
    rc, out = s.guest_rc('/tmp/dax-rw w /dev/%s 0 %d 0xb2 && /tmp/dax-rw w /dev/%s %d %d 0xb3'
                         % (B, BLK, C, 126 * MiB, BLK), timeout=300)
    s.ok(rc == 0, 'patterns written to %s (devdax) and the last 2 MiB of %s' % (B, C), out)

    # online A and C as movable system RAM
    before = memtotal(s)
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=system-ram %s 2>&1 && '
                         'daxctl reconfigure-device --mode=system-ram %s 2>&1' % (A, C),
                         timeout=300)
    after = memtotal(s)
    s.ok(rc == 0 and after - before == 256 * MiB,
         'daxctl reconfigure-device --mode=system-ram %s %s: MemTotal +256 MiB' % (A, C),
         '%s\nMemTotal %d -> %d' % (out, before, after))
    devs = {d['chardev']: d for d in dax_devs(s)}
    s.ok(devs.get(A, {}).get('mode') == 'system-ram' and devs.get(A, {}).get('movable') is True,
         '%s is system-ram, movable' % A, devs.get(A))

    # the 64 MiB device: refused with the block size, still devdax
    s.guest('dmesg -c > /dev/null')
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=system-ram %s 2>&1' % B, timeout=120)
    log = s.guest('dmesg')
    s.ok(rc != 0, 'daxctl refuses to online the 64 MiB device %s' % B, out)
    s.ok('no whole 128 MiB memory block' in log, 'kernel log names the 128 MiB memory block size',
         log[-1500:])
    mode = s.wait_for(lambda: [d for d in dax_devs(s) if d['chardev'] == B and
                               d.get('mode') == 'devdax' and 'state' not in d], timeout=10)
    rc, out = s.guest_rc('/tmp/dax-rw r /dev/%s 0 %d 0xb2' % (B, BLK), timeout=300)
    s.ok(mode and rc == 0, '%s is back in devdax mode and still holds its data' % B,
         '%s\n%s\n%s' % (out, dax_devs(s), s.guest('dmesg | tail -8')))

    # release of the online extent A: pending
    s.release([(0, 128 * MiB)])
    st = s.wait_for(lambda: extent_state(s, 0) == 'release-pending' and extent_state(s, 0), timeout=20)
    s.ok(st == 'release-pending', 'release of online %s: extent state release-pending' % A, st)
    ev = s.guest('cat /tmp/uevents 2>/dev/null; true')
    s.ok('change' in ev and 'release-pending' in ev, 'KOBJ_CHANGE uevent DCD_STATE=release-pending',
         ev)
    s.ok((0, 128 * MiB) in s.device_extents(m), 'the device still lists the extent')
    rc, out = s.guest_rc('rmmod cxl_dcd 2>&1')
    s.ok(rc != 0 and ('busy' in out.lower() or 'in use' in out) and len(dax_devs(s)) == 3,
         'rmmod cxl_dcd with DC memory online fails busy, nothing changes', out)
    rc, out = s.guest_rc('daxctl offline-memory %s 2>&1 && daxctl online-memory %s 2>&1' % (A, A),
                         timeout=120)
    s.ok(rc != 0 and memtotal(s) <= after - 128 * MiB,
         're-onlining a release-pending extent is refused', out)

    # offline + back to devdax: the release completes
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=devdax -f %s 2>&1' % A, timeout=120)
    gone = s.wait_for(lambda: (0, 128 * MiB) not in s.device_extents(m), timeout=30)
    s.ok(gone, 'after offlining %s the release completes (device no longer lists it)' % A, out)
    devs = s.wait_for(lambda: len(dax_devs(s)) == 2 and dax_devs(s))
    s.ok(devs and A not in {d['chardev'] for d in devs} and extent_state(s, 0) is None,
         'DAX device and extent object gone', devs)
    s.ok(memtotal(s) == before + 128 * MiB, 'MemTotal back to before + C only')
    bf = s.vm.backing_file('cxl-dcd0')
    s.ok(blocks_with(bf, 0xb2) == [128 * MiB], 'devdax data of %s intact in the backing file' % B)
    s.ok(blocks_with(bf, 0xb3) == [R1 + 126 * MiB],
         'data of online %s intact in the backing file' % C)

    # offline everything: rmmod works, reload re-adopts every extent
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=devdax -f %s 2>&1' % C, timeout=120)
    s.ok(rc == 0 and memtotal(s) == before, 'offlining %s: MemTotal back' % C, out)
    rc, out = s.guest_rc('rmmod cxl_dcd 2>&1')
    s.ok(rc == 0, 'rmmod after offlining succeeds', out)
    s.load()
    devs = s.wait_for(lambda: len(dax_devs(s)) == 2 and dax_devs(s))
    s.ok(devs and sorted(d['size'] for d in devs) == [64 * MiB, 128 * MiB],
         'reload re-adopts both extents with their DAX devices', devs)
