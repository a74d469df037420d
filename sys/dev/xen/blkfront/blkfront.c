/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xbd(4): the Xen PV block frontend, a newbus driver on xenbusb_front
 * built as xbd.ko.  Each device/vbd/N node becomes a disk(9), xbdU.
 *
 * Connecting (attach, in thread context, every wait bounded): say
 * Initialising (a backend left Closed by an earlier unload goes back to
 * InitWait), wait for the backend's InitWait, read what it offers and
 * choose (blkfront_negotiate.c), allocate one ring per queue -- 2^order
 * virtually contiguous pages, each granted -- and bind one event channel
 * per queue, publish the keys in one xenstore transaction and say
 * Initialised; wait for Connected, read the disk, create the disk(9) and
 * say Connected.  The attach line and a features line follow.
 *
 * Data path: the disk layer calls xbd_strategy() (thread context) with
 * requests of at most xp_maxsegs pages; a queue is picked round robin
 * and the bio is appended to it and started if resources allow.  Starting
 * (xbd_startio, queue lock held) splits a read or write into ring
 * requests (xbd_split: at most two), gives each the pages of its piece:
 * with persistent grants, pages of the queue's pool, granted once for
 * the connection's life, with write data copied in; otherwise the bio's
 * own pages, granted one by one.  More than 11 segments go in indirect
 * pages, also from the pool.  All of a bio's resources are taken before
 * any of its requests goes out; if they are short the bio waits for the
 * next completion (or a 10 ms retry when nothing is in flight).  The event
 * handler takes responses through xbd_ring_take() (blkfront_ring.c, which
 * validates every field), copies read data out of pool pages, revokes
 * per-request grants, and restarts waiting bios.  biodone() is called
 * after the queue lock is dropped, so a completion callback may submit.
 *
 * Failures: a response that breaks the protocol breaks the ring; the
 * event handler marks the device failed, the disk gone, and fails every
 * request with EIO at once (xbd_fail).  Telling the backend needs
 * xenstore, i.e. a thread: xbd_fail enqueues sc_fail_task on
 * taskqueue_thread, which writes our error node and says Closing
 * (xenbus_dev_fatal); the backend then closes like at a detach.  When
 * the backend
 * closes (block-detach, or after a failure) the disk is marked gone, we
 * say Closed and wait (bounded) for the backend to unmap everything, then
 * every request still in flight and every waiting bio fails with EIO,
 * grants are revoked and event channels closed.  Detach (node removed,
 * kldunload) refuses with EBUSY while the disk is open -- after a
 * backend close it first waits a few seconds for the last user to let
 * go -- and otherwise closes the connection the same way.
 *
 * Suspend and resume (xen_suspend(9)).  DEVICE_SUSPEND stops starting
 * requests -- bios keep arriving and wait in their queue -- and waits
 * (bounded) until every request on the rings has been answered; if the
 * backend does not answer in time the suspend is refused (EBUSY).  So
 * nothing is in flight across a suspend, and the waiting bios are what
 * goes on afterwards.  DEVICE_RESUME after a cancelled suspend just
 * starts them.  In a new domain the old grants, ports and backend are
 * gone; the device connects again through the same steps as attach, to
 * the backend the bus now names, and keeps what it chose before: the
 * same rings (reinitialised, the same pages granted again), the same
 * pool pages granted again, new event channels.  A new backend that
 * offers less than that, or a disk of another size, fails the device
 * (its requests get EIO).  The disk(9) stays throughout.
 *
 * Locks: sc_lock (sleep) orders attach, detach and otherend_changed; each queue's q_lock (spin) covers its ring and pool and is
 * shared with its event handler.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kenv.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/module.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/queue.h>
#include <sys/sysctl.h>
#include <sys/taskqueue.h>
#include <sys/timetc.h>
#include <sys/bus.h>
#include <sys/bio.h>
#include <sys/disk.h>
#include <machine/pmap.h>

#include <xen/xen.h>
#include <xen/gnttab.h>
#include <xen/xen_evtchn.h>
#include <xen/xen_suspend.h>
#include <xen/io/xenbus.h>
#include <xen/xenstore/xs_wire.h>
#include <xen/xenstore/xenstorevar.h>
#include <xen/xenbus/xenbusvar.h>

#include <dev/xen/blkfront/blkfront_ring.h>
#include <dev/xen/blkfront/blkfront_negotiate.h>
#include <dev/xen/blkfront/blkfront_var.h>

#include "device_if.h"
#include "bus_if.h"
#include "xenbus_if.h"

static MALLOC_DEFINE(M_XBD, "xbd", "Xen block frontend");

static LIST_HEAD(, xbd_softc) xbd_list = LIST_HEAD_INITIALIZER(xbd_list);
static struct mtx xbd_list_lock;

static void	xbd_intr(void *);
static void	xbd_startio(struct xbd_queue *);
static void	xbd_teardown(struct xbd_softc *, bool);
static void	xbd_fail(struct xbd_softc *, struct xbd_queue *);

#define	XBD_ST(s)	XENBUS_STATE_BIT(s)

/* Tunables: the kernel environment (command line), read at attach. */
static u_int
xbd_tunable(const char *name, u_int def, u_int max)
{
	long v;

	if (getenv_long(name, &v) != 0 || v < 0)
		return (def);
	return (v > (long)max ? max : (u_int)v);
}

/* The machine frame of the page at va. */
static u_long
xbd_mfn(const void *va)
{
	return (pfn_to_mfn(atop(pmap_extract(kernel_pmap,
	    (vm_offset_t)va))));
}

/*
 * Queue lock and its exit: requests to announce and bios to complete
 * are collected under the lock and dealt with after it is dropped.
 */
static void
xbd_queue_unlock(struct xbd_queue *q)
{
	struct bio_queue done;
	struct bio *bp;
	bool kick;

	TAILQ_INIT(&done);
	while ((bp = TAILQ_FIRST(&q->q_done)) != NULL) {
		TAILQ_REMOVE(&q->q_done, bp, bio_queue);
		TAILQ_INSERT_TAIL(&done, bp, bio_queue);
	}
	kick = q->q_kick && q->q_bound;
	q->q_kick = false;
	mtx_unlock_spin(&q->q_lock);
	if (kick)
		evtchn_notify(q->q_port);
	while ((bp = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, bp, bio_queue);
		biodone(bp);
	}
}

/* A bio is finished (all its pieces); complete it after unlock. */
static void
xbd_bio_finish(struct xbd_queue *q, struct bio *bp)
{
	mtx_assert(&q->q_lock, MA_OWNED);
	if (bp->bio_error != 0) {
		bp->bio_resid = bp->bio_length;
		q->q_sc->sc_failed_ios++;
	} else
		bp->bio_resid = 0;
	TAILQ_INSERT_TAIL(&q->q_done, bp, bio_queue);
}

/*
 * The pool of pages granted for the connection's life (persistent data
 * pages, indirect pages).  It grows on demand to q_pool_max.
 */
static struct xbd_page *
xbd_pool_get(struct xbd_queue *q)
{
	struct xbd_softc *sc = q->q_sc;
	struct xbd_page *pg;

	mtx_assert(&q->q_lock, MA_OWNED);
	if ((pg = SLIST_FIRST(&q->q_pool)) != NULL) {
		SLIST_REMOVE_HEAD(&q->q_pool, pg_link);
		return (pg);
	}
	if (q->q_pool_total >= q->q_pool_max)
		return (NULL);
	if ((pg = malloc(sizeof(*pg), M_XBD, M_NOWAIT | M_ZERO)) == NULL)
		return (NULL);
	if ((pg->pg_va = malloc(PAGE_SIZE, M_XBD, M_NOWAIT | M_ZERO)) ==
	    NULL) {
		free(pg, M_XBD);
		return (NULL);
	}
	/* The reservation holds a reference for every pool page. */
	if (gnttab_claim(&q->q_res, &pg->pg_ref) != 0) {
		free(pg->pg_va, M_XBD);
		free(pg, M_XBD);
		return (NULL);
	}
	if (gnttab_grant_access_ref(pg->pg_ref, sc->sc_otherend_id,
	    xbd_mfn(pg->pg_va), false) != 0) {
		(void)gnttab_release(&q->q_res, pg->pg_ref);
		free(pg->pg_va, M_XBD);
		free(pg, M_XBD);
		return (NULL);
	}
	q->q_pool_total++;
	return (pg);
}

static void
xbd_pool_put(struct xbd_queue *q, struct xbd_page *pg)
{
	SLIST_INSERT_HEAD(&q->q_pool, pg, pg_link);
}

/* Give back what a request holds; copy read data out first if asked. */
static int
xbd_req_release(struct xbd_queue *q, struct xbd_req *rq, bool copyout)
{
	struct xbd_softc *sc = q->q_sc;
	struct xbd_seg *sg;
	size_t off, n;
	u_int i;
	int error = 0;

	if (!sc->sc_persistent && rq->r_nsegs > 0 &&
	    gnttab_end_buffer(&q->q_res, rq->r_grefs, rq->r_nsegs) != 0) {
		/* The backend still maps a page it answered for. */
		sc->sc_leaked++;
		error = EBUSY;
	}
	for (i = 0, off = 0; sc->sc_persistent && i < rq->r_nsegs;
	    i++, off += n) {
		sg = &rq->r_segs[i];
		n = (size_t)(sg->xs_last - sg->xs_first + 1) <<
		    XBD_SECTOR_SHIFT;
		if (copyout)
			memcpy(rq->r_data + off, (char *)rq->r_pages[i]->pg_va +
			    ((size_t)sg->xs_first << XBD_SECTOR_SHIFT), n);
		xbd_pool_put(q, rq->r_pages[i]);
		rq->r_pages[i] = NULL;
	}
	for (i = 0; i < rq->r_nind; i++)
		xbd_pool_put(q, rq->r_ind[i]);
	rq->r_nind = 0;
	rq->r_nsegs = 0;
	return (error);
}

/* A response (or a teardown) for one ring request. */
static void
xbd_req_done(void *arg, void *cookie, int error)
{
	struct xbd_queue *q = arg;
	struct xbd_req *rq = cookie;
	struct bio *bp = rq->r_bio;
	uintptr_t left;

	mtx_assert(&q->q_lock, MA_OWNED);
	if (xbd_req_release(q, rq, error == 0 && rq->r_op == BLKIF_OP_READ) !=
	    0 && error == 0) {
		error = EIO;
		if (q->q_sc->sc_fail_why == NULL)
			q->q_sc->sc_fail_why = "backend kept a page mapped "
			    "after answering";
	}
	rq->r_bio = NULL;
	TAILQ_INSERT_HEAD(&q->q_freereqs, rq, r_link);
	if (error != 0 && bp->bio_error == 0)
		bp->bio_error = error;
	left = (uintptr_t)bp->bio_driver1 - 1;
	bp->bio_driver1 = (void *)left;
	if (left == 0)
		xbd_bio_finish(q, bp);
}

/*
 * Take pages and grants for one piece of a read or write.  On failure
 * everything taken for the piece is given back and ENOMEM returned.
 */
static int
xbd_req_fill(struct xbd_queue *q, struct xbd_req *rq, char *data, size_t len)
{
	struct xbd_softc *sc = q->q_sc;
	struct xbd_seg *sg;
	size_t off, n;
	u_int i, nind, nrefs;
	int error;

	error = xbd_seg_split((uintptr_t)data, len, rq->r_segs,
	    sc->sc_params.xp_maxsegs, &rq->r_nsegs);
	KASSERT(error == 0, ("xbd_req_fill: split %d", error));
	rq->r_data = data;
	rq->r_nind = 0;
	if (!sc->sc_persistent) {
		/* The bio's own pages, one reference each. */
		nrefs = sc->sc_params.xp_maxsegs;
		if (gnttab_grant_buffer(sc->sc_otherend_id, data, len,
		    rq->r_op == BLKIF_OP_WRITE, &q->q_res, rq->r_grefs,
		    &nrefs) != 0) {
			rq->r_nsegs = 0;
			return (ENOMEM);
		}
		KASSERT(nrefs == rq->r_nsegs, ("xbd_req_fill: %u grants for "
		    "%u segments", nrefs, rq->r_nsegs));
	}
	for (i = 0, off = 0; sc->sc_persistent && i < rq->r_nsegs;
	    i++, off += n) {
		sg = &rq->r_segs[i];
		n = (size_t)(sg->xs_last - sg->xs_first + 1) <<
		    XBD_SECTOR_SHIFT;
		if ((rq->r_pages[i] = xbd_pool_get(q)) == NULL)
			goto fail;
		rq->r_grefs[i] = rq->r_pages[i]->pg_ref;
		if (rq->r_op == BLKIF_OP_WRITE)
			memcpy((char *)rq->r_pages[i]->pg_va +
			    ((size_t)sg->xs_first << XBD_SECTOR_SHIFT),
			    data + off, n);
	}
	if (rq->r_nsegs > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		nind = howmany(rq->r_nsegs, XBD_SEGS_PER_IPAGE);
		for (i = 0; i < nind; i++) {
			if ((rq->r_ind[i] = xbd_pool_get(q)) == NULL) {
				rq->r_nind = i;
				goto fail_all;
			}
		}
		rq->r_nind = nind;
	}
	return (0);
fail:
	/* Segments 0..i-1 are held. */
	rq->r_nsegs = i;
fail_all:
	(void)xbd_req_release(q, rq, false);
	return (ENOMEM);
}

/* Put one filled request on the ring. */
static void
xbd_req_post(struct xbd_queue *q, struct xbd_req *rq, uint64_t sector)
{
	struct xbd_softc *sc = q->q_sc;
	union {
		blkif_request_t		rw;
		blkif_request_indirect_t ind;
	} u;
	struct blkif_request_segment *pages[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	grant_ref_t igrefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	uint32_t id;
	u_int i;
	int error;

	error = xbd_ring_id_get(&q->q_ring, rq, rq->r_op, &id);
	KASSERT(error == 0, ("xbd_req_post: no id (%d)", error));
	if (rq->r_nind == 0) {
		xbd_req_rw(&u.rw, rq->r_op, id, sc->sc_handle, sector,
		    rq->r_segs, rq->r_grefs, rq->r_nsegs);
		xbd_ring_put(&q->q_ring, &u.rw, sizeof(u.rw));
		return;
	}
	for (i = 0; i < rq->r_nind; i++) {
		pages[i] = rq->r_ind[i]->pg_va;
		igrefs[i] = rq->r_ind[i]->pg_ref;
	}
	xbd_indirect_fill(pages, rq->r_segs, rq->r_grefs, rq->r_nsegs);
	xbd_req_indirect(&u.ind, rq->r_op, id, sc->sc_handle, sector,
	    rq->r_nsegs, igrefs, rq->r_nind);
	xbd_ring_put(&q->q_ring, &u.ind, sizeof(u.ind));
}

/*
 * Start one bio: 0 when its requests are on the ring (or it failed and
 * is finished), EAGAIN when resources are short (nothing was taken).
 */
static int
xbd_start_bio(struct xbd_queue *q, struct bio *bp)
{
	struct xbd_softc *sc = q->q_sc;
	struct xbd_req *rqs[2];
	union {
		blkif_request_t		flush;
		blkif_request_discard_t	discard;
	} u;
	size_t lens[2];
	uint64_t sector = (uint64_t)bp->bio_offset >> XBD_SECTOR_SHIFT;
	char *data;
	uint32_t id;
	uint8_t op;
	u_int i, n;
	int error;

	mtx_assert(&q->q_lock, MA_OWNED);
	switch (bp->bio_cmd) {
	case BIO_FLUSH:
	case BIO_DELETE:
		if ((rqs[0] = TAILQ_FIRST(&q->q_freereqs)) == NULL ||
		    xbd_ring_id_get(&q->q_ring, rqs[0],
		    bp->bio_cmd == BIO_DELETE ? BLKIF_OP_DISCARD :
		    sc->sc_di.di_flush ? BLKIF_OP_FLUSH_DISKCACHE :
		    BLKIF_OP_WRITE_BARRIER, &id) != 0)
			return (EAGAIN);
		TAILQ_REMOVE(&q->q_freereqs, rqs[0], r_link);
		rqs[0]->r_bio = bp;
		rqs[0]->r_nsegs = 0;
		rqs[0]->r_nind = 0;
		bp->bio_driver1 = (void *)(uintptr_t)1;
		if (bp->bio_cmd == BIO_DELETE) {
			rqs[0]->r_op = BLKIF_OP_DISCARD;
			xbd_req_discard(&u.discard, id, sc->sc_handle, sector,
			    bp->bio_length >> XBD_SECTOR_SHIFT, false);
			xbd_ring_put(&q->q_ring, &u.discard,
			    sizeof(u.discard));
		} else {
			rqs[0]->r_op = sc->sc_di.di_flush ?
			    BLKIF_OP_FLUSH_DISKCACHE : BLKIF_OP_WRITE_BARRIER;
			xbd_req_flush(&u.flush, rqs[0]->r_op, id,
			    sc->sc_handle);
			xbd_ring_put(&q->q_ring, &u.flush, sizeof(u.flush));
		}
		return (0);
	case BIO_READ:
	case BIO_WRITE:
		break;
	default:
		bp->bio_error = EOPNOTSUPP;
		xbd_bio_finish(q, bp);
		return (0);
	}
	op = bp->bio_cmd == BIO_READ ? BLKIF_OP_READ : BLKIF_OP_WRITE;
	error = xbd_split((uintptr_t)bp->bio_data, bp->bio_length,
	    sc->sc_params.xp_maxsegs, lens, nitems(lens), &n);
	if (error != 0) {
		/* The disk layer keeps requests within d_maxsize. */
		bp->bio_error = error;
		xbd_bio_finish(q, bp);
		return (0);
	}
	/* Everything for every piece first, or nothing. */
	if (q->q_ring.xr_nfree < n)
		return (EAGAIN);
	data = bp->bio_data;
	for (i = 0; i < n; i++) {
		if ((rqs[i] = TAILQ_FIRST(&q->q_freereqs)) == NULL)
			break;
		rqs[i]->r_op = op;
		if (xbd_req_fill(q, rqs[i], data, lens[i]) != 0)
			break;
		TAILQ_REMOVE(&q->q_freereqs, rqs[i], r_link);
		rqs[i]->r_bio = bp;
		data += lens[i];
	}
	if (i < n) {
		while (i-- > 0) {
			(void)xbd_req_release(q, rqs[i], false);
			rqs[i]->r_bio = NULL;
			TAILQ_INSERT_HEAD(&q->q_freereqs, rqs[i], r_link);
		}
		return (EAGAIN);
	}
	bp->bio_driver1 = (void *)(uintptr_t)n;
	if (n > 1)
		q->q_split++;
	for (i = 0; i < n; i++) {
		xbd_req_post(q, rqs[i], sector);
		sector += lens[i] >> XBD_SECTOR_SHIFT;
	}
	return (0);
}

static void
xbd_retry(void *arg)
{
	struct xbd_queue *q = arg;

	mtx_lock_spin(&q->q_lock);
	xbd_startio(q);
	xbd_queue_unlock(q);
}

/* Start the waiting bios that resources allow.  Queue lock held. */
static void
xbd_startio(struct xbd_queue *q)
{
	struct xbd_softc *sc = q->q_sc;
	struct bio *bp;
	bool posted = false;

	mtx_assert(&q->q_lock, MA_OWNED);
	while ((bp = TAILQ_FIRST(&q->q_bioq)) != NULL) {
		if (sc->sc_state != XBD_CONNECTED || q->q_ring.xr_broken) {
			/* Failing or closed: the teardown fails them. */
			break;
		}
		if (sc->sc_suspended)
			break;		/* xbd_resume starts them */
		if (xbd_start_bio(q, bp) == EAGAIN) {
			q->q_stalls++;
			if (xbd_ring_inflight(&q->q_ring) == 0 &&
			    !callout_pending(&q->q_retry))
				callout_reset(&q->q_retry, hz / 100 + 1,
				    xbd_retry, q);
			break;
		}
		TAILQ_REMOVE(&q->q_bioq, bp, bio_queue);
		posted = true;
	}
	if (posted && xbd_ring_push(&q->q_ring))
		q->q_kick = true;
}

static void
xbd_strategy(struct bio *bp)
{
	struct xbd_softc *sc = bp->bio_disk->d_drv1;
	struct xbd_queue *q;

	q = &sc->sc_q[sc->sc_nextq++ % sc->sc_nq];
	mtx_lock_spin(&q->q_lock);
	bp->bio_error = 0;
	if (sc->sc_state != XBD_CONNECTED) {
		bp->bio_error = EIO;
		xbd_bio_finish(q, bp);
	} else {
		TAILQ_INSERT_TAIL(&q->q_bioq, bp, bio_queue);
		xbd_startio(q);
	}
	xbd_queue_unlock(q);
}

/* The event handler: take responses, restart waiting bios. */
static void
xbd_intr(void *arg)
{
	struct xbd_queue *q = arg;
	struct xbd_softc *sc = q->q_sc;
	bool more;

	mtx_lock_spin(&q->q_lock);
	q->q_events++;
	if (xbd_ring_take(&q->q_ring, xbd_req_done, q, &more) != 0 ||
	    sc->sc_fail_why != NULL) {
		if (sc->sc_state == XBD_CONNECTED)
			xbd_fail(sc, q);
	} else
		xbd_startio(q);
	xbd_queue_unlock(q);
}

/*
 * The backend broke the protocol (event context, q locked): the device
 * fails.  The disk takes no more requests; every request in flight and
 * every waiting bio, on every queue, fails with EIO now, so that no
 * caller waits on a backend that cannot be trusted (their persistent
 * pages stay granted until the teardown; with per-request grants a page
 * the backend still maps is counted in leaked_grants).  The backend is
 * told from a task (xbd_fail_task): xenstore may sleep, this may not.
 */
static void
xbd_fail(struct xbd_softc *sc, struct xbd_queue *q)
{
	struct xbd_queue *oq;
	struct bio *bp;
	u_int i, n = 0;

	mtx_assert(&q->q_lock, MA_OWNED);
	if (sc->sc_fail_why == NULL)
		sc->sc_fail_why = q->q_ring.xr_why;
	sc->sc_state = XBD_FAILED;
	device_printf(sc->sc_dev, "backend broke the ring protocol (%s); "
	    "device failed\n", sc->sc_fail_why);
	if (sc->sc_disk != NULL)
		disk_gone(sc->sc_disk);
	for (i = 0; i < sc->sc_nq; i++) {
		oq = &sc->sc_q[i];
		if (oq != q)
			mtx_lock_spin(&oq->q_lock);
		if (oq->q_shadow != NULL) {
			oq->q_ring.xr_broken = true;
			n += xbd_ring_fail_all(&oq->q_ring, xbd_req_done, oq,
			    EIO);
		}
		while ((bp = TAILQ_FIRST(&oq->q_bioq)) != NULL) {
			TAILQ_REMOVE(&oq->q_bioq, bp, bio_queue);
			bp->bio_error = EIO;
			xbd_bio_finish(oq, bp);
		}
		if (oq != q)
			xbd_queue_unlock(oq);
	}
	if (n > 0)
		device_printf(sc->sc_dev, "%u requests in flight failed\n", n);
	(void)taskqueue_enqueue(taskqueue_thread, &sc->sc_fail_task);
}

/*
 * Thread context, after xbd_fail: write the error node and say Closing.
 * If the connection was taken down meanwhile (a detach, or the backend
 * closed on its own) there is nobody left to tell.
 */
static void
xbd_fail_task(void *arg, int pending __unused)
{
	struct xbd_softc *sc = arg;

	mtx_lock(&sc->sc_lock);
	if (sc->sc_state == XBD_FAILED)
		xenbus_dev_fatal(sc->sc_dev, EIO, "backend broke the ring "
		    "protocol (%s)", sc->sc_fail_why);
	mtx_unlock(&sc->sc_lock);
}

/* Wait (bounded) for the backend's state to be one of 'want' (a mask). */
static int
xbd_wait_backend(struct xbd_softc *sc, u_int want, int secs,
    XenbusState *statep)
{
	return (xenbus_wait_otherend(sc->sc_dev, want, secs * 1000, statep));
}

/* Free one queue's memory (grants and port already gone). */
static void
xbd_queue_free(struct xbd_queue *q)
{
	free(q->q_reqmem, M_XBD);
	free(q->q_reqs, M_XBD);
	free(q->q_freeids, M_XBD);
	free(q->q_shadow, M_XBD);
	if (q->q_sring != NULL)
		free(q->q_sring, M_XBD);
	q->q_reqmem = q->q_reqs = NULL;
	q->q_freeids = NULL;
	q->q_shadow = NULL;
	q->q_sring = NULL;
}

/* Allocate, grant and bind queue q. */
static int
xbd_queue_setup(struct xbd_softc *sc, struct xbd_queue *q, u_int id)
{
	struct xbd_params *p = &sc->sc_params;
	size_t bytes, per;
	char *mem;
	u_int i, nents;
	int error;

	q->q_sc = sc;
	q->q_id = id;
	snprintf(q->q_name, sizeof(q->q_name), "xbd%dq%u", sc->sc_unit, id);
	mtx_init(&q->q_lock, q->q_name, MTX_SPIN);
	callout_init(&q->q_retry);
	TAILQ_INIT(&q->q_freereqs);
	TAILQ_INIT(&q->q_bioq);
	TAILQ_INIT(&q->q_done);
	SLIST_INIT(&q->q_pool);
	q->q_npages = 1U << p->xp_ring_order;
	bytes = (size_t)q->q_npages * PAGE_SIZE;
	nents = xbd_ring_entries(bytes);
	q->q_sring = malloc(bytes, M_XBD, M_WAITOK | M_ZERO);
	q->q_shadow = malloc(nents * sizeof(*q->q_shadow), M_XBD,
	    M_WAITOK | M_ZERO);
	q->q_freeids = malloc(nents * sizeof(*q->q_freeids), M_XBD,
	    M_WAITOK);
	xbd_ring_init(&q->q_ring, q->q_sring, bytes, q->q_shadow,
	    q->q_freeids);
	q->q_nreqs = MIN(nents, XBD_MAX_REQS);
	q->q_reqs = malloc(q->q_nreqs * sizeof(*q->q_reqs), M_XBD,
	    M_WAITOK | M_ZERO);
	per = p->xp_maxsegs * (sizeof(struct xbd_seg) + sizeof(grant_ref_t) +
	    sizeof(struct xbd_page *));
	q->q_reqmem = malloc(q->q_nreqs * per, M_XBD, M_WAITOK | M_ZERO);
	mem = q->q_reqmem;
	for (i = 0; i < q->q_nreqs; i++) {
		struct xbd_req *rq = &q->q_reqs[i];

		rq->r_q = q;
		rq->r_segs = (struct xbd_seg *)mem;
		mem += p->xp_maxsegs * sizeof(struct xbd_seg);
		rq->r_pages = (struct xbd_page **)mem;
		mem += p->xp_maxsegs * sizeof(struct xbd_page *);
		rq->r_grefs = (grant_ref_t *)mem;
		mem += p->xp_maxsegs * sizeof(grant_ref_t);
		TAILQ_INSERT_TAIL(&q->q_freereqs, rq, r_link);
	}
	/* Room for two full requests and their indirect pages, at least. */
	q->q_pool_max = MAX(xbd_tunable("xbd.pool_pages", 512, 65536) /
	    sc->sc_nq, 2 * (p->xp_maxsegs + BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST));
	for (i = 0; i < q->q_npages; i++) {
		if ((error = gnttab_grant_foreign_access(sc->sc_otherend_id,
		    xbd_mfn((char *)q->q_sring + i * PAGE_SIZE), false,
		    &q->q_ring_refs[i])) != 0) {
			device_printf(sc->sc_dev, "cannot grant ring page %u "
			    "of queue %u: %d\n", i, id, error);
			return (error);
		}
		q->q_ngranted++;
	}
	if ((error = evtchn_alloc_unbound(sc->sc_otherend_id, xbd_intr, q,
	    q->q_name, &q->q_port)) != 0) {
		device_printf(sc->sc_dev, "cannot allocate an event channel "
		    "for queue %u: %d\n", id, error);
		return (error);
	}
	q->q_bound = true;
	return (0);
}

/* Publish our keys in one transaction (retried on EAGAIN). */
static int
xbd_publish(struct xbd_softc *sc)
{
	struct xbd_key *keys;
	uint32_t refs[XBD_MAX_QUEUES * XBD_MAX_RING_PAGES];
	uint32_t ports[XBD_MAX_QUEUES];
	xs_tx_t tx;
	u_int q, i, n, tries;
	int error;

	for (q = 0; q < sc->sc_nq; q++) {
		for (i = 0; i < sc->sc_q[q].q_npages; i++)
			refs[q * sc->sc_q[q].q_npages + i] =
			    sc->sc_q[q].q_ring_refs[i];
		ports[q] = sc->sc_q[q].q_port;
	}
	keys = malloc(XBD_MAXKEYS * sizeof(*keys), M_XBD, M_WAITOK);
	error = xbd_make_keys(&sc->sc_params, refs, ports, keys, &n);
	for (tries = 0; error == 0 && tries < 5; tries++) {
		if ((error = xs_transaction_start(&tx)) != 0)
			break;
		for (i = 0; i < n && error == 0; i++)
			error = xs_write(tx, sc->sc_node, keys[i].k_name,
			    keys[i].k_value);
		if (error != 0) {
			(void)xs_transaction_end(tx, true);
			break;
		}
		if ((error = xs_transaction_end(tx, false)) != EAGAIN)
			break;
	}
	free(keys, M_XBD);
	if (error != 0)
		xenbus_dev_fatal(sc->sc_dev, error, "cannot publish the ring "
		    "keys");
	return (error);
}

/* Human-readable size: "64MB", "2GB". */
static void
xbd_size_string(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= (10ULL << 30))
		snprintf(buf, len, "%luGB", (u_long)(bytes >> 30));
	else if (bytes >= (1ULL << 20))
		snprintf(buf, len, "%luMB", (u_long)(bytes >> 20));
	else
		snprintf(buf, len, "%luKB", (u_long)(bytes >> 10));
}

/*
 * Set aside the grant references queue q's I/O will use, so that the data
 * path never fails for want of one: with persistent grants one per pool
 * page; otherwise the indirect pages' and a budget for the bios' pages
 * (a bio waits when it is used up).  Less is taken if the table cannot
 * give it, never less than one full request.
 */
static int
xbd_reserve(struct xbd_softc *sc, struct xbd_queue *q)
{
	u_int maxsegs = sc->sc_params.xp_maxsegs, nind, want, least;
	int error;

	nind = sc->sc_params.xp_indirect != 0 ?
	    howmany(maxsegs, XBD_SEGS_PER_IPAGE) : 0;
	least = maxsegs + nind;
	if (sc->sc_persistent)
		want = q->q_pool_max;
	else {
		q->q_pool_max = q->q_nreqs * nind;
		want = q->q_pool_max + MIN(q->q_nreqs * maxsegs, 2048);
	}
	for (;;) {
		if ((error = gnttab_reserve(want, &q->q_res)) == 0)
			break;
		if (want == least) {
			device_printf(sc->sc_dev, "cannot reserve %u grant "
			    "references: %d\n", want, error);
			return (error);
		}
		want = MAX(want / 2, least);
	}
	q->q_reserved = true;
	if (sc->sc_persistent)
		q->q_pool_max = want;
	else if (q->q_pool_max > want - maxsegs)
		q->q_pool_max = want - maxsegs;
	return (0);
}

/* The disk is described: create it and say Connected. */
static int
xbd_connect_disk(struct xbd_softc *sc)
{
	struct xbd_diskinfo *di = &sc->sc_di;
	struct disk *dp;
	char size[16];
	u_int i;
	int error;

	sc->sc_persistent = sc->sc_params.xp_persistent && di->di_persistent;
	for (i = 0; i < sc->sc_nq; i++)
		if ((error = xbd_reserve(sc, &sc->sc_q[i])) != 0)
			return (error);
	dp = disk_alloc();
	dp->d_name = "xbd";
	dp->d_unit = sc->sc_unit;
	dp->d_descr = "Virtual Block Device";
	dp->d_sectorsize = di->di_sectorsize;
	dp->d_mediasize = (off_t)(di->di_sectors << XBD_SECTOR_SHIFT);
	dp->d_maxsize = (size_t)sc->sc_params.xp_maxsegs * PAGE_SIZE;
	dp->d_strategy = xbd_strategy;
	dp->d_drv1 = sc;
	if (di->di_flush || di->di_barrier)
		dp->d_flags |= DISKFLAG_CANFLUSHCACHE;
	if (di->di_discard)
		dp->d_flags |= DISKFLAG_CANDELETE;
	if ((di->di_info & VDISK_READONLY) != 0)
		dp->d_flags |= DISKFLAG_WRITE_PROTECT;
	sc->sc_state = XBD_CONNECTED;
	if ((error = disk_create(dp)) != 0) {
		device_printf(sc->sc_dev, "cannot create disk xbd%d: %d\n",
		    sc->sc_unit, error);
		disk_free(dp);
		sc->sc_state = XBD_DETACHED;
		return (error);
	}
	sc->sc_disk = dp;
	if ((error = xenbus_set_state(sc->sc_dev, XenbusStateConnected)) != 0)
		return (error);
	xbd_size_string((uint64_t)dp->d_mediasize, size, sizeof(size));
	printf("xbd%d: %s <Virtual Block Device> at %s on %s\n", sc->sc_unit,
	    size, sc->sc_node, device_get_nameunit(
	    device_get_parent(sc->sc_dev)));
	device_printf(sc->sc_dev, "%u-byte sectors, %s, %u queue%s, "
	    "ring %u page%s (%u requests), %u segments a request%s; "
	    "%s%s%s%s\n", di->di_sectorsize,
	    (dp->d_flags & DISKFLAG_WRITE_PROTECT) != 0 ? "read-only" :
	    "read-write", sc->sc_nq, sc->sc_nq > 1 ? "s" : "",
	    1U << sc->sc_params.xp_ring_order,
	    sc->sc_params.xp_ring_order > 0 ? "s" : "",
	    sc->sc_q[0].q_ring.xr_nents, sc->sc_params.xp_maxsegs,
	    sc->sc_params.xp_indirect != 0 ? " (indirect)" : "",
	    di->di_flush ? "flush " : "", di->di_barrier ? "barrier " : "",
	    di->di_discard ? "discard " : "",
	    sc->sc_persistent ? "persistent-grants" : "grant-per-request");
	return (0);
}

/*
 * The first half of a connection, shared by attach and resume: say
 * Initialising, wait for the backend's InitWait and read its offer into
 * *offer.  A bad offer is reported to the backend (our error node).
 */
static int
xbd_await_offer(struct xbd_softc *sc, struct xbd_offer *offer)
{
	char err[XBD_ERRLEN];
	XenbusState st;
	int error;

	if ((error = xenbus_set_state(sc->sc_dev, XenbusStateInitialising)) !=
	    0)
		return (error);
	if ((error = xbd_wait_backend(sc, XBD_ST(XenbusStateInitWait),
	    XBD_WAIT_SECS, &st)) != 0) {
		device_printf(sc->sc_dev, "backend %s stayed %s, not InitWait: "
		    "%d\n", sc->sc_otherend, xenbus_strstate(st), error);
		return (error);
	}
	if ((error = xbd_read_offer(sc->sc_otherend, offer, err,
	    sizeof(err))) != 0) {
		xenbus_dev_fatal(sc->sc_dev, error, "%s", err);
		return (error);
	}
	return (0);
}

/*
 * The second half, once the rings and ports are set up: publish them,
 * say Initialised, wait for the backend to be Connected and read its
 * description of the disk into *di.
 */
static int
xbd_await_connected(struct xbd_softc *sc, struct xbd_diskinfo *di)
{
	char err[XBD_ERRLEN];
	XenbusState st;
	int error;

	if ((error = xbd_publish(sc)) != 0)
		return (error);
	if ((error = xenbus_set_state(sc->sc_dev, XenbusStateInitialised)) !=
	    0)
		return (error);
	if ((error = xbd_wait_backend(sc, XBD_ST(XenbusStateConnected) |
	    XBD_ST(XenbusStateClosing) | XBD_ST(XenbusStateClosed),
	    XBD_WAIT_SECS, &st)) != 0 || st != XenbusStateConnected) {
		device_printf(sc->sc_dev, "backend %s is %s, not Connected\n",
		    sc->sc_otherend, xenbus_strstate(st));
		return (error != 0 ? error : ENXIO);
	}
	if ((error = xbd_read_diskinfo(sc->sc_otherend, di, err,
	    sizeof(err))) != 0) {
		xenbus_dev_fatal(sc->sc_dev, error, "%s", err);
		return (error);
	}
	return (0);
}

/* Negotiate, set up the queues, publish, wait for the backend. */
static int
xbd_connect(struct xbd_softc *sc)
{
	struct xbd_limits lim;
	u_int q;
	int error;

	if ((error = xbd_await_offer(sc, &sc->sc_offer)) != 0)
		return (error);
	lim.bl_ring_order = xbd_tunable("xbd.max_ring_order", 2,
	    XBD_MAX_RING_ORDER);
	lim.bl_queues = xbd_tunable("xbd.max_queues", 4, XBD_MAX_QUEUES);
	lim.bl_indirect = xbd_tunable("xbd.max_indirect", 256,
	    XBD_MAX_INDIRECT_SEGS);
	lim.bl_persistent = xbd_tunable("xbd.persistent", 1, 1) != 0;
	xbd_choose(&sc->sc_offer, &lim, &sc->sc_params);
	sc->sc_q = malloc(sc->sc_params.xp_nqueues * sizeof(*sc->sc_q), M_XBD,
	    M_WAITOK | M_ZERO);
	/* sc_nq counts the queues set up (and to be torn down). */
	for (q = 0; q < sc->sc_params.xp_nqueues; q++) {
		sc->sc_nq = q + 1;
		if ((error = xbd_queue_setup(sc, &sc->sc_q[q], q)) != 0)
			return (error);
	}
	if ((error = xbd_await_connected(sc, &sc->sc_di)) != 0)
		return (error);
	return (xbd_connect_disk(sc));
}

/*
 * Take the connection down: the backend has closed or is being asked
 * to.  Say Closed, wait (bounded) for the backend to let go of our pages,
 * fail what is left with EIO, revoke grants, close ports, free.  If
 * 'waitclosed' the backend is expected to go Closed first.
 */
static void
xbd_teardown(struct xbd_softc *sc, bool waitclosed)
{
	struct xbd_queue *q;
	struct xbd_page *pg;
	struct bio *bp;
	bool more;
	u_int i, n;

	mtx_assert(&sc->sc_lock, MA_OWNED);
	if (sc->sc_disk != NULL)
		disk_gone(sc->sc_disk);
	if (sc->sc_state == XBD_CONNECTED)
		sc->sc_state = XBD_FAILED;	/* no new starts */
	if (waitclosed) {
		(void)xenbus_set_state(sc->sc_dev, XenbusStateClosed);
		if (xbd_wait_backend(sc, XBD_ST(XenbusStateClosed) |
		    XBD_ST(XenbusStateUnknown) | XBD_ST(XenbusStateInitWait),
		    XBD_WAIT_SECS / 2, NULL) != 0)
			device_printf(sc->sc_dev, "backend did not close; "
			    "revoking what it lets go\n");
	}
	for (i = 0; i < sc->sc_nq; i++) {
		q = &sc->sc_q[i];
		if (q->q_bound) {
			evtchn_unbind(q->q_port);
			q->q_bound = false;
		}
		callout_stop(&q->q_retry);
		mtx_lock_spin(&q->q_lock);
		/* Answers that came in meanwhile still count. */
		if (q->q_shadow == NULL) {
			/* Torn down before. */
			mtx_unlock_spin(&q->q_lock);
			continue;
		}
		if (!q->q_ring.xr_broken)
			(void)xbd_ring_take(&q->q_ring, xbd_req_done, q,
			    &more);
		n = xbd_ring_fail_all(&q->q_ring, xbd_req_done, q, EIO);
		if (n > 0)
			device_printf(sc->sc_dev, "queue %u: %u requests in "
			    "flight failed\n", i, n);
		while ((bp = TAILQ_FIRST(&q->q_bioq)) != NULL) {
			TAILQ_REMOVE(&q->q_bioq, bp, bio_queue);
			bp->bio_error = EIO;
			xbd_bio_finish(q, bp);
		}
		while ((pg = SLIST_FIRST(&q->q_pool)) != NULL) {
			SLIST_REMOVE_HEAD(&q->q_pool, pg_link);
			q->q_pool_total--;
			if (gnttab_end_foreign_access(pg->pg_ref) != 0) {
				/* Still mapped: the page must not be reused. */
				sc->sc_leaked++;
				free(pg, M_XBD);
				continue;
			}
			free(pg->pg_va, M_XBD);
			free(pg, M_XBD);
		}
		if (q->q_reserved) {
			gnttab_unreserve(&q->q_res);
			q->q_reserved = false;
		}
		xbd_queue_unlock(q);
		while (q->q_ngranted > 0) {
			if (gnttab_end_foreign_access(
			    q->q_ring_refs[q->q_ngranted - 1]) != 0) {
				sc->sc_leaked++;
				q->q_sring = NULL;	/* keep the pages */
			}
			q->q_ngranted--;
		}
		mtx_lock_spin(&q->q_lock);
		xbd_queue_free(q);
		mtx_unlock_spin(&q->q_lock);
	}
	if (sc->sc_leaked > 0)
		device_printf(sc->sc_dev, "%lu grants still mapped by the "
		    "backend: their pages are kept\n", sc->sc_leaked);
	sc->sc_state = XBD_CLOSED;
}

/*
 * The queue structures themselves outlive the connection (a late
 * strategy call still finds a lock and fails with EIO); they go with
 * the device.
 */
static void
xbd_free_queues(struct xbd_softc *sc)
{
	u_int i;

	for (i = 0; i < sc->sc_nq; i++)
		mtx_destroy(&sc->sc_q[i].q_lock);
	free(sc->sc_q, M_XBD);
	sc->sc_q = NULL;
	sc->sc_nq = 0;
}

static int
xbd_probe(device_t dev)
{
	if (strcmp(xenbus_get_type(dev), "vbd") != 0)
		return (ENXIO);
	device_set_desc(dev, "Virtual Block Device");
	/* The attach line, with the size, is ours (xbd_connect_disk). */
	device_quiet(dev);
	return (BUS_PROBE_DEFAULT);
}

static int
xbd_attach(device_t dev)
{
	struct xbd_softc *sc = device_get_softc(dev);
	const char *id, *p;
	u_long handle;
	int error;

	sc->sc_dev = dev;
	sc->sc_unit = device_get_unit(dev);
	sc->sc_node = xenbus_get_node(dev);
	sc->sc_otherend = xenbus_get_otherend_path(dev);
	sc->sc_otherend_id = (domid_t)xenbus_get_otherend_id(dev);
	/* The handle is the vdev, the node's last component (checked). */
	for (id = sc->sc_node, p = sc->sc_node; *p != '\0'; p++)
		if (*p == '/')
			id = p + 1;
	if (xs_parse_ulong(id, 0xffffffffUL, &handle) != 0) {
		device_printf(dev, "%s: not a vdev number\n", sc->sc_node);
		return (ENXIO);
	}
	sc->sc_handle = (blkif_vdev_t)handle;
	mtx_init(&sc->sc_lock, "xbd", MTX_DEF);
	TASK_INIT(&sc->sc_fail_task, 0, xbd_fail_task, sc);
	mtx_lock(&sc->sc_lock);
	if ((error = xbd_connect(sc)) != 0) {
		if (sc->sc_disk != NULL) {
			(void)disk_destroy(sc->sc_disk);
			sc->sc_disk = NULL;
		}
		if (sc->sc_q != NULL) {
			xbd_teardown(sc, true);
			xbd_free_queues(sc);
		} else
			(void)xenbus_set_state(dev, XenbusStateClosed);
		mtx_unlock(&sc->sc_lock);
		/* Ports are closed: nothing enqueues it any more. */
		taskqueue_drain(taskqueue_thread, &sc->sc_fail_task);
		mtx_destroy(&sc->sc_lock);
		return (error);
	}
	mtx_unlock(&sc->sc_lock);
	mtx_lock(&xbd_list_lock);
	LIST_INSERT_HEAD(&xbd_list, sc, sc_link);
	mtx_unlock(&xbd_list_lock);
	return (0);
}

/* Wait up to secs for the disk's last user to close it. */
static bool
xbd_wait_closed(struct xbd_softc *sc, int secs)
{
	struct disk *dp = sc->sc_disk;
	uint64_t deadline;
	int opens;

	deadline = nanouptime_ns() + (uint64_t)secs * 1000000000ULL;
	for (;;) {
		mtx_lock_spin(&dp->d_mtx);
		opens = dp->d_opens + (int)dp->d_inflight;
		mtx_unlock_spin(&dp->d_mtx);
		if (opens == 0)
			return (true);
		if (nanouptime_ns() >= deadline)
			return (false);
		(void)tsleep(dp, 0, "xbdclose", hz / 10 + 1);
	}
}

static int
xbd_detach(device_t dev)
{
	struct xbd_softc *sc = device_get_softc(dev);
	int error;

	mtx_lock(&sc->sc_lock);
	if (sc->sc_disk != NULL) {
		/* Gone from the backend's side: let the user notice. */
		if (sc->sc_state != XBD_CONNECTED &&
		    !xbd_wait_closed(sc, 5)) {
			mtx_unlock(&sc->sc_lock);
			return (EBUSY);
		}
		if ((error = disk_destroy(sc->sc_disk)) != 0) {
			device_printf(dev, "%s is open: not detaching\n",
			    sc->sc_disk->d_nameunit);
			mtx_unlock(&sc->sc_lock);
			return (error);
		}
		sc->sc_disk = NULL;
	}
	mtx_lock(&xbd_list_lock);
	LIST_REMOVE(sc, sc_link);
	mtx_unlock(&xbd_list_lock);
	if (sc->sc_state == XBD_CONNECTED || sc->sc_state == XBD_FAILED) {
		/* Closing, then Closed: the backend unmaps our pages. */
		(void)xenbus_set_state(dev, XenbusStateClosing);
		(void)xbd_wait_backend(sc, XBD_ST(XenbusStateClosing) |
		    XBD_ST(XenbusStateClosed) | XBD_ST(XenbusStateUnknown),
		    XBD_WAIT_SECS / 2, NULL);
		xbd_teardown(sc, true);
	}
	mtx_unlock(&sc->sc_lock);
	/* Ports are closed: nothing enqueues it any more. */
	taskqueue_drain(taskqueue_thread, &sc->sc_fail_task);
	xbd_free_queues(sc);
	mtx_destroy(&sc->sc_lock);
	device_printf(dev, "detached\n");
	return (0);
}

static void
xbd_otherend_changed(device_t dev, XenbusState newstate)
{
	struct xbd_softc *sc = device_get_softc(dev);

	switch (newstate) {
	case XenbusStateUnknown:
	case XenbusStateInitialising:
	case XenbusStateInitWait:
	case XenbusStateInitialised:
	case XenbusStateConnected:
	case XenbusStateReconfiguring:
	case XenbusStateReconfigured:
		/* Attach polls for what it waits for. */
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
		mtx_lock(&sc->sc_lock);
		if (sc->sc_state == XBD_CONNECTED ||
		    sc->sc_state == XBD_FAILED) {
			device_printf(dev, "backend is %s: closing\n",
			    xenbus_strstate(newstate));
			xbd_teardown(sc, true);
		}
		mtx_unlock(&sc->sc_lock);
		break;
	}
}

/* Start what waits on every queue.  sc_lock held. */
static void
xbd_restart(struct xbd_softc *sc)
{
	struct xbd_queue *q;
	u_int i;

	for (i = 0; i < sc->sc_nq; i++) {
		q = &sc->sc_q[i];
		mtx_lock_spin(&q->q_lock);
		if (q->q_shadow != NULL)
			xbd_startio(q);
		xbd_queue_unlock(q);
	}
}

/* Requests on the rings, all queues. */
static u_int
xbd_inflight(struct xbd_softc *sc)
{
	struct xbd_queue *q;
	u_int i, n = 0;

	for (i = 0; i < sc->sc_nq; i++) {
		q = &sc->sc_q[i];
		mtx_lock_spin(&q->q_lock);
		if (q->q_shadow != NULL)
			n += xbd_ring_inflight(&q->q_ring);
		mtx_unlock_spin(&q->q_lock);
	}
	return (n);
}

static int
xbd_suspend(device_t dev)
{
	struct xbd_softc *sc = device_get_softc(dev);
	uint64_t deadline;
	u_int n;

	mtx_lock(&sc->sc_lock);
	if (sc->sc_state != XBD_CONNECTED) {
		mtx_unlock(&sc->sc_lock);
		return (0);
	}
	sc->sc_suspended = true;
	deadline = nanouptime_ns() +
	    (uint64_t)XBD_WAIT_SECS * 1000000000ULL / 2;
	while ((n = xbd_inflight(sc)) != 0) {
		if (nanouptime_ns() >= deadline) {
			device_printf(dev, "%u requests still in flight: "
			    "cannot suspend\n", n);
			sc->sc_suspended = false;
			xbd_restart(sc);
			mtx_unlock(&sc->sc_lock);
			return (EBUSY);
		}
		(void)tsleep(sc, 0, "xbdsusp", hz / 50 + 1);
	}
	mtx_unlock(&sc->sc_lock);
	return (0);
}

/*
 * Connect again after a restore, keeping what was chosen at attach.
 * sc_lock held; nothing in flight (xbd_suspend).
 */
static int
xbd_reconnect(struct xbd_softc *sc)
{
	struct xbd_offer offer;
	struct xbd_limits lim;
	struct xbd_params p;
	struct xbd_diskinfo di;
	struct xbd_queue *q;
	struct xbd_page *pg;
	u_int i, j;
	int error;

	sc->sc_otherend = xenbus_get_otherend_path(sc->sc_dev);
	sc->sc_otherend_id = (domid_t)xenbus_get_otherend_id(sc->sc_dev);
	/* The old ports died with the old domain: forget, do not close. */
	for (i = 0; i < sc->sc_nq; i++)
		sc->sc_q[i].q_bound = false;
	if ((error = xbd_await_offer(sc, &offer)) != 0)
		return (error);
	lim.bl_ring_order = sc->sc_params.xp_ring_order;
	lim.bl_queues = sc->sc_params.xp_nqueues;
	lim.bl_indirect = sc->sc_params.xp_indirect;
	lim.bl_persistent = sc->sc_params.xp_persistent;
	memset(&p, 0, sizeof(p));
	xbd_choose(&offer, &lim, &p);
	if (p.xp_ring_order != sc->sc_params.xp_ring_order ||
	    p.xp_nqueues != sc->sc_params.xp_nqueues ||
	    p.xp_indirect != sc->sc_params.xp_indirect ||
	    p.xp_maxsegs != sc->sc_params.xp_maxsegs) {
		device_printf(sc->sc_dev, "the new backend offers less than "
		    "the old one (%u queues, ring order %u, %u segments)\n",
		    p.xp_nqueues, p.xp_ring_order, p.xp_maxsegs);
		return (ENXIO);
	}
	sc->sc_offer = offer;
	for (i = 0; i < sc->sc_nq; i++) {
		q = &sc->sc_q[i];
		mtx_lock_spin(&q->q_lock);
		xbd_ring_init(&q->q_ring, q->q_sring,
		    (size_t)q->q_npages * PAGE_SIZE, q->q_shadow, q->q_freeids);
		mtx_unlock_spin(&q->q_lock);
		for (j = 0; j < q->q_ngranted; j++)
			if ((error = gnttab_grant_access_ref(q->q_ring_refs[j],
			    sc->sc_otherend_id, xbd_mfn((char *)q->q_sring +
			    j * PAGE_SIZE), false)) != 0)
				return (error);
		/* Idle: every pool page is on the free list. */
		SLIST_FOREACH(pg, &q->q_pool, pg_link)
			if ((error = gnttab_grant_access_ref(pg->pg_ref,
			    sc->sc_otherend_id, xbd_mfn(pg->pg_va),
			    false)) != 0)
				return (error);
		if ((error = evtchn_alloc_unbound(sc->sc_otherend_id, xbd_intr,
		    q, q->q_name, &q->q_port)) != 0)
			return (error);
		q->q_bound = true;
	}
	if ((error = xbd_await_connected(sc, &di)) != 0)
		return (error);
	if (di.di_sectors != sc->sc_di.di_sectors ||
	    di.di_sectorsize != sc->sc_di.di_sectorsize ||
	    (sc->sc_persistent && !di.di_persistent)) {
		device_printf(sc->sc_dev, "the new backend's disk differs\n");
		return (ENXIO);
	}
	if ((error = xenbus_set_state(sc->sc_dev, XenbusStateConnected)) != 0)
		return (error);
	sc->sc_resumes++;
	device_printf(sc->sc_dev, "reconnected to %s\n", sc->sc_otherend);
	return (0);
}

static int
xbd_resume(device_t dev)
{
	struct xbd_softc *sc = device_get_softc(dev);
	struct xbd_queue *q;
	struct bio *bp;
	u_int i;
	int error;

	mtx_lock(&sc->sc_lock);
	if (!sc->sc_suspended) {
		mtx_unlock(&sc->sc_lock);
		return (0);
	}
	if (!xen_suspend_cancelled && (error = xbd_reconnect(sc)) != 0) {
		device_printf(dev, "cannot reconnect after resume (%d); "
		    "device failed\n", error);
		sc->sc_fail_why = "no backend after resume";
		sc->sc_state = XBD_FAILED;
		if (sc->sc_disk != NULL)
			disk_gone(sc->sc_disk);
		for (i = 0; i < sc->sc_nq; i++) {
			q = &sc->sc_q[i];
			mtx_lock_spin(&q->q_lock);
			while ((bp = TAILQ_FIRST(&q->q_bioq)) != NULL) {
				TAILQ_REMOVE(&q->q_bioq, bp, bio_queue);
				bp->bio_error = EIO;
				xbd_bio_finish(q, bp);
			}
			xbd_queue_unlock(q);
		}
	}
	sc->sc_suspended = false;
	xbd_restart(sc);
	mtx_unlock(&sc->sc_lock);
	return (0);
}

/*
 * sysctl dev.xbd.<unit>.*: what was negotiated and the counters.
 */
static int
xbd_sysctl(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	static const char *const states[] = { "detached", "connected",
	    "failed", "closed" };
	struct xbd_softc *sc;
	struct xbd_queue *q;
	char name[48];
	u_long ev, stalls, split, reqs, rsps, kicks, pool;
	u_int i, inflight;

#define	XS_EMIT(key, fmt, val) do {					\
	snprintf(name, sizeof(name), "%d.%s", sc->sc_unit, key);	\
	(void)sysctl_emit(req, name, fmt, val);				\
} while (0)
	mtx_lock(&xbd_list_lock);
	LIST_FOREACH(sc, &xbd_list, sc_link) {
		XS_EMIT("node", "%s", sc->sc_node);
		XS_EMIT("backend", "%s", sc->sc_otherend);
		XS_EMIT("state", "%s", states[sc->sc_state]);
		XS_EMIT("ring_pages", "%u", 1U << sc->sc_params.xp_ring_order);
		XS_EMIT("ring_entries", "%u",
		    sc->sc_nq > 0 ? sc->sc_q[0].q_ring.xr_nents : 0);
		XS_EMIT("queues", "%u", sc->sc_params.xp_nqueues);
		XS_EMIT("indirect_segments", "%u", sc->sc_params.xp_indirect);
		XS_EMIT("max_request", "%lu",
		    (u_long)sc->sc_params.xp_maxsegs * PAGE_SIZE);
		XS_EMIT("persistent", "%d", sc->sc_persistent ? 1 : 0);
		XS_EMIT("flush", "%d", sc->sc_di.di_flush ? 1 : 0);
		XS_EMIT("barrier", "%d", sc->sc_di.di_barrier ? 1 : 0);
		XS_EMIT("discard", "%d", sc->sc_di.di_discard ? 1 : 0);
		XS_EMIT("discard_granularity", "%u", sc->sc_di.di_discard_gran);
		XS_EMIT("discard_alignment", "%u", sc->sc_di.di_discard_align);
		XS_EMIT("sectors", "%lu", (u_long)sc->sc_di.di_sectors);
		XS_EMIT("sector_size", "%u", sc->sc_di.di_sectorsize);
		XS_EMIT("physical_sector_size", "%u",
		    sc->sc_di.di_physsectorsize);
		XS_EMIT("info", "%u", sc->sc_di.di_info);
		XS_EMIT("backend_max_ring_order", "%u",
		    sc->sc_offer.bo_max_ring_order);
		XS_EMIT("backend_max_queues", "%u",
		    sc->sc_offer.bo_max_queues);
		XS_EMIT("backend_max_indirect", "%u",
		    sc->sc_offer.bo_max_indirect);
		ev = stalls = split = reqs = rsps = kicks = pool = 0;
		inflight = 0;
		for (i = 0; i < sc->sc_nq; i++) {
			q = &sc->sc_q[i];
			mtx_lock_spin(&q->q_lock);
			ev += q->q_events;
			stalls += q->q_stalls;
			split += q->q_split;
			reqs += q->q_ring.xr_requests;
			rsps += q->q_ring.xr_responses;
			kicks += q->q_ring.xr_notifies;
			pool += q->q_pool_total;
			inflight += xbd_ring_inflight(&q->q_ring);
			mtx_unlock_spin(&q->q_lock);
		}
		XS_EMIT("requests", "%lu", reqs);
		XS_EMIT("responses", "%lu", rsps);
		XS_EMIT("inflight", "%u", inflight);
		XS_EMIT("events", "%lu", ev);
		XS_EMIT("notifies", "%lu", kicks);
		XS_EMIT("stalls", "%lu", stalls);
		XS_EMIT("split", "%lu", split);
		XS_EMIT("pool_pages", "%lu", pool);
		XS_EMIT("failed_ios", "%lu", sc->sc_failed_ios);
		XS_EMIT("leaked_grants", "%lu", sc->sc_leaked);
	}
	mtx_unlock(&xbd_list_lock);
#undef XS_EMIT
	return (0);
}
SYSCTL_PROC(_dev, xbd, xbd_sysctl, NULL, 0,
    "xbd(4): negotiated features and counters per disk");

static int
xbd_modevent(module_t mod, int what, void *arg)
{
	switch (what) {
	case MOD_LOAD:
		mtx_init(&xbd_list_lock, "xbd list", MTX_DEF);
		return (0);
	case MOD_UNLOAD:
		mtx_destroy(&xbd_list_lock);
		return (0);
	default:
		return (0);
	}
}

static kobj_method_t xbd_methods[] = {
	DEVMETHOD(device_probe,		xbd_probe),
	DEVMETHOD(device_attach,	xbd_attach),
	DEVMETHOD(device_detach,	xbd_detach),
	DEVMETHOD(device_suspend,	xbd_suspend),
	DEVMETHOD(device_resume,	xbd_resume),
	DEVMETHOD(xenbus_otherend_changed, xbd_otherend_changed),
	DEVMETHOD_END
};

static driver_t xbd_driver = {
	"xbd",
	xbd_methods,
	sizeof(struct xbd_softc)
};

DRIVER_MODULE(xbd, xenbusb_front, xbd_driver, xbd_modevent, NULL);
MODULE_VERSION(xbd, 1);
MODULE_DEPEND(xbd, kernel, 1, 1, 1);
