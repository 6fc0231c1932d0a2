// SPDX-License-Identifier: GPL-2.0
/*
 * dax-hold: keep a device-dax mapping in use until told to stop.
 *
 *   dax-hold DEV OFFSET LEN BYTE STOPFILE [ROUNDS_FILE]
 *
 * Opens DEV, maps [OFFSET, OFFSET + LEN) shared (both multiples of the
 * device's alignment) and fills it with BYTE. Then, until STOPFILE exists,
 * it keeps working on the mapping: each round writes the complement of
 * BYTE, checks it, writes BYTE back and checks that (a workload that keeps
 * writing and verifying its own memory). Every round count is written to
 * ROUNDS_FILE (if given) so a test can see the workload makes progress.
 * When STOPFILE appears it checks BYTE a last time, unmaps and exits.
 *
 * The file descriptor is closed right after mmap(): only the mapping keeps
 * the device in use.
 *
 * Exit: 0 done (the mapping held BYTE at the end), 1 data mismatch,
 * 2 usage, 3 open failed, 4 mmap failed.
 *
 * Freestanding (freestanding.h: no libc, plain 8-byte stores, nothing on the
 * mapping but data): QEMU 10.0 under TCG must not see XSAVE-family
 * accesses to CXL memory.
 */
#include "freestanding.h"

/*
 * volatile: every store and load must reach the device mapping (user
 * space; the compiler must neither merge nor drop them).
 */
static void fill(volatile u64 *p, u64 n, u64 pat)
{
	u64 i;

	for (i = 0; i < n; i++)
		p[i] = pat;
}

static int check(volatile u64 *p, u64 n, u64 pat)
{
	u64 i;

	for (i = 0; i < n; i++)
		if (p[i] != pat)
			return 1;
	return 0;
}

/* Rewrite ROUNDS_FILE with the decimal round count (O_WRONLY|O_CREAT). */
static void note_round(const char *path, u64 round)
{
	char buf[24];
	int i = sizeof(buf);
	long fd;

	buf[--i] = '\n';
	do {
		buf[--i] = '0' + round % 10;
		round /= 10;
	} while (round);
	fd = sys(SYS_OPEN, (long)path, 01 | 0100, 0644, 0, 0, 0);
	if (fd < 0)
		return;
	sys(SYS_FTRUNCATE, fd, 0, 0, 0, 0, 0);
	sys(SYS_WRITE, fd, (long)(buf + i), sizeof(buf) - i, 0, 0, 0);
	sys(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
}

static int run(int argc, char **argv)
{
	const long nap[2] = { 0, 100 * 1000 * 1000 };	/* 100 ms */
	u64 off, len, pat, n, round = 0;
	volatile u64 *p;
	long fd;

	if (argc != 6 && argc != 7)
		return 2;
	off = num(argv[2]);
	len = num(argv[3]);
	pat = (num(argv[4]) & 0xff) * 0x0101010101010101UL;
	n = len / 8;
	fd = sys(SYS_OPEN, (long)argv[1], 2 /* O_RDWR */, 0, 0, 0, 0);
	if (fd < 0)
		return 3;
	p = (volatile u64 *)sys(SYS_MMAP, 0, len, 3 /* RW */, 1 /* SHARED */, fd, off);
	if ((long)p < 0 && (long)p > -4096)
		return 4;
	sys(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
	fill(p, n, pat);
	if (check(p, n, pat))
		return 1;
	while (sys(SYS_ACCESS, (long)argv[5], 0, 0, 0, 0, 0) != 0) {
		fill(p, n, ~pat);
		if (check(p, n, ~pat))
			return 1;
		fill(p, n, pat);
		if (check(p, n, pat))
			return 1;
		round++;
		if (argc == 7)
			note_round(argv[6], round);
		sys(SYS_NANOSLEEP, (long)nap, 0, 0, 0, 0, 0);
	}
	if (check(p, n, pat))
		return 1;
	sys(SYS_MUNMAP, (long)p, len, 0, 0, 0, 0);
	return 0;
}
