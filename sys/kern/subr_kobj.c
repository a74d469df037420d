/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * kobj(9): classes, their method caches and the objects built on them.
 *
 * Dispatch (kobj_ops_lookup() in <sys/kobj.h>) is inline in every caller;
 * this file holds the slow path and the bookkeeping.  A descriptor gets an
 * id the first time anybody looks it up; the id picks one of the
 * KOBJ_CACHE_SIZE slots of a class's ops.  On a miss the method is searched
 * in the class's own table, then depth-first in its base classes in the
 * order they are listed, then the descriptor's default is taken; whatever
 * is found replaces the slot's previous entry.  Two methods whose ids share
 * a slot therefore keep evicting each other -- correct, only slower; ids
 * are handed out densely, so that needs more than KOBJ_CACHE_SIZE methods
 * in use.
 *
 * Callers: newbus (subr_bus.c) turns every device into an object of its
 * driver's class, and tests.  All entry points may sleep for memory except
 * kobj_create(.., M_NOWAIT) and the lookups, which never allocate.
 *
 * Locking: none yet.  pvbsd runs on one vCPU and nothing here is called
 * from interrupt context; the lookup path only ever writes one aligned
 * pointer.  XXX Giant: class compile/free and id allocation will need the
 * kobj lock once there is more than one CPU.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>

#include <sys/kobj.h>

MALLOC_DEFINE(M_KOBJ, "kobj", "kobj class method caches");

u_long		kobj_lookup_misses;

/* 0 means "not assigned yet". */
static u_int	kobj_next_id = 1;

/*
 * What an empty cache slot holds.  No descriptor is NULL, so the fast path
 * always misses on it.
 */
static const kobj_method_t kobj_cache_empty = { NULL, NULL };

int
kobj_error_method(void)
{
	return (ENXIO);
}

/*
 * Search a class and, failing that, its base classes.  Returns NULL if no
 * class in the hierarchy implements the method.
 */
static const kobj_method_t *
kobj_class_find(kobj_class_t cls, kobjop_desc_t desc)
{
	const kobj_method_t *m;
	kobj_class_t *base;

	if (cls->methods != NULL) {
		for (m = cls->methods; m->desc != NULL; m++)
			if (m->desc == desc)
				return (m);
	}
	if (cls->baseclasses != NULL) {
		for (base = cls->baseclasses; *base != NULL; base++) {
			m = kobj_class_find(*base, desc);
			if (m != NULL)
				return (m);
		}
	}
	return (NULL);
}

static const kobj_method_t *
kobj_resolve(kobj_class_t cls, kobjop_desc_t desc)
{
	const kobj_method_t *m;

	KASSERT(desc->deflt.desc == desc,
	    ("kobj: descriptor %p has a foreign default", desc));
	m = kobj_class_find(cls, desc);
	return (m != NULL ? m : &desc->deflt);
}

/*
 * The slow path of kobj_ops_lookup(): resolve the method and remember it
 * in its slot.
 */
const kobj_method_t *
kobj_lookup_method(kobj_ops_t ops, kobjop_desc_t desc)
{
	const kobj_method_t *m;

	kobj_lookup_misses++;
	if (desc->id == 0) {
		KASSERT(kobj_next_id != 0, ("kobj: out of method ids"));
		desc->id = kobj_next_id++;
	}
	m = kobj_resolve(ops->cls, desc);
	ops->cache[desc->id & (KOBJ_CACHE_SIZE - 1)] = m;
	return (m);
}

/*
 * A method of a class rather than of an object (STATICMETHOD, e.g.
 * DEVICE_IDENTIFY).  Uses the cache if the class is compiled.
 */
kobjop_t
kobj_class_method(kobj_class_t cls, kobjop_desc_t desc)
{
	if (cls->ops != NULL)
		return (kobj_ops_lookup(cls->ops, desc));
	return (kobj_resolve(cls, desc)->func);
}

/* Take a reference on a class, building its ops on the first one. */
static int
kobj_class_ref(kobj_class_t cls, int mflags)
{
	kobj_ops_t ops;
	int i;

	if (cls->ops == NULL) {
		KASSERT(cls->refs == 0,
		    ("kobj: class %s has %u refs but no ops", cls->name,
		    cls->refs));
		ops = malloc(sizeof(*ops), M_KOBJ, mflags & ~M_ZERO);
		if (ops == NULL)
			return (ENOMEM);
		for (i = 0; i < KOBJ_CACHE_SIZE; i++)
			ops->cache[i] = &kobj_cache_empty;
		ops->cls = cls;
		cls->ops = ops;
	}
	cls->refs++;
	return (0);
}

void
kobj_class_compile(kobj_class_t cls)
{
	(void)kobj_class_ref(cls, M_WAITOK);
}

void
kobj_class_free(kobj_class_t cls)
{
	KASSERT(cls->refs > 0 && cls->ops != NULL,
	    ("kobj: class %s freed more often than compiled", cls->name));
	if (--cls->refs == 0) {
		free(cls->ops, M_KOBJ);
		cls->ops = NULL;
	}
}

void
kobj_init(kobj_t obj, kobj_class_t cls)
{
	(void)kobj_class_ref(cls, M_WAITOK);
	obj->ops = cls->ops;
}

kobj_t
kobj_create(kobj_class_t cls, struct malloc_type *mtype, int mflags)
{
	kobj_t obj;

	KASSERT(cls->size >= sizeof(struct kobj),
	    ("kobj: class %s is smaller than an object", cls->name));
	obj = malloc(cls->size, mtype, mflags | M_ZERO);
	if (obj == NULL)
		return (NULL);
	if (kobj_class_ref(cls, mflags) != 0) {
		free(obj, mtype);
		return (NULL);
	}
	obj->ops = cls->ops;
	return (obj);
}

/*
 * Drop the object's reference on its class; free the object itself if it
 * came from kobj_create() (mtype != NULL).
 */
void
kobj_delete(kobj_t obj, struct malloc_type *mtype)
{
	kobj_class_t cls;

	KASSERT(obj->ops != NULL, ("kobj: deleting a dead object"));
	cls = obj->ops->cls;
	obj->ops = NULL;
	kobj_class_free(cls);
	if (mtype != NULL)
		free(obj, mtype);
}
