#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 600
"""Tag groups as DAX devices (issue 4 item 1, DESIGN D5).

QEMU 10.0 sends null tags only, so this arms the module's debugfs test hook
memX/inject_tag: the records of the next add carry that tag, as a device's
would (sequence numbers 0: non-sharable, laid out by DPA). A contiguous
group of two 64 MiB extents becomes one 128 MiB DAX device (both extents
link to it, it links back to both in order, extentX.Y/group is "merged");
a pattern written through it lands at the right DPA of each member; it
onlines as one 128 MiB memory block, which neither extent holds alone. A
device release of one member while it is online makes the whole group
release-pending and re-onlining is refused; once offline both members are
released together and the device goes. A later offer reusing a live tag is
rejected. A group with a hole keeps one device per extent
("not-contiguous"); a release of one of its members, or a user release of
one member of a merged group, releases the whole group. An untagged extent
beside them keeps its own device and its data throughout.
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, MiB, build_rw, push_rw, dax_devs, ext_dax,  # noqa: E402
                    blocks_with, memtotal, record_uevents)

CXL = '/sys/bus/cxl/devices'
DEBUGFS = '/sys/kernel/debug/cxl_dcd'
BLK = 2 * MiB
TAG1 = '5a1e0001-0000-4000-8000-00000000c0de'
TAG2 = '5a1e0002-0000-4000-8000-00000000c0de'
TAG3 = '5a1e0003-0000-4000-8000-00000000c0de'


def attrs(s):
    """{dpa: {'name', 'group', 'uuid', 'state'}} of the extent objects."""
    out = s.guest('for e in %s/dax_region*/extent*; do [ -d "$e" ] && echo "${e##*/} '
                  '$(cat $e/dpa) $(cat $e/group) $(cat $e/uuid) $(cat $e/state)"; done; true'
                  % CXL)
    res = {}
    for l in out.splitlines():
        f = l.split()
        if len(f) == 5:
            res[int(f[1], 0)] = {'name': f[0], 'group': f[2], 'uuid': f[3], 'state': f[4]}
    return res


def back_links(s, dev):
    """Link name -> extent name under the DAX device's cxl_dcd.dax.N parent."""
    out = s.guest('p=$(readlink -f /sys/bus/dax/devices/%s/..); for l in $p/extent*; do '
                  '[ -L "$l" ] && echo "${l##*/} $(basename $(readlink $l))"; done; true' % dev)
    return dict(l.split() for l in out.splitlines() if len(l.split()) == 2)


def arm(s, m, tag):
    s.guest('echo %s > %s/%s/inject_tag' % (tag, DEBUGFS, m))
    return s.guest('cat %s/%s/inject_tag' % (DEBUGFS, m)).strip()


with Scenario('dcd1', plan=30) as s:
    m = s.memdevs['cxl-dcd0']
    rw = build_rw()
    s.load()
    s.create_region(m)
    record_uevents(s)
    push_rw(s, rw)

    # an untagged extent first: its own device, and data that must survive
    s.add([(128 * MiB, 64 * MiB)])
    ed = s.wait_for(lambda: len(ext_dax(s)) == 1 and ext_dax(s))
    U = ed[128 * MiB][1] if ed and 128 * MiB in ed else 'none'
    rc, out = s.guest_rc('/tmp/dax-rw w /dev/%s 0 %d 0xc3' % (U, BLK), timeout=300)
    s.ok(rc == 0 and attrs(s).get(128 * MiB, {}).get('group') == 'untagged',
         'untagged extent: own device %s, group "untagged", pattern written' % U, out)

    # a contiguous group of two 64 MiB extents: one 128 MiB device
    s.ok(arm(s, m, TAG1) == TAG1, 'debugfs inject_tag armed with %s' % TAG1)
    s.guest('dmesg -c > /dev/null')
    s.add([(0, 64 * MiB), (64 * MiB, 64 * MiB)])
    ed = s.wait_for(lambda: len(ext_dax(s)) == 3 and ext_dax(s))
    s.ok(ed and 0 in ed and 64 * MiB in ed and ed[0][1] == ed[64 * MiB][1],
         'both extents of the group link to one DAX device (extentX.Y/dax)', ed)
    G = ed[0][1] if ed and 0 in ed else 'none'
    devs = {d['chardev']: d for d in dax_devs(s)}
    s.ok(len(devs) == 2 and devs.get(G, {}).get('size') == 128 * MiB,
         'daxctl list: %s is 128 MiB, beside the untagged device' % G, devs)
    at = attrs(s)
    s.ok(at.get(0, {}).get('group') == 'merged' and at.get(64 * MiB, {}).get('group') == 'merged'
         and at.get(0, {}).get('uuid') == TAG1,
         'both members: group "merged", uuid is the tag', at)
    bl = back_links(s, G)
    s.ok(bl == {'extent0': at.get(0, {}).get('name'), 'extent1': at.get(64 * MiB, {}).get('name')},
         '%s links back to both members in DPA order (extent0, extent1)' % G, bl)
    log = s.guest('dmesg')
    s.ok('one DAX device over its 2 extents' in log, 'kernel log: one DAX device over 2 extents',
         log[-1500:])
    s.ok(s.guest('cat %s/%s/inject_tag' % (DEBUGFS, m)).strip() == '0',
         'inject_tag is disarmed once the chain is answered')

    # data: device offset 0 and 126M are member 0, 64M is member 1
    rc, out = s.guest_rc('/tmp/dax-rw w /dev/%s 0 %d 0xc1 && /tmp/dax-rw w /dev/%s %d %d 0xc1 && '
                         '/tmp/dax-rw w /dev/%s %d %d 0xc2'
                         % (G, BLK, G, 126 * MiB, BLK, G, 64 * MiB, BLK), timeout=300)
    s.ok(rc == 0, 'patterns written through /dev/%s at 0, 64M and 126M' % G, out)
    s.guest('sync')
    bf = s.vm.backing_file('cxl-dcd0')
    s.ok(blocks_with(bf, 0xc1) == [0, 126 * MiB] and blocks_with(bf, 0xc2) == [64 * MiB],
         'backing file: device offsets map to the members\' DPAs in order',
         [hex(b) for b in blocks_with(bf, 0xc1) + blocks_with(bf, 0xc2)])

    # a later offer cannot grow the group: its tag is taken (corner case 28)
    reused = s.counters(m).get('rejected_tag_reused', 0)
    s.ok(arm(s, m, TAG1) == TAG1, 'inject_tag armed with %s again' % TAG1)
    s.add([(208 * MiB, 16 * MiB)])
    grew = s.wait_for(lambda: s.counters(m).get('rejected_tag_reused', 0) > reused)
    s.ok(grew and (208 * MiB, 16 * MiB) not in s.device_extents(m) and len(ext_dax(s)) == 3,
         'a later offer with the same tag is rejected; the group keeps its device',
         s.counters(m))

    # a group with a hole: one device per extent
    s.ok(arm(s, m, TAG2) == TAG2, 'inject_tag armed with %s' % TAG2)
    s.guest('dmesg -c > /dev/null')
    s.add([(192 * MiB, 16 * MiB), (224 * MiB, 16 * MiB)])
    ed = s.wait_for(lambda: len(ext_dax(s)) == 5 and ext_dax(s))
    at = attrs(s)
    s.ok(ed and ed.get(192 * MiB, (0, 'a'))[1] != ed.get(224 * MiB, (0, 'a'))[1] and
         at.get(192 * MiB, {}).get('group') == 'not-contiguous' and
         at.get(224 * MiB, {}).get('group') == 'not-contiguous',
         'group with a hole: one DAX device per extent, group "not-contiguous"', (ed, at))
    log = s.guest('dmesg')
    s.ok('not contiguous in sequence order: one DAX device per extent' in log,
         'kernel log says why', log[-1500:])
    s.ok(len(dax_devs(s)) == 4, '4 DAX devices: untagged, merged group, 2 of the split group',
         dax_devs(s))

    # online the merged device: one whole 128 MiB block from two 64 MiB extents
    before = memtotal(s)
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=system-ram %s 2>&1' % G, timeout=300)
    after = memtotal(s)
    s.ok(rc == 0 and after - before == 128 * MiB,
         'merged %s onlines as system RAM: MemTotal +128 MiB' % G,
         '%s\nMemTotal %d -> %d' % (out, before, after))

    # device release of ONE member while online: the whole group is pending
    s.release([(64 * MiB, 64 * MiB)])
    ok = s.wait_for(lambda: [a['state'] for d, a in sorted(attrs(s).items()) if d < 128 * MiB]
                    == ['release-pending'] * 2)
    s.ok(ok, 'release of one online member: both members release-pending', attrs(s))
    ev = s.guest('cat /tmp/uevents; true')
    s.ok(ev.count('release-pending') >= 2, 'a change uevent per member', ev[-800:])
    dl = s.device_extents(m)
    s.ok((0, 64 * MiB) in dl and (64 * MiB, 64 * MiB) in dl,
         'the device still lists both members', dl)
    rc, out = s.guest_rc('(echo 1 > %s/%s/release) 2>&1'
                         % (CXL, attrs(s).get(0, {}).get('name', 'none')))
    st = [a['state'] for d, a in sorted(attrs(s).items()) if d < 128 * MiB]
    dl = s.device_extents(m)
    s.ok(rc != 0 and st == ['release-pending'] * 2 and (0, 64 * MiB) in dl,
         'user release of the other member fails (EBUSY), nothing changes',
         '%s\n%s\n%s' % (out, st, dl))
    rc, out = s.guest_rc('daxctl offline-memory %s 2>&1' % G, timeout=300)
    rc2, out2 = s.guest_rc('daxctl online-memory %s 2>&1' % G, timeout=300)
    s.ok(rc == 0 and rc2 != 0, 'offlined; re-onlining the pending group is refused',
         '%s\n%s' % (out, out2))
    # kmem lets go: the group is no longer in use and goes back at once, DAX
    # device and all (reconfiguring it to devdax would race with that)
    rc, out = s.guest_rc('echo %s > /sys/bus/dax/drivers/kmem/unbind 2>&1' % G, timeout=300)
    gone = s.wait_for(lambda: not [d for d in s.device_extents(m) if d[0] < 128 * MiB],
                      timeout=30)
    s.ok(rc == 0 and gone, 'offlined and unbound from kmem: both members released together '
         '(device lists neither)',
         '%s\n%s' % (out, s.device_extents(m)))
    s.ok(s.wait_for(lambda: G not in {d['chardev'] for d in dax_devs(s)}),
         'the merged DAX device %s is gone' % G, dax_devs(s))
    s.ok(memtotal(s) == before, 'MemTotal is back', memtotal(s))

    # release of one member of the split group: the whole group goes
    s.release([(224 * MiB, 16 * MiB)])
    gone = s.wait_for(lambda: not [d for d in s.device_extents(m) if d[0] >= 192 * MiB] and
                      len(dax_devs(s)) == 1, timeout=30)
    s.ok(gone,
         'release of one member of the split group releases both', s.device_extents(m))

    # user release of one member of a merged group releases the group
    s.ok(arm(s, m, TAG3) == TAG3, 'inject_tag armed with %s' % TAG3)
    s.add([(240 * MiB, 8 * MiB), (248 * MiB, 8 * MiB)])
    ed = s.wait_for(lambda: len(ext_dax(s)) == 3 and ext_dax(s))
    s.ok(ed and ed.get(240 * MiB, (0, 'a'))[1] == ed.get(248 * MiB, (0, 'b'))[1],
         'third group: one 16 MiB device', ed)
    rc, out = s.guest_rc('(echo 1 > %s/%s/release) 2>&1'
                         % (CXL, attrs(s).get(248 * MiB, {}).get('name', 'none')))
    gone = s.wait_for(lambda: not [d for d in s.device_extents(m) if d[0] >= 240 * MiB] and
                      len(ext_dax(s)) == 1, timeout=30)
    s.ok(rc == 0 and gone,
         'user release of one member releases the whole group', '%s\n%s' % (out, ext_dax(s)))

    # the untagged extent was never touched
    rc, out = s.guest_rc('/tmp/dax-rw r /dev/%s 0 %d 0xc3' % (U, BLK), timeout=300)
    s.ok(rc == 0 and s.device_extents(m) == [(128 * MiB, 64 * MiB)],
         'the untagged extent keeps its device %s and its data' % U, out)
