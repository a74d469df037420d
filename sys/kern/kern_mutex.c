/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * mutex(9) on one vCPU.
 *
 * A sleep mutex that is free is taken by setting its owner.  A thread
 * that finds it held queues itself on the mutex and switches away; the
 * owner's unlock hands the mutex straight to the first waiter and makes it
 * runnable, so waiters are served in order and cannot be overtaken.
 * There is no priority propagation yet: a low-priority owner can delay an
 * urgent waiter (see mutex(9), BUGS).
 *
 * A spin mutex masks events while held -- on a single vCPU that alone
 * excludes every other path -- and remembers the previous mask to restore
 * on unlock, so spin mutexes nest when released in reverse order.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <machine/cpufunc.h>

void
mtx_init(struct mtx *m, const char *name, int flags)
{
	memset(m, 0, sizeof(*m));
	m->mtx_name = name;
	m->mtx_flags = flags;
	TAILQ_INIT(&m->mtx_waiters);
}

void
mtx_destroy(struct mtx *m)
{
	if (m->mtx_owner != NULL || !TAILQ_EMPTY(&m->mtx_waiters))
		panic("mtx_destroy: %s is held or awaited", m->mtx_name);
}

void
mtx_lock(struct mtx *m)
{
	struct thread *td = curthread;
	register_t s;

	KASSERT((m->mtx_flags & MTX_SPIN) == 0,
	    ("mtx_lock: %s is a spin mutex", m->mtx_name));
	KASSERT(td->td_intr == 0,
	    ("mtx_lock: sleep mutex %s in an interrupt handler", m->mtx_name));
	s = intr_disable();
	if (m->mtx_owner == td) {
		if ((m->mtx_flags & MTX_RECURSE) == 0)
			panic("mtx_lock: %s: recursed on non-recursive mutex",
			    m->mtx_name);
		m->mtx_recurse++;
		intr_restore(s);
		return;
	}
	if (m->mtx_owner != NULL) {
		m->mtx_contested++;
		TAILQ_INSERT_TAIL(&m->mtx_waiters, td, td_runq);
		td->td_state = TDS_BLOCKED;
		td->td_wmesg = m->mtx_name;
		mi_switch();
		/* The unlocker made us the owner. */
		KASSERT(m->mtx_owner == td, ("mtx_lock: %s: woken, not owner",
		    m->mtx_name));
		td->td_wmesg = NULL;
	} else
		m->mtx_owner = td;
	intr_restore(s);
}

int
mtx_trylock(struct mtx *m)
{
	register_t s;
	int got;

	s = intr_disable();
	got = (m->mtx_owner == NULL);
	if (got)
		m->mtx_owner = curthread;
	intr_restore(s);
	return (got);
}

void
mtx_unlock(struct mtx *m)
{
	struct thread *td;
	register_t s;

	s = intr_disable();
	if (m->mtx_owner != curthread)
		panic("mtx_unlock: %s not owned by %s", m->mtx_name,
		    curthread->td_name);
	if (m->mtx_recurse > 0) {
		m->mtx_recurse--;
		intr_restore(s);
		return;
	}
	if ((td = TAILQ_FIRST(&m->mtx_waiters)) != NULL) {
		TAILQ_REMOVE(&m->mtx_waiters, td, td_runq);
		m->mtx_owner = td;
		setrunnable(td);
	} else
		m->mtx_owner = NULL;
	intr_restore(s);
	sched_preempt_check();
}

void
mtx_lock_spin(struct mtx *m)
{
	register_t s;

	KASSERT((m->mtx_flags & MTX_SPIN) != 0,
	    ("mtx_lock_spin: %s is a sleep mutex", m->mtx_name));
	s = intr_disable();
	if (m->mtx_owner == curthread) {
		if ((m->mtx_flags & MTX_RECURSE) == 0)
			panic("mtx_lock_spin: %s: recursed", m->mtx_name);
		m->mtx_recurse++;
		return;
	}
	/* Events are masked: nobody else can hold it on one vCPU. */
	KASSERT(m->mtx_owner == NULL, ("mtx_lock_spin: %s held by %s",
	    m->mtx_name, m->mtx_owner->td_name));
	m->mtx_owner = curthread;
	m->mtx_saved = s;
}

void
mtx_unlock_spin(struct mtx *m)
{
	if (m->mtx_owner != curthread)
		panic("mtx_unlock_spin: %s not owned", m->mtx_name);
	if (m->mtx_recurse > 0) {
		m->mtx_recurse--;
		return;
	}
	m->mtx_owner = NULL;
	intr_restore(m->mtx_saved);
}

int
mtx_owned(struct mtx *m)
{
	return (m->mtx_owner == curthread);
}

void
_mtx_assert(struct mtx *m, int what, const char *file, int line)
{
	if ((what & MA_OWNED) != 0 && m->mtx_owner != curthread)
		panic("mutex %s not owned at %s:%d", m->mtx_name, file, line);
	if ((what & MA_NOTOWNED) != 0 && m->mtx_owner == curthread)
		panic("mutex %s owned at %s:%d", m->mtx_name, file, line);
}
