/* SPDX-License-Identifier: GPL-2.0 */
/*
 * systemd's service notification protocol (sd_notify(3), written here so no
 * libsystemd is needed): one datagram "READY=1", "STATUS=...", "STOPPING=1"
 * to the AF_UNIX socket named by $NOTIFY_SOCKET ("@..." is abstract).
 */
#ifndef CXL_DCD_UTIL_NOTIFY_H
#define CXL_DCD_UTIL_NOTIFY_H

/* 0 if not run by systemd (no NOTIFY_SOCKET), 1 when sent, -errno */
int util_sd_notify(const char *state);

#endif
