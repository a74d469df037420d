/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * kobj(9): objects whose methods are looked up at run time.
 *
 * A class is a table of (method descriptor, function) pairs, optionally
 * inheriting from base classes.  An object starts with KOBJ_FIELDS, a
 * pointer to its class's compiled "ops": a small cache, indexed by the
 * descriptor's id, of resolved methods.  A call such as DEVICE_PROBE(dev)
 * (generated from device_if.m by tools/kobj/makeobjops.awk) loads one
 * cache slot and compares one pointer; only a miss walks the class, its
 * base classes and finally the descriptor's default, and refills the slot.
 *
 * Classes are reference counted: kobj_class_compile() and every object
 * made with kobj_init()/kobj_create() take a reference, kobj_class_free()
 * and kobj_delete() drop one, and the ops go away with the last one.
 */
#ifndef _SYS_KOBJ_H_
#define	_SYS_KOBJ_H_

#include <sys/types.h>

struct malloc_type;

typedef struct kobj		*kobj_t;
typedef struct kobj_class	*kobj_class_t;
typedef struct kobj_ops		*kobj_ops_t;
typedef struct kobjop_desc	*kobjop_desc_t;
typedef struct kobj_method	kobj_method_t;
typedef int			(*kobjop_t)(void);

/* One entry of a class's method table. */
struct kobj_method {
	kobjop_desc_t	desc;		/* which method */
	kobjop_t	func;		/* its implementation */
};

/*
 * A method descriptor, one per method of an interface, defined in the
 * generated foo_if.c.  'id' is handed out the first time the method is
 * looked up and picks the cache slot.
 */
struct kobjop_desc {
	u_int		id;
	kobj_method_t	deflt;		/* used when no class has one */
};

/*
 * The fields every class starts with.  A driver_t (<sys/bus.h>) is exactly
 * this: { "name", methods, sizeof(struct foo_softc) }.
 */
#define	KOBJ_CLASS_FIELDS						\
	const char	*name;		/* [I] class name */		\
	kobj_method_t	*methods;	/* [I] ends with KOBJMETHOD_END */ \
	size_t		size;		/* [I] object or softc size */	\
	kobj_class_t	*baseclasses;	/* [I] NULL-terminated, or NULL */ \
	u_int		refs;		/* compiles + live objects */	\
	kobj_ops_t	ops		/* compiled cache, NULL if refs == 0 */

struct kobj_class {
	KOBJ_CLASS_FIELDS;
};

/* Number of cache slots per class; a power of two. */
#define	KOBJ_CACHE_SIZE	64

struct kobj_ops {
	const kobj_method_t *cache[KOBJ_CACHE_SIZE];
	kobj_class_t	cls;
};

/* The fields every object starts with. */
#define	KOBJ_FIELDS							\
	kobj_ops_t	ops

struct kobj {
	KOBJ_FIELDS;
};

/*
 * Method table entries.  KOBJMETHOD(device_probe, foo_probe) compiles only
 * if foo_probe has exactly the type device_probe_t: a mismatched function
 * selects the dummy below, which cannot initialize a kobjop_t.
 */
struct kobj_method_type_mismatch {
	int	kobj_method_has_the_wrong_type;
};
extern struct kobj_method_type_mismatch kobj_method_type_mismatch;

#define	KOBJMETHOD(NAME, FUNC)						\
	{ &NAME##_desc, __builtin_choose_expr(				\
	    __builtin_types_compatible_p(__typeof(*(FUNC)), NAME##_t),	\
	    (kobjop_t)(FUNC), kobj_method_type_mismatch) }
#define	KOBJMETHOD_END	{ NULL, NULL }

/* A class with no base classes. */
#define	DEFINE_CLASS(name, methods, size)				\
	struct kobj_class name ## _class = {				\
		#name, methods, size, NULL, 0, NULL			\
	}
/* A class inheriting from one base class. */
#define	DEFINE_CLASS_1(name, classvar, methods, size, base1)		\
	static kobj_class_t name ## _baseclasses[] = { &base1, NULL };	\
	struct kobj_class classvar = {					\
		#name, methods, size, name ## _baseclasses, 0, NULL	\
	}
#define	DECLARE_CLASS(name)	extern struct kobj_class name

void		 kobj_class_compile(kobj_class_t cls);
void		 kobj_class_free(kobj_class_t cls);
kobj_t		 kobj_create(kobj_class_t cls, struct malloc_type *mtype,
		    int mflags);
void		 kobj_init(kobj_t obj, kobj_class_t cls);
void		 kobj_delete(kobj_t obj, struct malloc_type *mtype);
const kobj_method_t *kobj_lookup_method(kobj_ops_t ops, kobjop_desc_t desc);
kobjop_t	 kobj_class_method(kobj_class_t cls, kobjop_desc_t desc);
int		 kobj_error_method(void);

/* Cache misses (slow-path lookups), for tests and for sysctl later. */
extern u_long	 kobj_lookup_misses;

/*
 * The dispatch fast path: one slot, one compare.  An empty slot holds a
 * sentinel entry whose descriptor matches nothing, so there is no NULL
 * test.  Hits are not counted: that would cost a store on every call.
 */
static __inline kobjop_t
kobj_ops_lookup(kobj_ops_t ops, kobjop_desc_t desc)
{
	const kobj_method_t *ce;

	ce = ops->cache[desc->id & (KOBJ_CACHE_SIZE - 1)];
	if (__builtin_expect(ce->desc != desc, 0))
		ce = kobj_lookup_method(ops, desc);
	return (ce->func);
}

#endif /* !_SYS_KOBJ_H_ */
