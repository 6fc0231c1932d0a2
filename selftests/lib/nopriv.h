/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests that need "permission denied" while they run as root: file
 * modes alone do not stop root, CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH do.
 * nopriv_begin() takes both out of the effective set (they stay permitted),
 * so a mode 000 file fails with EACCES as it would for a user;
 * nopriv_end() puts them back. Without root, nothing needs dropping.
 */
#ifndef CXL_DCD_NOPRIV_H
#define CXL_DCD_NOPRIV_H

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

static int nopriv_set(int dac_on)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	unsigned int bits = (1U << CAP_DAC_OVERRIDE) | (1U << CAP_DAC_READ_SEARCH);

	if (geteuid() != 0)
		return 0;
	if (syscall(SYS_capget, &h, d))
		return -1;
	if (dac_on)
		d[0].effective |= bits & d[0].permitted;
	else
		d[0].effective &= ~bits;
	return syscall(SYS_capset, &h, d) ? -1 : 0;
}

static __attribute__((unused)) int nopriv_begin(void)
{
	return nopriv_set(0);
}

static __attribute__((unused)) int nopriv_end(void)
{
	return nopriv_set(1);
}

#endif
