/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * sx(9) for host tests, which have one thread: nothing ever waits, so a
 * lock that would make the caller wait is a bug the test must see -- it
 * aborts, as recursion, a release of a lock not held and a failed
 * sx_assert() do.  sx_host_xlocks counts exclusive acquisitions, so a
 * test can tell whether a path took the lock.
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/sx.h>
#include "sx_host.h"

static char sx_host_thread;		/* stands in for curthread */
#define	ME	((struct thread *)&sx_host_thread)

unsigned long sx_host_xlocks;

static void
sx_host_fail(struct sx *sx, const char *what)
{
	fprintf(stderr, "sx %s: %s\n", sx->sx_name != NULL ? sx->sx_name :
	    "(uninitialised)", what);
	abort();
}

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
	if (sx->sx_xholder != NULL || sx->sx_sharers != 0)
		sx_host_fail(sx, "destroyed while held");
}

void
sx_xlock(struct sx *sx)
{
	if (sx->sx_xholder != NULL || sx->sx_sharers != 0)
		sx_host_fail(sx, "sx_xlock would wait for ourselves");
	sx->sx_xholder = ME;
	sx_host_xlocks++;
}

void
sx_slock(struct sx *sx)
{
	if (sx->sx_xholder != NULL || sx->sx_sharers != 0)
		sx_host_fail(sx, "sx_slock: recursed or would wait");
	sx->sx_sharers++;
}

int
sx_try_xlock(struct sx *sx)
{
	if (sx->sx_xholder != NULL || sx->sx_sharers != 0)
		return (0);
	sx_xlock(sx);
	return (1);
}

int
sx_try_slock(struct sx *sx)
{
	if (sx->sx_xholder != NULL || sx->sx_sharers != 0)
		return (0);
	sx_slock(sx);
	return (1);
}

void
sx_xunlock(struct sx *sx)
{
	if (sx->sx_xholder != ME)
		sx_host_fail(sx, "sx_xunlock: not held exclusively");
	sx->sx_xholder = NULL;
}

void
sx_sunlock(struct sx *sx)
{
	if (sx->sx_sharers == 0)
		sx_host_fail(sx, "sx_sunlock: not held shared");
	sx->sx_sharers--;
}

void
sx_unlock(struct sx *sx)
{
	if (sx->sx_xholder == ME)
		sx_xunlock(sx);
	else
		sx_sunlock(sx);
}

int
sx_xlocked(struct sx *sx)
{
	return (sx->sx_xholder == ME);
}

void
_sx_assert(struct sx *sx, int what, const char *file, int line)
{
	bool x = sx->sx_xholder == ME, s = sx->sx_sharers > 0;
	char msg[160];

	if (((what & SA_XLOCKED) != 0 && !x) ||
	    ((what & SA_SLOCKED) != 0 && !s) ||
	    ((what & SA_LOCKED) != 0 && !x && !s) ||
	    ((what & SA_UNLOCKED) != 0 && (x || s)) ||
	    (what & SA_RECURSED) != 0) {
		snprintf(msg, sizeof(msg), "sx_assert(%#x) failed at %s:%d",
		    what, file, line);
		sx_host_fail(sx, msg);
	}
}
