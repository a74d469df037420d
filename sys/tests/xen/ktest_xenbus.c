/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * In-kernel test of xenbus hot-plug, with dom0's help (lab scenario
 * hotplug): dom0 attaches a disk while no block driver exists, the bus
 * must list it as an unattached child; dom0 detaches it, the child must go.
 * Meanwhile dom0 plants malformed nodes, which must be reported and left
 * out.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/queue.h>
#include <sys/kobj.h>
#include <sys/bus.h>

#include "bus_if.h"

/* The location of the first child of xenbusb_front0 of 'prefix', or "". */
static void
xbt_find(const char *prefix, char *loc, size_t len, bool *attached)
{
	device_t bus, *kids;
	char buf[128];
	int n, i;

	loc[0] = '\0';
	bus_topo_slock();
	bus = devclass_get_device(devclass_find("xenbusb_front"), 0);
	if (bus == NULL || device_get_children(bus, &kids, &n) != 0) {
		bus_topo_sunlock();
		return;
	}
	for (i = 0; i < n; i++) {
		if (BUS_CHILD_LOCATION(bus, kids[i], buf, sizeof(buf)) == 0 &&
		    strncmp(buf, prefix, strlen(prefix)) == 0) {
			strlcpy(loc, buf, len);
			*attached = device_is_attached(kids[i]);
			break;
		}
	}
	bus_topo_sunlock();
	free(kids, M_TEMP);
}

static int
xbt_wait(const char *prefix, bool present, char *loc, size_t len,
    bool *attached)
{
	int i;

	for (i = 0; i < 120; i++) {		/* 60 s */
		xbt_find(prefix, loc, len, attached);
		if ((loc[0] != '\0') == present)
			return (0);
		tsleep(&xbt_wait, 0, "xbtwait", hz / 2);
	}
	return (ETIMEDOUT);
}

KTEST(xenbus_hotplug, "a hot-plugged vbd appears unattached, then goes",
    KTEST_EXPLICIT)
{
	char loc[128], gone[128];
	bool attached = false;

	if (devclass_get_device(devclass_find("xenbusb_front"), 0) == NULL) {
		ktest_fail("no xenbusb_front0");
		return (ENXIO);
	}
	printf("ktest: xenbus_hotplug: waiting for a vbd to appear\n");
	if (xbt_wait("device/vbd/", true, loc, sizeof(loc), &attached) != 0) {
		ktest_fail("no vbd appeared within 60 s");
		return (ETIMEDOUT);
	}
	printf("ktest: xenbus_hotplug: %s appeared, %s\n", loc,
	    attached ? "attached" : "unattached");
	if (attached) {
		ktest_fail("%s attached with no block driver", loc);
		return (EINVAL);
	}
	strlcpy(gone, loc, sizeof(gone));
	printf("ktest: xenbus_hotplug: waiting for %s to go\n", gone);
	if (xbt_wait(gone, false, loc, sizeof(loc), &attached) != 0) {
		ktest_fail("%s still there after 60 s", gone);
		return (ETIMEDOUT);
	}
	printf("ktest: xenbus_hotplug: %s removed\n", gone);
	return (0);
}
