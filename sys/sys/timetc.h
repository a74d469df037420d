/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_TIMETC_H_
#define	_SYS_TIMETC_H_

/*
 * Time sources.  A timecounter reads a free-running clock in nanoseconds
 * since some origin (Xen: system time since the host booted); the kernel's
 * uptime is that, made monotonic.  An event timer raises one interrupt at
 * an absolute deadline on the same clock; callout(9) keeps it armed for
 * the earliest pending callout.
 */
struct timecounter {
	const char	*tc_name;
	uint64_t	(*tc_get_ns)(void);
	int		 tc_quality;
};

struct eventtimer {
	const char	*et_name;
	int		(*et_start)(uint64_t);	/* absolute deadline, ns */
	void		(*et_stop)(void);
};

struct timespec {
	int64_t		tv_sec;
	long		tv_nsec;
};

void	tc_init(struct timecounter *);
void	et_register(struct eventtimer *);
uint64_t nanouptime_ns(void);
void	nanotime(struct timespec *);
void	tc_setclock_wall(int64_t, long, uint64_t);
void	DELAY(u_int);

extern u_long tc_backsteps;

/*
 * The timecounter's reading at the kernel's first instruction, set by the
 * machine-dependent start (0: unknown), and at the end of boot.
 */
extern uint64_t boot_first_ns;
extern uint64_t boot_done_ns;

#endif /* !_SYS_TIMETC_H_ */
