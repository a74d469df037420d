/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xenbusb_front: the bus of a domain's PV frontends.
 *
 * The toolstack describes each virtual device it gives us under our
 * xenstore home as device/<type>/<id> (device/vbd/51712 for xvda,
 * device/vif/0 for the first NIC), with "backend" (the other end's node)
 * and "backend-id" (its domain).  This bus turns each such node into a
 * newbus child, so PV drivers are ordinary newbus drivers: they probe on
 * xenbus_get_type(), attach, and follow the other end's state through
 * XENBUS_OTHEREND_CHANGED().
 *
 * Attach enumerates device/ once; a watch on device/ then adds children
 * for nodes that appear (xl block-attach, network-attach) and detaches and
 * deletes those whose node goes away (block-detach).  For each child a
 * second watch follows <backend>/state.  Everything read from xenstore is
 * checked before use: path components, the backend path, backend-id and
 * state as strict numbers in range; a device with a bad entry is reported
 * and left out, never half-added.
 *
 * Context.  The bus's attach enumerates and attaches in the boot thread
 * (root_bus_configure() holds the topology lock).  After that, watch
 * callbacks run in the xenstore watch thread ("xenwatch") and never call
 * a driver, never take the topology lock and never wait for a driver:
 * they only read xenstore, update the bus's list of nodes under xbs_lock
 * and enqueue the bus's task.  The task runs in the bus's own task
 * queue thread (named after the bus, "xenbusb_front0") and does, for one
 * node at a time, with the topology lock held and xbs_lock NOT held:
 *   - add the newbus child, probe and attach it, then watch the other
 *     end's state;
 *   - stop watching, detach and delete the child of a node that went;
 *   - read the other end's state and pass it to an attached driver
 *     (XENBUS_OTHEREND_CHANGED).
 * So a driver's attach, detach and otherend_changed all run in that
 * thread and may sleep -- an attach waiting for its backend holds up
 * only this bus's later work, not xenstore: the watch thread meanwhile
 * goes on seeing devices come and go.  Every driver gets one
 * otherend_changed soon after it attaches (the state watch fires once
 * when registered, and a driver loaded later is given one too).  A
 * driver that must wait for its backend inside attach polls with
 * xenbus_read_otherend_state(): otherend_changed waits for attach.
 *
 * Lock: xbs_lock (a sleep mutex) [b] covers the list of nodes and their
 * work flags; it is never held across a driver method or a newbus call.
 * The topology lock [T] covers xi_dev and the newbus side.
 *
 * The file also builds on the host against a fake xenstore and a task
 * queue the test runs by hand (tests/sys/xen/xenbusb_test.c).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/proc.h>
#include <sys/timetc.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/taskqueue.h>
#include <sys/kobj.h>
#include <sys/bus.h>
#include <xen/io/xenbus.h>
#include <xen/xen.h>
#include <xen/xenstore/xs_wire.h>
#include <xen/xenstore/xenstorevar.h>
#include <xen/xenbus/xenbusvar.h>
#include <xen/xen_suspend.h>

#include "device_if.h"
#include "bus_if.h"
#include "xenbus_if.h"

MALLOC_DEFINE(M_XENBUS, "xenbus", "xenbus devices");

#define	XENBUS_NAMEMAX	64		/* a type or an id */
#define	XENBUS_PATHMAX	256		/* a backend path */

/* Work a node waits for (xi_flags); the task does it. */
#define	XIF_NEW		0x0001		/* add, probe, attach */
#define	XIF_GONE	0x0002		/* node went: detach, delete */
#define	XIF_OTHEREND	0x0004		/* other end's state changed */
#define	XIF_STUCK	0x0008		/* its driver refused to detach */
#define	XIF_WORK	(XIF_NEW | XIF_GONE | XIF_OTHEREND)

struct xenbus_ivars {
	TAILQ_ENTRY(xenbus_ivars) xi_link;	/* [b] the bus's nodes */
	struct xenbusb_softc *xi_bus;		/* [I] */
	device_t	 xi_dev;		/* [T] NULL until added */
	char		 xi_node[2 * XENBUS_NAMEMAX + 16]; /* [I] */
	char		 xi_type[XENBUS_NAMEMAX];	 /* [I] */
	char		 xi_otherend[XENBUS_PATHMAX];	 /* [I] */
	char		 xi_statepath[XENBUS_PATHMAX + 8]; /* [I] */
	u_int		 xi_otherend_id;		 /* [I] */
	int		 xi_flags;			 /* [b] XIF_* */
	XenbusState	 xi_state;		/* the driver's: ours */
	struct xs_watch	 xi_watch;		/* [task] otherend state */
	bool		 xi_watching;		/* [task] */
};

struct xenbusb_softc {
	device_t	 xbs_dev;
	struct mtx	 xbs_lock;
	TAILQ_HEAD(, xenbus_ivars) xbs_children;	/* [b] */
	struct taskqueue *xbs_tq;			/* [I] */
	struct task	 xbs_task;
	struct xs_watch	 xbs_watch;			/* device/ */
	char		 xbs_home[64];			/* /local/domain/N */
	bool		 xbs_attached;		/* [b] hot-plug from now on */
	bool		 xbs_detaching;		/* [b] enqueue nothing */
	u_long		 xbs_added, xbs_removed, xbs_rejected;	/* [b] */
	/* Malformed nodes already reported (each is reported once). */
	char		 xbs_bad[16][2 * XENBUS_NAMEMAX + 16];	/* [b] */
};

static void xenbusb_otherend_watch(struct xs_watch *, const char *);

/* A path component from xenstore: non-empty, short, no '/' or blanks. */
static bool
xenbusb_name_ok(const char *s)
{
	size_t i, n = strnlen(s, XENBUS_NAMEMAX);

	if (n == 0 || n == XENBUS_NAMEMAX)
		return (false);
	for (i = 0; i < n; i++)
		if (s[i] == '/' || s[i] <= ' ' || s[i] > '~')
			return (false);
	return (true);
}

/* Has this malformed node been reported?  If not, remember it. */
static bool
xenbusb_reported(struct xenbusb_softc *sc, const char *node)
{
	int i, slot = -1;

	for (i = 0; i < (int)nitems(sc->xbs_bad); i++) {
		if (strcmp(sc->xbs_bad[i], node) == 0)
			return (true);
		if (sc->xbs_bad[i][0] == '\0' && slot < 0)
			slot = i;
	}
	if (slot >= 0)
		strlcpy(sc->xbs_bad[slot], node, sizeof(sc->xbs_bad[slot]));
	return (false);
}

/* The node is gone from xenstore: report it again if it comes back bad. */
static void
xenbusb_forget(struct xenbusb_softc *sc, const char *type, const char **ids,
    u_int n)
{
	char prefix[XENBUS_NAMEMAX + 16];
	size_t plen;
	u_int i, j;

	plen = snprintf(prefix, sizeof(prefix), "device/%s/", type);
	for (i = 0; i < nitems(sc->xbs_bad); i++) {
		if (strncmp(sc->xbs_bad[i], prefix, plen) != 0)
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(sc->xbs_bad[i] + plen, ids[j]) == 0)
				break;
		if (j == n)
			sc->xbs_bad[i][0] = '\0';
	}
}

/* The live (not departing) node device/<type>/<id>, or NULL. */
static struct xenbus_ivars *
xenbusb_find(struct xenbusb_softc *sc, const char *type, const char *id)
{
	struct xenbus_ivars *xi;
	char node[sizeof(xi->xi_node)];

	mtx_assert(&sc->xbs_lock, MA_OWNED);
	snprintf(node, sizeof(node), "device/%s/%s", type, id);
	TAILQ_FOREACH(xi, &sc->xbs_children, xi_link)
		if ((xi->xi_flags & XIF_GONE) == 0 &&
		    strcmp(xi->xi_node, node) == 0)
			return (xi);
	return (NULL);
}

/*
 * Record device/<type>/<id> as a node to add (the task adds the newbus
 * child).  Returns false if the node is malformed (reported) or vanished.
 */
static bool
xenbusb_add(struct xenbusb_softc *sc, const char *type, const char *id)
{
	struct xenbus_ivars *xi;
	char *backend;
	u_long domid;
	size_t len;
	int error;

	mtx_assert(&sc->xbs_lock, MA_OWNED);
	if (!xenbusb_name_ok(type) || !xenbusb_name_ok(id)) {
		char node[2 * XENBUS_NAMEMAX + 16];

		snprintf(node, sizeof(node), "device/%.64s/%.64s", type, id);
		if (!xenbusb_reported(sc, node))
			device_printf(sc->xbs_dev, "ignoring %s: bad name\n",
			    node);
		sc->xbs_rejected++;
		return (false);
	}
	xi = malloc(sizeof(*xi), M_XENBUS, M_WAITOK | M_ZERO);
	xi->xi_bus = sc;
	snprintf(xi->xi_node, sizeof(xi->xi_node), "device/%s/%s", type, id);
	strlcpy(xi->xi_type, type, sizeof(xi->xi_type));
	error = xs_read(0, xi->xi_node, "backend", &backend, &len);
	if (error == ENOENT) {
		/* Being created or torn down: the next event will tell. */
		free(xi, M_XENBUS);
		return (false);
	}
	if (error != 0 || len == 0 || len >= sizeof(xi->xi_otherend) ||
	    strncmp(backend, "/local/domain/", 14) != 0) {
		if (!xenbusb_reported(sc, xi->xi_node))
			device_printf(sc->xbs_dev, "ignoring %s: bad backend "
			    "path (error %d)\n", xi->xi_node,
			    error != 0 ? error : EINVAL);
		if (error == 0)
			free(backend, M_XENSTORE);
		free(xi, M_XENBUS);
		sc->xbs_rejected++;
		return (false);
	}
	strlcpy(xi->xi_otherend, backend, sizeof(xi->xi_otherend));
	free(backend, M_XENSTORE);
	if ((error = xs_read_ulong(0, xi->xi_node, "backend-id",
	    DOMID_FIRST_RESERVED - 1, &domid)) != 0) {
		if (!xenbusb_reported(sc, xi->xi_node))
			device_printf(sc->xbs_dev, "ignoring %s: bad "
			    "backend-id (error %d)\n", xi->xi_node, error);
		free(xi, M_XENBUS);
		sc->xbs_rejected++;
		return (false);
	}
	xi->xi_otherend_id = (u_int)domid;
	xi->xi_state = XenbusStateInitialising;
	snprintf(xi->xi_statepath, sizeof(xi->xi_statepath), "%s/state",
	    xi->xi_otherend);
	xi->xi_flags = XIF_NEW;
	TAILQ_INSERT_TAIL(&sc->xbs_children, xi, xi_link);
	sc->xbs_added++;
	if (sc->xbs_attached)
		device_printf(sc->xbs_dev, "%s appeared, attach queued\n",
		    xi->xi_node);
	return (true);
}

/*
 * Bring the list of nodes in line with device/<type>/ in xenstore.
 * True if there is work for the task.
 */
static bool
xenbusb_scan_type(struct xenbusb_softc *sc, const char *type)
{
	struct xenbus_ivars *xi;
	const char **ids;
	char dir[XENBUS_NAMEMAX + 16];
	u_int n, i;
	bool work;
	int error;

	mtx_assert(&sc->xbs_lock, MA_OWNED);
	snprintf(dir, sizeof(dir), "device/%s", type);
	error = xs_directory(0, dir, NULL, &n, &ids);
	if (error != 0 && error != ENOENT) {
		device_printf(sc->xbs_dev, "cannot list %s: %d\n", dir, error);
		return (false);
	}
	if (error == ENOENT)
		n = 0;
	work = false;
	xenbusb_forget(sc, type, ids, n);
	/* Departed nodes. */
	TAILQ_FOREACH(xi, &sc->xbs_children, xi_link) {
		if ((xi->xi_flags & XIF_GONE) != 0 ||
		    strcmp(xi->xi_type, type) != 0)
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(xi->xi_node + strlen(dir) + 1, ids[i]) == 0)
				break;
		if (i == n) {
			/* A refused detach is tried again now. */
			xi->xi_flags = (xi->xi_flags | XIF_GONE) & ~XIF_STUCK;
			work = true;
		}
	}
	/* New nodes. */
	for (i = 0; i < n; i++) {
		if (xenbusb_find(sc, type, ids[i]) != NULL)
			continue;
		if (xenbusb_add(sc, type, ids[i]))
			work = true;
	}
	if (error == 0)
		free(ids, M_XENSTORE);
	return (work);
}

static bool
xenbusb_scan(struct xenbusb_softc *sc)
{
	struct xenbus_ivars *xi;
	const char **types;
	u_int n, i;
	bool work;
	int error;

	mtx_assert(&sc->xbs_lock, MA_OWNED);
	error = xs_directory(0, "device", NULL, &n, &types);
	if (error == ENOENT)
		n = 0;
	else if (error != 0) {
		device_printf(sc->xbs_dev, "cannot list device/: %d\n", error);
		return (false);
	}
	work = false;
	for (i = 0; i < n; i++) {
		if (!xenbusb_name_ok(types[i])) {
			device_printf(sc->xbs_dev, "ignoring device/%.64s: bad "
			    "name\n", types[i]);
			continue;
		}
		if (xenbusb_scan_type(sc, types[i]))
			work = true;
	}
	/* Types that disappeared entirely. */
	TAILQ_FOREACH(xi, &sc->xbs_children, xi_link) {
		if ((xi->xi_flags & XIF_GONE) != 0)
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(xi->xi_type, types[i]) == 0)
				break;
		if (i == n) {
			/* A refused detach is tried again now. */
			xi->xi_flags = (xi->xi_flags | XIF_GONE) & ~XIF_STUCK;
			work = true;
		}
	}
	if (error == 0)
		free(types, M_XENSTORE);
	return (work);
}

/* Hand the task its work, unless the bus is going away; xbs_lock held. */
static void
xenbusb_kick(struct xenbusb_softc *sc)
{
	mtx_assert(&sc->xbs_lock, MA_OWNED);
	if (!sc->xbs_detaching)
		(void)taskqueue_enqueue(sc->xbs_tq, &sc->xbs_task);
}

/*
 * Something under device/ changed (xenwatch thread): rescan the type it
 * concerns and leave the newbus work to the task.
 */
static void
xenbusb_devices_watch(struct xs_watch *w, const char *path)
{
	struct xenbusb_softc *sc = w->xw_arg;
	char type[XENBUS_NAMEMAX];
	const char *p, *slash;
	size_t n;
	bool work;

	p = path;
	n = strlen(sc->xbs_home);
	if (strncmp(p, sc->xbs_home, n) == 0 && p[n] == '/')
		p += n + 1;
	if (strncmp(p, "device", 6) != 0 || (p[6] != '/' && p[6] != '\0'))
		return;
	work = false;
	mtx_lock(&sc->xbs_lock);
	if (p[6] == '\0')
		work = xenbusb_scan(sc);
	else {
		p += 7;
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (n > 0 && n < sizeof(type)) {
			memcpy(type, p, n);
			type[n] = '\0';
			if (xenbusb_name_ok(type))
				work = xenbusb_scan_type(sc, type);
		}
	}
	if (work)
		xenbusb_kick(sc);
	mtx_unlock(&sc->xbs_lock);
}

/* The other end's state node changed (xenwatch thread): tell the task. */
static void
xenbusb_otherend_watch(struct xs_watch *w, const char *path)
{
	struct xenbus_ivars *xi = w->xw_arg;
	struct xenbusb_softc *sc = xi->xi_bus;

	mtx_lock(&sc->xbs_lock);
	xi->xi_flags |= XIF_OTHEREND;
	xenbusb_kick(sc);
	mtx_unlock(&sc->xbs_lock);
}

/*
 * Newbus work for one node; topology lock held, xbs_lock not.
 */

/* Add the child, probe and attach it; then follow the other end. */
static void
xenbusb_attach_node(struct xenbusb_softc *sc, struct xenbus_ivars *xi)
{
	device_t dev;

	bus_topo_assert();
	dev = device_add_child(sc->xbs_dev, NULL, DEVICE_UNIT_ANY);
	if (dev == NULL) {
		device_printf(sc->xbs_dev, "cannot add %s: no memory\n",
		    xi->xi_node);
		mtx_lock(&sc->xbs_lock);
		TAILQ_REMOVE(&sc->xbs_children, xi, xi_link);
		sc->xbs_rejected++;
		mtx_unlock(&sc->xbs_lock);
		free(xi, M_XENBUS);
		return;
	}
	device_set_ivars(dev, xi);
	device_set_desc_copy(dev, xi->xi_type);
	xi->xi_dev = dev;
	(void)device_probe_and_attach(dev);
	/* Fires once now: an attached driver hears the current state. */
	if (xs_watch_register(&xi->xi_watch, xi->xi_statepath,
	    xenbusb_otherend_watch, xi) == 0)
		xi->xi_watching = true;
}

/* The node went: detach (the driver may refuse: EBUSY) and delete. */
static void
xenbusb_remove_node(struct xenbusb_softc *sc, struct xenbus_ivars *xi)
{
	int error;

	bus_topo_assert();
	if (xi->xi_watching) {
		xs_watch_unregister(&xi->xi_watch);
		xi->xi_watching = false;
	}
	if (xi->xi_dev != NULL &&
	    (error = device_delete_child(sc->xbs_dev, xi->xi_dev)) != 0) {
		device_printf(sc->xbs_dev, "%s removed but its driver will "
		    "not detach: %d\n", xi->xi_node, error);
		mtx_lock(&sc->xbs_lock);
		xi->xi_flags |= XIF_STUCK;
		mtx_unlock(&sc->xbs_lock);
		return;
	}
	mtx_lock(&sc->xbs_lock);
	TAILQ_REMOVE(&sc->xbs_children, xi, xi_link);
	sc->xbs_removed++;
	mtx_unlock(&sc->xbs_lock);
	free(xi, M_XENBUS);
}

/* Read the other end's state and give it to an attached driver. */
static void
xenbusb_otherend_node(struct xenbusb_softc *sc, struct xenbus_ivars *xi)
{
	char *val;
	int state, error;

	bus_topo_assert();
	if ((error = xs_read(0, xi->xi_statepath, NULL, &val, NULL)) != 0)
		return;		/* not there (yet, or any more) */
	error = xs_parse_int(val, XenbusStateUnknown, XenbusStateReconfigured,
	    &state);
	if (error != 0) {
		device_printf(sc->xbs_dev, "%s: ignoring invalid state "
		    "\"%.16s\" of %s (error %d)\n", xi->xi_node, val,
		    xi->xi_otherend, error);
		free(val, M_XENSTORE);
		return;
	}
	free(val, M_XENSTORE);
	if (xi->xi_dev != NULL && device_is_attached(xi->xi_dev))
		XENBUS_OTHEREND_CHANGED(xi->xi_dev, (XenbusState)state);
}

/*
 * Do the work of one node, if there is any: false when there was none.
 * A departed node is removed rather than attached or told anything.
 */
static bool
xenbusb_work_one(struct xenbusb_softc *sc)
{
	struct xenbus_ivars *xi;
	int todo;

	bus_topo_assert();
	mtx_lock(&sc->xbs_lock);
	TAILQ_FOREACH(xi, &sc->xbs_children, xi_link)
		if ((xi->xi_flags & XIF_WORK) != 0 &&
		    (xi->xi_flags & XIF_STUCK) == 0)
			break;
	if (xi == NULL) {
		mtx_unlock(&sc->xbs_lock);
		return (false);
	}
	if ((xi->xi_flags & XIF_GONE) != 0) {
		todo = XIF_GONE;
		xi->xi_flags &= ~XIF_WORK;
	} else if ((xi->xi_flags & XIF_NEW) != 0) {
		todo = XIF_NEW;
		/* The watch registered after attach gives the state. */
		xi->xi_flags &= ~(XIF_NEW | XIF_OTHEREND);
	} else {
		todo = XIF_OTHEREND;
		xi->xi_flags &= ~XIF_OTHEREND;
	}
	mtx_unlock(&sc->xbs_lock);
	switch (todo) {
	case XIF_GONE:
		xenbusb_remove_node(sc, xi);
		break;
	case XIF_NEW:
		xenbusb_attach_node(sc, xi);
		break;
	default:
		xenbusb_otherend_node(sc, xi);
		break;
	}
	return (true);
}

/* The bus's task: all queued work, one node at a time. */
static void
xenbusb_task(void *arg, int pending)
{
	struct xenbusb_softc *sc = arg;
	bool more;

	do {
		bus_topo_lock();
		more = xenbusb_work_one(sc);
		bus_topo_unlock();
	} while (more);
}

static void
xenbusb_identify(driver_t *driver, device_t parent)
{
	if (device_find_child(parent, "xenbusb_front", -1) == NULL)
		(void)device_add_child(parent, "xenbusb_front", 0);
}

static int
xenbusb_probe(device_t dev)
{
	if (!xs_ready())
		return (ENXIO);
	device_set_desc(dev, "Xen frontend devices");
	return (BUS_PROBE_DEFAULT);
}

static int
xenbusb_attach(device_t dev)
{
	struct xenbusb_softc *sc = device_get_softc(dev);
	char node[80];
	int error;

	bus_topo_assert();
	sc->xbs_dev = dev;
	mtx_init(&sc->xbs_lock, "xenbusb", MTX_DEF);
	TAILQ_INIT(&sc->xbs_children);
	TASK_INIT(&sc->xbs_task, 0, xenbusb_task, sc);
	sc->xbs_tq = taskqueue_create(device_get_nameunit(dev), M_WAITOK,
	    PRI_KERN);
	if (sc->xbs_tq == NULL) {
		device_printf(dev, "cannot start the hot-plug thread\n");
		mtx_destroy(&sc->xbs_lock);
		return (ENOMEM);
	}
	snprintf(sc->xbs_home, sizeof(sc->xbs_home), "/local/domain/%u",
	    xs_domid());
	/* What is there now attaches here, in the boot thread. */
	mtx_lock(&sc->xbs_lock);
	(void)xenbusb_scan(sc);
	mtx_unlock(&sc->xbs_lock);
	while (xenbusb_work_one(sc))
		;
	mtx_lock(&sc->xbs_lock);
	sc->xbs_attached = true;
	mtx_unlock(&sc->xbs_lock);
	snprintf(node, sizeof(node), "%s/device", sc->xbs_home);
	if ((error = xs_watch_register(&sc->xbs_watch, node,
	    xenbusb_devices_watch, sc)) != 0) {
		device_printf(dev, "cannot watch %s (%d): no hot-plug\n", node,
		    error);
		sc->xbs_watch.xw_node = NULL;
	}
	return (0);
}

/*
 * Suspend and resume (xen_suspend(9); topology lock held).  The bus has
 * nothing to quiesce: its children suspend (bus_generic_suspend).  In a
 * new domain the toolstack has rewritten every device node for our new
 * domain id: each backend lives at a new path (its directory is named
 * after the frontend's domain), and our own home moved.  So before the
 * children resume, the devices watch follows the new home and each
 * attached child's backend path, backend id and state watch are read
 * and set again; the drivers then find their new backends through
 * xenbus_get_otherend_path().  Nodes that went or came while we were
 * away are dealt with by the devices watch, which fires once when
 * registered.
 */
static void
xenbusb_resume_node(struct xenbusb_softc *sc, struct xenbus_ivars *xi)
{
	char *backend;
	u_long domid;
	size_t len;
	int error;

	if (xi->xi_watching) {
		xs_watch_unregister(&xi->xi_watch);
		xi->xi_watching = false;
	}
	error = xs_read(0, xi->xi_node, "backend", &backend, &len);
	if (error != 0 || len == 0 || len >= sizeof(xi->xi_otherend) ||
	    strncmp(backend, "/local/domain/", 14) != 0) {
		device_printf(sc->xbs_dev, "%s: bad backend path after "
		    "resume (error %d)\n", xi->xi_node,
		    error != 0 ? error : EINVAL);
		if (error == 0)
			free(backend, M_XENSTORE);
		return;
	}
	if ((error = xs_read_ulong(0, xi->xi_node, "backend-id",
	    DOMID_FIRST_RESERVED - 1, &domid)) != 0) {
		device_printf(sc->xbs_dev, "%s: bad backend-id after resume "
		    "(error %d)\n", xi->xi_node, error);
		free(backend, M_XENSTORE);
		return;
	}
	strlcpy(xi->xi_otherend, backend, sizeof(xi->xi_otherend));
	free(backend, M_XENSTORE);
	xi->xi_otherend_id = (u_int)domid;
	snprintf(xi->xi_statepath, sizeof(xi->xi_statepath), "%s/state",
	    xi->xi_otherend);
	if (xs_watch_register(&xi->xi_watch, xi->xi_statepath,
	    xenbusb_otherend_watch, xi) == 0)
		xi->xi_watching = true;
}

static int
xenbusb_resume(device_t dev)
{
	struct xenbusb_softc *sc = device_get_softc(dev);
	struct xenbus_ivars *xi;
	char node[80];
	int error;

	bus_topo_assert();
	if (!xen_suspend_cancelled) {
		if (sc->xbs_watch.xw_node != NULL)
			xs_watch_unregister(&sc->xbs_watch);
		snprintf(sc->xbs_home, sizeof(sc->xbs_home),
		    "/local/domain/%u", xs_domid());
		/*
		 * Attached children leave the list only in the task, under
		 * the topology lock we hold; the watch thread may append.
		 */
		mtx_lock(&sc->xbs_lock);
		for (xi = TAILQ_FIRST(&sc->xbs_children); xi != NULL;
		    xi = TAILQ_NEXT(xi, xi_link)) {
			if (xi->xi_dev == NULL)
				continue;
			mtx_unlock(&sc->xbs_lock);
			xenbusb_resume_node(sc, xi);
			mtx_lock(&sc->xbs_lock);
		}
		mtx_unlock(&sc->xbs_lock);
		snprintf(node, sizeof(node), "%s/device", sc->xbs_home);
		if ((error = xs_watch_register(&sc->xbs_watch, node,
		    xenbusb_devices_watch, sc)) != 0) {
			device_printf(dev, "cannot watch %s after resume "
			    "(%d): no hot-plug\n", node, error);
			sc->xbs_watch.xw_node = NULL;
		}
	}
	return (bus_generic_resume(dev));
}

/*
 * Detach (topology lock held).  The task may be waiting for the lock we
 * hold, so it cannot be drained here: if it is running, refuse (EBUSY)
 * and let it finish.
 */
static int
xenbusb_detach(device_t dev)
{
	struct xenbusb_softc *sc = device_get_softc(dev);
	struct xenbus_ivars *xi;
	int error;

	bus_topo_assert();
	mtx_lock(&sc->xbs_lock);
	sc->xbs_detaching = true;
	mtx_unlock(&sc->xbs_lock);
	if (taskqueue_cancel(sc->xbs_tq, &sc->xbs_task, NULL) != 0) {
		mtx_lock(&sc->xbs_lock);
		sc->xbs_detaching = false;
		mtx_unlock(&sc->xbs_lock);
		return (EBUSY);
	}
	if (sc->xbs_watch.xw_node != NULL)
		xs_watch_unregister(&sc->xbs_watch);
	while ((xi = TAILQ_FIRST(&sc->xbs_children)) != NULL) {
		if (xi->xi_watching) {
			xs_watch_unregister(&xi->xi_watch);
			xi->xi_watching = false;
		}
		if (xi->xi_dev != NULL &&
		    (error = device_delete_child(dev, xi->xi_dev)) != 0) {
			/* Give the bus back its hot-plug. */
			mtx_lock(&sc->xbs_lock);
			sc->xbs_detaching = false;
			xenbusb_kick(sc);
			mtx_unlock(&sc->xbs_lock);
			if (sc->xbs_watch.xw_node != NULL)
				(void)xs_watch_register(&sc->xbs_watch,
				    sc->xbs_watch.xw_node,
				    xenbusb_devices_watch, sc);
			return (error);
		}
		mtx_lock(&sc->xbs_lock);
		TAILQ_REMOVE(&sc->xbs_children, xi, xi_link);
		mtx_unlock(&sc->xbs_lock);
		free(xi, M_XENBUS);
	}
	taskqueue_free(sc->xbs_tq);
	mtx_destroy(&sc->xbs_lock);
	return (0);
}

static int
xenbusb_child_location(device_t dev, device_t child, char *buf, size_t len)
{
	struct xenbus_ivars *xi = device_get_ivars(child);

	strlcpy(buf, xi != NULL ? xi->xi_node : "", len);
	return (0);
}

static void
xenbusb_probe_nomatch(device_t dev, device_t child)
{
	struct xenbus_ivars *xi = device_get_ivars(child);

	device_printf(dev, "<%s> at %s (no driver attached)\n", xi->xi_type,
	    xi->xi_node);
}

/*
 * A loaded driver (topology lock held, in the thread that loads it):
 * offer it our unattached children here, and queue the other end's
 * state for each one it attaches.
 */
static void
xenbusb_driver_added(device_t dev, driver_t *driver)
{
	struct xenbusb_softc *sc = device_get_softc(dev);
	struct xenbus_ivars *xi;
	device_t *kids;
	int n, i;

	bus_topo_assert();
	DEVICE_IDENTIFY(driver, dev);
	if (device_get_children(dev, &kids, &n) != 0)
		return;
	for (i = 0; i < n; i++) {
		if (device_get_state(kids[i]) != DS_NOTPRESENT ||
		    device_probe_and_attach(kids[i]) != 0 ||
		    !device_is_attached(kids[i]))
			continue;
		xi = device_get_ivars(kids[i]);
		mtx_lock(&sc->xbs_lock);
		xi->xi_flags |= XIF_OTHEREND;
		xenbusb_kick(sc);
		mtx_unlock(&sc->xbs_lock);
	}
	free(kids, M_TEMP);
}

static kobj_method_t xenbusb_methods[] = {
	DEVMETHOD(device_identify,	xenbusb_identify),
	DEVMETHOD(device_probe,		xenbusb_probe),
	DEVMETHOD(device_attach,	xenbusb_attach),
	DEVMETHOD(device_detach,	xenbusb_detach),
	DEVMETHOD(device_suspend,	bus_generic_suspend),
	DEVMETHOD(device_resume,	xenbusb_resume),
	DEVMETHOD(bus_print_child,	bus_generic_print_child),
	DEVMETHOD(bus_probe_nomatch,	xenbusb_probe_nomatch),
	DEVMETHOD(bus_child_location,	xenbusb_child_location),
	DEVMETHOD(bus_driver_added,	xenbusb_driver_added),
	DEVMETHOD_END
};

static driver_t xenbusb_driver = {
	"xenbusb_front",
	xenbusb_methods,
	sizeof(struct xenbusb_softc)
};

DRIVER_MODULE(xenbusb_front, root, xenbusb_driver, NULL, NULL);

/*
 * The xenbus(9) calls a driver uses.
 */
static struct xenbus_ivars *
xenbus_ivars(device_t dev)
{
	struct xenbus_ivars *xi = device_get_ivars(dev);

	KASSERT(xi != NULL, ("%s is not a xenbus device",
	    device_get_nameunit(dev)));
	return (xi);
}

const char *
xenbus_get_node(device_t dev)
{
	return (xenbus_ivars(dev)->xi_node);
}

const char *
xenbus_get_type(device_t dev)
{
	return (xenbus_ivars(dev)->xi_type);
}

const char *
xenbus_get_otherend_path(device_t dev)
{
	return (xenbus_ivars(dev)->xi_otherend);
}

u_int
xenbus_get_otherend_id(device_t dev)
{
	return (xenbus_ivars(dev)->xi_otherend_id);
}

XenbusState
xenbus_get_state(device_t dev)
{
	return (xenbus_ivars(dev)->xi_state);
}

/* The other end's state now, XenbusStateUnknown if unreadable or bad. */
XenbusState
xenbus_read_otherend_state(device_t dev)
{
	int state;

	if (xs_read_int(0, xenbus_ivars(dev)->xi_statepath, NULL,
	    XenbusStateUnknown, XenbusStateReconfigured, &state) != 0)
		return (XenbusStateUnknown);
	return ((XenbusState)state);
}

/*
 * Wait, polling every 20 ms, until the other end's state is one of the
 * set 'states' (XENBUS_STATE_BIT()s): 0, or ETIMEDOUT after 'ms'.  The
 * state last read goes to *statep if asked.  Thread context.
 */
int
xenbus_wait_otherend(device_t dev, u_int states, int ms,
    XenbusState *statep)
{
	XenbusState st;
	uint64_t deadline;
	int chan;

	deadline = nanouptime_ns() + (uint64_t)ms * 1000000ULL;
	for (;;) {
		st = xenbus_read_otherend_state(dev);
		if (statep != NULL)
			*statep = st;
		if ((states & XENBUS_STATE_BIT(st)) != 0)
			return (0);
		if (nanouptime_ns() >= deadline)
			return (ETIMEDOUT);
		(void)tsleep(&chan, 0, "xbwait", 1 + hz / 50);
	}
}

/* Publish our state in <node>/state. */
int
xenbus_set_state(device_t dev, XenbusState state)
{
	struct xenbus_ivars *xi = xenbus_ivars(dev);
	char val[8];
	int error;

	snprintf(val, sizeof(val), "%d", (int)state);
	if ((error = xs_write(0, xi->xi_node, "state", val)) != 0) {
		device_printf(dev, "cannot set state %s: %d\n",
		    xenbus_strstate(state), error);
		return (error);
	}
	xi->xi_state = state;
	return (0);
}

static void
xenbus_dev_verror(device_t dev, int err, const char *fmt, va_list ap)
{
	struct xenbus_ivars *xi = xenbus_ivars(dev);
	char msg[160], val[200];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	device_printf(dev, "%s: error %d\n", msg, err);
	snprintf(val, sizeof(val), "%d %s", err, msg);
	(void)xs_write(0, xi->xi_node, "error", val);
}

/* Report a problem to the console and to the other end (<node>/error). */
void
xenbus_dev_error(device_t dev, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xenbus_dev_verror(dev, err, fmt, ap);
	va_end(ap);
}

/* The same, and give up on the device: our state becomes Closing. */
void
xenbus_dev_fatal(device_t dev, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xenbus_dev_verror(dev, err, fmt, ap);
	va_end(ap);
	(void)xenbus_set_state(dev, XenbusStateClosing);
}

const char *
xenbus_strstate(XenbusState state)
{
	static const char *const names[] = {
		[XenbusStateUnknown] = "Unknown",
		[XenbusStateInitialising] = "Initialising",
		[XenbusStateInitWait] = "InitWait",
		[XenbusStateInitialised] = "Initialised",
		[XenbusStateConnected] = "Connected",
		[XenbusStateClosing] = "Closing",
		[XenbusStateClosed] = "Closed",
		[XenbusStateReconfiguring] = "Reconfiguring",
		[XenbusStateReconfigured] = "Reconfigured",
	};

	if ((u_int)state >= nitems(names) || names[state] == NULL)
		return ("invalid");
	return (names[state]);
}
