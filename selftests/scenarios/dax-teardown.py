#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 400
"""Region teardown with DC memory online: stock `cxl disable-region` cannot be
refused by the kernel, so cxl_dcd releases the unused extent at once and keeps
the online one (memory stays online, never onlined again once offline); when
it is offlined the release completes, and nothing the device granted is lost
or released while in use."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, MiB, BLK, build_rw, push_rw, ext_dax, dax_devs,  # noqa: E402
                    blocks_with, memtotal)

with Scenario('dcd1', plan=13) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    push_rw(s, build_rw())
    region = s.create_region(m)
    s.add([(0, 128 * MiB)])
    s.add([(128 * MiB, 128 * MiB)])
    ed = s.wait_for(lambda: len(ext_dax(s)) == 2 and ext_dax(s))
    s.ok(ed and sorted(ed) == [0, 128 * MiB], 'two 128 MiB extents with DAX devices', ed)
    A, B = ed[0][1], ed[128 * MiB][1]
    base = memtotal(s)
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=system-ram %s 2>&1' % A, timeout=120)
    online = memtotal(s)
    s.ok(rc == 0 and online == base + 128 * MiB, '%s online as system RAM' % A, out)
    rc, out = s.guest_rc('/tmp/dax-rw w /dev/%s 0 %d 0xc7' % (B, BLK), timeout=120)
    s.ok(rc == 0, 'pattern written through devdax %s' % B, out)

    s.guest('dmesg -c > /dev/null')
    rc, out = s.guest_rc('cxl disable-region %s 2>&1' % region)
    s.ok(rc == 0, 'stock cxl disable-region %s with DC memory online' % region, out)
    dev = s.wait_for(lambda: s.device_extents(m) == [(0, 128 * MiB)] and s.device_extents(m))
    s.ok(dev == [(0, 128 * MiB)], 'the unused extent is released to the device, the online one '
         'is not', s.device_extents(m))
    host = s.host_extents(m)
    s.ok([h[:3] for h in host] == [(0, 128 * MiB, 'release-pending')],
         'the online extent is release-pending', host)
    s.ok(memtotal(s) == online, 'its memory stays online (MemTotal unchanged)')
    log = s.guest('dmesg')
    s.ok('in use' in log and 'kept' in log, 'the kernel log says the online extent is kept',
         log[-1200:])
    rc, out = s.guest_rc('daxctl offline-memory %s 2>&1 && daxctl online-memory %s 2>&1'
                         % (A, A), timeout=120)
    s.ok(rc != 0, 'its memory cannot be onlined again after offlining', out)
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=devdax -f %s 2>&1' % A, timeout=120)
    gone = s.wait_for(lambda: s.device_extents(m) == [] and not dax_devs(s), timeout=30)
    s.ok(gone is True, 'offlined and freed: the release completes, no DAX device left',
         '%s\n%s' % (s.device_extents(m), dax_devs(s)))
    s.ok(memtotal(s) == base and s.host_extents(m) == [], 'MemTotal back, host tracks nothing')
    s.ok(blocks_with(s.vm.backing_file('cxl-dcd0'), 0xc7) == [128 * MiB],
         'the devdax data reached the device at its DPA before the release')
    rc, out = s.guest_rc('cxl destroy-region %s 2>&1' % region)
    s.ok(rc == 0, 'the region can then be destroyed', out)
