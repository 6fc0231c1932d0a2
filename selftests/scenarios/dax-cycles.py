#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 1200
"""50 add -> online -> offline -> release cycles of a 128 MiB extent, with a
pattern written through the device and checked in the host backing file
before each release: no leak of extents, DAX devices, memory blocks or
unreclaimable slab, MemTotal back to where it started."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, MiB, CXL, build_rw, push_rw, ext_dax, dax_devs,  # noqa: E402
                    blocks_with, memtotal)

CYCLES = int(os.environ.get('DAX_CYCLES', '50'))
SIZE = 128 * MiB


def census(s):
    """Objects that must not leak, and unreclaimable slab in KiB."""
    out = s.guest('echo extents $(ls -d %s/extent* 2>/dev/null | wc -l); '
                  'echo daxregions $(ls -d /sys/devices/cxl_dcd/cxl_dcd.dax.* 2>/dev/null | wc -l); '
                  'echo memblocks $(ls -d /sys/devices/system/memory/memory* | wc -l); '
                  'echo online $(cat /sys/devices/system/memory/memory*/state | grep -c "^online"); '
                  "grep SUnreclaim /proc/meminfo | awk '{print \"sunreclaim\", $2}'" % CXL)
    return {l.split()[0]: int(l.split()[1]) for l in out.splitlines() if len(l.split()) == 2}


with Scenario('dcd1', plan=4) as s:
    m = s.memdevs['cxl-dcd0']
    rw = build_rw()
    s.load()
    s.create_region(m)
    push_rw(s, rw)
    base = census(s)
    mem0 = memtotal(s)
    bf = s.vm.backing_file('cxl-dcd0')
    fails = []
    for i in range(CYCLES):
        off = [0, 128 * MiB][i % 2]        # alternate, and reuse released ranges
        pat = 0x10 + (i % 200)
        if s.add([(off, SIZE)]) is not None:
            fails.append('%d: QMP add refused' % i)
            break
        ed = s.wait_for(lambda: off in ext_dax(s) and ext_dax(s), timeout=30)
        if not ed or not ed[off][1]:
            fails.append('%d: no DAX device for the extent' % i)
            break
        dev = ed[off][1]
        rc, out = s.guest_rc('/tmp/dax-rw w /dev/%s %d %d %d' % (dev, SIZE - 2 * MiB, 2 * MiB, pat),
                             timeout=120)
        if rc:
            fails.append('%d: write through %s failed: %s' % (i, dev, out))
            break
        rc, out = s.guest_rc('daxctl reconfigure-device --mode=system-ram %s >/dev/null 2>&1'
                             % dev, timeout=120)
        if rc or memtotal(s) != mem0 + SIZE:
            fails.append('%d: online of %s: rc %d, MemTotal %d' % (i, dev, rc, memtotal(s)))
            break
        rc, out = s.guest_rc('daxctl reconfigure-device --mode=devdax -f %s >/dev/null 2>&1'
                             % dev, timeout=120)
        if rc or memtotal(s) != mem0:
            fails.append('%d: offline of %s: rc %d, MemTotal %d' % (i, dev, rc, memtotal(s)))
            break
        if off + SIZE - 2 * MiB not in blocks_with(bf, pat):
            fails.append('%d: pattern %#x not at DPA %#x in the backing file'
                         % (i, pat, off + SIZE - 2 * MiB))
            break
        s.release([(off, SIZE)])
        gone = s.wait_for(lambda: s.device_extents(m) == [] and not ext_dax(s) and
                          not dax_devs(s), timeout=30)
        if not gone:
            fails.append('%d: release did not complete: device %s, dax %s'
                         % (i, s.device_extents(m), dax_devs(s)))
            break
    s.ok(not fails, '%d add/write/online/offline/release cycles' % CYCLES, '\n'.join(fails))
    end = census(s)
    s.diag('before %s\nafter  %s' % (base, end))
    s.ok(all(end[k] == base[k] for k in ('extents', 'daxregions', 'memblocks', 'online')),
         'no leaked extents, DAX regions, memory blocks or online blocks', (base, end))
    s.ok(end['sunreclaim'] - base['sunreclaim'] < 2048,
         'unreclaimable slab grew by less than 2 MiB (%+d KiB)'
         % (end['sunreclaim'] - base['sunreclaim']))
    s.ok(memtotal(s) == mem0, 'MemTotal back where it started')
