/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * newbus: the device tree, drivers and device classes.
 *
 * A device_t is a node of the tree (root_bus at the top, xenpv, xenbusb_*
 * buses, their frontends).  It is a kobj object whose class is its
 * driver, so DEVICE_ATTACH(dev) reaches the driver's attach function.  A
 * driver_t is a kobj class: a name, a method table and the size of the
 * softc newbus allocates (zeroed) for each device the driver owns.
 *
 * A devclass groups devices by name and hands out unit numbers ("xbd" ->
 * xbd0, xbd1, ...); it also lists the drivers that may attach to the
 * children of buses in that class: DRIVER_MODULE(xbd, xenbusb_front, ...)
 * adds xbd_driver to devclass "xenbusb_front".  Implemented in
 * sys/kern/subr_bus.c; interfaces in device_if.m and bus_if.m.
 */
#ifndef _SYS_BUS_H_
#define	_SYS_BUS_H_

#include <sys/types.h>
#include <sys/kobj.h>
#include <sys/linker_set.h>
#include <sys/module.h>

typedef struct device		*device_t;
typedef struct kobj_class	driver_t;
typedef struct devclass		*devclass_t;

typedef enum device_state {
	DS_NOTPRESENT = 10,		/* no driver */
	DS_ALIVE = 20,			/* probed, driver and softc set */
	DS_ATTACHING = 25,		/* DEVICE_ATTACH() running */
	DS_ATTACHED = 30		/* attached */
} device_state_t;

/* device_add_child(): pick the lowest free unit. */
#define	DEVICE_UNIT_ANY		(-1)
/* Longest devclass (driver) name, with its NUL. */
#define	DEVCLASS_NAMELEN	32
/* Highest unit number a devclass hands out. */
#define	DEVCLASS_MAXUNIT	4095

/*
 * DEVICE_PROBE() results that mean "mine": the highest one wins, 0 at
 * once.  Anything positive is an errno, normally ENXIO: not mine.
 */
#define	BUS_PROBE_SPECIFIC	0		/* only this driver fits */
#define	BUS_PROBE_VENDOR	(-10)		/* vendor-supplied driver */
#define	BUS_PROBE_DEFAULT	(-20)		/* the base system's driver */
#define	BUS_PROBE_LOW_PRIORITY	(-40)		/* an older, legacy driver */
#define	BUS_PROBE_GENERIC	(-100)		/* generic driver for a class */
#define	BUS_PROBE_HOOVER	(-1000000)	/* takes anything left over */
#define	BUS_PROBE_NOWILDCARD	(-2000000000)	/* only a child added by name */

/* Method table entries: DEVMETHOD(device_probe, foo_probe). */
#define	DEVMETHOD		KOBJMETHOD
#define	DEVMETHOD_END		KOBJMETHOD_END

/* The device tree. */
device_t	device_add_child(device_t dev, const char *name, int unit);
device_t	device_add_child_ordered(device_t dev, u_int order,
		    const char *name, int unit);
int		device_delete_child(device_t dev, device_t child);
int		device_delete_children(device_t dev);
device_t	device_find_child(device_t dev, const char *classname,
		    int unit);
int		device_get_children(device_t dev, device_t **devlistp,
		    int *devcountp);
device_t	device_get_parent(device_t dev);

/* Probe, attach, detach. */
int		device_probe(device_t dev);
int		device_attach(device_t dev);
int		device_probe_and_attach(device_t dev);
int		device_detach(device_t dev);
int		device_shutdown(device_t dev);
int		device_suspend(device_t dev);
int		device_resume(device_t dev);

/* Accessors. */
driver_t	*device_get_driver(device_t dev);
devclass_t	device_get_devclass(device_t dev);
const char	*device_get_name(device_t dev);
const char	*device_get_nameunit(device_t dev);
int		device_get_unit(device_t dev);
const char	*device_get_desc(device_t dev);
void		device_set_desc(device_t dev, const char *desc);
void		device_set_desc_copy(device_t dev, const char *desc);
void		*device_get_softc(device_t dev);
void		*device_get_ivars(device_t dev);
void		device_set_ivars(device_t dev, void *ivars);
device_state_t	device_get_state(device_t dev);
int		device_is_alive(device_t dev);
int		device_is_attached(device_t dev);
void		device_quiet(device_t dev);
void		device_verbose(device_t dev);
int		device_is_quiet(device_t dev);
int		device_is_suspended(device_t dev);
int		device_print_prettyname(device_t dev);
int		device_printf(device_t dev, const char *fmt, ...)
		    __printflike(2, 3);

/* Device classes and drivers. */
devclass_t	devclass_find(const char *classname);
devclass_t	devclass_create(const char *classname);
const char	*devclass_get_name(devclass_t dc);
device_t	devclass_get_device(devclass_t dc, int unit);
void		*devclass_get_softc(devclass_t dc, int unit);
int		devclass_get_maxunit(devclass_t dc);
int		devclass_get_count(devclass_t dc);
int		devclass_add_driver(devclass_t dc, driver_t *driver,
		    devclass_t *dcp);
int		devclass_delete_driver(devclass_t dc, driver_t *driver);
int		devclass_quiesce_driver(devclass_t dc, driver_t *driver);

/* Method implementations for buses with nothing special to do. */
device_t	bus_generic_add_child(device_t dev, u_int order,
		    const char *name, int unit);
int		bus_generic_attach(device_t dev);
int		bus_generic_detach(device_t dev);
void		bus_generic_driver_added(device_t dev, driver_t *driver);
int		bus_generic_print_child(device_t dev, device_t child);
int		bus_generic_probe(device_t dev);
int		bus_generic_resume(device_t dev);
int		bus_generic_shutdown(device_t dev);
int		bus_generic_suspend(device_t dev);
int		bus_print_child_header(device_t dev, device_t child);
int		bus_print_child_footer(device_t dev, device_t child);

/*
 * The root of the tree, an attached device of class "root"; buses that
 * hang off nothing (xenpv) register with DRIVER_MODULE(xenpv, root, ...).
 * root_bus_init() creates it (at SYSINIT time, later), root_bus_configure()
 * runs identify and attaches whatever the root drivers found.
 */
extern device_t		root_bus;
extern devclass_t	root_devclass;
void		root_bus_init(void);
void		root_bus_configure(void);

/*
 * The topology lock (bus_topo_lock(9)), an sx(9) lock that exists once
 * root_bus_init() has run.  Whoever adds, probes, attaches, detaches or
 * deletes a device, or adds or removes a driver, holds it exclusively,
 * and newbus calls driver methods with it held; a reader of the tree
 * holds it shared.  bus_topo_assert() panics unless the caller holds it
 * exclusively.
 */
void		bus_topo_lock(void);
void		bus_topo_unlock(void);
void		bus_topo_slock(void);
void		bus_topo_sunlock(void);
int		bus_topo_owned(void);
void		_bus_topo_assert(int what, const char *file, int line);
#define	bus_topo_assert()	_bus_topo_assert(0, __FILE__, __LINE__)
#define	bus_topo_assert_locked() _bus_topo_assert(1, __FILE__, __LINE__)

/*
 * DRIVER_MODULE(name, busname, driver, evh, arg) registers 'driver' for
 * the children of buses of class 'busname'.  It emits one of these, a
 * module metadata record (<sys/module.h>) of type MDT_DRIVER, in the
 * linker set "modmetadata_set": a module named "busname/name" whose
 * handler is dmd_handler (driver_module_handler()), called with the
 * record itself.  The module system sends it MOD_LOAD at SI_SUB_CONFIGURE,
 * SI_ORDER_MIDDLE (for the kernel's own drivers, from autoconfiguration;
 * for a .ko, at that point among the file's SYSINITs), then MOD_QUIESCE
 * and MOD_UNLOAD before the module's file goes.  'evh' (may be NULL) is
 * chained: called with 'arg' before the driver is added and after it is
 * removed.
 */
struct driver_module_data {
	struct mod_metadata dmd_md;	/* MDT_DRIVER, "busname/name" */
	const char	*dmd_name;	/* "busname/name", for messages */
	modeventhand_t	dmd_handler;	/* driver_module_handler */
	modeventhand_t	dmd_chainevh;	/* the driver's own, or NULL */
	void		*dmd_chainarg;
	const char	*dmd_busname;
	driver_t	*dmd_driver;
};

int		driver_module_handler(struct module *mod, int what, void *arg);

#define	DRIVER_MODULE(name, busname, driver, evh, arg)			\
	static struct driver_module_data name##_##busname##_driver_mod = { \
		.dmd_md = {						\
			.md_version = MDT_STRUCT_VERSION,		\
			.md_type = MDT_DRIVER,				\
			.md_cval = #busname "/" #name			\
		},							\
		.dmd_name = #busname "/" #name,				\
		.dmd_handler = driver_module_handler,			\
		.dmd_chainevh = (evh),					\
		.dmd_chainarg = (arg),					\
		.dmd_busname = #busname,				\
		.dmd_driver = &(driver)					\
	};								\
	DATA_SET(modmetadata_set, name##_##busname##_driver_mod)

#endif /* !_SYS_BUS_H_ */
