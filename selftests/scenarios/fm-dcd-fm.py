#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# timeout: 300
"""dcd-fm, the fabric-manager tool, against a real guest: an offer with no
region is reported rejected (exit 3), an offer with a region accepted (exit 0)
and recorded in the ledger, an invalid request never reaches the device
(exit 2), and a release completes (exit 0) with host and device lists empty."""
import json
import os
import subprocess
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dcdlab import Scenario, MiB, HERE  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
FM = os.path.join(ROOT, 'tools', 'dcd-fm', 'dcd-fm')


def fm(s, *args, timeout=90):
    """Run dcd-fm with the lab's sockets released by the harness meanwhile."""
    s.vm.detach()
    try:
        p = subprocess.run([FM] + list(args), capture_output=True, text=True, timeout=timeout,
                           env=dict(os.environ, DCD_FM_LEDGER=LEDGER))
    finally:
        s.vm.attach()
    return p.returncode, p.stdout, p.stderr


with Scenario('dcd1', plan=10) as s:
    LEDGER = os.path.join(s.vm.workdir, 'ledger.json')
    if os.path.exists(LEDGER):
        os.unlink(LEDGER)
    m = s.memdevs['cxl-dcd0']
    host = 'lab=' + s.vm.workdir
    s.load()
    subprocess.run(['make', '-s', '-C', os.path.dirname(FM)], check=True)

    rc, out, err = fm(s, 'add', '-H', host, '-r', '0', '-o', '0', '-l', '64M', '--wait=30')
    s.ok(rc == 3, 'no region: dcd-fm add --wait reports rejected (exit 3)', '%d %s%s' % (rc, out, err))
    s.ok(s.device_extents(m) == [], 'device list empty')

    s.create_region(m)
    rc, out, err = fm(s, 'add', '-H', host, '-r', '1', '-o', '0', '-l', '128M', '--wait=30')
    s.ok(rc == 0, 'with a region: dcd-fm add --wait reports accepted (exit 0)', '%d %s%s' % (rc, out, err))
    s.ok(s.device_extents(m) == [(256 * MiB, 128 * MiB)], 'the device lists the extent',
         s.device_extents(m))
    rc, out, err = fm(s, 'add', '-H', host, '-r', '1', '-o', '64M', '-l', '64M')
    s.ok(rc == 2, 'double allocation refused before sending (exit 2)', '%d %s%s' % (rc, out, err))
    rc, out, err = fm(s, 'add', '-H', host, '-r', '0', '-o', '1M', '-l', '2M')
    s.ok(rc == 2, 'misaligned offset refused before sending (exit 2)', '%d %s%s' % (rc, out, err))
    rc, out, err = fm(s, 'list')
    try:
        grants = json.loads(out) if out.strip() else []
    except ValueError:
        grants = []
    text = json.dumps(grants)
    s.ok(rc == 0 and '"accepted"' in text, 'dcd-fm list shows the accepted grant', out + err)
    rc, out, err = fm(s, 'release', '-H', host, '-r', '1', '-o', '0', '-l', '128M', '--wait=30')
    s.ok(rc == 0, 'dcd-fm release --wait reports released (exit 0)', '%d %s%s' % (rc, out, err))
    s.ok(s.device_extents(m) == [] and s.host_extents(m) == [], 'host and device lists empty')
    rc, out, err = fm(s, 'list', '-R')
    s.ok(rc == 0, 'dcd-fm list -R: ledger and host agree', '%d %s%s' % (rc, out, err))
