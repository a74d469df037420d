/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * A library module for the kernel linker's tests: ktest_mod depends on it
 * (MODULE_DEPEND(ktest_mod, kld_dep, 1, 2, 3)), so loading ktest_mod loads
 * this first from the preload image, and ktest_mod calls the function and
 * reads the variable it exports.  Version 2.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <modules/kld_dep/kld_dep.h>

int kld_dep_calls;

int
kld_dep_answer(int x)
{
	kld_dep_calls++;
	return (x * 6);
}

static int
kld_dep_modevent(module_t mod, int what, void *arg)
{
	switch (what) {
	case MOD_LOAD:
		printf("kld_dep: version %d loaded\n",
		    module_getversion(mod));
		return (0);
	case MOD_UNLOAD:
		printf("kld_dep: unloaded after %d calls\n", kld_dep_calls);
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

static moduledata_t kld_dep_mod = {
	"kld_dep",
	kld_dep_modevent,
	NULL
};

DECLARE_MODULE(kld_dep, kld_dep_mod, SI_SUB_KLD, SI_ORDER_ANY);
MODULE_VERSION(kld_dep, 2);
