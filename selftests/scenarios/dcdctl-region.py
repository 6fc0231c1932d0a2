#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 600
"""dcdctl create-region, release and destroy-region against a real guest
(issue 5): the region made through the cxl core's sysfs works (a QMP add
gives an extent with a DAX device, data written through it lands in the
backing file); `release` of an online extent offlines it and gives it back
(gone on the device and the host, MemTotal back); `destroy-region` is
refused while DC memory is online and `--force` offlines and destroys;
`release --orphan` gives back an extent whose region went away while
cxl_dcd was unloaded; error cases print one line and their exit code (not
found, busy, usage, permission denied as nobody, no DC device after cxl_pci
unbinds, no module after rmmod)."""
import json
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import (Scenario, dcdctl_extents, MiB, CXL, build_rw, push_rw, ext_dax,  # noqa: E402
                    blocks_with, memtotal)

BLK = 2 * MiB


def one_line(out):
    return len(out.strip().splitlines()) == 1


with Scenario('dcd1', plan=33) as s:
    m = s.memdevs['cxl-dcd0']
    rw = build_rw()
    push_rw(s, rw)
    s.load()

    # ---- create-region through sysfs
    rc, out = s.guest_rc('dcdctl create-region -m %s -s 100M' % m)
    s.ok(rc == 2 and one_line(out), 'create-region -s 100M: usage error, exit 2', out)
    rc, out = s.guest_rc('dcdctl create-region -m %s 2>/tmp/cr.err' % m, timeout=120)
    err = s.guest('cat /tmp/cr.err')
    try:
        reg = json.loads(out)
    except ValueError:
        reg = {}
    R = reg.get('region', '')
    s.ok(rc == 0 and R.startswith('region') and reg.get('size') == 512 * MiB and
         reg.get('type') == 'ram' and reg.get('mappings', [{}])[0].get('memdev') == m,
         'dcdctl create-region -m %s: %s, 512 MiB ram, JSON' % (m, R),
         '%d\n%s\n%s' % (rc, out, err))
    st = s.guest('cat %s/%s/commit; readlink %s/%s/driver; ls -d %s/dax_region* 2>&1; true'
                 % (CXL, R, CXL, R, CXL))
    s.ok(st.split()[0] == '1' and 'cxl_region' in st and 'dax_region' + R[6:] in st,
         '%s committed, bound to cxl_region, dax_region%s present' % (R, R[6:]), st)
    rc, out = s.guest_rc('dcdctl create-region -m %s' % m)
    s.ok(rc != 0 and one_line(out) and 'free' in out,
         'a second create-region: no free DC capacity, one line (exit %d)' % rc, out)

    # ---- the region works: extents, DAX devices, data through the backing file
    s.add([(0, 128 * MiB)])
    s.add([(128 * MiB, 128 * MiB)])
    ed = s.wait_for(lambda: len(ext_dax(s)) == 2 and ext_dax(s), timeout=60)
    s.ok(ed and sorted(ed) == [0, 128 * MiB], 'QMP add x2: 2 extents with DAX devices', ed)
    (A, dA), (B, dB) = ed[0], ed[128 * MiB]
    ex = s.wait_for(lambda: all(e.get('mode') == 'devdax' for e in dcdctl_extents(s).values())
                    and dcdctl_extents(s), timeout=30) or dcdctl_extents(s)
    e = ex.get(0, {})
    s.ok(e.get('region') == R and e.get('extent') == A and e.get('dax') == dA and
         e.get('length') == 128 * MiB and e.get('hpa') == reg.get('resource'),
         'dcdctl list: %s in %s at the region base, %s' % (A, R, dA), e)
    rc, out = s.guest_rc('/tmp/dax-rw w /dev/%s %d %d 0xc1 && /tmp/dax-rw w /dev/%s 0 %d 0xc2'
                         % (dA, 64 * MiB, BLK, dB, BLK), timeout=300)
    bf = s.vm.backing_file('cxl-dcd0')
    s.ok(rc == 0 and blocks_with(bf, 0xc1) == [64 * MiB] and
         blocks_with(bf, 0xc2) == [128 * MiB],
         'data written through %s and %s is in the backing file at their DPAs' % (dA, dB), out)
    rc, out = s.guest_rc('/tmp/dax-rw r /dev/%s %d %d 0xc1' % (dA, 64 * MiB, BLK), timeout=300)
    s.ok(rc == 0, 'and reads back through %s' % dA, out)
    with open(bf, 'r+b') as f:      # the other way: host file -> guest
        f.seek(128 * MiB + 4 * MiB)
        f.write(bytes([0xc3]) * BLK)
    rc, out = s.guest_rc('/tmp/dax-rw r /dev/%s %d %d 0xc3' % (dB, 4 * MiB, BLK), timeout=300)
    s.ok(rc == 0, 'a pattern written into the backing file reads back through %s' % dB, out)

    # ---- release of an online extent
    base = memtotal(s)
    rc, out = s.guest_rc('dcdctl online %s' % A, timeout=180)
    s.ok(rc == 0 and memtotal(s) == base + 128 * MiB, 'dcdctl online %s: MemTotal +128 MiB' % A,
         out)
    rc, out = s.guest_rc('dcdctl release %s --timeout 60' % A, timeout=240)
    s.ok(rc == 0 and 'offlined' in out and '%s: released' % A in out,
         'dcdctl release %s (online): offlined, released, exit 0' % A, out)
    gone = s.wait_for(lambda: (0, 128 * MiB) not in s.device_extents(m), timeout=30)
    s.ok(gone and 0 not in ext_dax(s) and memtotal(s) == base,
         'the extent is gone on the device and the host, MemTotal back',
         '%s %s' % (s.device_extents(m), ext_dax(s)))
    rc, out = s.guest_rc('dcdctl release %s' % A)
    s.ok(rc == 5 and one_line(out) and 'no such extent' in out,
         'release of the released extent: not found, exit 5', '%d %s' % (rc, out))
    s.ok(blocks_with(bf, 0xc2) == [128 * MiB], 'the other extent\'s data is intact')
    s.guest("grep -q ^nobody: /etc/passwd || echo 'nobody:x:65534:65534::/:/bin/sh' >> /etc/passwd;"
            "grep -q ^nogroup: /etc/group || echo 'nogroup:x:65534:' >> /etc/group")
    rc, out = s.guest_rc("su -s /bin/sh nobody -c 'dcdctl release %s'" % B)
    s.ok(rc == 7 and one_line(out) and 'permission denied' in out.lower() and
         128 * MiB in ext_dax(s),
         'release %s as nobody: permission denied (daxN.0/resource is root-only), exit 7, '
         'extent kept' % B, '%d %s' % (rc, out))

    # ---- destroy-region: refused while online, --force works
    rc, out = s.guest_rc('dcdctl online %s' % B, timeout=180)
    s.ok(rc == 0 and memtotal(s) == base + 128 * MiB, 'dcdctl online %s' % B, out)
    rc, out = s.guest_rc('dcdctl destroy-region %s 2>&1' % R, timeout=60)
    s.ok(rc == 6 and 'busy' in out and out.strip().splitlines()[-1].startswith(R),
         'destroy-region %s with %s online: busy, exit 6' % (R, B), '%d %s' % (rc, out))
    st = s.guest('cat %s/%s/commit' % (CXL, R))
    s.ok(st.strip() == '1' and memtotal(s) == base + 128 * MiB, 'and nothing changed', st)
    rc, out = s.guest_rc('dcdctl destroy-region --force %s 2>&1' % R, timeout=240)
    s.ok(rc == 0 and '%s: destroyed' % R in out and memtotal(s) == base,
         'destroy-region --force: offlined %s, destroyed, MemTotal back' % B, out)
    gone = s.wait_for(lambda: s.guest('ls -d %s/%s 2>/dev/null; true' % (CXL, R)).strip() == '',
                      timeout=30)
    dev = s.wait_for(lambda: s.device_extents(m) == [], timeout=30)
    s.ok(gone and dev, '%s gone, its extent released to the device' % R,
         s.device_extents(m))
    dec = s.guest('for d in %s/decoder*; do [ -e $d/dpa_size ] && cat $d/dpa_size; done; true'
                  % CXL)
    s.ok(all(int(x, 0) == 0 for x in dec.split()), 'endpoint decoders hold no DPA', dec)
    rc, out = s.guest_rc("su -s /bin/sh nobody -c 'dcdctl create-region -m %s'" % m)
    s.ok(rc == 7 and one_line(out) and 'create_ram_region: write: permission denied' in out,
         'create-region as nobody: the sysfs write fails, exit 7, one line', '%d %s' % (rc, out))
    rc, out = s.guest_rc('dcdctl create-region -m %s -s 256M 2>/dev/null' % m, timeout=120)
    R2 = json.loads(out).get('region') if rc == 0 else None
    s.ok(R2 and json.loads(out).get('size') == 256 * MiB,
         'a new 256 MiB region over the freed capacity: %s' % R2, out)
    rc, out = s.guest_rc('dcdctl destroy-region %s' % R2, timeout=120)
    s.ok(rc == 0, 'and it is destroyed again (no memory online: no --force needed)', out)

    # ---- release of an orphan: its region destroyed while cxl_dcd was unloaded
    rc, out = s.guest_rc('dcdctl create-region -m %s -s 256M 2>/dev/null' % m, timeout=120)
    R3 = json.loads(out).get('region') if rc == 0 else None
    s.add([(0, 128 * MiB)])
    s.wait_for(lambda: 0 in ext_dax(s), timeout=60)
    rc, out = s.guest_rc('rmmod cxl_dcd && cxl disable-region %s && cxl destroy-region %s'
                         % (R3, R3), timeout=120)
    s.load()
    orph = s.wait_for(lambda: s.orphans(m), timeout=30)
    s.ok(R3 and rc == 0 and orph == [(0, 128 * MiB)],
         '%s destroyed with cxl_dcd unloaded: the extent is an orphan' % R3, '%s\n%s' % (out, orph))
    lst = json.loads(s.guest('dcdctl list -s orphan'))
    o = lst[0]['dc_regions'][0]['extents'][0] if lst else {}
    s.ok(o.get('state') == 'orphan' and o.get('dpa') == 0 and 'extent' not in o,
         'dcdctl list -s orphan shows it', lst)
    rc, out = s.guest_rc('dcdctl release --orphan %s:0' % m, timeout=90)
    gone = s.wait_for(lambda: s.device_extents(m) == [], timeout=30)
    s.ok(rc == 0 and '%s:0x0: released' % m in out and gone and s.orphans(m) == [],
         'dcdctl release --orphan %s:0: released, gone on the device' % m,
         '%d %s %s' % (rc, out, s.device_extents(m)))

    # ---- error cases
    rc, out = s.guest_rc('dcdctl destroy-region region9')
    s.ok(rc == 5 and out.strip() == 'region9: no such region', 'destroy-region region9: exit 5',
         out)
    rc, out = s.guest_rc('dcdctl release --orphan %s:0x1000' % m)
    s.ok(rc == 5 and one_line(out), 'release of a non-existent orphan: exit 5', out)
    pci = s.guest('basename $(readlink -f %s/%s/..)' % (CXL, m)).strip()
    s.guest('echo %s > /sys/bus/pci/drivers/cxl_pci/unbind' % pci)
    rc, out = s.guest_rc('dcdctl list')
    s.ok(rc == 4 and one_line(out) and 'no DC memdev' in out,
         'cxl_pci unbound: "no DC memdev", exit 4', '%d %s' % (rc, out))
    rc, out = s.guest_rc('rmmod cxl_dcd 2>&1')
    s.ok(rc == 0, 'rmmod cxl_dcd', out)
    rc, out = s.guest_rc('dcdctl release extent0.1')
    s.ok(rc == 3 and out.strip() == 'cxl_dcd is not loaded', 'no module: exit 3, one line',
         '%d %s' % (rc, out))
    rc, out = s.guest_rc('dcdctl create-region -m mem0')
    s.ok(rc == 3 and one_line(out), 'create-region without the module: exit 3', out)
