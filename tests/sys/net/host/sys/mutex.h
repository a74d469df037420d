/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Host stand-in for <sys/mutex.h>: the tests are single-threaded; a lock
 * only records its owner count, so a test can catch a leaked lock.
 */
#ifndef _SYS_MUTEX_H_
#define	_SYS_MUTEX_H_

struct mtx {
	const char	*mtx_name;
	int		 mtx_locked;
};

#define	MTX_DEF		0x0000
#define	MTX_SPIN	0x0001
#define	MTX_RECURSE	0x0004
#define	MA_OWNED	0x01
#define	MA_NOTOWNED	0x02

static inline void
mtx_init(struct mtx *m, const char *name, int flags)
{
	m->mtx_name = name;
	m->mtx_locked = 0;
}
#define	mtx_destroy(m)		((void)(m))
#define	mtx_lock(m)		((m)->mtx_locked++)
#define	mtx_unlock(m)		((m)->mtx_locked--)
#define	mtx_lock_spin(m)	((m)->mtx_locked++)
#define	mtx_unlock_spin(m)	((m)->mtx_locked--)
#define	mtx_owned(m)		((m)->mtx_locked > 0)
#define	mtx_assert(m, what)	KASSERT(((what) == MA_OWNED) ==		\
				    ((m)->mtx_locked > 0), ("mtx_assert"))

#endif /* !_SYS_MUTEX_H_ */
