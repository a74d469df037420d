/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel linker's in-kernel test module.  Loaded with kldload, it runs
 * a table of named tests from its MOD_LOAD handler and prints one line per
 * test, which the lab tests match:
 *
 *	ktest_mod: <name>: PASS
 *	ktest_mod: <name>: FAIL: <reason>
 *
 * then "ktest_mod: N passed, M failed".  The tests look at the module from
 * inside: it was linked against the kernel and against kld_dep (which it
 * depends on, so the linker loaded it first), its SYSINITs ran in order
 * before MOD_LOAD, its driver attached a device, its sysctl oids and
 * malloc type work, its text and read-only data cannot be written.
 *
 * The device ("ktestdev0" on the root bus) refuses its first detach, so
 * the first kldunload of the module fails with EBUSY and leaves it loaded;
 * the second succeeds, and the module's SYSUNINITs print in reverse order.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/queue.h>
#include <sys/sysctl.h>
#include <sys/bus.h>
#include <sys/linker.h>
#include <sys/module.h>
#include <machine/md_var.h>
#include <modules/kld_dep/kld_dep.h>

#include "device_if.h"
#include "bus_if.h"

static MALLOC_DEFINE(M_KTESTMOD, "ktest_mod", "the kernel linker's tests");

/* What ran, in order: SYSINITs, the attach, MOD_LOAD. */
static char ktest_mod_trace[16];
static int ktest_mod_ntrace;

static int ktest_mod_loads;		/* MOD_LOADs, for sysctl */
static int ktest_mod_refusals = 1;	/* detaches still to refuse */
static int ktest_mod_initialised = 0x5eed;
static int ktest_mod_bss;
static const char ktest_mod_rodata[] = "read-only";
static char ktest_mod_reason[128];

static void
ktest_mod_note(char c)
{
	if (ktest_mod_ntrace < (int)sizeof(ktest_mod_trace) - 1)
		ktest_mod_trace[ktest_mod_ntrace++] = c;
}

static int __printflike(1, 2)
ktest_mod_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ktest_mod_reason, sizeof(ktest_mod_reason), fmt, ap);
	va_end(ap);
	return (EINVAL);
}

SYSCTL_NODE(_kern, ktest_mod, "the kernel linker's test module");
SYSCTL_INT(_kern_ktest_mod, loads, &ktest_mod_loads, "MOD_LOADs seen");
SYSCTL_STRING(_kern_ktest_mod, trace, ktest_mod_trace,
    "SYSINITs (A, B, C), attach (D) and MOD_LOAD (L), in order");

/* The device. */
static void
ktestdev_identify(driver_t *driver, device_t parent)
{
	if (device_find_child(parent, "ktestdev", -1) == NULL)
		(void)device_add_child(parent, "ktestdev", DEVICE_UNIT_ANY);
}

static int
ktestdev_probe(device_t dev)
{
	device_set_desc(dev, "kernel linker test device");
	return (BUS_PROBE_DEFAULT);
}

static int
ktestdev_attach(device_t dev)
{
	ktest_mod_note('D');
	return (0);
}

static int
ktestdev_detach(device_t dev)
{
	if (ktest_mod_refusals > 0) {
		ktest_mod_refusals--;
		device_printf(dev, "refusing to detach (once)\n");
		return (EBUSY);
	}
	return (0);
}

static kobj_method_t ktestdev_methods[] = {
	DEVMETHOD(device_identify,	ktestdev_identify),
	DEVMETHOD(device_probe,		ktestdev_probe),
	DEVMETHOD(device_attach,	ktestdev_attach),
	DEVMETHOD(device_detach,	ktestdev_detach),
	DEVMETHOD_END
};

static driver_t ktestdev_driver = {
	"ktestdev",
	ktestdev_methods,
	0
};

/* After the driver is gone, its device goes too: nothing points here. */
static int
ktestdev_modevent(module_t mod, int what, void *arg)
{
	device_t dev;

	if (what == MOD_UNLOAD &&
	    (dev = device_find_child(root_bus, "ktestdev", -1)) != NULL)
		return (device_delete_child(root_bus, dev));
	return (0);
}

DRIVER_MODULE(ktestdev, root, ktestdev_driver, ktestdev_modevent, NULL);

/* SYSINITs around the driver's MOD_LOAD (SI_SUB_CONFIGURE, MIDDLE). */
static void
ktest_mod_init_a(void *arg)
{
	ktest_mod_note('A');
}
SYSINIT(ktest_mod_a, SI_SUB_KMEM, SI_ORDER_FIRST, ktest_mod_init_a, NULL);

static void
ktest_mod_init_b(void *arg)
{
	ktest_mod_note('B');
}
SYSINIT(ktest_mod_b, SI_SUB_CONFIGURE, SI_ORDER_FIRST, ktest_mod_init_b,
    NULL);

static void
ktest_mod_init_c(void *arg)
{
	ktest_mod_note('C');
}
SYSINIT(ktest_mod_c, SI_SUB_CONFIGURE, SI_ORDER_ANY, ktest_mod_init_c, NULL);

static void
ktest_mod_uninit(void *arg)
{
	printf("ktest_mod: SYSUNINIT %s\n", (const char *)arg);
}
SYSUNINIT(ktest_mod_a, SI_SUB_KMEM, SI_ORDER_FIRST, ktest_mod_uninit,
    "A");
SYSUNINIT(ktest_mod_c, SI_SUB_CONFIGURE, SI_ORDER_ANY, ktest_mod_uninit,
    "C");

/* The tests. */
static int
t_kernel_calls(void)
{
	char buf[32];

	if (hz <= 0)
		return (ktest_mod_fail("hz is %d", hz));
	snprintf(buf, sizeof(buf), "%d-%s", 42, "ok");
	if (strcmp(buf, "42-ok") != 0)
		return (ktest_mod_fail("snprintf gave \"%s\"", buf));
	return (0);
}

static int
t_dependency(void)
{
	module_t mod;
	int before;

	before = kld_dep_calls;
	if (kld_dep_answer(7) != 42 || kld_dep_calls != before + 1)
		return (ktest_mod_fail("kld_dep_answer or its counter wrong"));
	if ((mod = module_lookup("kld_dep")) == NULL)
		return (ktest_mod_fail("module kld_dep not registered"));
	if (module_getversion(mod) != 2)
		return (ktest_mod_fail("kld_dep version %d",
		    module_getversion(mod)));
	if (module_getfile(mod)->lf_refs != 1)
		return (ktest_mod_fail("kld_dep.ko has %d references, not 1",
		    module_getfile(mod)->lf_refs));
	return (0);
}

static int
t_sysinit_order(void)
{
	/* MOD_LOAD comes last: SI_SUB_KTEST. */
	if (strcmp(ktest_mod_trace, "ABDCL") != 0)
		return (ktest_mod_fail("order \"%s\", not \"ABDCL\"",
		    ktest_mod_trace));
	return (0);
}

static int
t_sections(void)
{
	if (ktest_mod_initialised != 0x5eed || ktest_mod_bss != 0)
		return (ktest_mod_fail("data %#x, bss %d",
		    ktest_mod_initialised, ktest_mod_bss));
	if (strcmp(ktest_mod_rodata, "read-only") != 0)
		return (ktest_mod_fail("rodata \"%s\"", ktest_mod_rodata));
	ktest_mod_bss = 1;
	ktest_mod_bss = 0;
	return (0);
}

/* Write a word back unchanged: 0 if writable, EFAULT if not. */
static int
ktest_mod_try_write(const void *p)
{
	volatile u_long *w;
	u_long v;

	w = (volatile u_long *)((uintptr_t)p & ~(sizeof(u_long) - 1));
	if (probe_read_long(w, &v) != 0)
		return (ENXIO);
	return (probe_write_long(w, v));
}

static int
t_protection(void)
{
	int e;

	if ((e = ktest_mod_try_write((const void *)t_protection)) != EFAULT)
		return (ktest_mod_fail("text is writable (%d)", e));
	if ((e = ktest_mod_try_write(ktest_mod_rodata)) != EFAULT)
		return (ktest_mod_fail("rodata is writable (%d)", e));
	if ((e = ktest_mod_try_write(&ktest_mod_initialised)) != 0)
		return (ktest_mod_fail("data is not writable (%d)", e));
	if ((e = ktest_mod_try_write(&ktest_mod_bss)) != 0)
		return (ktest_mod_fail("bss is not writable (%d)", e));
	return (0);
}

static int
t_malloc_type(void)
{
	struct malloc_type *mt;
	void *small, *large;

	small = malloc(100, M_KTESTMOD, M_NOWAIT | M_ZERO);
	large = malloc(3 * PAGE_SIZE, M_KTESTMOD, M_NOWAIT);
	if (small == NULL || large == NULL) {
		free(small, M_KTESTMOD);
		free(large, M_KTESTMOD);
		return (ktest_mod_fail("no memory"));
	}
	for (mt = malloc_type_list(); mt != NULL; mt = mt->ks_next)
		if (mt == M_KTESTMOD)
			break;
	if (mt == NULL || M_KTESTMOD->ks_inuse != 2) {
		free(small, M_KTESTMOD);
		free(large, M_KTESTMOD);
		return (ktest_mod_fail("type %slisted, %lu in use",
		    mt == NULL ? "not " : "", M_KTESTMOD->ks_inuse));
	}
	free(small, M_KTESTMOD);
	free(large, M_KTESTMOD);
	if (M_KTESTMOD->ks_inuse != 0 || M_KTESTMOD->ks_memuse != 0)
		return (ktest_mod_fail("%lu in use after free",
		    M_KTESTMOD->ks_inuse));
	return (0);
}

static int
t_driver(void)
{
	devclass_t dc;
	device_t dev;

	if ((dc = devclass_find("ktestdev")) == NULL ||
	    (dev = devclass_get_device(dc, 0)) == NULL)
		return (ktest_mod_fail("no ktestdev0"));
	if (!device_is_attached(dev) || device_get_parent(dev) != root_bus)
		return (ktest_mod_fail("ktestdev0 not attached to root0"));
	if (module_lookup("root/ktestdev") == NULL)
		return (ktest_mod_fail("no module root/ktestdev"));
	return (0);
}

static int ktest_mod_nseen;

static void
ktest_mod_sysctl_out(const char *name, const char *value, void *arg)
{
	if (strcmp(name, "kern.ktest_mod.loads") == 0 &&
	    strcmp(value, "1") == 0)
		ktest_mod_nseen++;
}

static int
t_sysctl(void)
{
	ktest_mod_nseen = 0;
	if (sysctl_query("kern.ktest_mod", ktest_mod_sysctl_out, NULL) != 0 ||
	    ktest_mod_nseen != 1)
		return (ktest_mod_fail("kern.ktest_mod.loads is not 1"));
	return (0);
}

static int
t_linker_file(void)
{
	struct linker_file *lf;
	module_t mod;
	uintptr_t v;

	if ((mod = module_lookup("ktest_mod")) == NULL ||
	    (lf = module_getfile(mod)) == NULL)
		return (ktest_mod_fail("no module ktest_mod"));
	if (strcmp(lf->lf_name, "ktest_mod.ko") != 0 ||
	    module_getversion(mod) != 1)
		return (ktest_mod_fail("file %s, version %d", lf->lf_name,
		    module_getversion(mod)));
	if ((uintptr_t)t_linker_file < lf->lf_address ||
	    (uintptr_t)t_linker_file >= lf->lf_address + lf->lf_size ||
	    lf->lf_address < 0xffffffff80000000UL)
		return (ktest_mod_fail("code at %p outside the file at %#lx",
		    (void *)t_linker_file, (u_long)lf->lf_address));
	if (linker_lookup_symbol(lf, "kld_dep_answer", &v) != 0 ||
	    v != (uintptr_t)kld_dep_answer)
		return (ktest_mod_fail("kld_dep_answer not found through "
		    "the dependency"));
	if (linker_lookup_symbol(lf, "ktest_mod_table_size", &v) != 0)
		return (ktest_mod_fail("own symbol not found"));
	return (0);
}

static const struct {
	const char	*name;
	const char	*desc;
	int		(*func)(void);
} ktest_mod_table[] = {
	{ "kernel_calls", "calls into the kernel, reads its variables",
	    t_kernel_calls },
	{ "dependency", "kld_dep was loaded first and is linked to",
	    t_dependency },
	{ "sysinit_order", "SYSINITs, attach and MOD_LOAD in order",
	    t_sysinit_order },
	{ "sections", "data, bss and rodata hold what they should",
	    t_sections },
	{ "protection", "text and rodata read-only, data writable",
	    t_protection },
	{ "malloc_type", "the module's own malloc type counts",
	    t_malloc_type },
	{ "driver", "DRIVER_MODULE attached ktestdev0 to root0", t_driver },
	{ "sysctl", "the module's sysctl oids are in the tree", t_sysctl },
	{ "linker_file", "the linker file, module and symbols", t_linker_file },
};

const int ktest_mod_table_size = nitems(ktest_mod_table);

static void
ktest_mod_run(void)
{
	int i, error, passed, failed;

	passed = failed = 0;
	for (i = 0; i < ktest_mod_table_size; i++) {
		ktest_mod_reason[0] = '\0';
		error = ktest_mod_table[i].func();
		if (error == 0) {
			printf("ktest_mod: %s: PASS\n",
			    ktest_mod_table[i].name);
			passed++;
		} else {
			printf("ktest_mod: %s: FAIL: %s\n",
			    ktest_mod_table[i].name, ktest_mod_reason);
			failed++;
		}
	}
	printf("ktest_mod: %d passed, %d failed\n", passed, failed);
}

static int
ktest_mod_modevent(module_t mod, int what, void *arg)
{
	switch (what) {
	case MOD_LOAD:
		ktest_mod_loads++;
		if (ktest_mod_loads > 1) {
			/* Back after a refused unload: the tests ran. */
			printf("ktest_mod: loaded again\n");
			return (0);
		}
		ktest_mod_note('L');
		ktest_mod_run();
		return (0);
	case MOD_QUIESCE:
		return (0);
	case MOD_UNLOAD:
		printf("ktest_mod: MOD_UNLOAD\n");
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

static moduledata_t ktest_mod_mod = {
	"ktest_mod",
	ktest_mod_modevent,
	NULL
};

DECLARE_MODULE(ktest_mod, ktest_mod_mod, SI_SUB_KTEST, SI_ORDER_MIDDLE);
MODULE_VERSION(ktest_mod, 1);
MODULE_DEPEND(ktest_mod, kld_dep, 1, 2, 3);
MODULE_DEPEND(ktest_mod, kernel, 1, 1, 1);
