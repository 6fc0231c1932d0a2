/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dcd-fm: hosts. A host is a lab guest's work directory, holding qmp.sock
 * (its QEMU: the device side) and agent.sock (the guest agent: the host
 * side). Named on the command line (NAME=DIR, or a DIR) or in a hosts file:
 * one "NAME DIR" per line, '#' comments.
 */
#ifndef DCD_FM_HOSTS_H
#define DCD_FM_HOSTS_H

#include <limits.h>

#include "fm.h"

struct fm_host {
	char name[64];
	char dir[PATH_MAX];
};

int fm_host_resolve(const char *spec, const char *hosts_file, struct fm_host *h,
		    struct fm_err *e);
void fm_host_sock(const struct fm_host *h, const char *sock, char *buf, size_t len);

#endif
