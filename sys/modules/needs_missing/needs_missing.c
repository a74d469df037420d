/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * A module whose dependency does not exist: the kernel linker must refuse
 * it, naming the module and the versions it asked for, and leave nothing
 * behind.  Its handler never runs.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/module.h>

static int
needs_missing_modevent(module_t mod, int what, void *arg)
{
	if (what == MOD_LOAD)
		printf("needs_missing: loaded, which must not happen\n");
	return (0);
}

static moduledata_t needs_missing_mod = {
	"needs_missing",
	needs_missing_modevent,
	NULL
};

DECLARE_MODULE(needs_missing, needs_missing_mod, SI_SUB_KLD, SI_ORDER_ANY);
MODULE_VERSION(needs_missing, 1);
MODULE_DEPEND(needs_missing, nosuchmod, 1, 1, 1);
