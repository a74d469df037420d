/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Host stand-in for <sys/callout.h>: callouts are recorded, never fired;
 * tests call the timer functions themselves.
 */
#ifndef _SYS_CALLOUT_H_
#define	_SYS_CALLOUT_H_

struct callout {
	void	(*c_func)(void *);
	void	*c_arg;
	int	 c_pending;
};

#define	callout_init(c)		memset((c), 0, sizeof(*(c)))
static inline int
callout_reset(struct callout *c, int ticks, void (*f)(void *), void *a)
{
	int was = c->c_pending;

	c->c_func = f;
	c->c_arg = a;
	c->c_pending = 1;
	return (was);
}
static inline int
callout_stop(struct callout *c)
{
	int was = c->c_pending;

	c->c_pending = 0;
	return (was);
}
#define	callout_pending(c)	((c)->c_pending != 0)

#endif /* !_SYS_CALLOUT_H_ */
