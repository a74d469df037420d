/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_MUTEX_H_
#define	_SYS_MUTEX_H_

#include <sys/queue.h>

/*
 * mutex(9).  A sleep mutex (MTX_DEF) blocks a thread that finds it held
 * until the owner releases it; a spin mutex (MTX_SPIN) masks events for
 * as long as it is held and is what code shared with interrupt handlers
 * uses.  Neither may be taken recursively unless created MTX_RECURSE.
 * Lock: events masked [e].
 */
struct thread;

struct mtx {
	const char	*mtx_name;	/* [I] */
	int		 mtx_flags;	/* [I] MTX_* */
	struct thread	*mtx_owner;	/* [e] */
	int		 mtx_recurse;	/* [e] */
	register_t	 mtx_saved;	/* [e] spin: event mask before */
	TAILQ_HEAD(, thread) mtx_waiters; /* [e] */
	u_long		 mtx_contested;	/* [e] times a thread had to wait */
};

#define	MTX_DEF		0x0000
#define	MTX_SPIN	0x0001
#define	MTX_RECURSE	0x0004

#define	MA_OWNED	0x01
#define	MA_NOTOWNED	0x02

void	mtx_init(struct mtx *, const char *, int);
void	mtx_destroy(struct mtx *);
void	mtx_lock(struct mtx *);
int	mtx_trylock(struct mtx *);
void	mtx_unlock(struct mtx *);
void	mtx_lock_spin(struct mtx *);
void	mtx_unlock_spin(struct mtx *);
int	mtx_owned(struct mtx *);
void	_mtx_assert(struct mtx *, int, const char *, int);
int	msleep(const void *, struct mtx *, int, const char *, int);

#ifdef INVARIANTS
#define	mtx_assert(m, what)	_mtx_assert((m), (what), __FILE__, __LINE__)
#else
#define	mtx_assert(m, what)	do { } while (0)
#endif

#endif /* !_SYS_MUTEX_H_ */
