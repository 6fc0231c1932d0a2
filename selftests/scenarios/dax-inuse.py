#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 600
"""Devdax open or mmap counts as "in use" (corner case #35, issue 4 item 4).

A program (dax-hold) maps /dev/daxN.0 of an extent, closes the file and
keeps writing and verifying the mapping; a QMP release of that extent must
not yank the memory: it goes release-pending, the device keeps listing the
extent, the DAX device stays and the program keeps passing its checks. The
same for a shell that only holds the device open. An unused extent released
meanwhile goes at once. When the holders exit, the release completes by
itself (no further FM request): Release DC sent, DAX device and extent
object gone, and the data the program left is in the backing file at the
extent's DPA."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, MiB, BLK, build_prog, push_file, ext_dax, dax_devs,  # noqa: E402
                    blocks_with, extent_state)

EXT = 128 * MiB


def rounds(s):
    out = s.guest('cat /tmp/hold.rounds 2>/dev/null; true').strip()
    return int(out) if out.isdigit() else 0


def chardevs(s):
    return {d['chardev'] for d in dax_devs(s)}


with Scenario('dcd1', plan=11) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    push_file(s, build_prog('dax-hold'), '/tmp/dax-hold')
    s.create_region(m)
    s.add([(0, EXT)])
    s.add([(EXT, EXT)])
    s.add([(0, EXT)], region=1)
    ed = s.wait_for(lambda: len(ext_dax(s)) == 3 and all(v[1] for v in ext_dax(s).values())
                    and ext_dax(s), timeout=30)
    s.ok(ed and sorted(ed) == [0, EXT, 256 * MiB], 'three 128 MiB extents with DAX devices', ed)
    A, B, C = ed[0][1], ed[EXT][1], ed[256 * MiB][1]
    s.wait_for(lambda: {A, B, C} <= chardevs(s), timeout=30)

    # A: mapped by dax-hold (fd closed); C: only held open by a shell
    s.guest('rm -f /tmp/hold.stop /tmp/hold.rc /tmp/open.stop; '
            '( /tmp/dax-hold /dev/%s %d %d 0x3c /tmp/hold.stop /tmp/hold.rounds; '
            'echo $? > /tmp/hold.rc ) >/dev/null 2>&1 &' % (A, EXT - 2 * BLK, 2 * BLK))
    s.guest("sh -c 'exec 3</dev/%s; while [ ! -e /tmp/open.stop ]; do sleep 0.2; done' "
            ">/dev/null 2>&1 &" % C)
    r0 = s.wait_for(lambda: rounds(s), timeout=60)
    s.ok(r0 > 0, 'dax-hold maps %s and keeps writing/verifying it (%d rounds)' % (A, r0))

    s.release([(0, EXT)])
    s.release([(EXT, EXT)])
    s.release([(0, EXT)], region=1)
    st = s.wait_for(lambda: extent_state(s, 0) == 'release-pending' and extent_state(s, 0), timeout=30)
    s.ok(st == 'release-pending', 'release of mapped %s: extent release-pending' % A, st)
    st = s.wait_for(lambda: extent_state(s, 256 * MiB) == 'release-pending' and extent_state(s, 256 * MiB),
                    timeout=30)
    s.ok(st == 'release-pending', 'release of %s held open (not mapped): release-pending' % C, st)
    gone = s.wait_for(lambda: (EXT, EXT) not in s.device_extents(m), timeout=30)
    s.ok(gone and B not in chardevs(s), 'the unused extent (%s) is released at once' % B,
         '%s %s' % (s.device_extents(m), chardevs(s)))
    s.ok(sorted(s.device_extents(m)) == [(0, EXT), (256 * MiB, EXT)] and
         {A, C} <= chardevs(s),
         'the device still lists the held extents; %s and %s still exist' % (A, C),
         '%s %s' % (s.device_extents(m), chardevs(s)))
    r1 = rounds(s)
    r2 = s.wait_for(lambda: rounds(s) > r1 + 2 and rounds(s), timeout=60)
    alive = s.guest('[ -e /tmp/hold.rc ] && cat /tmp/hold.rc; true').strip()
    s.ok(r2 and alive == '', 'the mapping is not yanked: dax-hold keeps passing its checks '
         '(%d -> %s rounds)' % (r1, r2), 'exit status so far: %r' % alive)
    # a repeated FM request changes nothing while it is held
    s.release([(0, EXT)])
    s.ok(extent_state(s, 0) == 'release-pending' and (0, EXT) in s.device_extents(m),
         'a second release request leaves %s pending' % A)

    # the holders go: the releases complete on their own
    s.guest('touch /tmp/hold.stop /tmp/open.stop')
    rc = s.wait_for(lambda: s.guest('cat /tmp/hold.rc 2>/dev/null; true').strip(), timeout=60)
    s.ok(rc == '0', 'dax-hold exits 0: its data was intact to the end', rc)
    gone = s.wait_for(lambda: s.device_extents(m) == [] and not chardevs(s) and not ext_dax(s),
                      timeout=60)
    s.ok(gone, 'after the holders exit both releases complete (device list empty, DAX devices '
         'and extent objects gone)', '%s %s %s' % (s.device_extents(m), chardevs(s), ext_dax(s)))
    bf = s.vm.backing_file('cxl-dcd0')
    s.ok(blocks_with(bf, 0x3c) == [EXT - 2 * BLK, EXT - BLK],
         'the pattern dax-hold left is in the backing file at its DPA (124..128 MiB) only',
         blocks_with(bf, 0x3c))
