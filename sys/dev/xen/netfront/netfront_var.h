/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _DEV_XEN_NETFRONT_NETFRONT_VAR_H_
#define	_DEV_XEN_NETFRONT_NETFRONT_VAR_H_

/*
 * xn(4) software state.  The ring code (netfront_ring.c) sees only the
 * queues; the driver (netfront.c) owns the softc.
 *
 * Locking: each queue's tx side has its own mutex (xq_lock [t]); the rx
 * side is only touched by the queue's task [r]; [I] is set at attach.
 */

#include <machine/atomic.h>
/* <xen/io/ring.h> wants these from the includer. */
#ifndef offsetof
#define	offsetof(t, f)	__builtin_offsetof(t, f)
#endif
#define	xen_mb()	mb()
#define	xen_rmb()	rmb()
#define	xen_wmb()	wmb()
#include <xen/io/netif.h>

#define	XN_TX_RING_SIZE	__CONST_RING_SIZE(netif_tx, PAGE_SIZE)
#define	XN_RX_RING_SIZE	__CONST_RING_SIZE(netif_rx, PAGE_SIZE)
#define	XN_MAX_QUEUES	4
#define	XN_TX_MAX_SLOTS	XEN_NETIF_NR_SLOTS_MIN	/* data slots a packet */
#define	XN_RX_MAX_SLOTS	18		/* slots of a received packet */
#define	XN_MAX_FRAME	(ETHER_HDR_LEN + 65535)

struct ifnet;
struct mbuf;
struct mbufq;
struct pagepool;

/* How the ring code reaches Xen (the host tests fake these). */
struct xn_ops {
	/* Point ref at the page holding va, for the backend. */
	int	(*xo_grant)(void *, grant_ref_t, const void *, bool);
	/* Take the grant back: 0, or EBUSY while the backend maps it. */
	int	(*xo_ungrant)(void *, grant_ref_t);
	/* Kick the other end. */
	void	(*xo_notify)(void *, bool);
};

struct xn_rxstats {
	u_long	rx_bad_id;	/* response id not the request's */
	u_long	rx_bad_status;	/* a status the protocol does not have */
	u_long	rx_errors;	/* NETIF_RSP_ERROR / DROPPED */
	u_long	rx_bad_len;	/* empty, or offset + size past the page */
	u_long	rx_bad_flags;	/* unknown or unnegotiated flags */
	u_long	rx_bad_extra;	/* extra info of an unknown type */
	u_long	rx_bad_chain;	/* too many slots or bytes in a packet */
	u_long	rx_overrun;	/* rsp_prod ahead of our requests */
	u_long	rx_nobuf;	/* no mbuf, or no page to refill with */
	u_long	rx_busy;	/* grant still mapped: buffer kept */
	u_long	rx_csum_ok;	/* checksums vouched for by the backend */
};

struct xn_txstats {
	u_long	tx_bad_id;	/* response for an id not in flight */
	u_long	tx_bad_status;	/* a status the protocol does not have */
	u_long	tx_errors;	/* NETIF_RSP_ERROR / DROPPED */
	u_long	tx_overrun;	/* rsp_prod ahead of our requests */
	u_long	tx_full;	/* no room on the ring: dropped */
	u_long	tx_defrag;	/* copied to fit the slot limit */
	u_long	tx_toobig;	/* larger than the protocol allows */
	u_long	tx_busy;	/* grant still mapped: id kept */
	u_long	tx_csum;	/* sent with the checksum left blank */
};

struct xn_rxq {
	u_int			 rq_index;	/* [I] queue number */
	netif_rx_front_ring_t	 rq_ring;	/* [r] */
	grant_ref_t		 rq_refs[XN_RX_RING_SIZE]; /* [I] by slot */
	void			*rq_pages[XN_RX_RING_SIZE]; /* [r] granted */
	struct pagepool		*rq_pool;	/* [I] */
	u_int			 rq_fill;	/* [I] requests to keep posted */
	bool			 rq_sg;		/* [I] feature-sg */
	bool			 rq_broken;	/* [r] protocol violated */
	const struct xn_ops	*rq_ops;	/* [I] */
	void			*rq_arg;	/* [I] */
	struct ifnet		*rq_ifp;	/* [I] */
	/* A packet whose slots have not all arrived yet. [r] */
	struct mbuf		*rq_head;
	struct mbuf		*rq_tail;
	int			 rq_len;
	int			 rq_slots;
	int			 rq_state;	/* XN_RX_* */
	bool			 rq_more;	/* more data after extras */
	bool			 rq_bad;	/* discard when complete */
	int			 rq_csum;	/* CSUM_* for it */
	struct xn_rxstats	 rq_stats;	/* [r] */
};

#define	XN_RX_FIRST	0	/* the next slot starts a packet */
#define	XN_RX_MORE	1	/* the next slot continues one */
#define	XN_RX_EXTRA	2	/* the next slot is extra info */

struct xn_txq {
	u_int			 tq_index;	/* [I] */
	netif_tx_front_ring_t	 tq_ring;	/* [t] */
	grant_ref_t		 tq_refs[XN_TX_RING_SIZE]; /* [I] by id */
	struct mbuf		*tq_mbufs[XN_TX_RING_SIZE]; /* [t] to free */
	bool			 tq_inflight[XN_TX_RING_SIZE]; /* [t] */
	uint16_t		 tq_free[XN_TX_RING_SIZE]; /* [t] free ids */
	u_int			 tq_nfree;	/* [t] */
	bool			 tq_sg;		/* [I] */
	bool			 tq_csum;	/* [I] may leave sums blank */
	bool			 tq_broken;	/* [t] */
	const struct xn_ops	*tq_ops;	/* [I] */
	void			*tq_arg;	/* [I] */
	struct ifnet		*tq_ifp;	/* [I] */
	struct xn_txstats	 tq_stats;	/* [t] */
};

void	xn_rxq_init(struct xn_rxq *, netif_rx_sring_t *);
int	xn_rxq_refill(struct xn_rxq *);
int	xn_rxq_input(struct xn_rxq *, struct mbufq *);
int	xn_rxq_poll(struct xn_rxq *, struct mbufq *);
int	xn_rxq_drain(struct xn_rxq *);
void	xn_rxq_forget(struct xn_rxq *);
void	xn_txq_init(struct xn_txq *, netif_tx_sring_t *);
int	xn_txq_encap(struct xn_txq *, struct mbuf *);
int	xn_txq_complete(struct xn_txq *);
int	xn_txq_drain(struct xn_txq *);
void	xn_txq_forget(struct xn_txq *);

#endif /* !_DEV_XEN_NETFRONT_NETFRONT_VAR_H_ */
