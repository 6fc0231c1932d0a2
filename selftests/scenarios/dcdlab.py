# SPDX-License-Identifier: GPL-2.0
"""Host-driven DCD scenarios: a guest, QMP as the fabric manager, KTAP out.

A scenario script does

    with Scenario('dcd1', plan=1) as s:
        s.guest('modprobe cxl_dcd')
        s.ok(cond, 'description')

plan is the number of results (s.ok(), s.skip()) the body prints. Every
scenario ends with one more test that fails on any oops, WARN, BUG, Call
Trace, lockup or sanitizer report in the guest's kernel log, or a QEMU
crash. Output is KTAP, the plan ("1..plan+1") first, before the guest boots:
a scenario that stops early (an exception, a guest that does not boot) prints
fewer results than planned, and that fails it (scripts/run-tests, and the
exit status here). Logs go to $LAB_RESULTS/<scenario>/ (or a temp dir).
"""
import array
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), 'scripts'))
import lablib  # noqa: E402

MiB = lablib.MiB
DEBUGFS = '/sys/kernel/debug/cxl_dcd'
CXL = '/sys/bus/cxl/devices'


class ScenarioError(Exception):
    pass


class Scenario:
    def __init__(self, topology, name=None, append='', modparams='', plan=None):
        self.topology = topology
        self.plan = plan
        self.name = name or os.path.splitext(os.path.basename(sys.argv[0]))[0]
        base = os.environ.get('LAB_RESULTS')
        wd = os.path.join(base, self.name) if base else None
        self.vm = lablib.Vm(topology, workdir=wd, append=append)
        self.n = 0
        self.failed = 0
        self.modparams = modparams

    # ---------------------------------------------------------------- KTAP
    def ok(self, cond, desc, diag=None):
        self.n += 1
        if cond:
            print('ok %d %s' % (self.n, desc), flush=True)
        else:
            self.failed += 1
            print('not ok %d %s' % (self.n, desc), flush=True)
            if diag:
                for line in str(diag).rstrip().splitlines():
                    print('# ' + line, flush=True)
        return cond

    def skip(self, desc, why):
        """A test that cannot be judged here, with the reason (KTAP SKIP)."""
        self.n += 1
        print('ok %d %s # SKIP %s' % (self.n, desc, why), flush=True)

    def diag(self, text):
        for line in str(text).rstrip().splitlines():
            print('# ' + line, flush=True)

    # ------------------------------------------------------------- lifecycle
    def __enter__(self):
        if self.plan is None:
            raise ScenarioError('Scenario(..., plan=N): N results the scenario prints')
        print('TAP version 13', flush=True)
        print('1..%d' % (self.plan + 1), flush=True)
        t = self.vm.boot(timeout=90)
        if self.vm.boot_retry:
            self.diag('QEMU died during boot: %s' % self.vm.boot_retry)
        self.diag('%s guest up in %.1fs, work dir %s' % (self.topology, t, self.vm.workdir))
        self.memdevs = self._memdevs()
        return self

    def __exit__(self, etype, exc, tb):
        if exc is not None and not (etype is SystemExit and not exc.code):
            self.diag('scenario stopped after %d of %d planned results:\n%s' % (
                self.n, self.plan, ''.join(traceback.format_exception(etype, exc, tb))[-2000:]))
        elif self.n != self.plan:
            self.diag('scenario printed %d results, its plan says %d' % (self.n, self.plan))
        problems = self.vm.finish(os.path.join(self.vm.workdir, 'dmesg.txt'))
        self.ok(not problems, 'clean kernel log, QEMU alive', '\n'.join(problems))
        sys.exit(1 if self.failed or self.n != self.plan + 1 else 0)

    # ------------------------------------------------------------------ guest
    def guest(self, script, timeout=120, check=True):
        rc, out = self.vm.run(script, timeout=timeout)
        if check and rc != 0:
            raise ScenarioError('guest command failed (%d): %s\n%s' % (rc, script.strip(), out))
        return out

    def guest_rc(self, script, timeout=120):
        return self.vm.run(script, timeout=timeout)

    def _memdevs(self):
        """QEMU device id -> guest memdev name, matched by serial number."""
        return self.vm.memdevs()

    def load(self, params=None):
        """Make sure cxl_dcd is loaded (normally at boot, through the softdep on
        cxl_pci); with params, reload it with those module parameters."""
        params = self.modparams if params is None else params
        if params:
            self.guest('if [ -d /sys/module/cxl_dcd ]; then rmmod cxl_dcd; fi')
        self.guest('modprobe cxl_dcd %s' % params)

    # ---------------------------------------------------- fabric manager (QMP)
    def add(self, extents, dev='cxl-dcd0', region=0):
        """Offer extents [(offset in DC region, length)]; returns the QMP error or None."""
        try:
            self.vm.qmp('cxl-add-dynamic-capacity', path='/machine/peripheral/' + dev,
                        **{'host-id': 0, 'selection-policy': 'prescriptive', 'region': region,
                           'extents': [{'offset': o, 'len': n} for o, n in extents]})
        except lablib.LabError as e:
            return str(e)
        return None

    def release(self, extents, dev='cxl-dcd0', region=0):
        try:
            self.vm.qmp('cxl-release-dynamic-capacity', path='/machine/peripheral/' + dev,
                        **{'host-id': 0, 'removal-policy': 'prescriptive', 'region': region,
                           'extents': [{'offset': o, 'len': n} for o, n in extents]})
        except lablib.LabError as e:
            return str(e)
        return None

    # ------------------------------------------------------------ host views
    def device_extents(self, memdev):
        """The device's own extent list (Get DC Extent List via debugfs), in device order."""
        out = self.guest('cat %s/%s/device_extents' % (DEBUGFS, memdev))
        return [tuple(int(x, 0) for x in l.split()[:2]) for l in out.splitlines() if l.strip()]

    def host_extents(self, memdev):
        """Extents the host tracks: [(dpa, len, state, region)]."""
        out = self.guest('cat %s/%s/host_extents' % (DEBUGFS, memdev))
        res = []
        for l in out.splitlines():
            f = l.split()
            if len(f) >= 4:
                res.append((int(f[0], 0), int(f[1], 0), f[2], f[3]))
        return res

    def sysfs_extents(self):
        """Extent objects under DC dax regions: list of dicts."""
        out = self.guest(
            'for e in %s/dax_region*/extent*; do [ -d "$e" ] || continue; '
            'echo "$(basename $(dirname $e)) ${e##*/} $(cat $e/dpa) $(cat $e/length) '
            '$(cat $e/offset) $(cat $e/state)"; done 2>/dev/null; true' % CXL)
        res = []
        for l in out.splitlines():
            f = l.split()
            try:
                res.append({'dax_region': f[0], 'name': f[1], 'dpa': int(f[2], 0),
                            'length': int(f[3], 0), 'offset': int(f[4], 0), 'state': f[5]})
            except (IndexError, ValueError):
                # an object going away while it was read: count it, unparsed
                res.append({'dax_region': f[0] if f else '?', 'name': '?', 'dpa': -1,
                            'length': 0, 'offset': 0, 'state': 'vanishing'})
        return res

    def orphans(self, memdev):
        out = self.guest('cat %s/%s/dcd/orphans' % (CXL, memdev))
        return [tuple(int(x, 0) for x in l.split()[:2]) for l in out.splitlines() if l.strip()]

    def counters(self, memdev):
        out = self.guest('cat %s/%s/counters' % (DEBUGFS, memdev))
        return {l.split()[0]: int(l.split()[1], 0) for l in out.splitlines()
                if len(l.split()) >= 2}

    def create_region(self, memdev, size=None):
        """A 1-way ram region over memdev's DC partition with stock cxl-cli; returns its name."""
        root = self.guest(
            "cxl list -D -d root -m %s | jq -r '.[] | select(.volatile_capable == true) "
            "| .decoder' | head -1" % memdev).strip()
        if not root:
            raise ScenarioError('no volatile-capable root decoder for %s' % memdev)
        out = self.guest('cxl create-region -t ram -d %s -m %s %s' % (
            root, memdev, '-s %d' % size if size else ''))
        m = re.search(r'"region":"(region\d+)"', out.replace(' ', ''))
        if not m:
            raise ScenarioError('cxl create-region printed no region:\n' + out)
        return m.group(1)

    def destroy_region(self, region):
        self.guest('cxl disable-region %s && cxl destroy-region %s' % (region, region))

    def wait_for(self, fn, timeout=20, interval=0.3):
        """Poll fn() until it returns a true value or timeout s (times the
        kernel's timeout scale) pass; returns the last value."""
        deadline = time.monotonic() + timeout * lablib.timeout_scale()
        while True:
            v = fn()
            if v or time.monotonic() > deadline:
                return v
            time.sleep(interval)


# ------------------------------------------------------------ DAX helpers
BLK = 2 * MiB


def build_rw():
    """Build dax-rw (selftests/scenarios/dax-rw.c), a libc-free static program
    that writes or checks a byte pattern through a devdax device."""
    return build_prog('dax-rw')


def push_rw(s, path):
    """Copy dax-rw into the guest as /tmp/dax-rw."""
    push_file(s, path, '/tmp/dax-rw')


def dax_devs(s):
    """daxctl list -D, always a list."""
    out = s.guest('daxctl list -D 2>/dev/null') or '[]'
    d = json.loads(out)
    return [d] if isinstance(d, dict) else d


def ext_dax(s):
    """{extent dpa: (extent name, dax device name)} from the extentX.Y/dax links."""
    out = s.guest('for e in %s/dax_region*/extent*; do [ -d "$e" ] || continue; '
                  'echo "${e##*/} $(cat $e/dpa) $(basename $(readlink $e/dax) 2>/dev/null)"; '
                  'done 2>/dev/null; true' % CXL)
    res = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3:
            try:
                res[int(f[1], 0)] = (f[0], f[2])
            except ValueError:
                pass        # an extent going away while it was read
    return res


def blocks_with(path, byte):
    """DPA of every 2 MiB block of a backing file filled with byte."""
    want = bytes([byte]) * BLK
    res = []
    with open(path, 'rb') as f:
        off = 0
        while True:
            b = f.read(BLK)
            if not b:
                break
            if b == want:
                res.append(off)
            off += BLK
    return res


def addr_pattern_mismatches(path, dpa, length, salt, file_off=None, limit=4):
    """Check dax-rw's address-dependent pattern (W mode) in a backing file:
    the 8-byte word at DPA x must hold x ^ salt, for [dpa, dpa + length).
    file_off is where DPA dpa lies in the file (default dpa: a DC-only
    device). Returns up to limit "DPA: found, want" strings; [] if all match."""
    file_off = dpa if file_off is None else file_off
    bad = []
    with open(path, 'rb') as f:
        f.seek(file_off)
        done = 0
        while done < length and len(bad) < limit:
            n = min(BLK, length - done)
            got = array.array('Q', f.read(n))
            base = dpa + done
            for i, v in enumerate(got):
                if v != (base + 8 * i) ^ salt:
                    bad.append('%#x: %#x, want %#x' % (base + 8 * i, v, (base + 8 * i) ^ salt))
                    if len(bad) >= limit:
                        break
            if len(got) * 8 < n:
                bad.append('%#x: file ends' % (base + len(got) * 8))
                break
            done += n
    return bad


def block_digests(path, start, length, file_off=None):
    """{DPA: digest} of every 2 MiB block of [start, start + length) in a
    backing file, to show later that the blocks a test did not write are
    unchanged."""
    file_off = start if file_off is None else file_off
    res = {}
    with open(path, 'rb') as f:
        f.seek(file_off)
        for off in range(0, length, BLK):
            res[start + off] = hashlib.sha1(f.read(BLK)).hexdigest()
    return res


def memtotal(s):
    """MemTotal of the guest in bytes."""
    return int(re.search(r'MemTotal:\s+(\d+)', s.guest('cat /proc/meminfo')).group(1)) * 1024


def build_prog(name):
    """Build selftests/scenarios/<name>.c, a static libc-free program on
    freestanding.h; returns the path of the binary on the host."""
    out = os.path.join(tempfile.mkdtemp(prefix=name + '-'), name)
    subprocess.check_call(['gcc', '-Os', '-static', '-nostdlib', '-fno-builtin',
                           '-fno-stack-protector', '-mgeneral-regs-only', '-s', '-o', out,
                           os.path.join(HERE, name + '.c')])
    return out


def push_file(s, path, dest, mode='755'):
    """Copy a host file into the guest at dest."""
    data = base64.b64encode(open(path, 'rb').read()).decode()
    s.guest("echo '%s' | base64 -d > %s && chmod %s %s" % (data, dest, mode, dest))


def dax_sizes(s):
    """{daxN.M: (size, mode)} from daxctl list -D."""
    return {d['chardev']: (d.get('size'), d.get('mode')) for d in dax_devs(s)}


def dcdctl_extents(s):
    """{dpa: extent object} from `dcdctl list` in the guest (the image carries
    the dcdctl of this tree: scripts/build-image)."""
    res = {}
    for md in json.loads(s.guest('dcdctl list') or '[]'):
        for r in md.get('dc_regions', []):
            for e in r.get('extents', []):
                res[e['dpa']] = e
    return res


def extent_state(s, dpa):
    """sysfs state of the extent object at dpa (accepted, release-pending...),
    None if there is none."""
    out = s.guest('for e in %s/dax_region*/extent*; do [ -d "$e" ] && echo "$(cat $e/dpa) '
                  '$(cat $e/state)"; done; true' % CXL)
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and int(f[0], 0) == dpa:
            return f[1]
    return None


def irq_count(s, memdev):
    """Interrupts counted in /proc/interrupts on the vector(s) cxl_dcd
    requested for memdev (the "cxl_dcd:memX" action), summed over the CPUs;
    None when it holds no such vector."""
    out = s.guest('cat /proc/interrupts')
    lines = out.splitlines()
    ncpu = len(lines[0].split()) if lines else 0
    total = None
    for line in lines[1:]:
        if not re.search(r'\bcxl_dcd:%s\b' % re.escape(memdev), line):
            continue
        f = line.split()
        total = (total or 0) + sum(int(x) for x in f[1:1 + ncpu] if x.isdigit())
    return total


def record_uevents(s, path='/tmp/uevents'):
    """Append "ACTION DEVPATH DCD_STATE" of every guest uevent to path."""
    s.guest("uevent sh -c 'echo \"$ACTION $DEVPATH $DCD_STATE\" >> %s' >/dev/null 2>&1 &"
            % path)
