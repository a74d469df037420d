/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/* Host stand-in for <sys/timetc.h>: a clock the test sets. */
#ifndef _SYS_TIMETC_H_
#define	_SYS_TIMETC_H_

extern uint64_t	host_uptime_ns;
#define	nanouptime_ns()	(host_uptime_ns)

#endif /* !_SYS_TIMETC_H_ */
