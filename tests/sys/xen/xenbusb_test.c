/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The xenbus front bus (sys/xen/xenbus/xenbusb_front.c) on the host, with
 * the real newbus and kobj underneath, a fake xenstore (fake_xs.c) and
 * task queues the test runs by hand (taskqueue_host.c): enumeration at
 * attach, hot-plug and hot-unplug through the device/ watch, malformed
 * nodes left out, and the other end's state reaching an attached driver
 * only when it is a valid XenbusState.  Hot-plug work is deferred: watch
 * callbacks attach and detach nothing themselves and never take the
 * topology lock (sx_host.c aborts if they wait for it), and a watch event
 * handled while a driver's attach is in progress is seen.  Suspend and
 * resume (xen_suspend(9)): after a resume in a new domain the bus takes
 * each child's new backend path and id before the driver resumes, and
 * follows the new backend's state; after a cancelled one nothing moves.
 */

#include <atf-c.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "malloc_host.h"
#define	malloc	kern_malloc
#define	free	kern_free
#include <sys/malloc.h>
#undef malloc
#undef free
#include <sys/queue.h>
#include <sys/kobj.h>
#include <sys/bus.h>
#include <xen/xen.h>
#include <xen/io/xenbus.h>
#include <xen/xenstore/xenstorevar.h>
#include <xen/xenbus/xenbusvar.h>
#include "fake_xs.h"
#include "kernel_host.h"
#include "sx_host.h"
#include "taskqueue_host.h"

#include "device_if.h"
#include "bus_if.h"
#include "xenbus_if.h"

SET_DECLARE(modmetadata_set, struct driver_module_data);

#define	BE	"/local/domain/0/backend"

/* xenbus_wait_otherend() sleeps in ticks of the kernel's clock. */
int hz = 1000;

/* A stand-in block driver: takes "vbd" children, records state changes. */
static int tbd_attached, tbd_detached, tbd_changes;
static XenbusState tbd_last;

static int
tbd_probe(device_t dev)
{
	if (strcmp(xenbus_get_type(dev), "vbd") != 0)
		return (ENXIO);
	device_set_desc(dev, "Test Block Device");
	return (BUS_PROBE_DEFAULT);
}

static int
tbd_attach(device_t dev)
{
	tbd_attached++;
	return (0);
}

static int
tbd_detach(device_t dev)
{
	tbd_detached++;
	return (0);
}

static void
tbd_otherend_changed(device_t dev, XenbusState state)
{
	tbd_changes++;
	tbd_last = state;
}

/* What the driver saw when it resumed. */
static int tbd_suspends, tbd_resumes;
static char tbd_resume_path[128];
static u_int tbd_resume_id;

static int
tbd_suspend(device_t dev)
{
	tbd_suspends++;
	return (0);
}

static int
tbd_resume(device_t dev)
{
	tbd_resumes++;
	snprintf(tbd_resume_path, sizeof(tbd_resume_path), "%s",
	    xenbus_get_otherend_path(dev));
	tbd_resume_id = xenbus_get_otherend_id(dev);
	return (0);
}

static kobj_method_t tbd_methods[] = {
	DEVMETHOD(device_suspend,	tbd_suspend),
	DEVMETHOD(device_resume,	tbd_resume),
	DEVMETHOD(device_probe,		tbd_probe),
	DEVMETHOD(device_attach,	tbd_attach),
	DEVMETHOD(device_detach,	tbd_detach),
	DEVMETHOD(xenbus_otherend_changed, tbd_otherend_changed),
	DEVMETHOD_END
};
static driver_t tbd_driver = { "tbd", tbd_methods, 0 };

static void
add_vbd(const char *id, const char *backend, const char *backend_id)
{
	char path[128];

	snprintf(path, sizeof(path), "device/vbd/%s/backend-id", id);
	fake_xs_set(path, backend_id);
	snprintf(path, sizeof(path), "device/vbd/%s/backend", id);
	fake_xs_set(path, backend);
}

static device_t bus;

/* Root bus, xenbusb_front (found through its DRIVER_MODULE), tbd. */
static void
setup(void)
{
	struct driver_module_data **dmdp;
	devclass_t dc;

	fake_xs_reset();
	tbd_attached = tbd_detached = tbd_changes = 0;
	root_bus_init();
	SET_FOREACH(dmdp, modmetadata_set)
		if (strcmp((*dmdp)->dmd_busname, "root") == 0)
			ATF_REQUIRE_EQ(0, (*dmdp)->dmd_handler(NULL, MOD_LOAD,
			    *dmdp));
	bus_topo_lock();
	ATF_REQUIRE(devclass_add_driver(devclass_create("xenbusb_front"),
	    &tbd_driver, &dc) == 0);
	bus_topo_unlock();
}

/* Deliver watch events and run the tasks they queue until all is quiet. */
static void
settle(void)
{
	int n;

	do {
		n = fake_xs_deliver();
		n += taskqueue_host_run_all();
	} while (n > 0);
}

static void
start(void)
{
	root_bus_configure();
	bus = devclass_get_device(devclass_find("xenbusb_front"), 0);
	ATF_REQUIRE(bus != NULL && device_is_attached(bus));
	settle();
}

static int
nchildren(void)
{
	device_t *kids;
	int n;

	bus_topo_slock();
	ATF_REQUIRE_EQ(0, device_get_children(bus, &kids, &n));
	bus_topo_sunlock();
	kern_free(kids, M_TEMP);
	return (n);
}

static device_t
child_at(const char *node)
{
	device_t *kids, found = NULL;
	char loc[128];
	int n, i;

	bus_topo_slock();
	ATF_REQUIRE_EQ(0, device_get_children(bus, &kids, &n));
	bus_topo_sunlock();
	for (i = 0; i < n; i++)
		if (BUS_CHILD_LOCATION(bus, kids[i], loc, sizeof(loc)) == 0 &&
		    strcmp(loc, node) == 0)
			found = kids[i];
	kern_free(kids, M_TEMP);
	return (found);
}

ATF_TC_WITHOUT_HEAD(enumerate);
ATF_TC_BODY(enumerate, tc)
{
	device_t d;

	setup();
	add_vbd("51712", BE "/vbd/5/51712", "0");
	fake_xs_set("device/vif/0/backend", BE "/vif/5/0");
	fake_xs_set("device/vif/0/backend-id", "0");
	start();
	ATF_CHECK_EQ(2, nchildren());
	d = child_at("device/vbd/51712");
	ATF_REQUIRE(d != NULL);
	ATF_CHECK(device_is_attached(d));
	ATF_CHECK_STREQ("vbd", xenbus_get_type(d));
	ATF_CHECK_STREQ(BE "/vbd/5/51712", xenbus_get_otherend_path(d));
	ATF_CHECK_EQ(0, xenbus_get_otherend_id(d));
	d = child_at("device/vif/0");
	ATF_REQUIRE(d != NULL);
	ATF_CHECK(!device_is_attached(d));	/* no vif driver */
	ATF_CHECK_EQ(1, tbd_attached);
}

ATF_TC_WITHOUT_HEAD(hotplug);
ATF_TC_BODY(hotplug, tc)
{
	setup();
	start();
	ATF_CHECK_EQ(0, nchildren());
	add_vbd("51728", BE "/vbd/5/51728", "0");
	settle();
	ATF_CHECK_EQ(1, nchildren());
	ATF_CHECK(child_at("device/vbd/51728") != NULL);
	ATF_CHECK_EQ(1, tbd_attached);
	/* Events about the same node do not add it twice. */
	fake_xs_set("device/vbd/51728/state", "1");
	settle();
	ATF_CHECK_EQ(1, nchildren());
	/* Unplug: detached and deleted, its state watch gone too. */
	fake_xs_rm("device/vbd/51728");
	settle();
	ATF_CHECK_EQ(0, nchildren());
	ATF_CHECK_EQ(1, tbd_detached);
	ATF_CHECK_EQ(1, fake_xs_nwatches());	/* only device/ */
}

/* Nodes no driver could trust are left out, and nothing leaks. */
ATF_TC_WITHOUT_HEAD(malformed);
ATF_TC_BODY(malformed, tc)
{
	long live;

	setup();
	start();
	live = kern_malloc_live;
	add_vbd("1", BE "/vbd/5/1", "abc");
	add_vbd("2", BE "/vbd/5/2", "-1");
	add_vbd("3", BE "/vbd/5/3", "70000");		/* > DOMID_FIRST_RESERVED */
	add_vbd("4", BE "/vbd/5/4", "");
	add_vbd("5", "/etc/passwd", "0");
	add_vbd("6", "", "0");
	add_vbd("has space", BE "/vbd/5/7", "0");
	settle();
	ATF_CHECK_EQ(0, nchildren());
	ATF_CHECK_EQ(0, tbd_attached);
	ATF_CHECK_EQ(live, kern_malloc_live);
	/* A node that is fixed later is taken. */
	fake_xs_set("device/vbd/1/backend-id", "0");
	settle();
	ATF_CHECK_EQ(1, nchildren());
	ATF_CHECK(child_at("device/vbd/1") != NULL);
}

ATF_TC_WITHOUT_HEAD(otherend_state);
ATF_TC_BODY(otherend_state, tc)
{
	setup();
	add_vbd("51712", BE "/vbd/5/51712", "0");
	start();
	tbd_changes = 0;
	fake_xs_set(BE "/vbd/5/51712/state", "4");
	settle();
	ATF_CHECK_EQ(1, tbd_changes);
	ATF_CHECK_EQ(XenbusStateConnected, tbd_last);
	fake_xs_set(BE "/vbd/5/51712/state", "99");
	fake_xs_set(BE "/vbd/5/51712/state", "abc");
	fake_xs_set(BE "/vbd/5/51712/state", "4x");
	settle();
	ATF_CHECK_EQ(1, tbd_changes);
	fake_xs_set(BE "/vbd/5/51712/state", "6");
	settle();
	ATF_CHECK_EQ(2, tbd_changes);
	ATF_CHECK_EQ(XenbusStateClosed, tbd_last);
	ATF_CHECK_EQ(XenbusStateClosed,
	    xenbus_read_otherend_state(child_at("device/vbd/51712")));
}

/*
 * xenbus_wait_otherend: each sleep is 20 ms of the fake clock; the
 * backend moves to Connected at the third.
 */
static int wo_sleeps;

static void
wo_hook(const void *chan)
{
	kh_now_ns += 20 * 1000000ULL;
	if (++wo_sleeps == 3)
		fake_xs_set(BE "/vbd/5/51712/state", "4");
}

ATF_TC_WITHOUT_HEAD(wait_otherend);
ATF_TC_BODY(wait_otherend, tc)
{
	XenbusState st;
	device_t d;

	setup();
	add_vbd("51712", BE "/vbd/5/51712", "0");
	fake_xs_set(BE "/vbd/5/51712/state", "2");
	start();
	d = child_at("device/vbd/51712");
	ATF_REQUIRE(d != NULL);
	kh_sleep_hook = wo_hook;
	/* Already there: no sleep. */
	wo_sleeps = 0;
	ATF_CHECK_EQ(0, xenbus_wait_otherend(d,
	    XENBUS_STATE_BIT(XenbusStateInitWait), 1000, &st));
	ATF_CHECK_EQ(XenbusStateInitWait, st);
	ATF_CHECK_EQ(0, wo_sleeps);
	/* Comes at the third sleep; a state outside the set does not count. */
	ATF_CHECK_EQ(0, xenbus_wait_otherend(d,
	    XENBUS_STATE_BIT(XenbusStateConnected) |
	    XENBUS_STATE_BIT(XenbusStateClosed), 1000, &st));
	ATF_CHECK_EQ(XenbusStateConnected, st);
	ATF_CHECK_EQ(3, wo_sleeps);
	/* Never comes: ETIMEDOUT after 100 ms, the last state read given. */
	wo_sleeps = 0;
	ATF_CHECK_EQ(ETIMEDOUT, xenbus_wait_otherend(d,
	    XENBUS_STATE_BIT(XenbusStateClosed), 100, &st));
	ATF_CHECK_EQ(XenbusStateConnected, st);
	ATF_CHECK(wo_sleeps >= 5 && wo_sleeps <= 6);
	kh_sleep_hook = NULL;
}

ATF_TC_WITHOUT_HEAD(set_state_and_errors);
ATF_TC_BODY(set_state_and_errors, tc)
{
	device_t d;
	char *v;

	setup();
	add_vbd("51712", BE "/vbd/5/51712", "0");
	start();
	d = child_at("device/vbd/51712");
	ATF_REQUIRE(d != NULL);
	ATF_CHECK_EQ(0, xenbus_set_state(d, XenbusStateInitialised));
	ATF_REQUIRE_EQ(0, xs_read(0, "device/vbd/51712", "state", &v, NULL));
	ATF_CHECK_STREQ("3", v);
	kern_free(v, M_XENSTORE);
	ATF_CHECK_EQ(XenbusStateInitialised, xenbus_get_state(d));
	xenbus_dev_fatal(d, EIO, "ring setup");
	ATF_REQUIRE_EQ(0, xs_read(0, "device/vbd/51712", "error", &v, NULL));
	ATF_CHECK_STREQ("5 ring setup", v);
	kern_free(v, M_XENSTORE);
	ATF_CHECK_EQ(XenbusStateClosing, xenbus_get_state(d));
	ATF_CHECK_STREQ("Connected", xenbus_strstate(XenbusStateConnected));
	ATF_CHECK_STREQ("invalid", xenbus_strstate((XenbusState)42));
}

/* Hot-plug attach and detach happen in the task, not the watch callback. */
ATF_TC_WITHOUT_HEAD(deferred_attach);
ATF_TC_BODY(deferred_attach, tc)
{
	unsigned long xlocks;

	setup();
	start();
	add_vbd("51728", BE "/vbd/5/51728", "0");
	xlocks = sx_host_xlocks;
	ATF_REQUIRE(fake_xs_deliver() > 0);
	ATF_CHECK_EQ(0, tbd_attached);
	ATF_CHECK_EQ(0, nchildren());
	ATF_CHECK_EQ(xlocks, sx_host_xlocks);	/* no topology lock taken */
	ATF_CHECK_EQ(1, taskqueue_host_pending_all());
	ATF_CHECK(taskqueue_host_run_all() >= 1);
	ATF_CHECK_EQ(1, tbd_attached);
	ATF_CHECK_EQ(1, nchildren());
	ATF_CHECK(sx_host_xlocks > xlocks);	/* the task took it */
	settle();

	fake_xs_rm("device/vbd/51728");
	ATF_REQUIRE(fake_xs_deliver() > 0);
	ATF_CHECK_EQ(0, tbd_detached);
	ATF_CHECK_EQ(1, nchildren());
	(void)taskqueue_host_run_all();
	ATF_CHECK_EQ(1, tbd_detached);
	ATF_CHECK_EQ(0, nchildren());
	ATF_CHECK_EQ(1, fake_xs_nwatches());
}

/*
 * A driver whose attach "sleeps": while it is in attach, dom0 adds a
 * second device and the watch thread handles the event.  The callback
 * must neither wait for the topology lock (held by the attaching task;
 * sx_host.c aborts on that) nor attach the device itself; it queues it.
 */
static int slow_attached, slow_delivered, slow_queued, slow_nested;
static char slow_order[64];

static int
tslow_probe(device_t dev)
{
	if (strcmp(xenbus_get_type(dev), "vslow") != 0)
		return (ENXIO);
	device_set_desc(dev, "Slow Test Device");
	return (BUS_PROBE_DEFAULT);
}

static int
tslow_attach(device_t dev)
{
	static int depth;

	if (depth++ > 0)
		slow_nested++;
	snprintf(slow_order + strlen(slow_order),
	    sizeof(slow_order) - strlen(slow_order), "%s ",
	    xenbus_get_node(dev));
	if (slow_attached++ == 0) {
		/* Meanwhile, in the watch thread ... */
		fake_xs_set("device/vslow/2/backend-id", "0");
		fake_xs_set("device/vslow/2/backend", BE "/vslow/5/2");
		slow_delivered = fake_xs_deliver();
		slow_queued = taskqueue_host_pending_all();
	}
	depth--;
	return (0);
}

static XenbusState slow_state;

static void
tslow_otherend_changed(device_t dev, XenbusState state)
{
	slow_state = state;
}

static kobj_method_t tslow_methods[] = {
	DEVMETHOD(device_probe,		tslow_probe),
	DEVMETHOD(device_attach,	tslow_attach),
	DEVMETHOD(xenbus_otherend_changed, tslow_otherend_changed),
	DEVMETHOD_END
};
static driver_t tslow_driver = { "tslow", tslow_methods, 0 };

ATF_TC_WITHOUT_HEAD(watch_during_attach);
ATF_TC_BODY(watch_during_attach, tc)
{
	setup();
	bus_topo_lock();
	ATF_REQUIRE(devclass_add_driver(devclass_find("xenbusb_front"),
	    &tslow_driver, NULL) == 0);
	bus_topo_unlock();
	start();
	fake_xs_set("device/vslow/1/backend-id", "0");
	fake_xs_set("device/vslow/1/backend", BE "/vslow/5/1");
	settle();
	ATF_CHECK_EQ(2, slow_attached);
	ATF_CHECK(slow_delivered > 0);
	ATF_CHECK_EQ(1, slow_queued);
	ATF_CHECK_EQ(0, slow_nested);
	ATF_CHECK_STREQ("device/vslow/1 device/vslow/2 ", slow_order);
	ATF_CHECK_EQ(2, nchildren());
}

/* A driver loaded later attaches and hears the other end's state. */
ATF_TC_WITHOUT_HEAD(driver_loaded_later);
ATF_TC_BODY(driver_loaded_later, tc)
{
	setup();
	fake_xs_set("device/vslow/7/backend-id", "0");
	fake_xs_set("device/vslow/7/backend", BE "/vslow/5/7");
	fake_xs_set(BE "/vslow/5/7/state", "2");
	start();
	ATF_CHECK(!device_is_attached(child_at("device/vslow/7")));
	slow_attached = 1;	/* no second device from its attach */
	bus_topo_lock();
	ATF_REQUIRE(devclass_add_driver(devclass_find("xenbusb_front"),
	    &tslow_driver, NULL) == 0);
	bus_topo_unlock();
	ATF_CHECK(device_is_attached(child_at("device/vslow/7")));
	ATF_CHECK_EQ(1, taskqueue_host_pending_all());
	ATF_CHECK_EQ(XenbusStateUnknown, slow_state);
	settle();
	ATF_CHECK_EQ(XenbusStateInitWait, slow_state);
}

extern bool xen_suspend_cancelled;

/* Suspend and resume the bus as xen_suspend(9) does (from the root). */
static void
suspend_resume(bool cancelled)
{
	bus_topo_lock();
	ATF_REQUIRE_EQ(0, device_suspend(bus));
	xen_suspend_cancelled = cancelled;
	ATF_REQUIRE_EQ(0, device_resume(bus));
	bus_topo_unlock();
}

ATF_TC_WITHOUT_HEAD(resume_new_domain);
ATF_TC_BODY(resume_new_domain, tc)
{
	device_t d;
	int nw;

	setup();
	add_vbd("51712", BE "/vbd/5/51712", "0");
	start();
	d = child_at("device/vbd/51712");
	ATF_REQUIRE(d != NULL && device_is_attached(d));
	nw = fake_xs_nwatches();
	tbd_suspends = tbd_resumes = 0;
	/* What the toolstack's restore does: a new backend directory. */
	fake_xs_set("device/vbd/51712/backend", BE "/vbd/9/51712");
	fake_xs_set("device/vbd/51712/backend-id", "3");
	suspend_resume(false);
	ATF_CHECK_EQ(1, tbd_suspends);
	ATF_CHECK_EQ(1, tbd_resumes);
	/* The driver resumed after the bus had read the new values. */
	ATF_CHECK_STREQ(BE "/vbd/9/51712", tbd_resume_path);
	ATF_CHECK_EQ(3, tbd_resume_id);
	ATF_CHECK_STREQ(BE "/vbd/9/51712", xenbus_get_otherend_path(d));
	ATF_CHECK_EQ(3, xenbus_get_otherend_id(d));
	settle();
	ATF_CHECK_EQ(nw, fake_xs_nwatches());
	ATF_CHECK_EQ(1, nchildren());
	/* The new backend's state reaches the driver, the old one's not. */
	tbd_changes = 0;
	fake_xs_set(BE "/vbd/5/51712/state", "6");
	settle();
	ATF_CHECK_EQ(0, tbd_changes);
	fake_xs_set(BE "/vbd/9/51712/state", "4");
	settle();
	ATF_CHECK_EQ(1, tbd_changes);
	ATF_CHECK_EQ(XenbusStateConnected, tbd_last);
}

ATF_TC_WITHOUT_HEAD(resume_cancelled);
ATF_TC_BODY(resume_cancelled, tc)
{
	device_t d;

	setup();
	add_vbd("51712", BE "/vbd/5/51712", "0");
	start();
	d = child_at("device/vbd/51712");
	ATF_REQUIRE(d != NULL);
	tbd_suspends = tbd_resumes = 0;
	/* Not read after a cancelled suspend: the domain is the same. */
	fake_xs_set("device/vbd/51712/backend", BE "/vbd/9/51712");
	suspend_resume(true);
	ATF_CHECK_EQ(1, tbd_suspends);
	ATF_CHECK_EQ(1, tbd_resumes);
	ATF_CHECK_STREQ(BE "/vbd/5/51712", xenbus_get_otherend_path(d));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, resume_new_domain);
	ATF_TP_ADD_TC(tp, resume_cancelled);
	ATF_TP_ADD_TC(tp, deferred_attach);
	ATF_TP_ADD_TC(tp, watch_during_attach);
	ATF_TP_ADD_TC(tp, driver_loaded_later);
	ATF_TP_ADD_TC(tp, enumerate);
	ATF_TP_ADD_TC(tp, hotplug);
	ATF_TP_ADD_TC(tp, malformed);
	ATF_TP_ADD_TC(tp, otherend_state);
	ATF_TP_ADD_TC(tp, set_state_and_errors);
	ATF_TP_ADD_TC(tp, wait_otherend);
	return (atf_no_error());
}
