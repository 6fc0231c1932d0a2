/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dcd-fm: the fabric-manager transport. Everything above this interface
 * (validation, ledger, waiting, commands) is transport-agnostic; QMP (QEMU
 * 10.0) is one implementation, an FM-API one (switch CCI tunnel or MCTP:
 * Initiate DC Add 0x5604 / Release 0x5605, Get DC Region Config 0x5601)
 * can be added as another `struct fm_transport_ops` and listed in
 * transport.c without touching the callers.
 */
#ifndef DCD_FM_TRANSPORT_H
#define DCD_FM_TRANSPORT_H

#include "fm.h"

/* The device's view of a range, if the transport can tell (->probe) */
enum fm_dev_state {
	FM_DEV_FREE,		/* neither accepted nor offered */
	FM_DEV_PENDING,		/* offered, the host has not answered */
	FM_DEV_ACCEPTED,	/* wholly accepted by the host */
	FM_DEV_PARTIAL,		/* partly accepted */
};
const char *fm_dev_state_name(enum fm_dev_state s);

struct fm_transport;

struct fm_transport_ops {
	const char *name;
	/* endpoint: transport-specific address (QMP: path of the unix socket) */
	int (*connect)(struct fm_transport *t, const char *endpoint, struct fm_err *e);
	int (*geometry)(struct fm_transport *t, const char *device, struct fm_geometry *g,
			struct fm_err *e);
	int (*add)(struct fm_transport *t, const char *device, unsigned int host_id,
		   unsigned int region, const struct fm_extent *x, unsigned int n,
		   struct fm_err *e);
	int (*release)(struct fm_transport *t, const char *device, unsigned int host_id,
		       unsigned int region, const struct fm_extent *x, unsigned int n,
		       struct fm_err *e);
	/* optional (NULL): the device's state of one range, without side effects */
	int (*probe)(struct fm_transport *t, const char *device, unsigned int region,
		     const struct fm_extent *x, enum fm_dev_state *st, struct fm_err *e);
	void (*close)(struct fm_transport *t);
};

struct fm_transport {
	const struct fm_transport_ops *ops;
	double timeout;		/* seconds, for every exchange */
	void *priv;
};

extern const struct fm_transport_ops fm_qmp_ops;
const struct fm_transport_ops *fm_transport_find(const char *name);

/* Device-side refusals are -EREMOTEIO with the device's message in e */

#endif
