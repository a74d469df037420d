/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * sx(9): shared/exclusive locks on one vCPU.
 *
 * The state -- an exclusive owner, or a count of sharers -- and two queues
 * of blocked threads are protected by masking events, as the scheduler's
 * own structures are.  A thread that cannot have the lock queues itself
 * (exclusive or shared queue) and switches away; whoever releases the lock
 * hands it to the waiters directly, so a woken thread owns the lock when
 * it runs and nobody can slip in between.
 *
 * Fairness, in two rules:
 *   - a new sharer queues behind a waiting writer even while the lock is
 *     only shared, so a stream of overlapping readers cannot keep a
 *     writer out forever: the writer gets the lock when the sharers it
 *     found have left;
 *   - when a writer releases the lock, the readers that queued meanwhile
 *     all get it (shared) before the next writer, so a stream of writers
 *     cannot keep readers out forever either.
 * Writers among themselves are served in arrival order.  The phases
 * therefore alternate under contention; without contention every
 * operation is a few stores with events masked.
 *
 * Holders may sleep (tsleep, msleep, another sx, a sleep mutex): the lock
 * is a record of ownership, not a masked section.  Recursion is not
 * allowed and neither is taking the lock exclusively while holding it
 * shared (that would wait for ourselves): both panic.  To make that check
 * and sx_assert(SA_SLOCKED) exact, the lock remembers up to SX_NTRACK
 * sharers by thread; more sharers are only counted, and the checks then
 * give them the benefit of the doubt.  There is no priority propagation.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/sx.h>
#include <machine/cpufunc.h>

void
sx_init_flags(struct sx *sx, const char *name, int flags)
{
	memset(sx, 0, sizeof(*sx));
	sx->sx_name = name;
	sx->sx_flags = flags;
	TAILQ_INIT(&sx->sx_xwaiters);
	TAILQ_INIT(&sx->sx_swaiters);
}

void
sx_init(struct sx *sx, const char *name)
{
	sx_init_flags(sx, name, 0);
}

void
sx_destroy(struct sx *sx)
{
	if (sx->sx_xholder != NULL || sx->sx_sharers != 0 ||
	    !TAILQ_EMPTY(&sx->sx_xwaiters) || !TAILQ_EMPTY(&sx->sx_swaiters))
		panic("sx_destroy: %s is held or awaited", sx->sx_name);
	sx->sx_name = NULL;
}

/* Sharer bookkeeping; events masked. */
static bool
sx_track_has(struct sx *sx, struct thread *td)
{
	int i;

	for (i = 0; i < SX_NTRACK; i++)
		if (sx->sx_sharer[i] == td)
			return (true);
	return (false);
}

static void
sx_grant_shared(struct sx *sx, struct thread *td)
{
	int i;

	sx->sx_sharers++;
	for (i = 0; i < SX_NTRACK; i++) {
		if (sx->sx_sharer[i] == NULL) {
			sx->sx_sharer[i] = td;
			return;
		}
	}
	sx->sx_untracked++;
}

/* Forget one share of td's; false if td did not hold one. */
static bool
sx_drop_shared(struct sx *sx, struct thread *td)
{
	int i;

	if (sx->sx_sharers == 0)
		return (false);
	for (i = 0; i < SX_NTRACK; i++) {
		if (sx->sx_sharer[i] == td) {
			sx->sx_sharer[i] = NULL;
			sx->sx_sharers--;
			return (true);
		}
	}
	if (sx->sx_untracked == 0)
		return (false);
	sx->sx_untracked--;
	sx->sx_sharers--;
	return (true);
}

/* Queue curthread on 'q' and switch away until handed the lock. */
static void
sx_block(struct sx *sx, struct sx_waitq *q)
{
	struct thread *td = curthread;

	sx->sx_contested++;
	TAILQ_INSERT_TAIL(q, td, td_runq);
	td->td_state = TDS_BLOCKED;
	td->td_wmesg = sx->sx_name;
	mi_switch();
	td->td_wmesg = NULL;
}

/* Hand the lock to every thread waiting to share it. */
static void
sx_wake_sharers(struct sx *sx)
{
	struct thread *td;

	while ((td = TAILQ_FIRST(&sx->sx_swaiters)) != NULL) {
		TAILQ_REMOVE(&sx->sx_swaiters, td, td_runq);
		sx_grant_shared(sx, td);
		setrunnable(td);
	}
}

/* Hand the lock to the writer that has waited longest. */
static void
sx_wake_writer(struct sx *sx)
{
	struct thread *td;

	td = TAILQ_FIRST(&sx->sx_xwaiters);
	TAILQ_REMOVE(&sx->sx_xwaiters, td, td_runq);
	sx->sx_xholder = td;
	setrunnable(td);
}

static void
sx_check_recurse(struct sx *sx, struct thread *td, const char *what)
{
	if (sx->sx_xholder == td)
		panic("%s: %s: recursed on an exclusive lock", what,
		    sx->sx_name);
	if (sx_track_has(sx, td))
		panic("%s: %s: already held shared by %s", what, sx->sx_name,
		    td->td_name);
}

void
sx_slock(struct sx *sx)
{
	struct thread *td = curthread;
	register_t s;

	KASSERT(td->td_intr == 0, ("sx_slock: %s in an interrupt handler",
	    sx->sx_name));
	s = intr_disable();
	sx_check_recurse(sx, td, "sx_slock");
	if (sx->sx_xholder == NULL && TAILQ_EMPTY(&sx->sx_xwaiters))
		sx_grant_shared(sx, td);
	else {
		sx_block(sx, &sx->sx_swaiters);
		KASSERT(sx_track_has(sx, td) || sx->sx_untracked > 0,
		    ("sx_slock: %s: woken without a share", sx->sx_name));
	}
	intr_restore(s);
}

void
sx_xlock(struct sx *sx)
{
	struct thread *td = curthread;
	register_t s;

	KASSERT(td->td_intr == 0, ("sx_xlock: %s in an interrupt handler",
	    sx->sx_name));
	s = intr_disable();
	sx_check_recurse(sx, td, "sx_xlock");
	if (sx->sx_xholder == NULL && sx->sx_sharers == 0)
		sx->sx_xholder = td;
	else {
		sx_block(sx, &sx->sx_xwaiters);
		KASSERT(sx->sx_xholder == td,
		    ("sx_xlock: %s: woken, not owner", sx->sx_name));
	}
	intr_restore(s);
}

int
sx_try_slock(struct sx *sx)
{
	register_t s;
	int got;

	s = intr_disable();
	sx_check_recurse(sx, curthread, "sx_try_slock");
	got = sx->sx_xholder == NULL && TAILQ_EMPTY(&sx->sx_xwaiters);
	if (got)
		sx_grant_shared(sx, curthread);
	intr_restore(s);
	return (got);
}

int
sx_try_xlock(struct sx *sx)
{
	register_t s;
	int got;

	s = intr_disable();
	sx_check_recurse(sx, curthread, "sx_try_xlock");
	got = sx->sx_xholder == NULL && sx->sx_sharers == 0;
	if (got)
		sx->sx_xholder = curthread;
	intr_restore(s);
	return (got);
}

/* Shared to exclusive, if we are the only sharer; never blocks. */
int
sx_try_upgrade(struct sx *sx)
{
	register_t s;
	int got;

	s = intr_disable();
	if (!sx_track_has(sx, curthread) && sx->sx_untracked == 0)
		panic("sx_try_upgrade: %s not held shared", sx->sx_name);
	got = sx->sx_sharers == 1 && sx_track_has(sx, curthread);
	if (got) {
		(void)sx_drop_shared(sx, curthread);
		sx->sx_xholder = curthread;
	}
	intr_restore(s);
	return (got);
}

/* Exclusive to shared; readers waiting meanwhile come in too. */
void
sx_downgrade(struct sx *sx)
{
	register_t s;

	s = intr_disable();
	if (sx->sx_xholder != curthread)
		panic("sx_downgrade: %s not held exclusively", sx->sx_name);
	sx->sx_xholder = NULL;
	sx_grant_shared(sx, curthread);
	sx_wake_sharers(sx);
	intr_restore(s);
	sched_preempt_check();
}

void
sx_sunlock(struct sx *sx)
{
	register_t s;

	s = intr_disable();
	if (!sx_drop_shared(sx, curthread))
		panic("sx_sunlock: %s not held shared by %s", sx->sx_name,
		    curthread->td_name);
	if (sx->sx_sharers == 0) {
		if (!TAILQ_EMPTY(&sx->sx_xwaiters))
			sx_wake_writer(sx);
		else
			sx_wake_sharers(sx);
	}
	intr_restore(s);
	sched_preempt_check();
}

void
sx_xunlock(struct sx *sx)
{
	register_t s;

	s = intr_disable();
	if (sx->sx_xholder != curthread)
		panic("sx_xunlock: %s not held exclusively by %s",
		    sx->sx_name, curthread->td_name);
	sx->sx_xholder = NULL;
	if (!TAILQ_EMPTY(&sx->sx_swaiters))
		sx_wake_sharers(sx);
	else if (!TAILQ_EMPTY(&sx->sx_xwaiters))
		sx_wake_writer(sx);
	intr_restore(s);
	sched_preempt_check();
}

void
sx_unlock(struct sx *sx)
{
	if (sx->sx_xholder == curthread)
		sx_xunlock(sx);
	else
		sx_sunlock(sx);
}

int
sx_xlocked(struct sx *sx)
{
	return (sx->sx_xholder == curthread);
}

void
_sx_assert(struct sx *sx, int what, const char *file, int line)
{
	struct thread *td = curthread;
	bool x, s;

	x = sx->sx_xholder == td;
	s = sx_track_has(sx, td) ||
	    (sx->sx_untracked > 0 && sx->sx_xholder == NULL);
	if ((what & SA_XLOCKED) != 0 && !x)
		panic("sx %s not held exclusively at %s:%d", sx->sx_name,
		    file, line);
	if ((what & SA_SLOCKED) != 0 && !s)
		panic("sx %s not held shared at %s:%d", sx->sx_name, file,
		    line);
	if ((what & SA_LOCKED) != 0 && !x && !s)
		panic("sx %s not held at %s:%d", sx->sx_name, file, line);
	if ((what & SA_UNLOCKED) != 0 && (x || sx_track_has(sx, td)))
		panic("sx %s held at %s:%d", sx->sx_name, file, line);
	if ((what & SA_RECURSED) != 0)
		panic("sx %s is never recursed (%s:%d)", sx->sx_name, file,
		    line);
}
