# SPDX-License-Identifier: GPL-2.0
"""cxl-dcd lab: QEMU guests with named CXL DCD topologies.

Used by scripts/vm (humans), scripts/run-tests and host-side scenarios.
A Vm owns one QEMU process it started, a work directory with the QMP socket
(the fabric-manager role), the agent socket (commands in the guest), the serial
log and the host files backing every CXL device, so a test can check the bytes
a guest wrote. Every wait has a timeout; stop() ends only the PID it started.
"""

import atexit
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MiB = 1 << 20
GiB = 1 << 30


def lab_conf():
    """Values of scripts/lab.conf (after the environment's overrides)."""
    out = subprocess.run(['bash', '-c', '. "$0"; env', os.path.join(ROOT, 'scripts', 'lab.conf')],
                         check=True, capture_output=True, text=True).stdout
    env = dict(line.split('=', 1) for line in out.splitlines() if '=' in line)
    res = {k: env[k] for k in ('KVER', 'KPKGVER', 'KDIR', 'LAB_ROOT', 'LAB_CACHE',
                               'RESULTS_DIR', 'GUEST_DIR', 'LAB_TIMEOUT_SCALE')}
    res['K'] = env.get('K', '')
    return res


def timeout_scale():
    """How much slower guests of the selected kernel are (lab.conf
    LAB_TIMEOUT_SCALE: 1 for the stock kernels, more for K=debug); guest
    timeouts are multiplied by it."""
    global _scale
    if _scale is None:
        _scale = max(1.0, float(lab_conf()['LAB_TIMEOUT_SCALE'] or 1))
    return _scale


_scale = None


def kernel_config():
    """{CONFIG_X: value} of the guest kernel (its KDIR/.config); empty if unknown."""
    res = {}
    try:
        with open(os.path.join(lab_conf()['KDIR'], '.config')) as f:
            for line in f:
                if line.startswith('CONFIG_') and '=' in line:
                    k, v = line.rstrip('\n').split('=', 1)
                    res[k] = v
    except OSError:
        pass
    return res


# Cheap detectors on the stock kernel's command line (not for benchmarks):
# KFENCE sampling, which Debian builds in with sampling off. page_poison=1
# (and init_on_free=1) would overwrite the pages memory onlining frees; see
# Documentation/lab.rst for what was measured. LAB_DETECTORS in the
# environment replaces them (empty: none).
STOCK_DETECTORS = os.environ.get('LAB_DETECTORS', 'kfence.sample_interval=100')

# The kmemleak report of a debug guest: wait out its minimum object age
# (5 s), then two scans (the first records each object's checksum, the
# second reports what stayed unreferenced and unchanged), then the report.
KMEMLEAK_SCAN = ('K=/sys/kernel/debug/kmemleak; sleep 5; '
                 'echo scan > $K && echo scan > $K && cat $K')


class LabError(Exception):
    """A lab operation failed (boot, agent, QMP): the message says which."""


# ---------------------------------------------------------------- topologies
#
# Each CXL device: kind 'dc' (DC-only: volatile-dc-memdev + num-dc-regions)
# or 'ram' (static volatile-memdev), on its own pxb-cxl host bridge with one
# root port (passthrough: no host-bridge decoders), and its own 4 GiB CFMW.
# QEMU requires the DC backend to be a multiple of regions x 256 MiB.

TOPOLOGIES = {
    'dcd1': {
        'doc': 'one DC-only device, 512 MiB in 2 DC regions of 256 MiB',
        'devices': [{'id': 'cxl-dcd0', 'kind': 'dc', 'size': 512 * MiB, 'regions': 2,
                     'sn': 0x1000}],
    },
    'dcd1-hdm': {
        'doc': 'dcd1 with HDM decoders on its host bridge (hdm_for_passthrough): '
               'two regions over one memdev, the second at DC region 1 (DPA 256 MiB)',
        'devices': [{'id': 'cxl-dcd0', 'kind': 'dc', 'size': 512 * MiB, 'regions': 2,
                     'sn': 0x1000, 'hb_hdm': True}],
    },
    'dcd2': {
        'doc': 'two DC-only devices (512 MiB, 2 regions each) on separate host bridges',
        'devices': [{'id': 'cxl-dcd0', 'kind': 'dc', 'size': 512 * MiB, 'regions': 2,
                     'sn': 0x1000},
                    {'id': 'cxl-dcd1', 'kind': 'dc', 'size': 512 * MiB, 'regions': 2,
                     'sn': 0x1001}],
    },
    'mixed': {
        'doc': 'one DC-only device (512 MiB, 2 regions) and one static volatile '
               'device (512 MiB) on separate host bridges',
        'devices': [{'id': 'cxl-dcd0', 'kind': 'dc', 'size': 512 * MiB, 'regions': 2,
                     'sn': 0x1000},
                    {'id': 'cxl-vmem0', 'kind': 'ram', 'size': 512 * MiB, 'sn': 0x2000}],
    },
    'dcdmix': {
        'doc': 'one device with both static volatile (256 MiB) and DC capacity '
               '(512 MiB, 2 regions): cxl_dcd must refuse DC on it',
        'devices': [{'id': 'cxl-mix0', 'kind': 'dc', 'size': 512 * MiB, 'regions': 2,
                     'sn': 0x3000, 'static': 256 * MiB}],
    },
    'pool4': {
        'doc': 'one guest of the four-host memory pool (make pool-soak, fm-pool-soak.py): '
               'one DC-only device, 1 GiB in 1 DC region, file-backed; 1 GiB of RAM and '
               '1 vCPU so that four such guests fit a 24 GiB, 2-core machine',
        'devices': [{'id': 'cxl-dcd0', 'kind': 'dc', 'size': 1024 * MiB, 'regions': 1,
                     'sn': 0x1000}],
        'mem_mib': 1024,
        'smp': 1,
        'guests': 4,
    },
    'bench': {
        'doc': 'benchmarks (scripts/bench): one DC-only device, 2 GiB in 1 DC region '
               '(1024 blocks of 2 MiB), and one static volatile device (1 GiB)',
        'devices': [{'id': 'cxl-dcd0', 'kind': 'dc', 'size': 2048 * MiB, 'regions': 1,
                     'sn': 0x1000},
                    {'id': 'cxl-vmem0', 'kind': 'ram', 'size': 1024 * MiB, 'sn': 0x2000}],
    },
}


def topology_env(name):
    """Describe a topology to guest tests: LAB_DEVICES='kind:serial:size:regions ...'."""
    devs = TOPOLOGIES[name]['devices']
    desc = ' '.join('%s:%#x:%#x:%d' % (d['kind'], d['sn'], d['size'], d.get('regions', 0))
                    for d in devs)
    return {'LAB_TOPOLOGY': name, 'LAB_DEVICES': desc}


# Kernel messages that fail a guest run even when its commands succeeded.
SPLAT_RE = re.compile(
    r'(WARNING: CPU:|------------\[ cut here \]|\bBUG:|kernel BUG at|\bOops\b|Call Trace:'
    r'|general protection fault|Kernel panic|soft lockup|hard LOCKUP|rcu_\w+ self-detected stall'
    r'|rcu: INFO: rcu_\w+ detected stalls|INFO: task .* blocked for more than'
    r'|KASAN:|UBSAN:|KFENCE:|refcount_t:|list_(add|del) corruption|Unable to handle kernel'
    r'|unreferenced object|possible circular locking dependency|possible recursive locking'
    r'|inconsistent lock state|ODEBUG:|suspicious RCU usage|DEBUG_LOCKS_WARN_ON'
    r'|INFO: possible|WARNING: bad unlock balance|held lock freed'
    r'|new suspected memory leaks|pagealloc: memory corruption|Poison overwritten'
    r'|Object padding overwritten|Redzone overwritten|Freepointer corrupt)')


def find_splats(text):
    """Lines of a kernel log that show an oops, WARN, BUG, lockup or splat."""
    return [line.strip() for line in text.splitlines() if SPLAT_RE.search(line)]


class Qmp:
    """Minimal QMP client over a unix socket (synchronous; events are kept)."""

    def __init__(self, path, timeout=30):
        self.path = path
        self.timeout = timeout
        self.events = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b''
        greeting = self._recv()
        if 'QMP' not in greeting:
            raise LabError('QMP: unexpected greeting %r' % greeting)
        self.command('qmp_capabilities')

    def _recv(self):
        deadline = time.monotonic() + self.timeout
        while b'\n' not in self.buf:
            if time.monotonic() > deadline:
                raise LabError('QMP: no answer within %ds' % self.timeout)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise LabError('QMP: connection closed (QEMU exited?)')
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def command(self, name, **args):
        """Run one QMP command; returns its 'return' value, raises LabError on 'error'."""
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        while True:
            resp = self._recv()
            if 'event' in resp:
                self.events.append(resp)
                continue
            if 'error' in resp:
                raise LabError('QMP %s: %s' % (name, resp['error'].get('desc', resp['error'])))
            return resp.get('return')

    def close(self):
        self.sock.close()


_live = set()


def _kill_live():
    for vm in list(_live):
        vm.kill()


atexit.register(_kill_live)


class Vm:
    """One QEMU guest of a named topology."""

    def __init__(self, topology='dcd1', workdir=None, interactive=False, mem_mib=None,
                 smp=None, append='', log_prefix='vm', detectors=True):
        if topology not in TOPOLOGIES:
            raise LabError('unknown topology %r (have: %s)' % (topology, ', '.join(TOPOLOGIES)))
        self.topology = topology
        self.conf = lab_conf()
        self.interactive = interactive
        # a topology may size its guests (pool4: four must fit one machine)
        self.mem_mib = mem_mib or TOPOLOGIES[topology].get('mem_mib', 2048)
        self.smp = smp or TOPOLOGIES[topology].get('smp', 2)
        self.append = append
        # the stock kernel's cheap detectors (the debug kernel has its own)
        self.detectors = detectors and not self.conf['K'] == 'debug'
        self.scale = timeout_scale()
        self.kmemleak_report = ''
        self.has_kmemleak = kernel_config().get('CONFIG_DEBUG_KMEMLEAK') == 'y'
        self.own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix='cxl-dcd-%s-' % topology)
        os.makedirs(self.workdir, exist_ok=True)
        self.serial_log = os.path.join(self.workdir, '%s-serial.log' % log_prefix)
        self.qemu_log = os.path.join(self.workdir, '%s-qemu.log' % log_prefix)
        self.qmp_path = os.path.join(self.workdir, 'qmp.sock')
        self.agent_path = os.path.join(self.workdir, 'agent.sock')
        self.proc = None
        self.agent = None
        self.agent_buf = b''
        self._qmp = None
        self._seq = 0
        self.boot_seconds = None
        self.boot_id = None
        self.boot_retry = None

    # ------------------------------------------------------------ command line
    def backing_file(self, dev_id):
        """Host file that backs a CXL device's memory (DC or static)."""
        return os.path.join(self.workdir, '%s.raw' % dev_id)

    def backing_files(self):
        """Every host file backing guest CXL memory in this topology."""
        res = []
        for d in self.devices():
            res.append(self.backing_file(d['id']))
            if d.get('static'):
                res.append(self.backing_file(d['id'] + '-static'))
        return res

    def devices(self):
        return TOPOLOGIES[self.topology]['devices']

    def memdevs(self):
        """QEMU device id -> guest memdev name (memX, None if absent), matched
        by serial number."""
        out = self.run('for m in /sys/bus/cxl/devices/mem*; do [ -e $m/serial ] && '
                       'echo "${m##*/} $(cat $m/serial)"; done; true', check=True)[1]
        by_sn = {int(sn, 0): m for m, sn in (l.split() for l in out.splitlines()
                                              if len(l.split()) == 2)}
        return {d['id']: by_sn.get(d['sn']) for d in self.devices()}

    def qemu_args(self):
        guest = self.conf['GUEST_DIR']
        kernel = os.path.join(guest, 'vmlinuz')
        initrd = os.path.join(guest, 'initrd.img')
        for f in (kernel, initrd):
            if not os.path.exists(f):
                raise LabError('%s missing: run scripts/build-image (or make image)' % f)
        mem = '%dM' % self.mem_mib
        append = ('console=ttyS0 quiet panic=-1 mitigations=off 8250.nr_uarts=1 '
                  'lab.mode=%s %s%s %s' % ('shell' if self.interactive else 'agent',
                                            STOCK_DETECTORS if self.detectors else '',
                                            ' lab.timeout_scale=%d' % self.scale
                                            if self.scale > 1 else '', self.append))
        a = ['qemu-system-x86_64', '-M', 'q35,cxl=on', '-accel', 'tcg',
             # hypervisor=off: region commit fails in a VM otherwise (D8)
             '-cpu', 'max,hypervisor=off', '-smp', str(self.smp), '-m', mem,
             # explicit NUMA node for guest RAM: QEMU 10.0 TCG crash otherwise (§7.17)
             '-object', 'memory-backend-ram,id=m0,size=%s' % mem,
             '-numa', 'node,nodeid=0,cpus=0-%d,memdev=m0' % (self.smp - 1),
             '-nodefaults', '-no-user-config', '-display', 'none', '-vga', 'none',
             '-no-reboot', '-kernel', kernel, '-initrd', initrd, '-append', append,
             '-qmp', 'unix:%s,server=on,wait=off' % self.qmp_path,
             '-device', 'virtio-serial-pci,id=vser0',
             '-chardev', 'socket,id=agent,path=%s,server=on,wait=off' % self.agent_path,
             '-device', 'virtserialport,bus=vser0.0,chardev=agent,name=lab.agent']
        if self.interactive:
            a += ['-serial', 'mon:stdio']
        else:
            a += ['-serial', 'file:%s' % self.serial_log]
        fmw = []
        for i, d in enumerate(self.devices()):
            bus_nr = 12 + 40 * i
            a += ['-object', 'memory-backend-file,id=be%d,share=on,mem-path=%s,size=%d'
                  % (i, self.backing_file(d['id']), d['size']),
                  '-device', 'pxb-cxl,bus_nr=%d,bus=pcie.0,id=cxl.%d%s'
                  % (bus_nr, i + 1, ',hdm_for_passthrough=on' if d.get('hb_hdm') else ''),
                  '-device', 'cxl-rp,port=0,bus=cxl.%d,id=rp%d,chassis=0,slot=%d'
                  % (i + 1, i, i + 2)]
            if d['kind'] == 'dc' and d.get('static'):
                a += ['-object', 'memory-backend-file,id=bs%d,share=on,mem-path=%s,size=%d'
                      % (i, self.backing_file(d['id'] + '-static'), d['static']),
                      '-device', 'cxl-type3,bus=rp%d,volatile-memdev=bs%d,volatile-dc-memdev=be%d,'
                      'num-dc-regions=%d,id=%s,sn=%#x'
                      % (i, i, i, d['regions'], d['id'], d['sn'])]
            elif d['kind'] == 'dc':
                a += ['-device', 'cxl-type3,bus=rp%d,volatile-dc-memdev=be%d,num-dc-regions=%d,'
                      'id=%s,sn=%#x' % (i, i, d['regions'], d['id'], d['sn'])]
            else:
                a += ['-device', 'cxl-type3,bus=rp%d,volatile-memdev=be%d,id=%s,sn=%#x'
                      % (i, i, d['id'], d['sn'])]
            fmw.append('cxl-fmw.%d.targets.0=cxl.%d,cxl-fmw.%d.size=4G' % (i, i + 1, i))
        a += ['-M', ','.join(fmw)]
        return a

    # --------------------------------------------------------------- lifecycle
    def start(self):
        for p in (self.qmp_path, self.agent_path):
            if os.path.exists(p):
                os.unlink(p)
        args = self.qemu_args()
        with open(os.path.join(self.workdir, 'qemu-cmdline'), 'w') as f:
            f.write(' '.join(args) + '\n')
        self.t_start = time.monotonic()
        if self.interactive:
            self.proc = subprocess.Popen(args)
        else:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                         stdout=open(self.qemu_log, 'w'),
                                         stderr=subprocess.STDOUT)
        _live.add(self)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def qemu_status(self):
        """None while running; else a description of how QEMU ended."""
        if self.proc is None:
            return 'not started'
        rc = self.proc.poll()
        if rc is None:
            return None
        if rc < 0:
            return 'QEMU killed by signal %d (crash)' % -rc
        return 'QEMU exited with status %d' % rc

    def _wait_sock(self, path, deadline):
        while not os.path.exists(path):
            if not self.alive():
                raise LabError('QEMU ended during start: %s; see %s'
                               % (self.qemu_status(), self.qemu_log))
            if time.monotonic() > deadline:
                raise LabError('QEMU socket %s did not appear' % path)
            time.sleep(0.05)

    def wait_ready(self, timeout=60, new_boot=False):
        """Wait until the guest agent answers; returns boot time in seconds.
        With new_boot, only an answer from a boot other than the last one counts.
        The timeout is multiplied by the kernel's timeout scale."""
        timeout *= self.scale
        deadline = time.monotonic() + timeout
        if self.agent is None:
            self._wait_sock(self.agent_path, deadline)
            self.agent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.agent.connect(self.agent_path)
        while True:
            if not self.alive():
                raise LabError('guest died during boot: %s; see %s'
                               % (self.qemu_status(), self.serial_log))
            self._seq += 1
            try:
                # A guest that has not opened its port yet does not drain the
                # socket: a PING that cannot be sent within 1 s is skipped (the
                # queued ones are answered once the agent reads them).
                self.agent.settimeout(1.0)
                self.agent.sendall(b'PING %d\n' % self._seq)
            except (socket.timeout, BlockingIOError):
                pass
            except OSError as e:
                raise LabError('guest agent socket: %s (guest or QEMU died?); see %s'
                               % (e, self.serial_log))
            try:
                line = self._agent_line(min(1.0, max(0.05, deadline - time.monotonic())))
            except socket.timeout:
                line = None
            # Any PONG will do: PINGs sent before the guest opened its port are
            # queued and answered late; run() skips lines that are not its DONE.
            if line and line.startswith('PONG '):
                boot_id = (line.split() + ['', '', ''])[2]
                if not new_boot or boot_id != self.boot_id:
                    self.boot_id = boot_id
                    break
            if time.monotonic() > deadline:
                raise LabError('guest agent did not answer within %ds; see %s'
                               % (timeout, self.serial_log))
        self.boot_seconds = time.monotonic() - self.t_start
        return self.boot_seconds

    def boot(self, timeout=90):
        """start() and wait_ready(); returns the boot time in seconds.

        QEMU 10.0 under TCG on a loaded host now and then dies while the
        guest boots, before any test step ran (seen: the assertion
        "section_index < d->map.sections_nb" in iotlb_to_section). Such a
        boot - QEMU gone and the guest never answered - is tried once more;
        the first QEMU and serial logs are kept beside the new ones
        (*.boot1) and self.boot_retry says what happened. A guest that
        answered once, or a QEMU still running, is never retried."""
        self.boot_retry = None
        self.start()
        try:
            return self.wait_ready(timeout)
        except (LabError, OSError) as e:
            if self.boot_id is not None:
                raise
            try:
                self.proc.wait(10)      # an abort() takes a moment
            except subprocess.TimeoutExpired:
                raise e

            status = self.qemu_status()
            self.kill()
            for f in (self.qemu_log, self.serial_log):
                try:
                    os.replace(f, f + '.boot1')
                except OSError:
                    pass
            self.agent_buf = b''
            self.boot_retry = '%s (%s); booted again, first logs in %s.boot1' % (
                status, e, self.qemu_log)
        self.start()
        return self.wait_ready(timeout)

    def _agent_line(self, timeout):
        self.agent.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while b'\n' not in self.agent_buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            self.agent.settimeout(left)
            chunk = self.agent.recv(1 << 20)
            if not chunk:
                raise LabError('agent connection closed (guest or QEMU died?)')
            self.agent_buf += chunk
        line, self.agent_buf = self.agent_buf.split(b'\n', 1)
        return line.decode('ascii', 'replace')

    def run(self, script, timeout=120, env=None, check=False):
        """Run a shell script in the guest; returns (exit status, output).

        The guest itself ends the script after `timeout` s (status 124); the host
        gives up 30 s later (LabError) if the guest does not answer at all.
        The timeout is multiplied by the kernel's timeout scale.
        """
        timeout = int(timeout * self.scale) if timeout else timeout
        if self.agent is None:
            raise LabError('guest not ready (wait_ready first)')
        if env:
            script = ''.join('export %s=%s\n' % (k, shquote(v)) for k, v in env.items()) + script
        self._seq += 1
        seq = self._seq
        payload = base64.b64encode(script.encode()).decode()
        self.agent.sendall(('RUN %d %d %s\n' % (seq, timeout, payload)).encode())
        deadline = time.monotonic() + timeout + 30
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LabError('guest command timed out after %ds: %s'
                               % (timeout, script.strip().splitlines()[-1][:80]))
            if not self.alive():
                raise LabError('guest died while running a command: %s' % self.qemu_status())
            try:
                line = self._agent_line(min(left, 1.0))
            except socket.timeout:
                continue
            parts = line.split(' ', 3)
            if parts[0] == 'DONE' and parts[1] == str(seq):
                out = base64.b64decode(parts[3]).decode('utf-8', 'replace') if len(parts) > 3 else ''
                rc = int(parts[2])
                if check and rc != 0:
                    raise LabError('guest command failed (%d): %s\n%s' % (rc, script.strip(), out))
                return rc, out

    def reboot(self, timeout=90):
        """Reset the machine (QMP system_reset, QEMU keeps running and keeps
        its device state, as a warm reboot does) and wait for the agent."""
        # -no-reboot turns resets into exits (so a guest panic ends the run);
        # allow this one reset, then restore it.
        self.qmp('set-action', reboot='reset')
        self.qmp('system_reset')
        self.agent_buf = b''
        self.t_start = time.monotonic()
        try:
            return self.wait_ready(timeout, new_boot=True)
        finally:
            if self.alive():
                self.qmp('set-action', reboot='shutdown')

    def detach(self):
        """Close our QMP and agent connections (each socket takes one client),
        so another program, e.g. dcd-fm, can use them. attach() reconnects."""
        for s in (self.agent, self._qmp):
            try:
                if s is not None:
                    s.close()
            except OSError:
                pass
        self.agent = None
        self._qmp = None
        self.agent_buf = b''

    def attach(self, timeout=30):
        t = self.t_start
        self.wait_ready(timeout)
        self.t_start = t

    def qmp(self, name, **args):
        """Run a QMP command (the fabric-manager role)."""
        if self._qmp is None:
            self._wait_sock(self.qmp_path, time.monotonic() + 10)
            self._qmp = Qmp(self.qmp_path)
        return self._qmp.command(name, **args)

    def dmesg(self):
        """Kernel log: from the guest if it answers, else the serial log."""
        try:
            rc, out = self.run('dmesg', timeout=30)
            if rc == 0:
                return out
        except LabError:
            pass
        return self.serial_text()

    def kmemleak(self):
        """Scan for leaks (kernels with kmemleak) and return the report, also
        saved as kmemleak.txt in the work directory; '' when clean, a text
        starting "kmemleak scan failed" when the guest could not scan."""
        try:
            rc, out = self.run(KMEMLEAK_SCAN, timeout=120)
        except LabError as e:
            out, rc = 'kmemleak scan failed: %s' % e, 1
        if rc != 0:
            out = 'kmemleak scan failed (%d): %s' % (rc, out)
        self.kmemleak_report = out
        if out.strip():
            with open(os.path.join(self.workdir, 'kmemleak.txt'), 'w') as f:
                f.write(out)
        return out

    def serial_text(self):
        try:
            with open(self.serial_log, errors='replace') as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def stop(self, timeout=15):
        """Power the guest off; kill QEMU if it does not end in time."""
        if self.alive() and self.agent is not None:
            try:
                self._seq += 1
                script = 'sync; poweroff -f'
                self.agent.sendall(('RUN %d 5 %s\n' % (
                    self._seq, base64.b64encode(script.encode()).decode())).encode())
            except OSError:
                pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close()

    def finish(self, dmesg_file=None, ask_guest=True):
        """End a guest run and judge it: stop the guest and return the problems
        that fail a run whatever its commands said - QEMU ended early or
        crashed, an oops, WARN, BUG, lockup or sanitizer report in the kernel
        log. The kernel log comes from the guest (ask_guest) or else the serial
        log; it is saved to dmesg_file. The backing files are removed.
        """
        problems = []
        status = self.qemu_status()
        if status:
            problems.append(status)
        leaks = ''
        if self.has_kmemleak and ask_guest and not status:
            leaks = self.kmemleak()
            if leaks.startswith('kmemleak scan failed'):
                problems.append(leaks)
        dmesg = self.dmesg() if ask_guest else ''
        if dmesg_file:
            try:
                with open(dmesg_file, 'w') as f:
                    f.write(dmesg)
            except OSError:
                pass
        self.stop()
        status = self.qemu_status()
        if status and 'signal' in status and status not in problems:
            problems.append(status)
        splats = find_splats(dmesg + '\n' + self.serial_text() + '\n' + leaks)
        if splats:
            problems.append('kernel log splat(s):\n' + '\n'.join(sorted(set(splats))[:20]))
        for f in self.backing_files():
            try:
                os.unlink(f)
            except OSError:
                pass
        return problems

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._close()

    def _close(self):
        self.detach()
        _live.discard(self)

    def cleanup(self):
        """Remove the work directory (backing files too) if we created it."""
        if self.own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def shquote(s):
    return "'" + str(s).replace("'", "'\\''") + "'"
