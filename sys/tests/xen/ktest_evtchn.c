/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * In-kernel test of event channels under real Xen: a loopback pair (an
 * unbound port of ours, then an interdomain binding to it from ourselves)
 * carries notifications; every one sent is counted once on the other
 * port, and unbinding both leaves the bound-port count where it was.
 * Xen signals the new local port once when bind_interdomain completes
 * (seen in the lab with 4.17), so counting starts after the binding.
 *
 * With ktest_gnttab.c, ktest_xenstore.c and ktest_xenbus.c this is the
 * test module ktest_xen.ko (sys/modules/ktest_xen), loaded by ktest=
 * (ktest(9)).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/ktest.h>
#include <sys/module.h>
#include <machine/cpufunc.h>
#include <xen/xen_evtchn.h>

MODULE_VERSION(ktest_xen, 1);

static volatile u_long evt_seen;

static void
evt_handler(void *arg)
{
	evt_seen++;
}

#define	EVT_NOTIFY	100

KTEST(evtchn_loopback, "a loopback event channel counts every notify", 0)
{
	evtchn_port_t a, b;
	u_long seen0, b0;
	u_int bound0;
	int error, i;

	bound0 = evtchn_nbound();
	evt_seen = 0;
	if ((error = evtchn_alloc_unbound(DOMID_SELF, evt_handler, NULL,
	    "ktest-a", &a)) != 0) {
		ktest_fail("alloc_unbound: %d", error);
		return (error);
	}
	if ((error = evtchn_bind_interdomain(DOMID_SELF, a, evt_handler, NULL,
	    "ktest-b", &b)) != 0) {
		ktest_fail("bind_interdomain: %d", error);
		evtchn_unbind(a);
		return (error);
	}
	/* Events are on: each notify is taken before the next is sent. */
	seen0 = evt_seen;
	b0 = evtchn_count(b);
	for (i = 0; i < EVT_NOTIFY; i++)
		evtchn_notify(b);
	error = 0;
	if (evtchn_count(a) != EVT_NOTIFY || evt_seen - seen0 != EVT_NOTIFY ||
	    evtchn_count(b) != b0) {
		ktest_fail("sent %d on port %u: port %u counted %lu, handler "
		    "saw %lu, port %u counted %lu more", EVT_NOTIFY, b, a,
		    evtchn_count(a), evt_seen - seen0, b, evtchn_count(b) - b0);
		error = EINVAL;
	}
	evtchn_unbind(b);
	evtchn_unbind(a);
	if (evtchn_nbound() != bound0) {
		ktest_fail("%u ports still bound", evtchn_nbound() - bound0);
		error = EINVAL;
	}
	/* Nothing runs for an unbound port. */
	i = (int)evt_seen;
	evtchn_notify(b);
	if (evt_seen != (u_long)i) {
		ktest_fail("handler ran after unbind (%d, then %lu)", i,
		    evt_seen);
		error = EINVAL;
	}
	printf("ktest: evtchn_loopback: %d notifies on port %u counted on "
	    "port %u\n", EVT_NOTIFY, b, a);
	return (error);
}
