/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * mi_startup(): the machine-independent half of boot.
 *
 * The machine-dependent start (sys/amd64/xen/machdep.c) brings up the
 * console, the trap table and pmap, then calls mi_startup(), which runs
 * every SYSINIT in the kernel in (subsystem, order) order -- see
 * <sys/kernel.h> for the list -- and ends the boot: in-kernel tests and
 * "boot complete" come from the last SYSINITs, and the boot thread then
 * becomes the console monitor or, when asked (ktest=, boot_poweroff=1),
 * powers off.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kenv.h>
#include <sys/kernel.h>
#include <sys/monitor.h>
#include <sys/reboot.h>

SET_DECLARE(sysinit_set, struct sysinit);

#define	SYSINIT_MAX	256

int bootverbose;

/* Stable insertion sort by (subsystem, order). */
void
sysinit_sort(struct sysinit **v, int n)
{
	struct sysinit *t, *p;
	int i, j;

	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0; j--) {
			p = v[j - 1];
			if (p->subsystem < t->subsystem ||
			    (p->subsystem == t->subsystem &&
			    p->order <= t->order))
				break;
			v[j] = p;
		}
		v[j] = t;
	}
}

void
mi_startup(void)
{
	static struct sysinit *list[SYSINIT_MAX];
	struct sysinit **sipp;
	long verbose;
	int i, n;

	if (getenv_long("boot_verbose", &verbose) == 0)
		bootverbose = (int)verbose;
	n = 0;
	SET_FOREACH(sipp, sysinit_set) {
		if (n == SYSINIT_MAX)
			panic("mi_startup: more than %d SYSINITs", SYSINIT_MAX);
		list[n++] = *sipp;
	}
	sysinit_sort(list, n);
	for (i = 0; i < n; i++) {
		if (bootverbose)
			printf("sysinit: %#x/%#x %s\n", list[i]->subsystem,
			    list[i]->order, list[i]->name);
		list[i]->func(list[i]->udata);
	}
	panic("mi_startup: the last SYSINIT returned");
}

/*
 * The end of boot.  The boot thread becomes the console monitor
 * (monitor(8)), unless the kernel was started to run its tests (ktest=)
 * or told to stop (boot_poweroff=1): then it powers the domain off
 * through kern_reboot(9), cleanly, once everything above has run.
 */
static void
boot_complete(void *arg)
{
	long poweroff;

	if (kern_getenv("ktest") != NULL ||
	    (getenv_long("boot_poweroff", &poweroff) == 0 && poweroff != 0)) {
		printf("pvbsd: boot sequence complete, powering off\n");
		kern_reboot(RB_POWEROFF);
	}
	printf("pvbsd: boot sequence complete\n");
	monitor_run();
}
SYSINIT(boot_complete, SI_SUB_LAST, SI_ORDER_ANY, boot_complete, NULL);
