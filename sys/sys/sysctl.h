/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_SYSCTL_H_
#define	_SYS_SYSCTL_H_

#include <sys/linker_set.h>
#include <sys/queue.h>

/*
 * sysctl(9): a read-only tree of named kernel variables ("vm.stats.free"),
 * shown by the console monitor's sysctl command.  Nodes and variables are
 * declared where the variable lives, statically, with the macros below;
 * they land in a linker set that the tree is built from at boot.  A
 * variable is an int, u_int, long, u_long or string the oid points to, or
 * a handler (SYSCTL_PROC) that prints one value or a whole family of them
 * (per port, per malloc type) with sysctl_emit().  Oids can also be
 * registered at run time (sysctl_register_oid).
 *
 * The top of the tree: kern (the MI kernel), vm (memory), hw (the machine
 * and Xen: hw.xen.*), machdep (the PV layer), dev (devices and event
 * channels).  Grant-table counters belong in hw.xen.gnttab, next to
 * hw.xen.xenstore.
 */
struct sysctl_oid;
struct sysctl_req;

typedef int sysctl_handler_t(struct sysctl_oid *, struct sysctl_req *);
typedef void sysctl_out_t(const char *, const char *, void *);

/* Lock: the sysctl lock [l]. */
struct sysctl_oid {
	struct sysctl_oid	*oid_parent;	/* [I] NULL: top level */
	const char		*oid_name;	/* [I] one component */
	int			 oid_kind;	/* [I] CTLTYPE_* */
	void			*oid_arg1;	/* [I] variable, handler's arg */
	intptr_t		 oid_arg2;	/* [I] handler's arg */
	sysctl_handler_t	*oid_handler;	/* [I] CTLTYPE_PROC */
	const char		*oid_descr;	/* [I] one line */
	TAILQ_ENTRY(sysctl_oid)	 oid_link;	/* [l] the tree, by name */
	int			 oid_registered; /* [l] */
};

#define	CTLTYPE_NODE	1
#define	CTLTYPE_INT	2
#define	CTLTYPE_UINT	3
#define	CTLTYPE_LONG	4
#define	CTLTYPE_ULONG	5
#define	CTLTYPE_STRING	6
#define	CTLTYPE_PROC	7

#define	SYSCTL_NAMELEN	128	/* longest full name, with its NUL */
#define	SYSCTL_VALUELEN	128	/* longest value, with its NUL */

/*
 * Declaration macros.  'parent' is the parent's path with a leading
 * underscore and underscores for dots (_vm_stats for vm.stats); a node
 * declared elsewhere is made visible with SYSCTL_DECL(_vm_stats).
 */
#define	SYSCTL_DECL(parent)	extern struct sysctl_oid sysctl_##parent

#define	SYSCTL_OID(sclass, parentp, parent, name, kind, a1, a2, h, descr) \
	sclass struct sysctl_oid sysctl_##parent##_##name = {		\
		.oid_parent = (parentp),				\
		.oid_name = #name,					\
		.oid_kind = (kind),					\
		.oid_arg1 = (a1),					\
		.oid_arg2 = (a2),					\
		.oid_handler = (h),					\
		.oid_descr = (descr),					\
	};								\
	DATA_SET(sysctl_set, sysctl_##parent##_##name)

/* Type-checked variable pointers: a warning if ptr is of another type. */
#define	SYSCTL_PTR(type, ptr)	((void *)(uintptr_t)(1 ? (ptr) : (type *)0))

#define	SYSCTL_ROOT_NODE(name, descr)					\
	SYSCTL_OID(, NULL, , name, CTLTYPE_NODE, NULL, 0, NULL, descr)
#define	SYSCTL_NODE(parent, name, descr)				\
	SYSCTL_OID(, &sysctl_##parent, parent, name, CTLTYPE_NODE,	\
	    NULL, 0, NULL, descr)
#define	SYSCTL_INT(parent, name, ptr, descr)				\
	SYSCTL_OID(static, &sysctl_##parent, parent, name, CTLTYPE_INT,	\
	    SYSCTL_PTR(const int, ptr), 0, NULL, descr)
#define	SYSCTL_UINT(parent, name, ptr, descr)				\
	SYSCTL_OID(static, &sysctl_##parent, parent, name, CTLTYPE_UINT, \
	    SYSCTL_PTR(const u_int, ptr), 0, NULL, descr)
#define	SYSCTL_LONG(parent, name, ptr, descr)				\
	SYSCTL_OID(static, &sysctl_##parent, parent, name, CTLTYPE_LONG, \
	    SYSCTL_PTR(const long, ptr), 0, NULL, descr)
#define	SYSCTL_ULONG(parent, name, ptr, descr)				\
	SYSCTL_OID(static, &sysctl_##parent, parent, name, CTLTYPE_ULONG, \
	    SYSCTL_PTR(const u_long, ptr), 0, NULL, descr)
#define	SYSCTL_STRING(parent, name, str, descr)				\
	SYSCTL_OID(static, &sysctl_##parent, parent, name,		\
	    CTLTYPE_STRING, SYSCTL_PTR(const char, str), 0, NULL, descr)
#define	SYSCTL_PROC(parent, name, handler, arg1, arg2, descr)		\
	SYSCTL_OID(static, &sysctl_##parent, parent, name, CTLTYPE_PROC, \
	    (arg1), (arg2), (handler), descr)

SYSCTL_DECL(_kern);
SYSCTL_DECL(_vm);
SYSCTL_DECL(_hw);
SYSCTL_DECL(_machdep);
SYSCTL_DECL(_dev);

extern u_int sysctl_noids;	/* oids in the tree */

int	sysctl_emit(struct sysctl_req *, const char *, const char *, ...)
	    __printflike(3, 4);
int	sysctl_query(const char *, sysctl_out_t *, void *);
int	sysctl_register_oid(struct sysctl_oid *);
void	sysctl_unregister_oid(struct sysctl_oid *);
int	sysctl_fullname(struct sysctl_oid *, char *, size_t);

#endif /* !_SYS_SYSCTL_H_ */
