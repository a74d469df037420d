/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * newbus on the host: sys/kern/subr_bus.c and subr_kobj.c with the real
 * device_if.m and bus_if.m, a test bus ("tbus") under root_bus and a family
 * of leaf drivers whose probe result and failures each test chooses.
 * Events (probe, attach, detach, ...) go to a log the tests compare.
 * malloc_host.c counts live allocations, and LeakSanitizer checks what is
 * left at exit: each test case runs in a process of its own.
 */

#include <sys/types.h>
#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/bus.h>
#include "device_if.h"
#include "bus_if.h"
#include "malloc_host.h"
#include "sx_host.h"

#define	malloc	kern_malloc
#define	free	kern_free
#include <sys/malloc.h>
#undef malloc
#undef free

/* What happened, in order: "attach:tven0 detach:tven0 ...". */
static char evlog[4096];

static void
ev(const char *fmt, ...)
{
	size_t len;
	va_list ap;

	len = strlen(evlog);
	if (len > 0 && len < sizeof(evlog) - 1)
		evlog[len++] = ' ';
	va_start(ap, fmt);
	vsnprintf(evlog + len, sizeof(evlog) - len, fmt, ap);
	va_end(ap);
}

#define	CHECK_LOG(expect) do {						\
	ATF_CHECK_STREQ(evlog, (expect));				\
	evlog[0] = '\0';						\
} while (0)

/*
 * The test bus.  Its children carry a struct tbus_ivars, which also says
 * how the child's driver should misbehave.
 */
struct tbus_ivars {
	int	slot;
	int	refuse_detach;		/* errno for DEVICE_DETACH */
	int	refuse_quiesce;		/* errno for DEVICE_QUIESCE */
	int	refuse_suspend;		/* errno for DEVICE_SUSPEND */
};

enum { TBUS_IVAR_SLOT };

/* Only for children added as "tbus" or "tsub", not for any child. */
static int
tbus_probe(device_t dev)
{
	device_set_desc(dev, "Test Bus");
	return (BUS_PROBE_NOWILDCARD);
}

static int
tbus_attach(device_t dev)
{
	ev("attach:%s", device_get_nameunit(dev));
	return (bus_generic_attach(dev));
}

static int
tbus_detach(device_t dev)
{
	int error;

	error = bus_generic_detach(dev);
	if (error != 0)
		return (error);
	ev("detach:%s", device_get_nameunit(dev));
	return (0);
}

/* Children first, then the bus itself; on resume the bus first. */
static int
tbus_suspend(device_t dev)
{
	int error;

	error = bus_generic_suspend(dev);
	if (error != 0)
		return (error);
	ev("suspend:%s", device_get_nameunit(dev));
	return (0);
}

static int
tbus_resume(device_t dev)
{
	ev("resume:%s", device_get_nameunit(dev));
	return (bus_generic_resume(dev));
}

static int
tbus_read_ivar(device_t bus, device_t child, int index, uintptr_t *result)
{
	struct tbus_ivars *iv;

	iv = device_get_ivars(child);
	if (index != TBUS_IVAR_SLOT || iv == NULL)
		return (ENOENT);
	*result = iv->slot;
	return (0);
}

static int
tbus_child_location(device_t bus, device_t child, char *buf, size_t len)
{
	struct tbus_ivars *iv;

	iv = device_get_ivars(child);
	if (iv != NULL)
		snprintf(buf, len, "slot/%d", iv->slot);
	else if (len > 0)
		buf[0] = '\0';
	return (0);
}

static void
tbus_probe_nomatch(device_t bus, device_t child)
{
	ev("nomatch");
}

static void
tbus_child_detached(device_t bus, device_t child)
{
	ev("detached:%s", device_get_nameunit(child));
}

static void
tbus_child_deleted(device_t bus, device_t child)
{
	ev("deleted");
}

static kobj_method_t tbus_methods[] = {
	DEVMETHOD(device_probe,		tbus_probe),
	DEVMETHOD(device_attach,	tbus_attach),
	DEVMETHOD(device_detach,	tbus_detach),
	DEVMETHOD(device_suspend,	tbus_suspend),
	DEVMETHOD(device_resume,	tbus_resume),
	DEVMETHOD(bus_read_ivar,	tbus_read_ivar),
	DEVMETHOD(bus_child_location,	tbus_child_location),
	DEVMETHOD(bus_probe_nomatch,	tbus_probe_nomatch),
	DEVMETHOD(bus_child_detached,	tbus_child_detached),
	DEVMETHOD(bus_child_deleted,	tbus_child_deleted),
	DEVMETHOD_END
};

static driver_t tbus_driver = { "tbus", tbus_methods, 0 };
/* The same bus under another name, for a second level. */
static driver_t tsub_driver = { "tsub", tbus_methods, 0 };

/*
 * Leaf drivers: one method table, behaviour by driver name.
 */
struct tconf {
	const char	*name;
	const char	*desc;
	int		 probe;		/* DEVICE_PROBE result */
	int		 attach_error;
	int		 probes;
	int		 attaches;
	int		 detaches;
	int		 suspends;
	int		 resumes;
};

static struct tconf tconfs[] = {
	{ "tgen", "Generic Thing", BUS_PROBE_GENERIC },
	{ "tdef", "Default Thing", BUS_PROBE_DEFAULT },
	{ "tven", "Vendor Thing", BUS_PROBE_VENDOR },
	{ "tspec", "Specific Thing", BUS_PROBE_SPECIFIC },
	{ "tno", "Nothing", ENXIO },
	{ "tnw", "Named Thing", BUS_PROBE_NOWILDCARD },
	{ "tfail", "Failing Thing", BUS_PROBE_DEFAULT, ENXIO },
};

struct tsoftc {
	int	 ts_magic;
	char	*ts_buf;
};

static struct tconf *
tconf(device_t dev)
{
	size_t i;

	for (i = 0; i < sizeof(tconfs) / sizeof(tconfs[0]); i++)
		if (strcmp(tconfs[i].name, device_get_driver(dev)->name) == 0)
			return (&tconfs[i]);
	atf_tc_fail("no tconf for %s", device_get_driver(dev)->name);
	return (NULL);
}

static int
tleaf_probe(device_t dev)
{
	struct tsoftc *sc;
	struct tconf *c;

	c = tconf(dev);
	c->probes++;
	sc = device_get_softc(dev);
	/* A fresh zeroed softc, and the class name already set. */
	ATF_CHECK(sc != NULL && sc->ts_magic == 0 && sc->ts_buf == NULL);
	ATF_CHECK_STREQ(device_get_name(dev), c->name);
	sc->ts_magic = 1;
	device_set_desc_copy(dev, c->desc);
	return (c->probe);
}

static int
tleaf_attach(device_t dev)
{
	struct tsoftc *sc;
	struct tconf *c;

	c = tconf(dev);
	c->attaches++;
	sc = device_get_softc(dev);
	ATF_CHECK_EQ(device_get_state(dev), DS_ATTACHING);
	/* Attach sees its own probe's softc. */
	ATF_CHECK_EQ(sc->ts_magic, 1);
	sc->ts_buf = kern_malloc(100, M_DEVBUF, M_WAITOK);
	if (c->attach_error != 0) {
		kern_free(sc->ts_buf, M_DEVBUF);
		sc->ts_buf = NULL;
		ev("attachfail:%s", device_get_nameunit(dev));
		return (c->attach_error);
	}
	ev("attach:%s", device_get_nameunit(dev));
	return (0);
}

static int
tleaf_detach(device_t dev)
{
	struct tbus_ivars *iv;
	struct tsoftc *sc;

	iv = device_get_ivars(dev);
	if (iv != NULL && iv->refuse_detach != 0) {
		ev("refuse:%s", device_get_nameunit(dev));
		return (iv->refuse_detach);
	}
	tconf(dev)->detaches++;
	sc = device_get_softc(dev);
	kern_free(sc->ts_buf, M_DEVBUF);
	ev("detach:%s", device_get_nameunit(dev));
	return (0);
}

static int
tleaf_quiesce(device_t dev)
{
	struct tbus_ivars *iv;

	iv = device_get_ivars(dev);
	return (iv != NULL ? iv->refuse_quiesce : 0);
}

static int
tleaf_suspend(device_t dev)
{
	struct tbus_ivars *iv;
	struct tconf *c;

	c = tconf(dev);
	iv = device_get_ivars(dev);
	/* Never asked twice, never after its parent. */
	ATF_CHECK(!device_is_suspended(dev));
	ATF_CHECK(!device_is_suspended(device_get_parent(dev)));
	if (iv != NULL && iv->refuse_suspend != 0) {
		ev("refuse-suspend:%s", device_get_nameunit(dev));
		return (iv->refuse_suspend);
	}
	c->suspends++;
	ev("suspend:%s", device_get_nameunit(dev));
	return (0);
}

static int
tleaf_resume(device_t dev)
{
	/* Its parent is running again. */
	ATF_CHECK(!device_is_suspended(device_get_parent(dev)));
	tconf(dev)->resumes++;
	ev("resume:%s", device_get_nameunit(dev));
	return (0);
}

static kobj_method_t tleaf_methods[] = {
	DEVMETHOD(device_probe,		tleaf_probe),
	DEVMETHOD(device_attach,	tleaf_attach),
	DEVMETHOD(device_detach,	tleaf_detach),
	DEVMETHOD(device_quiesce,	tleaf_quiesce),
	DEVMETHOD(device_suspend,	tleaf_suspend),
	DEVMETHOD(device_resume,	tleaf_resume),
	DEVMETHOD_END
};

#define	TLEAF(n)	{ #n, tleaf_methods, sizeof(struct tsoftc) }
static driver_t tgen_driver = TLEAF(tgen);
static driver_t tdef_driver = TLEAF(tdef);
static driver_t tven_driver = TLEAF(tven);
static driver_t tspec_driver = TLEAF(tspec);
static driver_t tno_driver = TLEAF(tno);
static driver_t tnw_driver = TLEAF(tnw);
static driver_t tfail_driver = TLEAF(tfail);

/*
 * A driver with an identify method: it adds its own child ("tident") to
 * any bus it is offered, once.
 */
static void
tident_identify(driver_t *driver, device_t parent)
{
	ev("identify:%s", device_get_nameunit(parent));
	if (device_find_child(parent, "tident", DEVICE_UNIT_ANY) == NULL)
		ATF_CHECK(BUS_ADD_CHILD(parent, 0, "tident",
		    DEVICE_UNIT_ANY) != NULL);
}

static int
tident_probe(device_t dev)
{
	return (BUS_PROBE_NOWILDCARD);
}

static int
tident_attach(device_t dev)
{
	ev("attach:%s", device_get_nameunit(dev));
	return (0);
}

static kobj_method_t tident_methods[] = {
	DEVMETHOD(device_identify,	tident_identify),
	DEVMETHOD(device_probe,		tident_probe),
	DEVMETHOD(device_attach,	tident_attach),
	DEVMETHOD_END
};
static driver_t tident_driver = { "tident", tident_methods, 0 };

static devclass_t tbus_devclass;

/* root0 <- tbus0, attached; returns tbus0. */
static device_t
setup_bus(void)
{
	device_t bus;

	root_bus_init();
	ATF_REQUIRE(root_bus != NULL);
	/* Held for the rest of the test, as a kernel caller would hold it. */
	bus_topo_lock();
	ATF_REQUIRE_EQ(devclass_add_driver(root_devclass, &tbus_driver, NULL),
	    0);
	bus = device_add_child(root_bus, "tbus", DEVICE_UNIT_ANY);
	ATF_REQUIRE(bus != NULL);
	device_quiet(bus);
	ATF_REQUIRE_EQ(device_probe_and_attach(bus), 0);
	ATF_REQUIRE(device_is_attached(bus));
	ATF_REQUIRE_STREQ(device_get_nameunit(bus), "tbus0");
	tbus_devclass = devclass_find("tbus");
	ATF_REQUIRE(tbus_devclass != NULL);
	evlog[0] = '\0';
	return (bus);
}

static device_t
add_leaf(device_t bus, const char *name, int unit, struct tbus_ivars *iv)
{
	device_t dev;

	dev = device_add_child(bus, name, unit);
	ATF_REQUIRE(dev != NULL);
	device_set_ivars(dev, iv);
	device_quiet(dev);
	return (dev);
}

static void
add_driver(driver_t *driver)
{
	ATF_REQUIRE_EQ(devclass_add_driver(tbus_devclass, driver, NULL), 0);
}

/*
 * Delete the bus and all below it.  Whatever that forgets to free is
 * unreachable afterwards, and LeakSanitizer fails the test at exit.
 */
static void
teardown(device_t bus)
{
	ATF_REQUIRE_EQ(device_delete_child(root_bus, bus), 0);
}

ATF_TC_WITHOUT_HEAD(probe_priority);
ATF_TC_BODY(probe_priority, tc)
{
	device_t bus, dev;

	bus = setup_bus();
	add_driver(&tgen_driver);
	add_driver(&tven_driver);
	add_driver(&tdef_driver);
	add_driver(&tno_driver);
	dev = add_leaf(bus, NULL, DEVICE_UNIT_ANY, NULL);
	ATF_CHECK_STREQ(device_get_nameunit(dev), "");
	ATF_CHECK(device_get_name(dev) == NULL);
	ATF_CHECK_EQ(device_probe_and_attach(dev), 0);
	ATF_CHECK_STREQ(device_get_nameunit(dev), "tven0");
	ATF_CHECK_STREQ(device_get_desc(dev), "Vendor Thing");
	ATF_CHECK(device_get_driver(dev) == &tven_driver);
	ATF_CHECK(device_is_attached(dev));
	CHECK_LOG("attach:tven0");
	/* Everybody probed once; the winner, not probed last, twice. */
	ATF_CHECK_EQ(tconfs[0].probes, 1);
	ATF_CHECK_EQ(tconfs[1].probes, 1);
	ATF_CHECK_EQ(tconfs[2].probes, 2);
	ATF_CHECK_EQ(tconfs[4].probes, 1);
	/* The losers gave their units back. */
	ATF_CHECK_EQ(devclass_get_count(devclass_find("tgen")), 0);
	ATF_CHECK_EQ(devclass_get_count(devclass_find("tdef")), 0);
	ATF_CHECK(devclass_get_device(devclass_find("tven"), 0) == dev);
	/* Probing again is a no-op. */
	ATF_CHECK_EQ(device_probe(dev), -1);
	ATF_CHECK_EQ(device_probe_and_attach(dev), 0);
	ATF_CHECK_EQ(tconfs[2].probes, 2);
}

ATF_TC_WITHOUT_HEAD(probe_specific_and_named);
ATF_TC_BODY(probe_specific_and_named, tc)
{
	device_t bus, a, b, c;

	bus = setup_bus();
	add_driver(&tgen_driver);
	add_driver(&tspec_driver);
	add_driver(&tven_driver);
	add_driver(&tnw_driver);
	/* BUS_PROBE_SPECIFIC wins at once: tven is not even asked. */
	a = add_leaf(bus, NULL, DEVICE_UNIT_ANY, NULL);
	ATF_CHECK_EQ(device_probe_and_attach(a), 0);
	ATF_CHECK_STREQ(device_get_nameunit(a), "tspec0");
	ATF_CHECK_EQ(tconfs[3].probes, 1);
	ATF_CHECK_EQ(tconfs[2].probes, 0);
	/* A child added by name is offered to that driver only. */
	b = add_leaf(bus, "tven", 4, NULL);
	ATF_CHECK_STREQ(device_get_nameunit(b), "tven4");
	ATF_CHECK_EQ(device_probe_and_attach(b), 0);
	ATF_CHECK(device_get_driver(b) == &tven_driver);
	ATF_CHECK_EQ(tconfs[0].probes, 1);
	ATF_CHECK_EQ(tconfs[3].probes, 1);
	/* BUS_PROBE_NOWILDCARD matches only a child added by name. */
	c = add_leaf(bus, "tnw", DEVICE_UNIT_ANY, NULL);
	ATF_CHECK_EQ(device_probe_and_attach(c), 0);
	ATF_CHECK_STREQ(device_get_nameunit(c), "tnw0");
	ATF_CHECK_EQ(device_delete_child(bus, a), 0);
	ATF_CHECK_EQ(devclass_delete_driver(tbus_devclass, &tspec_driver), 0);
	ATF_CHECK_EQ(devclass_delete_driver(tbus_devclass, &tgen_driver), 0);
	a = add_leaf(bus, NULL, DEVICE_UNIT_ANY, NULL);
	tconfs[5].probes = 0;
	ATF_CHECK_EQ(device_probe_and_attach(a), 0);
	ATF_CHECK_EQ(tconfs[5].probes, 1);	/* asked, but said no */
	ATF_CHECK_STREQ(device_get_nameunit(a), "tven0");
	evlog[0] = '\0';
	teardown(bus);
}

ATF_TC_WITHOUT_HEAD(no_driver);
ATF_TC_BODY(no_driver, tc)
{
	device_t bus, dev;

	bus = setup_bus();
	add_driver(&tno_driver);
	dev = add_leaf(bus, NULL, DEVICE_UNIT_ANY, NULL);
	ATF_CHECK_EQ(device_probe_and_attach(dev), ENXIO);
	ATF_CHECK_EQ(device_get_state(dev), DS_NOTPRESENT);
	ATF_CHECK(device_get_softc(dev) == NULL);
	ATF_CHECK(device_get_desc(dev) == NULL);
	ATF_CHECK_STREQ(device_get_nameunit(dev), "");
	/* The bus hears about it once, not on every retry. */
	ATF_CHECK_EQ(device_probe_and_attach(dev), ENXIO);
	CHECK_LOG("nomatch");
	/* A child of a bus without drivers. */
	ATF_CHECK_EQ(device_probe_and_attach(add_leaf(dev, NULL,
	    DEVICE_UNIT_ANY, NULL)), ENXIO);
}

ATF_TC_WITHOUT_HEAD(attach_failure_frees);
ATF_TC_BODY(attach_failure_frees, tc)
{
	device_t bus, dev;
	long live0, live1;
	int round;

	bus = setup_bus();
	add_driver(&tfail_driver);
	/* Round 0 creates the devclass's unit table; round 1 measures. */
	for (round = 0; round < 2; round++) {
		live0 = kern_malloc_live;
		dev = add_leaf(bus, NULL, DEVICE_UNIT_ANY, NULL);
		live1 = kern_malloc_live;
		ATF_CHECK_EQ(device_probe_and_attach(dev), ENXIO);
		CHECK_LOG("attachfail:tfail0");
		ATF_CHECK_EQ(device_get_state(dev), DS_NOTPRESENT);
		ATF_CHECK(!device_is_alive(dev));
		ATF_CHECK(device_get_softc(dev) == NULL);
		ATF_CHECK(device_get_desc(dev) == NULL);
		ATF_CHECK(device_get_driver(dev) == NULL);
		ATF_CHECK_EQ(device_get_unit(dev), DEVICE_UNIT_ANY);
		ATF_CHECK_EQ(devclass_get_count(devclass_find("tfail")), 0);
		if (round == 1)
			ATF_CHECK_EQ(kern_malloc_live, live1);
		ATF_CHECK_EQ(device_delete_child(bus, dev), 0);
		CHECK_LOG("deleted");
		if (round == 1)
			ATF_CHECK_EQ(kern_malloc_live, live0);
	}
	/* A softc that cannot be had: the probe is skipped, not fatal. */
	dev = add_leaf(bus, "tfail", DEVICE_UNIT_ANY, NULL);
	live0 = kern_malloc_live;
	kern_malloc_fail_after = 0;
	ATF_CHECK_EQ(device_probe_and_attach(dev), ENXIO);
	kern_malloc_fail_after = -1;
	ATF_CHECK_EQ(kern_malloc_live, live0);
	ATF_CHECK_EQ(device_delete_child(bus, dev), 0);
}

ATF_TC_WITHOUT_HEAD(detach_order);
ATF_TC_BODY(detach_order, tc)
{
	device_t bus, sub, leaf;

	bus = setup_bus();
	add_driver(&tsub_driver);
	add_driver(&tdef_driver);
	sub = add_leaf(bus, "tsub", DEVICE_UNIT_ANY, NULL);
	ATF_REQUIRE_EQ(device_probe_and_attach(sub), 0);
	ATF_REQUIRE_EQ(devclass_add_driver(devclass_find("tsub"),
	    &tdef_driver, NULL), 0);
	add_leaf(bus, NULL, DEVICE_UNIT_ANY, NULL);
	add_leaf(sub, NULL, DEVICE_UNIT_ANY, NULL);
	leaf = add_leaf(sub, NULL, DEVICE_UNIT_ANY, NULL);
	ATF_CHECK_EQ(bus_generic_attach(bus), 0);
	/* Children are probed in order: tsub0 is up, tdef0 then 1 and 2. */
	ATF_CHECK_EQ(bus_generic_attach(sub), 0);
	CHECK_LOG("attach:tsub0 attach:tdef0 attach:tdef1 attach:tdef2");
	ATF_CHECK_STREQ(device_get_nameunit(leaf), "tdef2");

	/* A refusing grandchild stops everything above it. */
	struct tbus_ivars iv = { 0, EBUSY, 0 };
	device_set_ivars(leaf, &iv);
	ATF_CHECK_EQ(device_detach(bus), EBUSY);
	CHECK_LOG("detach:tdef0 detached:tdef0 refuse:tdef2");
	ATF_CHECK(device_is_attached(leaf));
	ATF_CHECK(device_is_attached(sub));
	ATF_CHECK(device_is_attached(bus));
	/*
	 * Deleting: children first, last added first, then the bus; each bus
	 * deletes its children before it goes, so it hears of it.
	 */
	iv.refuse_detach = 0;
	ATF_CHECK_EQ(device_delete_child(root_bus, bus), 0);
	CHECK_LOG("detach:tdef2 detached:tdef2 detach:tdef1 detached:tdef1 "
	    "deleted deleted detach:tsub0 detached:tsub0 deleted deleted "
	    "detach:tbus0");
}

ATF_TC_WITHOUT_HEAD(delete_child);
ATF_TC_BODY(delete_child, tc)
{
	struct tbus_ivars iv = { 1, EBUSY, 0 };
	device_t bus, dev, probed;
	device_t *list;
	long live;
	int n;

	bus = setup_bus();
	add_driver(&tdef_driver);
	dev = add_leaf(bus, NULL, DEVICE_UNIT_ANY, &iv);
	ATF_REQUIRE_EQ(device_probe_and_attach(dev), 0);
	CHECK_LOG("attach:tdef0");
	/* Detach refused: still attached, still there. */
	ATF_CHECK_EQ(device_delete_child(bus, dev), EBUSY);
	ATF_CHECK(device_is_attached(dev));
	ATF_CHECK(device_get_softc(dev) != NULL);
	ATF_CHECK_EQ(device_get_children(bus, &list, &n), 0);
	ATF_CHECK_EQ(n, 1);
	ATF_CHECK(n == 1 && list[0] == dev);
	kern_free(list, M_TEMP);
	iv.refuse_detach = 0;
	ATF_CHECK_EQ(device_delete_child(bus, dev), 0);
	CHECK_LOG("refuse:tdef0 detach:tdef0 detached:tdef0 deleted");
	ATF_CHECK(devclass_get_device(devclass_find("tdef"), 0) == NULL);

	/* Probed, never attached: deleting frees the softc too. */
	live = kern_malloc_live;
	probed = add_leaf(bus, NULL, DEVICE_UNIT_ANY, NULL);
	ATF_CHECK_EQ(device_probe(probed), 0);
	ATF_CHECK_EQ(device_get_state(probed), DS_ALIVE);
	ATF_CHECK(device_get_softc(probed) != NULL);
	ATF_CHECK_EQ(device_delete_child(bus, probed), 0);
	ATF_CHECK_EQ(kern_malloc_live, live);
	ATF_CHECK_EQ(device_get_children(bus, &list, &n), 0);
	ATF_CHECK_EQ(n, 0);
	kern_free(list, M_TEMP);
}

ATF_TC_WITHOUT_HEAD(unit_numbers);
ATF_TC_BODY(unit_numbers, tc)
{
	device_t bus, d[4], fixed;
	devclass_t dc;
	int i;

	bus = setup_bus();
	add_driver(&tdef_driver);
	for (i = 0; i < 3; i++) {
		d[i] = add_leaf(bus, NULL, DEVICE_UNIT_ANY, NULL);
		ATF_REQUIRE_EQ(device_probe_and_attach(d[i]), 0);
		ATF_CHECK_EQ(device_get_unit(d[i]), i);
	}
	ATF_CHECK_STREQ(device_get_nameunit(d[2]), "tdef2");
	dc = devclass_find("tdef");
	ATF_REQUIRE(dc != NULL);
	ATF_CHECK_STREQ(devclass_get_name(dc), "tdef");
	ATF_CHECK_EQ(devclass_get_count(dc), 3);
	ATF_CHECK_EQ(devclass_get_maxunit(dc), 3);
	ATF_CHECK(devclass_get_device(dc, 1) == d[1]);
	ATF_CHECK(devclass_get_softc(dc, 1) == device_get_softc(d[1]));
	ATF_CHECK(devclass_get_device(dc, 3) == NULL);
	ATF_CHECK(devclass_get_device(dc, -1) == NULL);
	/* A unit asked for by name is taken at once; a taken one fails. */
	ATF_CHECK(device_add_child(bus, "tdef", 1) == NULL);
	fixed = add_leaf(bus, "tdef", 7, NULL);
	ATF_CHECK_STREQ(device_get_nameunit(fixed), "tdef7");
	ATF_CHECK_EQ(devclass_get_maxunit(dc), 8);
	ATF_CHECK(device_find_child(bus, "tdef", 7) == fixed);
	ATF_CHECK(device_find_child(bus, "tdef", 5) == NULL);
	ATF_CHECK(device_find_child(root_bus, "tdef", 7) == NULL);
	ATF_CHECK(device_add_child(bus, "tdef", DEVCLASS_MAXUNIT + 1) == NULL);
	/* A freed unit is the next one handed out. */
	ATF_CHECK_EQ(device_delete_child(bus, d[1]), 0);
	ATF_CHECK(devclass_get_device(dc, 1) == NULL);
	d[3] = add_leaf(bus, NULL, DEVICE_UNIT_ANY, NULL);
	ATF_REQUIRE_EQ(device_probe_and_attach(d[3]), 0);
	ATF_CHECK_STREQ(device_get_nameunit(d[3]), "tdef1");
	/* Detaching a wildcard child gives its unit back; a named keeps it. */
	ATF_CHECK_EQ(device_detach(d[0]), 0);
	ATF_CHECK_EQ(device_get_unit(d[0]), DEVICE_UNIT_ANY);
	ATF_CHECK(devclass_get_device(dc, 0) == NULL);
	ATF_CHECK_EQ(device_probe_and_attach(fixed), 0);
	ATF_CHECK_EQ(device_detach(fixed), 0);
	ATF_CHECK_STREQ(device_get_nameunit(fixed), "tdef7");
	ATF_CHECK(devclass_get_device(dc, 7) == fixed);
	/* Bad class names. */
	ATF_CHECK(device_add_child(bus, "", DEVICE_UNIT_ANY) == NULL);
	ATF_CHECK(device_add_child(bus,
	    "a_class_name_longer_than_the_limit", DEVICE_UNIT_ANY) == NULL);
	ATF_CHECK(devclass_find("nonesuch") == NULL);
}

ATF_TC_WITHOUT_HEAD(child_order);
ATF_TC_BODY(child_order, tc)
{
	device_t bus, a, b, c, d;
	device_t *list;
	int n;

	bus = setup_bus();
	a = device_add_child_ordered(bus, 10, NULL, DEVICE_UNIT_ANY);
	b = device_add_child_ordered(bus, 5, NULL, DEVICE_UNIT_ANY);
	c = device_add_child_ordered(bus, 10, NULL, DEVICE_UNIT_ANY);
	d = device_add_child(bus, NULL, DEVICE_UNIT_ANY);
	ATF_REQUIRE_EQ(device_get_children(bus, &list, &n), 0);
	ATF_REQUIRE_EQ(n, 4);
	ATF_CHECK(list[0] == d && list[1] == b && list[2] == a &&
	    list[3] == c);
	ATF_CHECK(device_get_parent(a) == bus);
	ATF_CHECK(device_get_parent(bus) == root_bus);
	ATF_CHECK(device_get_parent(root_bus) == NULL);
	kern_free(list, M_TEMP);
}

/* A driver registered later attaches to a child nobody wanted. */
ATF_TC_WITHOUT_HEAD(driver_added_later);
ATF_TC_BODY(driver_added_later, tc)
{
	device_t bus, dev, other;
	devclass_t dc;

	bus = setup_bus();
	dev = add_leaf(bus, NULL, DEVICE_UNIT_ANY, NULL);
	ATF_CHECK_EQ(device_probe_and_attach(dev), ENXIO);
	CHECK_LOG("nomatch");
	/* A bus that is not attached hears nothing. */
	other = add_leaf(root_bus, "tbus", DEVICE_UNIT_ANY, NULL);
	add_leaf(other, NULL, DEVICE_UNIT_ANY, NULL);

	dc = NULL;
	ATF_CHECK_EQ(devclass_add_driver(tbus_devclass, &tdef_driver, &dc), 0);
	ATF_CHECK(dc == devclass_find("tdef"));
	CHECK_LOG("attach:tdef0");
	ATF_CHECK(device_is_attached(dev));
	ATF_CHECK(device_get_driver(dev) == &tdef_driver);
	ATF_CHECK_EQ(devclass_add_driver(tbus_devclass, &tdef_driver, NULL),
	    EEXIST);

	/* identify adds a child, which the same call then attaches. */
	ATF_CHECK_EQ(devclass_add_driver(tbus_devclass, &tident_driver, NULL),
	    0);
	CHECK_LOG("identify:tbus0 attach:tident0");
	ATF_CHECK_EQ(bus_generic_probe(bus), 0);
	CHECK_LOG("identify:tbus0");	/* tident0 is there already */
	/* One reference from devclass_add_driver(), one from tdef0. */
	ATF_CHECK_EQ(tdef_driver.refs, 2);
}

ATF_TC_WITHOUT_HEAD(driver_delete);
ATF_TC_BODY(driver_delete, tc)
{
	struct tbus_ivars iv[2] = { { 0, 0, 0 }, { 1, 0, 0 } };
	device_t bus, d0, d1;
	long live;

	bus = setup_bus();
	d0 = add_leaf(bus, NULL, DEVICE_UNIT_ANY, &iv[0]);
	d1 = add_leaf(bus, NULL, DEVICE_UNIT_ANY, &iv[1]);
	/* A first round creates the devclass and its unit table. */
	add_driver(&tdef_driver);
	ATF_CHECK_EQ(devclass_delete_driver(tbus_devclass, &tdef_driver), 0);
	evlog[0] = '\0';
	live = kern_malloc_live;
	add_driver(&tdef_driver);
	CHECK_LOG("attach:tdef0 attach:tdef1");

	/* Everything goes: devices detached, driver's class released. */
	ATF_CHECK_EQ(devclass_delete_driver(tbus_devclass, &tdef_driver), 0);
	CHECK_LOG("detach:tdef0 detached:tdef0 detach:tdef1 detached:tdef1");
	ATF_CHECK(!device_is_attached(d0) && !device_is_attached(d1));
	ATF_CHECK_EQ(tdef_driver.refs, 0);
	ATF_CHECK(tdef_driver.ops == NULL);
	ATF_CHECK_EQ(kern_malloc_live, live);
	ATF_CHECK_EQ(devclass_delete_driver(tbus_devclass, &tdef_driver),
	    ENOENT);

	/* Loaded again: both come back. */
	add_driver(&tdef_driver);
	CHECK_LOG("attach:tdef0 attach:tdef1");

	/* A device that will not quiesce: nothing is touched. */
	iv[1].refuse_quiesce = EBUSY;
	ATF_CHECK_EQ(devclass_delete_driver(tbus_devclass, &tdef_driver),
	    EBUSY);
	CHECK_LOG("");
	ATF_CHECK(device_is_attached(d0) && device_is_attached(d1));
	iv[1].refuse_quiesce = 0;

	/* A device that will not detach: EBUSY, it stays, driver stays. */
	iv[1].refuse_detach = EIO;
	ATF_CHECK_EQ(devclass_delete_driver(tbus_devclass, &tdef_driver),
	    EBUSY);
	CHECK_LOG("detach:tdef0 detached:tdef0 refuse:tdef1");
	ATF_CHECK(!device_is_attached(d0));
	ATF_CHECK(device_is_attached(d1));
	ATF_CHECK(device_get_driver(d1) == &tdef_driver);
	ATF_CHECK(tdef_driver.ops != NULL);
	iv[1].refuse_detach = 0;
	ATF_CHECK_EQ(devclass_delete_driver(tbus_devclass, &tdef_driver), 0);
	CHECK_LOG("detach:tdef1 detached:tdef1");
	ATF_CHECK_EQ(kern_malloc_live, live);
}

/* The attach line, as dmesg shows it. */
ATF_TC_WITHOUT_HEAD(attach_line);
ATF_TC_BODY(attach_line, tc)
{
	struct tbus_ivars iv = { 3, 0, 0 };
	device_t bus, dev, bare;
	uintptr_t slot;
	int fd, saved;

	bus = setup_bus();
	add_driver(&tven_driver);
	dev = device_add_child(bus, NULL, DEVICE_UNIT_ANY);
	device_set_ivars(dev, &iv);
	bare = device_add_child(bus, "tven", 5);

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ATF_REQUIRE(fd >= 0 && saved >= 0);
	dup2(fd, STDOUT_FILENO);
	ATF_CHECK_EQ(device_probe_and_attach(dev), 0);
	ATF_CHECK_EQ(device_probe_and_attach(bare), 0);
	ATF_CHECK_EQ(device_printf(dev, "%d MB\n", 1024), 15);
	ATF_CHECK_EQ(device_detach(dev), 0);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(fd);
	close(saved);
	ATF_CHECK(atf_utils_compare_file("out",
	    "tven0: <Vendor Thing> at slot/3 on tbus0\n"
	    "tven5: <Vendor Thing> on tbus0\n"
	    "tven0: 1024 MB\n"
	    "tven0: detached\n"));

	/* Instance variables through the bus. */
	dev = device_add_child(bus, NULL, DEVICE_UNIT_ANY);
	device_set_ivars(dev, &iv);
	ATF_CHECK_EQ(BUS_READ_IVAR(bus, dev, TBUS_IVAR_SLOT, &slot), 0);
	ATF_CHECK_EQ(slot, 3);
	ATF_CHECK_EQ(BUS_READ_IVAR(bus, dev, 99, &slot), ENOENT);
	ATF_CHECK_EQ(BUS_WRITE_IVAR(bus, dev, TBUS_IVAR_SLOT, 4), ENOENT);
	ATF_CHECK_EQ(BUS_READ_IVAR(root_bus, bus, TBUS_IVAR_SLOT, &slot),
	    ENOENT);
	ATF_CHECK(device_get_ivars(dev) == &iv);
}

ATF_TC_WITHOUT_HEAD(descriptions);
ATF_TC_BODY(descriptions, tc)
{
	device_t bus, dev;
	long live;

	bus = setup_bus();
	ATF_CHECK_STREQ(device_get_desc(bus), "Test Bus");
	dev = device_add_child(bus, NULL, DEVICE_UNIT_ANY);
	ATF_REQUIRE(dev != NULL);
	live = kern_malloc_live;
	device_set_desc_copy(dev, "one");
	ATF_CHECK_EQ(kern_malloc_live, live + 1);
	device_set_desc_copy(dev, "two");
	ATF_CHECK_EQ(kern_malloc_live, live + 1);
	ATF_CHECK_STREQ(device_get_desc(dev), "two");
	device_set_desc(dev, "three");
	ATF_CHECK_EQ(kern_malloc_live, live);
	ATF_CHECK_STREQ(device_get_desc(dev), "three");
	device_set_desc_copy(dev, "four");	/* freed with the device */
	ATF_CHECK_EQ(device_delete_child(bus, dev), 0);
	ATF_CHECK_EQ(kern_malloc_live, live - 1);	/* the device too */
	ATF_CHECK(device_is_quiet(bus));
	device_verbose(bus);
	ATF_CHECK(!device_is_quiet(bus));
}

/* True if no device in the subtree of 'dev' is marked suspended. */
static bool
none_suspended(device_t dev)
{
	device_t *kids;
	bool none;
	int i, n;

	if (device_is_suspended(dev))
		return (false);
	ATF_REQUIRE_EQ(device_get_children(dev, &kids, &n), 0);
	none = true;
	for (i = 0; i < n; i++)
		none = none && none_suspended(kids[i]);
	kern_free(kids, M_TEMP);
	return (none);
}

ATF_TC_WITHOUT_HEAD(suspend_resume);
ATF_TC_BODY(suspend_resume, tc)
{
	struct tbus_ivars iv = { 1, 0, 0, 0 };
	device_t bus, d[3], un;
	int i;

	bus = setup_bus();
	add_driver(&tdef_driver);
	for (i = 0; i < 3; i++) {
		d[i] = add_leaf(bus, NULL, DEVICE_UNIT_ANY, NULL);
		ATF_REQUIRE_EQ(device_probe_and_attach(d[i]), 0);
	}
	device_set_ivars(d[1], &iv);
	un = add_leaf(bus, "tnone", DEVICE_UNIT_ANY, NULL);	/* no driver */
	evlog[0] = '\0';

	/* Children last-added first, then the bus; resume the mirror. */
	ATF_CHECK_EQ(device_suspend(bus), 0);
	CHECK_LOG("suspend:tdef2 suspend:tdef1 suspend:tdef0 suspend:tbus0");
	for (i = 0; i < 3; i++)
		ATF_CHECK(device_is_suspended(d[i]));
	ATF_CHECK(device_is_suspended(bus));
	ATF_CHECK(!device_is_suspended(un));	/* not attached */
	ATF_CHECK_EQ(device_suspend(bus), 0);	/* already: nothing */
	CHECK_LOG("");
	ATF_CHECK_EQ(device_resume(bus), 0);
	CHECK_LOG("resume:tbus0 resume:tdef0 resume:tdef1 resume:tdef2");
	ATF_CHECK(none_suspended(bus));
	ATF_CHECK_EQ(device_resume(bus), 0);	/* not suspended: nothing */
	CHECK_LOG("");

	/*
	 * A child that refuses: the one suspended before it is resumed,
	 * the ones after it are not asked, its error comes back, and the
	 * bus itself is not suspended.
	 */
	iv.refuse_suspend = EIO;
	ATF_CHECK_EQ(device_suspend(bus), EIO);
	CHECK_LOG("suspend:tdef2 refuse-suspend:tdef1 resume:tdef2");
	ATF_CHECK(none_suspended(bus));
	iv.refuse_suspend = 0;

	/* Shutdown defaults to nothing; unattached devices are skipped. */
	ATF_CHECK_EQ(device_shutdown(root_bus), 0);
	ATF_CHECK_EQ(device_shutdown(un), 0);
	CHECK_LOG("");
	teardown(bus);
}

/*
 * Three levels: tbus0 over tsub0 {tdef0, tdef1} and tsub1 {tdef2, tdef3}.
 * Suspend goes children before parents, last-added first; resume parents
 * before children, first-added first.  A grandchild that refuses makes
 * every bus on the way up resume what it had suspended.
 */
ATF_TC_WITHOUT_HEAD(suspend_resume_tree);
ATF_TC_BODY(suspend_resume_tree, tc)
{
	struct tbus_ivars iv = { 0, 0, 0, 0 };
	device_t bus, sub[2], leaf[4];
	int i;

	bus = setup_bus();
	add_driver(&tsub_driver);
	for (i = 0; i < 2; i++) {
		sub[i] = add_leaf(bus, "tsub", DEVICE_UNIT_ANY, NULL);
		ATF_REQUIRE_EQ(device_probe_and_attach(sub[i]), 0);
	}
	ATF_REQUIRE_EQ(devclass_add_driver(devclass_find("tsub"),
	    &tdef_driver, NULL), 0);
	for (i = 0; i < 4; i++) {
		leaf[i] = add_leaf(sub[i / 2], NULL, DEVICE_UNIT_ANY, NULL);
		ATF_REQUIRE_EQ(device_probe_and_attach(leaf[i]), 0);
	}
	ATF_REQUIRE_STREQ(device_get_nameunit(leaf[3]), "tdef3");
	evlog[0] = '\0';

	ATF_CHECK_EQ(device_suspend(bus), 0);
	CHECK_LOG("suspend:tdef3 suspend:tdef2 suspend:tsub1 "
	    "suspend:tdef1 suspend:tdef0 suspend:tsub0 suspend:tbus0");
	for (i = 0; i < 4; i++)
		ATF_CHECK(device_is_suspended(leaf[i]));
	ATF_CHECK_EQ(device_resume(bus), 0);
	CHECK_LOG("resume:tbus0 resume:tsub0 resume:tdef0 resume:tdef1 "
	    "resume:tsub1 resume:tdef2 resume:tdef3");
	ATF_CHECK(none_suspended(bus));

	/* tdef0 refuses, after tsub1's subtree and tdef1 went down. */
	device_set_ivars(leaf[0], &iv);
	iv.refuse_suspend = EBUSY;
	ATF_CHECK_EQ(device_suspend(bus), EBUSY);
	CHECK_LOG("suspend:tdef3 suspend:tdef2 suspend:tsub1 "
	    "suspend:tdef1 refuse-suspend:tdef0 resume:tdef1 "
	    "resume:tsub1 resume:tdef2 resume:tdef3");
	ATF_CHECK(none_suspended(bus));

	/* Once it agrees, the whole tree goes down and comes back. */
	iv.refuse_suspend = 0;
	ATF_CHECK_EQ(device_suspend(bus), 0);
	ATF_CHECK_EQ(device_resume(bus), 0);
	ATF_CHECK(none_suspended(bus));
	ATF_CHECK_EQ(tconfs[1].suspends, tconfs[1].resumes);
	evlog[0] = '\0';
	teardown(bus);
}

/*
 * DRIVER_MODULE: the record lands in the linker set, and its handler
 * registers and unregisters the driver around the driver's own handler.
 */
static int tmod_arg;
static int tmod_error;

static int
tmod_evh(struct module *mod, int what, void *arg)
{
	ATF_CHECK(arg == &tmod_arg);
	ev("evh:%d", what);
	return (tmod_error);
}

static driver_t tmod_driver = TLEAF(tdef);
DRIVER_MODULE(tmod, tbus, tmod_driver, tmod_evh, &tmod_arg);
DRIVER_MODULE(tmod2, tbus, tven_driver, NULL, NULL);

SET_DECLARE(modmetadata_set, struct driver_module_data);

static struct driver_module_data *
find_dmd(driver_t *driver)
{
	struct driver_module_data **dmdp;

	SET_FOREACH(dmdp, modmetadata_set) {
		if ((*dmdp)->dmd_driver == driver)
			return (*dmdp);
	}
	return (NULL);
}

ATF_TC_WITHOUT_HEAD(driver_module);
ATF_TC_BODY(driver_module, tc)
{
	struct tbus_ivars iv = { 0, 0, 0 };
	struct driver_module_data *dmd;
	device_t bus, dev;
	unsigned long xlocks;

	ATF_CHECK_EQ(SET_COUNT(modmetadata_set), 2);
	dmd = find_dmd(&tmod_driver);
	ATF_REQUIRE(dmd != NULL);
	ATF_CHECK_STREQ(dmd->dmd_name, "tbus/tmod");
	ATF_CHECK_STREQ(dmd->dmd_busname, "tbus");
	ATF_CHECK(dmd->dmd_handler == driver_module_handler);
	ATF_CHECK(find_dmd(&tven_driver) != NULL);

	bus = setup_bus();
	dev = add_leaf(bus, NULL, DEVICE_UNIT_ANY, &iv);
	ATF_CHECK_EQ(device_probe_and_attach(dev), ENXIO);
	evlog[0] = '\0';
	/* The handler takes the topology lock itself. */
	bus_topo_unlock();
	xlocks = sx_host_xlocks;

	/* The driver's handler refuses: nothing registered. */
	tmod_error = EINVAL;
	ATF_CHECK_EQ(dmd->dmd_handler(NULL, MOD_LOAD, dmd), EINVAL);
	CHECK_LOG("evh:0");
	ATF_CHECK(!device_is_attached(dev));
	tmod_error = 0;

	ATF_CHECK_EQ(sx_host_xlocks, xlocks + 1);
	ATF_CHECK_EQ(driver_module_handler(NULL, MOD_LOAD, dmd), 0);
	CHECK_LOG("evh:0 attach:tdef0");
	ATF_CHECK_EQ(sx_host_xlocks, xlocks + 2);
	ATF_CHECK_EQ(driver_module_handler(NULL, MOD_SHUTDOWN, dmd), 0);
	CHECK_LOG("evh:2");

	/* Busy: the unload fails before the driver's handler runs. */
	iv.refuse_quiesce = EBUSY;
	ATF_CHECK_EQ(driver_module_handler(NULL, MOD_QUIESCE, dmd), EBUSY);
	ATF_CHECK_EQ(driver_module_handler(NULL, MOD_UNLOAD, dmd), EBUSY);
	CHECK_LOG("");
	iv.refuse_quiesce = 0;

	/* The driver's handler refuses the unload: the driver comes back. */
	tmod_error = EBUSY;
	ATF_CHECK_EQ(driver_module_handler(NULL, MOD_UNLOAD, dmd), EBUSY);
	CHECK_LOG("detach:tdef0 detached:tdef0 evh:1 attach:tdef0");
	tmod_error = 0;

	ATF_CHECK_EQ(driver_module_handler(NULL, MOD_UNLOAD, dmd), 0);
	CHECK_LOG("detach:tdef0 detached:tdef0 evh:1");
	ATF_CHECK(!device_is_attached(dev));
	ATF_CHECK_EQ(tmod_driver.refs, 0);
	ATF_CHECK_EQ(driver_module_handler(NULL, MOD_UNLOAD, dmd), ENOENT);
	ATF_CHECK_EQ(driver_module_handler(NULL, 99, dmd), EOPNOTSUPP);
}

ATF_TC_WITHOUT_HEAD(root);
ATF_TC_BODY(root, tc)
{
	root_bus_init();
	root_bus_init();	/* once only */
	ATF_CHECK_STREQ(device_get_nameunit(root_bus), "root0");
	ATF_CHECK(device_is_attached(root_bus));
	ATF_CHECK(devclass_find("root") == root_devclass);
	ATF_CHECK_STREQ(device_get_desc(root_bus), "System root bus");

	/* A root driver found by identify attaches at configure time. */
	bus_topo_lock();
	ATF_CHECK_EQ(devclass_add_driver(root_devclass, &tident_driver,
	    NULL), 0);
	bus_topo_unlock();
	CHECK_LOG("identify:root0 attach:tident0");
	root_bus_configure();		/* takes the topology lock */
	CHECK_LOG("identify:root0");
	ATF_CHECK(device_find_child(root_bus, "tident", 0) != NULL);
}

/* Changing the tree without the topology lock is caught. */
ATF_TC_WITHOUT_HEAD(topo_lock_required);
ATF_TC_BODY(topo_lock_required, tc)
{
	device_t *kids;
	int n;

	root_bus_init();
	bus_topo_slock();
	/* Reading with it held shared is fine ... */
	ATF_REQUIRE_EQ(device_get_children(root_bus, &kids, &n), 0);
	kern_free(kids, M_TEMP);
	bus_topo_sunlock();
	/* ... adding a child without it is not. */
	atf_tc_expect_signal(SIGABRT, "device_add_child asserts the lock");
	(void)device_add_child(root_bus, NULL, DEVICE_UNIT_ANY);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, topo_lock_required);
	ATF_TP_ADD_TC(tp, probe_priority);
	ATF_TP_ADD_TC(tp, probe_specific_and_named);
	ATF_TP_ADD_TC(tp, no_driver);
	ATF_TP_ADD_TC(tp, attach_failure_frees);
	ATF_TP_ADD_TC(tp, detach_order);
	ATF_TP_ADD_TC(tp, delete_child);
	ATF_TP_ADD_TC(tp, unit_numbers);
	ATF_TP_ADD_TC(tp, child_order);
	ATF_TP_ADD_TC(tp, driver_added_later);
	ATF_TP_ADD_TC(tp, driver_delete);
	ATF_TP_ADD_TC(tp, attach_line);
	ATF_TP_ADD_TC(tp, descriptions);
	ATF_TP_ADD_TC(tp, suspend_resume);
	ATF_TP_ADD_TC(tp, suspend_resume_tree);
	ATF_TP_ADD_TC(tp, driver_module);
	ATF_TP_ADD_TC(tp, root);
	return (atf_no_error());
}
