#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 600
"""The stock-tools flow (issue 6): nothing of ours in user space but the
module - no dcdctl, no dcd-fm. `cxl list` shows the DC capacity as the
memdev's ram partition, `cxl create-region -t ram` builds a region over it,
a QMP add (the FM) gives a DAX device `daxctl list` shows with the extent's
size, a pattern written through devdax lands at the extent's DPA in the
backing file, `daxctl reconfigure-device --mode=system-ram` onlines it
(MemTotal grows), `daxctl offline-memory` and `reconfigure-device
--mode=devdax` give it back with the data intact, a QMP release completes,
and `cxl destroy-region` with an unused extent releases it to the device."""
import json
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, MiB, BLK, build_rw, push_rw, dax_devs,  # noqa: E402
                    blocks_with, memtotal)

DC_SIZE = 512 * MiB
EXT = 128 * MiB


def cxl_json(s, args):
    out = s.guest('cxl list %s 2>/dev/null' % args).strip() or '[]'
    d = json.loads(out)
    return [d] if isinstance(d, dict) else d


def daxctl_sizes(s):
    return {d['chardev']: d for d in dax_devs(s)}


with Scenario('dcd1', plan=17) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    mds = cxl_json(s, '-M -m %s' % m)
    md = mds[0] if mds else {}
    s.ok(md.get('memdev') == m and md.get('ram_size') == DC_SIZE,
         'cxl list -M: %s shows the 512 MiB DC partition as ram_size' % m, mds)

    root = s.guest("cxl list -D -d root -m %s | jq -r '.[] | select(.volatile_capable == true) "
                   "| .decoder' | head -1" % m).strip()
    rc, out = s.guest_rc('cxl create-region -t ram -d %s -m %s 2>&1' % (root, m), timeout=120)
    region = None
    try:
        js = json.loads(out[out.index('{'):out.rindex('}') + 1])
        region = js.get('region')
    except ValueError:
        js = {}
    s.ok(rc == 0 and region and js.get('size') == DC_SIZE,
         'cxl create-region -t ram -d %s -m %s: %s of 512 MiB' % (root, m, region), out)
    s.ok(dax_devs(s) == [], 'daxctl list: no DAX device before any capacity is added',
         dax_devs(s))

    # the FM adds 128 MiB at DC region 0 offset 128 MiB (DPA 128 MiB)
    err = s.add([(EXT, EXT)])
    s.ok(err is None, 'QMP cxl-add-dynamic-capacity 128 MiB at DPA 128 MiB', err)
    devs = s.wait_for(lambda: [d for d in dax_devs(s) if d.get('size') == EXT], timeout=30)
    s.ok(devs and len(dax_devs(s)) == 1 and devs[0].get('mode') == 'devdax',
         'daxctl list: one devdax device of 128 MiB', dax_devs(s))
    dev = devs[0]['chardev'] if devs else 'dax-missing'

    push_rw(s, build_rw())
    rc, out = s.guest_rc('/tmp/dax-rw w /dev/%s 0 %d 0x5a && /tmp/dax-rw w /dev/%s %d %d 0xa5'
                         % (dev, BLK, dev, EXT - BLK, BLK), timeout=300)
    s.ok(rc == 0, 'patterns written through /dev/%s (first and last 2 MiB)' % dev, out)
    bf = s.vm.backing_file('cxl-dcd0')
    s.ok(blocks_with(bf, 0x5a) == [EXT] and blocks_with(bf, 0xa5) == [2 * EXT - BLK],
         'backing file holds them at exactly the extent\'s DPA (128 MiB, 256 MiB - 2 MiB)',
         (blocks_with(bf, 0x5a), blocks_with(bf, 0xa5)))

    mem0 = memtotal(s)
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=system-ram %s 2>&1' % dev, timeout=300)
    d = daxctl_sizes(s).get(dev, {})
    s.ok(rc == 0 and memtotal(s) == mem0 + EXT and d.get('mode') == 'system-ram',
         'daxctl reconfigure-device --mode=system-ram %s: MemTotal +128 MiB' % dev,
         '%s\nMemTotal %d -> %d\n%s' % (out, mem0, memtotal(s), d))

    rc, out = s.guest_rc('daxctl offline-memory %s 2>&1' % dev, timeout=300)
    s.ok(rc == 0 and memtotal(s) == mem0, 'daxctl offline-memory %s: MemTotal back' % dev,
         '%s\nMemTotal %d' % (out, memtotal(s)))
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=devdax %s 2>&1' % dev, timeout=300)
    d = daxctl_sizes(s).get(dev, {})
    s.ok(rc == 0 and d.get('mode') == 'devdax' and d.get('size') == EXT,
         'daxctl reconfigure-device --mode=devdax %s' % dev, '%s\n%s' % (out, d))
    rc, out = s.guest_rc('/tmp/dax-rw r /dev/%s 0 %d 0x5a && /tmp/dax-rw r /dev/%s %d %d 0xa5'
                         % (dev, BLK, dev, EXT - BLK, BLK), timeout=300)
    s.ok(rc == 0, 'the patterns read back through devdax after the system-ram round trip', out)

    # the FM takes it back: not in use, so the release completes at once
    err = s.release([(EXT, EXT)])
    gone = s.wait_for(lambda: s.device_extents(m) == [] and dax_devs(s) == [], timeout=30)
    s.ok(err is None and gone, 'QMP release completes: device lists nothing, no DAX device',
         '%s %s %s' % (err, s.device_extents(m), dax_devs(s)))
    s.ok(memtotal(s) == mem0, 'MemTotal unchanged by the release')

    # cxl destroy-region with an unused extent: released to the device first
    s.add([(0, EXT)], region=1)
    s.wait_for(lambda: len(dax_devs(s)) == 1, timeout=30)
    s.ok(s.device_extents(m) == [(256 * MiB, EXT)], 'a second extent (DC region 1) accepted',
         s.device_extents(m))
    rc, out = s.guest_rc('cxl disable-region %s 2>&1 && cxl destroy-region %s 2>&1'
                         % (region, region), timeout=120)
    s.ok(rc == 0, 'cxl disable-region + destroy-region %s with an unused extent succeeds' % region,
         out)
    gone = s.wait_for(lambda: s.device_extents(m) == [], timeout=30)
    s.ok(gone and dax_devs(s) == [] and cxl_json(s, '-R') == [],
         'the extent went back to the device; no DAX device and no region left',
         '%s %s %s' % (s.device_extents(m), dax_devs(s), cxl_json(s, '-R')))
    rc, out = s.guest_rc('cxl create-region -t ram -d %s -m %s 2>&1' % (root, m), timeout=120)
    s.ok(rc == 0 and '"size":%d' % DC_SIZE in out.replace(' ', ''),
         'the capacity can be used for a new region again', out)
