/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP for the project's C tests, with the functions, output and exit codes
 * of the kernel's tools/testing/selftests/kselftest.h:
 *
 *	ksft_print_header();
 *	ksft_set_plan(N);
 *	ksft_test_result(cond, "sentence %d", ...);	(or _pass, _fail, _skip)
 *	ksft_print_msg("diagnostic\n");
 *	ksft_finished();	exit 0 if all N ran and none failed, else 1
 *
 * ksft_exit_fail_msg() bails out, ksft_exit_skip() skips what is left.
 * Unlike the kernel's, ksft_test_result() returns @cond, and a program that
 * cannot count its tests up front may leave the plan out: ksft_finished()
 * then prints it last, as TAP allows (the tools' table-driven tests, through
 * tap.h).
 */
#ifndef CXL_DCD_KSELFTEST_H
#define CXL_DCD_KSELFTEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_XFAIL	2
#define KSFT_XPASS	3
#define KSFT_SKIP	4

#define KSFT_PRINTF(a, b) __attribute__((format(printf, a, b)))

static struct {
	unsigned int pass, fail, skip;
	unsigned int plan;
	int planned, header;
} ksft_cnt;

static inline unsigned int ksft_test_num(void)
{
	return ksft_cnt.pass + ksft_cnt.fail + ksft_cnt.skip;
}

static inline void ksft_print_header(void)
{
	if (ksft_cnt.header)
		return;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	ksft_cnt.header = 1;
}

static inline void ksft_set_plan(unsigned int plan)
{
	ksft_cnt.plan = plan;
	ksft_cnt.planned = 1;
	printf("1..%u\n", plan);
}

static inline KSFT_PRINTF(1, 2) void ksft_print_msg(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static inline void ksft_vresult(const char *result, const char *directive,
				const char *fmt, va_list ap)
{
	printf("%s %u ", result, ksft_test_num());
	if (directive)
		printf("# %s ", directive);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

static inline KSFT_PRINTF(1, 2) void ksft_test_result_pass(const char *fmt, ...)
{
	va_list ap;

	ksft_cnt.pass++;
	va_start(ap, fmt);
	ksft_vresult("ok", NULL, fmt, ap);
	va_end(ap);
}

static inline KSFT_PRINTF(1, 2) void ksft_test_result_fail(const char *fmt, ...)
{
	va_list ap;

	ksft_cnt.fail++;
	va_start(ap, fmt);
	ksft_vresult("not ok", NULL, fmt, ap);
	va_end(ap);
}

static inline KSFT_PRINTF(1, 2) void ksft_test_result_skip(const char *fmt, ...)
{
	va_list ap;

	ksft_cnt.skip++;
	va_start(ap, fmt);
	ksft_vresult("ok", "SKIP", fmt, ap);
	va_end(ap);
}

/* One result: pass if @cond, else fail; returns @cond. */
static inline KSFT_PRINTF(2, 3) int ksft_test_result(int cond, const char *fmt, ...)
{
	va_list ap;

	if (cond)
		ksft_cnt.pass++;
	else
		ksft_cnt.fail++;
	va_start(ap, fmt);
	ksft_vresult(cond ? "ok" : "not ok", NULL, fmt, ap);
	va_end(ap);
	return cond;
}

static inline void ksft_print_cnts(void)
{
	if (ksft_cnt.planned && ksft_cnt.plan != ksft_test_num())
		printf("# Planned tests != run tests (%u != %u)\n",
		       ksft_cnt.plan, ksft_test_num());
	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
	       ksft_cnt.pass, ksft_cnt.fail, ksft_cnt.skip);
}

/* The exit status ksft_finished() exits with; prints the totals. */
static inline int ksft_status(void)
{
	if (!ksft_cnt.planned)
		ksft_set_plan(ksft_test_num());
	ksft_print_cnts();
	return !ksft_cnt.fail && ksft_cnt.plan == ksft_test_num() ?
		KSFT_PASS : KSFT_FAIL;
}

static inline __attribute__((noreturn)) void ksft_finished(void)
{
	exit(ksft_status());
}

static inline KSFT_PRINTF(1, 2) __attribute__((noreturn))
void ksft_exit_fail_msg(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	ksft_print_cnts();
	exit(KSFT_FAIL);
}

/* Skip what is left: the whole program if nothing ran yet. */
static inline KSFT_PRINTF(1, 2) __attribute__((noreturn))
void ksft_exit_skip(const char *fmt, ...)
{
	va_list ap;

	if (ksft_test_num() == 0 && !ksft_cnt.planned)
		printf("1..0 # SKIP ");
	else
		printf("# SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (ksft_test_num())
		ksft_print_cnts();
	exit(KSFT_SKIP);
}

#endif
