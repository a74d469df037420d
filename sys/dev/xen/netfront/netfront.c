/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xn(4): the Xen PV network frontend, loaded as xn.ko.
 *
 * One xn<unit> per device/vif/<id> on the xenbus front bus.  Attach reads
 * what the backend offers and what the toolstack set (each value parsed
 * strictly: "0"/"1" flags, decimal counts, "xx:xx:xx:xx:xx:xx" MAC; a
 * malformed one fails the attach and is reported to the other end),
 * chooses with a fallback for each feature (see xn(4), FEATURE
 * NEGOTIATION), builds one tx and one rx ring per queue with grant
 * references reserved up front (two ring pages, one per rx slot, one per
 * tx id: the data path never looks for a reference), binds one event
 * channel per queue or two with split channels, publishes all of it in
 * one xenstore transaction, says Connected and waits, bounded, for the
 * backend to connect.  Then it fills the rx rings from a page pool and
 * attaches the Ethernet interface; the kernel environment may configure
 * it (ifconfig_xn0=...).
 *
 * Data path.  An event only queues the queue's task on the network's
 * taskqueue(9), taskqueue_net (event context cannot take the network
 * lock); the task takes tx completions, then rx
 * responses (netfront_ring.c checks every field), refills the rx ring
 * and hands the packets to ether_input (or drops and counts them while
 * no interface is attached: frames come as soon as the backend is
 * Connected, before attach is done).
 *
 * Receive moderation.  An event costs the sender: the backend's
 * EVTCHNOP_send makes Xen wake our vCPU, on the backend domain's time.
 * Taking one per frame, as a guest that re-arms after every pass does
 * when it keeps up, cost a third of what dom0 could send us in the lab.
 * So while frames are coming the task polls: a pass that found responses
 * leaves rsp_event behind (xn_rxq_poll) and comes back after
 * hw.xn.rx_poll_us on a callout(9) -- at once if the pass took half the
 * posted buffers, so a fast sender cannot run the ring dry -- and the
 * first pass that finds nothing re-arms the event (xn_rxq_input).  An
 * idle interface takes the first frame of a burst at its event, so a
 * lone ping is not delayed; a frame in a busy stream waits up to the
 * poll interval.  0 turns polling off.  Transmit runs in the caller's
 * thread under the queue's tx lock; a frame goes to queue flowid %
 * nqueues, so replies leave on the queue their request came in on.
 *
 * Detach (kldunload, xl network-detach) takes the interface away, tells
 * the backend Closing and Closed and waits, bounded, for it to let go of
 * the rings, then unbinds the channels, drains the tasks, revokes every
 * grant and frees the rings; the page pool goes when the last of its
 * pages comes back from the stack.  A backend that closes on its own is
 * answered Closed and the interface stops.
 *
 * Suspend and resume (xen_suspend(9)).  DEVICE_SUSPEND stops
 * transmitting (frames are dropped and counted while the domain is
 * suspended, as on a wire that is briefly down).  After a cancelled
 * suspend DEVICE_RESUME starts again; nothing else changed.  In a new
 * domain the grants, event channels and backend are new: every queue
 * takes back its buffers (frames in flight are lost, as the backend that
 * held them is gone), reinitialises its rings in the same pages, grants
 * them again, allocates new channels, and the keys are published to the
 * backend the bus now names, with the choices made at attach; once it is
 * Connected the rx rings are filled again.  A new backend that lacks a
 * feature in use fails the interface (it stays down).
 *
 * Context: attach, detach and otherend_changed run in the xenbus thread
 * and may sleep; event handlers with events masked; tasks in
 * taskqueue_net's thread.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kobj.h>
#include <sys/bus.h>
#include <sys/callout.h>
#include <sys/errno.h>
#include <sys/kenv.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/module.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <sys/taskqueue.h>
#include <sys/timetc.h>
#include <machine/pmap.h>
#include <vm/vm_kern.h>

#include <net/ethernet.h>
#include <net/if_var.h>
#include <net/netisr.h>

#include <xen/gnttab.h>
#include <xen/xen_evtchn.h>
#include <xen/xen_suspend.h>
#include <xen/xenbus/xenbusvar.h>
#include <xen/xenstore/xenstorevar.h>

#include "netfront_var.h"
#include "device_if.h"
#include "bus_if.h"
#include "xenbus_if.h"

#define	XN_CONNECT_WAIT_MS	10000	/* backend to reach Connected */
#define	XN_CLOSE_WAIT_MS	5000	/* backend to let go of the rings */
#define	XN_DEFAULT_FILL		128	/* rx buffers posted per queue */
#define	XN_DEFAULT_POLL_US	500	/* rx poll interval while busy */
#define	XN_MAX_POLL_US		100000
#define	XN_REFS_PER_QUEUE	(2 + XN_RX_RING_SIZE + XN_TX_RING_SIZE)

MALLOC_DEFINE(M_XN, "xn", "xn(4) network frontend");

struct xn_softc;

struct xn_queue {
	struct xn_softc		*xq_sc;		/* [I] */
	u_int			 xq_index;	/* [I] */
	struct mtx		 xq_lock;	/* tx side */
	struct xn_txq		 xq_tx;		/* [t] */
	struct xn_rxq		 xq_rx;		/* [r] the task's */
	netif_tx_sring_t	*xq_tx_sring;	/* [I] */
	netif_rx_sring_t	*xq_rx_sring;	/* [I] */
	grant_ref_t		 xq_tx_ring_ref; /* [I] */
	grant_ref_t		 xq_rx_ring_ref; /* [I] */
	evtchn_port_t		 xq_tx_port;	/* [I] */
	evtchn_port_t		 xq_rx_port;	/* [I] = tx_port unless split */
	bool			 xq_ports;	/* [I] bound */
	bool			 xq_rings;	/* [I] granted */
	bool			 xq_reserved;	/* [I] xq_res made */
	struct gnttab_reservation xq_res;	/* [I] */
	u_int			 xq_nrefs;	/* [I] claimed from xq_res */
	struct task		 xq_task;	/* on taskqueue_net */
	struct callout		 xq_poll;	/* [r] next rx poll */
	bool			 xq_quiesce;	/* no new poll: being drained */
	u_long			 xq_events;	/* [e] events taken */
	u_long			 xq_polls;	/* [e] rx polls due */
	bool			 xq_reported;	/* [r] broken ring reported */
	char			 xq_name[16];	/* [I] "xn0-q0" */
};

struct xn_softc {
	device_t		 sc_dev;
	struct ifnet		*sc_ifp;
	const char		*sc_node;	/* [I] device/vif/N */
	const char		*sc_backend;	/* [I] */
	domid_t			 sc_domid;	/* [I] */
	uint8_t			 sc_mac[ETHER_ADDR_LEN];
	/* What was negotiated, for sysctl dev.xn.N. [I] */
	bool			 sc_rx_copy;
	bool			 sc_rx_notify;
	bool			 sc_sg;
	bool			 sc_csum;	/* checksum offload used */
	bool			 sc_be_gso_tcpv4; /* offered, not used */
	bool			 sc_be_split;
	bool			 sc_split;
	u_int			 sc_be_max_queues;
	u_int			 sc_nqueues;
	u_int			 sc_fill;
	uint64_t		 sc_poll_ns;	/* [I] rx poll interval */
	struct pagepool		*sc_pool;
	struct xn_queue		 sc_q[XN_MAX_QUEUES];
	bool			 sc_if_attached;
	bool			 sc_running;
	bool			 sc_suspended;	/* xen_suspend(9) */
	u_long			 sc_resumes;	/* reconnections */
	char			 sc_poolname[16];
};

static int	xn_detach(device_t);

/* Every attached softc, for sysctl dev.xn. */
static struct xn_softc *xn_units[16];

static int
xn_grant(void *arg, grant_ref_t ref, const void *va, bool ro)
{
	struct xn_queue *q = arg;
	vm_paddr_t pa;

	pa = pmap_extract(kernel_pmap, trunc_page((vm_offset_t)va));
	if (pa == PMAP_NOPAGE)
		return (EFAULT);
	return (gnttab_grant_access_ref(ref, q->xq_sc->sc_domid,
	    pfn_to_mfn(atop(pa)), ro));
}

static int
xn_ungrant(void *arg, grant_ref_t ref)
{
	return (gnttab_end_access_ref(ref));
}

static void
xn_notify(void *arg, bool tx)
{
	struct xn_queue *q = arg;

	evtchn_notify(tx ? q->xq_tx_port : q->xq_rx_port);
}

static const struct xn_ops xn_ops = {
	xn_grant, xn_ungrant, xn_notify
};

/* Event context: hand the work to the queue's task. */
static void
xn_intr(void *arg)
{
	struct xn_queue *q = arg;

	q->xq_events++;
	(void)taskqueue_enqueue(taskqueue_net, &q->xq_task);
}

/* Callout: the rx poll interval is up. */
static void
xn_poll_due(void *arg)
{
	struct xn_queue *q = arg;

	q->xq_polls++;
	(void)taskqueue_enqueue(taskqueue_net, &q->xq_task);
}

static void
xn_queue_task(void *arg, int pending __unused)
{
	struct xn_queue *q = arg;
	struct xn_softc *sc = q->xq_sc;
	struct mbufq mq;
	struct mbuf *m;
	int rx;

	mtx_lock(&q->xq_lock);
	(void)xn_txq_complete(&q->xq_tx);
	mtx_unlock(&q->xq_lock);
	mbufq_init(&mq, 2 * XN_RX_RING_SIZE);
	if (callout_pending(&q->xq_poll)) {
		/* Queued by a tx event while polling: come back at the tick. */
		rx = xn_rxq_poll(&q->xq_rx, &mq);
	} else if (sc->sc_poll_ns != 0 && !q->xq_quiesce &&
	    (rx = xn_rxq_poll(&q->xq_rx, &mq)) > 0) {
		/* Frames are coming: poll again instead of an event. */
		if ((u_int)rx >= q->xq_rx.rq_fill / 2)
			(void)taskqueue_enqueue(taskqueue_net, &q->xq_task);
		else
			(void)callout_reset_ns(&q->xq_poll, sc->sc_poll_ns,
			    xn_poll_due, q);
	} else
		rx = xn_rxq_input(&q->xq_rx, &mq);
	(void)xn_rxq_refill(&q->xq_rx);
	if ((q->xq_rx.rq_broken || q->xq_tx.tq_broken) && !q->xq_reported) {
		q->xq_reported = true;
		device_printf(sc->sc_dev, "queue %u: the backend answered "
		    "beyond our requests (rsp_prod ahead); queue stopped\n",
		    q->xq_index);
	}
	(void)rx;
	while ((m = mbufq_dequeue(&mq)) != NULL) {
		/*
		 * Frames can come as soon as the backend is Connected,
		 * before attach has given the interface its input routine
		 * (dom0 says hello on a new vif), and until detach has
		 * drained us: no interface takes them then.
		 */
		if (!sc->sc_if_attached) {
			if_inc_counter(sc->sc_ifp, IFCOUNTER_IQDROPS, 1);
			m_freem(m);
			continue;
		}
		sc->sc_ifp->if_input(sc->sc_ifp, m);
	}
}

static int
xn_transmit(struct ifnet *ifp, struct mbuf *m)
{
	struct xn_softc *sc = ifp->if_softc;
	struct xn_queue *q;
	int error;

	if (!sc->sc_running || (ifp->if_flags & IFF_RUNNING) == 0) {
		m_freem(m);
		if_inc_counter(ifp, IFCOUNTER_OQDROPS, 1);
		return (ENETDOWN);
	}
	q = &sc->sc_q[m->m_pkthdr.flowid % sc->sc_nqueues];
	mtx_lock(&q->xq_lock);
	/* Room first: completions the task has not taken yet. */
	if (RING_FREE_REQUESTS(&q->xq_tx.tq_ring) < XN_TX_MAX_SLOTS ||
	    q->xq_tx.tq_nfree < XN_TX_MAX_SLOTS)
		(void)xn_txq_complete(&q->xq_tx);
	error = xn_txq_encap(&q->xq_tx, m);
	mtx_unlock(&q->xq_lock);
	if (error != 0)
		if_inc_counter_q(ifp, q->xq_index, IFCOUNTER_OQDROPS, 1);
	return (error);
}

static int
xn_ioctl(struct ifnet *ifp, u_long cmd, void *data)
{
	struct xn_softc *sc = ifp->if_softc;
	int mtu;

	switch (cmd) {
	case SIOCSIFMTU:
		mtu = *(int *)data;
		/* Without feature-sg the backend's vif stays at 1500. */
		if (!sc->sc_sg && mtu > ETHERMTU)
			return (EINVAL);
		return (0);
	case SIOCSIFFLAGS:
		return (0);
	default:
		return (EINVAL);
	}
}

/*
 * The backend's optional keys (xenbus_read_feature(9) and
 * xenbus_read_ulong(9)): absent, a flag is false and a number is 0;
 * anything malformed is said on the console and fails the attach.
 */
static int
xn_read_bool(struct xn_softc *sc, const char *key, bool *v)
{
	char err[96];
	int error;

	error = xenbus_read_feature(sc->sc_backend, key, v, err, sizeof(err));
	if (error != 0)
		device_printf(sc->sc_dev, "%s\n", err);
	return (error);
}

static int
xn_read_uint(struct xn_softc *sc, const char *key, u_int max, u_int *v)
{
	char err[96];
	u_long n = 0;
	int error;

	error = xenbus_read_ulong(sc->sc_backend, key, max, &n, NULL, err,
	    sizeof(err));
	if (error != 0) {
		device_printf(sc->sc_dev, "%s\n", err);
		return (error);
	}
	*v = (u_int)n;
	return (0);
}

static int
xn_read_mac(struct xn_softc *sc)
{
	char *val;
	int error;

	error = xs_read(0, sc->sc_node, "mac", &val, NULL);
	if (error != 0) {
		device_printf(sc->sc_dev, "cannot read \"%s/mac\": %d\n",
		    sc->sc_node, error);
		return (error);
	}
	error = ether_aton_r(val, sc->sc_mac);
	if (error == 0 && (ETHER_IS_MULTICAST(sc->sc_mac) ||
	    memcmp(sc->sc_mac, "\0\0\0\0\0\0", ETHER_ADDR_LEN) == 0))
		error = EINVAL;
	if (error != 0)
		device_printf(sc->sc_dev, "\"%s/mac\" is \"%.20s\", not a "
		    "unicast MAC address\n", sc->sc_node, val);
	free(val, M_XENSTORE);
	return (error);
}

static u_int
xn_tunable(const char *name, u_int def, u_int min, u_int max)
{
	long v;

	if (getenv_long(name, &v) != 0 || v < (long)min || v > (long)max)
		return (def);
	return ((u_int)v);
}

/* The i-th grant reference a queue claims: rings, rx slots, tx ids. */
static grant_ref_t *
xn_ref(struct xn_queue *q, u_int i)
{
	if (i == 0)
		return (&q->xq_tx_ring_ref);
	if (i == 1)
		return (&q->xq_rx_ring_ref);
	if (i < 2 + XN_RX_RING_SIZE)
		return (&q->xq_rx.rq_refs[i - 2]);
	return (&q->xq_tx.tq_refs[i - 2 - XN_RX_RING_SIZE]);
}

/* Rings, references, channels of one queue.  Undone by xn_queue_free. */
static int
xn_queue_alloc(struct xn_softc *sc, struct xn_queue *q)
{
	vm_paddr_t pa;
	u_int i;
	int error;

	q->xq_sc = sc;
	(void)snprintf(q->xq_name, sizeof(q->xq_name), "%s-q%u",
	    device_get_nameunit(sc->sc_dev), q->xq_index);
	mtx_init(&q->xq_lock, q->xq_name, MTX_DEF);
	TASK_INIT(&q->xq_task, 0, xn_queue_task, q);
	callout_init(&q->xq_poll);
	q->xq_tx_sring = (netif_tx_sring_t *)kmem_malloc(PAGE_SIZE,
	    M_NOWAIT | M_ZERO);
	q->xq_rx_sring = (netif_rx_sring_t *)kmem_malloc(PAGE_SIZE,
	    M_NOWAIT | M_ZERO);
	if (q->xq_tx_sring == NULL || q->xq_rx_sring == NULL)
		return (ENOMEM);
	error = gnttab_reserve(XN_REFS_PER_QUEUE, &q->xq_res);
	if (error != 0) {
		device_printf(sc->sc_dev, "cannot reserve %d grant "
		    "references: %d\n", (int)XN_REFS_PER_QUEUE, error);
		return (error);
	}
	q->xq_reserved = true;
	q->xq_nrefs = 0;
	for (i = 0; i < XN_REFS_PER_QUEUE; i++) {
		error = gnttab_claim(&q->xq_res, xn_ref(q, i));
		if (error != 0)
			return (error);
		q->xq_nrefs++;
	}
	xn_txq_init(&q->xq_tx, q->xq_tx_sring);
	xn_rxq_init(&q->xq_rx, q->xq_rx_sring);
	pa = pmap_extract(kernel_pmap, (vm_offset_t)q->xq_tx_sring);
	error = gnttab_grant_access_ref(q->xq_tx_ring_ref, sc->sc_domid,
	    pfn_to_mfn(atop(pa)), false);
	if (error == 0) {
		pa = pmap_extract(kernel_pmap, (vm_offset_t)q->xq_rx_sring);
		error = gnttab_grant_access_ref(q->xq_rx_ring_ref,
		    sc->sc_domid, pfn_to_mfn(atop(pa)), false);
		if (error != 0)
			(void)gnttab_end_access_ref(q->xq_tx_ring_ref);
	}
	if (error != 0)
		return (error);
	q->xq_rings = true;

	q->xq_tx.tq_index = q->xq_rx.rq_index = q->xq_index;
	q->xq_tx.tq_ops = q->xq_rx.rq_ops = &xn_ops;
	q->xq_tx.tq_arg = q->xq_rx.rq_arg = q;
	q->xq_tx.tq_ifp = q->xq_rx.rq_ifp = sc->sc_ifp;
	q->xq_tx.tq_sg = q->xq_rx.rq_sg = sc->sc_sg;
	q->xq_tx.tq_csum = sc->sc_csum;
	q->xq_rx.rq_pool = sc->sc_pool;
	q->xq_rx.rq_fill = sc->sc_fill;

	error = evtchn_alloc_unbound(sc->sc_domid, xn_intr, q, q->xq_name,
	    &q->xq_tx_port);
	if (error != 0)
		return (error);
	q->xq_rx_port = q->xq_tx_port;
	if (sc->sc_split) {
		error = evtchn_alloc_unbound(sc->sc_domid, xn_intr, q,
		    q->xq_name, &q->xq_rx_port);
		if (error != 0) {
			evtchn_unbind(q->xq_tx_port);
			return (error);
		}
	}
	q->xq_ports = true;
	return (0);
}

/* Wait for an end to the grant on ref (the backend unmapping a ring). */
static void
xn_end_ring(struct xn_softc *sc, grant_ref_t ref)
{
	uint64_t deadline;

	deadline = nanouptime_ns() + XN_CLOSE_WAIT_MS * 1000000ULL;
	while (gnttab_end_access_ref(ref) != 0) {
		if (nanouptime_ns() > deadline) {
			device_printf(sc->sc_dev, "grant %u still mapped by "
			    "the backend; its page is leaked\n", ref);
			return;
		}
		(void)tsleep(sc, 0, "xnring", 1 + hz / 100);
	}
}

/*
 * Stop queue q's task and rx poll, its ports already gone.  A task that
 * was running when the flag was set may still arm the callout once, so
 * stop and drain twice: the second run of the task sees the flag.
 */
static void
xn_queue_quiesce(struct xn_queue *q)
{
	int i;

	q->xq_quiesce = true;
	for (i = 0; i < 2; i++) {
		(void)callout_stop(&q->xq_poll);
		taskqueue_drain(taskqueue_net, &q->xq_task);
	}
}

static void
xn_queue_free(struct xn_softc *sc, struct xn_queue *q)
{
	u_int i;
	bool leak;

	if (q->xq_sc == NULL)
		return;
	if (q->xq_ports) {
		evtchn_unbind(q->xq_tx_port);
		if (q->xq_rx_port != q->xq_tx_port)
			evtchn_unbind(q->xq_rx_port);
		q->xq_ports = false;
	}
	xn_queue_quiesce(q);
	leak = false;
	if (q->xq_rings) {
		if (xn_rxq_drain(&q->xq_rx) != 0 ||
		    xn_txq_drain(&q->xq_tx) != 0) {
			device_printf(sc->sc_dev, "the backend still maps "
			    "buffers of queue %u\n", q->xq_index);
			leak = true;
		}
		xn_end_ring(sc, q->xq_tx_ring_ref);
		xn_end_ring(sc, q->xq_rx_ring_ref);
		q->xq_rings = false;
	}
	for (i = 0; i < q->xq_nrefs; i++)
		if (gnttab_release(&q->xq_res, *xn_ref(q, i)) != 0)
			leak = true;
	q->xq_nrefs = 0;
	if (q->xq_reserved)
		gnttab_unreserve(&q->xq_res);
	q->xq_reserved = false;
	if (!leak) {
		if (q->xq_tx_sring != NULL)
			kmem_free((vm_offset_t)q->xq_tx_sring, PAGE_SIZE);
		if (q->xq_rx_sring != NULL)
			kmem_free((vm_offset_t)q->xq_rx_sring, PAGE_SIZE);
	}
	q->xq_tx_sring = NULL;
	q->xq_rx_sring = NULL;
	mtx_destroy(&q->xq_lock);
	q->xq_sc = NULL;
}

static int
xn_write_keys(struct xn_softc *sc, xs_tx_t tx)
{
	struct xn_queue *q;
	char dir[96], val[16];
	u_int i;
	int error;

#define	W(d, k, fmt, v) do {						\
	(void)snprintf(val, sizeof(val), fmt, v);			\
	if ((error = xs_write(tx, (d), (k), val)) != 0)			\
		return (error);						\
} while (0)
	for (i = 0; i < sc->sc_nqueues; i++) {
		q = &sc->sc_q[i];
		if (sc->sc_nqueues == 1)
			strlcpy(dir, sc->sc_node, sizeof(dir));
		else
			(void)snprintf(dir, sizeof(dir), "%s/queue-%u",
			    sc->sc_node, i);
		W(dir, "tx-ring-ref", "%u", q->xq_tx_ring_ref);
		W(dir, "rx-ring-ref", "%u", q->xq_rx_ring_ref);
		if (sc->sc_split) {
			W(dir, "event-channel-tx", "%u", q->xq_tx_port);
			W(dir, "event-channel-rx", "%u", q->xq_rx_port);
		} else
			W(dir, "event-channel", "%u", q->xq_tx_port);
	}
	if (sc->sc_be_max_queues > 0)
		W(sc->sc_node, "multi-queue-num-queues", "%u", sc->sc_nqueues);
	W(sc->sc_node, "request-rx-copy", "%u", 1);
	W(sc->sc_node, "feature-rx-notify", "%u", 1);
	W(sc->sc_node, "feature-sg", "%u", sc->sc_sg ? 1 : 0);
	W(sc->sc_node, "feature-gso-tcpv4", "%u", 0);
	W(sc->sc_node, "feature-no-csum-offload", "%u", sc->sc_csum ? 0 : 1);
#undef W
	return (0);
}

static int
xn_publish(struct xn_softc *sc)
{
	xs_tx_t tx;
	int error, tries;

	for (tries = 0; tries < 5; tries++) {
		if ((error = xs_transaction_start(&tx)) != 0)
			return (error);
		error = xn_write_keys(sc, tx);
		if (error != 0) {
			(void)xs_transaction_end(tx, true);
			return (error);
		}
		error = xs_transaction_end(tx, false);
		if (error != EAGAIN)
			return (error);
	}
	return (error);
}

/*
 * Wait, bounded, for the backend to reach state a or b; with closed_fails,
 * a backend that is Closed gives up at once (ENXIO).
 */
static int
xn_wait_backend(struct xn_softc *sc, XenbusState a, XenbusState b, int ms,
    bool closed_fails)
{
	XenbusState st;
	u_int want;
	int error;

	want = XENBUS_STATE_BIT(a) | XENBUS_STATE_BIT(b);
	if (closed_fails)
		want |= XENBUS_STATE_BIT(XenbusStateClosed);
	error = xenbus_wait_otherend(sc->sc_dev, want, ms, &st);
	if (error == 0 && st != a && st != b)
		return (ENXIO);		/* Closed, and closed_fails */
	return (error);
}

static int
xn_probe(device_t dev)
{
	if (strcmp(xenbus_get_type(dev), "vif") != 0)
		return (ENXIO);
	device_set_desc(dev, "Xen Virtual Network Interface");
	return (BUS_PROBE_DEFAULT);
}

static int
xn_attach(device_t dev)
{
	struct xn_softc *sc = device_get_softc(dev);
	struct ifnet *ifp;
	char mac[ETHER_ADDRSTRLEN];
	XenbusState st;
	bool feature;
	u_int i, want;
	int error;

	sc->sc_dev = dev;
	sc->sc_node = xenbus_get_node(dev);
	sc->sc_backend = xenbus_get_otherend_path(dev);
	sc->sc_domid = (domid_t)xenbus_get_otherend_id(dev);
	if (device_get_unit(dev) >= (int)nitems(xn_units)) {
		device_printf(dev, "too many interfaces\n");
		return (ENXIO);
	}

	/*
	 * The backend writes its features before it reaches InitWait: a
	 * hot-plugged device shows up here earlier than that.  A backend
	 * left Closed by an earlier frontend (kldunload, then kldload)
	 * prepares again when we say Initialising.
	 */
	st = xenbus_read_otherend_state(dev);
	if (st == XenbusStateClosing || st == XenbusStateClosed)
		(void)xenbus_set_state(dev, XenbusStateInitialising);
	error = xn_wait_backend(sc, XenbusStateInitWait, XenbusStateConnected,
	    XN_CONNECT_WAIT_MS, false);
	if (error != 0) {
		device_printf(dev, "the backend did not reach InitWait: %s\n",
		    error == ETIMEDOUT ? "timed out" : "it closed");
		goto fail;
	}

	/* What the toolstack and the backend say. */
	if ((error = xn_read_mac(sc)) != 0)
		goto fail;
	if ((error = xn_read_bool(sc, "feature-rx-copy", &sc->sc_rx_copy)) != 0)
		goto fail;
	if (!sc->sc_rx_copy) {
		device_printf(dev, "the backend cannot copy into our buffers "
		    "(no feature-rx-copy); page flipping is not supported\n");
		error = ENXIO;
		goto fail;
	}
	if ((error = xn_read_bool(sc, "feature-sg", &feature)) != 0)
		goto fail;
	sc->sc_sg = feature && xn_tunable("hw.xn.sg", 1, 0, 1) != 0;
	if ((error = xn_read_bool(sc, "feature-gso-tcpv4",
	    &sc->sc_be_gso_tcpv4)) != 0)
		goto fail;
	if ((error = xn_read_bool(sc, "feature-split-event-channels",
	    &sc->sc_be_split)) != 0)
		goto fail;
	sc->sc_split = sc->sc_be_split &&
	    xn_tunable("hw.xn.split_evtchn", 1, 0, 1) != 0;
	if ((error = xn_read_uint(sc, "multi-queue-max-queues", 65535,
	    &sc->sc_be_max_queues)) != 0)
		goto fail;
	want = xn_tunable("hw.xn.queues", XN_MAX_QUEUES, 1, XN_MAX_QUEUES);
	sc->sc_nqueues = MAX(1, MIN(sc->sc_be_max_queues, want));
	sc->sc_csum = xn_tunable("hw.xn.csum_offload", 1, 0, 1) != 0;
	sc->sc_rx_notify = true;
	sc->sc_fill = xn_tunable("hw.xn.rx_buffers", XN_DEFAULT_FILL, 16,
	    XN_RX_RING_SIZE);
	sc->sc_poll_ns = (uint64_t)xn_tunable("hw.xn.rx_poll_us",
	    XN_DEFAULT_POLL_US, 0, XN_MAX_POLL_US) * 1000;

	/* The interface (named now: the queues count on it). */
	ifp = sc->sc_ifp = if_alloc();
	if_initname(ifp, "xn", device_get_unit(dev));
	ifp->if_softc = sc;
	ifp->if_mtu = ETHERMTU;
	ifp->if_maxmtu = sc->sc_sg ? 65535 - ETHER_HDR_LEN - 4 : ETHERMTU;
	ifp->if_nqueues = sc->sc_nqueues;
	ifp->if_capabilities = ifp->if_capenable = sc->sc_csum ?
	    IFCAP_RXCSUM | IFCAP_TXCSUM : 0;
	ifp->if_transmit = xn_transmit;
	ifp->if_ioctl = xn_ioctl;

	(void)snprintf(sc->sc_poolname, sizeof(sc->sc_poolname), "%s rx",
	    device_get_nameunit(dev));
	sc->sc_pool = pagepool_create(sc->sc_poolname,
	    sc->sc_nqueues * (sc->sc_fill + 64), M_NOWAIT);
	if (sc->sc_pool == NULL) {
		device_printf(dev, "cannot allocate %u receive pages\n",
		    sc->sc_nqueues * (sc->sc_fill + 64));
		error = ENOMEM;
		goto fail;
	}
	for (i = 0; i < sc->sc_nqueues; i++) {
		sc->sc_q[i].xq_index = i;
		if ((error = xn_queue_alloc(sc, &sc->sc_q[i])) != 0) {
			device_printf(dev, "cannot set up queue %u: %d\n", i,
			    error);
			goto fail;
		}
	}

	/* Tell the backend, and wait for it. */
	if ((error = xn_publish(sc)) != 0) {
		xenbus_dev_fatal(dev, error, "writing the ring and feature "
		    "keys");
		goto fail;
	}
	if ((error = xenbus_set_state(dev, XenbusStateConnected)) != 0)
		goto fail;
	error = xn_wait_backend(sc, XenbusStateConnected, XenbusStateConnected,
	    XN_CONNECT_WAIT_MS, true);
	if (error != 0) {
		device_printf(dev, "the backend did not connect: %s\n",
		    error == ETIMEDOUT ? "timed out" : "it closed");
		goto fail;
	}
	for (i = 0; i < sc->sc_nqueues; i++)
		(void)xn_rxq_refill(&sc->sc_q[i].xq_rx);
	sc->sc_running = true;

	device_printf(dev, "Ethernet address %s, %u queue%s, rx-copy, "
	    "rx-notify%s%s%s%s\n", ether_ntoa_r(sc->sc_mac, mac),
	    sc->sc_nqueues, sc->sc_nqueues == 1 ? "" : "s",
	    sc->sc_sg ? ", sg" : "", sc->sc_csum ? ", csum-offload" : "",
	    sc->sc_split ? ", split-evtchn" : "",
	    sc->sc_be_gso_tcpv4 ? " (gso-tcpv4 offered, not used)" : "");
	ether_ifattach(ifp, sc->sc_mac);
	ifp->if_flags |= IFF_RUNNING;
	xn_units[device_get_unit(dev)] = sc;
	error = if_attach(ifp);
	if (error != 0) {
		xn_units[device_get_unit(dev)] = NULL;
		device_printf(dev, "cannot attach the interface: %d\n",
		    error);
		goto fail;
	}
	sc->sc_if_attached = true;
	return (0);
fail:
	(void)xn_detach(dev);
	return (error);
}

static int
xn_detach(device_t dev)
{
	struct xn_softc *sc = device_get_softc(dev);
	XenbusState st;
	u_int i;

	sc->sc_running = false;
	if (sc->sc_if_attached) {
		sc->sc_if_attached = false;
		ether_ifdetach(sc->sc_ifp);
	}
	if (device_get_unit(dev) < (int)nitems(xn_units))
		xn_units[device_get_unit(dev)] = NULL;
	/* Let the backend go before taking its rings away. */
	st = xenbus_read_otherend_state(dev);
	if (st == XenbusStateConnected || st == XenbusStateInitWait ||
	    st == XenbusStateInitialised) {
		(void)xenbus_set_state(dev, XenbusStateClosing);
		(void)xn_wait_backend(sc, XenbusStateClosing,
		    XenbusStateClosed, XN_CLOSE_WAIT_MS, false);
	}
	/*
	 * Once the backend has closed on its own we said Closed already
	 * (xn_otherend_changed), and the toolstack may have removed our
	 * node since: writing it again would be refused.
	 */
	if (xenbus_get_state(dev) != XenbusStateClosed)
		(void)xenbus_set_state(dev, XenbusStateClosed);
	st = xenbus_read_otherend_state(dev);
	if (st == XenbusStateClosing || st == XenbusStateConnected)
		(void)xn_wait_backend(sc, XenbusStateClosed,
		    XenbusStateInitWait, XN_CLOSE_WAIT_MS, false);
	for (i = 0; i < XN_MAX_QUEUES; i++)
		xn_queue_free(sc, &sc->sc_q[i]);
	if (sc->sc_pool != NULL) {
		(void)pagepool_destroy(sc->sc_pool);
		sc->sc_pool = NULL;
	}
	if (sc->sc_ifp != NULL) {
		if_free(sc->sc_ifp);
		sc->sc_ifp = NULL;
	}
	return (0);
}

/* The backend closing on its own (xl network-detach): stop, answer. */
static void
xn_otherend_changed(device_t dev, XenbusState newstate)
{
	struct xn_softc *sc = device_get_softc(dev);

	switch (newstate) {
	case XenbusStateClosing:
	case XenbusStateClosed:
		if (!sc->sc_running)
			break;
		sc->sc_running = false;
		if (sc->sc_ifp != NULL) {
			NET_LOCK();
			sc->sc_ifp->if_flags &= ~IFF_RUNNING;
			if_link_state_change(sc->sc_ifp, LINK_STATE_DOWN);
			NET_UNLOCK();
		}
		device_printf(dev, "the backend is closing\n");
		(void)xenbus_set_state(dev, XenbusStateClosed);
		break;
	case XenbusStateUnknown:
	case XenbusStateInitialising:
	case XenbusStateInitWait:
	case XenbusStateInitialised:
	case XenbusStateConnected:
	case XenbusStateReconfiguring:
	case XenbusStateReconfigured:
		break;
	}
}

static int
xn_suspend(device_t dev)
{
	struct xn_softc *sc = device_get_softc(dev);

	if (!sc->sc_running)
		return (0);
	sc->sc_suspended = true;
	sc->sc_running = false;		/* xn_transmit drops */
	return (0);
}

/* A new domain: queue q takes its buffers back and sets up again. */
static int
xn_queue_reconnect(struct xn_softc *sc, struct xn_queue *q)
{
	vm_paddr_t pa;
	int error;

	/* Ports died with the old domain: forget them, do not close. */
	q->xq_ports = false;
	xn_queue_quiesce(q);
	mtx_lock(&q->xq_lock);
	/* The new table holds none of our grants: nothing to revoke. */
	xn_txq_forget(&q->xq_tx);
	xn_rxq_forget(&q->xq_rx);
	xn_txq_init(&q->xq_tx, q->xq_tx_sring);
	xn_rxq_init(&q->xq_rx, q->xq_rx_sring);
	q->xq_reported = false;
	q->xq_quiesce = false;
	mtx_unlock(&q->xq_lock);
	pa = pmap_extract(kernel_pmap, (vm_offset_t)q->xq_tx_sring);
	if ((error = gnttab_grant_access_ref(q->xq_tx_ring_ref, sc->sc_domid,
	    pfn_to_mfn(atop(pa)), false)) != 0)
		return (error);
	pa = pmap_extract(kernel_pmap, (vm_offset_t)q->xq_rx_sring);
	if ((error = gnttab_grant_access_ref(q->xq_rx_ring_ref, sc->sc_domid,
	    pfn_to_mfn(atop(pa)), false)) != 0)
		return (error);
	if ((error = evtchn_alloc_unbound(sc->sc_domid, xn_intr, q,
	    q->xq_name, &q->xq_tx_port)) != 0)
		return (error);
	q->xq_rx_port = q->xq_tx_port;
	if (sc->sc_split && (error = evtchn_alloc_unbound(sc->sc_domid,
	    xn_intr, q, q->xq_name, &q->xq_rx_port)) != 0) {
		evtchn_unbind(q->xq_tx_port);
		return (error);
	}
	q->xq_ports = true;
	return (0);
}

static int
xn_reconnect(struct xn_softc *sc)
{
	device_t dev = sc->sc_dev;
	u_int i, maxq;
	bool feature;
	int error;

	sc->sc_backend = xenbus_get_otherend_path(dev);
	sc->sc_domid = (domid_t)xenbus_get_otherend_id(dev);
	for (i = 0; i < sc->sc_nqueues; i++)
		sc->sc_q[i].xq_ports = false;
	(void)xenbus_set_state(dev, XenbusStateInitialising);
	if ((error = xn_wait_backend(sc, XenbusStateInitWait,
	    XenbusStateConnected, XN_CONNECT_WAIT_MS, false)) != 0) {
		device_printf(dev, "the new backend did not reach InitWait\n");
		return (error);
	}
	/* What we chose at attach must still be there. */
	if ((error = xn_read_bool(sc, "feature-rx-copy", &feature)) != 0 ||
	    !feature ||
	    (error = xn_read_bool(sc, "feature-split-event-channels",
	    &feature)) != 0 ||
	    (sc->sc_split && !feature) ||
	    (error = xn_read_uint(sc, "multi-queue-max-queues", 65535,
	    &maxq)) != 0 ||
	    (sc->sc_nqueues > 1 && maxq < sc->sc_nqueues) ||
	    (sc->sc_be_max_queues > 0) != (maxq > 0)) {
		device_printf(dev, "the new backend lacks what the old one "
		    "offered\n");
		return (error != 0 ? error : ENXIO);
	}
	for (i = 0; i < sc->sc_nqueues; i++)
		if ((error = xn_queue_reconnect(sc, &sc->sc_q[i])) != 0) {
			device_printf(dev, "cannot set up queue %u again: "
			    "%d\n", i, error);
			return (error);
		}
	if ((error = xn_publish(sc)) != 0) {
		xenbus_dev_fatal(dev, error, "writing the ring and feature "
		    "keys");
		return (error);
	}
	if ((error = xenbus_set_state(dev, XenbusStateConnected)) != 0)
		return (error);
	if ((error = xn_wait_backend(sc, XenbusStateConnected,
	    XenbusStateConnected, XN_CONNECT_WAIT_MS, true)) != 0) {
		device_printf(dev, "the new backend did not connect\n");
		return (error);
	}
	for (i = 0; i < sc->sc_nqueues; i++)
		(void)xn_rxq_refill(&sc->sc_q[i].xq_rx);
	sc->sc_resumes++;
	device_printf(dev, "reconnected to %s\n", sc->sc_backend);
	return (0);
}

static int
xn_resume(device_t dev)
{
	struct xn_softc *sc = device_get_softc(dev);
	u_int i;
	int error;

	if (!sc->sc_suspended)
		return (0);
	sc->sc_suspended = false;
	if (!xen_suspend_cancelled && (error = xn_reconnect(sc)) != 0) {
		device_printf(dev, "cannot reconnect after resume (%d); "
		    "interface down\n", error);
		NET_LOCK();
		sc->sc_ifp->if_flags &= ~IFF_RUNNING;
		if_link_state_change(sc->sc_ifp, LINK_STATE_DOWN);
		NET_UNLOCK();
		return (0);
	}
	sc->sc_running = true;
	for (i = 0; i < sc->sc_nqueues; i++)
		(void)taskqueue_enqueue(taskqueue_net, &sc->sc_q[i].xq_task);
	return (0);
}

/*
 * sysctl dev.xn.<unit>.*: what was negotiated, and each queue's ring
 * statistics.
 */
static int
xn_sysctl(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct xn_softc *sc;
	struct xn_queue *q;
	char sub[48], mac[ETHER_ADDRSTRLEN];
	u_int u, i;

#define	E(name, fmt, v) do {						\
	(void)snprintf(sub, sizeof(sub), "%u.%s", u, name);		\
	(void)sysctl_emit(req, sub, fmt, v);				\
} while (0)
#define	EQ(name, v) do {						\
	(void)snprintf(sub, sizeof(sub), "%u.q%u.%s", u, i, name);	\
	(void)sysctl_emit(req, sub, "%lu", v);				\
} while (0)
	for (u = 0; u < nitems(xn_units); u++) {
		if ((sc = xn_units[u]) == NULL)
			continue;
		E("mac", "%s", ether_ntoa_r(sc->sc_mac, mac));
		E("backend", "%s", sc->sc_backend);
		E("request_rx_copy", "%d", sc->sc_rx_copy);
		E("feature_rx_notify", "%d", sc->sc_rx_notify);
		E("feature_sg", "%d", sc->sc_sg);
		E("csum_offload", "%d", sc->sc_csum);
		E("feature_no_csum_offload", "%d", !sc->sc_csum);
		E("backend_gso_tcpv4", "%d", sc->sc_be_gso_tcpv4);
		E("backend_split_event_channels", "%d", sc->sc_be_split);
		E("split_event_channels", "%d", sc->sc_split);
		E("backend_max_queues", "%u", sc->sc_be_max_queues);
		E("queues", "%u", sc->sc_nqueues);
		E("rx_buffers", "%u", sc->sc_fill);
		E("rx_poll_us", "%lu", (u_long)(sc->sc_poll_ns / 1000));
		E("pool_free", "%u", pagepool_avail(sc->sc_pool));
		for (i = 0; i < sc->sc_nqueues; i++) {
			q = &sc->sc_q[i];
			EQ("tx_port", (u_long)q->xq_tx_port);
			EQ("rx_port", (u_long)q->xq_rx_port);
			EQ("events", q->xq_events);
			EQ("rx_polls", q->xq_polls);
			EQ("rx_bad_id", q->xq_rx.rq_stats.rx_bad_id);
			EQ("rx_bad_status", q->xq_rx.rq_stats.rx_bad_status);
			EQ("rx_errors", q->xq_rx.rq_stats.rx_errors);
			EQ("rx_bad_len", q->xq_rx.rq_stats.rx_bad_len);
			EQ("rx_bad_flags", q->xq_rx.rq_stats.rx_bad_flags);
			EQ("rx_bad_extra", q->xq_rx.rq_stats.rx_bad_extra);
			EQ("rx_bad_chain", q->xq_rx.rq_stats.rx_bad_chain);
			EQ("rx_overrun", q->xq_rx.rq_stats.rx_overrun);
			EQ("rx_nobuf", q->xq_rx.rq_stats.rx_nobuf);
			EQ("rx_busy", q->xq_rx.rq_stats.rx_busy);
			EQ("rx_csum_ok", q->xq_rx.rq_stats.rx_csum_ok);
			EQ("tx_bad_id", q->xq_tx.tq_stats.tx_bad_id);
			EQ("tx_bad_status", q->xq_tx.tq_stats.tx_bad_status);
			EQ("tx_errors", q->xq_tx.tq_stats.tx_errors);
			EQ("tx_overrun", q->xq_tx.tq_stats.tx_overrun);
			EQ("tx_full", q->xq_tx.tq_stats.tx_full);
			EQ("tx_defrag", q->xq_tx.tq_stats.tx_defrag);
			EQ("tx_toobig", q->xq_tx.tq_stats.tx_toobig);
			EQ("tx_busy", q->xq_tx.tq_stats.tx_busy);
			EQ("tx_csum", q->xq_tx.tq_stats.tx_csum);
		}
	}
#undef E
#undef EQ
	return (0);
}
SYSCTL_PROC(_dev, xn, xn_sysctl, NULL, 0,
    "xn(4): negotiated features and ring statistics per interface");

static kobj_method_t xn_methods[] = {
	DEVMETHOD(device_probe,		xn_probe),
	DEVMETHOD(device_attach,	xn_attach),
	DEVMETHOD(device_detach,	xn_detach),
	DEVMETHOD(device_suspend,	xn_suspend),
	DEVMETHOD(device_resume,	xn_resume),
	DEVMETHOD(xenbus_otherend_changed, xn_otherend_changed),
	DEVMETHOD_END
};

static driver_t xn_driver = {
	"xn",
	xn_methods,
	sizeof(struct xn_softc)
};

DRIVER_MODULE(xn, xenbusb_front, xn_driver, NULL, NULL);
MODULE_VERSION(xn, 1);
