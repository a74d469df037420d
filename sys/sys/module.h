/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_MODULE_H_
#define	_SYS_MODULE_H_

#include <sys/linker_set.h>

/*
 * Modules (sys/kern/kern_module.c): named pieces of the kernel with an
 * event handler, built in or inside a loadable .ko file.
 *
 * A module is declared by metadata records in the linker set
 * "modmetadata_set", the same in the kernel and in a .ko, so that the
 * kernel linker (sys/kern/kern_linker.c) reads a file's modules, versions
 * and dependencies before it runs a line of the file's code.  Every record
 * starts with a struct mod_metadata, whose md_type says what follows:
 *
 *	MDT_MODULE	DECLARE_MODULE(): a module and its moduledata_t
 *	MDT_VERSION	MODULE_VERSION(): the version a module provides
 *	MDT_DEPEND	MODULE_DEPEND(): a module this one needs, with the
 *			range of versions it accepts
 *	MDT_DRIVER	DRIVER_MODULE() (<sys/bus.h>): a newbus driver,
 *			registered as module "busname/name"
 *
 * A module's handler gets MOD_LOAD when the module comes up (at its
 * SYSINIT position: DECLARE_MODULE's sub and order; drivers at
 * SI_SUB_CONFIGURE, SI_ORDER_MIDDLE), MOD_QUIESCE then MOD_UNLOAD when
 * its file is unloaded -- either may refuse with an errno, EBUSY usually,
 * and the file stays -- and MOD_SHUTDOWN before the domain powers off or
 * reboots.  A handler that does not know an event returns EOPNOTSUPP,
 * which counts as success for MOD_QUIESCE and MOD_SHUTDOWN.
 */
typedef enum modeventtype {
	MOD_LOAD,
	MOD_UNLOAD,
	MOD_SHUTDOWN,
	MOD_QUIESCE
} modeventtype_t;

struct module;
typedef struct module *module_t;
typedef int (*modeventhand_t)(struct module *, int, void *);

typedef struct moduledata {
	const char	*name;		/* the module's name */
	modeventhand_t	 evhand;	/* NULL: nothing to do on events */
	void		*priv;		/* the handler's argument */
} moduledata_t;

/* The common header of every record in modmetadata_set. */
struct mod_metadata {
	int		 md_version;	/* MDT_STRUCT_VERSION */
	int		 md_type;	/* MDT_* */
	const char	*md_cval;	/* the module the record is about */
};

#define	MDT_STRUCT_VERSION	1	/* layout of the records below */

#define	MDT_DEPEND	1		/* struct mod_depend */
#define	MDT_MODULE	2		/* struct mod_module */
#define	MDT_VERSION	3		/* struct mod_version */
#define	MDT_DRIVER	4		/* struct driver_module_data */

struct mod_module {
	struct mod_metadata	 mm_md;
	const moduledata_t	*mm_data;
};

struct mod_version {
	struct mod_metadata	 mv_md;
	int			 mv_version;
};

struct mod_depend {
	struct mod_metadata	 md_md;
	const char		*md_depname;	/* the module needed */
	int			 md_ver_minimum;
	int			 md_ver_preferred;
	int			 md_ver_maximum;
};

#define	MODULE_METADATA_HDR(type, name)					\
	{ .md_version = MDT_STRUCT_VERSION, .md_type = (type),		\
	  .md_cval = #name }

/*
 * DECLARE_MODULE(name, data, sub, order): module 'name' (data.name), with
 * the handler in the moduledata_t 'data', comes up at SYSINIT (sub,
 * order).  Needs <sys/kernel.h>.
 */
#define	DECLARE_MODULE(name, data, sub, order)				\
	static struct mod_module _mod_module_##name = {			\
		.mm_md = MODULE_METADATA_HDR(MDT_MODULE, name),		\
		.mm_data = &(data)					\
	};								\
	DATA_SET(modmetadata_set, _mod_module_##name);			\
	SYSINIT(name##module, sub, order, module_register_init,		\
	    &_mod_module_##name.mm_md)

/* MODULE_VERSION(name, version): module 'name' provides 'version' (> 0). */
#define	MODULE_VERSION(name, version)					\
	static struct mod_version _mod_version_##name = {		\
		.mv_md = MODULE_METADATA_HDR(MDT_VERSION, name),	\
		.mv_version = (version)					\
	};								\
	DATA_SET(modmetadata_set, _mod_version_##name)

/*
 * MODULE_DEPEND(name, dep, min, pref, max): module 'name' needs module
 * 'dep' at a version from 'min' to 'max' ('pref' is the one it was built
 * for).  The kernel linker loads dep.ko first if 'dep' is not loaded.
 */
#define	MODULE_DEPEND(name, dep, min, pref, max)			\
	static struct mod_depend _mod_depend_##name##_##dep = {		\
		.md_md = MODULE_METADATA_HDR(MDT_DEPEND, name),		\
		.md_depname = #dep,					\
		.md_ver_minimum = (min),				\
		.md_ver_preferred = (pref),				\
		.md_ver_maximum = (max)					\
	};								\
	DATA_SET(modmetadata_set, _mod_depend_##name##_##dep)

#define	MODULE_NAMELEN	64	/* longest module name, with its NUL */

#ifdef _KERNEL
struct linker_file;

/* Run from SYSINITs: MOD_LOAD for the module a record declares. */
void		 module_register_init(const void *);

int		 module_register(const struct mod_metadata *,
		    struct linker_file *);
void		 module_release(module_t);
module_t	 module_lookup(const char *);
module_t	 module_lookup_md(const struct mod_metadata *);
int		 module_quiesce(module_t);
int		 module_unload(module_t);
int		 module_reload(module_t);
void		 module_shutdown(void);
void		 module_set_version(module_t, int);

const char	*module_getname(module_t);
int		 module_getid(module_t);
int		 module_getversion(module_t);
struct linker_file *module_getfile(module_t);
module_t	 module_file_first(struct linker_file *);
module_t	 module_file_next(module_t);
#endif

#endif /* !_SYS_MODULE_H_ */
