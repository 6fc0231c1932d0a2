#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 900
"""Two-guest pool (issue 6): `dcd-fm pool` moves 256 MiB from guest A to
guest B (each its own DCD and backing file, one ledger) while a workload on
A keeps writing and verifying its own DC memory.

A holds two grants from dcd-fm: 256 MiB in DC region 0, onlined as system
RAM, and 128 MiB in DC region 1 (devdax), on which the workload (dax-hold)
runs the whole time. The pool's release finds A's 256 MiB online, so it goes
release-pending; A's helper (`dcdctl monitor`, policy "ignore": it onlines
nothing, but offlines whatever becomes release-pending) offlines it, the release completes and dcd-fm adds 256 MiB to B. Then: the
workload made progress during the move and ends with its data intact (exit
0, backing file); B's new memory takes a pattern through devdax that lands
at the granted DPA in B's backing file and onlines as system RAM; the ledger
shows A's grant released and B's accepted, and agrees with both hosts."""
import json
import os
import subprocess
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, MiB, BLK, HERE, build_rw, push_rw, build_prog,  # noqa: E402
                    push_file, ext_dax, dax_devs, memtotal, blocks_with)

ROOT = os.path.dirname(os.path.dirname(HERE))
FM = os.path.join(ROOT, 'tools', 'dcd-fm', 'dcd-fm')
DCDCTL = os.path.join(ROOT, 'tools', 'dcdctl', 'dcdctl')
MOVE = 256 * MiB
KEEP = 128 * MiB
KEEP_DPA = 256 * MiB          # A's DC region 1, offset 0
WORK = 4 * MiB                # what the workload keeps rewriting

# A's helper: the dcdctl monitor daemon. Its policy onlines nothing (the test
# onlines what it wants itself); a release-pending extent is offlined whatever
# the policy says.
HELPER = ('echo ignore > /tmp/pool-policy.conf; setsid dcdctl monitor --json '
          '--policy /tmp/pool-policy.conf --offline-timeout 10 '
          '>/tmp/helper.log 2>&1 </dev/null &')


def fm(vms, *args, timeout=400):
    """Run dcd-fm with every guest's QMP and agent sockets released meanwhile."""
    for v in vms:
        v.vm.detach()
    try:
        p = subprocess.run([FM] + list(args), capture_output=True, text=True, timeout=timeout,
                           env=dict(os.environ, DCD_FM_LEDGER=LEDGER))
    finally:
        for v in vms:
            v.vm.attach(timeout=60)
    return p.returncode, p.stdout, p.stderr


def rounds(g):
    out = g.guest('cat /tmp/hold.rounds 2>/dev/null; true').strip()
    return int(out) if out.isdigit() else 0


def grants(vms):
    rc, out, err = fm(vms, 'list', '-a')
    try:
        return json.loads(out) if out.strip() else []
    except ValueError:
        return []


with Scenario('dcd1', name='fm-pool', plan=18) as a:
    b = Scenario('dcd1', name='fm-pool-b')
    t = b.vm.boot(timeout=120)
    a.diag('guest B up in %.1fs, work dir %s' % (t, b.vm.workdir))
    b.memdevs = b._memdevs()
    both = (a, b)
    LEDGER = os.path.join(a.vm.workdir, 'ledger.json')
    if os.path.exists(LEDGER):
        os.unlink(LEDGER)
    HA, HB = 'a=' + a.vm.workdir, 'b=' + b.vm.workdir
    ma, mb = a.memdevs['cxl-dcd0'], b.memdevs['cxl-dcd0']
    subprocess.run(['make', '-s', '-C', os.path.dirname(FM)], check=True)
    subprocess.run(['make', '-s', '-C', os.path.dirname(DCDCTL)], check=True)
    rw, hold = build_rw(), build_prog('dax-hold')
    for g in both:
        g.load()
        g.create_region(g.memdevs['cxl-dcd0'])
        push_rw(g, rw)
    push_file(a, DCDCTL, '/usr/bin/dcdctl')
    push_file(a, hold, '/tmp/dax-hold')

    # A gets two grants
    rc1, o1, e1 = fm(both, 'add', '-H', HA, '-r', '0', '-o', '0', '-l', '256M', '--wait=60')
    rc2, o2, e2 = fm(both, 'add', '-H', HA, '-r', '1', '-o', '0', '-l', '128M', '--wait=60')
    a.ok(rc1 == 0 and rc2 == 0, 'dcd-fm add: A accepts 256 MiB (region 0) and 128 MiB (region 1)',
         '%d %s%s\n%d %s%s' % (rc1, o1, e1, rc2, o2, e2))
    ed = a.wait_for(lambda: len(ext_dax(a)) == 2 and all(v[1] for v in ext_dax(a).values()) and
                    ext_dax(a), timeout=30)
    a.ok(ed and sorted(ed) == [0, KEEP_DPA], 'A: two DAX devices', ed)
    mover, keeper = ed[0][1], ed[KEEP_DPA][1]
    a.wait_for(lambda: {mover, keeper} <= {d['chardev'] for d in dax_devs(a)}, timeout=30)
    mem_a = memtotal(a)
    rc, out = a.guest_rc('dcdctl online %s 2>&1' % mover, timeout=300)
    a.ok(rc == 0 and memtotal(a) == mem_a + MOVE,
         'A: dcdctl online %s: 256 MiB of system RAM' % mover, out)

    # the workload on A's other memory, and A's helper
    a.guest('rm -f /tmp/hold.*; ( /tmp/dax-hold /dev/%s 0 %d 0x4a /tmp/hold.stop /tmp/hold.rounds;'
            ' echo $? > /tmp/hold.rc ) >/dev/null 2>&1 &' % (keeper, WORK))
    a.guest(HELPER)
    r0 = a.wait_for(lambda: rounds(a), timeout=120)
    a.ok(r0 > 0, 'A: workload runs on %s (%d rounds)' % (keeper, r0))

    # the move
    t0 = time.monotonic()
    rc, out, err = fm(both, 'pool', '-v', '--from', HA, '--to', HB, '--from-region', '0',
                      '-l', '256M', '--wait=240')
    dt = time.monotonic() - t0
    a.diag('dcd-fm pool took %.0fs:\n%s' % (dt, err.strip()))
    a.ok(rc == 0 and 'moved' in err, 'dcd-fm pool --from a --to b -l 256M: moved (exit 0)',
         '%d %s%s' % (rc, out, err))
    helper = a.guest('cat /tmp/helper.log')
    offl = [ev for ev in (json.loads(x) for x in helper.splitlines() if x.startswith('{'))
            if ev.get('event') == 'offline' and ev.get('result') == 'ok']
    a.ok([ev.get('extent') for ev in offl] == [ed[0][0]],
         'A\'s helper (dcdctl monitor) offlined the release-pending %s' % ed[0][0], helper)
    a.ok(memtotal(a) == mem_a and (0, MOVE) not in a.device_extents(ma) and
         mover not in {d['chardev'] for d in dax_devs(a)},
         'A: the 256 MiB is gone (device list, DAX device, MemTotal)',
         '%s %s' % (a.device_extents(ma), dax_devs(a)))
    r1 = rounds(a)
    rc_hold = a.guest('cat /tmp/hold.rc 2>/dev/null; true').strip()
    a.ok(r1 > r0 and rc_hold == '', 'A: the workload kept running through the move '
         '(%d -> %d rounds)' % (r0, r1), 'exit status %r' % rc_hold)

    # B's new memory
    eb = b.wait_for(lambda: ext_dax(b) and all(v[1] for v in ext_dax(b).values()) and ext_dax(b),
                    timeout=60)
    a.ok(eb and len(eb) == 1 and b.device_extents(mb) and
         sum(x[1] for x in b.device_extents(mb)) == MOVE,
         'B: accepted 256 MiB with a DAX device', '%s %s' % (eb, b.device_extents(mb)))
    dpa_b, (ext_b, dev_b) = sorted(eb.items())[0] if eb else (0, (None, 'none'))
    b.wait_for(lambda: dev_b in {d['chardev'] for d in dax_devs(b)}, timeout=30)
    rc, out = b.guest_rc('/tmp/dax-rw w /dev/%s 0 %d 0x4b && /tmp/dax-rw w /dev/%s %d %d 0x4c'
                         % (dev_b, BLK, dev_b, MOVE - BLK, BLK), timeout=300)
    bf_b = b.vm.backing_file('cxl-dcd0')
    a.ok(rc == 0 and blocks_with(bf_b, 0x4b) == [dpa_b] and
         blocks_with(bf_b, 0x4c) == [dpa_b + MOVE - BLK],
         'B: patterns written through %s are in B\'s backing file at DPA %#x' % (dev_b, dpa_b),
         '%s %s %s' % (out, blocks_with(bf_b, 0x4b), blocks_with(bf_b, 0x4c)))
    mem_b = memtotal(b)
    rc, out = b.guest_rc('daxctl reconfigure-device --mode=system-ram %s 2>&1' % dev_b,
                         timeout=300)
    a.ok(rc == 0 and memtotal(b) == mem_b + MOVE, 'B: %s online as system RAM (MemTotal +256 MiB)'
         % dev_b, out)
    rc, out = b.guest_rc('daxctl reconfigure-device --mode=devdax -f %s 2>&1 && '
                         '/tmp/dax-rw r /dev/%s 0 %d 0x4b && /tmp/dax-rw r /dev/%s %d %d 0x4c'
                         % (dev_b, dev_b, BLK, dev_b, MOVE - BLK, BLK), timeout=300)
    a.ok(rc == 0, 'B: offline again, the patterns read back through devdax', out)

    # A's workload ends with its data intact
    a.guest('touch /tmp/hold.stop')
    rc_hold = a.wait_for(lambda: a.guest('cat /tmp/hold.rc 2>/dev/null; true').strip(),
                         timeout=60)
    a.ok(rc_hold == '0', 'A: the workload ends with its data verified (exit 0)', rc_hold)
    bf_a = a.vm.backing_file('cxl-dcd0')
    want = [KEEP_DPA + i * BLK for i in range(WORK // BLK)]
    a.ok(blocks_with(bf_a, 0x4a) == want, 'A: the workload\'s memory holds its pattern in A\'s '
         'backing file at DPA %#x..%#x' % (KEEP_DPA, KEEP_DPA + WORK), blocks_with(bf_a, 0x4a))
    a.ok(a.device_extents(ma) == [(KEEP_DPA, KEEP)], 'A keeps its other grant',
         a.device_extents(ma))

    # the ledger shows the move and agrees with both hosts
    gs = grants(both)
    a_rel = [g for g in gs if g.get('host') == 'a' and g.get('size') == MOVE and
             g.get('state') == 'released']
    b_acc = [g for g in gs if g.get('host') == 'b' and g.get('size') == MOVE and
             g.get('state') == 'accepted']
    a_keep = [g for g in gs if g.get('host') == 'a' and g.get('size') == KEEP and
              g.get('state') == 'accepted']
    a.ok(len(a_rel) == 1 and len(b_acc) == 1 and len(a_keep) == 1 and
         b_acc[0].get('dpa') == dpa_b,
         'ledger: A\'s 256 MiB released, B\'s 256 MiB accepted at DPA %#x, A\'s 128 MiB kept'
         % dpa_b, json.dumps(gs, indent=1))
    rc, out, err = fm(both, 'list', '-R')
    a.ok(rc == 0, 'dcd-fm list -R: the ledger agrees with both hosts',
         '%d %s%s' % (rc, out, err))

    problems = b.vm.finish(os.path.join(b.vm.workdir, 'dmesg.txt'))
    a.ok(not problems, 'guest B: clean kernel log, QEMU alive', '\n'.join(problems))
