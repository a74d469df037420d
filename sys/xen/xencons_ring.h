/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _XEN_XENCONS_RING_H_
#define	_XEN_XENCONS_RING_H_

/*
 * Software state for one PV console ring page (struct xencons_interface).
 * We keep our own copies of the indices we produce (out) and consume (in):
 * the page is shared with dom0, so the values there are only trusted after
 * they have been checked against ours.
 */
struct xencons_interface;

struct xencons_ring {
	struct xencons_interface *xr_intf;	/* shared page */
	uint32_t	xr_out_prod;		/* our producer index */
	uint32_t	xr_in_cons;		/* our consumer index */
	uint64_t	xr_errors;		/* impossible indices seen */
};

void	xencons_ring_init(struct xencons_ring *, struct xencons_interface *);
size_t	xencons_ring_out_space(struct xencons_ring *);
size_t	xencons_ring_out_pending(struct xencons_ring *);
size_t	xencons_ring_put(struct xencons_ring *, const char *, size_t);
size_t	xencons_ring_get(struct xencons_ring *, char *, size_t);

#endif /* !_XEN_XENCONS_RING_H_ */
