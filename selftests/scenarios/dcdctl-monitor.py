#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 1500
"""dcdctl monitor, the auto-online daemon, against a real guest (issue 5).

Started over an accepted devdax extent it onlines it (restart-safe
reconcile). A QMP add of 256 MiB is onlined as system RAM (MemTotal +256
MiB), a devdax rule leaves an extent as devdax and an ignore rule leaves it
alone. A QMP release of the online extent: the monitor offlines it, the
release completes, MemTotal is back and the other extents' data is intact
(host backing file). Pages pinned by a test program (vmsplice): the monitor
retries with backoff and reports each retry, the release stays pending and
nothing is lost; dropping the pin completes it. An extent the admin offlines
is not onlined again. kill -9 of the monitor before
a release, restart: it reconciles and finishes the cycle. SIGTERM stops it
with exit 0; a bad policy line and a competing udev rule with --strict fail
with their exit codes. A policy that onlines every extent makes the monitor
set cxl_dcd's kmem parameter while it runs: a new extent's DAX device binds
kmem at once (no device_dax probe) and is onlined movable; SIGTERM puts the
parameter back.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, dcdctl_extents, MiB, HERE, build_rw, push_rw, ext_dax,  # noqa: E402
                    blocks_with, memtotal)

R1 = 256 * MiB          # DPA of DC region 1
BLK = 2 * MiB
POLICY = """# dcdctl-monitor.py
devdax     size=64M              # B
ignore     max-size=32M          # I
system-ram zone=movable min-size=128M
"""
# bounded, quick retries for the test; the documented defaults are longer
MONITOR = ('dcdctl monitor --json --policy /tmp/policy.conf --offline-timeout 10 '
           '--retries 40 --backoff-max 4')


def push(s, path, dst):
    """Copy an executable into the guest, in pieces the agent takes in one line."""
    data = base64.b64encode(open(path, 'rb').read()).decode()
    s.guest('rm -f %s.b64' % dst)
    for i in range(0, len(data), 96 * 1024):
        s.guest("echo '%s' >> %s.b64" % (data[i:i + 96 * 1024], dst))
    s.guest('base64 -d %s.b64 > %s && rm %s.b64 && chmod +x %s' % (dst, dst, dst, dst))


def build_pin():
    out = os.path.join(tempfile.mkdtemp(prefix='dcd-pin-'), 'dcd-pin')
    subprocess.check_call(['gcc', '-O1', '-Wall', '-Wextra', '-Werror', '-static', '-s',
                           '-mgeneral-regs-only', '-o', out, os.path.join(HERE, 'dcd-pin.c')])
    return out


def events(s, log):
    """The monitor's JSON lines in log (warnings and other text skipped)."""
    res = []
    for line in s.guest('cat %s 2>/dev/null; true' % log).splitlines():
        try:
            res.append(json.loads(line))
        except ValueError:
            pass
    return res


def find(evs, **kw):
    return [e for e in evs if all(e.get(k) == v for k, v in kw.items())]


def start_monitor(s, log, cmd=MONITOR):
    s.guest("rm -f /tmp/mon.rc; setsid sh -c '%s >%s 2>&1 & echo $! >/tmp/mon.pid; wait $!; "
            "echo $? >/tmp/mon.rc' </dev/null >/dev/null 2>&1 &" % (cmd, log))
    return s.wait_for(lambda: find(events(s, log), event='start'), timeout=60)


with Scenario('dcd1', plan=37) as s:
    m = s.memdevs['cxl-dcd0']
    push(s, build_pin(), '/tmp/dcd-pin')
    push_rw(s, build_rw())
    s.guest("cat > /tmp/policy.conf <<'EOF'\n%sEOF" % POLICY)
    s.load()
    s.create_region(m)
    s.diag('auto_online_blocks: ' + s.guest('cat /sys/devices/system/memory/auto_online_blocks'))

    # C: accepted and devdax before the monitor runs; a pattern in its last 2 MiB
    s.add([(0, 128 * MiB)], region=1)
    ed = s.wait_for(lambda: dcdctl_extents(s).get(R1, {}).get('mode') == 'devdax' and ext_dax(s))
    C, Cdax = ed[R1] if ed else (None, None)
    rc, out = s.guest_rc('/tmp/dax-rw w /dev/%s %d %d 0xb3' % (Cdax, 126 * MiB, BLK), timeout=300)
    s.ok(ed and rc == 0, 'extent %s (%s) accepted as devdax, pattern written' % (C, Cdax), out)
    base = memtotal(s)

    # 1. policy: restart-safe start, system-ram, devdax, ignore
    s.ok(start_monitor(s, '/tmp/mon.log'), 'monitor started', s.guest('cat /tmp/mon.log'))
    on = s.wait_for(lambda: memtotal(s) == base + 128 * MiB, timeout=180)
    e = dcdctl_extents(s).get(R1, {})
    s.ok(on and e.get('mode') == 'system-ram',
         'on start the monitor onlines the accepted extent %s it finds' % C, e)
    s.add([(0, 256 * MiB)])
    on = s.wait_for(lambda: memtotal(s) == base + 384 * MiB, timeout=180)
    e = dcdctl_extents(s).get(0, {})
    A = e.get('extent')
    s.ok(on and e.get('mode') == 'system-ram' and e.get('length') == 256 * MiB and
         e.get('memory', {}).get('zone') in ('movable', 'Movable'),
         'QMP add of 256 MiB: the monitor onlines it, movable, MemTotal +256 MiB',
         '%s\nMemTotal %d (base %d)' % (e, memtotal(s), base))
    ev = find(events(s, '/tmp/mon.log'), event='online', extent=A, result='ok')
    s.ok(ev and all(k in ev[0] for k in ('timestamp', 'memdev', 'region', 'dax', 'action')) and
         ev[0]['action'] == 'online-movable',
         'JSON event: online of %s with timestamp, memdev, region, dax, action, result' % A, ev)
    s.add([(128 * MiB, 64 * MiB)], region=1)
    s.add([(192 * MiB, 32 * MiB)], region=1)
    evs = s.wait_for(lambda: len(find(events(s, '/tmp/mon.log'), event='policy')) >= 2 and
                     find(events(s, '/tmp/mon.log'), event='policy'), timeout=120) or []
    x = dcdctl_extents(s)
    B, I_ = x.get(R1 + 128 * MiB, {}), x.get(R1 + 192 * MiB, {})
    s.ok(find(evs, extent=B.get('extent'), action='devdax') and B.get('mode') == 'devdax' and
         memtotal(s) == base + 384 * MiB,
         'policy devdax (size=64M): %s left as devdax' % B.get('extent'), '%s\n%s' % (evs, B))
    s.ok(find(evs, extent=I_.get('extent'), action='ignore') and I_.get('mode') == 'devdax',
         'policy ignore (max-size=32M): %s left alone' % I_.get('extent'), '%s\n%s' % (evs, I_))
    rc, out = s.guest_rc('/tmp/dax-rw w /dev/%s 0 %d 0xb2' % (B.get('dax'), BLK), timeout=300)
    s.ok(rc == 0, 'pattern written to devdax %s' % B.get('dax'), out)

    # 2. release of the online extent
    s.release([(0, 256 * MiB)])
    gone = s.wait_for(lambda: (0, 256 * MiB) not in s.device_extents(m), timeout=180)
    evs = events(s, '/tmp/mon.log')
    s.ok(gone and find(evs, event='offline', extent=A, result='ok') and
         find(evs, event='removed', extent=A, result='released'),
         'QMP release of online %s: the monitor offlines it, the release completes' % A,
         '\n'.join(json.dumps(v) for v in evs[-8:]))
    s.ok(find(evs, event='uevent', uevent='change', dcd_state='release-pending') and
         find(evs, event='state', extent=A, state='release-pending'),
         'the release reached the monitor as a change uevent (DCD_STATE=release-pending)')
    s.ok(s.wait_for(lambda: 0 not in dcdctl_extents(s)) is True and memtotal(s) == base + 128 * MiB,
         'extent object gone, MemTotal back to base + %s' % C,
         '%s\nMemTotal %d (base %d)' % (dcdctl_extents(s).get(0), memtotal(s), base))
    bf = s.vm.backing_file('cxl-dcd0')
    s.ok(blocks_with(bf, 0xb3) == [R1 + 126 * MiB],
         'data of the other online extent %s intact (backing file)' % C)
    s.ok(blocks_with(bf, 0xb2) == [R1 + 128 * MiB], 'data of devdax %s intact' % B.get('dax'))

    # 3. busy memory: pages pinned, the monitor retries; unpinned, the release completes.
    # C is offlined by hand first, so that A2 is the only memory of its node: the
    # monitor leaves an extent it handled alone.
    # The proof that the monitor saw the offline and left C alone is a later
    # decision of the same monitor: it handles events in order, so once it
    # has onlined A2 (added after the offline) it has reconciled with C
    # offline, and C must still be devdax with MemTotal counting A2 only.
    rc, out = s.guest_rc('dcdctl offline %s' % C, timeout=180)
    off_ok = rc == 0 and memtotal(s) == base
    s.add([(0, 256 * MiB)])
    on = s.wait_for(lambda: dcdctl_extents(s).get(0, {}).get('mode') == 'system-ram' and
                    find(events(s, '/tmp/mon.log'), event='online', result='ok',
                         extent=dcdctl_extents(s).get(0, {}).get('extent')), timeout=180)
    e = dcdctl_extents(s).get(0, {})
    A2, node = e.get('extent'), e.get('memory', {}).get('node', e.get('target_node'))
    s.ok(off_ok and on and dcdctl_extents(s).get(R1, {}).get('mode') == 'devdax' and
         memtotal(s) == base + 256 * MiB and
         len(find(events(s, '/tmp/mon.log'), event='online', extent=C, result='ok')) == 1,
         'admin offlines %s: the monitor does not online it again (it has onlined %s since)'
         % (C, A2), '%s\n%s\nMemTotal %d (base %d)' % (out, dcdctl_extents(s).get(R1),
                                                       memtotal(s), base))
    s.ok(on and e.get('mode') == 'system-ram', 're-added %s onlined' % A2, e)
    s.guest("setsid sh -c '/tmp/dcd-pin %s 16 %d %d >/tmp/pin.out 2>&1 & echo $! >/tmp/pin.pid' "
            "</dev/null >/dev/null 2>&1" % (node, e.get('hpa', 0), 256 * MiB))
    pin = s.wait_for(lambda: 'pinned' in s.guest('cat /tmp/pin.out; true'), timeout=120)
    s.ok(pin, 'dcd-pin holds page references in %s (node %s)' % (A2, node),
         s.guest('cat /tmp/pin.out; true'))
    s.release([(0, 256 * MiB)])
    retries = s.wait_for(lambda: len(find(events(s, '/tmp/mon.log'), event='offline',
                                          extent=A2, result='retry')) >= 2 and
                         find(events(s, '/tmp/mon.log'), event='offline', extent=A2,
                              result='retry'), timeout=240) or []
    s.ok(len(retries) >= 2 and all(r.get('attempt') and r.get('retry_in_ms') and r.get('message')
                                   for r in retries),
         'pinned pages: the monitor retries the offline with backoff and reports each retry',
         '\n'.join(json.dumps(v) for v in retries[:4]))
    s.diag('retry delays: %s; first: %s' % ([r.get('retry_in_ms') for r in retries],
                                            retries[0].get('message') if retries else None))
    e = dcdctl_extents(s).get(0, {})
    s.ok(e.get('state') == 'release-pending' and (0, 256 * MiB) in s.device_extents(m),
         'meanwhile the release stays pending (device still lists the extent)', e)
    s.guest('kill $(cat /tmp/pin.pid)')
    ver = s.wait_for(lambda: 'verified' in s.guest('cat /tmp/pin.out; true') or
                     'MISMATCH' in s.guest('cat /tmp/pin.out; true'), timeout=60)
    out = s.guest('cat /tmp/pin.out; true')
    s.ok(ver and 'verified' in out and 'MISMATCH' not in out,
         'nothing lost: the pinned process reads back all its pages', out)
    gone = s.wait_for(lambda: (0, 256 * MiB) not in s.device_extents(m), timeout=180)
    evs = events(s, '/tmp/mon.log')
    s.ok(gone and find(evs, event='offline', extent=A2, result='ok') and memtotal(s) == base,
         'pin dropped: the next attempt offlines %s and the release completes' % A2,
         '\n'.join(json.dumps(v) for v in evs[-6:]))
    s.ok(len(find(evs, event='online', extent=C, result='ok')) == 1,
         'meanwhile the monitor never onlined %s again' % C)
    rc, out = s.guest_rc('dcdctl online %s' % C, timeout=180)
    s.ok(rc == 0 and memtotal(s) == base + 128 * MiB, 'admin onlines %s again' % C, out)

    # 4. kill -9 mid-cycle, restart: reconcile finishes the cycle
    s.add([(0, 256 * MiB)])
    on = s.wait_for(lambda: memtotal(s) == base + 384 * MiB, timeout=180)
    A3 = dcdctl_extents(s).get(0, {}).get('extent')
    s.ok(on, 're-added %s onlined' % A3)
    s.guest('kill -9 $(cat /tmp/mon.pid)')
    dead = s.wait_for(lambda: s.guest_rc('kill -0 $(cat /tmp/mon.pid) 2>/dev/null')[0] != 0,
                      timeout=30)
    s.release([(0, 256 * MiB)])
    st = s.wait_for(lambda: dcdctl_extents(s).get(0, {}).get('state') == 'release-pending', timeout=60)
    # the module has deferred the release; two polls later (each queues the
    # work that retries pending releases, on the same ordered workqueue) it
    # has looked again and still found the memory in use
    polls = s.counters(m).get('polls', 0)
    again = s.wait_for(lambda: s.counters(m).get('polls', 0) >= polls + 2, timeout=60)
    s.ok(dead and st and again and dcdctl_extents(s).get(0, {}).get('mode') == 'system-ram' and
         dcdctl_extents(s).get(0, {}).get('state') == 'release-pending' and
         (0, 256 * MiB) in s.device_extents(m) and memtotal(s) == base + 384 * MiB,
         'monitor killed (-9) before the release: the release stays pending, memory online',
         '%s\n%s' % (dcdctl_extents(s).get(0), s.counters(m)))
    s.ok(start_monitor(s, '/tmp/mon2.log'), 'monitor restarted')
    gone = s.wait_for(lambda: (0, 256 * MiB) not in s.device_extents(m), timeout=180)
    evs = events(s, '/tmp/mon2.log')
    mt = memtotal(s)
    s.ok(gone and find(evs, event='extent', extent=A3, state='release-pending') and
         find(evs, event='offline', extent=A3, result='ok') and mt == base + 128 * MiB,
         'restarted monitor reconciles: offlines %s, the release completes' % A3,
         'gone %s, MemTotal %+d MiB (want +128)\n%s' % (
             gone, (mt - base) // MiB, '\n'.join(json.dumps(v) for v in evs)))
    s.ok(find(evs, event='online', extent=C, result='already') and
         not find(evs, event='online', extent=C, result='ok'),
         'restart: %s, already online, is reported as such and left alone' % C,
         '\n'.join(json.dumps(v) for v in evs))

    # 5. SIGTERM: clean exit 0
    s.guest('kill -TERM $(cat /tmp/mon.pid)')
    rc = s.wait_for(lambda: s.guest('cat /tmp/mon.rc 2>/dev/null; true').strip(), timeout=30)
    s.ok(rc == '0' and find(events(s, '/tmp/mon2.log'), event='stop'),
         'SIGTERM: the monitor stops with exit 0', rc)

    # 6. errors: bad policy line, competing udev rule with --strict
    s.guest("printf 'system-ram\\nfrobnicate now\\n' > /tmp/bad.conf")
    rc, out = s.guest_rc('dcdctl monitor --once --policy /tmp/bad.conf')
    s.ok(rc == 9 and out.strip().startswith("dcdctl: /tmp/bad.conf:2: unknown action 'frobnicate'")
         and len(out.strip().splitlines()) == 1,
         'bad policy line: one line "dcdctl: FILE:LINE: ...", exit 9', '%d %s' % (rc, out))
    s.guest("mkdir -p /etc/udev/rules.d && echo 'SUBSYSTEM==\"memory\", ACTION==\"add\", "
            "ATTR{state}=\"online\"' > /etc/udev/rules.d/99-online.rules")
    rc, out = s.guest_rc('dcdctl monitor --once --strict --policy /tmp/policy.conf')
    s.ok(rc == 10 and '99-online.rules:1' in out,
         'udev rule onlining memory + --strict: warning naming the rule, exit 10',
         '%d %s' % (rc, out))
    rc, out = s.guest_rc('dcdctl monitor --once --policy /tmp/policy.conf')
    s.guest('rm -f /etc/udev/rules.d/99-online.rules')
    s.ok(rc == 0 and 'warning' in out, 'without --strict: warning only, --once exits 0',
         '%d %s' % (rc, out))
    x = dcdctl_extents(s)
    s.ok(x.get(R1, {}).get('mode') == 'system-ram' and
         x.get(R1 + 128 * MiB, {}).get('mode') == 'devdax' and
         x.get(R1 + 192 * MiB, {}).get('mode') == 'devdax',
         'end state: %s online, B and I devdax' % C, x)
    # 7. kmem at once: a policy that onlines every extent (and auto_online_blocks
    # offline) lets new DAX devices bind kmem when they are created, so no
    # device_dax probe builds a memmap that the monitor would tear down again
    par = '/sys/module/cxl_dcd/parameters/kmem'
    s.ok(s.guest('cat %s' % par).strip() == 'N',
         'the monitors with a devdax/ignore policy left cxl_dcd kmem=N')
    s.guest("echo 'system-ram zone=movable' > /tmp/all.conf")
    # device_dax's probe counted by a kprobe where the kernel has kprobe
    # events (the debug kernel has none); the uevents tell it anyway: a
    # DAX device that came up devdax is unbound before it can be onlined
    kp = s.guest_rc("cd /sys/kernel/tracing && "
                    "echo 'p:dcdt/ddprobe device_dax:dev_dax_probe' >> kprobe_events && "
                    "echo 1 > events/dcdt/enable && echo > trace")[0] == 0
    kon = start_monitor(s, '/tmp/mon3.log', MONITOR.replace('/tmp/policy.conf', '/tmp/all.conf'))
    kon = kon and s.wait_for(lambda: find(events(s, '/tmp/mon3.log'), event='kmem-at-once',
                                          result='on'), timeout=60)
    s.ok(kon and s.guest('cat %s' % par).strip() == 'Y',
         'policy "system-ram" alone: the monitor sets cxl_dcd kmem=Y (event kmem-at-once)',
         s.guest('cat /tmp/mon3.log'))
    base2 = memtotal(s)
    s.add([(0, 256 * MiB)])
    on = s.wait_for(lambda: memtotal(s) == base2 + 256 * MiB, timeout=180)
    e = dcdctl_extents(s).get(0, {})
    probes = (s.guest('grep -c ddprobe /sys/kernel/tracing/trace; true').strip()
              if kp else 'not counted')
    s.release([(0, 256 * MiB)])
    gone = s.wait_for(lambda: (0, 256 * MiB) not in s.device_extents(m) and
                      memtotal(s) == base2, timeout=180)
    # uevents are logged when the monitor drains them, maybe after its own
    # online event: look at everything before the release reached it
    ev3 = events(s, '/tmp/mon3.log')
    rel = [i for i, x in enumerate(ev3) if x.get('event') == 'state' and
           x.get('extent') == e.get('extent') and x.get('state') == 'release-pending']
    onl = [x for x in ev3 if x.get('event') == 'online' and x.get('extent') == e.get('extent')
           and x.get('result') == 'ok']
    unb = [x for x in ev3[:rel[0] if rel else len(ev3)] if x.get('event') == 'uevent' and
           x.get('uevent') == 'unbind' and x.get('devpath', '').endswith('/%s' % e.get('dax'))]
    s.ok(on and e.get('mode') == 'system-ram' and onl and rel and not unb and
         probes in ('0', 'not counted') and
         e.get('memory', {}).get('zone') in ('movable', 'Movable'),
         'QMP add of 256 MiB: its DAX device binds kmem at once (device_dax never probes, '
         'never unbound), the monitor onlines it movable',
         '%s\ndev_dax_probe calls: %s; unbind uevents before the release: %s' % (e, probes, unb))
    s.ok(gone, 'its release completes, MemTotal back', s.guest('tail -5 /tmp/mon3.log'))
    s.guest('kill -TERM $(cat /tmp/mon.pid)')
    if kp:
        s.guest('cd /sys/kernel/tracing && echo 0 > events/dcdt/enable && '
                'echo -:dcdt/ddprobe >> kprobe_events')
    rc = s.wait_for(lambda: s.guest('cat /tmp/mon.rc 2>/dev/null; true').strip(), timeout=30)
    s.ok(rc == '0' and s.guest('cat %s' % par).strip() == 'N' and
         find(events(s, '/tmp/mon3.log'), event='kmem-at-once', result='off'),
         'SIGTERM: the monitor puts cxl_dcd kmem back to N', rc)

    # keep the monitor's logs with the run's results
    for log in ('mon.log', 'mon2.log', 'mon3.log'):
        with open(os.path.join(s.vm.workdir, log), 'w') as f:
            f.write(s.guest('cat /tmp/%s 2>/dev/null; true' % log))
