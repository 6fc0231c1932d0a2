// SPDX-License-Identifier: GPL-2.0
/*
 * dax-pin: pin device-dax pages with an io_uring fixed buffer, then let go
 * of every other way to reach them.
 *
 *   dax-pin DEV OFFSET LEN BYTE READYFILE STOPFILE
 *
 * Opens DEV, maps [OFFSET, OFFSET + LEN) shared, fills it with BYTE,
 * creates an io_uring and registers the mapping as a fixed buffer
 * (IORING_REGISTER_BUFFERS: pin_user_pages() with FOLL_LONGTERM, as RDMA
 * memory regions do), then unmaps it and closes DEV: only the ring's pins
 * keep the pages. Creates READYFILE, waits until STOPFILE exists, closes
 * the ring (which drops the pins) and exits.
 *
 * Exit: 0 done, 2 usage, 3 open failed, 4 mmap failed, 5 io_uring_setup
 * failed, 6 buffer registration failed.
 *
 * Freestanding (freestanding.h) like dax-hold: nothing but plain stores
 * touches the mapping.
 */
#include "freestanding.h"

#define SYS_IO_URING_SETUP	425
#define SYS_IO_URING_REGISTER	427
#define IORING_REGISTER_BUFFERS	0

/* struct io_uring_params: 120 bytes, zero but for the entry count */
struct uring_params {
	u64 w[15];
};

struct iov {
	u64 base;
	u64 len;
};

static int run(int argc, char **argv)
{
	const long nap[2] = { 0, 50 * 1000 * 1000 };	/* 50 ms */
	struct uring_params par = { { 0 } };
	u64 off, len, pat, i;
	volatile u64 *p;
	struct iov v;
	long fd, ring, rc;

	if (argc != 7)
		return 2;
	off = num(argv[2]);
	len = num(argv[3]);
	pat = (num(argv[4]) & 0xff) * 0x0101010101010101UL;
	fd = sys(SYS_OPEN, (long)argv[1], 2 /* O_RDWR */, 0, 0, 0, 0);
	if (fd < 0)
		return 3;
	p = (volatile u64 *)sys(SYS_MMAP, 0, len, 3 /* RW */, 1 /* SHARED */, fd, off);
	if ((long)p < 0 && (long)p > -4096)
		return 4;
	for (i = 0; i < len / 8; i++)
		p[i] = pat;
	ring = sys(SYS_IO_URING_SETUP, 1, (long)&par, 0, 0, 0, 0);
	if (ring < 0)
		return 5;
	v.base = (u64)p;
	v.len = len;
	rc = sys(SYS_IO_URING_REGISTER, ring, IORING_REGISTER_BUFFERS, (long)&v, 1, 0, 0);
	if (rc < 0)
		return 6;
	sys(SYS_MUNMAP, (long)p, len, 0, 0, 0, 0);
	sys(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
	fd = sys(SYS_OPEN, (long)argv[5], 01 | 0100, 0644, 0, 0, 0);
	if (fd >= 0)
		sys(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
	while (sys(SYS_ACCESS, (long)argv[6], 0, 0, 0, 0, 0) != 0)
		sys(SYS_NANOSLEEP, (long)nap, 0, 0, 0, 0, 0);
	sys(SYS_CLOSE, ring, 0, 0, 0, 0, 0);
	return 0;
}
