// SPDX-License-Identifier: GPL-2.0
/*
 * dax-rw: write or check a byte pattern through a device-dax mapping.
 *
 *   dax-rw w|r DEV OFFSET LEN BYTE
 *
 * Maps [OFFSET, OFFSET + LEN) of DEV (both multiples of the device's
 * alignment) and fills it with BYTE (w) or checks every byte is BYTE (r,
 * exit 1 otherwise). Freestanding (no libc, plain 8-byte stores, nothing
 * on the mapping but data): QEMU under TCG must not see XSAVE-family
 * accesses to CXL memory. Built by the dax-*.py scenarios on the host and
 * copied into the guest.
 */
typedef unsigned long u64;

static long sys(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static u64 num(const char *s)
{
	u64 v = 0, base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		u64 d = *s >= 'a' ? *s - 'a' + 10 : *s >= 'A' ? *s - 'A' + 10 : *s - '0';
		v = v * base + d;
	}
	return v;
}

static int run(int argc, char **argv)
{
	u64 off, len, pat, i;
	volatile u64 *p;
	long fd;

	if (argc != 6)
		return 2;
	off = num(argv[3]);
	len = num(argv[4]);
	pat = num(argv[5]) & 0xff;
	pat *= 0x0101010101010101UL;
	fd = sys(2, (long)argv[2], 2 /* O_RDWR */, 0, 0, 0, 0);
	if (fd < 0)
		return 3;
	p = (volatile u64 *)sys(9, 0, len, 3 /* RW */, 1 /* SHARED */, fd, off);
	if ((long)p < 0 && (long)p > -4096)
		return 4;
	for (i = 0; i < len / 8; i++) {
		if (argv[1][0] == 'w')
			p[i] = pat;
		else if (p[i] != pat)
			return 1;
	}
	sys(11, (long)p, len, 0, 0, 0, 0);
	return 0;
}

__attribute__((force_align_arg_pointer)) void _start_c(long *sp)
{
	sys(60, run((int)sp[0], (char **)(sp + 1)), 0, 0, 0, 0, 0);
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tcall _start_c\n");
