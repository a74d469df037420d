/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_LINKER_H_
#define	_SYS_LINKER_H_

/*
 * The kernel linker's object loader (sys/kern/link_elf_obj.c): turns the
 * in-memory image of a module's .ko file (an x86-64 ELF relocatable
 * object) into loaded, relocated and protected memory, and answers
 * questions about the result.  It knows nothing about where memory or
 * outside symbols come from: the caller says so through the operations
 * below (the kernel: kmem and the kernel's symbol table plus the modules
 * already loaded; the host tests: malloc and a fake table).
 *
 * Lock legend: a struct link_elf_obj belongs to its caller, who serialises
 * loads, lookups and unload.  [I] fields are set by a successful load and
 * not changed until unload.
 */

/* Limits on what a module may ask of the loader. */
#define	LINK_ELF_OBJ_MAXFILE	(64UL << 20)	/* size of the .ko image */
#define	LINK_ELF_OBJ_MAXSIZE	(64UL << 20)	/* bytes of loaded memory */
#define	LINK_ELF_OBJ_MAXSECT	1024		/* e_shnum */
#define	LINK_ELF_OBJ_MAXALIGN	4096		/* sh_addralign (a page) */
#define	LINK_ELF_OBJ_PAGE	4096		/* protection granule */
#define	LINK_ELF_OBJ_ERRLEN	160

/* Protections, with the values of VM_PROT_* (machine/pmap.h). */
#define	LINK_ELF_PROT_READ	0x01
#define	LINK_ELF_PROT_WRITE	0x02
#define	LINK_ELF_PROT_EXEC	0x04

/* The three page-aligned parts of a loaded module, in address order. */
#define	LINK_ELF_SEG_TEXT	0	/* read, execute */
#define	LINK_ELF_SEG_RODATA	1	/* read (and the GOT) */
#define	LINK_ELF_SEG_DATA	2	/* read, write (data, then bss) */
#define	LINK_ELF_NSEG		3

struct link_elf_obj_ops {
	/*
	 * Provide 'size' bytes (a multiple of LINK_ELF_OBJ_PAGE) of
	 * writable memory: *basep is where the loader writes them and *addrp
	 * the page-aligned address the module will run at.  In the kernel
	 * both are the same kernel virtual address; a host test may write
	 * into a buffer while relocating for another address.  Returns 0 or
	 * an errno value (ENOMEM).
	 */
	int	(*lo_alloc)(void *arg, size_t size, void **basep,
		    uintptr_t *addrp);
	/* Give back what lo_alloc provided (on unload or a failed load). */
	void	(*lo_free)(void *arg, void *base, uintptr_t addr, size_t size);
	/*
	 * Optional: apply 'prot' (LINK_ELF_PROT_*) to a page-aligned part
	 * of the block, once relocation is done.  0 or an errno value.
	 */
	int	(*lo_protect)(void *arg, void *base, uintptr_t addr,
		    size_t size, int prot);
	/*
	 * Resolve a symbol the module leaves undefined.  0 and *valuep, or
	 * ENOENT.
	 */
	int	(*lo_lookup)(void *arg, const char *name, uintptr_t *valuep);
};

struct link_elf_seg {
	uintptr_t	 ls_addr;	/* run address, page aligned */
	size_t		 ls_size;	/* whole pages, or 0 if empty */
	int		 ls_prot;	/* LINK_ELF_PROT_* */
};

/* An SHF_ALLOC section, as loaded (for debuggers: add-symbol-file). */
struct link_elf_sect {
	const char	*lsc_name;
	uintptr_t	 lsc_addr;
	size_t		 lsc_size;
};

/* A linker set: section "set_<name>" holding an array of pointers. */
struct link_elf_set {
	const char	*lst_name;	/* without "set_" */
	uintptr_t	 lst_start;
	uintptr_t	 lst_stop;
};

/* A symbol the module defines (functions, objects, untyped labels). */
struct link_elf_sym {
	const char	*lsy_name;
	uintptr_t	 lsy_value;
	size_t		 lsy_size;
	unsigned char	 lsy_info;	/* st_info: binding and type */
};

struct link_elf_obj {
	const struct link_elf_obj_ops *eo_ops;	/* [I] */
	void		*eo_arg;		/* [I] */
	char		*eo_base;		/* [I] where it was written */
	uintptr_t	 eo_addr;		/* [I] where it runs */
	size_t		 eo_size;		/* [I] bytes, whole pages */
	struct link_elf_seg eo_seg[LINK_ELF_NSEG];	/* [I] */
	uintptr_t	 eo_got;		/* [I] GOT, if any */
	size_t		 eo_ngot;		/* [I] its entries */
	struct link_elf_sect *eo_sects;		/* [I] */
	size_t		 eo_nsects;		/* [I] */
	struct link_elf_set *eo_sets;		/* [I] */
	size_t		 eo_nsets;		/* [I] */
	struct link_elf_sym *eo_syms;		/* [I] */
	size_t		 eo_nsyms;		/* [I] */
	void		*eo_meta;		/* [I] the arrays' block */
	void		*eo_ctx;		/* between begin and finish */
	char		 eo_errmsg[LINK_ELF_OBJ_ERRLEN]; /* why a load failed */
};

int	link_elf_obj_load(struct link_elf_obj *, const void *, size_t,
	    const struct link_elf_obj_ops *, void *);
int	link_elf_obj_begin(struct link_elf_obj *, const void *, size_t,
	    const struct link_elf_obj_ops *, void *);
int	link_elf_obj_finish(struct link_elf_obj *);
void	link_elf_obj_unload(struct link_elf_obj *);
int	link_elf_obj_lookup(const struct link_elf_obj *, const char *,
	    uintptr_t *);
int	link_elf_obj_lookup_addr(const struct link_elf_obj *, uintptr_t,
	    const char **, uintptr_t *);
int	link_elf_obj_lookup_set(const struct link_elf_obj *, const char *,
	    uintptr_t *, uintptr_t *);
int	link_elf_obj_section(const struct link_elf_obj *, const char *,
	    uintptr_t *, size_t *);

#ifdef _KERNEL
#include <sys/queue.h>

/*
 * The kernel linker (sys/kern/kern_linker.c): linker files -- the kernel
 * itself (id 1) and each loaded .ko -- with their modules, dependencies
 * and references.  See kld(4).
 *
 * Lock legend: [k] kld_mtx, the linker's lock, held around every load,
 * unload and walk of the list; [I] set before the file is on the list.
 */
#define	LINKER_NAMELEN	64	/* "foo.ko", with its NUL */
#define	LINKER_PATHLEN	128	/* "boot/kernel/foo.ko", with its NUL */
#define	LINKER_MAXDEPTH	8	/* dependencies of dependencies of ... */

struct module;
struct sysinit;
struct sysctl_oid;

struct linker_file {
	TAILQ_ENTRY(linker_file) lf_link;	/* [k] all files, by id */
	int		 lf_id;			/* [I] 1: the kernel */
	int		 lf_refs;		/* [k] see kld(4) */
	int		 lf_flags;		/* [k] LF_* */
	char		 lf_name[LINKER_NAMELEN];	/* [I] "foo.ko" */
	char		 lf_path[LINKER_PATHLEN];	/* [I] where it was */
	uintptr_t	 lf_address;		/* [I] its memory */
	size_t		 lf_size;		/* [I] */
	struct link_elf_obj lf_obj;		/* [I] not for the kernel */
	struct linker_file **lf_deps;		/* [I] files it needs */
	int		 lf_ndeps;		/* [I] */
	struct sysinit	**lf_sysinit;		/* [k] sorted, drivers too */
	int		 lf_nsysinit;		/* [k] */
	int		 lf_ninit;		/* [k] how many have run */
	struct sysinit	*lf_drvinit;		/* [k] the drivers' SYSINITs */
	struct sysctl_oid **lf_oids;		/* [k] registered oids */
	int		 lf_noids;		/* [k] */
	int		 lf_loaderr;		/* [k] a MOD_LOAD failed */
};

#define	LF_EXPLICIT	0x01	/* loaded by name, not as a dependency */
#define	LF_LOADING	0x02	/* being loaded: a dependency loop */
#define	LF_READY	0x04	/* loaded: its SYSINITs have run */

extern struct mtx kld_mtx;
extern struct linker_file *linker_kernel_file;

int	linker_load_file(const char *, bool, struct linker_file **);
int	linker_unload_file(struct linker_file *);
struct linker_file *linker_find_file(const char *);
struct linker_file *linker_find_file_id(int);
struct linker_file *linker_file_first(void);
struct linker_file *linker_file_next(struct linker_file *);
int	linker_lookup_symbol(struct linker_file *, const char *, uintptr_t *);
int	linker_file_lookup_set(struct linker_file *, const char *, void ***,
	    size_t *);
int	linker_search_symbol_name(uintptr_t, const char **, uintptr_t *,
	    const char **);
void	linker_module_failed(struct linker_file *, struct module *, int);
void	linker_preload(void);
#endif

#endif /* !_SYS_LINKER_H_ */
