#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 600
"""cxl_dcd kmem=Y (issue 4 item 1): the DAX device of a new extent is bound
to kmem at once. With auto_online_blocks=offline its memory is added but
offline until `daxctl online-memory`, then usable (a file on a tmpfs bound
to the CXL node reads back what was written, the node's Shmem grows); with
auto_online_blocks=online_movable it is online at once. A release of online
memory goes release-pending as with daxctl; memory that is offline but still
added (kmem bound) keeps it pending too; rebinding devdax completes the
release. Writing N to the parameter makes new extents devdax again."""
import os
import re
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB, ext_dax, dax_devs, memtotal, extent_state  # noqa: E402

EXT = 128 * MiB
AUTO = '/sys/devices/system/memory/auto_online_blocks'


def dev_of(s, dpa, timeout=30):
    ed = s.wait_for(lambda: ext_dax(s).get(dpa, (None, None))[1], timeout=timeout)
    return ed


def driver(s, dev):
    return s.guest('basename "$(readlink /sys/bus/dax/devices/%s/driver)" 2>/dev/null; true'
                   % dev).strip()


def daxinfo(s, dev):
    return {d['chardev']: d for d in dax_devs(s)}.get(dev, {})


def node_shmem_kib(s, node):
    out = s.guest('cat /sys/devices/system/node/node%d/meminfo' % node)
    m = re.search(r'Shmem:\s+(\d+) kB', out)
    return int(m.group(1)) if m else -1


with Scenario('dcd1', modparams='kmem=1', plan=15) as s:
    m = s.memdevs['cxl-dcd0']
    s.load()
    par = s.guest('cat /sys/module/cxl_dcd/parameters/kmem').strip()
    s.ok(par == 'Y', 'cxl_dcd loaded with kmem=1 (parameter reads Y)', par)
    s.create_region(m)
    s.ok(s.guest('cat %s' % AUTO).strip() == 'offline', 'auto_online_blocks is offline')
    mem0 = memtotal(s)

    # extent A: kmem at once, memory added but offline
    s.add([(0, EXT)])
    A = dev_of(s, 0)
    drv = s.wait_for(lambda: driver(s, A) == 'kmem' and 'kmem', timeout=30)
    info = daxinfo(s, A)
    s.ok(A and drv == 'kmem' and info.get('mode') == 'system-ram' and info.get('size') == EXT,
         'new extent: its DAX device %s is bound to kmem at once (system-ram, 128 MiB)' % A,
         '%s %s' % (drv, info))
    blocks = s.guest('daxctl list -d %s -M 2>/dev/null | jq -r ".[0].online_memblocks, '
                     '.[0].total_memblocks" 2>/dev/null; true' % A).split()
    s.ok(memtotal(s) == mem0, 'memory added offline (auto_online_blocks=offline): MemTotal same',
         '%d -> %d %s' % (mem0, memtotal(s), blocks))

    rc, out = s.guest_rc('daxctl online-memory %s 2>&1' % A, timeout=300)
    info = daxinfo(s, A)
    s.ok(rc == 0 and memtotal(s) == mem0 + EXT and info.get('movable') is True,
         'daxctl online-memory %s: MemTotal +128 MiB, movable' % A,
         '%s\nMemTotal %d -> %d\n%s' % (out, mem0, memtotal(s), info))
    node = info.get('target_node', info.get('numa_node', 1))
    # use it: a tmpfs whose pages must come from the CXL node; the data is
    # copied by the kernel (no user mapping of CXL memory, see lab.rst)
    sh0 = node_shmem_kib(s, node)
    rc, out = s.guest_rc(
        'mkdir -p /mnt/n && mount -t tmpfs -o size=64m,mpol=bind:%d none /mnt/n && '
        'dd if=/dev/urandom of=/tmp/src bs=1M count=32 2>/dev/null && cp /tmp/src /mnt/n/f && '
        'cmp /tmp/src /mnt/n/f && echo same' % node, timeout=300)
    sh1 = node_shmem_kib(s, node)
    s.ok(rc == 0 and 'same' in out and sh1 - sh0 >= 32 * 1024,
         '32 MiB written to and read back from node %d memory (Shmem +%d KiB)'
         % (node, sh1 - sh0), '%s\nShmem %d -> %d KiB' % (out, sh0, sh1))
    s.guest('rm -f /mnt/n/f /tmp/src; umount /mnt/n')

    # extent B with auto_online_blocks=online_movable: online at once
    s.guest('echo online_movable > %s' % AUTO)
    s.add([(EXT, EXT)])
    B = dev_of(s, EXT)
    on = s.wait_for(lambda: memtotal(s) == mem0 + 2 * EXT, timeout=60)
    s.guest('echo offline > %s' % AUTO)
    info = daxinfo(s, B)
    s.ok(B and on and driver(s, B) == 'kmem' and info.get('movable') is True,
         'with auto_online_blocks=online_movable %s is online at once, movable' % B,
         '%s MemTotal %d\n%s' % (B, memtotal(s), info))

    # release A (online): release-pending as with daxctl
    s.release([(0, EXT)])
    st = s.wait_for(lambda: extent_state(s, 0) == 'release-pending' and extent_state(s, 0), timeout=30)
    s.ok(st == 'release-pending' and (0, EXT) in s.device_extents(m),
         'release of online %s: release-pending, the device still lists the extent' % A, st)
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=devdax -f %s 2>&1' % A, timeout=300)
    gone = s.wait_for(lambda: (0, EXT) not in s.device_extents(m) and A not in
                      [d['chardev'] for d in dax_devs(s)], timeout=30)
    s.ok(gone and memtotal(s) == mem0 + EXT,
         'daxctl reconfigure-device --mode=devdax -f %s: the release completes' % A,
         '%s\n%s %s' % (out, s.device_extents(m), dax_devs(s)))

    # B offline but still added (kmem bound): still in use
    rc, out = s.guest_rc('daxctl offline-memory %s 2>&1' % B, timeout=300)
    s.ok(rc == 0 and memtotal(s) == mem0 and driver(s, B) == 'kmem',
         'daxctl offline-memory %s: offline, kmem still bound' % B, out)
    s.release([(EXT, EXT)])
    st = s.wait_for(lambda: extent_state(s, EXT) == 'release-pending' and extent_state(s, EXT), timeout=30)
    s.ok(st == 'release-pending', 'release of offline but added %s: release-pending' % B, st)
    rc, out = s.guest_rc('daxctl reconfigure-device --mode=devdax %s 2>&1' % B, timeout=300)
    gone = s.wait_for(lambda: s.device_extents(m) == [] and dax_devs(s) == [], timeout=30)
    s.ok(gone, 'rebinding devdax (kmem removed the memory) completes the release',
         '%s\n%s %s' % (out, s.device_extents(m), dax_devs(s)))

    # kmem=N at run time: new extents are devdax again
    s.guest('echo N > /sys/module/cxl_dcd/parameters/kmem')
    s.add([(0, EXT)], region=1)
    C = dev_of(s, 256 * MiB)
    d = s.wait_for(lambda: daxinfo(s, C).get('mode') == 'devdax' and driver(s, C), timeout=30)
    s.ok(C and d == 'device_dax' and memtotal(s) == mem0,
         'after writing N to the parameter a new extent is devdax (%s)' % C,
         '%s %s' % (d, daxinfo(s, C)))
    s.release([(0, EXT)], region=1)
    s.ok(s.wait_for(lambda: s.device_extents(m) == [], timeout=30),
         'its release completes at once', s.device_extents(m))
    s.ok(memtotal(s) == mem0, 'MemTotal back where it started')
