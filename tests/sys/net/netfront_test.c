/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xn(4)'s ring code (sys/dev/xen/netfront/netfront_ring.c) over a fake
 * backend that services the shared rings the way netback does -- and
 * then the ways a broken or hostile one might: ids out of range or not
 * in flight, sizes past the granted page, statuses the protocol does not
 * have, unknown flags and extras, endless chains, rsp_prod ahead of the
 * requests.  Each is counted, the packet is dropped, nothing crashes or
 * leaks, and good traffic after it still flows (except after an overrun,
 * which stops the queue).  Grants are faked: a table from reference to
 * the page it points at, with a count of grants the test can check.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <vm/vm_kern.h>

#include <net/ethernet.h>
#include <net/if_var.h>

#include <atf-c.h>

#include "../../../sys/dev/xen/netfront/netfront_var.h"
#include "net_host_var.h"

#define	NREFS	1024

static const void *granted[NREFS];	/* ref -> page, NULL if not granted */
static int ngranted, notifies, busy_ref = -1;

static int
fake_grant(void *arg, grant_ref_t ref, const void *va, bool ro)
{
	ATF_REQUIRE(ref < NREFS);
	if (granted[ref] == NULL)
		ngranted++;
	granted[ref] = (const void *)((uintptr_t)va & ~PAGE_MASK);
	return (0);
}

static int
fake_ungrant(void *arg, grant_ref_t ref)
{
	ATF_REQUIRE(ref < NREFS);
	ATF_REQUIRE_MSG(granted[ref] != NULL, "ref %u ended twice", ref);
	if ((int)ref == busy_ref)
		return (EBUSY);
	granted[ref] = NULL;
	ngranted--;
	return (0);
}

static void
fake_notify(void *arg, bool tx)
{
	notifies++;
}

static const struct xn_ops fake_ops = {
	fake_grant, fake_ungrant, fake_notify
};

static struct ifnet *ifp;
static struct xn_rxq rxq;
static struct xn_txq txq;
static netif_rx_sring_t *rxs;
static netif_tx_sring_t *txs;
static netif_rx_back_ring_t rxb;	/* the fake backend's view */
static netif_tx_back_ring_t txb;
static struct mbufq out;

static void
setup(bool sg, u_int fill)
{
	u_int i;

	memset(granted, 0, sizeof(granted));
	ngranted = notifies = 0;
	busy_ref = -1;
	ifp = if_alloc();
	ifp->if_nqueues = 1;
	rxs = (netif_rx_sring_t *)kmem_malloc(PAGE_SIZE, M_NOWAIT);
	txs = (netif_tx_sring_t *)kmem_malloc(PAGE_SIZE, M_NOWAIT);
	memset(&rxq, 0, sizeof(rxq));
	memset(&txq, 0, sizeof(txq));
	for (i = 0; i < XN_RX_RING_SIZE; i++)
		rxq.rq_refs[i] = 8 + i;
	for (i = 0; i < XN_TX_RING_SIZE; i++)
		txq.tq_refs[i] = 8 + XN_RX_RING_SIZE + i;
	rxq.rq_pool = pagepool_create("xn test", fill + 8, M_NOWAIT);
	ATF_REQUIRE(rxq.rq_pool != NULL);
	rxq.rq_fill = fill;
	rxq.rq_sg = txq.tq_sg = sg;
	txq.tq_csum = true;
	rxq.rq_ops = txq.tq_ops = &fake_ops;
	rxq.rq_ifp = txq.tq_ifp = ifp;
	xn_rxq_init(&rxq, rxs);
	xn_txq_init(&txq, txs);
	BACK_RING_INIT(&rxb, rxs, PAGE_SIZE);
	BACK_RING_INIT(&txb, txs, PAGE_SIZE);
	mbufq_init(&out, 1000);
}

static void
teardown(void)
{
	mbufq_drain(&out);
	busy_ref = -1;
	ATF_CHECK_EQ(xn_rxq_drain(&rxq), 0);
	ATF_CHECK_EQ(xn_txq_drain(&txq), 0);
	ATF_CHECK_EQ_MSG(ngranted, 0, "%d grants left", ngranted);
	ATF_CHECK_EQ(pagepool_destroy(rxq.rq_pool), 0);
	kmem_free((vm_offset_t)rxs, PAGE_SIZE);
	kmem_free((vm_offset_t)txs, PAGE_SIZE);
	ifp->if_attached = false;
	if_free(ifp);
	ATF_CHECK_EQ_MSG(mbstat.m_mbufs, 0, "%lu mbufs held", mbstat.m_mbufs);
	ATF_CHECK_EQ(mbstat.m_clusters, 0);
	ATF_CHECK_EQ(mbstat.m_poolpages, 0);
	ATF_CHECK_EQ(kern_malloc_live, 0);
	m_reclaim();
	ATF_CHECK_EQ(host_kmem_pages, 0);
}

/*
 * The backend takes the next posted rx request and answers it; data (if
 * any) is copied into the granted page at offset.  Returns the request's
 * id.
 */
static int
be_rx(const void *data, int16_t status, uint16_t off, uint16_t flags,
    int id_delta)
{
	netif_rx_request_t req;
	netif_rx_response_t *rsp;
	uint8_t *page;

	ATF_REQUIRE_MSG(RING_HAS_UNCONSUMED_REQUESTS(&rxb),
	    "no rx request posted");
	req = *RING_GET_REQUEST(&rxb, rxb.req_cons);
	rxb.req_cons++;
	page = (uint8_t *)(uintptr_t)granted[req.gref];
	ATF_REQUIRE_MSG(page != NULL, "rx ref %u not granted", req.gref);
	if (data != NULL && status > 0 && off + status <= PAGE_SIZE)
		memcpy(page + off, data, status);
	rsp = RING_GET_RESPONSE(&rxb, rxb.rsp_prod_pvt);
	rsp->id = (uint16_t)(req.id + id_delta);
	rsp->offset = off;
	rsp->flags = flags;
	rsp->status = status;
	rxb.rsp_prod_pvt++;
	return (req.id);
}

/* An extra-info response in the next slot. */
static void
be_rx_extra(uint8_t type, uint8_t flags)
{
	netif_extra_info_t *ex;

	rxb.req_cons++;
	ex = (netif_extra_info_t *)RING_GET_RESPONSE(&rxb, rxb.rsp_prod_pvt);
	memset(ex, 0, sizeof(*ex));
	ex->type = type;
	ex->flags = flags;
	rxb.rsp_prod_pvt++;
}

/* Publish the responses; true if the frontend asked for an event. */
static bool
be_rx_push(void)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&rxb, notify);
	return (notify != 0);
}

static uint8_t frame[70000];

static void
mkframe(int len)
{
	int i;

	for (i = 0; i < len; i++)
		frame[i] = (uint8_t)(i * 31 + 7);
}

/* The next packet delivered is len bytes of frame[]. */
static void
expect_packet(int len, int csum)
{
	static uint8_t buf[70000];
	struct mbuf *m;

	m = mbufq_dequeue(&out);
	ATF_REQUIRE_MSG(m != NULL, "no packet delivered");
	ATF_CHECK((m->m_flags & M_PKTHDR) != 0);
	ATF_CHECK_EQ(m->m_pkthdr.len, len);
	ATF_CHECK_EQ(m_length(m, NULL), len);
	ATF_CHECK_EQ(m->m_pkthdr.rcvif, ifp);
	ATF_CHECK_EQ(m->m_pkthdr.csum_flags, csum);
	ATF_REQUIRE_EQ(m_copydata(m, 0, len, buf), 0);
	ATF_CHECK(memcmp(buf, frame, len) == 0);
	m_freem(m);
}

static uint64_t
ierrors(void)
{
	return (if_get_counter(ifp, IFCOUNTER_IERRORS));
}

ATF_TC_WITHOUT_HEAD(rx_good);
ATF_TC_BODY(rx_good, tc)
{
	int i, n;

	setup(true, 64);
	ATF_CHECK_EQ(xn_rxq_refill(&rxq), 64);
	ATF_CHECK_EQ(ngranted, 64);
	ATF_CHECK(notifies > 0);
	/* One slot. */
	mkframe(1514);
	be_rx(frame, 1514, 0, NETRXF_data_validated, 0);
	be_rx_push();
	ATF_CHECK_EQ(xn_rxq_input(&rxq, &out), 1);
	expect_packet(1514, CSUM_DATA_VALID);
	/* Three slots with more_data: 9014 bytes. */
	mkframe(9014);
	be_rx(frame, 4096, 0, NETRXF_more_data, 0);
	be_rx(frame + 4096, 4096, 0, NETRXF_more_data, 0);
	be_rx(frame + 8192, 822, 0, 0, 0);
	be_rx_push();
	ATF_CHECK_EQ(xn_rxq_input(&rxq, &out), 3);
	expect_packet(9014, 0);
	/* A GSO extra after the first slot is consumed and skipped. */
	mkframe(100);
	be_rx(frame, 100, 0, NETRXF_extra_info, 0);
	be_rx_extra(XEN_NETIF_EXTRA_TYPE_GSO, 0);
	be_rx_push();
	ATF_CHECK_EQ(xn_rxq_input(&rxq, &out), 2);
	expect_packet(100, 0);
	/* A packet split across two calls waits for its last slot. */
	mkframe(5000);
	be_rx(frame, 4096, 0, NETRXF_more_data, 0);
	be_rx_push();
	ATF_CHECK_EQ(xn_rxq_input(&rxq, &out), 1);
	ATF_CHECK_EQ(mbufq_len(&out), 0);
	be_rx(frame + 4096, 904, 0, 0, 0);
	be_rx_push();
	ATF_CHECK_EQ(xn_rxq_input(&rxq, &out), 1);
	expect_packet(5000, 0);
	/* The ring is refilled from the pool, many times round. */
	for (i = 0; i < 1000; i++) {
		xn_rxq_refill(&rxq);
		mkframe(60 + i);
		be_rx(frame, 60 + i, 0, 0, 0);
		be_rx_push();
		n = xn_rxq_input(&rxq, &out);
		ATF_REQUIRE_EQ(n, 1);
		expect_packet(60 + i, 0);
	}
	ATF_CHECK_EQ(ierrors(), 0);
	ATF_CHECK_EQ(rxq.rq_stats.rx_nobuf, 0);
	teardown();
}

/*
 * Receive moderation: xn_rxq_poll takes responses without asking for an
 * event, so the backend sends none however many follow; xn_rxq_input
 * asks again, and the next response raises one.
 */
ATF_TC_WITHOUT_HEAD(rx_poll_moderates);
ATF_TC_BODY(rx_poll_moderates, tc)
{
	int i;

	setup(true, 64);
	ATF_CHECK_EQ(xn_rxq_refill(&rxq), 64);
	ATF_CHECK_EQ(xn_rxq_input(&rxq, &out), 0);
	mkframe(100);
	be_rx(frame, 100, 0, 0, 0);
	ATF_CHECK_MSG(be_rx_push(), "armed ring: no event for a response");
	ATF_CHECK_EQ(xn_rxq_poll(&rxq, &out), 1);
	expect_packet(100, 0);
	for (i = 0; i < 40; i++) {
		be_rx(frame, 100, 0, 0, 0);
		ATF_CHECK_MSG(!be_rx_push(), "event asked for while polling "
		    "(response %d)", i);
		if (i % 8 == 7) {
			ATF_CHECK_EQ(xn_rxq_poll(&rxq, &out), 8);
			while (mbufq_len(&out) > 0)
				expect_packet(100, 0);
			/* (the first refill also replaces the armed one) */
			ATF_CHECK_EQ(xn_rxq_refill(&rxq), i == 7 ? 9 : 8);
		}
	}
	ATF_CHECK_EQ(xn_rxq_poll(&rxq, &out), 0);
	/* Nothing came: re-arm; the next response raises an event again. */
	ATF_CHECK_EQ(xn_rxq_input(&rxq, &out), 0);
	be_rx(frame, 100, 0, 0, 0);
	ATF_CHECK_MSG(be_rx_push(), "re-armed ring: no event");
	ATF_CHECK_EQ(xn_rxq_input(&rxq, &out), 1);
	expect_packet(100, 0);
	ATF_CHECK_EQ(mbufq_len(&out), 0);
	ATF_CHECK_EQ(ierrors(), 0);
	teardown();
}

ATF_TC_WITHOUT_HEAD(rx_hostile);
ATF_TC_BODY(rx_hostile, tc)
{
	int i, errs;

	setup(false, 64);
	xn_rxq_refill(&rxq);
	mkframe(200);
	errs = 0;
	/* id not the slot's (out of range, and another slot's). */
	be_rx(frame, 100, 0, 0, 5000);
	be_rx(frame, 100, 0, 0, 1);
	/* Size past the page, offset past the page, empty. */
	be_rx(frame, 4000, 200, 0, 0);
	be_rx(frame, 10, 4096, 0, 0);
	be_rx(frame, 0, 0, 0, 0);
	/* Statuses: error, dropped, and one the protocol does not have. */
	be_rx(frame, NETIF_RSP_ERROR, 0, 0, 0);
	be_rx(frame, NETIF_RSP_DROPPED, 0, 0, 0);
	be_rx(frame, -77, 0, 0, 0);
	/* Unknown flag, gso_prefix. */
	be_rx(frame, 100, 0, 0x100, 0);
	be_rx(frame, 100, 0, NETRXF_gso_prefix, 0);
	/* more_data without feature-sg: both slots dropped as one. */
	be_rx(frame, 100, 0, NETRXF_more_data, 0);
	be_rx(frame, 100, 0, 0, 0);
	/* An extra of unknown type. */
	be_rx(frame, 100, 0, NETRXF_extra_info, 0);
	be_rx_extra(9, 0);
	be_rx_push();
	errs = 12;
	ATF_CHECK_EQ(xn_rxq_input(&rxq, &out), 14);
	ATF_CHECK_EQ(mbufq_len(&out), 0);
	ATF_CHECK_EQ(ierrors(), errs);
	ATF_CHECK_EQ(rxq.rq_stats.rx_bad_id, 2);
	ATF_CHECK_EQ(rxq.rq_stats.rx_bad_len, 3);
	ATF_CHECK_EQ(rxq.rq_stats.rx_errors, 2);
	ATF_CHECK_EQ(rxq.rq_stats.rx_bad_status, 1);
	ATF_CHECK_EQ(rxq.rq_stats.rx_bad_flags, 2);
	ATF_CHECK_EQ(rxq.rq_stats.rx_bad_chain, 1);
	ATF_CHECK_EQ(rxq.rq_stats.rx_bad_extra, 1);
	/*
	 * The buffers of dropped slots stayed granted and posted, except
	 * the good second slot of the chain, whose page went back to the
	 * pool with the dropped packet.
	 */
	ATF_CHECK_EQ(ngranted, 63);
	/* And good traffic still flows. */
	for (i = 0; i < 100; i++) {
		xn_rxq_refill(&rxq);
		be_rx(frame, 200, 64, 0, 0);
		be_rx_push();
		ATF_REQUIRE_EQ(xn_rxq_input(&rxq, &out), 1);
		{
			struct mbuf *m = mbufq_dequeue(&out);

			ATF_REQUIRE(m != NULL);
			ATF_CHECK_EQ(m->m_pkthdr.len, 200);
			ATF_CHECK(memcmp(mtod(m, uint8_t *), frame, 200) == 0);
			m_freem(m);
		}
	}
	ATF_CHECK_EQ(ierrors(), errs);
	teardown();
}

ATF_TC_WITHOUT_HEAD(rx_endless_chain);
ATF_TC_BODY(rx_endless_chain, tc)
{
	int i;

	setup(true, 64);
	xn_rxq_refill(&rxq);
	mkframe(4096);
	/* 40 slots of more_data, then an end: one bad packet. */
	for (i = 0; i < 40; i++) {
		be_rx(frame, 4096, 0, NETRXF_more_data, 0);
		if (i % 10 == 9) {
			be_rx_push();
			ATF_CHECK(xn_rxq_input(&rxq, &out) > 0);
			xn_rxq_refill(&rxq);
		}
	}
	be_rx(frame, 100, 0, 0, 0);
	be_rx_push();
	ATF_CHECK(xn_rxq_input(&rxq, &out) > 0);
	ATF_CHECK_EQ(mbufq_len(&out), 0);
	ATF_CHECK_EQ(ierrors(), 1);
	ATF_CHECK(rxq.rq_stats.rx_bad_chain >= 1);
	/* Held while incomplete: no more than XN_RX_MAX_SLOTS pages. */
	ATF_CHECK(mbstat.m_poolpages <= 64 + XN_RX_MAX_SLOTS);
	/* Endless extras: also bounded and dropped. */
	xn_rxq_refill(&rxq);
	be_rx(frame, 100, 0, NETRXF_extra_info, 0);
	for (i = 0; i < 30; i++)
		be_rx_extra(XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE);
	be_rx_extra(XEN_NETIF_EXTRA_TYPE_GSO, 0);
	be_rx_push();
	ATF_CHECK(xn_rxq_input(&rxq, &out) > 0);
	ATF_CHECK_EQ(mbufq_len(&out), 0);
	ATF_CHECK_EQ(ierrors(), 2);
	teardown();
}

ATF_TC_WITHOUT_HEAD(rx_overrun);
ATF_TC_BODY(rx_overrun, tc)
{
	setup(true, 16);
	ATF_CHECK_EQ(xn_rxq_refill(&rxq), 16);
	/* rsp_prod 17 ahead of rsp_cons with 16 requests out. */
	rxs->rsp_prod = 17;
	ATF_CHECK_EQ(xn_rxq_input(&rxq, &out), -1);
	ATF_CHECK(rxq.rq_broken);
	ATF_CHECK_EQ(rxq.rq_stats.rx_overrun, 1);
	ATF_CHECK_EQ(mbufq_len(&out), 0);
	/* Stopped: nothing more is read or posted. */
	ATF_CHECK_EQ(xn_rxq_input(&rxq, &out), -1);
	ATF_CHECK_EQ(xn_rxq_refill(&rxq), 0);
	/* A grant the backend keeps mapped is not taken back. */
	busy_ref = rxq.rq_refs[3];
	ATF_CHECK_EQ(xn_rxq_drain(&rxq), 1);
	busy_ref = -1;
	teardown();
}

/* The backend consumes every tx request, answering status for each. */
static int
be_tx(int16_t status, uint8_t *buf, int *lenp, int *nslots,
    uint16_t *flags)
{
	netif_tx_request_t req;
	netif_tx_response_t *rsp;
	int n, total, notify;
	bool first;

	n = total = 0;
	first = true;
	while (RING_HAS_UNCONSUMED_REQUESTS(&txb)) {
		req = *RING_GET_REQUEST(&txb, txb.req_cons);
		txb.req_cons++;
		ATF_REQUIRE_MSG(granted[req.gref] != NULL, "tx ref %u",
		    req.gref);
		ATF_REQUIRE(req.offset < PAGE_SIZE);
		ATF_REQUIRE(first || req.offset + req.size <= PAGE_SIZE);
		ATF_REQUIRE(!first || req.size >= ETHER_HDR_LEN);
		if (n == 0) {
			total = req.size;
			*flags = req.flags;
		}
		rsp = RING_GET_RESPONSE(&txb, txb.rsp_prod_pvt);
		rsp->id = req.id;
		rsp->status = status;
		txb.rsp_prod_pvt++;
		n++;
		first = (req.flags & NETTXF_more_data) == 0;
		if (buf != NULL) {
			/* Only whole single-slot frames are copied out. */
			ATF_REQUIRE((req.flags & NETTXF_more_data) == 0 &&
			    n == 1);
			memcpy(buf, (const uint8_t *)granted[req.gref] +
			    req.offset, total);
		}
	}
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&txb, notify);
	(void)notify;
	*lenp = total;
	*nslots = n;
	return (n);
}

ATF_TC_WITHOUT_HEAD(tx_good);
ATF_TC_BODY(tx_good, tc)
{
	static uint8_t got[70000];
	struct mbuf *m;
	uint16_t flags;
	int len, n;

	setup(true, 8);
	/* A 14-byte header mbuf and a 1500-byte cluster: two slots. */
	mkframe(1514);
	m = m_devget(frame + 14, 1500, 0, NULL, M_NOWAIT);
	M_PREPEND(m, 14, M_NOWAIT);
	memcpy(mtod(m, void *), frame, 14);
	m->m_pkthdr.csum_flags = CSUM_UDP;
	ATF_REQUIRE_EQ(xn_txq_encap(&txq, m), 0);
	ATF_CHECK_EQ(be_tx(NETIF_RSP_OKAY, NULL, &len, &n, &flags), 2);
	ATF_CHECK_EQ(len, 1514);
	ATF_CHECK_EQ(flags & (NETTXF_csum_blank | NETTXF_data_validated |
	    NETTXF_more_data), NETTXF_csum_blank | NETTXF_data_validated |
	    NETTXF_more_data);
	ATF_CHECK_EQ(xn_txq_complete(&txq), 2);
	ATF_CHECK_EQ(if_get_counter(ifp, IFCOUNTER_OPACKETS), 1);
	ATF_CHECK_EQ(if_get_counter(ifp, IFCOUNTER_OBYTES), 1514);
	ATF_CHECK_EQ(ngranted, 0);
	/* 60000 bytes in one flat packet: page-sized slots. */
	mkframe(60000);
	m = m_devget(frame, 60000, 0, NULL, M_NOWAIT);
	ATF_REQUIRE_EQ(xn_txq_encap(&txq, m), 0);
	ATF_CHECK_EQ(be_tx(NETIF_RSP_OKAY, NULL, &len, &n, &flags), 15);
	ATF_CHECK_EQ(len, 60000);
	ATF_CHECK_EQ(xn_txq_complete(&txq), 15);
	/* A chain of 40 small pieces is copied to fit 18 slots. */
	{
		struct mbuf *top, *t;
		int i;

		top = m_gethdr(M_NOWAIT);
		memcpy(top->m_data, frame, 100);
		top->m_len = 100;
		for (i = 1, t = top; i < 40; i++) {
			t->m_next = m_get(M_NOWAIT);
			t = t->m_next;
			memcpy(t->m_data, frame + 100 * i, 100);
			t->m_len = 100;
		}
		top->m_pkthdr.len = 4000;
		ATF_REQUIRE_EQ(xn_txq_encap(&txq, top), 0);
		ATF_CHECK_EQ(txq.tq_stats.tx_defrag, 1);
		memset(got, 0, sizeof(got));
		ATF_CHECK_EQ(be_tx(NETIF_RSP_OKAY, got, &len, &n, &flags),
		    1);
		ATF_CHECK_EQ(len, 4000);
		ATF_CHECK(memcmp(got, frame, 4000) == 0);
		ATF_CHECK_EQ(xn_txq_complete(&txq), 1);
	}
	/* Too big for the u16 size field. */
	m = m_devget(frame, 65536, 0, NULL, M_NOWAIT);
	ATF_CHECK_EQ(xn_txq_encap(&txq, m), EMSGSIZE);
	/* Without feature-sg, a two-piece frame is copied into one slot. */
	txq.tq_sg = false;
	m = m_devget(frame + 14, 1000, 0, NULL, M_NOWAIT);
	M_PREPEND(m, 14, M_NOWAIT);
	memcpy(mtod(m, void *), frame, 14);
	ATF_REQUIRE_EQ(xn_txq_encap(&txq, m), 0);
	memset(got, 0, sizeof(got));
	ATF_CHECK_EQ(be_tx(NETIF_RSP_OKAY, got, &len, &n, &flags), 1);
	ATF_CHECK(memcmp(got, frame, 1014) == 0);
	ATF_CHECK_EQ(xn_txq_complete(&txq), 1);
	ATF_CHECK_EQ(ngranted, 0);
	teardown();
}

ATF_TC_WITHOUT_HEAD(tx_full_and_hostile);
ATF_TC_BODY(tx_full_and_hostile, tc)
{
	netif_tx_response_t *rsp;
	struct mbuf *m;
	uint16_t flags;
	int i, len, n, sent;

	setup(true, 8);
	mkframe(100);
	/* Fill the ring: 256 one-slot frames, then refusal. */
	sent = 0;
	for (i = 0; i < 300; i++) {
		m = m_getcl(M_NOWAIT, M_PKTHDR);	/* within one page */
		ATF_REQUIRE_EQ(m_copyback(m, 0, 100, frame, M_NOWAIT), 0);
		if (xn_txq_encap(&txq, m) == 0)
			sent++;
	}
	ATF_CHECK_EQ(sent, XN_TX_RING_SIZE);
	ATF_CHECK_EQ(txq.tq_stats.tx_full, 300 - XN_TX_RING_SIZE);
	/* Answer with errors and an unknown status. */
	ATF_CHECK_EQ(be_tx(NETIF_RSP_ERROR, NULL, &len, &n, &flags), 256);
	rsp = RING_GET_RESPONSE(&txb, txb.rsp_prod_pvt - 1);
	rsp->status = 42;
	ATF_CHECK_EQ(xn_txq_complete(&txq), 256);
	ATF_CHECK_EQ(txq.tq_stats.tx_errors, 255);
	ATF_CHECK_EQ(txq.tq_stats.tx_bad_status, 1);
	ATF_CHECK_EQ(if_get_counter(ifp, IFCOUNTER_OERRORS), 256);
	ATF_CHECK_EQ(ngranted, 0);
	/* Responses for ids not in flight, and out of range. */
	m = m_devget(frame, 100, 0, NULL, M_NOWAIT);
	ATF_REQUIRE_EQ(xn_txq_encap(&txq, m), 0);
	ATF_CHECK_EQ(be_tx(NETIF_RSP_OKAY, NULL, &len, &n, &flags), 1);
	rsp = RING_GET_RESPONSE(&txb, txb.rsp_prod_pvt - 1);
	rsp->id = 9999;
	ATF_CHECK_EQ(xn_txq_complete(&txq), 1);
	ATF_CHECK_EQ(txq.tq_stats.tx_bad_id, 1);
	/* An id in range but not in flight: both frames stay in flight. */
	m = m_devget(frame, 100, 0, NULL, M_NOWAIT);
	ATF_REQUIRE_EQ(xn_txq_encap(&txq, m), 0);
	ATF_CHECK_EQ(be_tx(NETIF_RSP_OKAY, NULL, &len, &n, &flags), 1);
	rsp = RING_GET_RESPONSE(&txb, txb.rsp_prod_pvt - 1);
	rsp->id = (uint16_t)((rsp->id + 100) % XN_TX_RING_SIZE);
	ATF_CHECK_EQ(xn_txq_complete(&txq), 1);
	ATF_CHECK_EQ(txq.tq_stats.tx_bad_id, 2);
	ATF_CHECK_EQ(ngranted, 2);
	/* NETIF_RSP_NULL for an extra we never sent. */
	rsp = RING_GET_RESPONSE(&txb, txb.rsp_prod_pvt);
	rsp->id = 0;
	rsp->status = NETIF_RSP_NULL;
	txb.rsp_prod_pvt++;
	/* ...which is also rsp_prod ahead of the requests: stop. */
	RING_PUSH_RESPONSES(&txb);
	ATF_CHECK_EQ(xn_txq_complete(&txq), -1);
	ATF_CHECK(txq.tq_broken);
	ATF_CHECK_EQ(txq.tq_stats.tx_overrun, 1);
	m = m_devget(frame, 100, 0, NULL, M_NOWAIT);
	ATF_CHECK_EQ(xn_txq_encap(&txq, m), ENXIO);
	teardown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, rx_good);
	ATF_TP_ADD_TC(tp, rx_poll_moderates);
	ATF_TP_ADD_TC(tp, rx_hostile);
	ATF_TP_ADD_TC(tp, rx_endless_chain);
	ATF_TP_ADD_TC(tp, rx_overrun);
	ATF_TP_ADD_TC(tp, tx_good);
	ATF_TP_ADD_TC(tp, tx_full_and_hostile);
	return (atf_no_error());
}
