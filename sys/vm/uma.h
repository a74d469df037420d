/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _VM_UMA_H_
#define	_VM_UMA_H_

#include <sys/queue.h>

/*
 * Zones: caches of fixed-size objects carved from whole pages (slabs),
 * reached through the direct map.  A slab's vm_page records its zone, its
 * free objects and how many are in use, so zone_free() and free(9) find
 * where an object belongs from its address alone, and an empty slab goes
 * back to the page allocator.  Lock: events masked [e].
 */
struct vm_page;

struct zone {
	const char	*z_name;	/* [I] */
	size_t		 z_size;	/* [I] object size, a power of two */
	u_int		 z_perslab;	/* [I] objects per page */
	int		 z_index;	/* [I] slot in zone_table */
	TAILQ_HEAD(, vm_page) z_partial; /* [e] slabs with free objects */
	u_long		 z_pages;	/* [e] slabs owned */
	u_long		 z_inuse;	/* [e] objects handed out */
	u_long		 z_allocs;	/* [e] allocations ever made */
	u_long		 z_fails;	/* [e] allocations refused */
};
typedef struct zone *zone_t;

#define	ZONE_MAX	32
extern struct zone *zone_table[ZONE_MAX];

zone_t	zone_create(struct zone *, const char *, size_t);
void	*zone_alloc(zone_t, int);
void	 zone_free(zone_t, void *);
zone_t	 zone_of(void *);

#endif /* !_VM_UMA_H_ */
