/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _DEV_XEN_BLKFRONT_BLKFRONT_VAR_H_
#define	_DEV_XEN_BLKFRONT_BLKFRONT_VAR_H_

/*
 * xbd(4) software state.  Lock legend: [I] set at attach or connect,
 * then immutable until disconnect; [s] sc_lock (a sleep mutex: state
 * changes, thread context); [q] the queue's q_lock (a spin mutex shared
 * with the event handler); [l] xbd_list_lock.
 */

#define	XBD_MAX_REQS		64	/* request structures per queue */
#define	XBD_WAIT_SECS		20	/* for the backend, bounded */

/* A page of ours the backend keeps granted: persistent or indirect. */
struct xbd_page {
	SLIST_ENTRY(xbd_page) pg_link;	/* [q] the queue's free pages */
	void		*pg_va;		/* [I] */
	grant_ref_t	 pg_ref;	/* [I] */
};

/* One ring request in flight (a bio, or one piece of a split bio). */
struct xbd_req {
	TAILQ_ENTRY(xbd_req) r_link;	/* [q] free list */
	struct xbd_queue *r_q;		/* [I] */
	struct bio	*r_bio;		/* [q] */
	uint8_t		 r_op;		/* [q] BLKIF_OP_* (inner) */
	u_int		 r_nsegs;	/* [q] */
	char		*r_data;	/* [q] this piece's bytes in the bio */
	struct xbd_seg	*r_segs;	/* [I] xp_maxsegs of them */
	grant_ref_t	*r_grefs;	/* [I] */
	struct xbd_page	**r_pages;	/* [I] persistent pages, per segment */
	u_int		 r_nind;	/* [q] indirect pages */
	struct xbd_page	*r_ind[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};

struct xbd_softc;

/* One ring, event channel and request pool (a "queue"). */
struct xbd_queue {
	struct xbd_softc *q_sc;		/* [I] */
	u_int		 q_id;		/* [I] */
	struct mtx	 q_lock;
	struct xbd_ring	 q_ring;	/* [q] */
	void		*q_sring;	/* [I] the shared pages */
	u_int		 q_npages;	/* [I] */
	grant_ref_t	 q_ring_refs[XBD_MAX_RING_PAGES]; /* [I] */
	u_int		 q_ngranted;	/* [s] ring pages granted */
	evtchn_port_t	 q_port;	/* [I] */
	bool		 q_bound;	/* [s] */
	struct xbd_shadow *q_shadow;	/* [I] */
	uint32_t	*q_freeids;	/* [I] */
	struct xbd_req	*q_reqs;	/* [I] */
	u_int		 q_nreqs;	/* [I] */
	void		*q_reqmem;	/* [I] segments, grants, pages */
	TAILQ_HEAD(, xbd_req) q_freereqs;	/* [q] */
	struct bio_queue q_bioq;	/* [q] waiting to be started */
	struct bio_queue q_done;	/* [q] to biodone after unlock */
	bool		 q_kick;	/* [q] notify after unlock */
	SLIST_HEAD(, xbd_page) q_pool;	/* [q] free granted pages */
	u_int		 q_pool_total;	/* [q] granted pages, all */
	u_int		 q_pool_max;	/* [I] */
	struct gnttab_reservation q_res; /* [q] refs for pool and data */
	bool		 q_reserved;	/* [s] */
	struct callout	 q_retry;	/* [q] out of resources, nothing
					   in flight: try again */
	char		 q_name[16];	/* [I] "xbd0q0" */
	u_long		 q_events;	/* [q] */
	u_long		 q_stalls;	/* [q] starts put off: resources */
	u_long		 q_split;	/* [q] bios sent as two requests */
};

/* sc_state */
#define	XBD_DETACHED	0	/* no rings */
#define	XBD_CONNECTED	1	/* serving I/O */
#define	XBD_FAILED	2	/* a protocol violation: I/O fails */
#define	XBD_CLOSED	3	/* backend gone; rings torn down */

struct xbd_softc {
	device_t	 sc_dev;	/* [I] */
	int		 sc_unit;	/* [I] */
	struct mtx	 sc_lock;
	int		 sc_state;	/* [s]; read unlocked by the queues */
	LIST_ENTRY(xbd_softc) sc_link;	/* [l] */
	const char	*sc_node;	/* [I] device/vbd/51712 */
	const char	*sc_otherend;	/* [I] backend path */
	domid_t		 sc_otherend_id; /* [I] */
	blkif_vdev_t	 sc_handle;	/* [I] */
	struct xbd_offer sc_offer;	/* [s] */
	struct xbd_params sc_params;	/* [s] */
	struct xbd_diskinfo sc_di;	/* [s] */
	bool		 sc_persistent;	/* [I] persistent grants in use */
	u_int		 sc_nq;		/* [I] */
	struct xbd_queue *sc_q;		/* [I] */
	u_int		 sc_nextq;	/* round robin, races harmlessly */
	struct disk	*sc_disk;	/* [s] */
	bool		 sc_suspended;	/* [s] no starts (unlocked read) */
	u_long		 sc_resumes;	/* [s] reconnections */
	const char	*sc_fail_why;	/* [q] why the device failed */
	u_long		 sc_leaked;	/* [s] grants the backend kept */
	u_long		 sc_failed_ios;	/* [q] requests failed with EIO */
	struct task	 sc_fail_task;	/* [I] tells the backend of a
					   failure (thread context) */
};

#endif /* !_DEV_XEN_BLKFRONT_BLKFRONT_VAR_H_ */
