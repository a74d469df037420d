/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * newbus: the device tree (see <sys/bus.h> for the vocabulary).
 *
 * Life of a device:
 *
 *   device_add_child()		DS_NOTPRESENT, no driver, no softc; a
 *				child added by name already has its devclass
 *				and unit ("xbd", 0 -> xbd0)
 *   device_probe()		every driver registered with the parent's
 *				devclass probes it in turn, each with a
 *				fresh zeroed softc; the best one is kept:
 *				DS_ALIVE, driver and softc set
 *   device_attach()		prints the attach line, DEVICE_ATTACH():
 *				DS_ATTACHED; on failure back to DS_NOTPRESENT
 *				with softc, description and (for a child
 *				without a fixed name) the unit given back
 *   device_detach()		DEVICE_DETACH(); if it refuses, nothing
 *				changes; else as after a failed attach
 *   device_delete_child()	detach, delete the grandchildren, free
 *
 * Drivers come and go at run time (modules): devclass_add_driver() asks
 * every attached bus of the class to re-probe its driverless children
 * (BUS_DRIVER_ADDED), devclass_delete_driver() detaches the devices the
 * driver owns and refuses with EBUSY if one of them will not go.
 *
 * Allocation: devices, devclasses and driver links come from M_BUS with
 * M_NOWAIT (callers see NULL or ENOMEM), softcs too, zeroed.  Devclasses
 * are never freed: there are few of them, and a driver reloaded later
 * finds its unit numbers where it left them.
 *
 * Locking: the topology lock, bus_topo_lock(), an sx(9) lock.  Every
 * function that changes the tree, a devclass's devices or a driver list
 * asserts that its caller holds it exclusively, and calls driver methods
 * (probe, attach, detach, identify, BUS_DRIVER_ADDED, ...) with it held,
 * so a driver's attach may sleep -- waiting for its backend, say --
 * without anything changing the tree under it.  Functions that only walk
 * the tree (device_get_children) want it held, shared or exclusive.
 * It is taken, at the top, by:
 *   - root_bus_configure(), the first probe and attach at boot;
 *   - driver_module_handler(), for the whole of a driver's MOD_LOAD,
 *     MOD_QUIESCE and MOD_UNLOAD: adding a driver (and the re-probe
 *     BUS_DRIVER_ADDED triggers) or removing one (and the detaches);
 *   - a bus that changes its children later, in thread context: the
 *     xenbus front bus takes it in its task queue's thread for each
 *     hot-plugged device it adds, attaches, detaches or deletes;
 *   - readers: the monitor's devinfo, shared.
 * Suspend, resume and shutdown walks (bus_generic_suspend() etc.) do not
 * assert it: the shutdown path may run where sleeping is not possible.
 * It is never taken in interrupt context, and code that holds it must
 * not wait for work that itself needs it (a watch callback or task that
 * needs the lock must not be drained by a lock holder).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>

#include <sys/queue.h>
#include <sys/kobj.h>
#include <sys/bus.h>
#include <sys/sx.h>

#include "device_if.h"
#include "bus_if.h"

MALLOC_DEFINE(M_BUS, "bus", "newbus devices, devclasses and softcs");

struct driverlink {
	TAILQ_ENTRY(driverlink)	dl_link;
	driver_t		*dl_driver;
};
TAILQ_HEAD(driver_list, driverlink);
TAILQ_HEAD(device_list, device);

struct devclass {
	TAILQ_ENTRY(devclass)	dc_link;	/* all devclasses */
	struct driver_list	dc_drivers;	/* for children of our buses */
	device_t		*dc_devices;	/* by unit; NULL: free */
	int			dc_maxunit;	/* slots in dc_devices */
	char			dc_name[DEVCLASS_NAMELEN];
};

struct device {
	KOBJ_FIELDS;				/* first: the kobj */
	TAILQ_ENTRY(device)	dev_link;	/* siblings, by dev_order */
	struct device_list	dev_children;
	device_t		dev_parent;
	driver_t		*dev_driver;	/* NULL: none */
	devclass_t		dev_devclass;	/* NULL: none yet */
	int			dev_unit;	/* DEVICE_UNIT_ANY: none */
	u_int			dev_order;
	device_state_t		dev_state;
	u_int			dev_flags;
#define	DF_FIXEDCLASS	0x0001		/* added by name: class is fixed */
#define	DF_ANYUNIT	0x0002		/* unit picked by the devclass */
#define	DF_DESCMALLOCED	0x0004		/* dev_desc is ours to free */
#define	DF_QUIET	0x0008		/* no attach/detach lines */
#define	DF_DONENOMATCH	0x0010		/* BUS_PROBE_NOMATCH() was called */
#define	DF_SUSPENDED	0x0020		/* DEVICE_SUSPEND() succeeded */
	char			*dev_desc;
	void			*dev_ivars;
	void			*dev_softc;
	char			dev_nameunit[DEVCLASS_NAMELEN + 8];
};

static TAILQ_HEAD(, devclass) devclasses = TAILQ_HEAD_INITIALIZER(devclasses);

/* What a device without a driver is an instance of: all defaults. */
static kobj_method_t null_methods[] = {
	KOBJMETHOD_END
};
static struct kobj_class null_class = {
	"null", null_methods, 0, NULL, 0, NULL
};

device_t	root_bus;
devclass_t	root_devclass;
static struct sx bus_topo_sx;

/*
 * The topology lock.
 */

void
bus_topo_lock(void)
{
	KASSERT(bus_topo_sx.sx_name != NULL,
	    ("bus_topo_lock before root_bus_init"));
	sx_xlock(&bus_topo_sx);
}

void
bus_topo_unlock(void)
{
	sx_xunlock(&bus_topo_sx);
}

void
bus_topo_slock(void)
{
	KASSERT(bus_topo_sx.sx_name != NULL,
	    ("bus_topo_slock before root_bus_init"));
	sx_slock(&bus_topo_sx);
}

void
bus_topo_sunlock(void)
{
	sx_sunlock(&bus_topo_sx);
}

/* Held exclusively by the calling thread (a driver in attach or detach)? */
int
bus_topo_owned(void)
{
	return (sx_xlocked(&bus_topo_sx) != 0);
}

/* Panic unless held exclusively (shared_ok: or shared). */
void
_bus_topo_assert(int shared_ok, const char *file, int line)
{
	_sx_assert(&bus_topo_sx, shared_ok ? SA_LOCKED : SA_XLOCKED, file,
	    line);
}

/*
 * Devclasses.
 */

static devclass_t
devclass_find_internal(const char *classname, bool create)
{
	devclass_t dc;
	size_t len;

	if (classname == NULL)
		return (NULL);
	TAILQ_FOREACH(dc, &devclasses, dc_link) {
		if (strcmp(dc->dc_name, classname) == 0)
			return (dc);
	}
	if (!create)
		return (NULL);
	len = strlen(classname);
	if (len == 0 || len >= DEVCLASS_NAMELEN) {
		printf("devclass: bad class name \"%s\"\n", classname);
		return (NULL);
	}
	dc = malloc(sizeof(*dc), M_BUS, M_NOWAIT | M_ZERO);
	if (dc == NULL)
		return (NULL);
	memcpy(dc->dc_name, classname, len + 1);
	TAILQ_INIT(&dc->dc_drivers);
	TAILQ_INSERT_TAIL(&devclasses, dc, dc_link);
	return (dc);
}

devclass_t
devclass_find(const char *classname)
{
	return (devclass_find_internal(classname, false));
}

devclass_t
devclass_create(const char *classname)
{
	return (devclass_find_internal(classname, true));
}

const char *
devclass_get_name(devclass_t dc)
{
	return (dc->dc_name);
}

device_t
devclass_get_device(devclass_t dc, int unit)
{
	if (dc == NULL || unit < 0 || unit >= dc->dc_maxunit)
		return (NULL);
	return (dc->dc_devices[unit]);
}

void *
devclass_get_softc(devclass_t dc, int unit)
{
	device_t dev;

	dev = devclass_get_device(dc, unit);
	return (dev != NULL ? dev->dev_softc : NULL);
}

/* One more than the highest unit in use, 0 if none. */
int
devclass_get_maxunit(devclass_t dc)
{
	int unit;

	if (dc == NULL)
		return (0);
	for (unit = dc->dc_maxunit; unit > 0; unit--)
		if (dc->dc_devices[unit - 1] != NULL)
			break;
	return (unit);
}

int
devclass_get_count(devclass_t dc)
{
	int unit, n;

	n = 0;
	for (unit = 0; dc != NULL && unit < dc->dc_maxunit; unit++)
		if (dc->dc_devices[unit] != NULL)
			n++;
	return (n);
}

/*
 * Give 'dev' a unit in 'dc': the one it asks for, or the lowest free one
 * if it asks for DEVICE_UNIT_ANY.  EEXIST if the unit it asks for is taken.
 */
static int
devclass_add_device(devclass_t dc, device_t dev)
{
	device_t *ndevices;
	int unit, nmax;

	unit = dev->dev_unit;
	if (unit == DEVICE_UNIT_ANY) {
		for (unit = 0; unit < dc->dc_maxunit; unit++)
			if (dc->dc_devices[unit] == NULL)
				break;
	} else if (unit < 0) {
		return (EINVAL);
	} else if (unit < dc->dc_maxunit && dc->dc_devices[unit] != NULL) {
		return (EEXIST);
	}
	if (unit > DEVCLASS_MAXUNIT)
		return (ENOSPC);
	if (unit >= dc->dc_maxunit) {
		nmax = MAX(unit + 1, MAX(dc->dc_maxunit * 2, 4));
		nmax = MIN(nmax, DEVCLASS_MAXUNIT + 1);
		ndevices = malloc(nmax * sizeof(*ndevices), M_BUS,
		    M_NOWAIT | M_ZERO);
		if (ndevices == NULL)
			return (ENOMEM);
		if (dc->dc_devices != NULL) {
			memcpy(ndevices, dc->dc_devices,
			    dc->dc_maxunit * sizeof(*ndevices));
			free(dc->dc_devices, M_BUS);
		}
		dc->dc_devices = ndevices;
		dc->dc_maxunit = nmax;
	}
	dc->dc_devices[unit] = dev;
	dev->dev_devclass = dc;
	dev->dev_unit = unit;
	snprintf(dev->dev_nameunit, sizeof(dev->dev_nameunit), "%s%d",
	    dc->dc_name, unit);
	return (0);
}

static void
devclass_delete_device(devclass_t dc, device_t dev)
{
	KASSERT(dev->dev_devclass == dc && dc->dc_devices[dev->dev_unit] == dev,
	    ("devclass_delete_device: %s not in %s", dev->dev_nameunit,
	    dc->dc_name));
	dc->dc_devices[dev->dev_unit] = NULL;
	dev->dev_devclass = NULL;
	if ((dev->dev_flags & DF_ANYUNIT) != 0)
		dev->dev_unit = DEVICE_UNIT_ANY;
	dev->dev_nameunit[0] = '\0';
}

/*
 * Devices.
 */

/*
 * Switch the device's class to 'driver' (NULL: none), with a fresh zeroed
 * softc.  The old softc, if any, is freed.
 */
static int
device_set_driver(device_t dev, driver_t *driver)
{
	if (dev->dev_softc != NULL) {
		free(dev->dev_softc, M_BUS);
		dev->dev_softc = NULL;
	}
	kobj_delete((kobj_t)dev, NULL);
	dev->dev_driver = NULL;
	if (driver == NULL) {
		kobj_init((kobj_t)dev, &null_class);
		return (0);
	}
	if (driver->size > 0) {
		dev->dev_softc = malloc(driver->size, M_BUS, M_NOWAIT | M_ZERO);
		if (dev->dev_softc == NULL) {
			kobj_init((kobj_t)dev, &null_class);
			return (ENOMEM);
		}
	}
	kobj_init((kobj_t)dev, driver);
	dev->dev_driver = driver;
	return (0);
}

static device_t
make_device(device_t parent, const char *name, int unit)
{
	devclass_t dc;
	device_t dev;

	dc = NULL;
	if (name != NULL) {
		dc = devclass_find_internal(name, true);
		if (dc == NULL)
			return (NULL);
	}
	dev = malloc(sizeof(*dev), M_BUS, M_NOWAIT | M_ZERO);
	if (dev == NULL)
		return (NULL);
	/*
	 * The first device takes a reference on the null class that is
	 * never dropped, so that falling back to it (after a failed probe,
	 * attach or detach) never allocates.
	 */
	if (null_class.refs == 0)
		kobj_class_compile(&null_class);
	kobj_init((kobj_t)dev, &null_class);
	TAILQ_INIT(&dev->dev_children);
	dev->dev_parent = parent;
	dev->dev_unit = unit;
	dev->dev_state = DS_NOTPRESENT;
	if (unit == DEVICE_UNIT_ANY)
		dev->dev_flags |= DF_ANYUNIT;
	if (dc != NULL) {
		dev->dev_flags |= DF_FIXEDCLASS;
		if (devclass_add_device(dc, dev) != 0) {
			kobj_delete((kobj_t)dev, NULL);
			free(dev, M_BUS);
			return (NULL);
		}
	}
	return (dev);
}

device_t
device_add_child(device_t dev, const char *name, int unit)
{
	return (device_add_child_ordered(dev, 0, name, unit));
}

/*
 * Add a child after the existing ones of the same or lower order.  It is
 * not probed: the caller (normally the bus's attach, through
 * bus_generic_attach()) does that.
 */
device_t
device_add_child_ordered(device_t dev, u_int order, const char *name,
    int unit)
{
	device_t child, place;

	KASSERT(dev != NULL, ("device_add_child: no parent"));
	bus_topo_assert();
	child = make_device(dev, name, unit);
	if (child == NULL)
		return (NULL);
	child->dev_order = order;
	TAILQ_FOREACH(place, &dev->dev_children, dev_link) {
		if (place->dev_order > order)
			break;
	}
	if (place != NULL)
		TAILQ_INSERT_BEFORE(place, child, dev_link);
	else
		TAILQ_INSERT_TAIL(&dev->dev_children, child, dev_link);
	return (child);
}

/*
 * Detach 'child' and everything below it and free it all.  If a detach
 * fails, stop there and return its error: the device that refused is
 * still attached, and so is everything above it.
 */
int
device_delete_child(device_t dev, device_t child)
{
	device_t grandchild;
	int error;

	bus_topo_assert();
	KASSERT(child->dev_parent == dev,
	    ("device_delete_child: %s is not a child of %s",
	    device_get_nameunit(child), device_get_nameunit(dev)));
	error = device_detach(child);
	if (error != 0)
		return (error);
	while ((grandchild = TAILQ_FIRST(&child->dev_children)) != NULL) {
		error = device_delete_child(child, grandchild);
		if (error != 0)
			return (error);
	}
	BUS_CHILD_DELETED(dev, child);
	/* Probed but never attached: the driver and softc are still set. */
	if (child->dev_driver != NULL)
		(void)device_set_driver(child, NULL);
	if (child->dev_devclass != NULL)
		devclass_delete_device(child->dev_devclass, child);
	TAILQ_REMOVE(&dev->dev_children, child, dev_link);
	device_set_desc(child, NULL);
	kobj_delete((kobj_t)child, NULL);
	free(child, M_BUS);
	return (0);
}

/* Delete all children, last added first. */
int
device_delete_children(device_t dev)
{
	device_t child;
	int error;

	while ((child = TAILQ_LAST(&dev->dev_children, device_list)) != NULL) {
		error = device_delete_child(dev, child);
		if (error != 0)
			return (error);
	}
	return (0);
}

device_t
device_find_child(device_t dev, const char *classname, int unit)
{
	devclass_t dc;
	device_t child;

	dc = devclass_find(classname);
	if (dc == NULL)
		return (NULL);
	if (unit != DEVICE_UNIT_ANY) {
		child = devclass_get_device(dc, unit);
		return (child != NULL && child->dev_parent == dev ?
		    child : NULL);
	}
	TAILQ_FOREACH(child, &dev->dev_children, dev_link) {
		if (child->dev_devclass == dc)
			return (child);
	}
	return (NULL);
}

/* The children in order, in an array to free(*devlistp, M_TEMP). */
int
device_get_children(device_t dev, device_t **devlistp, int *devcountp)
{
	device_t child, *list;
	int n;

	bus_topo_assert_locked();
	n = 0;
	TAILQ_FOREACH(child, &dev->dev_children, dev_link)
		n++;
	list = malloc((n > 0 ? n : 1) * sizeof(*list), M_TEMP,
	    M_NOWAIT | M_ZERO);
	if (list == NULL)
		return (ENOMEM);
	n = 0;
	TAILQ_FOREACH(child, &dev->dev_children, dev_link)
		list[n++] = child;
	*devlistp = list;
	*devcountp = n;
	return (0);
}

device_t
device_get_parent(device_t dev)
{
	return (dev->dev_parent);
}

/*
 * Probing.
 */

/* Give 'child' driver 'driver' to probe with: class, unit, softc. */
static int
device_probe_setup(device_t child, driver_t *driver)
{
	devclass_t dc;
	int error;

	if ((child->dev_flags & DF_FIXEDCLASS) == 0) {
		dc = devclass_find_internal(driver->name, true);
		if (dc == NULL)
			return (ENOMEM);
		error = devclass_add_device(dc, child);
		if (error != 0)
			return (error);
	}
	error = device_set_driver(child, driver);
	if (error != 0 && (child->dev_flags & DF_FIXEDCLASS) == 0)
		devclass_delete_device(child->dev_devclass, child);
	return (error);
}

/* Undo device_probe_setup() and whatever the probe left behind. */
static void
device_probe_reset(device_t child, bool keep_desc)
{
	(void)device_set_driver(child, NULL);
	if ((child->dev_flags & DF_FIXEDCLASS) == 0 &&
	    child->dev_devclass != NULL)
		devclass_delete_device(child->dev_devclass, child);
	if (!keep_desc)
		device_set_desc(child, NULL);
}

/*
 * Let every driver of the bus's class probe 'child'; keep the best.  A
 * child added by name is only offered to the driver of that name.  The
 * winner is probed again if another driver probed after it, so that its
 * softc and description are its own.
 */
static int
device_probe_child(device_t dev, device_t child)
{
	struct driverlink *dl;
	driver_t *driver, *best;
	bool fixed, keep_desc;
	int result, pri, error;

	if (dev == NULL || dev->dev_devclass == NULL)
		return (ENXIO);
	fixed = (child->dev_flags & DF_FIXEDCLASS) != 0;
	keep_desc = child->dev_desc != NULL;
	best = NULL;
	pri = 0;
	TAILQ_FOREACH(dl, &dev->dev_devclass->dc_drivers, dl_link) {
		driver = dl->dl_driver;
		if (fixed && strcmp(driver->name,
		    child->dev_devclass->dc_name) != 0)
			continue;
		if (child->dev_driver != NULL)
			device_probe_reset(child, keep_desc);
		error = device_probe_setup(child, driver);
		if (error != 0) {
			device_printf(dev, "cannot probe a child with %s: %d\n",
			    driver->name, error);
			continue;
		}
		result = DEVICE_PROBE(child);
		if (result == BUS_PROBE_NOWILDCARD && !fixed)
			result = ENXIO;
		if (result > 0) {
			device_probe_reset(child, keep_desc);
			continue;
		}
		if (best == NULL || result > pri) {
			best = driver;
			pri = result;
		} else
			device_probe_reset(child, keep_desc);
		if (result == BUS_PROBE_SPECIFIC)
			break;
	}
	if (best == NULL)
		return (ENXIO);
	if (child->dev_driver != best) {
		if (child->dev_driver != NULL)
			device_probe_reset(child, keep_desc);
		error = device_probe_setup(child, best);
		if (error != 0)
			return (error);
		result = DEVICE_PROBE(child);
		if (result > 0) {
			/* A probe must say the same thing twice. */
			device_printf(child, "%s changed its mind: %d\n",
			    best->name, result);
			device_probe_reset(child, keep_desc);
			return (ENXIO);
		}
	}
	child->dev_state = DS_ALIVE;
	return (0);
}

/*
 * Find a driver for 'dev'.  Returns 0 if one was found, -1 if the device
 * already has one, else an errno (ENXIO: no driver wants it).
 */
int
device_probe(device_t dev)
{
	int error;

	bus_topo_assert();
	if (dev->dev_state >= DS_ALIVE)
		return (-1);
	error = device_probe_child(dev->dev_parent, dev);
	if (error != 0) {
		if ((dev->dev_flags & DF_DONENOMATCH) == 0 &&
		    dev->dev_parent != NULL) {
			BUS_PROBE_NOMATCH(dev->dev_parent, dev);
			dev->dev_flags |= DF_DONENOMATCH;
		}
		return (error);
	}
	return (0);
}

int
device_probe_and_attach(device_t dev)
{
	int error;

	error = device_probe(dev);
	if (error == -1)
		return (0);
	if (error != 0)
		return (error);
	return (device_attach(dev));
}

/*
 * Attach a probed device.  The attach line goes out first, so that a bus
 * is announced before the children its attach finds.  A failed attach
 * leaves the device as if it had never been probed.
 */
int
device_attach(device_t dev)
{
	int error;

	bus_topo_assert();
	if (dev->dev_state != DS_ALIVE)
		return (dev->dev_state == DS_ATTACHED ? 0 : ENXIO);
	if ((dev->dev_flags & DF_QUIET) == 0 && dev->dev_parent != NULL)
		(void)BUS_PRINT_CHILD(dev->dev_parent, dev);
	dev->dev_state = DS_ATTACHING;
	error = DEVICE_ATTACH(dev);
	if (error != 0) {
		device_printf(dev, "attach failed: %d\n", error);
		device_probe_reset(dev, false);
		dev->dev_state = DS_NOTPRESENT;
		return (error);
	}
	dev->dev_state = DS_ATTACHED;
	return (0);
}

/*
 * Detach an attached device.  If the driver refuses, the device stays
 * attached and its error is returned; otherwise the softc, description
 * and (unless the device was added by name) the unit are given back.
 * Children must be gone first: a bus's detach calls bus_generic_detach().
 * A driver's detach runs before its children are deleted, so a bus that
 * does not use bus_generic_detach() deletes them itself.
 */
int
device_detach(device_t dev)
{
	device_t child;
	int error;

	bus_topo_assert();
	if (dev->dev_state == DS_ATTACHING)
		return (EBUSY);
	if (dev->dev_state != DS_ATTACHED)
		return (0);
	error = DEVICE_DETACH(dev);
	if (error != 0)
		return (error);
	TAILQ_FOREACH(child, &dev->dev_children, dev_link) {
		KASSERT(child->dev_state != DS_ATTACHED,
		    ("%s detached with %s still attached",
		    device_get_nameunit(dev), device_get_nameunit(child)));
	}
	if ((dev->dev_flags & DF_QUIET) == 0)
		device_printf(dev, "detached\n");
	if (dev->dev_parent != NULL)
		BUS_CHILD_DETACHED(dev->dev_parent, dev);
	device_probe_reset(dev, false);
	dev->dev_state = DS_NOTPRESENT;
	dev->dev_flags &= ~(DF_DONENOMATCH | DF_SUSPENDED);
	return (0);
}

int
device_shutdown(device_t dev)
{
	if (dev->dev_state != DS_ATTACHED)
		return (0);
	return (DEVICE_SHUTDOWN(dev));
}

/*
 * Suspend an attached device that is not suspended yet; on success it is
 * marked suspended until device_resume().  Devices that are not attached
 * have nothing to save: 0.
 */
int
device_suspend(device_t dev)
{
	int error;

	if (dev->dev_state != DS_ATTACHED ||
	    (dev->dev_flags & DF_SUSPENDED) != 0)
		return (0);
	error = DEVICE_SUSPEND(dev);
	if (error == 0)
		dev->dev_flags |= DF_SUSPENDED;
	return (error);
}

/*
 * Resume a suspended device.  It counts as resumed even if its driver
 * fails (the error is returned): it is running, if badly, and a second
 * resume would not help.
 */
int
device_resume(device_t dev)
{
	if ((dev->dev_flags & DF_SUSPENDED) == 0)
		return (0);
	dev->dev_flags &= ~DF_SUSPENDED;
	return (DEVICE_RESUME(dev));
}

int
device_is_suspended(device_t dev)
{
	return ((dev->dev_flags & DF_SUSPENDED) != 0);
}

/*
 * Accessors.
 */

driver_t *
device_get_driver(device_t dev)
{
	return (dev->dev_driver);
}

devclass_t
device_get_devclass(device_t dev)
{
	return (dev->dev_devclass);
}

const char *
device_get_name(device_t dev)
{
	return (dev->dev_devclass != NULL ? dev->dev_devclass->dc_name : NULL);
}

/* "xbd0"; "" for a device with no class yet. */
const char *
device_get_nameunit(device_t dev)
{
	return (dev->dev_nameunit);
}

int
device_get_unit(device_t dev)
{
	return (dev->dev_unit);
}

const char *
device_get_desc(device_t dev)
{
	return (dev->dev_desc);
}

/* 'desc' must outlive the device (a string constant, normally). */
void
device_set_desc(device_t dev, const char *desc)
{
	if ((dev->dev_flags & DF_DESCMALLOCED) != 0)
		free(dev->dev_desc, M_BUS);
	dev->dev_flags &= ~DF_DESCMALLOCED;
	dev->dev_desc = (char *)(uintptr_t)desc;
}

/* Keep a copy of 'desc'.  Without memory the device has no description. */
void
device_set_desc_copy(device_t dev, const char *desc)
{
	char *copy;
	size_t len;

	copy = NULL;
	if (desc != NULL) {
		len = strlen(desc) + 1;
		copy = malloc(len, M_BUS, M_NOWAIT);
		if (copy != NULL)
			memcpy(copy, desc, len);
	}
	device_set_desc(dev, copy);
	if (copy != NULL)
		dev->dev_flags |= DF_DESCMALLOCED;
}

void *
device_get_softc(device_t dev)
{
	return (dev->dev_softc);
}

void *
device_get_ivars(device_t dev)
{
	return (dev->dev_ivars);
}

void
device_set_ivars(device_t dev, void *ivars)
{
	dev->dev_ivars = ivars;
}

device_state_t
device_get_state(device_t dev)
{
	return (dev->dev_state);
}

int
device_is_alive(device_t dev)
{
	return (dev->dev_state >= DS_ALIVE);
}

int
device_is_attached(device_t dev)
{
	return (dev->dev_state >= DS_ATTACHED);
}

void
device_quiet(device_t dev)
{
	dev->dev_flags |= DF_QUIET;
}

void
device_verbose(device_t dev)
{
	dev->dev_flags &= ~DF_QUIET;
}

int
device_is_quiet(device_t dev)
{
	return ((dev->dev_flags & DF_QUIET) != 0);
}

int
device_print_prettyname(device_t dev)
{
	if (dev->dev_devclass == NULL)
		return (printf("unknown: "));
	return (printf("%s: ", dev->dev_nameunit));
}

int
device_printf(device_t dev, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = device_print_prettyname(dev);
	va_start(ap, fmt);
	n += vprintf(fmt, ap);
	va_end(ap);
	return (n);
}

/*
 * Drivers.
 */

/*
 * Every attached bus of class 'dc' gets a chance to use a new driver.
 * Walk by unit: a driver_added method may add buses of the same class.
 */
static void
devclass_driver_added(devclass_t dc, driver_t *driver)
{
	device_t dev;
	int unit;

	for (unit = 0; unit < dc->dc_maxunit; unit++) {
		dev = dc->dc_devices[unit];
		if (dev != NULL && dev->dev_state == DS_ATTACHED)
			BUS_DRIVER_ADDED(dev, driver);
	}
}

/*
 * Register 'driver' for the children of buses of class 'dc'.  The devclass
 * named after the driver is created now and returned in *dcp (if dcp is
 * not NULL).  EEXIST if a driver of that name is registered there already.
 */
int
devclass_add_driver(devclass_t dc, driver_t *driver, devclass_t *dcp)
{
	struct driverlink *dl;
	devclass_t drvdc;

	bus_topo_assert();
	KASSERT(dc != NULL, ("devclass_add_driver: no devclass"));
	TAILQ_FOREACH(dl, &dc->dc_drivers, dl_link) {
		if (strcmp(dl->dl_driver->name, driver->name) == 0)
			return (EEXIST);
	}
	drvdc = devclass_find_internal(driver->name, true);
	if (drvdc == NULL)
		return (ENOMEM);
	dl = malloc(sizeof(*dl), M_BUS, M_NOWAIT | M_ZERO);
	if (dl == NULL)
		return (ENOMEM);
	kobj_class_compile(driver);
	dl->dl_driver = driver;
	TAILQ_INSERT_TAIL(&dc->dc_drivers, dl, dl_link);
	if (dcp != NULL)
		*dcp = drvdc;
	devclass_driver_added(dc, driver);
	return (0);
}

/*
 * Ask every device 'driver' has attached under buses of class 'dc' whether
 * it may go.  EBUSY if one says no; nothing changes either way.
 */
int
devclass_quiesce_driver(devclass_t dc, driver_t *driver)
{
	device_t bus, child;
	int unit, error;

	bus_topo_assert();
	for (unit = 0; unit < dc->dc_maxunit; unit++) {
		if ((bus = dc->dc_devices[unit]) == NULL)
			continue;
		TAILQ_FOREACH(child, &bus->dev_children, dev_link) {
			if (child->dev_driver != driver ||
			    child->dev_state != DS_ATTACHED)
				continue;
			error = DEVICE_QUIESCE(child);
			if (error != 0) {
				device_printf(child, "busy, %s stays: %d\n",
				    driver->name, error);
				return (EBUSY);
			}
		}
	}
	return (0);
}

/*
 * Unregister 'driver' from buses of class 'dc', detaching the devices it
 * has there first.  EBUSY if one of them refuses to quiesce (then nothing
 * was detached) or to detach (then the devices detached so far stay so).
 * The driver stays registered in both cases.
 */
int
devclass_delete_driver(devclass_t dc, driver_t *driver)
{
	struct driverlink *dl;
	device_t bus, child;
	int unit, error;

	bus_topo_assert();
	TAILQ_FOREACH(dl, &dc->dc_drivers, dl_link) {
		if (dl->dl_driver == driver)
			break;
	}
	if (dl == NULL)
		return (ENOENT);
	if (devclass_quiesce_driver(dc, driver) != 0)
		return (EBUSY);
	for (unit = 0; unit < dc->dc_maxunit; unit++) {
		if ((bus = dc->dc_devices[unit]) == NULL)
			continue;
		TAILQ_FOREACH(child, &bus->dev_children, dev_link) {
			if (child->dev_driver != driver)
				continue;
			if (child->dev_state == DS_ATTACHED) {
				error = device_detach(child);
				if (error != 0) {
					device_printf(child,
					    "cannot detach, %s stays: %d\n",
					    driver->name, error);
					return (EBUSY);
				}
			} else if (child->dev_state == DS_ALIVE) {
				device_probe_reset(child, true);
				child->dev_state = DS_NOTPRESENT;
			}
		}
	}
	TAILQ_REMOVE(&dc->dc_drivers, dl, dl_link);
	free(dl, M_BUS);
	kobj_class_free(driver);
	return (0);
}

/*
 * Generic bus methods.
 */

device_t
bus_generic_add_child(device_t dev, u_int order, const char *name, int unit)
{
	return (device_add_child_ordered(dev, order, name, unit));
}

/* Probe and attach every child; a child nobody wants is not an error. */
int
bus_generic_attach(device_t dev)
{
	device_t child;

	TAILQ_FOREACH(child, &dev->dev_children, dev_link)
		(void)device_probe_and_attach(child);
	return (0);
}

/*
 * Detach the children, last one first, then delete them, while the bus is
 * still attached: its BUS_CHILD_DELETED() frees what it keeps per child.
 * Stops at the first child that refuses and returns its error (those
 * already detached stay detached, none is deleted): the bus must then
 * refuse its own detach.  The bus's attach enumerates them again.
 */
int
bus_generic_detach(device_t dev)
{
	device_t child;
	int error;

	TAILQ_FOREACH_REVERSE(child, &dev->dev_children, device_list,
	    dev_link) {
		error = device_detach(child);
		if (error != 0)
			return (error);
	}
	return (device_delete_children(dev));
}

/* Let each driver of the bus's class add the children it knows of. */
int
bus_generic_probe(device_t dev)
{
	struct driverlink *dl;

	bus_topo_assert();
	if (dev->dev_devclass == NULL)
		return (0);
	TAILQ_FOREACH(dl, &dev->dev_devclass->dc_drivers, dl_link)
		DEVICE_IDENTIFY(dl->dl_driver, dev);
	return (0);
}

void
bus_generic_driver_added(device_t dev, driver_t *driver)
{
	device_t child;

	DEVICE_IDENTIFY(driver, dev);
	TAILQ_FOREACH(child, &dev->dev_children, dev_link) {
		if (child->dev_state == DS_NOTPRESENT)
			(void)device_probe_and_attach(child);
	}
}

/*
 * Suspend the children, last-added first: a device added later may use
 * one added before it, so it stops first (resume is the mirror image).
 * If one fails, resume those already suspended, in resume order, and
 * return its error: the bus is left as it was.  A bus driver with state
 * of its own calls this first and suspends itself after its children.
 */
int
bus_generic_suspend(device_t dev)
{
	device_t child, undo;
	int error;

	TAILQ_FOREACH_REVERSE(child, &dev->dev_children, device_list,
	    dev_link) {
		error = device_suspend(child);
		if (error == 0)
			continue;
		for (undo = TAILQ_NEXT(child, dev_link); undo != NULL;
		    undo = TAILQ_NEXT(undo, dev_link))
			(void)device_resume(undo);
		return (error);
	}
	return (0);
}

/*
 * Resume the suspended children, first-added first.  A bus driver with
 * state of its own resumes itself first, then calls this: parents before
 * children.  A child that fails is reported and the others go on.
 */
int
bus_generic_resume(device_t dev)
{
	device_t child;
	int error;

	TAILQ_FOREACH(child, &dev->dev_children, dev_link) {
		error = device_resume(child);
		if (error != 0)
			device_printf(child, "resume failed: %d\n", error);
	}
	return (0);
}

int
bus_generic_shutdown(device_t dev)
{
	device_t child;
	int error;

	TAILQ_FOREACH_REVERSE(child, &dev->dev_children, device_list,
	    dev_link) {
		error = device_shutdown(child);
		if (error != 0)
			device_printf(child, "shutdown failed: %d\n", error);
	}
	return (0);
}

/* "xbd0: <Virtual Block Device>", or just "xbd0" without a description. */
int
bus_print_child_header(device_t dev, device_t child)
{
	if (child->dev_desc != NULL)
		return (printf("%s: <%s>", device_get_nameunit(child),
		    child->dev_desc));
	return (printf("%s", device_get_nameunit(child)));
}

/* " on xenbusb_front0" */
int
bus_print_child_footer(device_t dev, device_t child)
{
	return (printf(" on %s\n", device_get_nameunit(dev)));
}

/*
 * "xbd0: <Virtual Block Device> at device/vbd/51712 on xenbusb_front0",
 * the location from BUS_CHILD_LOCATION().
 */
int
bus_generic_print_child(device_t dev, device_t child)
{
	char loc[128];
	int n;

	n = bus_print_child_header(dev, child);
	if (BUS_CHILD_LOCATION(dev, child, loc, sizeof(loc)) == 0 &&
	    loc[0] != '\0')
		n += printf(" at %s", loc);
	n += bus_print_child_footer(dev, child);
	return (n);
}

/*
 * The root bus.
 */

static kobj_method_t root_methods[] = {
	DEVMETHOD(device_suspend,	bus_generic_suspend),
	DEVMETHOD(device_resume,	bus_generic_resume),
	DEVMETHOD(device_shutdown,	bus_generic_shutdown),
	DEVMETHOD_END
};

static driver_t root_driver = {
	"root", root_methods, 0, NULL, 0, NULL
};

void
root_bus_init(void)
{
	if (root_bus != NULL)
		return;
	sx_init(&bus_topo_sx, "bus topology");
	kobj_class_compile(&root_driver);
	root_bus = make_device(NULL, "root", 0);
	if (root_bus == NULL)
		panic("root_bus_init: no memory for the root bus");
	root_devclass = root_bus->dev_devclass;
	device_set_desc(root_bus, "System root bus");
	(void)device_set_driver(root_bus, &root_driver);
	root_bus->dev_state = DS_ATTACHED;
}

void
root_bus_configure(void)
{
	bus_topo_lock();
	(void)bus_generic_probe(root_bus);
	(void)bus_generic_attach(root_bus);
	bus_topo_unlock();
}

/*
 * DRIVER_MODULE()'s event handler: registers the driver on load and
 * unregisters it on unload, around the driver's own handler, all under
 * the topology lock.
 */
static int	driver_module_event(struct module *, int,
		    struct driver_module_data *);

int
driver_module_handler(struct module *mod, int what, void *arg)
{
	struct driver_module_data *dmd;
	int error;

	dmd = arg;
	switch (what) {
	case MOD_LOAD:
	case MOD_UNLOAD:
	case MOD_QUIESCE:
		bus_topo_lock();
		error = driver_module_event(mod, what, dmd);
		bus_topo_unlock();
		return (error);
	case MOD_SHUTDOWN:
		if (dmd->dmd_chainevh != NULL)
			return (dmd->dmd_chainevh(mod, what,
			    dmd->dmd_chainarg));
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

/* The same, topology lock held. */
static int
driver_module_event(struct module *mod, int what,
    struct driver_module_data *dmd)
{
	devclass_t busdc;
	int error;

	bus_topo_assert();
	switch (what) {
	case MOD_LOAD:
		if (dmd->dmd_chainevh != NULL) {
			error = dmd->dmd_chainevh(mod, what, dmd->dmd_chainarg);
			if (error != 0)
				return (error);
		}
		busdc = devclass_find_internal(dmd->dmd_busname, true);
		error = busdc != NULL ?
		    devclass_add_driver(busdc, dmd->dmd_driver, NULL) : ENOMEM;
		if (error != 0) {
			printf("%s: cannot add driver: %d\n", dmd->dmd_name,
			    error);
			if (dmd->dmd_chainevh != NULL)
				(void)dmd->dmd_chainevh(mod, MOD_UNLOAD,
				    dmd->dmd_chainarg);
		}
		return (error);
	case MOD_UNLOAD:
		busdc = devclass_find(dmd->dmd_busname);
		if (busdc == NULL)
			return (ENOENT);
		error = devclass_delete_driver(busdc, dmd->dmd_driver);
		if (error != 0)
			return (error);
		if (dmd->dmd_chainevh != NULL) {
			error = dmd->dmd_chainevh(mod, what, dmd->dmd_chainarg);
			if (error != 0)
				(void)devclass_add_driver(busdc,
				    dmd->dmd_driver, NULL);
		}
		return (error);
	case MOD_QUIESCE:
		busdc = devclass_find(dmd->dmd_busname);
		if (busdc != NULL) {
			error = devclass_quiesce_driver(busdc, dmd->dmd_driver);
			if (error != 0)
				return (error);
		}
		if (dmd->dmd_chainevh != NULL)
			return (dmd->dmd_chainevh(mod, what,
			    dmd->dmd_chainarg));
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}
