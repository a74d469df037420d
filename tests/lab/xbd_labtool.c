/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xbd_labtool: a hostile block backend in dom0 for the xbd(4) lab test
 * (scenarios/xbd.sh).
 *
 * xbd_labtool hostile DOMID VDEV: make a vbd for guest DOMID whose
 * backend is this program instead of blkback.  It writes both xenstore
 * directories the way the toolstack does (the guest's
 * device/vbd/VDEV, owned by the guest, and dom0's backend/vbd/DOMID/VDEV),
 * offers nothing optional, and once the frontend is Initialised maps its
 * one-page ring, binds its event channel, describes a 1 MiB disk and says
 * Connected.  The first request that comes is answered with an id out of
 * range, which the frontend must take as a protocol violation: fail the
 * device and tell us, through its error node and state Closing.  The tool
 * then lets go of the ring and port, says Closed, and waits for the
 * frontend to say Closed too.
 *
 * Output, one line a step, the last one either
 *   "xbd_labtool: told: <frontend's error node>"  (exit 0) or
 *   "xbd_labtool: FAIL: ..."                     (exit 1).
 * The xenstore directories are left for the scenario to remove (the
 * guest sees the device go away then).
 *
 * Built statically by tests/lab/Makefile against Xen's libraries from
 * libxen-dev, carried into dom0 by run_scenarios.sh.
 */

#include <sys/mman.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The ring macros' barriers (x86: a full fence is more than enough). */
#define	mb()	__sync_synchronize()
#define	rmb()	__sync_synchronize()
#define	wmb()	__sync_synchronize()

#include <xenstore.h>
#include <xengnttab.h>
#include <xenevtchn.h>
#include <xen/io/blkif.h>
#include <xen/io/xenbus.h>

static struct xs_handle *xs;
static char fe[128], be[128];

static void fail(const char *, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void
fail(const char *fmt, ...)
{
	va_list ap;

	printf("xbd_labtool: FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static void
nap(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Read DIR/KEY as a string (malloc'd), NULL if absent. */
static char *
rd(const char *dir, const char *key)
{
	char path[256];
	unsigned int len;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return (xs_read(xs, XBT_NULL, path, &len));
}

static void
wr(xs_transaction_t t, const char *dir, const char *key, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (!xs_write(xs, t, path, val, strlen(val)))
		fail("cannot write %s: %s", path, strerror(errno));
}

static void
wrn(xs_transaction_t t, const char *dir, const char *key, long v)
{
	char val[32];

	snprintf(val, sizeof(val), "%ld", v);
	wr(t, dir, key, val);
}

/* The frontend's state, -1 if unreadable. */
static int
fe_state(void)
{
	char *s = rd(fe, "state");
	int v = s != NULL ? atoi(s) : -1;

	free(s);
	return (v);
}

/* Wait up to secs for the frontend to reach state 'want'. */
static int
await_state(int want, int secs)
{
	int i, st = -1;

	for (i = 0; i < secs * 10; i++) {
		if ((st = fe_state()) == want)
			return (st);
		nap();
	}
	return (st);
}

static void
make_nodes(unsigned domid, const char *vdev)
{
	struct xs_permissions feperm[2] = {
		{ .id = domid, .perms = XS_PERM_NONE },
		{ .id = 0, .perms = XS_PERM_READ },
	};
	struct xs_permissions beperm[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = domid, .perms = XS_PERM_READ },
	};
	xs_transaction_t t;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		if ((t = xs_transaction_start(xs)) == XBT_NULL)
			fail("transaction: %s", strerror(errno));
		if (!xs_mkdir(xs, t, be) || !xs_set_permissions(xs, t, be,
		    beperm, 2))
			fail("cannot make %s: %s", be, strerror(errno));
		wr(t, be, "frontend", fe);
		wrn(t, be, "frontend-id", domid);
		wr(t, be, "online", "1");
		wr(t, be, "device-type", "disk");
		wr(t, be, "mode", "w");
		wrn(t, be, "state", 2);		/* InitWait: nothing offered */
		if (!xs_mkdir(xs, t, fe) || !xs_set_permissions(xs, t, fe,
		    feperm, 2))
			fail("cannot make %s: %s", fe, strerror(errno));
		wr(t, fe, "backend", be);
		wr(t, fe, "backend-id", "0");
		wr(t, fe, "virtual-device", vdev);
		wr(t, fe, "device-type", "disk");
		wrn(t, fe, "state", 1);
		if (xs_transaction_end(xs, t, false))
			return;
		if (errno != EAGAIN)
			break;
	}
	fail("transaction end: %s", strerror(errno));
}

int
main(int argc, char **argv)
{
	xengnttab_handle *gt;
	xenevtchn_handle *xe;
	blkif_back_ring_t ring;
	blkif_sring_t *sring;
	blkif_request_t req;
	blkif_response_t *rsp;
	char *s, *ref, *evt;
	unsigned domid;
	int st, i, lport;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 4 || strcmp(argv[1], "hostile") != 0) {
		fprintf(stderr, "usage: xbd_labtool hostile DOMID VDEV\n");
		return (2);
	}
	domid = (unsigned)strtoul(argv[2], NULL, 10);
	snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%s", domid,
	    argv[3]);
	snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%s", domid,
	    argv[3]);
	if ((xs = xs_open(0)) == NULL)
		fail("xs_open: %s", strerror(errno));
	make_nodes(domid, argv[3]);
	printf("xbd_labtool: %s offered, backend %s in InitWait\n", fe, be);

	if ((st = await_state(XenbusStateInitialised, 60)) !=
	    XenbusStateInitialised)
		fail("frontend in state %d, not Initialised", st);
	if ((s = rd(fe, "ring-page-order")) != NULL)
		fail("frontend chose ring-page-order %s, not offered", s);
	if ((ref = rd(fe, "ring-ref")) == NULL ||
	    (evt = rd(fe, "event-channel")) == NULL)
		fail("frontend published no ring-ref or event-channel");
	if ((gt = xengnttab_open(NULL, 0)) == NULL ||
	    (xe = xenevtchn_open(NULL, 0)) == NULL)
		fail("gnttab/evtchn open: %s", strerror(errno));
	sring = xengnttab_map_grant_ref(gt, domid,
	    (uint32_t)strtoul(ref, NULL, 10), PROT_READ | PROT_WRITE);
	if (sring == NULL)
		fail("cannot map ring-ref %s: %s", ref, strerror(errno));
	BACK_RING_INIT(&ring, sring, 4096);
	if ((lport = xenevtchn_bind_interdomain(xe, domid,
	    (evtchn_port_t)strtoul(evt, NULL, 10))) < 0)
		fail("cannot bind port %s: %s", evt, strerror(errno));
	wr(XBT_NULL, be, "sectors", "2048");
	wr(XBT_NULL, be, "info", "0");
	wr(XBT_NULL, be, "sector-size", "512");
	wrn(XBT_NULL, be, "state", XenbusStateConnected);
	printf("xbd_labtool: ring-ref %s and port %s mapped; Connected\n",
	    ref, evt);

	/* The first request gets an answer with an id out of range. */
	for (i = 0; i < 1200; i++) {
		if (sring->req_prod != ring.req_cons)
			break;
		nap();
	}
	if (sring->req_prod == ring.req_cons)
		fail("no request within 120 s");
	__sync_synchronize();
	memcpy(&req, RING_GET_REQUEST(&ring, ring.req_cons), sizeof(req));
	ring.req_cons++;
	rsp = RING_GET_RESPONSE(&ring, ring.rsp_prod_pvt);
	rsp->id = req.id + 0x10000;
	rsp->operation = req.operation;
	rsp->status = BLKIF_RSP_OKAY;
	ring.rsp_prod_pvt++;
	RING_PUSH_RESPONSES(&ring);
	xenevtchn_notify(xe, (evtchn_port_t)lport);
	printf("xbd_labtool: request id %llu op %u answered as id %llu\n",
	    (unsigned long long)req.id, req.operation,
	    (unsigned long long)rsp->id);

	if ((st = await_state(XenbusStateClosing, 60)) != XenbusStateClosing)
		fail("frontend stayed in state %d, not Closing", st);
	if ((s = rd(fe, "error")) == NULL)
		fail("frontend is Closing but wrote no error node");
	/* Let go of everything first, so its grants can be revoked. */
	xengnttab_unmap(gt, sring, 1);
	xenevtchn_unbind(xe, (evtchn_port_t)lport);
	wrn(XBT_NULL, be, "state", XenbusStateClosed);
	if ((st = await_state(XenbusStateClosed, 60)) != XenbusStateClosed)
		fail("frontend in state %d after ours went Closed", st);
	printf("xbd_labtool: told: %s\n", s);
	return (0);
}
