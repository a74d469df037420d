/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The xenstore client.
 *
 * xenstored in dom0 keeps a tree of small strings; a guest talks to it
 * over one shared page (start_info.store_mfn) holding a request ring and a
 * response ring, with an event channel (start_info.store_evtchn) for
 * notifications.  Messages are a header {type, req_id, tx_id, len} and a
 * payload; xs_wire.c builds and parses them, xs_ring.c moves bytes.  Both
 * treat everything xenstored writes as untrusted.
 *
 * Requests.  A caller builds its request, takes xs_lock, gives it the next
 * req_id, queues it on xs_pending and streams it into the ring (sleeping
 * for room when the ring is full), then sleeps until the reader hands it
 * its reply.  Several requests may be in flight; replies are matched by
 * req_id, whatever order they come in.  Every wait is bounded (XS_TIMEOUT):
 * a dead xenstored gives ETIMEDOUT, never a hang.
 *
 * The reader thread ("xenstore") pulls whole messages out of the response
 * ring whenever the event channel fires: replies go to their waiting
 * request, watch events to the event queue.  A malformed message or
 * impossible ring indices mean the connection can no longer be trusted:
 * every pending and later request fails with EIO, and it is reported once.
 *
 * The watch thread ("xenwatch") runs watch callbacks one at a time, in
 * arrival order, outside xs_lock, so a callback may itself talk to
 * xenstore.  Unregistering a watch sends XS_UNWATCH, drops its queued
 * events, and waits until its callback is not running.
 *
 * Suspend and resume (xen_suspend(9)).  xs_suspend() closes the door --
 * requests from any other thread wait in xs_talk until xs_resume() --
 * and waits (bounded) until no request is in flight, so none straddles
 * the suspend.  The ring page is our own memory and keeps its contents
 * across a save; a new domain reaches xenstored through a new event
 * channel (start_info.store_evtchn, rewritten by the restore) and a
 * fresh connection (the ring's indices start again), has a new domain
 * id, and has no watches: xs_resume() takes the ring's indices as they
 * are now, binds the new port, reads the domid again and registers
 * every watch again (each fires once, as after any registration) before
 * it opens the door.
 *
 * Lock: xs_lock (a sleep mutex) [x] covers the ring, the pending list,
 * the watch list and the event queue.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/timetc.h>
#include <machine/pmap.h>
#include <machine/xen.h>
#include <xen/xen_evtchn.h>
#include <xen/xenstore/xs_ring.h>
#include <xen/xenstore/xs_wire.h>
#include <xen/xenstore/xenstorevar.h>

MALLOC_DEFINE(M_XENSTORE, "xenstore", "xenstore client");

#define	XS_TIMEOUT	(10 * hz)	/* for a reply, or for ring room */

struct xs_request {
	TAILQ_ENTRY(xs_request) xr_link;	/* [x] on xs_pending */
	struct xsd_sockmsg xr_hdr;		/* [I] what was sent */
	struct xs_msg	*xr_reply;		/* [x] set by the reader */
	int		 xr_error;		/* [x] set by the reader */
	bool		 xr_done;		/* [x] */
};

struct xs_event {
	TAILQ_ENTRY(xs_event) xe_link;		/* [x] */
	struct xs_watch	*xe_watch;		/* [x] */
	char		 xe_path[];		/* [I] */
};

static struct {
	struct mtx	 lock;
	struct xs_ring	 ring;
	struct xs_asm	 asm_;
	evtchn_port_t	 port;
	uint32_t	 next_id;
	int		 broken;		/* 0 or the errno */
	bool		 ready;
	u_int		 domid;
	TAILQ_HEAD(, xs_request) pending;
	TAILQ_HEAD(, xs_event) events;
	LIST_HEAD(, xs_watch) watches;
	struct xs_watch	*running;		/* callback in progress */
	struct thread	*watcher;
	struct thread	*suspender;		/* [x] door closed but to it */
	int		 reader_chan, watcher_chan, room_chan;
} xs;

struct xs_stats xs_stats;

static void
xs_intr(void *arg)
{
	wakeup(&xs.reader_chan);
	wakeup(&xs.room_chan);
}

/* The connection is broken: fail everything waiting.  xs_lock held. */
static void
xs_break(int error, const char *why)
{
	struct xs_request *r;

	mtx_assert(&xs.lock, MA_OWNED);
	if (xs.broken == 0)
		printf("xenstore: connection unusable (%s, error %d); all "
		    "requests now fail\n", why, error);
	xs.broken = error;
	TAILQ_FOREACH(r, &xs.pending, xr_link) {
		r->xr_error = EIO;
		r->xr_done = true;
	}
	TAILQ_INIT(&xs.pending);
	wakeup(&xs.pending);
}

/* Hand one complete message to whoever waits for it.  xs_lock held. */
static void
xs_dispatch(const struct xs_msg *msg)
{
	const char *path, *token;
	struct xs_request *r;
	struct xs_watch *w;
	struct xs_event *ev;
	size_t len = msg->xm_hdr.len;

	if (msg->xm_hdr.type == XS_WATCH_EVENT) {
		xs_stats.xs_events++;
		if (xs_watch_event_parse(msg->xm_body, len, &path, &token) != 0) {
			xs_stats.xs_orphans++;
			return;
		}
		LIST_FOREACH(w, &xs.watches, xw_link) {
			char tok[24];

			snprintf(tok, sizeof(tok), "%lx", (u_long)w);
			if (strcmp(tok, token) == 0)
				break;
		}
		if (w == NULL) {
			xs_stats.xs_orphans++;	/* unwatched meanwhile */
			return;
		}
		ev = malloc(sizeof(*ev) + strlen(path) + 1, M_XENSTORE,
		    M_NOWAIT);
		if (ev == NULL) {
			xs_stats.xs_orphans++;
			return;
		}
		ev->xe_watch = w;
		strlcpy(ev->xe_path, path, strlen(path) + 1);
		TAILQ_INSERT_TAIL(&xs.events, ev, xe_link);
		wakeup(&xs.watcher_chan);
		return;
	}
	TAILQ_FOREACH(r, &xs.pending, xr_link)
		if (xs_reply_matches(&r->xr_hdr, &msg->xm_hdr))
			break;
	if (r == NULL) {
		xs_stats.xs_orphans++;	/* its requester gave up */
		return;
	}
	TAILQ_REMOVE(&xs.pending, r, xr_link);
	r->xr_reply = malloc(sizeof(msg->xm_hdr) + len + 1, M_XENSTORE,
	    M_NOWAIT);
	if (r->xr_reply == NULL)
		r->xr_error = ENOMEM;
	else
		memcpy(r->xr_reply, msg, sizeof(msg->xm_hdr) + len + 1);
	r->xr_done = true;
	xs_stats.xs_replies++;
	wakeup(r);
}

static void
xs_reader(void *arg)
{
	const struct xs_msg *msg;
	int error;

	mtx_lock(&xs.lock);
	for (;;) {
		error = (xs.broken != 0) ? xs.broken :
		    xs_asm_pull(&xs.asm_, &xs.ring, &msg);
		if (error != 0) {
			if (!xs.broken)
				xs_break(error, error == EBADMSG ?
				    "malformed message" : "bad ring indices");
			msleep(&xs.reader_chan, &xs.lock, 0, "xsdead", 0);
			continue;
		}
		if (msg == NULL) {
			/* Told xenstored we made room; wait for more. */
			evtchn_notify(xs.port);
			msleep(&xs.reader_chan, &xs.lock, 0, "xsread", hz);
			continue;
		}
		xs_dispatch(msg);
	}
}

static void
xs_watcher(void *arg)
{
	struct xs_event *ev;
	struct xs_watch *w;

	mtx_lock(&xs.lock);
	for (;;) {
		if ((ev = TAILQ_FIRST(&xs.events)) == NULL) {
			msleep(&xs.watcher_chan, &xs.lock, 0, "xswatch", 0);
			continue;
		}
		TAILQ_REMOVE(&xs.events, ev, xe_link);
		w = ev->xe_watch;
		w->xw_events++;
		xs.running = w;
		mtx_unlock(&xs.lock);
		w->xw_callback(w, ev->xe_path);
		free(ev, M_XENSTORE);
		mtx_lock(&xs.lock);
		xs.running = NULL;
		wakeup(&xs.running);
	}
}

/*
 * Send a built message (buf: header + payload) and wait for its reply,
 * which is returned in *replyp (free with M_XENSTORE) on success.
 */
static int
xs_talk(void *buf, struct xs_msg **replyp)
{
	struct xsd_sockmsg *hdr = buf;
	struct xs_request req;
	uint64_t deadline;
	size_t off;
	int error;

	memset(&req, 0, sizeof(req));
	*replyp = NULL;
	mtx_lock(&xs.lock);
	/* Suspending: wait for the resume (the suspend itself is bounded). */
	while (xs.suspender != NULL && xs.suspender != curthread)
		(void)msleep(&xs.suspender, &xs.lock, 0, "xssusp", hz);
	if (xs.broken != 0) {
		mtx_unlock(&xs.lock);
		return (EIO);
	}
	hdr->req_id = xs.next_id++;
	req.xr_hdr = *hdr;
	TAILQ_INSERT_TAIL(&xs.pending, &req, xr_link);
	xs_stats.xs_requests++;
	deadline = nanouptime_ns() + (uint64_t)XS_TIMEOUT * (1000000000 / hz);
	error = 0;
	for (off = 0; off < sizeof(*hdr) + hdr->len;) {
		error = xs_ring_write_msg(&xs.ring, hdr, hdr + 1, &off);
		if (error != 0) {
			xs_break(error, "bad ring indices");
			break;
		}
		evtchn_notify(xs.port);
		if (off == sizeof(*hdr) + hdr->len)
			break;
		if (nanouptime_ns() >= deadline) {
			/* Half a message in the ring: nothing can follow. */
			error = ETIMEDOUT;
			xs_break(error, "request ring stayed full");
			break;
		}
		(void)msleep(&xs.room_chan, &xs.lock, 0, "xsroom", hz / 10);
	}
	while (!req.xr_done && error == 0) {
		if (nanouptime_ns() >= deadline) {
			error = ETIMEDOUT;
			break;
		}
		(void)msleep(&req, &xs.lock, 0, "xsreply", hz);
	}
	if (!req.xr_done) {
		/* Gave up (or broken while sending): withdraw the request. */
		TAILQ_REMOVE(&xs.pending, &req, xr_link);
		xs_stats.xs_timeouts += (error == ETIMEDOUT);
		mtx_unlock(&xs.lock);
		return (error != 0 ? error : EIO);
	}
	mtx_unlock(&xs.lock);
	if (req.xr_error != 0)
		return (req.xr_error);
	if ((error = xs_reply_check(&req.xr_hdr, req.xr_reply)) != 0) {
		if (req.xr_reply->xm_hdr.type == XS_ERROR)
			xs_stats.xs_errors++;
		free(req.xr_reply, M_XENSTORE);
		return (error);
	}
	*replyp = req.xr_reply;
	return (0);
}

/* dir + "/" + node, bounded by the protocol's path limit. */
static int
xs_join(const char *dir, const char *node, char *buf, size_t size)
{
	int n;

	if (node == NULL || node[0] == '\0')
		n = snprintf(buf, size, "%s", dir);
	else
		n = snprintf(buf, size, "%s/%s", dir, node);
	return (n < 0 || (size_t)n >= size ? ENAMETOOLONG : 0);
}

static int
xs_simple(uint32_t type, xs_tx_t tx, const char *dir, const char *node,
    const char *value, struct xs_msg **replyp)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	size_t len, size;
	void *buf;
	int error;

	if ((error = xs_join(dir, node, path, sizeof(path))) != 0)
		return (error);
	/*
	 * Just the room this message needs (the builders still enforce the
	 * protocol's limits): most requests then come from a small malloc
	 * zone instead of a freshly mapped multi-page block.
	 */
	size = sizeof(struct xsd_sockmsg) + strlen(path) + 1 +
	    (type == XS_WRITE ? strlen(value) : 0);
	if (size > XS_MSG_MAX)
		size = XS_MSG_MAX;
	buf = malloc(size, M_XENSTORE, M_WAITOK);
	if (type == XS_WRITE)
		error = xs_req_write(buf, size, &len, 0, tx, path, value,
		    strlen(value));
	else
		error = xs_req_path(buf, size, &len, type, 0, tx, path);
	if (error == 0)
		error = xs_talk(buf, replyp);
	free(buf, M_XENSTORE);
	return (error);
}

int
xs_read(xs_tx_t tx, const char *dir, const char *node, char **valp,
    size_t *lenp)
{
	struct xs_msg *reply;
	char *val;
	int error;

	if ((error = xs_simple(XS_READ, tx, dir, node, NULL, &reply)) != 0)
		return (error);
	val = malloc(reply->xm_hdr.len + 1, M_XENSTORE, M_WAITOK);
	error = xs_reply_string(reply->xm_body, reply->xm_hdr.len, val,
	    reply->xm_hdr.len + 1);
	free(reply, M_XENSTORE);
	if (error != 0) {
		free(val, M_XENSTORE);
		return (error);
	}
	*valp = val;
	if (lenp != NULL)
		*lenp = strlen(val);
	return (0);
}

int
xs_write(xs_tx_t tx, const char *dir, const char *node, const char *value)
{
	struct xs_msg *reply;
	int error;

	if ((error = xs_simple(XS_WRITE, tx, dir, node, value, &reply)) == 0)
		free(reply, M_XENSTORE);
	return (error);
}

int
xs_mkdir(xs_tx_t tx, const char *dir, const char *node)
{
	struct xs_msg *reply;
	int error;

	if ((error = xs_simple(XS_MKDIR, tx, dir, node, NULL, &reply)) == 0)
		free(reply, M_XENSTORE);
	return (error);
}

int
xs_rm(xs_tx_t tx, const char *dir, const char *node)
{
	struct xs_msg *reply;
	int error;

	if ((error = xs_simple(XS_RM, tx, dir, node, NULL, &reply)) == 0)
		free(reply, M_XENSTORE);
	return (error);
}

int
xs_exists(xs_tx_t tx, const char *dir, const char *node)
{
	char *val;

	if (xs_read(tx, dir, node, &val, NULL) != 0)
		return (0);
	free(val, M_XENSTORE);
	return (1);
}

/*
 * The children of dir/node: *vecp is one allocation holding the pointer
 * vector and the names (free(*vecp, M_XENSTORE)).
 */
int
xs_directory(xs_tx_t tx, const char *dir, const char *node, u_int *nump,
    const char ***vecp)
{
	struct xs_msg *reply;
	const char **vec;
	size_t len;
	u_int n, i;
	int error;

	if ((error = xs_simple(XS_DIRECTORY, tx, dir, node, NULL, &reply)) != 0)
		return (error);
	len = reply->xm_hdr.len;
	if ((error = xs_reply_directory(reply->xm_body, len, NULL, 0, &n)) != 0)
		goto out;
	vec = malloc((n + 1) * sizeof(*vec) + len + 1, M_XENSTORE, M_WAITOK);
	memcpy(&vec[n + 1], reply->xm_body, len);
	((char *)&vec[n + 1])[len] = '\0';
	if ((error = xs_reply_directory((const char *)&vec[n + 1], len, vec,
	    n, &i)) != 0 || i != n) {
		free(vec, M_XENSTORE);
		error = error != 0 ? error : EBADMSG;
		goto out;
	}
	vec[n] = NULL;
	*nump = n;
	*vecp = vec;
out:
	free(reply, M_XENSTORE);
	return (error);
}

int
xs_read_ulong(xs_tx_t tx, const char *dir, const char *node, u_long max,
    u_long *valp)
{
	char *val;
	int error;

	if ((error = xs_read(tx, dir, node, &val, NULL)) != 0)
		return (error);
	error = xs_parse_ulong(val, max, valp);
	free(val, M_XENSTORE);
	return (error);
}

int
xs_read_int(xs_tx_t tx, const char *dir, const char *node, int min, int max,
    int *valp)
{
	char *val;
	int error;

	if ((error = xs_read(tx, dir, node, &val, NULL)) != 0)
		return (error);
	error = xs_parse_int(val, min, max, valp);
	free(val, M_XENSTORE);
	return (error);
}

int
xs_transaction_start(xs_tx_t *txp)
{
	struct xs_msg *reply;
	size_t len;
	void *buf;
	int error;

	buf = malloc(XS_MSG_MAX, M_XENSTORE, M_WAITOK);
	error = xs_req_transaction_start(buf, XS_MSG_MAX, &len, 0);
	if (error == 0 && (error = xs_talk(buf, &reply)) == 0) {
		error = xs_reply_tx_id(reply->xm_body, reply->xm_hdr.len, txp);
		free(reply, M_XENSTORE);
	}
	free(buf, M_XENSTORE);
	return (error);
}

/* Commit (or abort); EAGAIN: someone else changed the tree, retry. */
int
xs_transaction_end(xs_tx_t tx, bool abort)
{
	struct xs_msg *reply;
	size_t len;
	void *buf;
	int error;

	buf = malloc(XS_MSG_MAX, M_XENSTORE, M_WAITOK);
	error = xs_req_transaction_end(buf, XS_MSG_MAX, &len, 0, tx, !abort);
	if (error == 0 && (error = xs_talk(buf, &reply)) == 0)
		free(reply, M_XENSTORE);
	free(buf, M_XENSTORE);
	return (error);
}

static int
xs_watch_msg(uint32_t type, struct xs_watch *w)
{
	struct xs_msg *reply;
	char token[24];
	size_t len;
	void *buf;
	int error;

	snprintf(token, sizeof(token), "%lx", (u_long)w);
	buf = malloc(XS_MSG_MAX, M_XENSTORE, M_WAITOK);
	error = xs_req_watch(buf, XS_MSG_MAX, &len, type, 0, w->xw_node, token);
	if (error == 0 && (error = xs_talk(buf, &reply)) == 0)
		free(reply, M_XENSTORE);
	free(buf, M_XENSTORE);
	return (error);
}

/*
 * Watch 'node' (and everything below it): cb(w, path) runs in the watch
 * thread for each change, and once right after registration.
 */
int
xs_watch_register(struct xs_watch *w, const char *node, xs_watch_cb_t *cb,
    void *arg)
{
	size_t n;
	int error;

	n = strlen(node) + 1;
	if (n > XENSTORE_ABS_PATH_MAX)
		return (ENAMETOOLONG);
	w->xw_node = malloc(n, M_XENSTORE, M_WAITOK);
	strlcpy(w->xw_node, node, n);
	w->xw_callback = cb;
	w->xw_arg = arg;
	w->xw_events = 0;
	mtx_lock(&xs.lock);
	LIST_INSERT_HEAD(&xs.watches, w, xw_link);
	xs_stats.xs_watches++;
	mtx_unlock(&xs.lock);
	if ((error = xs_watch_msg(XS_WATCH, w)) != 0) {
		mtx_lock(&xs.lock);
		LIST_REMOVE(w, xw_link);
		xs_stats.xs_watches--;
		mtx_unlock(&xs.lock);
		free(w->xw_node, M_XENSTORE);
		w->xw_node = NULL;
	}
	return (error);
}

/* After this returns, cb is not running and will not run for w again. */
void
xs_watch_unregister(struct xs_watch *w)
{
	struct xs_event *ev, *next;

	if (w->xw_node == NULL)
		return;
	(void)xs_watch_msg(XS_UNWATCH, w);
	mtx_lock(&xs.lock);
	LIST_REMOVE(w, xw_link);
	xs_stats.xs_watches--;
	TAILQ_FOREACH_SAFE(ev, &xs.events, xe_link, next)
		if (ev->xe_watch == w) {
			TAILQ_REMOVE(&xs.events, ev, xe_link);
			free(ev, M_XENSTORE);
		}
	/* From the callback itself it cannot wait for itself. */
	while (xs.running == w && curthread != xs.watcher)
		msleep(&xs.running, &xs.lock, 0, "xsunwatch", hz);
	mtx_unlock(&xs.lock);
	free(w->xw_node, M_XENSTORE);
	w->xw_node = NULL;
}

/*
 * Before a suspend (thread context): hold back new requests from other
 * threads and wait up to XS_TIMEOUT for those in flight.  EBUSY if they
 * did not finish; the caller then gives up the suspend and calls
 * xs_resume(false).
 */
int
xs_suspend(void)
{
	uint64_t deadline;

	if (!xs.ready)
		return (0);
	mtx_lock(&xs.lock);
	xs.suspender = curthread;
	deadline = nanouptime_ns() + (uint64_t)XS_TIMEOUT * (1000000000 / hz);
	while (!TAILQ_EMPTY(&xs.pending)) {
		if (nanouptime_ns() >= deadline) {
			mtx_unlock(&xs.lock);
			printf("xenstore: requests still in flight, cannot "
			    "suspend\n");
			return (EBUSY);
		}
		(void)msleep(&xs.suspender, &xs.lock, 0, "xsdrain", hz / 20);
	}
	mtx_unlock(&xs.lock);
	return (0);
}

/*
 * After the suspend (thread context, events on).  In a new domain: the
 * new event channel, our new domain id, every watch registered again.
 * Then let the held-back requests go.
 */
int
xs_resume(bool newdom)
{
	struct xs_watch *w;
	u_long domid;
	int error, failed;

	if (!xs.ready)
		return (0);
	failed = 0;
	if (newdom) {
		mtx_lock(&xs.lock);
		/*
		 * The restore hands xenstored a fresh connection: the ring
		 * indices start again (our copies are stale) and whatever
		 * was half read is gone.  Nothing was in flight.
		 */
		xs_ring_init(&xs.ring, xs.ring.xr_intf);
		xs_asm_init(&xs.asm_);
		xs.broken = 0;
		xs.port = xen_start_info.store_evtchn;
		error = evtchn_bind_handler(xs.port, xs_intr, NULL,
		    "xenstore");
		mtx_unlock(&xs.lock);
		if (error != 0) {
			printf("xenstore: cannot bind event channel %u after "
			    "resume: %d\n", xs.port, error);
			failed = error;
		}
		wakeup(&xs.reader_chan);
		if (failed == 0 && (error = xs_read_ulong(0, "domid", NULL,
		    0x7fef, &domid)) == 0)
			xs.domid = (u_int)domid;
		/*
		 * Other threads wait at the door, so nobody registers or
		 * unregisters a watch while this walks the list.
		 */
		LIST_FOREACH(w, &xs.watches, xw_link) {
			if (failed != 0)
				break;
			if ((error = xs_watch_msg(XS_WATCH, w)) != 0) {
				printf("xenstore: cannot watch \"%s\" again "
				    "after resume: %d\n", w->xw_node, error);
				failed = error;
			}
		}
		xs_stats.xs_resumes++;
	}
	mtx_lock(&xs.lock);
	xs.suspender = NULL;
	wakeup(&xs.suspender);
	mtx_unlock(&xs.lock);
	return (failed);
}

bool
xs_ready(void)
{
	return (xs.ready);
}

u_int
xs_domid(void)
{
	return (xs.domid);
}

static void
xs_init(void *arg)
{
	u_long pfn, domid;
	int error;

	mtx_init(&xs.lock, "xenstore", MTX_DEF);
	TAILQ_INIT(&xs.pending);
	TAILQ_INIT(&xs.events);
	LIST_INIT(&xs.watches);
	xs.next_id = 1;
	pfn = mfn_to_pfn(xen_start_info.store_mfn);
	if (pfn == ~0UL) {
		printf("xenstore: ring frame %#lx is not ours; no xenstore\n",
		    (u_long)xen_start_info.store_mfn);
		return;
	}
	xs_ring_init(&xs.ring, (void *)PHYS_TO_DMAP(ptoa(pfn)));
	xs_asm_init(&xs.asm_);
	xs.port = xen_start_info.store_evtchn;
	if ((error = thread_create(xs_reader, NULL, PRI_KERN - 8, "xenstore",
	    NULL)) != 0 || (error = thread_create(xs_watcher, NULL,
	    PRI_KERN - 4, "xenwatch", &xs.watcher)) != 0 ||
	    (error = evtchn_bind_handler(xs.port, xs_intr, NULL,
	    "xenstore")) != 0) {
		printf("xenstore: cannot start: %d\n", error);
		return;
	}
	xs.ready = true;
	if ((error = xs_read_ulong(0, "domid", NULL, 0x7fef, &domid)) != 0) {
		printf("xenstore: cannot read our domid: %d\n", error);
		return;
	}
	xs.domid = (u_int)domid;
	printf("xenstore: ring at pfn %#lx, event channel %u, domain %u\n",
	    pfn, xs.port, xs.domid);
}
SYSINIT(xenstore, SI_SUB_XEN, SI_ORDER_SECOND, xs_init, NULL);

#include <sys/sysctl.h>

/* sysctl: hw.xen.xenstore. */
SYSCTL_DECL(_hw_xen);
SYSCTL_NODE(_hw_xen, xenstore, "the xenstore client");
SYSCTL_ULONG(_hw_xen_xenstore, requests, &xs_stats.xs_requests,
    "requests sent");
SYSCTL_ULONG(_hw_xen_xenstore, replies, &xs_stats.xs_replies,
    "replies received");
SYSCTL_ULONG(_hw_xen_xenstore, errors, &xs_stats.xs_errors,
    "XS_ERROR replies");
SYSCTL_ULONG(_hw_xen_xenstore, timeouts, &xs_stats.xs_timeouts,
    "requests that timed out");
SYSCTL_ULONG(_hw_xen_xenstore, events, &xs_stats.xs_events,
    "watch events received");
SYSCTL_ULONG(_hw_xen_xenstore, orphans, &xs_stats.xs_orphans,
    "replies and events nobody waited for");
SYSCTL_ULONG(_hw_xen_xenstore, resumes, &xs_stats.xs_resumes,
    "connections restarted after a resume in a new domain");
SYSCTL_ULONG(_hw_xen_xenstore, watches, &xs_stats.xs_watches,
    "watches registered now");
