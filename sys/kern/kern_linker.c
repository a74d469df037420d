/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel linker: linker files, loading and unloading .ko modules.
 *
 * A linker file is the kernel itself (id 1, registered at boot) or a .ko
 * loaded later from the preload image (subr_preload.c), by name ("foo":
 * boot/kernel/foo.ko) or by path.  Each file's metadata records
 * (<sys/module.h>) become its modules; the kernel's are registered at
 * SI_SUB_KMEM, right after malloc, so that every DECLARE_MODULE SYSINIT
 * that follows finds its module.
 *
 * Loading a .ko, in order:
 *   1. link_elf_obj_begin(): the file is checked, its sections copied
 *      into the module arena (top 2 GiB) and relocated against its own
 *      symbols, so that its metadata can be read;
 *   2. the metadata is checked (every record and string inside the file)
 *      and the names of its modules must be free: a second file that
 *      carries a module already loaded (a copy under another name) is
 *      refused with EEXIST, naming the module and the file that has it;
 *   3. each MODULE_DEPEND not met by a loaded module (or by the file
 *      itself) loads <dep>.ko from the preload image, recursively; a
 *      dependency that is still missing or at a version outside the range
 *      refuses the load with a message naming module and range;
 *   4. link_elf_obj_finish(): the symbols the file leaves undefined are
 *      resolved against the kernel's, then against the files it depends
 *      on (their global symbols, and those of their dependencies), the
 *      remaining relocations applied, and text made read-execute, rodata
 *      read-only, data read-write;
 *   5. its modules are registered and its sysctl oids added to the tree;
 *   6. its SYSINITs are sorted -- with one more at SI_SUB_CONFIGURE,
 *      SI_ORDER_MIDDLE per driver -- and run: module handlers get MOD_LOAD
 *      there, drivers are added to their buses, which re-probe their
 *      unattached children.
 * If a MOD_LOAD fails, the modules already loaded get MOD_UNLOAD (drivers
 * leave their buses), the SYSUNINITs of the SYSINITs that ran before the
 * failure run in reverse, the oids go and the file is unloaded: a load
 * either succeeds whole or leaves nothing (the kld_fail in-kernel test
 * compares every counter).  What a handler took before failing is its own
 * to give back.  One exception: a module that refuses that MOD_UNLOAD (a
 * driver whose device will not detach) keeps its code in use, so the file
 * is kept loaded by name, as if kldloaded, with the modules that did go
 * forgotten; a later kldunload takes it down as any other (kld_stuck.ko
 * and the lab's kld scenario check this).
 *
 * Backtraces: linker_search_symbol_name() finds the file and the symbol
 * at an address, lock-free, for the MD fatal-trap report.
 *
 * Unloading is the reverse: every module is asked MOD_QUIESCE, then told
 * MOD_UNLOAD, last registered first (a driver's devices are detached);
 * any refusal (EBUSY) leaves the file loaded, with the modules already
 * unloaded loaded again.  Then the oids go, the SYSUNINITs run in reverse
 * order, the file's malloc types are taken off malloc's list, the modules
 * are forgotten and the memory given back; dependencies loaded only for
 * this file go too.
 *
 * References.  lf_refs counts one for a file loaded by name (kldload,
 * loader.conf: LF_EXPLICIT) and one for each loaded file that depends on
 * it.  kldunload takes the explicit reference; a file still needed by
 * another is refused (EBUSY).  The kernel's count is one plus the number
 * of loaded files (each depends on it).
 *
 * Lock: kld_mtx, a sleep mutex, serialises everything here and in
 * kern_module.c; module handlers, SYSINITs and SYSUNINITs of modules run
 * with it held (and must not load or unload files).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/ksyms.h>
#include <sys/linker_set.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/sysctl.h>
#include <sys/bus.h>
#include <sys/linker.h>
#include <sys/module.h>
#include <sys/preload.h>
#include <machine/md_var.h>
#include <machine/pmap.h>
#include <vm/vm_kern.h>

static MALLOC_DEFINE(M_KLD, "kld", "kernel linker files");

struct mtx kld_mtx;
struct linker_file *linker_kernel_file;

static struct linker_file linker_kernel_store;
static TAILQ_HEAD(, linker_file) linker_files =
    TAILQ_HEAD_INITIALIZER(linker_files);

SET_DECLARE(modmetadata_set, struct mod_metadata);


/* The kernel's own version, for MODULE_DEPEND(foo, kernel, 1, 1, 1). */
MODULE_VERSION(kernel, 1);

static int	linker_load_path(const char *, int, bool,
		    struct linker_file **);
static void	linker_file_destroy(struct linker_file *);
static int	linker_file_teardown(struct linker_file *);
static void	linker_release_deps(struct linker_file *);

static int	linker_obj_lookup(void *, const char *, uintptr_t *);

/*
 * Module memory for link_elf_obj: from the module arena
 * (kmem_malloc_kmod(): the top 2 GiB, which -mcmodel=kernel code needs;
 * kmem's KVA is below it, and a module loaded there would fail its 32-bit
 * relocations with ERANGE), protected through the kernel pmap.
 */
CTASSERT(LINK_ELF_PROT_READ == VM_PROT_READ);
CTASSERT(LINK_ELF_PROT_WRITE == VM_PROT_WRITE);
CTASSERT(LINK_ELF_PROT_EXEC == VM_PROT_EXECUTE);
CTASSERT(LINK_ELF_OBJ_PAGE == PAGE_SIZE);

static int
linker_obj_alloc(void *arg, size_t size, void **basep, uintptr_t *addrp)
{
	vm_offset_t va;

	if ((va = kmem_malloc_kmod(size, M_NOWAIT | M_ZERO)) == 0)
		return (ENOMEM);
	*basep = (void *)va;
	*addrp = va;
	return (0);
}

static void
linker_obj_free(void *arg, void *base, uintptr_t addr, size_t size)
{
	kmem_free_kmod(addr, size);
}

static int
linker_obj_protect(void *arg, void *base, uintptr_t addr, size_t size,
    int prot)
{
	pmap_protect(kernel_pmap, addr, addr + size, prot);
	return (0);
}

static const struct link_elf_obj_ops linker_obj_ops = {
	.lo_alloc = linker_obj_alloc,
	.lo_free = linker_obj_free,
	.lo_protect = linker_obj_protect,
	.lo_lookup = linker_obj_lookup,
};

/*
 * Checking what a loaded file says about itself: every pointer the linker
 * follows in a metadata record or linker set must stay inside the file.
 */
static bool
linker_inside(const struct linker_file *lf, uintptr_t p, size_t n)
{
	return (p >= lf->lf_address && n <= lf->lf_size &&
	    p - lf->lf_address <= lf->lf_size - n);
}

static bool
linker_string(const struct linker_file *lf, const char *s, size_t max)
{
	size_t avail, n;

	if (!linker_inside(lf, (uintptr_t)s, 1))
		return (false);
	avail = lf->lf_address + lf->lf_size - (uintptr_t)s;
	if (avail > max)
		avail = max;
	n = strnlen(s, avail);
	return (n > 0 && n < avail);
}

/* A linker set of the file: its bounds, checked; 0 entries if none. */
static int
linker_file_set(struct linker_file *lf, const char *name, void ***startp,
    size_t *countp)
{
	uintptr_t start, stop;

	*startp = NULL;
	*countp = 0;
	if (link_elf_obj_lookup_set(&lf->lf_obj, name, &start, &stop) != 0)
		return (0);
	if (!linker_inside(lf, start, stop - start) ||
	    (stop - start) % sizeof(void *) != 0) {
		printf("kld: %s: linker set %s is malformed\n", lf->lf_name,
		    name);
		return (EFTYPE);
	}
	*startp = (void **)start;
	*countp = (stop - start) / sizeof(void *);
	return (0);
}

/*
 * A linker set of a loaded file, for those who look inside modules (the
 * ktest runner): its entries and their number; none for the kernel.
 */
int
linker_file_lookup_set(struct linker_file *lf, const char *name,
    void ***startp, size_t *countp)
{
	if (lf == linker_kernel_file) {
		*startp = NULL;
		*countp = 0;
		return (0);
	}
	return (linker_file_set(lf, name, startp, countp));
}

/* The file's metadata records, each checked; EFTYPE with a message. */
static int
linker_check_record(struct linker_file *lf, const struct mod_metadata *md)
{
	const struct mod_module *mm;
	const struct mod_depend *mdp;
	const struct mod_version *mv;
	const struct driver_module_data *dmd;
	size_t size;

	if (!linker_inside(lf, (uintptr_t)md, sizeof(*md)))
		return (EFTYPE);
	if (md->md_version != MDT_STRUCT_VERSION)
		return (EFTYPE);
	switch (md->md_type) {
	case MDT_MODULE:
		size = sizeof(struct mod_module);
		break;
	case MDT_VERSION:
		size = sizeof(struct mod_version);
		break;
	case MDT_DEPEND:
		size = sizeof(struct mod_depend);
		break;
	case MDT_DRIVER:
		size = sizeof(struct driver_module_data);
		break;
	default:
		return (EFTYPE);
	}
	if (!linker_inside(lf, (uintptr_t)md, size) ||
	    !linker_string(lf, md->md_cval, MODULE_NAMELEN))
		return (EFTYPE);
	switch (md->md_type) {
	case MDT_MODULE:
		mm = (const struct mod_module *)md;
		if (!linker_inside(lf, (uintptr_t)mm->mm_data,
		    sizeof(*mm->mm_data)) ||
		    !linker_string(lf, mm->mm_data->name, MODULE_NAMELEN))
			return (EFTYPE);
		break;
	case MDT_VERSION:
		mv = (const struct mod_version *)md;
		if (mv->mv_version <= 0)
			return (EFTYPE);
		break;
	case MDT_DEPEND:
		mdp = (const struct mod_depend *)md;
		if (!linker_string(lf, mdp->md_depname, MODULE_NAMELEN) ||
		    mdp->md_ver_minimum <= 0 ||
		    mdp->md_ver_minimum > mdp->md_ver_maximum)
			return (EFTYPE);
		break;
	case MDT_DRIVER:
		dmd = (const struct driver_module_data *)md;
		/*
		 * Pointers to code and to the kernel are not relocated yet
		 * (link_elf_obj_begin() did the module's own only).
		 */
		if (!linker_string(lf, dmd->dmd_name, MODULE_NAMELEN) ||
		    !linker_string(lf, dmd->dmd_busname, MODULE_NAMELEN))
			return (EFTYPE);
		break;
	}
	return (0);
}

static int
linker_metadata(struct linker_file *lf, struct mod_metadata ***mdpp,
    size_t *countp)
{
	void **start;
	size_t i, n;
	int error;

	if ((error = linker_file_set(lf, "modmetadata_set", &start, &n)) != 0)
		return (error);
	for (i = 0; i < n; i++) {
		if (linker_check_record(lf, start[i]) != 0) {
			printf("kld: %s: module metadata record %zu is "
			    "malformed\n", lf->lf_name, i);
			return (EFTYPE);
		}
	}
	*mdpp = (struct mod_metadata **)start;
	*countp = n;
	return (0);
}

/* The name a module record gives its module. */
static const char *
linker_record_name(const struct mod_metadata *md)
{
	if (md->md_type == MDT_MODULE)
		return (((const struct mod_module *)md)->mm_data->name);
	return (md->md_cval);
}

/* Does the file itself provide module 'name' at a version in range? */
static bool
linker_self_provides(struct mod_metadata **mds, size_t n, const char *name,
    int min, int max)
{
	const struct mod_version *mv;
	size_t i;

	for (i = 0; i < n; i++) {
		if (mds[i]->md_type != MDT_VERSION ||
		    strcmp(mds[i]->md_cval, name) != 0)
			continue;
		mv = (const struct mod_version *)mds[i];
		return (mv->mv_version >= min && mv->mv_version <= max);
	}
	return (false);
}

static int
linker_add_dep(struct linker_file *lf, struct linker_file *dep)
{
	struct linker_file **deps;
	int i;

	for (i = 0; i < lf->lf_ndeps; i++)
		if (lf->lf_deps[i] == dep)
			return (0);
	deps = malloc((lf->lf_ndeps + 1) * sizeof(*deps), M_KLD, M_NOWAIT);
	if (deps == NULL)
		return (ENOMEM);
	if (lf->lf_ndeps > 0)
		memcpy(deps, lf->lf_deps, lf->lf_ndeps * sizeof(*deps));
	free(lf->lf_deps, M_KLD);
	deps[lf->lf_ndeps++] = dep;
	lf->lf_deps = deps;
	dep->lf_refs++;
	return (0);
}

/*
 * Step 3: make every MODULE_DEPEND of the file true, loading files from
 * the preload image as needed, and record the files it depends on.
 */
static int
linker_load_deps(struct linker_file *lf, struct mod_metadata **mds,
    size_t n, int depth)
{
	const struct mod_depend *dp;
	struct linker_file *dep;
	char path[LINKER_PATHLEN];
	module_t mod;
	size_t i;
	int error, ver;

	for (i = 0; i < n; i++) {
		if (mds[i]->md_type != MDT_DEPEND)
			continue;
		dp = (const struct mod_depend *)mds[i];
		if (linker_self_provides(mds, n, dp->md_depname,
		    dp->md_ver_minimum, dp->md_ver_maximum))
			continue;
		dep = NULL;
		mod = module_lookup(dp->md_depname);
		if (mod == NULL) {
			snprintf(path, sizeof(path), "boot/kernel/%s.ko",
			    dp->md_depname);
			if (depth >= LINKER_MAXDEPTH) {
				printf("kld: %s: dependencies nested more than "
				    "%d deep at %s\n", lf->lf_name,
				    LINKER_MAXDEPTH, dp->md_depname);
				return (ELOOP);
			}
			error = linker_load_path(path, depth + 1, false, &dep);
			if (error == ELOOP) {
				printf("kld: %s: dependency loop through "
				    "module %s\n", lf->lf_name,
				    dp->md_depname);
				return (error);
			}
			if (error != 0 && error != ENOENT) {
				printf("kld: %s: cannot load %s, which module "
				    "%s needs: error %d\n", lf->lf_name, path,
				    dp->md_md.md_cval, error);
				return (error);
			}
			mod = module_lookup(dp->md_depname);
		}
		ver = mod != NULL ? module_getversion(mod) : 0;
		if (mod == NULL || ver < dp->md_ver_minimum ||
		    ver > dp->md_ver_maximum) {
			if (mod == NULL)
				printf("kld: %s: module %s needs module %s "
				    "(version %d to %d), which is not loaded "
				    "and not in the preload image\n",
				    lf->lf_name, dp->md_md.md_cval,
				    dp->md_depname, dp->md_ver_minimum,
				    dp->md_ver_maximum);
			else
				printf("kld: %s: module %s needs module %s "
				    "version %d to %d, but version %d is "
				    "loaded\n", lf->lf_name,
				    dp->md_md.md_cval, dp->md_depname,
				    dp->md_ver_minimum, dp->md_ver_maximum,
				    ver);
			error = mod == NULL ? ENOENT : EFTYPE;
			goto fail;
		}
		if ((error = linker_add_dep(lf, module_getfile(mod))) != 0)
			goto fail;
	}
	return (0);
fail:
	/* A file loaded for nothing goes again. */
	if (dep != NULL && dep->lf_refs == 0)
		(void)linker_file_teardown(dep);
	return (error);
}

/*
 * Step 6: the file's SYSINITs, with the drivers' (MOD_LOAD at
 * SI_SUB_CONFIGURE, SI_ORDER_MIDDLE), sorted.
 */
static int
linker_build_sysinits(struct linker_file *lf, struct mod_metadata **mds,
    size_t nmd)
{
	void **start;
	size_t i, n, ndrv, k;
	int error;

	if ((error = linker_file_set(lf, "sysinit_set", &start, &n)) != 0)
		return (error);
	for (i = 0; i < n; i++) {
		if (!linker_inside(lf, (uintptr_t)start[i],
		    sizeof(struct sysinit)) ||
		    ((struct sysinit *)start[i])->func == NULL) {
			printf("kld: %s: SYSINIT %zu is malformed\n",
			    lf->lf_name, i);
			return (EFTYPE);
		}
	}
	ndrv = 0;
	for (i = 0; i < nmd; i++)
		if (mds[i]->md_type == MDT_DRIVER)
			ndrv++;
	if (n + ndrv == 0)
		return (0);
	lf->lf_sysinit = malloc((n + ndrv) * sizeof(struct sysinit *), M_KLD,
	    M_NOWAIT);
	if (ndrv > 0)
		lf->lf_drvinit = malloc(ndrv * sizeof(struct sysinit), M_KLD,
		    M_NOWAIT | M_ZERO);
	if (lf->lf_sysinit == NULL || (ndrv > 0 && lf->lf_drvinit == NULL))
		return (ENOMEM);
	for (i = 0; i < n; i++)
		lf->lf_sysinit[i] = start[i];
	for (i = 0, k = 0; i < nmd; i++) {
		if (mds[i]->md_type != MDT_DRIVER)
			continue;
		lf->lf_drvinit[k].subsystem = SI_SUB_CONFIGURE;
		lf->lf_drvinit[k].order = SI_ORDER_MIDDLE;
		lf->lf_drvinit[k].func = (void (*)(void *))module_register_init;
		lf->lf_drvinit[k].udata = mds[i];
		lf->lf_drvinit[k].name = "driver";
		lf->lf_sysinit[n + k] = &lf->lf_drvinit[k];
		k++;
	}
	lf->lf_nsysinit = (int)(n + ndrv);
	sysinit_sort(lf->lf_sysinit, lf->lf_nsysinit);
	return (0);
}

static bool
linker_sysinit_before(const struct sysinit *a, const struct sysinit *b)
{
	return (a->subsystem < b->subsystem || (a->subsystem == b->subsystem &&
	    a->order < b->order));
}

/*
 * The file's SYSUNINITs, last first: all of them if every SYSINIT ran,
 * else those of the subsystems reached before the SYSINIT that failed.
 */
static void
linker_run_sysuninits(struct linker_file *lf)
{
	struct sysinit **list, *limit;
	void **start;
	size_t n, i;
	int k;

	if (linker_file_set(lf, "sysuninit_set", &start, &n) != 0 || n == 0)
		return;
	list = malloc(n * sizeof(*list), M_KLD, M_NOWAIT);
	if (list == NULL) {
		printf("kld: %s: no memory to run its SYSUNINITs\n",
		    lf->lf_name);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!linker_inside(lf, (uintptr_t)start[i],
		    sizeof(struct sysinit))) {
			printf("kld: %s: SYSUNINIT %zu is malformed\n",
			    lf->lf_name, i);
			free(list, M_KLD);
			return;
		}
		list[i] = start[i];
	}
	sysinit_sort(list, (int)n);
	limit = lf->lf_ninit < lf->lf_nsysinit ?
	    lf->lf_sysinit[lf->lf_ninit] : NULL;
	for (k = (int)n - 1; k >= 0; k--) {
		if (limit != NULL && !linker_sysinit_before(list[k], limit))
			continue;
		if (list[k]->func != NULL)
			list[k]->func(list[k]->udata);
	}
	free(list, M_KLD);
}

/* Step 5: the file's oids, parents before children (several passes). */
static int
linker_register_oids(struct linker_file *lf)
{
	struct sysctl_oid *oid;
	void **start;
	size_t n, i;
	bool progress;
	int error;

	if ((error = linker_file_set(lf, "sysctl_set", &start, &n)) != 0)
		return (error);
	if (n == 0)
		return (0);
	for (i = 0; i < n; i++) {
		oid = start[i];
		if (!linker_inside(lf, (uintptr_t)oid, sizeof(*oid)) ||
		    !linker_string(lf, oid->oid_name, SYSCTL_NAMELEN)) {
			printf("kld: %s: sysctl oid %zu is malformed\n",
			    lf->lf_name, i);
			return (EFTYPE);
		}
	}
	lf->lf_oids = malloc(n * sizeof(*lf->lf_oids), M_KLD, M_NOWAIT);
	if (lf->lf_oids == NULL)
		return (ENOMEM);
	do {
		progress = false;
		for (i = 0; i < n; i++) {
			oid = start[i];
			if (oid->oid_registered)
				continue;
			error = sysctl_register_oid(oid);
			if (error == 0) {
				lf->lf_oids[lf->lf_noids++] = oid;
				progress = true;
			} else if (error != ENOENT) {
				printf("kld: %s: cannot add sysctl %s: error "
				    "%d\n", lf->lf_name, oid->oid_name, error);
				return (error);
			}
		}
	} while (progress);
	if ((size_t)lf->lf_noids != n) {
		printf("kld: %s: %zu sysctl oids have no parent in the tree\n",
		    lf->lf_name, n - lf->lf_noids);
		return (ENOENT);
	}
	return (0);
}

static void
linker_unregister_oids(struct linker_file *lf)
{
	while (lf->lf_noids > 0)
		sysctl_unregister_oid(lf->lf_oids[--lf->lf_noids]);
	free(lf->lf_oids, M_KLD);
	lf->lf_oids = NULL;
}

/* A MOD_LOAD failed: a .ko being loaded is to be unloaded again. */
void
linker_module_failed(struct linker_file *lf, struct module *mod, int error)
{
	if (lf->lf_loaderr == 0)
		lf->lf_loaderr = error;
}

/* Step 6: run the SYSINITs in order, stopping at a failed MOD_LOAD. */
static int
linker_run_sysinits(struct linker_file *lf)
{
	struct sysinit *si;

	lf->lf_loaderr = 0;
	for (lf->lf_ninit = 0; lf->lf_ninit < lf->lf_nsysinit;
	    lf->lf_ninit++) {
		si = lf->lf_sysinit[lf->lf_ninit];
		si->func(si->udata);
		if (lf->lf_loaderr != 0)
			return (lf->lf_loaderr);
	}
	return (0);
}

/*
 * MOD_UNLOAD the modules of a file whose load failed, last first, and
 * forget each one that went.  A module that refuses (a driver whose device
 * will not detach) is kept, and so must its file be: 0, or the first
 * refusal's errno.
 */
static int
linker_unload_modules(struct linker_file *lf)
{
	module_t mod, prev, m;
	int error, refused;

	refused = 0;
	/* Last registered first: find each predecessor afresh. */
	for (mod = NULL;;) {
		prev = NULL;
		for (m = module_file_first(lf); m != mod;
		    m = module_file_next(m))
			prev = m;
		if (prev == NULL)
			return (refused);
		if ((error = module_unload(prev)) != 0) {
			printf("kld: %s: module %s refused to unload while "
			    "its file is abandoned: error %d\n", lf->lf_name,
			    module_getname(prev), error);
			if (refused == 0)
				refused = error;
			mod = prev;
		} else
			module_release(prev);
	}
}

static int
linker_free_id(void)
{
	struct linker_file *lf;
	int id;

	for (id = 2;; id++) {
		TAILQ_FOREACH(lf, &linker_files, lf_link)
			if (lf->lf_id == id)
				break;
		if (lf == NULL)
			return (id);
	}
}

static const char *
linker_basename(const char *path)
{
	const char *p;

	for (p = path; *p != '\0'; p++)
		if (*p == '/')
			path = p + 1;
	return (path);
}

/*
 * Load the file at 'path' in the preload image; see the top of the file.
 * 0 and *lfp, or an errno after a message saying why.
 */
static int
linker_load_path(const char *path, int depth, bool explicit,
    struct linker_file **lfp)
{
	struct preload_file pf;
	struct linker_file *lf, *other;
	struct mod_metadata **mds;
	module_t mod;
	size_t nmd, i;
	int error;

	mtx_assert(&kld_mtx, MA_OWNED);
	*lfp = NULL;
	while (*path == '/')
		path++;
	if (preload_find(&preload_kernel, path, &pf) != 0)
		return (ENOENT);
	if (strlen(path) >= LINKER_PATHLEN ||
	    strlen(linker_basename(path)) >= LINKER_NAMELEN)
		return (ENAMETOOLONG);
	TAILQ_FOREACH(lf, &linker_files, lf_link)
		if (strcmp(lf->lf_path, path) == 0)
			return ((lf->lf_flags & LF_LOADING) != 0 ? ELOOP :
			    EEXIST);
	lf = malloc(sizeof(*lf), M_KLD, M_NOWAIT | M_ZERO);
	if (lf == NULL)
		return (ENOMEM);
	strlcpy(lf->lf_path, path, sizeof(lf->lf_path));
	strlcpy(lf->lf_name, linker_basename(path), sizeof(lf->lf_name));

	/* 1. */
	error = link_elf_obj_begin(&lf->lf_obj, pf.pf_data, pf.pf_size,
	    &linker_obj_ops, lf);
	if (error != 0) {
		printf("kld: %s: %s\n", lf->lf_name, lf->lf_obj.eo_errmsg);
		free(lf, M_KLD);
		return (error);
	}
	lf->lf_address = lf->lf_obj.eo_addr;
	lf->lf_size = lf->lf_obj.eo_size;
	lf->lf_id = linker_free_id();
	lf->lf_flags = LF_LOADING;
	TAILQ_INSERT_TAIL(&linker_files, lf, lf_link);

	/* 2. */
	if ((error = linker_metadata(lf, &mds, &nmd)) != 0)
		goto fail;
	for (i = 0; i < nmd; i++) {
		if (mds[i]->md_type == MDT_DEPEND ||
		    (mod = module_lookup(linker_record_name(mds[i]))) == NULL)
			continue;
		other = module_getfile(mod);
		if (other == linker_kernel_file)
			printf("kld: %s: module %s is already in the kernel; "
			    "not loading the file\n", lf->lf_name,
			    module_getname(mod));
		else
			printf("kld: %s: module %s is already loaded, from %s "
			    "(id %d); not loading the file\n", lf->lf_name,
			    module_getname(mod), other->lf_path,
			    other->lf_id);
		error = EEXIST;
		goto fail;
	}

	/* 3. */
	if ((error = linker_load_deps(lf, mds, nmd, depth)) != 0)
		goto fail;

	/* 4. */
	error = link_elf_obj_finish(&lf->lf_obj);
	if (error != 0) {
		printf("kld: %s: %s\n", lf->lf_name, lf->lf_obj.eo_errmsg);
		goto fail;
	}

	/* 5. */
	for (i = 0; i < nmd; i++) {
		if (mds[i]->md_type == MDT_DEPEND)
			continue;
		if ((error = module_register(mds[i], lf)) != 0) {
			printf("kld: %s: cannot register module %s: error "
			    "%d\n", lf->lf_name, linker_record_name(mds[i]),
			    error);
			goto fail;
		}
	}
	if ((error = linker_register_oids(lf)) != 0)
		goto fail;

	/* 6. */
	if ((error = linker_build_sysinits(lf, mds, nmd)) != 0)
		goto fail;
	if ((error = linker_run_sysinits(lf)) != 0) {
		printf("kld: %s: a module failed to load (error %d); "
		    "unloading the file\n", lf->lf_name, error);
		goto fail;
	}

	lf->lf_flags = LF_READY | (explicit ? LF_EXPLICIT : 0);
	if (explicit)
		lf->lf_refs++;
	linker_kernel_file->lf_refs++;
	*lfp = lf;
	return (0);

fail:
	if (linker_unload_modules(lf) != 0) {
		/*
		 * A module would not go, so its code stays: the file stays
		 * loaded, by name, with what it still has registered, for a
		 * kldunload to take down later as any other.
		 */
		printf("kld: %s: kept loaded, as a module would not unload; "
		    "kldunload it to try again\n", lf->lf_name);
		lf->lf_flags = LF_READY | LF_EXPLICIT;
		lf->lf_refs++;
		linker_kernel_file->lf_refs++;
		return (error);
	}
	linker_unregister_oids(lf);
	if (lf->lf_ninit > 0)
		linker_run_sysuninits(lf);
	linker_file_destroy(lf);
	return (error);
}

/* What is left once the modules are gone: memory, dependencies, the file. */
static void
linker_file_destroy(struct linker_file *lf)
{
	u_long leaked;

	if (lf->lf_obj.eo_ctx == NULL && lf->lf_obj.eo_base != NULL) {
		leaked = malloc_uninit_range(lf->lf_address,
		    lf->lf_address + lf->lf_size);
		if (leaked != 0)
			printf("kld: %s: %lu allocations of its malloc types "
			    "were never freed\n", lf->lf_name, leaked);
	}
	link_elf_obj_unload(&lf->lf_obj);
	free(lf->lf_sysinit, M_KLD);
	free(lf->lf_drvinit, M_KLD);
	TAILQ_REMOVE(&linker_files, lf, lf_link);
	linker_release_deps(lf);
	free(lf->lf_deps, M_KLD);
	free(lf, M_KLD);
}

/*
 * Take a loaded file down (see the top of the file).  0, or the errno a
 * module refused with; then the file is still fully loaded.
 */
static int
linker_file_teardown(struct linker_file *lf)
{
	module_t mod, prev, undo;
	int error;

	for (mod = module_file_first(lf); mod != NULL;
	    mod = module_file_next(mod)) {
		if ((error = module_quiesce(mod)) != 0) {
			printf("kld: %s: module %s is busy: error %d\n",
			    lf->lf_name, module_getname(mod), error);
			return (error);
		}
	}
	/* Last registered first: find each predecessor afresh. */
	for (mod = NULL;;) {
		prev = NULL;
		for (undo = module_file_first(lf); undo != mod;
		    undo = module_file_next(undo))
			prev = undo;
		if (prev == NULL)
			break;
		if ((error = module_unload(prev)) != 0) {
			printf("kld: %s: module %s refused to unload: error "
			    "%d\n", lf->lf_name, module_getname(prev), error);
			/* Bring back those already unloaded. */
			for (undo = module_file_next(prev); undo != NULL;
			    undo = module_file_next(undo))
				if (module_reload(undo) != 0)
					printf("kld: %s: module %s did not "
					    "come back\n", lf->lf_name,
					    module_getname(undo));
			return (error);
		}
		mod = prev;
	}
	linker_unregister_oids(lf);
	linker_run_sysuninits(lf);
	while ((mod = module_file_first(lf)) != NULL)
		module_release(mod);
	linker_kernel_file->lf_refs--;
	linker_file_destroy(lf);
	return (0);
}

/* Drop the references a file held on its dependencies. */
static void
linker_release_deps(struct linker_file *lf)
{
	struct linker_file *dep;
	int error, i;

	for (i = 0; i < lf->lf_ndeps; i++) {
		dep = lf->lf_deps[i];
		if (--dep->lf_refs > 0 || (dep->lf_flags & LF_READY) == 0)
			continue;
		/* Loaded only for this file: it goes too. */
		if ((error = linker_file_teardown(dep)) != 0) {
			printf("kld: %s stays loaded, unused: error %d\n",
			    dep->lf_name, error);
		}
	}
	lf->lf_ndeps = 0;
}

/*
 * Load 'name': a module name ("foo", "foo.ko": boot/kernel/foo.ko) or a
 * path in the preload image (anything with a '/').  0 and *lfp, EEXIST if
 * it is loaded already, or another errno after a message on the console.
 */
int
linker_load_file(const char *name, bool explicit, struct linker_file **lfp)
{
	char path[LINKER_PATHLEN];
	struct linker_file *lf;
	size_t len;
	int error;

	if (strchr(name, '/') != NULL)
		strlcpy(path, name, sizeof(path));
	else {
		len = strlen(name);
		if (len > 3 && strcmp(name + len - 3, ".ko") == 0)
			len -= 3;
		if (len == 0 || len >= LINKER_NAMELEN - 3)
			return (ENAMETOOLONG);
		snprintf(path, sizeof(path), "boot/kernel/%.*s.ko", (int)len,
		    name);
	}
	mtx_lock(&kld_mtx);
	/* Loaded already, perhaps as a dependency? */
	TAILQ_FOREACH(lf, &linker_files, lf_link)
		if (strcmp(lf->lf_path, path[0] == '/' ? path + 1 : path) == 0)
			break;
	if (lf != NULL)
		error = EEXIST;
	else
		error = linker_load_path(path, 0, explicit, &lf);
	mtx_unlock(&kld_mtx);
	if (lfp != NULL)
		*lfp = error == 0 ? lf : NULL;
	return (error);
}

/*
 * kldunload: drop the file's explicit reference and unload it.  EPERM for
 * the kernel, EBUSY if another file needs it (a file loaded only as a
 * dependency always is, unless its unload failed earlier) or a module
 * refuses to go.
 */
int
linker_unload_file(struct linker_file *lf)
{
	struct linker_file *other;
	int error, i;

	mtx_lock(&kld_mtx);
	if (lf == linker_kernel_file) {
		error = EPERM;
		goto out;
	}
	/* Held by another file?  (One left behind unused is not.) */
	if (lf->lf_refs > ((lf->lf_flags & LF_EXPLICIT) != 0 ? 1 : 0)) {
		TAILQ_FOREACH(other, &linker_files, lf_link)
			for (i = 0; i < other->lf_ndeps; i++)
				if (other->lf_deps[i] == lf)
					goto found;
found:
		printf("kld: %s is needed by %s\n", lf->lf_name,
		    other != NULL ? other->lf_name : "another file");
		error = EBUSY;
		goto out;
	}
	error = linker_file_teardown(lf);
out:
	mtx_unlock(&kld_mtx);
	return (error);
}

/* Lookups; callers hold kld_mtx while they use what they get. */
struct linker_file *
linker_find_file(const char *name)
{
	struct linker_file *lf;
	size_t len;

	len = strlen(name);
	TAILQ_FOREACH(lf, &linker_files, lf_link) {
		if (strcmp(lf->lf_name, name) == 0 ||
		    strcmp(lf->lf_path, name[0] == '/' ? name + 1 : name) == 0)
			return (lf);
		/* "foo" for "foo.ko" */
		if (strncmp(lf->lf_name, name, len) == 0 &&
		    strcmp(lf->lf_name + len, ".ko") == 0)
			return (lf);
	}
	return (NULL);
}

struct linker_file *
linker_find_file_id(int id)
{
	struct linker_file *lf;

	TAILQ_FOREACH(lf, &linker_files, lf_link)
		if (lf->lf_id == id)
			return (lf);
	return (NULL);
}

/* The files in load order, the kernel first; only those fully loaded. */
struct linker_file *
linker_file_first(void)
{
	return (TAILQ_FIRST(&linker_files));
}

struct linker_file *
linker_file_next(struct linker_file *lf)
{
	while ((lf = TAILQ_NEXT(lf, lf_link)) != NULL)
		if ((lf->lf_flags & LF_READY) != 0)
			return (lf);
	return (NULL);
}

/*
 * A symbol for a file: its own global symbols, then those of the files
 * it depends on, and theirs, depth first.
 */
static int
linker_deps_lookup(struct linker_file *lf, const char *name,
    uintptr_t *valp, int depth)
{
	int i;

	for (i = 0; i < lf->lf_ndeps; i++) {
		if (link_elf_obj_lookup(&lf->lf_deps[i]->lf_obj, name,
		    valp) == 0)
			return (0);
		if (depth < LINKER_MAXDEPTH &&
		    linker_deps_lookup(lf->lf_deps[i], name, valp,
		    depth + 1) == 0)
			return (0);
	}
	return (ENOENT);
}

int
linker_lookup_symbol(struct linker_file *lf, const char *name,
    uintptr_t *valp)
{
	if (lf == linker_kernel_file)
		return (ksyms_lookup_name(&ksyms_kernel, name, valp));
	if (link_elf_obj_lookup(&lf->lf_obj, name, valp) == 0)
		return (0);
	return (linker_deps_lookup(lf, name, valp, 0));
}

/*
 * The symbol at or nearest below 'addr', for a backtrace: *namep and
 * *offp, and in *filep the name of the .ko it is in (NULL for the kernel
 * itself).  0 or ENOENT.  The fatal-trap report calls this with anything
 * held -- kld_mtx too, when a module faults in its MOD_LOAD -- so it takes
 * no lock and only reads: the list of files (a file being loaded is on it
 * from the moment its sections are placed) and each file's symbols.
 */
int
linker_search_symbol_name(uintptr_t addr, const char **namep,
    uintptr_t *offp, const char **filep)
{
	struct linker_file *lf;

	TAILQ_FOREACH(lf, &linker_files, lf_link) {
		if (addr < lf->lf_address || addr - lf->lf_address >=
		    lf->lf_size)
			continue;
		if (lf == linker_kernel_file) {
			*filep = NULL;
			return (ksyms_lookup_addr(&ksyms_kernel, addr, namep,
			    offp));
		}
		*filep = lf->lf_name;
		return (link_elf_obj_lookup_addr(&lf->lf_obj, addr, namep,
		    offp));
	}
	/* Before the linker is up: the kernel's own table. */
	*filep = NULL;
	if (linker_kernel_file == NULL)
		return (ksyms_lookup_addr(&ksyms_kernel, addr, namep, offp));
	return (ENOENT);
}

/* link_elf_obj's lo_lookup: the kernel, then the file's dependencies. */
static int
linker_obj_lookup(void *arg, const char *name, uintptr_t *valp)
{
	struct linker_file *lf = arg;

	if (ksyms_lookup_name(&ksyms_kernel, name, valp) == 0)
		return (0);
	return (linker_deps_lookup(lf, name, valp, 0));
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

/* One line of loader.conf says to load a module. */
static void
linker_conf_load(void *arg, const char *name)
{
	struct linker_file *lf;
	int error;

	error = linker_load_file(name, true, &lf);
	if (error == 0)
		printf("kld: %s loaded from the preload image (id %d)\n",
		    lf->lf_name, lf->lf_id);
	else if (error == EEXIST)
		printf("kld: loader.conf: %s is loaded already\n", name);
	else if (error == ENOENT)
		printf("kld: loader.conf: cannot load %s: no %s.ko in the "
		    "preload image, or a dependency missing\n", name, name);
	else
		printf("kld: loader.conf: cannot load %s: error %d\n", name,
		    error);
}

/*
 * At SI_SUB_KLD: the modules boot/loader.conf in the preload image lists,
 * in its order; their drivers probe the devices found so far.  Its
 * variables were set, and its malformed lines reported, at
 * SI_SUB_TUNABLES (kern_environment.c).
 */
void
linker_preload(void)
{
	static const struct preload_conf_ops ops = {
		.pc_load = linker_conf_load,
	};
	struct preload_file pf;

	if (preload_find(&preload_kernel, "boot/loader.conf", &pf) != 0)
		return;
	(void)preload_conf_parse(pf.pf_data, pf.pf_size, &ops, NULL);
}

static void
linker_preload_init(void *arg)
{
	linker_preload();
}
SYSINIT(linker_preload, SI_SUB_KLD, SI_ORDER_MIDDLE, linker_preload_init,
    NULL);
