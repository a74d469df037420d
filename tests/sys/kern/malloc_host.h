/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The host emulation of malloc(9) (malloc_host.c), as tests see it.
 */
#ifndef _MALLOC_HOST_H_
#define	_MALLOC_HOST_H_

struct malloc_type;

void	*kern_malloc(size_t, struct malloc_type *, int);
void	 kern_free(void *, struct malloc_type *);

/* Allocations made and not yet freed, over all types. */
extern long	kern_malloc_live;
/*
 * If >= 0, the number of allocations that still succeed; after that
 * M_NOWAIT ones return NULL (M_WAITOK ones abort: they cannot fail).
 */
extern int	kern_malloc_fail_after;

#endif /* !_MALLOC_HOST_H_ */
