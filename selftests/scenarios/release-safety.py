#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 900
"""Release only what is verifiably unreachable; expose nothing ungranted
(issue 12: the release pipeline, fail-closed probe and unload).

Four 128 MiB extents: A pinned, B a witness whose data must survive, C and
D released while a race window is held open by the root-only debugfs hook
cxl_dcd/delay_release_ms (between the selection of a release round and the
fence of its DAX devices).

- A (defect 5): an io_uring fixed buffer pins 2 MiB of /dev/daxA, whose
  mapping and file are then closed. A fabric release stays pending
  (pending_reason "pinned"; the device, asked with Get DC Extent List,
  still lists A), the device stays usable (still granted; the fence kills
  and verifies it, then revives it), and when the ring goes the release
  completes by itself with no WARN (the kernel used to tear the pgmap down under the pin and warn in
  free_zone_device_folio when the ring went).
- C (defect 1): C is opened and mapped inside the window: the release
  stays pending ("open") and the mapping keeps working; once it goes, C is
  released.
- D (defect 1): kmem is bound to D inside the window: its memory is never
  onlined (the range is retiring), the release waits ("driver"), and after
  `daxctl reconfigure-device --mode=devdax` it completes.
- E and F: F's own `release` store runs while the pipeline (held in its
  window by delay_release_ms) picks F up; the store must return (the
  pipeline used to unregister F's extent device with rel_lock held, while
  the store waited for rel_lock: a deadlock).
- G: its Release DC fails (root-only hook cxl_dcd/fail_release_dc) and is
  queued for retry; a resync asked meanwhile (memX/resync) must not adopt
  G again (it used to give it a new extent and DAX device, which the retry
  then released under it); the retry releases G.
- X: pinned in its second half, forgotten by the device (lab_dcrelease)
  and dropped by a resync, its killed DAX device stays while pinned; E1
  and E2 offered over it and released stay release-pending until it is deleted
  (E2, under the pin, used to be released at once).
- Unload (defect 4): rmmod cxl_dcd with a DC region and B accepted
  disables the region; dax_cxl inserted afterwards exposes nothing (no DAX
  device, MemTotal unchanged). The next load enables the region again and
  B comes back with its data.
- Probe failure (defect 3): loaded with test_fail_probe=1 the memdev has
  no DC state; enabling the region by hand claims it and exposes nothing
  (it used to be exposed whole as one kmem device).
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, MiB, BLK, DEBUGFS, CXL, build_prog, push_file,  # noqa: E402
                    build_rw, push_rw, ext_dax, dax_devs, memtotal, extent_state)

EXT = 128 * MiB
A, B, C, D = 0, EXT, 256 * MiB, 384 * MiB


def reason(s, dpa):
    out = s.guest('for e in %s/dax_region*/extent*; do [ -d "$e" ] && echo "$(cat $e/dpa) '
                  '$(cat $e/pending_reason 2>/dev/null || echo -)"; done; true' % CXL)
    for line in out.splitlines():
        f = line.split()
        if f and f[0].startswith('0x') and int(f[0], 16) == dpa:
            return f[1] if len(f) > 1 else ''
    return None


def chardevs(s):
    return {d['chardev'] for d in dax_devs(s)}


def listed(s, m, dpa):
    return (dpa, EXT) in s.device_extents(m)


with Scenario('dcd1', plan=42) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    push_file(s, build_prog('dax-pin'), '/tmp/dax-pin')
    push_file(s, build_prog('dax-hold'), '/tmp/dax-hold')
    push_rw(s, build_rw())
    region = s.create_region(m)
    for off, r in ((0, 0), (EXT, 0), (0, 1), (EXT, 1)):
        s.add([(off, EXT)], region=r)
    ed = s.wait_for(lambda: len(ext_dax(s)) == 4 and all(v[1] for v in ext_dax(s).values())
                    and ext_dax(s), timeout=60)
    s.ok(ed and sorted(ed) == [A, B, C, D], 'four 128 MiB extents with DAX devices', ed)
    dA, dB, dC, dD = (ed[x][1] for x in (A, B, C, D))
    s.wait_for(lambda: {dA, dB, dC, dD} <= chardevs(s), timeout=30)
    rc, out = s.guest_rc('/tmp/dax-rw w /dev/%s 0 %d 0x5b' % (dB, EXT), timeout=300)
    s.ok(rc == 0, 'witness pattern written through %s (all of B)' % dB, out)

    # ---- A: a long-term pin outlives the mapping and the file
    s.guest('rm -f /tmp/pin.ready /tmp/pin.stop /tmp/pin.rc; '
            '( /tmp/dax-pin /dev/%s 0 %d 0x6c /tmp/pin.ready /tmp/pin.stop; '
            'echo $? > /tmp/pin.rc ) >/dev/null 2>&1 &' % (dA, BLK))
    ready = s.wait_for(lambda: s.guest('[ -e /tmp/pin.ready ] && echo y; true').strip() == 'y',
                       timeout=60)
    s.ok(ready is True, 'io_uring fixed buffer registered on %s, mapping and fd closed' % dA,
         s.guest('cat /tmp/pin.rc 2>/dev/null; true'))
    s.release([(0, EXT)], region=0)
    why = s.wait_for(lambda: reason(s, A) == 'pinned' and 'pinned', timeout=60)
    s.ok(why == 'pinned', 'fabric release of the pinned extent waits: pending_reason "pinned"',
         '%s %s' % (extent_state(s, A), reason(s, A)))
    s.ok(listed(s, m, A), 'the device still lists the pinned extent (no Release DC)',
         s.device_extents(m))
    rc, out = s.guest_rc('/tmp/dax-rw r /dev/%s 0 %d 0x6c' % (dA, BLK), timeout=60)
    s.ok(rc == 0, 'still granted, %s stays usable while pinned (its data reads back)' % dA, out)
    s.ok(s.wait_for(lambda: reason(s, A) == 'pinned', timeout=60) is True and listed(s, m, A),
         'a mapping that came and went changes nothing: still pending, still listed')
    s.guest('touch /tmp/pin.stop')
    gone = s.wait_for(lambda: not listed(s, m, A) and dA not in chardevs(s), timeout=60)
    s.ok(gone is True, 'the ring is gone: the release completes by itself, %s deleted' % dA,
         '%s %s' % (s.device_extents(m), chardevs(s)))
    s.ok(s.guest('cat /tmp/pin.rc 2>/dev/null; true').strip() == '0', 'dax-pin exited cleanly')

    # ---- C: opened and mapped inside the window
    rc, out = s.guest_rc('echo 5000 > %s/delay_release_ms' % DEBUGFS)
    s.ok(rc == 0, 'the root-only race-window hook delay_release_ms is there', out)
    s.guest('rm -f /tmp/hold.stop /tmp/hold.rounds /tmp/hold.rc')
    s.release([(0, EXT)], region=1)
    st = s.wait_for(lambda: extent_state(s, C) == 'release-pending' and 'pending', timeout=30)
    s.guest('( /tmp/dax-hold /dev/%s 0 %d 0x7d /tmp/hold.stop /tmp/hold.rounds; '
            'echo $? > /tmp/hold.rc ) >/dev/null 2>&1 &' % (dC, BLK))
    s.ok(st == 'pending', 'release of C marked pending; C mapped inside the race window')
    why = s.wait_for(lambda: reason(s, C) == 'open' and 'open', timeout=60)
    s.ok(why == 'open', 'the fence sees the mapping that raced in: pending_reason "open"',
         reason(s, C))
    s.ok(listed(s, m, C), 'the device still lists C')
    r = s.wait_for(lambda: int(s.guest('cat /tmp/hold.rounds 2>/dev/null || echo 0')) > 3,
                   timeout=60)
    s.ok(r is True and s.guest('cat /tmp/hold.rc 2>/dev/null; true').strip() == '',
         'the raced-in mapping keeps writing and verifying C')
    s.guest('touch /tmp/hold.stop')
    gone = s.wait_for(lambda: not listed(s, m, C) and dC not in chardevs(s), timeout=60)
    s.ok(gone is True, 'the mapping gone, C is released', s.device_extents(m))
    s.ok(s.guest('cat /tmp/hold.rc; true').strip() == '0', 'dax-hold saw its data to the end')

    # ---- D: kmem bound inside the window
    base = memtotal(s)
    s.release([(EXT, EXT)], region=1)
    s.wait_for(lambda: extent_state(s, D) == 'release-pending', timeout=30)
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=system-ram %s 2>&1' % dD, timeout=120)
    why = s.wait_for(lambda: reason(s, D) in ('driver', 'system-ram') and reason(s, D),
                     timeout=60)
    s.ok(why in ('driver', 'system-ram'), 'kmem bound inside the window: release waits (%s)' % why,
         out)
    s.ok(memtotal(s) == base, 'no memory of the retiring range came online', out)
    s.ok(listed(s, m, D), 'the device still lists D')
    s.guest_rc('echo 0 > %s/delay_release_ms' % DEBUGFS)
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=devdax -f %s 2>&1' % dD, timeout=120)
    gone = s.wait_for(lambda: not listed(s, m, D) and dD not in chardevs(s), timeout=60)
    s.ok(gone is True, 'kmem unbound: D is released', '%s\n%s' % (out, s.device_extents(m)))

    # ---- E, F: an extent's own release store while the pipeline picks it up
    for off, r in ((0, 0), (0, 1)):
        s.add([(off, EXT)], region=r)
    ed = s.wait_for(lambda: {A, C} <= set(ext_dax(s)) and ext_dax(s)[A][1] and ext_dax(s)[C][1]
                    and ext_dax(s), timeout=60)
    s.ok(ed and sorted(ed) == [A, B, C], 'E and F added where A and C were, with DAX devices', ed)
    eF = ed[C][0] if ed else 'none'
    s.guest_rc('echo 4000 > %s/delay_release_ms' % DEBUGFS)
    s.release([(0, EXT)], region=0)
    s.wait_for(lambda: extent_state(s, A) == 'release-pending', timeout=30)
    # the work's pipeline now sleeps in E's round with rel_lock held; F's
    # store marks F and waits for rel_lock; the next round releases F
    s.guest('sleep 1; rm -f /tmp/relF.rc; p=$(ls -d %s/dax_region*/%s) && '
            '( echo 1 > $p/release; echo $? > /tmp/relF.rc ) >/dev/null 2>&1 &' % (CXL, eF))
    rc = s.wait_for(lambda: s.guest('cat /tmp/relF.rc 2>/dev/null; true').strip(), timeout=90)
    s.ok(rc == '0', "F's release store returns while the pipeline that took F ends: its extent "
         'device is unregistered after rel_lock is dropped (it deadlocked)', rc)
    gone = s.wait_for(lambda: not listed(s, m, A) and not listed(s, m, C) and
                      not ({A, C} & set(ext_dax(s))), timeout=60)
    s.ok(gone is True, 'E and F released, their extent devices gone',
         '%s %s' % (s.device_extents(m), ext_dax(s)))
    s.guest_rc('echo 0 > %s/delay_release_ms' % DEBUGFS)

    # ---- G: a Release DC that fails is retried, and a resync never takes
    # the range back meanwhile (it used to adopt it and expose it again)
    s.add([(0, EXT)], region=0)
    ed = s.wait_for(lambda: A in ext_dax(s) and ext_dax(s)[A][1] and ext_dax(s), timeout=60)
    eG = ed[A][0] if ed else 'none'
    ndax = len(dax_devs(s))
    s.guest_rc('dmesg -c >/dev/null; echo 1 > %s/fail_release_dc' % DEBUGFS)
    rc, out = s.guest_rc('p=$(ls -d %s/dax_region*/%s) && echo 1 > $p/release 2>&1; '
                         'echo 1 > %s/%s/resync' % (CXL, eG, DEBUGFS, m))
    dropped = s.wait_for(lambda: A not in ext_dax(s), timeout=30)
    s.ok(rc == 0 and ed and dropped is True, "G's Release DC fails (fail_release_dc): "
         'the host gave G up, a resync is asked while its retry is queued', out)
    gone = s.wait_for(lambda: not listed(s, m, A), timeout=60)
    log = s.guest('dmesg')
    s.ok(gone is True and 'not taken back' in log and 'released after 1 retries' in log,
         'the resync left G alone and the retry released it', log[-1200:])
    s.ok(A not in ext_dax(s) and len(dax_devs(s)) == ndax - 1,
         'no extent or DAX device over G, which the device no longer has',
         '%s %s' % (ext_dax(s), dax_devs(s)))
    s.ok(s.guest('cat %s/fail_release_dc' % DEBUGFS).strip() == '0', 'the hook is used up')

    # ---- X: a DAX device whose capacity the device took back, still pinned,
    # maps two new extents: neither is released until it is deleted
    if s.guest_rc('modprobe -n lab_dcrelease')[0] != 0:
        for what in ('X forgotten and dropped', 'E1 and E2 over X', 'E1 and E2 wait',
                     'released after the pin'):
            s.skip(what, 'no lab_dcrelease.ko in this image')
    else:
        s.add([(0, EXT)], region=0)
        ed = s.wait_for(lambda: A in ext_dax(s) and ext_dax(s)[A][1] and ext_dax(s), timeout=60)
        dX = ed[A][1] if ed else 'none'
        s.wait_for(lambda: dX in chardevs(s), timeout=30)
        s.guest('rm -f /tmp/pin.ready /tmp/pin.stop /tmp/pin.rc; '
                '( /tmp/dax-pin /dev/%s %d %d 0x6c /tmp/pin.ready /tmp/pin.stop; '
                'echo $? > /tmp/pin.rc ) >/dev/null 2>&1 &' % (dX, EXT // 2, BLK))
        s.wait_for(lambda: s.guest('[ -e /tmp/pin.ready ] && echo y; true').strip() == 'y',
                   timeout=60)
        rc, out = s.guest_rc('modprobe lab_dcrelease memdev=%s dpa=0 len=%#x && '
                             'rmmod lab_dcrelease && echo 1 > %s/%s/resync' % (m, EXT, DEBUGFS, m))
        dropped = s.wait_for(lambda: A not in ext_dax(s) and not listed(s, m, A), timeout=60)
        s.ok(rc == 0 and dropped is True and dX in chardevs(s),
             'X (pinned at 64 MiB) forgotten by the device and dropped by a resync: its DAX '
             'device stays while pinned', '%s %s %s' % (out, ext_dax(s), chardevs(s)))
        half = EXT // 2
        s.add([(0, half), (half, half)], region=0)
        both = s.wait_for(lambda: {(0, half), (half, half)} <= set(s.device_extents(m)),
                          timeout=60)
        s.ok(both is True, 'E1 and E2 offered over X and accepted', s.device_extents(m))
        # no DAX device of their own (X's still maps them), so no extent
        # device either: their state is in debugfs host_extents
        def pending():
            hx = {h[:2]: h[2] for h in s.host_extents(m)}
            return hx.get((0, half)) == hx.get((half, half)) == 'release-pending'
        s.release([(0, half), (half, half)], region=0)
        s.wait_for(pending, timeout=30)
        s.guest('sleep 5')
        s.ok({(0, half), (half, half)} <= set(s.device_extents(m)) and pending(),
             "released while X's pinned DAX device maps them: both stay release-pending, the "
             'device still lists both (E2, under the pin, used to be released)',
             '%s %s' % (s.device_extents(m), s.host_extents(m)))
        s.guest('touch /tmp/pin.stop')
        gone = s.wait_for(lambda: not (set(s.device_extents(m)) & {(0, half), (half, half)})
                          and dX not in chardevs(s), timeout=120)
        s.ok(gone is True, "the pin gone: X's DAX device is deleted, E1 and E2 are released",
             '%s %s' % (s.device_extents(m), chardevs(s)))

    # ---- unload with a DC region: nothing left for dax_cxl
    s.ok(sorted(s.device_extents(m)) == [(B, EXT)], 'only B is left on the device',
         s.device_extents(m))
    rc, out = s.guest_rc('rmmod cxl_dcd 2>&1')
    s.ok(rc == 0, 'rmmod cxl_dcd with a DC region and an accepted extent', out)
    s.ok(s.guest('ls -d %s/dax_region* 2>/dev/null; true').strip() == '',
         'the DC region is disabled: no cxl_dax_region is left')
    base = memtotal(s)
    rc, out = s.guest_rc('insmod $(modinfo -n dax_cxl) 2>&1')
    s.ok(rc == 0, 'dax_cxl inserted by hand (around the modprobe blacklist)', out)
    s.ok(dax_devs(s) == [] and memtotal(s) == base,
         'dax_cxl exposes nothing: no DAX device, MemTotal unchanged', dax_devs(s))
    s.guest_rc('rmmod dax_cxl')
    s.load()
    ed = s.wait_for(lambda: B in ext_dax(s) and ext_dax(s)[B][1] and ext_dax(s), timeout=60)
    s.ok(ed and sorted(ed) == [B], 'reload: the region is enabled again and B adopted', ed)
    if ed:
        dB = ed[B][1]
        s.wait_for(lambda: dB in chardevs(s), timeout=30)
        rc, out = s.guest_rc('/tmp/dax-rw r /dev/%s 0 %d 0x5b' % (dB, EXT), timeout=300)
        s.ok(rc == 0, 'B still holds the witness pattern through %s' % dB, out)
    else:
        s.ok(False, 'B still holds the witness pattern')

    # ---- probe failure: the region is claimed and left empty
    s.guest_rc('rmmod cxl_dcd')
    rc, out = s.guest_rc('dmesg -c >/dev/null; modprobe cxl_dcd test_fail_probe=1 2>&1')
    s.ok(rc == 0 and 'test_fail_probe' in s.guest('dmesg'),
         'test_fail_probe: DC disabled on %s' % m, out)
    base = memtotal(s)
    rc, out = s.guest_rc('cxl enable-region %s 2>&1' % region)
    log = s.guest('dmesg')
    s.ok(dax_devs(s) == [] and memtotal(s) == base and 'no capacity exposed' in log,
         'the region over a DCD without DC state exposes nothing',
         '%s\n%s\n%s' % (out, dax_devs(s), log[-800:]))
    rc, out = s.guest_rc('insmod $(modinfo -n dax_cxl) 2>&1; '
                         'ls /sys/bus/dax/devices 2>/dev/null; true')
    s.ok(dax_devs(s) == [] and memtotal(s) == base, 'dax_cxl cannot take it either', out)
    s.guest('rmmod dax_cxl 2>/dev/null; rmmod cxl_dcd; modprobe cxl_dcd')
    ed = s.wait_for(lambda: B in ext_dax(s) and ext_dax(s)[B][1] and ext_dax(s), timeout=60)
    s.ok(ed and sorted(ed) == [B], 'a normal load enables the region and adopts B again', ed)
