/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Modules: the named, versioned units of the kernel that have an event
 * handler (see <sys/module.h> for the declarations and the events).
 *
 * Every module lives in a linker file -- the kernel itself or a loaded
 * .ko -- and is created from that file's metadata records by the kernel
 * linker (sys/kern/kern_linker.c): module_register() for each MDT_MODULE,
 * MDT_DRIVER and MDT_VERSION record, before any of the file's code runs.
 * A version record and a module record with the same name in one file
 * make one module; a version record alone makes a module without a
 * handler, which is enough to satisfy MODULE_DEPEND.  Names are unique in
 * the whole kernel.
 *
 * Then the file's SYSINITs run, and module_register_init() -- the SYSINIT
 * that DECLARE_MODULE emits, and the one the linker adds for each driver
 * record -- sends MOD_LOAD.  A module whose MOD_LOAD fails is marked so and
 * the linker is told (linker_module_failed()): a .ko that fails to come up
 * is unloaded again, a built-in module just stays dead.  Unloading a file
 * sends MOD_QUIESCE to each of its modules, then MOD_UNLOAD (either can
 * refuse), and module_release() forgets them.
 *
 * Lock: the kernel linker's lock (kld_mtx) [k] covers the list and every
 * module; the linker holds it around all of the above, handlers included.
 * At boot, before there is anyone to race with, the kernel's own modules
 * are registered and loaded without it.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/queue.h>
#include <sys/bus.h>
#include <sys/linker.h>
#include <sys/module.h>

static MALLOC_DEFINE(M_MODULE, "module", "module records");

enum module_state {
	MS_REGISTERED,		/* known, MOD_LOAD not sent yet */
	MS_LOADED,		/* MOD_LOAD succeeded */
	MS_FAILED,		/* MOD_LOAD failed */
	MS_UNLOADED		/* MOD_UNLOAD succeeded */
};

struct module {
	TAILQ_ENTRY(module)	 mod_link;	/* [k] all, by registration */
	struct linker_file	*mod_file;	/* [I] where it lives */
	const struct mod_metadata *mod_md;	/* [k] its module record */
	const char		*mod_name;	/* [I] in the file's memory */
	modeventhand_t		 mod_handler;	/* [k] NULL: none */
	void			*mod_arg;	/* [k] the handler's argument */
	int			 mod_id;	/* [I] */
	int			 mod_version;	/* [k] 0: none declared */
	enum module_state	 mod_state;	/* [k] */
};

static TAILQ_HEAD(module_list, module) modules =
    TAILQ_HEAD_INITIALIZER(modules);
static int module_nextid = 1;

module_t
module_lookup(const char *name)
{
	module_t mod;

	TAILQ_FOREACH(mod, &modules, mod_link)
		if (strcmp(mod->mod_name, name) == 0)
			return (mod);
	return (NULL);
}

/* The module a MDT_MODULE or MDT_DRIVER record declared. */
module_t
module_lookup_md(const struct mod_metadata *md)
{
	module_t mod;

	TAILQ_FOREACH(mod, &modules, mod_link)
		if (mod->mod_md == md)
			return (mod);
	return (NULL);
}

/*
 * Create (or complete) the module a record of 'file' describes.  The
 * linker has checked the record's layout and strings.  0, EEXIST (the
 * name is taken) or ENOMEM.
 */
int
module_register(const struct mod_metadata *md, struct linker_file *file)
{
	const struct mod_module *mm;
	const struct mod_version *mv;
	const struct driver_module_data *dmd;
	const char *name;
	modeventhand_t handler;
	void *arg;
	module_t mod;
	int version;

	handler = NULL;
	arg = NULL;
	version = 0;
	switch (md->md_type) {
	case MDT_MODULE:
		mm = (const struct mod_module *)md;
		name = mm->mm_data->name;
		handler = mm->mm_data->evhand;
		arg = mm->mm_data->priv;
		break;
	case MDT_DRIVER:
		dmd = (const struct driver_module_data *)md;
		name = md->md_cval;
		handler = dmd->dmd_handler;
		arg = (void *)(uintptr_t)dmd;
		break;
	case MDT_VERSION:
		mv = (const struct mod_version *)md;
		name = md->md_cval;
		version = mv->mv_version;
		break;
	default:
		return (EINVAL);
	}

	mod = module_lookup(name);
	if (mod != NULL) {
		if (mod->mod_file != file)
			return (EEXIST);
		/* One file's version and module records meet. */
		if (md->md_type == MDT_VERSION) {
			if (mod->mod_version != 0)
				return (EEXIST);
			mod->mod_version = version;
			return (0);
		}
		if (mod->mod_md != NULL)
			return (EEXIST);
		mod->mod_md = md;
		mod->mod_handler = handler;
		mod->mod_arg = arg;
		return (0);
	}

	mod = malloc(sizeof(*mod), M_MODULE, M_NOWAIT | M_ZERO);
	if (mod == NULL)
		return (ENOMEM);
	mod->mod_file = file;
	mod->mod_name = name;
	mod->mod_id = module_nextid++;
	mod->mod_state = MS_REGISTERED;
	if (md->md_type == MDT_VERSION)
		mod->mod_version = version;
	else {
		mod->mod_md = md;
		mod->mod_handler = handler;
		mod->mod_arg = arg;
	}
	TAILQ_INSERT_TAIL(&modules, mod, mod_link);
	return (0);
}

void
module_release(module_t mod)
{
	TAILQ_REMOVE(&modules, mod, mod_link);
	free(mod, M_MODULE);
}

static int
module_event(module_t mod, int what)
{
	if (mod->mod_handler == NULL)
		return (0);
	return (mod->mod_handler(mod, what, mod->mod_arg));
}

/*
 * The SYSINIT of DECLARE_MODULE (and of each driver record, added by the
 * linker or by autoconfiguration): MOD_LOAD for the module 'arg' (a
 * struct mod_metadata) declares.
 */
void
module_register_init(const void *arg)
{
	module_t mod;
	int error;

	if ((mod = module_lookup_md(arg)) == NULL) {
		printf("module: a module record (%s) was never registered\n",
		    ((const struct mod_metadata *)arg)->md_cval);
		return;
	}
	if (mod->mod_state != MS_REGISTERED)
		return;
	error = module_event(mod, MOD_LOAD);
	if (error != 0) {
		mod->mod_state = MS_FAILED;
		printf("module %s: MOD_LOAD failed: error %d\n", mod->mod_name,
		    error);
		linker_module_failed(mod->mod_file, mod, error);
		return;
	}
	mod->mod_state = MS_LOADED;
}

/* May the module go?  0, or the handler's refusal. */
int
module_quiesce(module_t mod)
{
	int error;

	if (mod->mod_state != MS_LOADED)
		return (0);
	error = module_event(mod, MOD_QUIESCE);
	return (error == EOPNOTSUPP ? 0 : error);
}

/* MOD_UNLOAD: 0, or the handler's refusal (the module stays loaded). */
int
module_unload(module_t mod)
{
	int error;

	if (mod->mod_state != MS_LOADED)
		return (0);
	if ((error = module_event(mod, MOD_UNLOAD)) != 0)
		return (error);
	mod->mod_state = MS_UNLOADED;
	return (0);
}

/* Bring back a module unloaded by a file unload that then failed. */
int
module_reload(module_t mod)
{
	int error;

	if (mod->mod_state != MS_UNLOADED)
		return (0);
	if ((error = module_event(mod, MOD_LOAD)) != 0) {
		mod->mod_state = MS_FAILED;
		return (error);
	}
	mod->mod_state = MS_LOADED;
	return (0);
}

/* MOD_SHUTDOWN to every loaded module, the most recent first. */
void
module_shutdown(void)
{
	module_t mod;
	int error;

	TAILQ_FOREACH_REVERSE(mod, &modules, module_list, mod_link) {
		if (mod->mod_state != MS_LOADED)
			continue;
		error = module_event(mod, MOD_SHUTDOWN);
		if (error != 0 && error != EOPNOTSUPP)
			printf("module %s: MOD_SHUTDOWN failed: error %d\n",
			    mod->mod_name, error);
	}
}

const char *
module_getname(module_t mod)
{
	return (mod->mod_name);
}

int
module_getid(module_t mod)
{
	return (mod->mod_id);
}

int
module_getversion(module_t mod)
{
	return (mod->mod_version);
}

struct linker_file *
module_getfile(module_t mod)
{
	return (mod->mod_file);
}

/* The modules of one file, in registration order. */
module_t
module_file_first(struct linker_file *file)
{
	module_t mod;

	TAILQ_FOREACH(mod, &modules, mod_link)
		if (mod->mod_file == file)
			return (mod);
	return (NULL);
}

module_t
module_file_next(module_t mod)
{
	struct linker_file *file;

	file = mod->mod_file;
	while ((mod = TAILQ_NEXT(mod, mod_link)) != NULL)
		if (mod->mod_file == file)
			return (mod);
	return (NULL);
}
