#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: pool4
# timeout: 5400
"""Memory pool at scale (issue 15): guests of the pool4 topology, each with
its own file-backed DCD, its `dcdctl monitor` (policy: online everything as
movable system RAM; release-pending memory is offlined and given back) and a
workload (dc-churn) that writes and verifies memory placed on its online DC
memory the whole time. `dcd-fm pool` moves capacity between random pairs of
guests: whole grants of the source adding up to a multiple of 128 MiB,
online as system RAM when the release comes (so each release goes pending
until the source's helper offlined it). After every move `dcd-fm list -R`
agrees with every guest. At the end: every workload ran and saw 0
mismatches, every granted byte is written through devdax and found in its
guest's backing file at the granted DPA, 0 splats, 0 QEMU crashes. Prints
moves per minute and the median and p95 of the two halves of a move:
release with online memory (pool start -> source released) and add ->
online (offer -> the memory online on the destination).

  POOL_GUESTS=N (default 3), POOL_MOVES=N (default 10), POOL_SEED=N;
  POOL_CHECK=sample checks the first and last 2 MiB of every grant instead
  of every byte. `make pool-soak` runs 4 guests and 100 moves."""
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, MiB, BLK, HERE, build_rw, push_rw, build_prog,  # noqa: E402
                    push_file, ext_dax, memtotal)

ROOT = os.path.dirname(os.path.dirname(HERE))
FM = os.path.join(ROOT, 'tools', 'dcd-fm', 'dcd-fm')
DCDCTL = os.path.join(ROOT, 'tools', 'dcdctl', 'dcdctl')
NG = int(os.environ.get('POOL_GUESTS', '3'))
MOVES = int(os.environ.get('POOL_MOVES', '10'))
SEED = int(os.environ.get('POOL_SEED', '15'))
CHECK = os.environ.get('POOL_CHECK', 'full')
START = 256 * MiB           # each guest's first grant
UNIT = 128 * MiB
CHURN_MIB = 32

HELPER = ('echo offline > /sys/devices/system/memory/auto_online_blocks; '
          'echo "system-ram zone=movable" > /tmp/pool-policy.conf; '
          'setsid dcdctl monitor --json --policy /tmp/pool-policy.conf --offline-timeout 60 '
          '>/tmp/helper.log 2>&1 </dev/null &')


def fm(gs, *args, timeout=900):
    """dcd-fm with every guest's QMP and agent sockets released meanwhile."""
    for g in gs:
        g.vm.detach()
    try:
        p = subprocess.run([FM] + list(args), capture_output=True, text=True, timeout=timeout,
                           env=dict(os.environ, DCD_FM_LEDGER=LEDGER))
    finally:
        for g in gs:
            g.vm.attach(timeout=120)
    return p.returncode, p.stdout, p.stderr


def grants(gs):
    rc, out, err = fm(gs, 'list')
    return json.loads(out) if rc == 0 else []


def churn(g):
    out = g.guest('cat /tmp/churn.stats 2>/dev/null; true').split()
    return (int(out[0]), int(out[1])) if len(out) == 2 else (0, 0)


def note_time(err, what):
    """Wall-clock seconds of dcd-fm's -v note containing what (HH:MM:SS.mmmZ)."""
    for line in err.splitlines():
        m = re.search(r'(\d\d):(\d\d):(\d\d\.\d+)Z (.*)', line)
        if m and what in m.group(4):
            t = time.gmtime()
            day = time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, 0)) - time.timezone
            return day + int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    return None


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))] if xs else float('nan')


# plan: 8 results, and one clean-log result per further guest
with Scenario('pool4', name='fm-pool-soak', plan=7 + NG) as g0:
    gs = [g0]
    for i in range(1, NG):
        g = Scenario('pool4', name='fm-pool-soak-%d' % i)
        g.vm.start()
        gs.append(g)
    for g in gs[1:]:
        t = g.vm.wait_ready(timeout=300)
        g.memdevs = g.vm.memdevs()
        g0.diag('guest %s up in %.1fs' % (g.vm.workdir, t))
    names = ['g%d' % i for i in range(NG)]
    hosts = ['%s=%s' % (n, g.vm.workdir) for n, g in zip(names, gs)]
    LEDGER = os.path.join(g0.vm.workdir, 'ledger.json')
    if os.path.exists(LEDGER):
        os.unlink(LEDGER)
    subprocess.run(['make', '-s', '-C', os.path.dirname(FM)], check=True)
    subprocess.run(['make', '-s', '-C', os.path.dirname(DCDCTL)], check=True)
    rw, ch = build_rw(), build_prog('dc-churn')
    for g in gs:
        g.load()
        push_rw(g, rw)
        push_file(g, DCDCTL, '/usr/bin/dcdctl')
        push_file(g, ch, '/tmp/dc-churn')
        g.guest(HELPER)
        g.create_region(g.memdevs['cxl-dcd0'])
        g.guest('sleep 1; grep -ls "dcdctl" /proc/[0-9]*/cmdline >/dev/null')

    # every guest gets 256 MiB, onlined by its helper
    mem0 = [memtotal(g) for g in gs]
    rcs = [fm(gs, 'add', '-H', h, '-l', '256M', '--wait=120') for h in hosts]
    g0.ok(all(r[0] == 0 for r in rcs), 'every guest accepts 256 MiB from dcd-fm',
          '\n'.join('%d %s' % (r[0], r[2]) for r in rcs))
    online = [g.wait_for(lambda g=g, m=m: memtotal(g) >= m + START, timeout=300)
              for g, m in zip(gs, mem0)]
    g0.ok(all(online), 'every guest\'s helper onlined its 256 MiB as system RAM',
          [g.guest('tail -3 /tmp/helper.log') for g in gs])
    node = gs[0].guest("daxctl list -D | jq -r '[.[] | select(.mode == \"system-ram\")][0]"
                       ".target_node // 1'").strip() or '1'
    for g in gs:
        g.guest('rm -f /tmp/churn.*; ( /tmp/dc-churn %s %d /tmp/churn.stop /tmp/churn.stats; '
                'echo $? > /tmp/churn.rc ) >/dev/null 2>&1 &' % (node, CHURN_MIB))
    ran = [g.wait_for(lambda g=g: churn(g)[0] > 0, timeout=120) for g in gs]
    g0.ok(all(ran), 'a workload writes and verifies memory on DC node %s in every guest' % node)

    # the moves
    rnd = random.Random(SEED)
    t_start = time.monotonic()
    rel_t, add_t, agree, failed = [], [], 0, []
    for k in range(MOVES):
        held = {}
        for gr in grants(gs):
            if gr['state'] == 'accepted':
                held.setdefault(gr['host'], []).append(gr['size'])
        srcs = [i for i, n in enumerate(names) if held.get(n)]
        src = rnd.choice(srcs)
        dst = rnd.choice([i for i in range(NG) if i != src])
        sizes = held[names[src]]
        pick = rnd.sample(sizes, rnd.randint(1, min(len(sizes), 8)))
        length = sum(pick)
        m_dst = memtotal(gs[dst])
        t0 = time.time()
        rc, out, err = fm(gs, 'pool', '-v', '--from', hosts[src], '--to', hosts[dst],
                          '-l', '%dM' % (length >> 20), '--wait=600')
        if rc != 0:
            failed.append('move %d %s -> %s %d MiB: %d %s' % (k, names[src], names[dst],
                                                              length >> 20, rc, err))
        else:
            t_rel = note_time(err, 'step 2')
            up = gs[dst].wait_for(lambda: memtotal(gs[dst]) >= m_dst + length, timeout=600,
                                  interval=0.2)
            t_up = time.time()
            if t_rel and up:
                rel_t.append(t_rel - t0)
                add_t.append(t_up - t_rel)
            g0.diag('move %d: %s -> %s %4d MiB: release %.1fs, add -> online %.1fs'
                    % (k, names[src], names[dst], length >> 20,
                       (t_rel or t0) - t0, t_up - (t_rel or t0)))
        rc, out, err = fm(gs, 'list', '-R', '-a')
        if rc == 0:
            agree += 1
        else:
            failed.append('after move %d: list -R %d %s' % (k, rc, err))
    minutes = (time.monotonic() - t_start) / 60
    g0.ok(not failed, '%d moves between random pairs of %d guests, all completed' % (MOVES, NG),
          '\n'.join(failed[:10]))
    g0.ok(agree == MOVES, 'after each move dcd-fm list -R agrees with every guest (%d/%d)'
          % (agree, MOVES))
    if rel_t:
        g0.diag('figures: %d moves in %.1f min = %.2f moves/min; release with online memory '
                'median %.1fs p95 %.1fs; add -> online median %.1fs p95 %.1fs'
                % (MOVES, minutes, MOVES / minutes, statistics.median(rel_t), pct(rel_t, 95),
                   statistics.median(add_t), pct(add_t, 95)))

    # the workloads end with their data intact
    for g in gs:
        g.guest('touch /tmp/churn.stop')
    res = [g.wait_for(lambda g=g: g.guest('cat /tmp/churn.rc 2>/dev/null; true').strip(),
                      timeout=120) for g in gs]
    stats = [churn(g) for g in gs]
    g0.ok(all(r == '0' for r in res) and all(s[0] > 0 and s[1] == 0 for s in stats),
          'every workload ran through the moves with 0 mismatches (rounds: %s)'
          % ', '.join(str(s[0]) for s in stats), '%s %s' % (res, stats))

    # every granted byte, through devdax, in the backing files
    gr_all = [gr for gr in grants(gs) if gr['state'] == 'accepted']
    total = sum(gr['size'] for gr in gr_all)
    g0.ok(total == NG * START, 'the pool still holds %d MiB in all (%d grants)'
          % (total >> 20, len(gr_all)))
    bad = []
    for i, g in enumerate(gs):
        byte = 0x51 + i
        ed = ext_dax(g)
        for gr in [x for x in gr_all if x['host'] == names[i]]:
            ext = ed.get(gr['dpa'])
            if not ext:
                bad.append('%s: no extent at %#x' % (names[i], gr['dpa']))
                continue
            dev = ext[1]
            rc, out = g.guest_rc('daxctl reconfigure-device --mode=devdax -f %s >/dev/null 2>&1; '
                                 'daxctl list -d %s | jq -r ".[0].mode // .mode"' % (dev, dev),
                                 timeout=600)
            spans = ([(0, gr['size'])] if CHECK == 'full' else
                     [(0, BLK), (gr['size'] - BLK, BLK)])
            for off, n in spans:
                rc, out = g.guest_rc('/tmp/dax-rw w /dev/%s %d %d %#x' % (dev, off, n, byte),
                                     timeout=1800)
                if rc:
                    bad.append('%s: dax-rw on %s: %s' % (names[i], dev, out))
        bf = g.vm.backing_file('cxl-dcd0')
        with open(bf, 'rb') as f:
            for gr in [x for x in gr_all if x['host'] == names[i]]:
                spans = ([(0, gr['size'])] if CHECK == 'full' else
                         [(0, BLK), (gr['size'] - BLK, BLK)])
                for off, n in spans:
                    f.seek(gr['dpa'] + off)
                    left, pos = n, gr['dpa'] + off
                    while left:
                        chunk = f.read(min(left, 64 * MiB))
                        if chunk.count(byte) != len(chunk):
                            bad.append('%s: backing file differs in [%#x, %#x)'
                                       % (names[i], pos, pos + len(chunk)))
                            break
                        left -= len(chunk)
                        pos += len(chunk)
    g0.ok(not bad, 'every granted byte (%s, %d MiB) written through devdax is in its guest\'s '
          'backing file at the granted DPA: 0 mismatches' % (CHECK, total >> 20),
          '\n'.join(bad[:20]))

    for g in gs[1:]:
        problems = g.vm.finish(os.path.join(g.vm.workdir, 'dmesg.txt'))
        g0.ok(not problems, '%s: clean kernel log, QEMU alive' % g.name, '\n'.join(problems))
