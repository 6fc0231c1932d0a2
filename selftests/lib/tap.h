/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tools' unit tests (tools/lib, dcd-fm, dcdctl) spell kselftest.h's
 * calls short: ok(cond, "sentence", ...) is ksft_test_result() and returns
 * cond; done() prints the plan last (their counts follow their tables) and
 * the totals, and returns the exit status. Same KTAP as kselftest.h.
 */
#ifndef CXL_DCD_TAP_H
#define CXL_DCD_TAP_H

#include "kselftest.h"

#define ok(cond, ...)	(ksft_print_header(), ksft_test_result(cond, __VA_ARGS__))

static __attribute__((unused)) int done(void)
{
	ksft_print_header();
	return ksft_status();
}

#endif
