/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel linker: linker files and their modules.
 *
 * A linker file is the kernel itself (id 1, registered at boot) or a .ko
 * loaded later.  Each file's metadata records (<sys/module.h>) become its
 * modules.  The kernel's are registered at SI_SUB_KMEM, right after
 * malloc, so that every DECLARE_MODULE SYSINIT that follows finds its
 * module, and autoconfiguration loads the built-in drivers.
 *
 * Lock: kld_mtx, a sleep mutex, serialises everything here and in
 * kern_module.c; module handlers run with it held.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/linker_set.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/linker.h>
#include <sys/module.h>

struct mtx kld_mtx;
struct linker_file *linker_kernel_file;

static struct linker_file linker_kernel_store;
static TAILQ_HEAD(, linker_file) linker_files =
    TAILQ_HEAD_INITIALIZER(linker_files);

SET_DECLARE(modmetadata_set, struct mod_metadata);

extern char _begin[], _end[];

/* The kernel's own version, for MODULE_DEPEND(foo, kernel, 1, 1, 1). */
MODULE_VERSION(kernel, 1);

/*
 * A MOD_LOAD failed.  A built-in module just stays dead (the handler has
 * said why); a .ko being loaded is unloaded again by the linker.
 */
void
linker_module_failed(struct linker_file *lf, struct module *mod, int error)
{
	if (lf->lf_loaderr == 0)
		lf->lf_loaderr = error;
}

/* The kernel as linker file 1, with its modules. */
static void
linker_kernel_init(void *arg)
{
	struct mod_metadata **mdp, *md;
	struct linker_file *lf;
	int error;

	mtx_init(&kld_mtx, "kld", MTX_DEF);
	lf = &linker_kernel_store;
	lf->lf_id = 1;
	lf->lf_refs = 1;
	lf->lf_flags = LF_EXPLICIT | LF_READY;
	strlcpy(lf->lf_name, "kernel", sizeof(lf->lf_name));
	strlcpy(lf->lf_path, "kernel", sizeof(lf->lf_path));
	lf->lf_address = (uintptr_t)_begin;
	lf->lf_size = (uintptr_t)_end - (uintptr_t)_begin;
	TAILQ_INSERT_TAIL(&linker_files, lf, lf_link);
	linker_kernel_file = lf;

	SET_FOREACH(mdp, modmetadata_set) {
		md = *mdp;
		if (md->md_version != MDT_STRUCT_VERSION) {
			printf("kld: kernel: module record %s has version %d, "
			    "not %d\n", md->md_cval, md->md_version,
			    MDT_STRUCT_VERSION);
			continue;
		}
		if (md->md_type == MDT_DEPEND)
			continue;
		if ((error = module_register(md, lf)) != 0)
			printf("kld: kernel: cannot register module %s: "
			    "error %d\n", md->md_cval, error);
	}
}
SYSINIT(linker_kernel, SI_SUB_KMEM, SI_ORDER_SECOND, linker_kernel_init,
    NULL);
