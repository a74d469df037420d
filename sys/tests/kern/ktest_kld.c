/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * In-kernel test of the kernel linker: kld_cycle loads and unloads
 * kld_res.ko -- a module that holds memory, a grant, an event channel, a
 * xenstore watch, a sysctl node and a device while loaded -- 100 times and
 * checks that the kernel's counters are exactly what they were before:
 * allocations of every malloc type, free and page-table pages, kmem and
 * module-arena pages, grants in use, bound event channels, registered
 * xenstore watches; and that nothing of the module is left (file, module,
 * sysctl node).  It prints the counters before, while loaded (each
 * resource must show) and after, and the average load and unload times.
 *
 * One load and unload come first, uncounted: some things stay after the
 * first load by design -- the devclass newbus keeps for the driver's name,
 * the page tables of the module arena, the malloc zones' first slabs --
 * and are reused by every later load.  Page tables are never freed, but
 * kmem hands out addresses first fit from the start of KVA (vm_kern.c),
 * so every later cycle's blocks land where the first cycle's did, under
 * the tables that cycle made: free pages and page-table pages must each
 * be exactly as before (the test prints both differences).
 *
 * kld_fail loads kld_fail.ko, whose MOD_LOAD fails after its SYSINIT took
 * resources and its driver attached a device, and checks that the load
 * fails with the handler's error and that the same counters, and the
 * count of sysctl oids, are exactly as before (after one uncounted
 * attempt, for the same reason).
 *
 * xbd_cycle and xn_cycle do the same with the PV frontends, xbd.ko and
 * xn.ko, while the domain has a disk and a NIC (the lab's scenario
 * pvcycle gives it both): 100 loads and unloads each, where every load
 * must attach unit 0 and bring it to Connected with its backend -- our
 * state and the backend's, read from xenstore, both say so -- and every
 * xbd load must also read the disk's first 64 KiB and find there the
 * marker dom0 wrote.  The counters are compared as kld_cycle's, and the
 * first (uncounted) cycle's load must have taken grants, ports and
 * memory, so that a test whose device never came could not pass.
 *
 * All need the preload image (the lab's ramdisk), so they run only when
 * named: ktest=kld_cycle,kld_fail or ktest=xbd_cycle,xn_cycle.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <sys/bus.h>
#include <sys/bio.h>
#include <sys/disk.h>
#include <sys/timetc.h>
#include <sys/linker.h>
#include <sys/module.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>
#include <xen/gnttab.h>
#include <xen/xen_evtchn.h>
#include <xen/xenstore/xenstorevar.h>
#include <xen/xenbus/xenbusvar.h>

#define	KLD_CYCLES	100
#define	KLD_NTYPES	64

struct kld_counts {
	u_long	malloc;			/* allocations, all types */
	u_long	free;			/* free pages */
	u_long	ptable;			/* page-table pages */
	u_long	kva;			/* kmem pages */
	u_long	kmod;			/* module-arena pages */
	u_long	grants;
	u_int	ports;
	u_long	watches;
	u_int	oids;			/* in the sysctl tree */
	int	ntypes;
	struct malloc_type *type[KLD_NTYPES];
	u_long	inuse[KLD_NTYPES];
};

static void
kld_count(struct kld_counts *c)
{
	struct malloc_type *mt;

	memset(c, 0, sizeof(*c));
	for (mt = malloc_type_list(); mt != NULL; mt = mt->ks_next) {
		c->malloc += mt->ks_inuse;
		if (c->ntypes < KLD_NTYPES) {
			c->type[c->ntypes] = mt;
			c->inuse[c->ntypes++] = mt->ks_inuse;
		}
	}
	c->free = vm_page_stats.vs_free;
	c->ptable = vm_page_stats.vs_ptable;
	c->kva = kva_pages_inuse();
	c->kmod = kmod_pages_inuse();
	c->grants = gnttab_stats.gs_inuse;
	c->ports = evtchn_nbound();
	c->watches = xs_stats.xs_watches;
	c->oids = sysctl_noids;
}

static void
kld_print(const char *test, const char *when, const struct kld_counts *c)
{
	printf("ktest: %s: %s: malloc %lu in use, %lu free pages, "
	    "%lu page-table pages, kmem %lu pages, modules %lu pages, "
	    "%lu grants, %u ports, %lu watches, %u oids\n", test, when,
	    c->malloc, c->free, c->ptable, c->kva, c->kmod, c->grants,
	    c->ports, c->watches, c->oids);
}

/* How many page-table pages and free pages the cycles added. */
static void
kld_print_diff(const char *test, const struct kld_counts *a,
    const struct kld_counts *b)
{
	printf("ktest: %s: %ld page-table pages and %ld free pages more "
	    "than before\n", test, (long)b->ptable - (long)a->ptable,
	    (long)b->free - (long)a->free);
}

/* Every counter exactly as before, free and page-table pages too. */
static bool
kld_same_counts(const struct kld_counts *a, const struct kld_counts *b)
{
	return (b->malloc == a->malloc && b->free == a->free &&
	    b->ptable == a->ptable && b->kva == a->kva &&
	    b->kmod == a->kmod && b->grants == a->grants &&
	    b->ports == a->ports && b->watches == a->watches &&
	    b->oids == a->oids);
}

/* Every type's count as before; a type gone from the list counts 0. */
static bool
kld_same_types(const struct kld_counts *a, const struct kld_counts *b)
{
	int i, j;

	for (i = 0; i < b->ntypes; i++) {
		for (j = 0; j < a->ntypes; j++)
			if (a->type[j] == b->type[i])
				break;
		if ((j < a->ntypes ? a->inuse[j] : 0) != b->inuse[i]) {
			ktest_fail("malloc type %s: %lu in use, %lu before",
			    b->type[i]->ks_shortdesc, b->inuse[i],
			    j < a->ntypes ? a->inuse[j] : 0);
			return (false);
		}
	}
	return (true);
}

/*
 * The end of every counting test: each counter, then each malloc type, as
 * before; "after WHAT" names the step in the failure.
 */
static int
kld_check_same(const char *what, const struct kld_counts *before,
    const struct kld_counts *after)
{
	if (!kld_same_counts(before, after)) {
		ktest_fail("counters differ after %s", what);
		return (EINVAL);
	}
	if (!kld_same_types(before, after))
		return (EINVAL);
	return (0);
}

static int kld_oids_seen;

static void
kld_sysctl_out(const char *name, const char *value, void *arg)
{
	kld_oids_seen++;
}

/* Nothing of module 'name' (driver 'drv') is left: file, modules, node. */
static int
kld_gone(const char *name, const char *drv)
{
	char buf[64];
	bool file;

	snprintf(buf, sizeof(buf), "%s.ko", name);
	mtx_lock(&kld_mtx);
	file = linker_find_file(buf) != NULL;
	mtx_unlock(&kld_mtx);
	snprintf(buf, sizeof(buf), "root/%s", drv);
	if (file || module_lookup(name) != NULL || module_lookup(buf) != NULL) {
		ktest_fail("%s is still there after it went", name);
		return (EBUSY);
	}
	if (device_find_child(root_bus, drv, -1) != NULL) {
		ktest_fail("device %s is still on the root bus", drv);
		return (EBUSY);
	}
	snprintf(buf, sizeof(buf), "kern.%s", name);
	kld_oids_seen = 0;
	(void)sysctl_query(buf, kld_sysctl_out, NULL);
	if (kld_oids_seen != 0) {
		ktest_fail("%s is still in the sysctl tree", buf);
		return (EBUSY);
	}
	return (0);
}

/*
 * Count once the kernel is quiet: the work boot left behind (xenstore
 * replies and watch events still in flight, threads that exited and wait
 * to be freed at the next switch) ends at its own pace, slower on a busy
 * host, and what it frees would show as a difference after the cycles.
 * Six counts 100 ms apart in a row must agree on allocations and free
 * pages (two in a row were not enough at a load average of 7); at most
 * 10 s.
 */
static void
kld_settle(struct kld_counts *c)
{
	static struct kld_counts again;
	int i, still;

	kld_count(c);
	for (i = still = 0; i < 100 && still < 5; i++) {
		tsleep(c, 0, "kldsettle", hz / 10);
		kld_count(&again);
		if (again.malloc == c->malloc && again.free == c->free)
			still++;
		else
			still = 0;
		*c = again;
	}
}

static int
kld_cycle_once(uint64_t *loadns, uint64_t *unloadns,
    struct kld_counts *loaded)
{
	struct linker_file *lf;
	uint64_t t0, t1, t2;
	int error;

	t0 = nanouptime_ns();
	if ((error = linker_load_file("kld_res", true, &lf)) != 0) {
		ktest_fail("kldload kld_res: error %d", error);
		return (error);
	}
	t1 = nanouptime_ns();
	if (loaded != NULL)
		kld_count(loaded);
	if ((error = linker_unload_file(lf)) != 0) {
		ktest_fail("kldunload kld_res: error %d", error);
		return (error);
	}
	t2 = nanouptime_ns();
	*loadns += t1 - t0;
	*unloadns += t2 - t1;
	return (kld_gone("kld_res", "kld_resdev"));
}

KTEST(kld_cycle, "100 kldload/kldunload cycles leave every counter as it "
    "was", KTEST_EXPLICIT)
{
	static struct kld_counts before, loaded, after;
	uint64_t loadns, unloadns;
	int error, i;

	loadns = unloadns = 0;
	if ((error = kld_cycle_once(&loadns, &unloadns, NULL)) != 0)
		return (error);
	loadns = unloadns = 0;
	kld_settle(&before);
	for (i = 0; i < KLD_CYCLES; i++)
		if ((error = kld_cycle_once(&loadns, &unloadns,
		    i == 0 ? &loaded : NULL)) != 0)
			return (error);
	kld_settle(&after);
	kld_print("kld_cycle", "before", &before);
	kld_print("kld_cycle", "loaded", &loaded);
	kld_print("kld_cycle", "after", &after);
	printf("ktest: kld_cycle: %d cycles of kld_res.ko, load %lu us, "
	    "unload %lu us on average\n", KLD_CYCLES,
	    (u_long)(loadns / KLD_CYCLES / 1000),
	    (u_long)(unloadns / KLD_CYCLES / 1000));
	kld_print_diff("kld_cycle", &before, &after);

	if (loaded.grants != before.grants + 1 ||
	    loaded.ports != before.ports + 1 ||
	    loaded.watches != before.watches + 1 ||
	    loaded.oids != before.oids + 3 ||
	    loaded.malloc <= before.malloc || loaded.kmod <= before.kmod) {
		ktest_fail("kld_res did not hold its resources while loaded");
		return (EINVAL);
	}
	return (kld_check_same(__XSTRING(KLD_CYCLES) " cycles", &before,
	    &after));
}

/*
 * kld_fail.ko's MOD_LOAD fails after its driver has attached a device and
 * a SYSINIT has taken memory, kmem pages, a grant, an event channel and a
 * watch (see sys/modules/kld_fail): the load must fail with the handler's
 * error and leave every counter exactly as it was.  The first attempt is
 * counted only for what cannot stay by design (grants, ports, watches,
 * oids, module pages): memory may (kld_cycle).
 */
KTEST(kld_fail, "a module whose MOD_LOAD fails is unwound completely",
    KTEST_EXPLICIT)
{
	static struct kld_counts first, before, after;
	struct linker_file *lf;
	int error, i;

	kld_settle(&first);
	for (i = 0; i < 2; i++) {
		if (i == 1) {
			kld_settle(&before);
			/*
			 * What the first load may leave by design is memory;
			 * no grant, port, watch, oid or module page.
			 */
			if (before.grants != first.grants ||
			    before.ports != first.ports ||
			    before.watches != first.watches ||
			    before.oids != first.oids ||
			    before.kmod != first.kmod) {
				kld_print("kld_fail", "first", &first);
				kld_print("kld_fail", "then", &before);
				ktest_fail("the first failed load left things "
				    "behind");
				return (EINVAL);
			}
		}
		error = linker_load_file("kld_fail", true, &lf);
		if (error != ENXIO) {
			ktest_fail("kldload kld_fail: error %d, not ENXIO (%d)",
			    error, ENXIO);
			if (error == 0)
				(void)linker_unload_file(lf);
			return (EINVAL);
		}
		if ((error = kld_gone("kld_fail", "kld_faildev")) != 0)
			return (error);
	}
	kld_settle(&after);
	kld_print("kld_fail", "before", &before);
	kld_print("kld_fail", "after", &after);
	return (kld_check_same("a failed load", &before, &after));
}

/*
 * The PV frontends' cycles (xbd_cycle, xn_cycle).  The marker is what
 * the lab's scenario pvcycle writes at the start of the disk.
 */
#define	KLD_PV_MARK	"pvbsd kld cycle disk\n"
#define	KLD_PV_READ	65536

static char kld_pv_buf[KLD_PV_READ] __aligned(PAGE_SIZE);

/* Unit 0 of 'drv' is attached, and both ends say Connected. */
static int
kld_pv_connected(const char *drv)
{
	XenbusState ours, theirs;
	device_t bus, dev;
	bool attached;

	ours = theirs = XenbusStateUnknown;
	bus_topo_lock();
	bus = device_find_child(root_bus, "xenbusb_front", 0);
	dev = bus != NULL ? device_find_child(bus, drv, 0) : NULL;
	attached = dev != NULL && device_is_attached(dev);
	if (attached) {
		ours = xenbus_get_state(dev);
		theirs = xenbus_read_otherend_state(dev);
	}
	bus_topo_unlock();
	if (!attached) {
		ktest_fail("%s0 is not attached after kldload %s", drv, drv);
		return (ENXIO);
	}
	if (ours != XenbusStateConnected || theirs != XenbusStateConnected) {
		ktest_fail("%s0 is %s, its backend %s: not Connected", drv,
		    xenbus_strstate(ours), xenbus_strstate(theirs));
		return (ENXIO);
	}
	return (0);
}

/* xbd0's first 64 KiB hold dom0's marker. */
static int
kld_pv_read(void)
{
	struct disk *dp;
	struct bio b;
	int error;

	if ((error = disk_open("xbd0", DISK_READ, &dp)) != 0) {
		ktest_fail("cannot open xbd0: error %d", error);
		return (error);
	}
	memset(kld_pv_buf, 0, sizeof(kld_pv_buf));
	memset(&b, 0, sizeof(b));
	b.bio_cmd = BIO_READ;
	b.bio_offset = 0;
	b.bio_length = sizeof(kld_pv_buf);
	b.bio_data = kld_pv_buf;
	error = bio_submit_wait(dp, &b);
	disk_close(dp, DISK_READ);
	if (error != 0) {
		ktest_fail("xbd0: read of %zu bytes: error %d",
		    sizeof(kld_pv_buf), error);
		return (error);
	}
	if (memcmp(kld_pv_buf, KLD_PV_MARK, sizeof(KLD_PV_MARK) - 1) != 0) {
		ktest_fail("xbd0: no marker at the start of the disk");
		return (EIO);
	}
	return (0);
}

/* No unit of 'drv' is attached on the xenbus any more. */
static int
kld_pv_detached(const char *drv)
{
	device_t bus, dev;
	bool attached;

	bus_topo_lock();
	bus = device_find_child(root_bus, "xenbusb_front", 0);
	dev = bus != NULL ? device_find_child(bus, drv, DEVICE_UNIT_ANY) :
	    NULL;
	attached = dev != NULL && device_is_attached(dev);
	bus_topo_unlock();
	if (attached) {
		ktest_fail("%s is still attached after kldunload", drv);
		return (EBUSY);
	}
	return (0);
}

static int
kld_pv_cycle_once(const char *mod, bool readdisk, uint64_t *loadns,
    uint64_t *unloadns, struct kld_counts *loaded)
{
	struct linker_file *lf;
	uint64_t t0, t1, t2;
	int error;

	t0 = nanouptime_ns();
	if ((error = linker_load_file(mod, true, &lf)) != 0) {
		ktest_fail("kldload %s: error %d", mod, error);
		return (error);
	}
	t1 = nanouptime_ns();
	error = kld_pv_connected(mod);
	if (error == 0 && readdisk)
		error = kld_pv_read();
	if (error == 0 && loaded != NULL)
		kld_count(loaded);
	t2 = nanouptime_ns();
	if (linker_unload_file(lf) != 0) {
		if (error == 0)
			ktest_fail("kldunload %s failed", mod);
		return (error != 0 ? error : EBUSY);
	}
	if (error != 0)
		return (error);
	*loadns += t1 - t0;
	*unloadns += nanouptime_ns() - t2;
	if ((error = kld_pv_detached(mod)) != 0)
		return (error);
	return (kld_gone(mod, mod));
}

static int
kld_pv_cycle(const char *test, const char *mod, bool readdisk)
{
	static struct kld_counts before, loaded, after;
	uint64_t loadns, unloadns;
	int error, i;

	loadns = unloadns = 0;
	kld_settle(&before);
	if ((error = kld_pv_cycle_once(mod, readdisk, &loadns, &unloadns,
	    &loaded)) != 0)
		return (error);
	if (loaded.grants <= before.grants || loaded.ports <= before.ports ||
	    loaded.malloc <= before.malloc) {
		kld_print(test, "before", &before);
		kld_print(test, "loaded", &loaded);
		ktest_fail("%s held no grants, ports or memory while loaded",
		    mod);
		return (EINVAL);
	}
	loadns = unloadns = 0;
	kld_settle(&before);
	for (i = 0; i < KLD_CYCLES; i++)
		if ((error = kld_pv_cycle_once(mod, readdisk, &loadns,
		    &unloadns, NULL)) != 0)
			return (error);
	kld_settle(&after);
	kld_print(test, "before", &before);
	kld_print(test, "loaded", &loaded);
	kld_print(test, "after", &after);
	printf("ktest: %s: %d cycles of %s.ko, load %lu us, unload %lu us "
	    "on average\n", test, KLD_CYCLES, mod,
	    (u_long)(loadns / KLD_CYCLES / 1000),
	    (u_long)(unloadns / KLD_CYCLES / 1000));
	kld_print_diff(test, &before, &after);
	return (kld_check_same(__XSTRING(KLD_CYCLES) " cycles", &before,
	    &after));
}

KTEST(xbd_cycle, "100 kldload/kldunload cycles of xbd.ko, each connected "
    "and reading the disk, leave every counter as it was", KTEST_EXPLICIT)
{
	return (kld_pv_cycle("xbd_cycle", "xbd", true));
}

KTEST(xn_cycle, "100 kldload/kldunload cycles of xn.ko, each connected, "
    "leave every counter as it was", KTEST_EXPLICIT)
{
	return (kld_pv_cycle("xn_cycle", "xn", false));
}
