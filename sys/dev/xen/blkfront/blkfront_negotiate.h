/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _DEV_XEN_BLKFRONT_BLKFRONT_NEGOTIATE_H_
#define	_DEV_XEN_BLKFRONT_BLKFRONT_NEGOTIATE_H_

/*
 * xbd(4) feature negotiation (blkfront_negotiate.c): what the backend
 * offers before we connect, what we choose, the keys we publish, and the
 * disk the backend describes once Connected.
 */

#define	XBD_MAX_RING_ORDER	4	/* protocol and Linux: 16 pages */
#define	XBD_MAX_QUEUES		8
#define	XBD_MAX_RING_PAGES	(1 << XBD_MAX_RING_ORDER)
#define	XBD_ERRLEN		96

/* Read in InitWait, before our keys go out (Linux writes them at probe). */
struct xbd_offer {
	bool	bo_ring_order;		/* max-ring-page-order present */
	u_int	bo_max_ring_order;	/* its value, else 0 */
	bool	bo_mq;			/* multi-queue-max-queues present */
	u_int	bo_max_queues;		/* its value, else 1 */
	u_int	bo_max_indirect;	/* feature-max-indirect-segments, 0 */
};

/* Our side's limits (tunables). */
struct xbd_limits {
	u_int	bl_ring_order;
	u_int	bl_queues;
	u_int	bl_indirect;		/* 0: no indirect requests */
	bool	bl_persistent;		/* offer feature-persistent */
};

/* What we use. */
struct xbd_params {
	u_int	xp_ring_order;		/* pages = 1 << order */
	bool	xp_order_key;		/* write ring-page-order, ring-refN */
	u_int	xp_nqueues;		/* >1: queue-N/ keys */
	u_int	xp_indirect;		/* segments per indirect request, 0 */
	u_int	xp_maxsegs;		/* segments per request, either way */
	bool	xp_persistent;		/* we offer persistent grants */
};

/* Read at Connected. */
struct xbd_diskinfo {
	uint64_t di_sectors;		/* 512-byte units, always */
	u_int	di_sectorsize;		/* logical */
	u_int	di_physsectorsize;
	u_int	di_info;		/* VDISK_* */
	bool	di_flush;		/* feature-flush-cache */
	bool	di_barrier;		/* feature-barrier */
	bool	di_discard;		/* feature-discard */
	u_int	di_discard_gran;	/* bytes */
	u_int	di_discard_align;	/* bytes */
	bool	di_discard_secure;
	bool	di_persistent;		/* backend's feature-persistent */
};

/* A key to write under our node. */
struct xbd_key {
	char	k_name[32];
	char	k_value[24];
};
#define	XBD_MAXKEYS	(4 + XBD_MAX_QUEUES * (XBD_MAX_RING_PAGES + 1))

int	xbd_read_offer(const char *, struct xbd_offer *, char *, size_t);
void	xbd_choose(const struct xbd_offer *, const struct xbd_limits *,
	    struct xbd_params *);
int	xbd_make_keys(const struct xbd_params *, const uint32_t *,
	    const uint32_t *, struct xbd_key *, u_int *);
int	xbd_read_diskinfo(const char *, struct xbd_diskinfo *, char *,
	    size_t);

#endif /* !_DEV_XEN_BLKFRONT_BLKFRONT_NEGOTIATE_H_ */
