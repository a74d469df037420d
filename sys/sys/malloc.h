/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_MALLOC_H_
#define	_SYS_MALLOC_H_

/*
 * malloc(9): typed kernel memory.  Each allocation names a malloc_type,
 * which keeps in-use counts for sysctl and for leak checks (module unload
 * compares them before and after).
 */

#define	M_NOWAIT	0x0001	/* fail (NULL) rather than sleep */
#define	M_WAITOK	0x0002	/* never returns NULL (panics if it
				   would: there is no pager to wait for) */
#define	M_ZERO		0x0100	/* zero the memory */

struct malloc_type {
	struct malloc_type *ks_next;	/* [m] list of all types */
	const char	*ks_shortdesc;	/* [I] name shown by sysctl */
	u_long		 ks_inuse;	/* [m] live allocations */
	u_long		 ks_memuse;	/* [m] bytes in live allocations */
	u_long		 ks_calls;	/* [m] allocations ever made */
	int		 ks_listed;	/* [m] on the list of types */
};

#define	MALLOC_DEFINE(type, shortdesc, longdesc)			\
	struct malloc_type type[1] = {					\
		{ .ks_shortdesc = (shortdesc) }				\
	}
#define	MALLOC_DECLARE(type)	extern struct malloc_type type[1]

MALLOC_DECLARE(M_TEMP);
MALLOC_DECLARE(M_DEVBUF);

void	*malloc(size_t, struct malloc_type *, int);
void	 free(void *, struct malloc_type *);
struct malloc_type *malloc_type_list(void);
u_long	 malloc_uninit_range(uintptr_t, uintptr_t);

#endif /* !_SYS_MALLOC_H_ */
