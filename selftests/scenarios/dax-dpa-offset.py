#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1-hdm
# timeout: 500
"""Data through a region whose DPA base is not 0 (corner case 47).

Two 256 MiB CXL regions over the DC partition of dcd1-hdm (dcd1 whose host
bridge has HDM decoders, so it can route two regions): the first decodes DC
region 0 (DPA 0), the second DC region 1, its endpoint decoder starting at
DPA 256 MiB, so an extent's region offset there is its DPA - 256 MiB. One extent in
each. Through each extent's devdax device an address-dependent pattern (the
8-byte word at DPA x holds x ^ SALT: every word differs) goes to the first
and the last 2 MiB. The backing file then holds exactly that pattern at
those DPAs, every other 2 MiB block of the device (the rest of both extents
included) is unchanged, and the pattern reads back through devdax; the same
check one word off fails, so the check can fail.
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, MiB, BLK, CXL, build_rw, push_rw, ext_dax,  # noqa: E402
                    addr_pattern_mismatches, block_digests)

R1 = 256 * MiB                  # DPA of DC region 1
SIZE = 512 * MiB                # dcd1's DC capacity
SALT = 0xdcd0a5a55a5a0000
EXTS = {'A': (64 * MiB, 64 * MiB, 0), 'B': (32 * MiB, 64 * MiB, 1)}    # offset, len, DC region


def pieces(dpa, n):
    """(device offset, DPA) of the first and the last 2 MiB of an extent."""
    return [(0, dpa), (n - BLK, dpa + n - BLK)]


with Scenario('dcd1-hdm', plan=13) as s:
    m = s.memdevs['cxl-dcd0']
    rw = build_rw()
    s.load()
    ra = s.create_region(m, size=256 * MiB)
    rb = s.create_region(m, size=256 * MiB)
    s.ok(ra != rb, 'two 256 MiB regions over %s: %s and %s' % (m, ra, rb))
    dec = s.guest('cat %s/%s/target0' % (CXL, rb)).strip()
    res = s.guest('cat %s/%s/dpa_resource' % (CXL, dec)).strip()
    s.ok(int(res, 0) == R1, '%s\'s endpoint decoder %s starts at DPA %#x' % (rb, dec, R1), res)
    dax_region = {r: s.guest('basename $(ls -d %s/%s/dax_region*)' % (CXL, r)).strip()
                  for r in (ra, rb)}

    for off, n, reg in EXTS.values():
        s.add([(off, n)], region=reg)
    dpa = {k: off + reg * R1 for k, (off, n, reg) in EXTS.items()}
    got = s.wait_for(lambda: len(ext_dax(s)) == 2 and all(v[1] for v in ext_dax(s).values()) and
                     ext_dax(s), timeout=60) or {}
    ext = {e['dpa']: e for e in s.sysfs_extents()}
    want = {dpa['A']: (dax_region[ra], EXTS['A'][0]), dpa['B']: (dax_region[rb], EXTS['B'][0])}
    s.ok(sorted(got) == sorted(want) and
         all((ext[d]['dax_region'], ext[d]['offset']) == w for d, w in want.items() if d in ext),
         'extent objects: %#x at offset %#x of %s, %#x at offset %#x (DPA - 256 MiB) of %s'
         % (dpa['A'], EXTS['A'][0], dax_region[ra], dpa['B'], EXTS['B'][0], dax_region[rb]),
         '%s\n%s' % (got, ext))

    bf = s.vm.backing_file('cxl-dcd0')
    before = block_digests(bf, 0, SIZE)
    push_rw(s, rw)
    for k in ('A', 'B'):
        dev = got.get(dpa[k], (None, 'none'))[1]
        cmd = ' && '.join('/tmp/dax-rw W /dev/%s %d %d %#x %#x' % (dev, o, BLK, d, SALT)
                          for o, d in pieces(dpa[k], EXTS[k][1]))
        rc, out = s.guest_rc(cmd, timeout=300)
        s.ok(rc == 0, 'extent %s: address pattern written through /dev/%s (first and last 2 MiB)'
             % (k, dev), out)
    written = set()
    for k in ('A', 'B'):
        bad = []
        for o, d in pieces(dpa[k], EXTS[k][1]):
            written.add(d)
            bad += addr_pattern_mismatches(bf, d, BLK, SALT)
        s.ok(not bad, 'extent %s: the backing file holds the pattern at DPA %#x and %#x'
             % (k, dpa[k], dpa[k] + EXTS[k][1] - BLK), '\n'.join(bad))
    after = block_digests(bf, 0, SIZE)
    for k in ('A', 'B'):
        lo, hi = dpa[k], dpa[k] + EXTS[k][1]
        changed = [hex(d) for d in sorted(after) if lo <= d < hi and d not in written and
                   after[d] != before[d]]
        s.ok(not changed, 'extent %s: its %d unwritten 2 MiB blocks are unchanged'
             % (k, EXTS[k][1] // BLK - 2), changed)
    changed = [hex(d) for d in sorted(after) if d not in written and after[d] != before[d] and
               not any(dpa[k] <= d < dpa[k] + EXTS[k][1] for k in EXTS)]
    s.ok(not changed, 'no block outside the two extents changed', changed)
    for k in ('A', 'B'):
        dev = got.get(dpa[k], (None, 'none'))[1]
        cmd = ' && '.join('/tmp/dax-rw R /dev/%s %d %d %#x %#x' % (dev, o, BLK, d, SALT)
                          for o, d in pieces(dpa[k], EXTS[k][1]))
        rc, out = s.guest_rc(cmd, timeout=300)
        s.ok(rc == 0, 'extent %s: the pattern reads back through /dev/%s' % (k, dev), out)
    dev = got.get(dpa['B'], (None, 'none'))[1]
    rc, out = s.guest_rc('/tmp/dax-rw R /dev/%s 0 %d %#x %#x' % (dev, BLK, dpa['B'] + 8, SALT),
                         timeout=300)
    s.ok(rc == 1 and addr_pattern_mismatches(bf, dpa['B'] + 8, BLK, SALT, file_off=dpa['B']),
         'control: the same pattern one word off is refused (devdax and backing file)',
         '%d %s' % (rc, out))
