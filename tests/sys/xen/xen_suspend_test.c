/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xen_suspend(9)'s order (sys/xen/xen_suspend.c) on the host, over the
 * real newbus and kobj code, with the Xen and machine-dependent steps
 * recorded: devices suspend (children first) before xenstore is
 * quiesced and events are masked; the hypercall comes with events
 * masked, after the clock and the grant table; after it, grant table,
 * event channels and clock are back before events are unmasked, xenstore
 * before any device resumes (parents first), and the drivers learn which
 * case it was.  A device that refuses, or xenstore that cannot drain,
 * means no hypercall and everything resumed.
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
#include <machine/cpufunc.h>
#include <xen/gnttab.h>
#include <xen/xen_evtchn.h>
#include <xen/xen_suspend.h>
#include <xen/xenstore/xenstorevar.h>
#include "kernel_host.h"

#include "device_if.h"
#include "bus_if.h"

/* The record: one word per step, in order. */
static char trail[1024];
#define	masked	(kh_masked > 0)	/* events masked (kernel_host.c) */

static void
step(const char *what)
{
	size_t n = strlen(trail);

	snprintf(trail + n, sizeof(trail) - n, "%s%s", n > 0 ? " " : "",
	    what);
}

/* Steps that must run with events masked say so with a '*'. */
static void
mstep(const char *what)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s%s", what, masked ? "*" : "");
	step(buf);
}

/* The fake machine: what the hypercall returns. */
static int md_error;
static bool md_newdom;
static int xs_suspend_error;
static int nhypercalls;

void
xen_clock_suspend(void)
{
	mstep("clock_suspend");
}

void
xen_clock_resume(bool newdom)
{
	mstep(newdom ? "clock_resume(new)" : "clock_resume(same)");
}

int
xen_md_suspend(bool *newdomp)
{
	nhypercalls++;
	mstep("hypercall");
	*newdomp = md_newdom && md_error == 0;
	return (md_error);
}

void
gnttab_suspend(void)
{
	mstep("gnttab_suspend");
}

void
gnttab_resume(bool newdom)
{
	mstep("gnttab_resume");
}

u_int
evtchn_resume(bool newdom)
{
	mstep("evtchn_resume");
	return (0);
}

int
xs_suspend(void)
{
	mstep("xs_suspend");
	return (xs_suspend_error);
}

int
xs_resume(bool newdom)
{
	mstep(newdom ? "xs_resume(new)" : "xs_resume(same)");
	return (0);
}

/*
 * The tree: root0 - tbus0 - {tdev0, tdev1}.  Each device records its
 * suspend and resume (and, on resume, which case it was told); tdev1
 * may refuse.
 */
static int tdev_refuse_unit = -1;

static int
tdev_probe(device_t dev)
{
	return (BUS_PROBE_DEFAULT);
}

static int
tdev_attach(device_t dev)
{
	return (0);
}

static int
tdev_suspend(device_t dev)
{
	char buf[64];

	if (device_get_unit(dev) == tdev_refuse_unit) {
		snprintf(buf, sizeof(buf), "%s:refuses",
		    device_get_nameunit(dev));
		mstep(buf);
		return (EBUSY);
	}
	snprintf(buf, sizeof(buf), "%s:suspend", device_get_nameunit(dev));
	mstep(buf);
	return (0);
}

static int
tdev_resume(device_t dev)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s:resume(%s)", device_get_nameunit(dev),
	    xen_suspend_cancelled ? "same" : "new");
	mstep(buf);
	return (0);
}

static kobj_method_t tdev_methods[] = {
	DEVMETHOD(device_probe,		tdev_probe),
	DEVMETHOD(device_attach,	tdev_attach),
	DEVMETHOD(device_suspend,	tdev_suspend),
	DEVMETHOD(device_resume,	tdev_resume),
	DEVMETHOD_END
};
static driver_t tdev_driver = { "tdev", tdev_methods, 0 };

static int
tbus_attach(device_t dev)
{
	(void)device_add_child(dev, "tdev", 0);
	(void)device_add_child(dev, "tdev", 1);
	return (bus_generic_attach(dev));
}

static int
tbus_suspend(device_t dev)
{
	int error;

	if ((error = bus_generic_suspend(dev)) == 0)
		mstep("tbus0:suspend");
	return (error);
}

static int
tbus_resume(device_t dev)
{
	mstep("tbus0:resume");
	return (bus_generic_resume(dev));
}

static kobj_method_t tbus_methods[] = {
	DEVMETHOD(device_probe,		tdev_probe),
	DEVMETHOD(device_attach,	tbus_attach),
	DEVMETHOD(device_suspend,	tbus_suspend),
	DEVMETHOD(device_resume,	tbus_resume),
	DEVMETHOD_END
};
static driver_t tbus_driver = { "tbus", tbus_methods, 0 };

static void
setup(void)
{
	devclass_t dc;

	root_bus_init();
	bus_topo_lock();
	ATF_REQUIRE_EQ(0, devclass_add_driver(devclass_create("root"),
	    &tbus_driver, &dc));
	ATF_REQUIRE_EQ(0, devclass_add_driver(devclass_create("tbus"),
	    &tdev_driver, &dc));
	(void)device_add_child(root_bus, "tbus", 0);
	bus_topo_unlock();
	root_bus_configure();
	trail[0] = '\0';
	kh_masked = 0;
	nhypercalls = 0;
	md_error = 0;
	xs_suspend_error = 0;
	tdev_refuse_unit = -1;
}

#define	DEVS_DOWN	"tdev1:suspend tdev0:suspend tbus0:suspend"
#define	QUIESCE		"xs_suspend clock_suspend* gnttab_suspend* " \
			"hypercall* gnttab_resume* evtchn_resume*"

ATF_TC_WITHOUT_HEAD(new_domain);
ATF_TC_BODY(new_domain, tc)
{
	setup();
	md_newdom = true;
	ATF_CHECK_EQ(0, xen_suspend());
	ATF_CHECK_STREQ(DEVS_DOWN " " QUIESCE " clock_resume(new)* "
	    "xs_resume(new) tbus0:resume tdev0:resume(new) "
	    "tdev1:resume(new)", trail);
	ATF_CHECK(!masked);
	ATF_CHECK_EQ(1, xen_suspend_stats.xss_resumed);
}

ATF_TC_WITHOUT_HEAD(cancelled);
ATF_TC_BODY(cancelled, tc)
{
	setup();
	md_newdom = false;
	ATF_CHECK_EQ(0, xen_suspend());
	ATF_CHECK_STREQ(DEVS_DOWN " " QUIESCE " clock_resume(same)* "
	    "xs_resume(same) tbus0:resume tdev0:resume(same) "
	    "tdev1:resume(same)", trail);
	ATF_CHECK(!masked);
	ATF_CHECK(xen_suspend_cancelled);
}

/* Xen refusing the hypercall is a cancel with an error. */
ATF_TC_WITHOUT_HEAD(hypercall_fails);
ATF_TC_BODY(hypercall_fails, tc)
{
	setup();
	md_newdom = true;
	md_error = EINVAL;
	ATF_CHECK_EQ(EINVAL, xen_suspend());
	ATF_CHECK_STREQ(DEVS_DOWN " " QUIESCE " clock_resume(same)* "
	    "xs_resume(same) tbus0:resume tdev0:resume(same) "
	    "tdev1:resume(same)", trail);
	ATF_CHECK(!masked);
}

/* A refusal: no hypercall; what was suspended resumes; the error. */
ATF_TC_WITHOUT_HEAD(device_refuses);
ATF_TC_BODY(device_refuses, tc)
{
	setup();
	tdev_refuse_unit = 0;
	ATF_CHECK_EQ(EBUSY, xen_suspend());
	ATF_CHECK_EQ(0, nhypercalls);
	ATF_CHECK_STREQ("tdev1:suspend tdev0:refuses tdev1:resume(same)",
	    trail);
	ATF_CHECK(!masked);
	/* And the next one works. */
	tdev_refuse_unit = -1;
	trail[0] = '\0';
	md_newdom = true;
	ATF_CHECK_EQ(0, xen_suspend());
	ATF_CHECK_EQ(1, nhypercalls);
}

ATF_TC_WITHOUT_HEAD(xenstore_busy);
ATF_TC_BODY(xenstore_busy, tc)
{
	setup();
	xs_suspend_error = EBUSY;
	ATF_CHECK_EQ(EBUSY, xen_suspend());
	ATF_CHECK_EQ(0, nhypercalls);
	ATF_CHECK_STREQ(DEVS_DOWN " xs_suspend xs_resume(same) tbus0:resume "
	    "tdev0:resume(same) tdev1:resume(same)", trail);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, new_domain);
	ATF_TP_ADD_TC(tp, cancelled);
	ATF_TP_ADD_TC(tp, hypercall_fails);
	ATF_TP_ADD_TC(tp, device_refuses);
	ATF_TP_ADD_TC(tp, xenstore_busy);
	return (atf_no_error());
}
