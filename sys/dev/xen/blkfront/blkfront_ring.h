/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _DEV_XEN_BLKFRONT_BLKFRONT_RING_H_
#define	_DEV_XEN_BLKFRONT_BLKFRONT_RING_H_

/*
 * The blkif ring as xbd(4) drives it (blkfront_ring.c): request ids,
 * request layouts, and the response path that trusts nothing the backend
 * wrote.  No kernel services are used, so the host tests drive it over a
 * fake ring.
 */
#include <machine/atomic.h>
#ifndef offsetof			/* <xen/io/ring.h> uses it */
#define	offsetof(t, f)	__builtin_offsetof(t, f)
#endif
#ifndef xen_mb
#define	xen_mb()	mb()
#define	xen_rmb()	rmb()
#define	xen_wmb()	wmb()
#endif
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/blkif.h>

#define	XBD_SECTOR_SHIFT	9	/* blkif sector fields: 512 bytes */
#define	XBD_SEGS_PER_IPAGE	(PAGE_SIZE / sizeof(struct blkif_request_segment))
#define	XBD_MAX_INDIRECT_SEGS	\
	(BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST * XBD_SEGS_PER_IPAGE)

/* One piece of a buffer: a page frame and the sectors used in it. */
struct xbd_seg {
	uintptr_t	xs_va;		/* page-aligned address of the page */
	uint8_t		xs_first;	/* first 512-byte sector in the page */
	uint8_t		xs_last;	/* last one (inclusive) */
};

/* A request id in use: what was sent, and the driver's cookie. */
struct xbd_shadow {
	void		*sh_cookie;
	uint8_t		 sh_op;		/* BLKIF_OP_*, inner op if indirect */
	bool		 sh_inuse;
};

/*
 * One ring.  Lock: the driver's queue lock [q] (a spin mutex: the
 * response path runs in the event handler).
 */
struct xbd_ring {
	blkif_front_ring_t xr_front;	/* [q] private indices, nr_ents */
	struct xbd_shadow *xr_shadow;	/* [q] per id, xr_nents of them */
	uint32_t	*xr_freeids;	/* [q] stack of free ids */
	u_int		 xr_nfree;	/* [q] */
	u_int		 xr_nents;	/* [I] ring entries = ids */
	bool		 xr_broken;	/* [q] a protocol violation was seen */
	const char	*xr_why;	/* [q] which */
	u_long		 xr_requests;	/* [q] requests posted */
	u_long		 xr_responses;	/* [q] responses taken */
	u_long		 xr_notifies;	/* [q] times the backend was kicked */
};

/* Called for each valid response: the cookie and the errno it means. */
typedef void xbd_done_t(void *arg, void *cookie, int error);

u_int	xbd_ring_entries(size_t);
void	xbd_ring_init(struct xbd_ring *, void *, size_t, struct xbd_shadow *,
	    uint32_t *);
int	xbd_ring_id_get(struct xbd_ring *, void *, uint8_t, uint32_t *);
void	xbd_ring_id_put(struct xbd_ring *, uint32_t);
bool	xbd_ring_full(struct xbd_ring *);
void	xbd_ring_put(struct xbd_ring *, const void *, size_t);
bool	xbd_ring_push(struct xbd_ring *);
int	xbd_ring_take(struct xbd_ring *, xbd_done_t *, void *, bool *);
u_int	xbd_ring_fail_all(struct xbd_ring *, xbd_done_t *, void *, int);
u_int	xbd_ring_inflight(struct xbd_ring *);

int	xbd_status_errno(int16_t);
int	xbd_split(uintptr_t, size_t, u_int, size_t *, u_int, u_int *);
int	xbd_seg_split(uintptr_t, size_t, struct xbd_seg *, u_int, u_int *);
void	xbd_req_rw(blkif_request_t *, uint8_t, uint32_t, blkif_vdev_t,
	    uint64_t, const struct xbd_seg *, const grant_ref_t *, u_int);
void	xbd_req_indirect(blkif_request_indirect_t *, uint8_t, uint32_t,
	    blkif_vdev_t, uint64_t, u_int, const grant_ref_t *, u_int);
void	xbd_indirect_fill(struct blkif_request_segment *const *,
	    const struct xbd_seg *, const grant_ref_t *, u_int);
void	xbd_req_flush(blkif_request_t *, uint8_t, uint32_t, blkif_vdev_t);
void	xbd_req_discard(blkif_request_discard_t *, uint32_t, blkif_vdev_t,
	    uint64_t, uint64_t, bool);

#endif /* !_DEV_XEN_BLKFRONT_BLKFRONT_RING_H_ */
