/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xn(4) ring code: the transmit and receive rings of one queue, with no
 * knowledge of xenstore, newbus or how grants are made (struct xn_ops),
 * so that tests/sys/xen/netfront_test.c drives it over a fake backend.
 *
 * Receive.  Every slot of the rx ring has a grant reference of its own
 * (rq_refs, claimed at attach) and, while posted, a page from the queue's
 * page pool granted read-write through it.  Requests carry the slot
 * number as their id; netback answers each request in the slot it came
 * in, so the response at index i belongs to slot i & (size - 1).  Each
 * response is copied out of the shared page once and only the copy is
 * used.  A data response must carry its slot's id, a status that is a
 * length (1..PAGE_SIZE) with offset + length within the page, and only
 * flags we know; extras (after NETRXF_extra_info) must be of a known
 * type; a packet may not span more than XN_RX_MAX_SLOTS slots or 64 KiB,
 * or continue (NETRXF_more_data) without feature-sg.  Any violation
 * counts in the queue's statistics and the interface's ierrors, and the
 * packet is dropped when its last slot comes; the buffers of a dropped
 * slot stay posted for reuse.  A good slot's page is ungranted and handed
 * up in an mbuf (m_attachpage: it returns to the pool when freed) and the
 * slot is refilled from the pool -- no allocation beyond the mbuf header.
 * A packet whose last slot has not arrived waits in the queue's state
 * for the next call.  rsp_prod ahead of what we posted is a broken
 * backend: the queue stops (rq_broken) and the driver reports it.
 * xn_rxq_input() ends by asking the backend for an event at the next
 * response (rsp_event = rsp_cons + 1, then a last look for responses
 * that raced with that); xn_rxq_poll() takes what is there and leaves
 * rsp_event behind, so the backend sends no event until the caller
 * comes back and re-arms -- the driver's receive moderation.
 *
 * Transmit.  Every id has its own grant reference (tq_refs).  A frame is
 * one slot per piece of its mbuf chain within one page; more than
 * XN_TX_MAX_SLOTS (or more than one without feature-sg) and it is first
 * copied into page-sized clusters.  The first request carries the frame's
 * total size and NETTXF_csum_blank | NETTXF_data_validated when the UDP
 * checksum was left to the backend (CSUM_UDP); the last slot's id owns
 * the mbuf.  Completions are matched by id, which must be in flight;
 * unknown statuses are counted.  A full ring refuses the frame (ENOBUFS).
 *
 * Context: thread; the caller serialises calls on a queue (rx: the
 * queue's task; tx: the queue's lock).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <machine/atomic.h>

#include <net/ethernet.h>
#include <net/if_var.h>

#include "netfront_var.h"

#define	RX_MASK		(XN_RX_RING_SIZE - 1)
#define	NETRXF_KNOWN	(NETRXF_data_validated | NETRXF_csum_blank |	\
			    NETRXF_more_data | NETRXF_extra_info)

void
xn_rxq_init(struct xn_rxq *q, netif_rx_sring_t *sring)
{
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&q->rq_ring, sring, PAGE_SIZE);
	q->rq_head = q->rq_tail = NULL;
	q->rq_len = q->rq_slots = 0;
	q->rq_state = XN_RX_FIRST;
	q->rq_bad = q->rq_more = false;
	q->rq_broken = false;
	memset(q->rq_pages, 0, sizeof(q->rq_pages));
}

/*
 * Post requests until rq_fill are outstanding (or the pool runs dry).
 * Returns how many were posted; notifies the backend if it asked.
 */
int
xn_rxq_refill(struct xn_rxq *q)
{
	netif_rx_request_t *req;
	RING_IDX prod;
	u_int slot;
	void *page;
	int n, notify;

	if (q->rq_broken)
		return (0);
	n = 0;
	prod = q->rq_ring.req_prod_pvt;
	while (prod - q->rq_ring.rsp_cons < q->rq_fill) {
		slot = prod & RX_MASK;
		if (q->rq_pages[slot] == NULL) {
			page = pagepool_get(q->rq_pool);
			if (page == NULL) {
				q->rq_stats.rx_nobuf++;
				break;
			}
			if (q->rq_ops->xo_grant(q->rq_arg, q->rq_refs[slot],
			    page, false) != 0) {
				pagepool_put(q->rq_pool, page);
				break;
			}
			q->rq_pages[slot] = page;
		}
		req = RING_GET_REQUEST(&q->rq_ring, prod);
		req->id = (uint16_t)slot;
		req->gref = q->rq_refs[slot];
		prod++;
		n++;
	}
	q->rq_ring.req_prod_pvt = prod;
	if (n > 0) {
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rq_ring, notify);
		if (notify)
			q->rq_ops->xo_notify(q->rq_arg, false);
	}
	return (n);
}

static void
xn_rx_error(struct xn_rxq *q, u_long *ctr)
{
	(*ctr)++;
	q->rq_bad = true;
}

/* The packet in the queue's state is complete: hand it on or drop it. */
static void
xn_rx_finish(struct xn_rxq *q, struct mbufq *out)
{
	struct mbuf *m;

	m = q->rq_head;
	q->rq_head = q->rq_tail = NULL;
	q->rq_state = XN_RX_FIRST;
	if (q->rq_bad || m == NULL) {
		if (q->rq_bad && q->rq_ifp != NULL)
			if_inc_counter_q(q->rq_ifp, q->rq_index,
			    IFCOUNTER_IERRORS, 1);
		m_freem(m);
	} else {
		m->m_flags |= M_PKTHDR;
		m->m_pkthdr.len = q->rq_len;
		m->m_pkthdr.rcvif = q->rq_ifp;
		m->m_pkthdr.flowid = q->rq_index;
		m->m_pkthdr.csum_flags = q->rq_csum;
		if (q->rq_csum != 0)
			q->rq_stats.rx_csum_ok++;
		if (mbufq_enqueue(out, m) != 0) {
			m_freem(m);
			q->rq_stats.rx_nobuf++;
			if (q->rq_ifp != NULL)
				if_inc_counter_q(q->rq_ifp, q->rq_index,
				    IFCOUNTER_IQDROPS, 1);
		}
	}
	q->rq_len = q->rq_slots = 0;
	q->rq_bad = q->rq_more = false;
	q->rq_csum = 0;
}

/* One data response r for slot 'slot'. */
static void
xn_rx_data(struct xn_rxq *q, const netif_rx_response_t *r, u_int slot)
{
	struct mbuf *m;
	void *page;
	bool first;

	first = q->rq_state == XN_RX_FIRST;
	if (first) {
		q->rq_len = q->rq_slots = 0;
		q->rq_bad = false;
		q->rq_csum = 0;
		if ((r->flags & NETRXF_data_validated) != 0)
			q->rq_csum = CSUM_DATA_VALID;
	}
	q->rq_more = (r->flags & NETRXF_more_data) != 0;
	q->rq_slots++;
	if (r->id != slot)
		xn_rx_error(q, &q->rq_stats.rx_bad_id);
	else if (r->status < 0) {
		if (r->status == NETIF_RSP_ERROR ||
		    r->status == NETIF_RSP_DROPPED)
			xn_rx_error(q, &q->rq_stats.rx_errors);
		else
			xn_rx_error(q, &q->rq_stats.rx_bad_status);
	} else if (r->status == 0 || r->offset >= PAGE_SIZE ||
	    r->offset + r->status > PAGE_SIZE)
		xn_rx_error(q, &q->rq_stats.rx_bad_len);
	else if ((r->flags & ~NETRXF_KNOWN) != 0 ||
	    (!first && (r->flags & NETRXF_extra_info) != 0))
		xn_rx_error(q, &q->rq_stats.rx_bad_flags);
	else if ((q->rq_more && !q->rq_sg) ||
	    q->rq_slots > XN_RX_MAX_SLOTS ||
	    q->rq_len + r->status > XN_MAX_FRAME)
		xn_rx_error(q, &q->rq_stats.rx_bad_chain);
	if (q->rq_bad)
		return;		/* the page stays posted */

	page = q->rq_pages[slot];
	KASSERT(page != NULL, ("xn_rx_data: slot %u has no page", slot));
	if (q->rq_ops->xo_ungrant(q->rq_arg, q->rq_refs[slot]) != 0) {
		xn_rx_error(q, &q->rq_stats.rx_busy);
		return;
	}
	q->rq_pages[slot] = NULL;
	m = m_attachpage(q->rq_pool, page, M_NOWAIT);
	if (m == NULL) {
		q->rq_stats.rx_nobuf++;
		q->rq_bad = true;
		return;
	}
	if (!first)
		m->m_flags &= ~M_PKTHDR;
	m->m_data += r->offset;
	m->m_len = r->status;
	q->rq_len += r->status;
	if (q->rq_tail == NULL)
		q->rq_head = m;
	else
		q->rq_tail->m_next = m;
	q->rq_tail = m;
}

/*
 * Take what the backend answered: complete packets go on 'out'.  Returns
 * the number of responses consumed, or -1 if the backend broke the
 * protocol badly enough that the queue stopped.  With 'rearm' the
 * backend is asked for an event at the next response (and responses that
 * raced with that are taken too); without, rsp_event stays behind and
 * the backend sends no event until the caller re-arms: it polls instead.
 */
static int
xn_rxq_take(struct xn_rxq *q, struct mbufq *out, bool rearm)
{
	netif_rx_response_t r;
	netif_extra_info_t ex;
	RING_IDX cons, prod;
	u_int slot;
	int more, n;

	if (q->rq_broken)
		return (-1);
	n = 0;
	do {
		prod = q->rq_ring.sring->rsp_prod;
		rmb();
		cons = q->rq_ring.rsp_cons;
		if (prod - cons > q->rq_ring.req_prod_pvt - cons) {
			q->rq_stats.rx_overrun++;
			q->rq_broken = true;
			if (q->rq_ifp != NULL)
				if_inc_counter_q(q->rq_ifp, q->rq_index,
				    IFCOUNTER_IERRORS, 1);
			return (-1);
		}
		for (; cons != prod; cons++, n++) {
			slot = cons & RX_MASK;
			/* Read the response once. */
			memcpy(&r, RING_GET_RESPONSE(&q->rq_ring, cons),
			    sizeof(r));
			__asm __volatile("" : : : "memory");
			if (q->rq_state == XN_RX_EXTRA) {
				memcpy(&ex, &r, sizeof(ex));
				if (ex.type == XEN_NETIF_EXTRA_TYPE_NONE ||
				    ex.type >= XEN_NETIF_EXTRA_TYPE_MAX)
					xn_rx_error(q,
					    &q->rq_stats.rx_bad_extra);
				if (++q->rq_slots > XN_RX_MAX_SLOTS)
					xn_rx_error(q,
					    &q->rq_stats.rx_bad_chain);
				if ((ex.flags & XEN_NETIF_EXTRA_FLAG_MORE) != 0)
					continue;
				q->rq_state = q->rq_more ? XN_RX_MORE :
				    XN_RX_FIRST;
				if (q->rq_state == XN_RX_FIRST)
					xn_rx_finish(q, out);
				continue;
			}
			xn_rx_data(q, &r, slot);
			if (q->rq_state == XN_RX_FIRST &&
			    (r.flags & NETRXF_extra_info) != 0) {
				q->rq_state = XN_RX_EXTRA;
				continue;
			}
			if (q->rq_more) {
				q->rq_state = XN_RX_MORE;
				continue;
			}
			xn_rx_finish(q, out);
		}
		q->rq_ring.rsp_cons = cons;
		if (!rearm)
			break;
		RING_FINAL_CHECK_FOR_RESPONSES(&q->rq_ring, more);
	} while (more);
	return (n);
}

int
xn_rxq_input(struct xn_rxq *q, struct mbufq *out)
{
	return (xn_rxq_take(q, out, true));
}

int
xn_rxq_poll(struct xn_rxq *q, struct mbufq *out)
{
	return (xn_rxq_take(q, out, false));
}

/*
 * Detach: take every posted page back.  Returns the number of grants the
 * backend still holds (their pages are kept; call again later).
 */
int
xn_rxq_drain(struct xn_rxq *q)
{
	u_int slot;
	int busy;

	m_freem(q->rq_head);
	q->rq_head = q->rq_tail = NULL;
	busy = 0;
	for (slot = 0; slot < XN_RX_RING_SIZE; slot++) {
		if (q->rq_pages[slot] == NULL)
			continue;
		if (q->rq_ops->xo_ungrant(q->rq_arg, q->rq_refs[slot]) != 0) {
			busy++;
			continue;
		}
		pagepool_put(q->rq_pool, q->rq_pages[slot]);
		q->rq_pages[slot] = NULL;
	}
	return (busy);
}

/*
 * After a restore (xen_suspend(9)): the grants of the posted buffers died
 * with the old domain's grant table, so there is nothing to revoke; the
 * pages go back to the pool and a frame half assembled is dropped.
 */
void
xn_rxq_forget(struct xn_rxq *q)
{
	u_int slot;

	m_freem(q->rq_head);
	q->rq_head = q->rq_tail = NULL;
	for (slot = 0; slot < XN_RX_RING_SIZE; slot++) {
		if (q->rq_pages[slot] == NULL)
			continue;
		pagepool_put(q->rq_pool, q->rq_pages[slot]);
		q->rq_pages[slot] = NULL;
	}
}

void
xn_txq_init(struct xn_txq *q, netif_tx_sring_t *sring)
{
	u_int i;

	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&q->tq_ring, sring, PAGE_SIZE);
	for (i = 0; i < XN_TX_RING_SIZE; i++) {
		q->tq_free[i] = (uint16_t)(XN_TX_RING_SIZE - 1 - i);
		q->tq_mbufs[i] = NULL;
		q->tq_inflight[i] = false;
	}
	q->tq_nfree = XN_TX_RING_SIZE;
	q->tq_broken = false;
}

/* Slots the chain needs: one per piece of a buffer within one page. */
static int
xn_tx_nslots(struct mbuf *m)
{
	uintptr_t va, end;
	int n;

	n = 0;
	for (; m != NULL; m = m->m_next) {
		if (m->m_len == 0)
			continue;
		va = (uintptr_t)m->m_data;
		end = va + m->m_len;
		n += (int)(((end - 1) >> PAGE_SHIFT) - (va >> PAGE_SHIFT) + 1);
	}
	return (n);
}

/*
 * Put frame m on the ring; it is consumed whatever happens.  ENOBUFS when
 * the ring is full, EMSGSIZE when it is too large for the protocol.
 */
int
xn_txq_encap(struct xn_txq *q, struct mbuf *m)
{
	netif_tx_request_t *req, *first;
	struct mbuf *n;
	RING_IDX prod, start;
	uintptr_t va;
	u_int id, maxslots;
	int nslots, len, chunk, notify, error;
	uint16_t ids[XN_TX_MAX_SLOTS];
	int used;

	if (q->tq_broken) {
		m_freem(m);
		return (ENXIO);
	}
	len = m->m_pkthdr.len;
	if (len > XEN_NETIF_MAX_TX_SIZE || len < ETHER_HDR_LEN ||
	    len != m_length(m, NULL)) {
		q->tq_stats.tx_toobig++;
		m_freem(m);
		return (EMSGSIZE);
	}
	maxslots = q->tq_sg ? XN_TX_MAX_SLOTS : 1;
	nslots = xn_tx_nslots(m);
	if (nslots > (int)maxslots || m->m_len < ETHER_HDR_LEN) {
		/* Copy into as few page-sized clusters as it takes. */
		n = m_dup(m, M_NOWAIT);
		m_freem(m);
		if (n == NULL) {
			q->tq_stats.tx_full++;
			return (ENOBUFS);
		}
		m = n;
		q->tq_stats.tx_defrag++;
		nslots = xn_tx_nslots(m);
		if (nslots > (int)maxslots) {
			q->tq_stats.tx_toobig++;
			m_freem(m);
			return (EMSGSIZE);
		}
	}
	if (RING_FREE_REQUESTS(&q->tq_ring) < (u_int)nslots ||
	    q->tq_nfree < (u_int)nslots) {
		q->tq_stats.tx_full++;
		m_freem(m);
		return (ENOBUFS);
	}
	start = prod = q->tq_ring.req_prod_pvt;
	first = NULL;
	req = NULL;
	used = 0;
	error = 0;
	for (n = m; n != NULL; n = n->m_next) {
		va = (uintptr_t)n->m_data;
		len = n->m_len;
		while (len > 0) {
			chunk = MIN(len, (int)(PAGE_SIZE - (va & PAGE_MASK)));
			id = q->tq_free[--q->tq_nfree];
			ids[used++] = (uint16_t)id;
			error = q->tq_ops->xo_grant(q->tq_arg, q->tq_refs[id],
			    (const void *)va, true);
			if (error != 0)
				goto unwind;
			req = RING_GET_REQUEST(&q->tq_ring, prod);
			req->gref = q->tq_refs[id];
			req->offset = (uint16_t)(va & PAGE_MASK);
			req->id = (uint16_t)id;
			req->size = (uint16_t)chunk;
			req->flags = NETTXF_more_data;
			if (first == NULL) {
				first = req;
				first->size = (uint16_t)m->m_pkthdr.len;
				if (q->tq_csum &&
				    (m->m_pkthdr.csum_flags & CSUM_UDP) != 0) {
					first->flags |= NETTXF_csum_blank |
					    NETTXF_data_validated;
					q->tq_stats.tx_csum++;
				}
			}
			q->tq_inflight[id] = true;
			prod++;
			va += chunk;
			len -= chunk;
		}
	}
	req->flags &= ~NETTXF_more_data;
	q->tq_mbufs[ids[used - 1]] = m;
	q->tq_ring.req_prod_pvt = prod;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tq_ring, notify);
	if (notify)
		q->tq_ops->xo_notify(q->tq_arg, true);
	return (0);
unwind:
	/* The last id was not granted; the ones before it were. */
	q->tq_free[q->tq_nfree++] = ids[--used];
	while (used > 0) {
		id = ids[--used];
		(void)q->tq_ops->xo_ungrant(q->tq_arg, q->tq_refs[id]);
		q->tq_inflight[id] = false;
		q->tq_free[q->tq_nfree++] = (uint16_t)id;
	}
	q->tq_ring.req_prod_pvt = start;
	m_freem(m);
	return (error);
}

/* Take transmit completions; returns how many, or -1 if broken. */
int
xn_txq_complete(struct xn_txq *q)
{
	netif_tx_response_t r;
	RING_IDX cons, prod;
	struct mbuf *m;
	int more, n;

	if (q->tq_broken)
		return (-1);
	n = 0;
	do {
		prod = q->tq_ring.sring->rsp_prod;
		rmb();
		cons = q->tq_ring.rsp_cons;
		if (prod - cons > q->tq_ring.req_prod_pvt - cons) {
			q->tq_stats.tx_overrun++;
			q->tq_broken = true;
			if (q->tq_ifp != NULL)
				if_inc_counter_q(q->tq_ifp, q->tq_index,
				    IFCOUNTER_OERRORS, 1);
			return (-1);
		}
		for (; cons != prod; cons++, n++) {
			memcpy(&r, RING_GET_RESPONSE(&q->tq_ring, cons),
			    sizeof(r));
			__asm __volatile("" : : : "memory");
			if (r.status == NETIF_RSP_NULL) {
				/* We send no extras: nothing to answer. */
				q->tq_stats.tx_bad_status++;
				continue;
			}
			if (r.id >= XN_TX_RING_SIZE || !q->tq_inflight[r.id]) {
				q->tq_stats.tx_bad_id++;
				continue;
			}
			if (r.status != NETIF_RSP_OKAY &&
			    r.status != NETIF_RSP_ERROR &&
			    r.status != NETIF_RSP_DROPPED)
				q->tq_stats.tx_bad_status++;
			else if (r.status != NETIF_RSP_OKAY)
				q->tq_stats.tx_errors++;
			q->tq_inflight[r.id] = false;
			m = q->tq_mbufs[r.id];
			q->tq_mbufs[r.id] = NULL;
			if (m != NULL && q->tq_ifp != NULL) {
				if (r.status == NETIF_RSP_OKAY) {
					if_inc_counter_q(q->tq_ifp, q->tq_index,
					    IFCOUNTER_OPACKETS, 1);
					if_inc_counter_q(q->tq_ifp, q->tq_index,
					    IFCOUNTER_OBYTES, m->m_pkthdr.len);
				} else
					if_inc_counter_q(q->tq_ifp, q->tq_index,
					    IFCOUNTER_OERRORS, 1);
			}
			m_freem(m);
			if (q->tq_ops->xo_ungrant(q->tq_arg,
			    q->tq_refs[r.id]) != 0) {
				/* Still mapped: the id stays out of use. */
				q->tq_stats.tx_busy++;
				continue;
			}
			q->tq_free[q->tq_nfree++] = r.id;
		}
		q->tq_ring.rsp_cons = cons;
		RING_FINAL_CHECK_FOR_RESPONSES(&q->tq_ring, more);
	} while (more);
	return (n);
}

/*
 * Detach: end every grant still in flight and free the frames.  Returns
 * the number of grants the backend still holds.
 */
int
xn_txq_drain(struct xn_txq *q)
{
	u_int id;
	int busy;

	busy = 0;
	for (id = 0; id < XN_TX_RING_SIZE; id++) {
		if (!q->tq_inflight[id])
			continue;
		if (q->tq_ops->xo_ungrant(q->tq_arg, q->tq_refs[id]) != 0) {
			busy++;
			continue;
		}
		q->tq_inflight[id] = false;
		m_freem(q->tq_mbufs[id]);
		q->tq_mbufs[id] = NULL;
		q->tq_free[q->tq_nfree++] = (uint16_t)id;
	}
	return (busy);
}

/* The same for frames in flight: they are lost; ids become free. */
void
xn_txq_forget(struct xn_txq *q)
{
	u_int id;

	for (id = 0; id < XN_TX_RING_SIZE; id++) {
		if (!q->tq_inflight[id])
			continue;
		q->tq_inflight[id] = false;
		m_freem(q->tq_mbufs[id]);
		q->tq_mbufs[id] = NULL;
	}
}
