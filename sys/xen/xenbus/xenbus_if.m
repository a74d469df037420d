/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xenbus_if.m: what the xenbus front bus (xenbusb_front.c) calls in the PV
 * drivers attached to it, besides the device methods.
 */

#include <sys/bus.h>
#include <xen/io/xenbus.h>

INTERFACE xenbus;

CODE {
	static void
	xenbus_null_otherend_changed(device_t dev, XenbusState newstate)
	{
	}
};

/**
 * The other end (the backend) of 'dev' moved to 'newstate'.  Called for
 * an attached device, after its attach returned, from the bus's task
 * queue thread with the topology lock held: the driver may talk to
 * xenstore and sleep.  Changes close together are merged (the driver is
 * told the state when the bus reads it).  States outside XenbusState are
 * never passed on; the bus reports them and ignores them.
 */
METHOD void otherend_changed {
	device_t dev;
	XenbusState newstate;
} DEFAULT xenbus_null_otherend_changed;
