// SPDX-License-Identifier: GPL-2.0
/*
 * dc-churn: a workload that keeps writing and verifying memory placed on
 * the DC memory of a guest while that memory comes and goes.
 *
 *   dc-churn NODE MIB STOPFILE STATSFILE
 *
 * Maps MIB MiB of anonymous memory with the MPOL_PREFERRED policy for NUMA
 * node NODE (the CXL window's node: online DC memory as system RAM), so its
 * pages land on DC memory when there is some online and elsewhere when not;
 * offlining DC memory for a release migrates them. Each round fills the
 * buffer with a pattern unique to the round and the word (p[i] = seed ^ i)
 * and checks it; every 4 rounds the buffer is unmapped and mapped again so
 * new pages are placed on whatever DC memory is online now. Until STOPFILE
 * exists. After every round STATSFILE holds "ROUNDS MISMATCHES\n".
 *
 * Only this buffer is on node NODE: the stack and the program stay on the
 * guest's own RAM (QEMU 10.0 TCG must not see XSAVE-family accesses to CXL
 * memory, qemu-dcd-reference.md §7.17). Plain 8-byte stores
 * (freestanding.h, -mgeneral-regs-only).
 *
 * Exit: 0 every check held, 1 a mismatch was seen, 2 usage, 4 mmap failed.
 */
#include "freestanding.h"

#define SYS_MADVISE	28
#define SYS_MBIND	237
#define MPOL_PREFERRED	1
#define MADV_NOHUGEPAGE	15

static void fill(volatile u64 *p, u64 n, u64 seed)
{
	u64 i;

	for (i = 0; i < n; i++)
		p[i] = seed ^ i;
}

static u64 check(volatile u64 *p, u64 n, u64 seed)
{
	u64 i, bad = 0;

	for (i = 0; i < n; i++)
		bad += p[i] != (seed ^ i);
	return bad;
}

static int put_num(char *buf, int i, u64 v)
{
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	return i;
}

static void stats(const char *path, u64 rounds, u64 bad)
{
	char buf[48];
	int i = sizeof(buf);
	long fd;

	buf[--i] = '\n';
	i = put_num(buf, i, bad);
	buf[--i] = ' ';
	i = put_num(buf, i, rounds);
	fd = sys(SYS_OPEN, (long)path, 01 | 0100, 0644, 0, 0, 0);
	if (fd < 0)
		return;
	sys(SYS_FTRUNCATE, fd, 0, 0, 0, 0, 0);
	sys(SYS_WRITE, fd, (long)(buf + i), sizeof(buf) - i, 0, 0, 0);
	sys(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
}

static volatile u64 *map(u64 len, u64 node)
{
	u64 mask = 1UL << node;
	long p = sys(SYS_MMAP, 0, len, 3 /* RW */, 0x22 /* PRIVATE|ANONYMOUS */, -1, 0);

	if (p < 0 && p > -4096)
		return 0;
	/*
	 * A preference, not a binding: without online DC memory pages go
	 * elsewhere. No THP: a huge page fault tries the preferred node alone
	 * first (__GFP_THISNODE), and once every DC block of the node is
	 * offline the kernel logs each such try with a stack trace.
	 */
	sys(SYS_MADVISE, p, len, MADV_NOHUGEPAGE, 0, 0, 0);
	sys(SYS_MBIND, p, len, MPOL_PREFERRED, (long)&mask, 64, 0);
	return (volatile u64 *)p;
}

static int run(int argc, char **argv)
{
	const long nap[2] = { 0, 50 * 1000 * 1000 };	/* 50 ms */
	u64 node, len, n, round = 0, bad = 0, seed;
	volatile u64 *p;

	if (argc != 5)
		return 2;
	node = num(argv[1]);
	len = num(argv[2]) << 20;
	n = len / 8;
	if (!len || node > 63)
		return 2;
	p = map(len, node);
	if (!p)
		return 4;
	while (sys(SYS_ACCESS, (long)argv[3], 0, 0, 0, 0, 0) != 0) {
		seed = (round + 1) * 0x9e3779b97f4a7c15UL;
		fill(p, n, seed);
		bad += check(p, n, seed);
		round++;
		stats(argv[4], round, bad);
		if (!(round % 4)) {
			sys(SYS_MUNMAP, (long)p, len, 0, 0, 0, 0);
			p = map(len, node);
			if (!p)
				return 4;
		}
		sys(SYS_NANOSLEEP, (long)nap, 0, 0, 0, 0, 0);
	}
	sys(SYS_MUNMAP, (long)p, len, 0, 0, 0, 0);
	return bad ? 1 : 0;
}
