#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 1500
"""Crash consistency of dcd-fm with real guests (issue 15).

Two guests A and B, each with its own DCD and a DC region. 128 MiB is
granted to A. For every step of a move (release-intent, release-sent,
released, add-intent, add-sent, accepted) `dcd-fm pool` moves the 128 MiB
to the other guest and is SIGKILLed at that step (DCD_FM_CRASH_AT, a test
hook); `dcd-fm recover` must then bring back a consistent state: the
128 MiB on exactly one guest (the one it came from if the release never
reached its device, else the other), each device's accepted extents exactly
the ledger's accepted grants (no range granted twice, none lost), nothing
pending, and `dcd-fm list -R` agreeing. A's copy of the data is checked:
a pattern written before the move reads back on whichever guest ends up
with the memory only after it was moved (B's backing file at its DPA).

Then the same with the etcd ledger (an etcd started here on 127.0.0.1, a
free port, a temporary data directory): the kill-at-every-step recovery
again, then two dcd-fm processes acting as two orchestrator replicas moving
capacity between the same guests at the same time in opposite directions,
followed by recover: no range granted twice, none lost, the ledger matching
both devices. Two `dcd-fm pool` started at once for the same grant are
serialized by the ledger lock: one moves it, the other finds nothing."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB, HERE  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
FM = os.path.join(ROOT, 'tools', 'dcd-fm', 'dcd-fm')
MOVE = 128 * MiB
POINTS = ['release-intent', 'release-sent', 'released', 'add-intent', 'add-sent', 'accepted']
ROUND = 4 * len(POINTS)         # results of one crash_round()
ETCD = 6 + ROUND                # results of the etcd half
PLAN = 4 + ROUND + ETCD         # file half (3 + a round), the etcd half, guest B's log


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Etcd:
    """A private etcd on 127.0.0.1 (free ports, temporary data directory)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='dcd-fm-etcd-')
        self.port, peer = free_port(), free_port()
        client, peer = 'http://127.0.0.1:%d' % self.port, 'http://127.0.0.1:%d' % peer
        self.proc = subprocess.Popen(
            ['etcd', '--data-dir', os.path.join(self.dir, 'data'),
             '--listen-client-urls', client, '--advertise-client-urls', client,
             '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
             '--initial-cluster', 'default=' + peer],
            stdout=open(os.path.join(self.dir, 'etcd.log'), 'w'), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(('127.0.0.1', self.port), timeout=1).close()
                time.sleep(1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError('etcd did not start: see %s' % self.dir)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


def fm_raw(vms, ledger, args, env=None, timeout=600):
    e = dict(os.environ, DCD_FM_LEDGER=ledger, **(env or {}))
    return subprocess.run([FM] + list(args), capture_output=True, text=True, timeout=timeout,
                          env=e)


def fm(vms, ledger, *args, env=None, timeout=600):
    """dcd-fm with every guest's QMP and agent sockets released meanwhile."""
    for v in vms:
        v.vm.detach()
    try:
        p = fm_raw(vms, ledger, args, env, timeout)
    finally:
        for v in vms:
            v.vm.attach(timeout=60)
    return p.returncode, p.stdout, p.stderr


def dev_bytes(g, memdev):
    return sum(n for _, n in g.device_extents(memdev))


def check(s, vms, names, ledger, want, label):
    """The ledger's accepted grants equal each device's accepted extents;
    nothing pending; the capacity where it should be. Returns a diagnostic or ''."""
    rc, out, err = fm(vms, ledger, 'list')
    try:
        grants = json.loads(out)
    except ValueError:
        return 'dcd-fm list: %d %s' % (rc, err)
    why = []
    for v, n in zip(vms, names):
        mine = sorted((g['dpa'], g['size']) for g in grants if g['host'] == n)
        states = {g['state'] for g in grants if g['host'] == n}
        dev = sorted(v.device_extents(v.memdevs['cxl-dcd0']))
        host = sorted((e['dpa'], e['length']) for e in v.sysfs_extents())
        if states - {'accepted'}:
            why.append('%s: grants left %s' % (n, states))
        if mine != dev or dev != host:
            why.append('%s: ledger %s, device %s, host %s' % (n, mine, dev, host))
        for (d1, l1), (d2, l2) in zip(mine, mine[1:]):
            if d1 + l1 > d2:
                why.append('%s: grants overlap at %#x' % (n, d2))
    got = [sum(sz for _, sz in sorted(v.device_extents(v.memdevs['cxl-dcd0']))) for v in vms]
    if got != want:
        why.append('capacity %s, want %s' % (got, want))
    return '\n'.join(why)


def crash_round(s, vms, names, hosts, ledger, tag, holder):
    """Move 128 MiB away from vms[holder] with a kill at every step; returns
    the index of the guest holding it at the end."""
    for p in POINTS:
        src, dst = holder, 1 - holder
        rc, out, err = fm(vms, ledger, 'pool', '--from', hosts[src], '--to', hosts[dst],
                          '-l', '128M', '--wait=120', env={'DCD_FM_CRASH_AT': p})
        s.ok(rc == -9 and p in err, '%s: dcd-fm pool %s -> %s killed at %s'
             % (tag, names[src], names[dst], p), '%d %s' % (rc, err))
        t0 = time.monotonic()
        rc, out, err = fm(vms, ledger, 'recover', '-v', '--wait=120', '--grace=5')
        s.diag('%s: recover after %s took %.0fs' % (tag, p, time.monotonic() - t0))
        s.ok(rc == 0, '%s: %s: dcd-fm recover brings it back (exit 0)' % (tag, p),
             '%d %s%s' % (rc, out, err))
        if p != 'release-intent':
            holder = dst
        want = [MOVE if i == holder else 0 for i in range(2)]
        why = check(s, vms, names, ledger, want, tag)
        s.ok(not why, '%s: %s: 128 MiB on %s only, each device\'s extents are the ledger\'s '
             'grants, nothing pending' % (tag, p, names[holder]), why)
        rc, out, err = fm(vms, ledger, 'list', '-R', '-a')
        s.ok(rc == 0, '%s: %s: dcd-fm list -R agrees' % (tag, p), '%d %s%s' % (rc, out, err))
    return holder


with Scenario('dcd1', name='fm-crash', plan=PLAN) as a:
    b = Scenario('dcd1', name='fm-crash-b')
    t = b.vm.boot(timeout=120)
    a.diag('guest B up in %.1fs, work dir %s' % (t, b.vm.workdir))
    b.memdevs = b.vm.memdevs()
    vms, names = (a, b), ('a', 'b')
    for g in vms:
        g.load()
        g.create_region(g.memdevs['cxl-dcd0'])
    hosts = ['a=' + a.vm.workdir, 'b=' + b.vm.workdir]
    subprocess.run(['make', '-s', '-C', os.path.dirname(FM)], check=True)

    # ---------------------------------------------------------- file ledger
    ledger = os.path.join(a.vm.workdir, 'ledger.json')
    rc, out, err = fm(vms, ledger, 'add', '-H', hosts[0], '-r', '0', '-o', '0', '-l', '128M',
                      '--wait=60')
    a.ok(rc == 0, 'file ledger: A accepts 128 MiB', '%d %s%s' % (rc, out, err))
    holder = crash_round(a, vms, names, hosts, ledger, 'file ledger', 0)

    # two pools at once for the same grant: serialized by the ledger lock
    for v in vms:
        v.vm.detach()
    try:
        env = dict(os.environ, DCD_FM_LEDGER=ledger)
        args = ['pool', '--from', hosts[holder], '--to', hosts[1 - holder], '-l', '128M',
                '--wait=120']
        p1 = subprocess.Popen([FM] + args, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        p2 = subprocess.Popen([FM] + args, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        o1, o2 = p1.communicate(timeout=600), p2.communicate(timeout=600)
    finally:
        for v in vms:
            v.vm.attach(timeout=60)
    rcs = sorted([p1.returncode, p2.returncode])
    a.ok(rcs == [0, 2] and 'no accepted grants' in (o1[1] + o2[1]),
         'file ledger: two dcd-fm pool at once for one grant: one moves it, the other finds '
         'nothing to move (lock)', '%s %s %s' % (rcs, o1[1], o2[1]))
    if 0 in rcs:
        holder = 1 - holder
    why = check(a, vms, names, ledger, [MOVE if i == holder else 0 for i in range(2)], 'file')
    a.ok(not why, 'file ledger: after the race the ledger matches both devices', why)

    # ---------------------------------------------------------- etcd ledger
    if not shutil.which('etcd'):
        for i in range(ETCD):
            a.skip('etcd ledger: result %d of %d' % (i + 1, ETCD),
                   'etcd is not installed (etcd-server; scripts/setup)')
    else:
        et = Etcd()
        try:
            url = 'etcd://127.0.0.1:%d/dcd-fm-lab' % et.port
            # what the file ledger granted goes back first; etcd starts afresh
            rc, out, err = fm(vms, ledger, 'list')
            ids = [str(g['grant']) for g in json.loads(out)]
            rc, out, err = fm(vms, ledger, 'release', '--wait=120',
                              *[x for i in ids for x in ('-g', i)])
            a.ok(rc == 0 and all(not dev_bytes(v, v.memdevs['cxl-dcd0']) for v in vms),
                 'file ledger: its grants released before the etcd rounds',
                 '%d %s%s' % (rc, out, err))
            rc, out, err = fm(vms, url, 'add', '-v', '-H', hosts[0], '-r', '0', '-o', '0',
                              '-l', '128M', '--wait=60')
            a.ok(rc == 0 and 'ledger: etcd' in err, 'etcd ledger: A accepts 128 MiB; dcd-fm '
                 'says it uses etcd', '%d %s%s' % (rc, out, err))
            holder = crash_round(a, vms, names, hosts, url, 'etcd ledger', 0)

            # two orchestrator replicas moving in opposite directions at once
            rc1, _, e1 = fm(vms, url, 'add', '-H', hosts[1 - holder], '-r', '1', '-e', '0:64M',
                            '-e', '128M:64M', '--wait=60')
            rc2, _, e2 = fm(vms, url, 'add', '-H', hosts[holder], '-r', '1', '-e', '0:64M',
                            '--wait=60')
            a.ok(rc1 == 0 and rc2 == 0, 'etcd ledger: more grants on both guests for the '
                 'replicas', e1 + e2)
            for v in vms:
                v.vm.detach()
            try:
                env = dict(os.environ, DCD_FM_LEDGER=url)
                loop = ('ok=0; for i in 1 2 3; do "$0" pool --from "$1" --to "$2" -l 64M '
                        '--wait=120 >/dev/null && ok=$((ok + 1)); done; '
                        'echo $ok')
                r1 = subprocess.Popen(['sh', '-c', loop, FM, hosts[0], hosts[1]], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                r2 = subprocess.Popen(['sh', '-c', loop, FM, hosts[1], hosts[0]], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                o1, o2 = r1.communicate(timeout=1200), r2.communicate(timeout=1200)
            finally:
                for v in vms:
                    v.vm.attach(timeout=60)
            a.diag('replica 1 (a -> b) moved %s times, replica 2 (b -> a) %s times; what '
                   'stopped the others:\n%s%s' % (o1[0].strip(), o2[0].strip(), o1[1], o2[1]))
            moved = int(o1[0].strip() or 0) + int(o2[0].strip() or 0)
            rc, out, err = fm(vms, url, 'recover', '--wait=120')
            a.ok(rc == 0, 'etcd ledger: recover after the replicas: exit 0',
                 '%d %s%s\n%s\n%s' % (rc, out, err, o1[1][-2000:], o2[1][-2000:]))
            total = sum(dev_bytes(v, v.memdevs['cxl-dcd0']) for v in vms)
            why = check(a, vms, names, url, [dev_bytes(v, v.memdevs['cxl-dcd0']) for v in vms],
                        'etcd')
            a.ok(moved > 0 and total == MOVE + 3 * 64 * MiB and not why,
                 'etcd ledger: two replicas, %d moves at the same time: %d MiB in all, no range '
                 'granted twice or lost, the ledger matches both devices' % (moved, total >> 20),
                 why + '\n' + o1[1][-1500:] + o2[1][-1500:])
            rc, out, err = fm(vms, url, 'list', '-R', '-a')
            a.ok(rc == 0, 'etcd ledger: dcd-fm list -R agrees', '%d %s%s' % (rc, out, err))
        finally:
            et.stop()

    problems = b.vm.finish(os.path.join(b.vm.workdir, 'dmesg.txt'))
    a.ok(not problems, 'guest B: clean kernel log, QEMU alive', '\n'.join(problems))
