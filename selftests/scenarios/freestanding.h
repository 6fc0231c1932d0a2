/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The libc-free base of the guest test programs (dax-rw.c, dax-hold.c):
 * raw x86-64 system calls, a number parser and the process entry point,
 * which calls the program's run(argc, argv) and exits with its result.
 * No libc, so nothing but the program's own plain stores ever touches a
 * DAX mapping (QEMU 10.0 under TCG must not see XSAVE-family accesses to
 * CXL memory). Built by dcdlab.build_prog().
 */
#ifndef DCD_FREESTANDING_H
#define DCD_FREESTANDING_H

typedef unsigned long u64;

#define SYS_WRITE	1
#define SYS_OPEN	2
#define SYS_CLOSE	3
#define SYS_MMAP	9
#define SYS_MUNMAP	11
#define SYS_ACCESS	21
#define SYS_NANOSLEEP	35
#define SYS_EXIT	60
#define SYS_FTRUNCATE	77

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

/* decimal or 0x hex, no sign, no checks: the scenarios pass well-formed values */
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

static int run(int argc, char **argv);

__attribute__((force_align_arg_pointer)) void _start_c(long *sp)
{
	sys(SYS_EXIT, run((int)sp[0], (char **)(sp + 1)), 0, 0, 0, 0, 0);
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tcall _start_c\n");

#endif
