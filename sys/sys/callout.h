/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_CALLOUT_H_
#define	_SYS_CALLOUT_H_

#include <sys/queue.h>

/*
 * callout(9): run a function once, later.  Callouts are kept sorted by
 * deadline (nanoseconds of uptime); the event timer is armed for the
 * first.  Functions run from the timer interrupt with events masked: they
 * must not sleep.  Lock: events masked [e].
 */
struct callout {
	TAILQ_ENTRY(callout) c_link;	/* [e] */
	uint64_t	c_time;		/* [e] deadline */
	void		(*c_func)(void *);	/* [e] */
	void		*c_arg;		/* [e] */
	int		c_flags;	/* [e] */
};

#define	CALLOUT_PENDING		0x0001	/* queued, not yet run */
#define	CALLOUT_ACTIVE		0x0002	/* set by reset, cleared by stop */

void	callout_init(struct callout *);
int	callout_reset(struct callout *, int, void (*)(void *), void *);
int	callout_reset_ns(struct callout *, uint64_t, void (*)(void *),
	    void *);
int	callout_stop(struct callout *);
void	callout_process(uint64_t);
void	callout_rearm_timer(void);
u_long	callout_count(void);

#define	callout_pending(c)	(((c)->c_flags & CALLOUT_PENDING) != 0)
#define	callout_active(c)	(((c)->c_flags & CALLOUT_ACTIVE) != 0)

#endif /* !_SYS_CALLOUT_H_ */
