// SPDX-License-Identifier: GPL-2.0
/*
 * dcd-pin: hold references on pages of one physical range so that memory
 * hot-remove cannot migrate them (a busy DC extent for dcdctl-monitor.py).
 *
 *   dcd-pin NODE MIB HPA LEN
 *
 * Allocates MIB MiB of anonymous memory bound to NUMA node NODE (mbind
 * MPOL_BIND), touches it with plain 8-byte stores, finds through
 * /proc/self/pagemap (root) the pages whose physical address lies in
 * [HPA, HPA + LEN), and vmsplice()s up to 64 of them into a pipe that is
 * never read. vmsplice without SPLICE_F_GIFT takes ordinary page references
 * (not a FOLL_LONGTERM pin, which would migrate the page out of
 * ZONE_MOVABLE first), so offline_pages() keeps failing to migrate them
 * until this process exits. Prints "pinned N pages"; on SIGTERM checks
 * every page still holds what was written ("verified N pages", exit 0, or
 * "MISMATCH ...", exit 1) and exits, which drops the references.
 * Built statically on the host by dcdctl-monitor.py and copied into the guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define MPOL_BIND 2
#define MPOL_MF_STRICT 1
#define MAX_PINS 64

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "dcd-pin: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	unsigned long node, nodemask[16] = { 0 };
	uint64_t hpa, len, size, pg = (uint64_t)sysconf(_SC_PAGESIZE), i;
	struct iovec iov[MAX_PINS];
	int pfd[2], pm, n = 0, sz;
	volatile uint64_t *p;
	char *buf;

	if (argc != 5) {
		fprintf(stderr, "usage: dcd-pin NODE MIB HPA LEN\n");
		return 2;
	}
	node = strtoul(argv[1], NULL, 0);
	size = strtoull(argv[2], NULL, 0) << 20;
	hpa = strtoull(argv[3], NULL, 0);
	len = strtoull(argv[4], NULL, 0);
	if (node >= 64 * 16 || !size || !len)
		return 2;
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap");
	nodemask[node / 64] = 1UL << (node % 64);
	if (syscall(SYS_mbind, buf, size, MPOL_BIND, nodemask, 64 * 16, MPOL_MF_STRICT))
		die("mbind");
	for (i = 0; i < size; i += pg) {
		p = (volatile uint64_t *)(buf + i);
		*p = 0x5a5a5a5a5a5a5a5aULL ^ i;
	}
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0)
		die("pagemap");
	/* spread the pins: one page every (size / MAX_PINS) bytes in the range */
	for (i = 0; i < size && n < MAX_PINS; i += pg) {
		uint64_t ent, phys;

		if (pread(pm, &ent, sizeof(ent), (off_t)((uintptr_t)(buf + i) / pg * 8)) != 8)
			die("pagemap read");
		if (!(ent & (1ULL << 63)))
			continue;
		phys = (ent & ((1ULL << 55) - 1)) * pg;
		if (phys < hpa || phys >= hpa + len)
			continue;
		iov[n].iov_base = buf + i;
		iov[n].iov_len = pg;
		n++;
		i += 2 << 20;	/* next pin at least 2 MiB further */
	}
	if (!n) {
		fprintf(stderr, "dcd-pin: no page of node %lu in [%#llx, %#llx)\n", node,
			(unsigned long long)hpa, (unsigned long long)(hpa + len));
		return 1;
	}
	if (pipe(pfd))
		die("pipe");
	sz = MAX_PINS * (int)pg;
	if (fcntl(pfd[1], F_SETPIPE_SZ, sz) < 0)
		die("F_SETPIPE_SZ");
	if (vmsplice(pfd[1], iov, (unsigned long)n, 0) != (ssize_t)n * (ssize_t)pg)
		die("vmsplice");
	printf("pinned %d pages\n", n);
	fflush(stdout);
	signal(SIGTERM, on_term);
	while (!stop)
		pause();
	/* nothing lost meanwhile: every page still holds what was written */
	for (i = 0; i < size; i += pg) {
		p = (volatile uint64_t *)(buf + i);
		if (*p != (0x5a5a5a5a5a5a5a5aULL ^ i)) {
			printf("MISMATCH at offset %#llx\n", (unsigned long long)i);
			return 1;
		}
	}
	printf("verified %llu pages\n", (unsigned long long)(size / pg));
	return 0;
}
