#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 500
"""Extent-backed DAX devices (issue 4 items 1 and 2).

Three 128 MiB extents give three devdax devices of 128 MiB, each linked with
its extent object; a pattern written through each device lands in the
backing file at exactly that extent's DPA and nowhere else. No stock path
(create-device, resize, mapping, region size) reaches anything else. A
release removes one device while the others keep their data; a module
reload re-adopts the extents with their devices. The three devices are
created with expedite_rcu=N (the default Y is used everywhere else).
"""
import json
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, MiB, build_rw, push_rw, dax_devs, ext_dax,  # noqa: E402
                    blocks_with)

CXL = '/sys/bus/cxl/devices'
EXTS = [(0, 128 * MiB, 0), (128 * MiB, 128 * MiB, 0), (0, 128 * MiB, 1)]   # (offset, len, DC region)
R1 = 256 * MiB
BLK = 2 * MiB


with Scenario('dcd1', plan=34) as s:
    m = s.memdevs['cxl-dcd0']
    rw = build_rw()
    s.load()
    region = s.create_region(m)
    s.ok(region.startswith('region'), 'DC region %s over %s' % (region, m))
    s.ok(dax_devs(s) == [], 'no DAX device before any extent')
    # these three DAX devices probe without the expedited grace period
    # (dax.c; every other scenario runs with the default Y)
    exp = s.guest('cat /sys/module/cxl_dcd/parameters/expedite_rcu; '
                  'echo N > /sys/module/cxl_dcd/parameters/expedite_rcu; '
                  'cat /sys/module/cxl_dcd/parameters/expedite_rcu').split()
    s.ok(exp == ['Y', 'N'], 'expedite_rcu defaults to Y and can be set to N', exp)
    for off, n, r in EXTS:
        s.add([(off, n)], region=r)
    want = sorted(off + r * R1 for off, n, r in EXTS)
    got = s.wait_for(lambda: len(ext_dax(s)) == 3 and ext_dax(s))
    s.ok(got and sorted(got) == want, '3 extent objects', got)
    devs = s.wait_for(lambda: len(dax_devs(s)) == 3 and dax_devs(s))
    s.ok(devs and sorted(d['size'] for d in devs) == [128 * MiB] * 3,
         '3 DAX devices of 128 MiB (daxctl list)', devs)
    s.ok(devs and all(d.get('mode') == 'devdax' for d in devs), 'all in devdax mode', devs)
    s.guest('echo Y > /sys/module/cxl_dcd/parameters/expedite_rcu')
    names = {d['chardev'] for d in devs} if devs else set()
    s.ok(got and {v[1] for v in got.values()} == names,
         'each extent object links to its own DAX device (extentX.Y/dax)', got)
    back = s.guest('for e in /sys/devices/cxl_dcd/cxl_dcd.dax.*; do '
                   'echo "$(basename $(readlink $e/extent)) $(ls $e/dax_region 2>/dev/null | '
                   'grep -c size)"; done')
    s.ok(got and sorted(l.split()[0] for l in back.splitlines()) == sorted(v[0] for v in got.values()),
         'each DAX parent links back to its extent (cxl_dcd.dax.N/extent)', back)

    # data: through each device, into exactly its extent's DPA
    push_rw(s, rw)
    pats = {}
    for i, dpa in enumerate(want):
        dev = got[dpa][1]
        pat = 0xa1 + i
        pats[dpa] = pat
        rc, out = s.guest_rc('/tmp/dax-rw w /dev/%s 0 %d %d && /tmp/dax-rw w /dev/%s %d %d %d'
                             % (dev, BLK, pat, dev, 126 * MiB, BLK, pat), timeout=300)
        s.ok(rc == 0, 'pattern %#x written through /dev/%s (first and last 2 MiB)' % (pat, dev), out)
    s.guest('sync')
    bf = s.vm.backing_file('cxl-dcd0')
    for dpa, pat in pats.items():
        blocks = blocks_with(bf, pat)
        s.ok(blocks == [dpa, dpa + 126 * MiB],
             'pattern %#x in the backing file at DPA %#x and %#x only' % (pat, dpa, dpa + 126 * MiB),
             [hex(b) for b in blocks])
    for dpa, pat in pats.items():
        rc, out = s.guest_rc('/tmp/dax-rw r /dev/%s 0 %d %d' % (got[dpa][1], BLK, pat), timeout=300)
        s.ok(rc == 0, 'pattern %#x reads back through /dev/%s' % (pat, got[dpa][1]), out)

    # nothing unbacked: every stock path is closed
    d0 = got[want[0]][1]
    rid = d0[3:].split('.')[0]
    rc, out = s.guest_rc('daxctl create-device -r %s -s 2M 2>&1' % rid)
    s.ok(rc != 0 and len(dax_devs(s)) == 3, 'daxctl create-device in an extent region fails', out)
    rc, out = s.guest_rc('echo %d > /sys/bus/dax/devices/%s/size 2>&1' % (256 * MiB, d0))
    s.ok(rc != 0, 'growing a DAX device (size write) fails', out)
    rc, out = s.guest_rc('echo %d > /sys/bus/dax/devices/%s/size 2>&1' % (64 * MiB, d0))
    s.ok(rc != 0, 'shrinking it fails too (size is read-only)', out)
    rc, out = s.guest_rc('daxctl reconfigure-device -s 256M %s 2>&1' % d0)
    sz = [d['size'] for d in dax_devs(s) if d['chardev'] == d0]
    s.ok(rc != 0 and sz == [128 * MiB], 'daxctl reconfigure-device -s fails, size unchanged', out)
    rc, out = s.guest_rc('echo 0x0-0x1fffff > /sys/bus/dax/devices/%s/mapping 2>&1; '
                         'ls /sys/bus/dax/devices/%s/' % (d0, d0))
    s.ok('mapping0' in out and '\nmapping\n' not in '\n' + out.replace(' ', '\n') + '\n',
         'no writable mapping attribute', out)
    out = s.guest('r=/sys/bus/dax/devices/%s/../dax_region; cat $r/size; ls $r' % d0)
    rc, err = s.guest_rc('echo 1 > /sys/bus/dax/devices/%s/../dax_region/size 2>&1' % d0)
    s.ok(rc != 0 and out.split()[0] == str(128 * MiB) and 'available_size' not in out and
         'create' not in out.split() and 'seed' not in out.split(),
         'dax region size is the extent size, read-only; no available_size, create or seed', out)
    regs = json.loads(s.guest('daxctl list -R') or '[]')
    regs = [regs] if isinstance(regs, dict) else regs
    s.ok(sum(r.get('size', 0) for r in regs) == 384 * MiB and
         all(r.get('available_size', 0) == 0 for r in regs),
         'daxctl regions: 384 MiB in total, nothing available', regs)
    s.ok(len(dax_devs(s)) == 3, 'still exactly 3 DAX devices')

    # release one: its device goes, the others keep their data
    s.release([(128 * MiB, 128 * MiB)])
    devs = s.wait_for(lambda: len(dax_devs(s)) == 2 and dax_devs(s))
    s.ok(devs and got[128 * MiB][1] not in {d['chardev'] for d in devs},
         'release of an unused extent removes its DAX device', devs)
    s.ok(s.wait_for(lambda: (128 * MiB, 128 * MiB) not in s.device_extents(m)),
         'and the device no longer lists the extent')
    for dpa in (0, R1):
        rc, out = s.guest_rc('/tmp/dax-rw r /dev/%s 0 %d %d' % (got[dpa][1], BLK, pats[dpa]),
                             timeout=300)
        s.ok(rc == 0, 'other device /dev/%s keeps its data' % got[dpa][1], out)

    # an extent added while the others exist gets its own device
    s.add([(128 * MiB, 64 * MiB)])
    devs = s.wait_for(lambda: len(dax_devs(s)) == 3 and dax_devs(s))
    s.ok(devs and sorted(d['size'] for d in devs) == [64 * MiB, 128 * MiB, 128 * MiB],
         'a new 64 MiB extent gets a 64 MiB device beside the others', devs)

    # module reload: adopted extents get their devices back
    rc, out = s.guest_rc('rmmod cxl_dcd')
    s.ok(rc == 0 and dax_devs(s) == [], 'rmmod with devdax devices (nothing online) removes them', out)
    s.load()
    devs = s.wait_for(lambda: len(dax_devs(s)) == 3 and dax_devs(s))
    s.ok(devs and sorted(d['size'] for d in devs) == [64 * MiB, 128 * MiB, 128 * MiB],
         'reload: adopted extents get their DAX devices again', devs)
    now = s.wait_for(lambda: len(ext_dax(s)) == 3 and ext_dax(s))
    for dpa in (0, R1):
        dev = now[dpa][1] if now and dpa in now else 'none'
        rc, out = s.guest_rc('/tmp/dax-rw r /dev/%s 0 %d %d' % (dev, BLK, pats[dpa]), timeout=300)
        s.ok(rc == 0, 'reload: extent at DPA %#x still holds its data through /dev/%s' % (dpa, dev),
             out)
