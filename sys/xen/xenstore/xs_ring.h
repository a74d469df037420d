/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _XEN_XENSTORE_XS_RING_H_
#define	_XEN_XENSTORE_XS_RING_H_

/*
 * Software state for the xenstore ring page (struct xenstore_domain_interface
 * in <xen/io/xs_wire.h>).  We keep private copies of the two indices we own
 * (req_prod, rsp_cons); the two indices xenstored owns (req_cons, rsp_prod)
 * are read from the shared page and checked against ours before use.
 *
 * Locking: none here.  The caller (the xenstore client) serialises all
 * calls on one xs_ring; the page itself is shared with xenstored.
 */
struct xenstore_domain_interface;
struct xsd_sockmsg;

struct xs_ring {
	struct xenstore_domain_interface *xr_intf; /* shared page */
	uint32_t	xr_req_prod;		/* our producer index */
	uint32_t	xr_rsp_cons;		/* our consumer index */
	uint64_t	xr_errors;		/* impossible indices seen */
	int		xr_flags;
#define	XSRF_BROKEN	0x0001			/* indices cannot be trusted */
};

void	xs_ring_init(struct xs_ring *, struct xenstore_domain_interface *);
int	xs_ring_space(struct xs_ring *, size_t *);
int	xs_ring_write(struct xs_ring *, const void *, size_t, size_t *);
int	xs_ring_write_msg(struct xs_ring *, const struct xsd_sockmsg *,
	    const void *, size_t *);
int	xs_ring_avail(struct xs_ring *, size_t *);
int	xs_ring_read(struct xs_ring *, void *, size_t, size_t *);

uint32_t xs_ring_server_features(struct xs_ring *);
uint32_t xs_ring_connection(struct xs_ring *);
void	xs_ring_set_connection(struct xs_ring *, uint32_t);
uint32_t xs_ring_server_error(struct xs_ring *);

#endif /* !_XEN_XENSTORE_XS_RING_H_ */
