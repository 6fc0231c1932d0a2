#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 400
"""Lifetimes and observability: cxl_pci re-probe, tracepoints, uevents,
a release for a range the host no longer has (logged once, nothing changes),
a region teardown releasing its extents, host-initiated release of an orphan
(region destroyed while the module was unloaded), and the dax_cxl guard."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB, CXL, record_uevents, irq_count  # noqa: E402

TR = '/sys/kernel/tracing'

with Scenario('dcd1', plan=19) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    bdf = s.guest('basename $(readlink -f %s/%s/..)' % (CXL, m)).strip()

    # cxl_pci unbind/bind while cxl_dcd is loaded: state torn down and rebuilt,
    # 5-byte interrupt policy re-applied (events still arrive by IRQ)
    rc, out = s.guest_rc('echo %s > /sys/bus/pci/drivers/cxl_pci/unbind && '
                         'echo %s > /sys/bus/pci/drivers/cxl_pci/bind' % (bdf, bdf))
    s.ok(rc == 0, 'cxl_pci unbind and bind with cxl_dcd loaded', out)
    s.memdevs = s.wait_for(lambda: (s._memdevs()['cxl-dcd0'] and
                                    s.guest_rc('ls %s/mem*/driver' % CXL)[0] == 0 and
                                    s._memdevs()))
    m = s.memdevs['cxl-dcd0']
    cfg = s.guest_rc('cat %s/%s/dynamic_ram_1/size' % (CXL, m))[1].strip()
    s.ok(cfg == '0x20000000', 're-probed %s has its DC configuration again' % m, cfg)

    s.guest('echo 1 > %s/events/cxl_dcd/enable && echo > %s/trace' % (TR, TR))
    record_uevents(s)
    region = s.create_region(m)
    # the interrupt, not the 5 s safety poll: the count on the module's
    # vector in /proc/interrupts and its own IRQ counter (its handler saw
    # the DC bit) both rise with the add
    irq0, c0 = irq_count(s, m), s.counters(m).get('irqs', 0)
    s.add([(0, 64 * MiB)])
    got = s.wait_for(lambda: s.device_extents(m))
    irq1, c1 = irq_count(s, m), s.counters(m).get('irqs', 0)
    s.ok(got == [(0, 64 * MiB)] and None not in (irq0, irq1) and irq1 > irq0 and c1 > c0,
         'after re-probe: add accepted, by interrupt (/proc/interrupts count on cxl_dcd:%s rose)'
         % m, 'extents %s; /proc/interrupts %s -> %s; irqs counter %s -> %s'
         % (got, irq0, irq1, c0, c1))
    trace = s.guest('cat %s/trace' % TR)
    s.ok('cxl_dcd_dynamic_capacity' in trace and 'cxl_dcd_add_response' in trace,
         'tracepoints: one DC record and one add response traced', trace[-1500:])
    s.release([(0, 64 * MiB)])
    s.wait_for(lambda: s.device_extents(m) == [])
    trace = s.guest('cat %s/trace' % TR)
    s.ok('cxl_dcd_release' in trace, 'tracepoint: the Release DC sent is traced', trace[-800:])
    ev = s.wait_for(lambda: 'remove' in s.guest('cat /tmp/uevents 2>/dev/null; true') and
                    s.guest('cat /tmp/uevents'))
    s.ok(ev and any(l.startswith('add ') and '/extent' in l for l in ev.splitlines()) and
         any(l.startswith('remove ') and '/extent' in l for l in ev.splitlines()),
         'uevents: add and remove for the extent object', ev)

    # a release record for a range the host already gave back: logged once, no change
    s.load('use_irq=0 poll_ms=0')          # only the slow safety-net poll
    s.add([(32 * MiB, 32 * MiB)], region=1)
    got = s.wait_for(lambda: s.device_extents(m), timeout=30)
    s.ok(got == [(256 * MiB + 32 * MiB, 32 * MiB)], 'safety-net poll alone takes an add', got)
    s.release([(32 * MiB, 32 * MiB)], region=1)         # queued, not yet seen
    s.guest('for f in %s/dax_region*/extent*/release; do echo 1 > $f; done' % CXL)  # host first
    s.wait_for(lambda: s.counters(m).get('release_unknown', 0) >= 1, timeout=30)
    c = s.counters(m)
    s.ok(c.get('release_unknown') == 1, 'the stale release record is counted as unknown', c)
    n = s.guest("dmesg | grep -c 'release of unknown range' || true").strip()
    s.ok(n == '1', 'and logged exactly once', n)
    s.ok(s.device_extents(m) == [] and s.host_extents(m) == [],
         'nothing else changed: both lists empty')

    # region teardown: the extents of a destroyed region go back to the device
    s.load('use_irq=1')
    s.add([(0, 16 * MiB)])
    s.wait_for(lambda: s.device_extents(m))
    s.destroy_region(region)
    gone = s.wait_for(lambda: s.device_extents(m) == [] and s.host_extents(m) == [])
    s.ok(gone is True and s.orphans(m) == [] and s.sysfs_extents() == [],
         'region destroyed: its extent released to the device, no orphan',
         (s.device_extents(m), s.host_extents(m), s.orphans(m)))
    n = s.guest("dmesg | grep -c 'torn down: 1 extents to release to the device' || true").strip()
    s.ok(n == '1', 'and the teardown release is logged', n)

    # orphans: a region destroyed while cxl_dcd is not loaded; the host
    # releases the orphan on request
    region = s.create_region(m)
    s.add([(0, 16 * MiB)])
    s.wait_for(lambda: s.device_extents(m))
    rc, out = s.guest_rc('rmmod cxl_dcd && cxl disable-region %s && cxl destroy-region %s'
                         % (region, region))
    s.ok(rc == 0, 'region destroyed with cxl_dcd unloaded', out)
    s.load()
    s.ok(s.device_extents(m) == [(0, 16 * MiB)],
         'rmmod released nothing: the device still lists the extent')
    orph = s.wait_for(lambda: s.orphans(m))
    s.ok(orph == [(0, 16 * MiB)], 'reloaded: extent listed as orphan', orph)
    rc, out = s.guest_rc('echo "0x0 0x1000000" > %s/%s/dcd/release_extent' % (CXL, m))
    s.ok(rc == 0 and s.wait_for(lambda: s.device_extents(m) == []) is True and s.orphans(m) == [],
         'release_extent gives the orphan back to the device', out)
    rc, out = s.guest_rc('echo "0x0 0x1000000" > %s/%s/dcd/release_extent' % (CXL, m))
    s.ok(rc != 0, 'release_extent of an unknown range fails', out)

    # the dax_cxl guard: with dax_cxl loaded, cxl_dcd refuses DC altogether
    # (insmod passes the modprobe block; on 7.x dax_cxl needs dax_hmem)
    s.guest('rmmod cxl_dcd; for d in $(modinfo -F depends dax_cxl | tr , " "); '
            'do modprobe $d; done; insmod $(find /usr/lib/modules -name dax_cxl.ko)')
    rc, out = s.guest_rc('modprobe cxl_dcd')
    s.ok(rc == 0 and not s.guest('ls %s/%s/dcd 2>/dev/null; true' % (CXL, m)).strip(),
         'dax_cxl loaded: cxl_dcd loads but enables no DC', out)
    s.ok(s.guest_rc("dmesg | grep -q 'DC disabled: dax_cxl is loaded'")[0] == 0,
         'and says why: "DC disabled: dax_cxl is loaded"')
    s.guest('rmmod cxl_dcd dax_cxl')
