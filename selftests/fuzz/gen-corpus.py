#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""selftests/fuzz/gen-corpus.py - write the seed corpus of fuzz_parsers.c.

Each seed is one input of LLVMFuzzerTestOneInput(): a selector byte (bits 1:0
pick the parser: 0 one DC event record, 1 Get Event Records output, 2 two Get
DC Extent List pages, 3 a Get DC Configuration page; bit 2 lets the target
patch record UUIDs and lengths), then a payload laid out as QEMU 10.0 sends it
(qemu-dcd-reference.md sections 3 and 4). The seeds are committed under
selftests/fuzz/corpus/parsers/; run this again after changing the layouts.

  selftests/fuzz/gen-corpus.py [DIR]
"""
import os
import struct
import sys

MiB = 1 << 20
DC_UUID = bytes.fromhex('ca95afa7f18340188c2f95268e101a2a')


def record(etype, dpa, length, more=False, handle=1, tag=b'\0' * 16):
    """A 128-byte Dynamic Capacity event record (CXL r3.1 Table 8-50)."""
    r = bytearray(128)
    r[0:16] = DC_UUID
    r[0x10] = 0x80
    r[0x11] = 1
    struct.pack_into('<H', r, 0x14, handle)
    r[0x30] = etype
    r[0x35] = 1 if more else 0
    struct.pack_into('<QQ', r, 0x38, dpa, length)
    r[0x48:0x58] = tag
    return bytes(r)


def batch(recs, flags=0, overflow=0):
    """Get Event Records output: 32-byte header, then the records."""
    h = bytearray(32)
    h[0] = flags
    struct.pack_into('<H', h, 2, overflow)
    struct.pack_into('<H', h, 0x14, len(recs))
    return bytes(h) + b''.join(recs)


def chain(etype, exts, first_handle=1):
    return [record(etype, d, n, more=i + 1 < len(exts), handle=first_handle + i)
            for i, (d, n) in enumerate(exts)]


def extlist_page(exts, total, start_gen=0):
    """Get DC Extent List output: count, total, generation, reserved, 40-byte records."""
    p = struct.pack('<IIII', len(exts), total, start_gen, 0)
    for d, n in exts:
        p += struct.pack('<QQ', d, n) + b'\0' * 24
    return p


def config_page(regions, start=0, avail=None, ext_total=512, ext_avail=512):
    """Get DC Configuration output for regions [(base, len, handle)]."""
    p = struct.pack('<BB6x', avail if avail is not None else len(regions), len(regions))
    for base, length, handle in regions:
        p += struct.pack('<QQQQIB3x', base, length // (256 * MiB), length, 2 * MiB, handle, 0)
    return p + struct.pack('<IIII', ext_total, ext_avail, 0, 0)


def seeds():
    add = 0
    rel = 1
    two = [(0, 256 * MiB, 0), (256 * MiB, 256 * MiB, 1)]
    yield 'record-add', bytes([0]) + record(add, 0, 128 * MiB)
    yield 'record-release', bytes([0]) + record(rel, 256 * MiB, 32 * MiB)
    yield 'record-forced', bytes([0]) + record(2, 0, 2 * MiB)
    yield 'record-config-updated', bytes([0]) + record(3, 0, 0)
    yield 'record-tagged', bytes([0]) + record(add, 0, 2 * MiB, tag=bytes(range(1, 17)))
    yield 'events-one-add', bytes([1]) + batch([record(add, 0, 128 * MiB)], flags=2)
    yield 'events-chain-3', bytes([1]) + batch(chain(add, [(320 * MiB, 16 * MiB),
                                                        (256 * MiB, 32 * MiB),
                                                        (384 * MiB, 2 * MiB)]), flags=2)
    yield 'events-8-overflow', bytes([1]) + batch(
        chain(add, [(200 * MiB + i * 4 * MiB, 2 * MiB) for i in range(9)])[:8],
        flags=3, overflow=1)
    yield 'events-release-2', bytes([1]) + batch(chain(rel, [(0, 32 * MiB),
                                                          (64 * MiB, 2 * MiB)]), flags=2)
    yield 'events-add-then-release', bytes([1]) + batch(
        [record(add, 0, 64 * MiB, handle=1), record(rel, 0, 64 * MiB, handle=2)], flags=2)
    yield 'events-overlap', bytes([1]) + batch(chain(add, [(0, 64 * MiB), (32 * MiB, 64 * MiB)]))
    yield 'events-straddle', bytes([1]) + batch([record(add, 254 * MiB, 4 * MiB)])
    yield 'events-unfixed', bytes([5]) + batch([record(add, 0, 2 * MiB)])
    yield 'events-empty', bytes([1]) + batch([])
    yield 'extlist-2-pages', bytes([2]) + extlist_page([(0, 128 * MiB), (256 * MiB, 32 * MiB)], 4) + \
        extlist_page([(320 * MiB, 16 * MiB), (384 * MiB, 2 * MiB)], 4)
    yield 'extlist-empty', bytes([2]) + extlist_page([], 0) + extlist_page([], 0)
    yield 'extlist-total-changes', bytes([2]) + extlist_page([(0, 2 * MiB)], 2) + \
        extlist_page([(2 * MiB, 2 * MiB)], 3)
    yield 'config-2-regions', bytes([3]) + config_page(two)
    yield 'config-1-region', bytes([3]) + config_page([(0, 256 * MiB, 0)])
    yield 'config-8-regions', bytes([3]) + config_page(
        [(i * 256 * MiB, 256 * MiB, i) for i in range(8)])
    yield 'config-after-static', bytes([3]) + config_page([(256 * MiB, 256 * MiB, 1)])
    yield 'config-paged', bytes([3]) + config_page(two[:1], avail=2)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus', 'parsers')
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
