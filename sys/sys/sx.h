/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_SX_H_
#define	_SYS_SX_H_

#include <sys/queue.h>

/*
 * sx(9): shared/exclusive locks whose holders may sleep.  Any number of
 * threads share the lock, or one holds it exclusively.  A thread that
 * cannot have it blocks on one of two queues and is handed the lock by
 * the thread that releases it (see kern_sx.c for the fairness policy).
 * Not recursive, not for interrupt handlers.  Lock: events masked [e].
 */
struct thread;

#define	SX_NTRACK	8		/* sharers known by name */

struct sx {
	const char	*sx_name;		/* [I] */
	int		 sx_flags;		/* [I] SX_* */
	struct thread	*sx_xholder;		/* [e] exclusive owner */
	int		 sx_sharers;		/* [e] shared holders */
	int		 sx_untracked;		/* [e] sharers not in sx_sharer */
	struct thread	*sx_sharer[SX_NTRACK];	/* [e] who shares it */
	TAILQ_HEAD(sx_waitq, thread) sx_xwaiters; /* [e] want it exclusively */
	struct sx_waitq	 sx_swaiters;		/* [e] want it shared */
	u_long		 sx_contested;		/* [e] times a thread waited */
};

#define	SX_DUPOK	0x0001		/* accepted for compatibility */
#define	SX_NEW		0x0002		/* accepted for compatibility */

/* sx_assert() */
#define	SA_LOCKED	0x01		/* shared or exclusive, by us */
#define	SA_SLOCKED	0x02
#define	SA_XLOCKED	0x04
#define	SA_UNLOCKED	0x08		/* not by us */
#define	SA_RECURSED	0x10		/* never true: no recursion */
#define	SA_NOTRECURSED	0x20		/* always true */

void	sx_init(struct sx *, const char *);
void	sx_init_flags(struct sx *, const char *, int);
void	sx_destroy(struct sx *);
void	sx_slock(struct sx *);
void	sx_xlock(struct sx *);
int	sx_try_slock(struct sx *);
int	sx_try_xlock(struct sx *);
int	sx_try_upgrade(struct sx *);
void	sx_downgrade(struct sx *);
void	sx_sunlock(struct sx *);
void	sx_xunlock(struct sx *);
void	sx_unlock(struct sx *);
int	sx_xlocked(struct sx *);
void	_sx_assert(struct sx *, int, const char *, int);

#ifdef INVARIANTS
#define	sx_assert(sx, what)	_sx_assert((sx), (what), __FILE__, __LINE__)
#else
#define	sx_assert(sx, what)	do { } while (0)
#endif

#endif /* !_SYS_SX_H_ */
