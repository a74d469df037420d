/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/* The host support's knobs (net_host.c), as tests see them. */
#ifndef _NET_HOST_VAR_H_
#define	_NET_HOST_VAR_H_

extern uint64_t	host_uptime_ns;
extern long	host_kmem_pages;	/* pages from kmem_malloc not freed */
extern int	host_kmem_fail_after;	/* >= 0: successes left */

#endif /* !_NET_HOST_VAR_H_ */
