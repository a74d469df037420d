/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * bus_if.m: what a bus driver implements for its children, on top of the
 * device methods (device_if.m).  Each method is called on the parent with
 * the child as an argument: BUS_PRINT_CHILD(bus, child).  Buses that have
 * nothing special to do inherit the bus_generic_*() defaults.
 *
 * Context: as for device_if.m, a thread that may sleep.
 */

#include <sys/errno.h>
#include <sys/bus.h>

INTERFACE bus;

CODE {
	static void
	bus_null_child(device_t bus, device_t child)
	{
	}

	static void
	bus_null_probe_nomatch(device_t bus, device_t child)
	{
	}

	static int
	bus_null_ivar(device_t bus, device_t child, int index,
	    uintptr_t *result)
	{
		return (ENOENT);
	}

	static int
	bus_null_write_ivar(device_t bus, device_t child, int index,
	    uintptr_t value)
	{
		return (ENOENT);
	}

	static int
	bus_null_location(device_t bus, device_t child, char *buf,
	    size_t buflen)
	{
		if (buflen > 0)
			buf[0] = '\0';
		return (0);
	}
};

/**
 * Print the attach line of 'child', e.g.
 * "xbd0: <Virtual Block Device> at device/vbd/51712 on xenbusb_front0".
 * Returns the number of characters printed.  The default prints the
 * header, the location from BUS_CHILD_LOCATION() as " at <location>" if
 * there is one, and the footer (bus_print_child_header() and
 * bus_print_child_footer()).
 */
METHOD int print_child {
	device_t bus;
	device_t child;
} DEFAULT bus_generic_print_child;

/**
 * No driver matched 'child'.  A bus may log it; the default is silent.
 * Called once per device, not on every re-probe.
 */
METHOD void probe_nomatch {
	device_t bus;
	device_t child;
} DEFAULT bus_null_probe_nomatch;

/**
 * Read instance variable 'index' of 'child': bus-specific facts such as a
 * xenstore path, which the bus keeps in the child's ivars.  Returns 0 and
 * sets *result, or ENOENT for an index the bus does not know.
 */
METHOD int read_ivar {
	device_t bus;
	device_t child;
	int index;
	uintptr_t *result;
} DEFAULT bus_null_ivar;

/**
 * Write instance variable 'index' of 'child'.  Returns 0, ENOENT for an
 * unknown index, or EINVAL for a read-only one.
 */
METHOD int write_ivar {
	device_t bus;
	device_t child;
	int index;
	uintptr_t value;
} DEFAULT bus_null_write_ivar;

/**
 * 'child' has just been detached (its DEVICE_DETACH succeeded); the bus
 * may release what it set up for that driver.
 */
METHOD void child_detached {
	device_t bus;
	device_t child;
} DEFAULT bus_null_child;

/**
 * A driver was added to this bus's devclass (a module was loaded).  The
 * default, bus_generic_driver_added(), runs the driver's identify method
 * and then probes and attaches every child that has no driver yet.
 */
METHOD void driver_added {
	device_t bus;
	driver_t *driver;
} DEFAULT bus_generic_driver_added;

/**
 * Add a child at position 'order' (lower first) named 'name' (NULL: any
 * driver) with unit 'unit' (DEVICE_UNIT_ANY: the next free one).  Used by
 * identify methods so the bus can attach its ivars.  Returns the new
 * device or NULL.
 */
METHOD device_t add_child {
	device_t bus;
	u_int order;
	const char *name;
	int unit;
} DEFAULT bus_generic_add_child;

/**
 * 'child' is about to be freed by device_delete_child(): it is detached
 * and has no children left.  The bus frees the child's ivars here.
 */
METHOD void child_deleted {
	device_t bus;
	device_t child;
} DEFAULT bus_null_child;

/**
 * Write where 'child' sits on the bus into buf (at most buflen bytes with
 * the NUL), e.g. "device/vbd/51712"; an empty string if there is nothing
 * to say.  Returns 0 or an errno.
 */
METHOD int child_location {
	device_t bus;
	device_t child;
	char *buf;
	size_t buflen;
} DEFAULT bus_null_location;
