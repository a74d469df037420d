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
 * Context: attach runs in the boot thread; watch callbacks in the
 * xenwatch thread.  xbs_lock (a sleep mutex) serialises changes to the
 * set of children; driver methods are called with it held and may sleep.
 *
 * The file also builds on the host against a fake xenstore
 * (tests/sys/xen/xenbus_test.c).
 */

#ifdef _KERNEL
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#else
#include <sys/param.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#define	malloc	kern_malloc
#define	free	kern_free
#ifndef nitems
#define	nitems(x)	(sizeof((x)) / sizeof((x)[0]))
#endif
#ifndef TAILQ_FOREACH_SAFE
#define	TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif
static size_t
xb_strlcpy(char *d, const char *s, size_t n)
{
	size_t len = strlen(s);

	if (n > 0) {
		size_t c = len < n - 1 ? len : n - 1;

		memcpy(d, s, c);
		d[c] = '\0';
	}
	return (len);
}
#define	strlcpy	xb_strlcpy
#define	KASSERT(exp, msg) do {						\
	if (!(exp)) {							\
		printf msg;						\
		abort();						\
	}								\
} while (0)
#endif
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/kobj.h>
#include <sys/bus.h>
#include <xen/io/xenbus.h>
#include <xen/xen.h>
#include <xen/xenstore/xs_wire.h>
#include <xen/xenstore/xenstorevar.h>
#include <xen/xenbus/xenbusvar.h>

#include "device_if.h"
#include "bus_if.h"
#include "xenbus_if.h"

MALLOC_DEFINE(M_XENBUS, "xenbus", "xenbus devices");

#define	XENBUS_NAMEMAX	64		/* a type or an id */
#define	XENBUS_PATHMAX	256		/* a backend path */

struct xenbus_ivars {
	TAILQ_ENTRY(xenbus_ivars) xi_link;	/* [b] the bus's children */
	device_t	 xi_dev;		/* [I] */
	char		 xi_node[2 * XENBUS_NAMEMAX + 16]; /* [I] */
	char		 xi_type[XENBUS_NAMEMAX];	 /* [I] */
	char		 xi_otherend[XENBUS_PATHMAX];	 /* [I] */
	char		 xi_statepath[XENBUS_PATHMAX + 8]; /* [I] */
	u_int		 xi_otherend_id;		 /* [I] */
	XenbusState	 xi_state;			 /* [b] ours */
	struct xs_watch	 xi_watch;			 /* otherend state */
	bool		 xi_watching;
};

struct xenbusb_softc {
	device_t	 xbs_dev;
	struct mtx	 xbs_lock;
	TAILQ_HEAD(, xenbus_ivars) xbs_children;	/* [b] */
	struct xs_watch	 xbs_watch;			/* device/ */
	char		 xbs_home[64];			/* /local/domain/N */
	u_long		 xbs_added, xbs_removed, xbs_rejected;
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

static struct xenbus_ivars *
xenbusb_find(struct xenbusb_softc *sc, const char *type, const char *id)
{
	struct xenbus_ivars *xi;
	char node[sizeof(xi->xi_node)];

	snprintf(node, sizeof(node), "device/%s/%s", type, id);
	TAILQ_FOREACH(xi, &sc->xbs_children, xi_link)
		if (strcmp(xi->xi_node, node) == 0)
			return (xi);
	return (NULL);
}

/*
 * Add device/<type>/<id> as a child (not yet probed).  Returns the new
 * ivars, or NULL if the node is malformed (reported) or vanished.
 */
static struct xenbus_ivars *
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
		return (NULL);
	}
	xi = malloc(sizeof(*xi), M_XENBUS, M_WAITOK | M_ZERO);
	snprintf(xi->xi_node, sizeof(xi->xi_node), "device/%s/%s", type, id);
	strlcpy(xi->xi_type, type, sizeof(xi->xi_type));
	error = xs_read(0, xi->xi_node, "backend", &backend, &len);
	if (error == ENOENT) {
		/* Being created or torn down: the next event will tell. */
		free(xi, M_XENBUS);
		return (NULL);
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
		return (NULL);
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
		return (NULL);
	}
	xi->xi_otherend_id = (u_int)domid;
	xi->xi_state = XenbusStateInitialising;
	xi->xi_dev = device_add_child(sc->xbs_dev, NULL, -1);
	if (xi->xi_dev == NULL) {
		free(xi, M_XENBUS);
		return (NULL);
	}
	device_set_ivars(xi->xi_dev, xi);
	device_set_desc_copy(xi->xi_dev, type);
	TAILQ_INSERT_TAIL(&sc->xbs_children, xi, xi_link);
	sc->xbs_added++;
	snprintf(xi->xi_statepath, sizeof(xi->xi_statepath), "%s/state",
	    xi->xi_otherend);
	if (xs_watch_register(&xi->xi_watch, xi->xi_statepath,
	    xenbusb_otherend_watch, xi) == 0)
		xi->xi_watching = true;
	return (xi);
}

/* The node is gone: detach (the driver may refuse: EBUSY) and delete. */
static void
xenbusb_remove(struct xenbusb_softc *sc, struct xenbus_ivars *xi)
{
	int error;

	mtx_assert(&sc->xbs_lock, MA_OWNED);
	if (xi->xi_watching) {
		xs_watch_unregister(&xi->xi_watch);
		xi->xi_watching = false;
	}
	if ((error = device_delete_child(sc->xbs_dev, xi->xi_dev)) != 0) {
		device_printf(sc->xbs_dev, "%s removed but its driver will "
		    "not detach: %d\n", xi->xi_node, error);
		return;
	}
	TAILQ_REMOVE(&sc->xbs_children, xi, xi_link);
	sc->xbs_removed++;
	free(xi, M_XENBUS);
}

/* Bring the children in line with device/<type>/ in xenstore. */
static void
xenbusb_scan_type(struct xenbusb_softc *sc, const char *type, bool attach)
{
	struct xenbus_ivars *xi, *next;
	const char **ids;
	char dir[XENBUS_NAMEMAX + 16];
	u_int n, i;
	int error;

	mtx_assert(&sc->xbs_lock, MA_OWNED);
	snprintf(dir, sizeof(dir), "device/%s", type);
	error = xs_directory(0, dir, NULL, &n, &ids);
	if (error != 0 && error != ENOENT) {
		device_printf(sc->xbs_dev, "cannot list %s: %d\n", dir, error);
		return;
	}
	if (error == ENOENT)
		n = 0;
	xenbusb_forget(sc, type, ids, n);
	/* Departed nodes. */
	TAILQ_FOREACH_SAFE(xi, &sc->xbs_children, xi_link, next) {
		if (strcmp(xi->xi_type, type) != 0)
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(xi->xi_node + strlen(dir) + 1, ids[i]) == 0)
				break;
		if (i == n)
			xenbusb_remove(sc, xi);
	}
	/* New nodes. */
	for (i = 0; i < n; i++) {
		if (xenbusb_find(sc, type, ids[i]) != NULL)
			continue;
		if ((xi = xenbusb_add(sc, type, ids[i])) != NULL && attach)
			(void)device_probe_and_attach(xi->xi_dev);
	}
	if (error == 0)
		free(ids, M_XENSTORE);
}

static void
xenbusb_scan(struct xenbusb_softc *sc, bool attach)
{
	struct xenbus_ivars *xi, *next;
	const char **types;
	u_int n, i;
	int error;

	error = xs_directory(0, "device", NULL, &n, &types);
	if (error == ENOENT)
		n = 0;
	else if (error != 0) {
		device_printf(sc->xbs_dev, "cannot list device/: %d\n", error);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!xenbusb_name_ok(types[i])) {
			device_printf(sc->xbs_dev, "ignoring device/%.64s: bad "
			    "name\n", types[i]);
			continue;
		}
		xenbusb_scan_type(sc, types[i], attach);
	}
	/* Types that disappeared entirely. */
	TAILQ_FOREACH_SAFE(xi, &sc->xbs_children, xi_link, next) {
		for (i = 0; i < n; i++)
			if (strcmp(xi->xi_type, types[i]) == 0)
				break;
		if (i == n)
			xenbusb_remove(sc, xi);
	}
	if (error == 0)
		free(types, M_XENSTORE);
}

/* Something under device/ changed: rescan the type it concerns. */
static void
xenbusb_devices_watch(struct xs_watch *w, const char *path)
{
	struct xenbusb_softc *sc = w->xw_arg;
	char type[XENBUS_NAMEMAX];
	const char *p, *slash;
	size_t n;

	p = path;
	n = strlen(sc->xbs_home);
	if (strncmp(p, sc->xbs_home, n) == 0 && p[n] == '/')
		p += n + 1;
	if (strncmp(p, "device", 6) != 0 || (p[6] != '/' && p[6] != '\0'))
		return;
	mtx_lock(&sc->xbs_lock);
	if (p[6] == '\0')
		xenbusb_scan(sc, true);
	else {
		p += 7;
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (n > 0 && n < sizeof(type)) {
			memcpy(type, p, n);
			type[n] = '\0';
			if (xenbusb_name_ok(type))
				xenbusb_scan_type(sc, type, true);
		}
	}
	mtx_unlock(&sc->xbs_lock);
}

/* The other end's state node changed. */
static void
xenbusb_otherend_watch(struct xs_watch *w, const char *path)
{
	struct xenbus_ivars *xi = w->xw_arg;
	char *val;
	int state, error;

	if ((error = xs_read(0, xi->xi_statepath, NULL, &val, NULL)) != 0)
		return;		/* not there (yet, or any more) */
	error = xs_parse_int(val, XenbusStateUnknown, XenbusStateReconfigured,
	    &state);
	if (error != 0) {
		device_printf(device_get_parent(xi->xi_dev), "%s: ignoring "
		    "invalid state \"%.16s\" of %s (error %d)\n", xi->xi_node,
		    val, xi->xi_otherend, error);
		free(val, M_XENSTORE);
		return;
	}
	free(val, M_XENSTORE);
	if (device_is_attached(xi->xi_dev))
		XENBUS_OTHEREND_CHANGED(xi->xi_dev, (XenbusState)state);
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

	sc->xbs_dev = dev;
	mtx_init(&sc->xbs_lock, "xenbusb", MTX_DEF);
	TAILQ_INIT(&sc->xbs_children);
	snprintf(sc->xbs_home, sizeof(sc->xbs_home), "/local/domain/%u",
	    xs_domid());
	mtx_lock(&sc->xbs_lock);
	xenbusb_scan(sc, false);
	mtx_unlock(&sc->xbs_lock);
	(void)bus_generic_attach(dev);
	snprintf(node, sizeof(node), "%s/device", sc->xbs_home);
	if ((error = xs_watch_register(&sc->xbs_watch, node,
	    xenbusb_devices_watch, sc)) != 0) {
		device_printf(dev, "cannot watch %s (%d): no hot-plug\n", node,
		    error);
		sc->xbs_watch.xw_node = NULL;
	}
	return (0);
}

static int
xenbusb_detach(device_t dev)
{
	struct xenbusb_softc *sc = device_get_softc(dev);
	struct xenbus_ivars *xi;
	int error;

	xs_watch_unregister(&sc->xbs_watch);
	mtx_lock(&sc->xbs_lock);
	while ((xi = TAILQ_FIRST(&sc->xbs_children)) != NULL) {
		if (xi->xi_watching)
			xs_watch_unregister(&xi->xi_watch);
		if ((error = device_delete_child(dev, xi->xi_dev)) != 0) {
			mtx_unlock(&sc->xbs_lock);
			return (error);
		}
		TAILQ_REMOVE(&sc->xbs_children, xi, xi_link);
		free(xi, M_XENBUS);
	}
	mtx_unlock(&sc->xbs_lock);
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

/* A loaded driver: offer it our unattached children. */
static void
xenbusb_driver_added(device_t dev, driver_t *driver)
{
	struct xenbusb_softc *sc = device_get_softc(dev);

	mtx_lock(&sc->xbs_lock);
	bus_generic_driver_added(dev, driver);
	mtx_unlock(&sc->xbs_lock);
}

static kobj_method_t xenbusb_methods[] = {
	DEVMETHOD(device_identify,	xenbusb_identify),
	DEVMETHOD(device_probe,		xenbusb_probe),
	DEVMETHOD(device_attach,	xenbusb_attach),
	DEVMETHOD(device_detach,	xenbusb_detach),
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
