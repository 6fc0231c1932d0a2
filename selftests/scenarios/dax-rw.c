// SPDX-License-Identifier: GPL-2.0
/*
 * dax-rw: write or check a pattern through a device-dax mapping.
 *
 *   dax-rw w|r DEV OFFSET LEN BYTE
 *   dax-rw W|R DEV OFFSET LEN DPA SALT
 *
 * Maps [OFFSET, OFFSET + LEN) of DEV (both multiples of the device's
 * alignment) and fills it with BYTE (w) or checks every byte is BYTE (r,
 * exit 1 otherwise). W and R use an address-dependent pattern instead: the
 * 8-byte word at DPA x (DPA is the device address of OFFSET) holds x ^ SALT,
 * so every word differs and a word read or written at the wrong address is
 * seen (dcdlab.addr_pattern_mismatches() checks it in the backing file). Freestanding (freestanding.h: no libc, plain stores, nothing
 * on the mapping but data): QEMU under TCG must not see XSAVE-family
 * accesses to CXL memory. Built by the dax-*.py scenarios on the host and
 * copied into the guest.
 */
#include "freestanding.h"

static int run(int argc, char **argv)
{
	u64 off, len, pat, i, dpa = 0, salt = 0;
	int addr = 0, wr;
	volatile u64 *p;
	long fd;

	if (argc == 7 && (argv[1][0] == 'W' || argv[1][0] == 'R')) {
		dpa = num(argv[5]);
		salt = num(argv[6]);
		addr = 1;
	} else if (argc != 6) {
		return 2;
	}
	wr = argv[1][0] == 'w' || argv[1][0] == 'W';
	off = num(argv[3]);
	len = num(argv[4]);
	pat = num(argv[5]) & 0xff;
	pat *= 0x0101010101010101UL;
	fd = sys(SYS_OPEN, (long)argv[2], 2 /* O_RDWR */, 0, 0, 0, 0);
	if (fd < 0)
		return 3;
	p = (volatile u64 *)sys(SYS_MMAP, 0, len, 3 /* RW */, 1 /* SHARED */, fd, off);
	if ((long)p < 0 && (long)p > -4096)
		return 4;
	for (i = 0; i < len / 8; i++) {
		if (addr)
			pat = (dpa + i * 8) ^ salt;
		if (wr)
			p[i] = pat;
		else if (p[i] != pat)
			return 1;
	}
	sys(SYS_MUNMAP, (long)p, len, 0, 0, 0, 0);
	return 0;
}
