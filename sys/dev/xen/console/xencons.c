/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The PV console as the system console.
 *
 * The domain builder gives every PV guest a console ring page and an event
 * channel to xenconsoled in dom0 (start_info.console.domU).  We write into
 * the "out" ring and notify; when the ring is full we wait for xenconsoled
 * to consume, by polling our port with SCHEDOP_poll and a timeout.  The
 * wait is bounded: xenconsoled may not have connected yet, or may be gone,
 * and a kernel must not hang on its console.  After XENCONS_STALL_NS
 * without progress, output is dropped (and counted) until the ring moves
 * again.
 *
 * This is an early console: it needs only start_info and shared_info, and
 * runs with events masked.  It is called from printf(9) in any context.
 * The MD entry's cninit() finds it in the console linker set and attaches
 * it (CONSOLE_DRIVER, <sys/cons.h>).
 *
 * Input arrives in the "in" ring.  Early in boot the console switch polls
 * it (xencons_getc, waiting in xencons_idle).  Once event channels exist
 * (SI_SUB_INTR) a handler is bound to the port; xenconsoled notifies it
 * when it has written input (and when it has consumed output), and the
 * handler hands the input to the console switch (cnintr), which queues it
 * and wakes readers.  Output keeps waiting by polling the same port; the
 * console switch copes with a notification that a poll consumed.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/cons.h>
#include <sys/kernel.h>
#include <sys/queue.h>
#include <sys/kobj.h>
#include <sys/bus.h>
#include <machine/xen.h>
#include <machine/hypercall.h>
#include <xen/io/console.h>
#include <xen/xencons_ring.h>
#include <xen/xen_evtchn.h>
#include <xen/xen_suspend.h>

#include "device_if.h"
#include "bus_if.h"

#define	XENCONS_POLL_NS		(10 * 1000 * 1000)	/* one wait */
#define	XENCONS_STALL_NS	(2000 * 1000 * 1000UL)	/* give up */

static struct xencons_ring xencons_ring;
static evtchn_port_t xencons_port;
static bool xencons_stalled;
static uint64_t xencons_dropped;

/*
 * Wait for the ring to have room (or to drain completely when want is the
 * ring size).  Returns false if dom0 made no progress for the stall time.
 */
static bool
xencons_wait(size_t want)
{
	uint64_t deadline, now;
	size_t last;

	last = xencons_ring_out_space(&xencons_ring);
	deadline = xen_clock_ns() + XENCONS_STALL_NS;
	while (xencons_ring_out_space(&xencons_ring) < want) {
		evtchn_notify(xencons_port);
		now = xen_clock_ns();
		if (xencons_ring_out_space(&xencons_ring) != last) {
			last = xencons_ring_out_space(&xencons_ring);
			deadline = now + XENCONS_STALL_NS;
		}
		if (now >= deadline)
			return (false);
		(void)evtchn_poll(xencons_port, now + XENCONS_POLL_NS);
	}
	return (true);
}

static void
xencons_write(const char *buf, size_t len)
{
	size_t n;

	while (len > 0) {
		n = xencons_ring_put(&xencons_ring, buf, len);
		buf += n;
		len -= n;
		if (len == 0)
			break;
		if (xencons_stalled && xencons_ring_out_space(&xencons_ring) ==
		    0) {
			xencons_dropped += len;
			return;
		}
		xencons_stalled = !xencons_wait(1);
	}
	evtchn_notify(xencons_port);
}

static int
xencons_getc(void)
{
	char c;

	if (xencons_ring_get(&xencons_ring, &c, 1) == 0)
		return (-1);
	evtchn_notify(xencons_port);
	return ((u_char)c);
}

/* Early input: wait a little for dom0 to write (events masked or none). */
static void
xencons_idle(void)
{
	(void)evtchn_poll(xencons_port, xen_clock_ns() + XENCONS_POLL_NS);
}

/* Drain before shutdown: output still in the ring dies with the domain. */
static void
xencons_flush(void)
{
	if (!xencons_wait(sizeof(((struct xencons_interface *)0)->out)))
		xencons_stalled = true;
}

/* A PV domU has its ring; dom0 (no ring page) would use console_io. */
static void
xencons_cnprobe(struct consdev *cp)
{
	cp->cn_pri = xen_start_info.console.domU.mfn != 0 ? CN_REMOTE :
	    CN_DEAD;
}

static void
xencons_cninit(struct consdev *cp)
{
	xencons_port = xen_start_info.console.domU.evtchn;
	xencons_ring_init(&xencons_ring,
	    xen_mfn_to_bootva(xen_start_info.console.domU.mfn));
}

/*
 * After a resume in a new domain (xen_suspend(9)): the ring is the same
 * page of ours, but xenconsoled is reached through a new event channel,
 * which the restore wrote into start_info.  Until the device resumes
 * (and binds the new port) input is polled.
 */
static void
xencons_cnresume(void)
{
	xencons_port = xen_start_info.console.domU.evtchn;
}

static struct consdev xencons_dev = {
	.cn_name = "xencons",
	.cn_probe = xencons_cnprobe,
	.cn_init = xencons_cninit,
	.cn_write = xencons_write,
	.cn_getc = xencons_getc,
	.cn_flush = xencons_flush,
	.cn_idle = xencons_idle,
	.cn_resume = xencons_cnresume,
};
CONSOLE_DRIVER(xencons_dev);

/* Interrupt context, events masked: input (or output room) from dom0. */
static void
xencons_intr(void *arg)
{
	cnintr();
}

/*
 * The console as a device: "xencons0 on root0".  The ring has been the
 * system console since the first printf; attaching the device adds the
 * interrupt for input (before that, input is polled) and a place in the
 * device tree.  Detaching goes back to polling; the console stays.
 */
static void
xencons_identify(driver_t *driver, device_t parent)
{
	if (device_find_child(parent, "xencons", -1) == NULL)
		(void)device_add_child(parent, "xencons", 0);
}

static int
xencons_probe(device_t dev)
{
	device_set_desc(dev, "Xen PV console");
	return (BUS_PROBE_DEFAULT);
}

static int
xencons_attach(device_t dev)
{
	int error;

	error = evtchn_bind_handler(xencons_port, xencons_intr, NULL,
	    "xencons");
	if (error != 0) {
		device_printf(dev, "cannot bind event channel %u: %d\n",
		    xencons_port, error);
		return (error);
	}
	xencons_dev.cn_flags |= CN_INTR;
	return (0);
}

static int
xencons_detach(device_t dev)
{
	xencons_dev.cn_flags &= ~CN_INTR;
	evtchn_unbind(xencons_port);
	return (0);
}

/*
 * DEVICE_RESUME.  After a cancelled suspend the port and its handler are
 * still there.  In a new domain every event channel binding was dropped;
 * bind the handler to the new port (xencons_cnresume has taken it).
 */
static int
xencons_resume(device_t dev)
{
	int error;

	if (xen_suspend_cancelled)
		return (0);
	error = evtchn_bind_handler(xencons_port, xencons_intr, NULL,
	    "xencons");
	if (error != 0) {
		xencons_dev.cn_flags &= ~CN_INTR;
		device_printf(dev, "cannot bind event channel %u after "
		    "resume: %d; input is polled\n", xencons_port, error);
	}
	return (0);
}

static kobj_method_t xencons_methods[] = {
	DEVMETHOD(device_identify,	xencons_identify),
	DEVMETHOD(device_probe,		xencons_probe),
	DEVMETHOD(device_attach,	xencons_attach),
	DEVMETHOD(device_detach,	xencons_detach),
	DEVMETHOD(device_resume,	xencons_resume),
	DEVMETHOD_END
};

static driver_t xencons_driver = {
	"xencons",
	xencons_methods,
	0
};

DRIVER_MODULE(xencons, root, xencons_driver, NULL, NULL);

#include <sys/sysctl.h>

/* sysctl: hw.xen.console. */
SYSCTL_DECL(_hw_xen);
SYSCTL_NODE(_hw_xen, console, "the PV console");
SYSCTL_ULONG(_hw_xen_console, dropped, &xencons_dropped,
    "output bytes dropped: dom0 stalled");
