/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * A module that crashes the kernel on purpose when it is loaded: its
 * MOD_LOAD handler calls crashme_deref(), which reads through a NULL
 * pointer.  The lab loads it at the monitor (scenario kldcrash) to check
 * that the fatal-trap report names the faulting function inside the
 * module and the module's file -- "at crashme_deref+0x... [crashme.ko]"
 * -- from the kernel linker's symbols (linker_search_symbol_name(9)).
 * Never listed in loader.conf.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/module.h>

int	crashme_deref(void);

/* Not static and not inlined: the backtrace must show it by name. */
__attribute__((noinline)) int
crashme_deref(void)
{
	volatile int *p;

	p = NULL;
	/* Hide the NULL from the compiler, which would emit ud2 instead. */
	__asm__ volatile("" : "+r" (p));
	return (*p);
}

static int
crashme_modevent(module_t mod, int what, void *arg)
{
	switch (what) {
	case MOD_LOAD:
		printf("crashme: reading through a NULL pointer\n");
		return (crashme_deref() == 0 ? 0 : EINVAL);
	case MOD_UNLOAD:
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

static moduledata_t crashme_mod = {
	"crashme",
	crashme_modevent,
	NULL
};

DECLARE_MODULE(crashme, crashme_mod, SI_SUB_KLD, SI_ORDER_ANY);
MODULE_VERSION(crashme, 1);
