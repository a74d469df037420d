/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * device_if.m: what every newbus driver implements.  A driver lists its
 * functions in a method table with DEVMETHOD(device_probe, foo_probe) etc.;
 * newbus (sys/kern/subr_bus.c) calls them as DEVICE_PROBE(dev) and so on.
 * Methods a driver leaves out get the DEFAULT named below.
 *
 * Context: all of them are called from a thread that may sleep (boot,
 * module load/unload, hot-plug), one at a time for the device tree.
 */

#include <sys/bus.h>

INTERFACE device;

CODE {
	static int
	device_null_ok(device_t dev)
	{
		return (0);
	}

	static void
	device_null_identify(driver_t *driver, device_t parent)
	{
	}
};

/**
 * Decide whether this driver handles 'dev'.  Called with the driver
 * tentatively set and a zeroed softc, which is thrown away afterwards: a
 * probe must not keep resources.  It may call device_set_desc().
 *
 * Returns ENXIO (or another errno) if the device is not ours, else a match
 * priority <= 0: BUS_PROBE_SPECIFIC (0, only this driver can do it) wins at
 * once; otherwise the highest value over all drivers wins, e.g.
 * BUS_PROBE_DEFAULT (-20) beats BUS_PROBE_GENERIC (-100).  No default: a
 * driver without a probe matches nothing.
 */
METHOD int probe {
	device_t dev;
};

/**
 * Let a driver add children to 'parent' that the bus cannot enumerate by
 * itself (from configuration, say).  Called for each driver of the bus's
 * class by bus_generic_probe() and when the driver is added.  Must not add
 * a child twice: check with device_find_child() first.
 */
STATICMETHOD void identify {
	driver_t *driver;
	device_t parent;
} DEFAULT device_null_identify;

/**
 * Bring the device up after a successful probe: allocate the softc's
 * resources, talk to the hardware or the other end, add children.  All or
 * nothing: on failure, undo everything done so far and return an errno;
 * newbus then frees the softc and the device is left unattached.
 */
METHOD int attach {
	device_t dev;
} DEFAULT device_null_ok;

/**
 * Undo attach.  Return 0 when everything is released, or an errno (EBUSY)
 * to refuse, in which case the device stays attached and untouched.  A bus
 * first detaches and deletes its children (bus_generic_detach()) and
 * refuses if one of them does.
 */
METHOD int detach {
	device_t dev;
} DEFAULT device_null_ok;

/**
 * The system is going down (kern_reboot(9)): quiesce the device so that
 * it does no further I/O and raises no more events -- a disk writes back
 * its cache first.  The device stays attached.  Called through
 * device_shutdown() on attached devices only; a bus calls
 * bus_generic_shutdown(), which shuts its children down last-added
 * first.  Returns 0 or an errno, which is logged: a shutdown goes on.
 */
METHOD int shutdown {
	device_t dev;
} DEFAULT device_null_ok;

/**
 * Save state before the domain is suspended (Xen save/migrate).  Called
 * through device_suspend() on attached, not yet suspended devices.  A bus
 * suspends its children first (bus_generic_suspend(), last-added first),
 * then itself.  An errno refuses the suspend: the bus resumes the
 * siblings it already suspended and passes the error up.
 */
METHOD int suspend {
	device_t dev;
} DEFAULT device_null_ok;

/**
 * Restore state after the domain is resumed: reconnect to the backend,
 * which may be a new one.  Called through device_resume() on suspended
 * devices.  A bus resumes itself first, then its children
 * (bus_generic_resume(), first-added first).  An errno is logged; the
 * device no longer counts as suspended.
 */
METHOD int resume {
	device_t dev;
} DEFAULT device_null_ok;

/**
 * Asked before a driver is unloaded: may the device be detached now?
 * Return 0 if so, EBUSY if it is in use (open, mounted, ...).  Nothing
 * must change either way; devclass_delete_driver() then detaches.
 */
METHOD int quiesce {
	device_t dev;
} DEFAULT device_null_ok;
