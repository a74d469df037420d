/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _NET_NETISR_H_
#define	_NET_NETISR_H_

/*
 * Net tasks: work a driver queues from event context, run by the net
 * thread in thread context (see sys/net/netisr.c).
 */

#include <sys/queue.h>

struct net_task {
	TAILQ_ENTRY(net_task) nt_link;	/* [t] the queue */
	void		(*nt_fn)(void *);	/* [I] */
	void		*nt_arg;		/* [I] */
	bool		 nt_queued;		/* [t] */
};

void	net_task_init(struct net_task *, void (*)(void *), void *);
void	net_task_enqueue(struct net_task *);
void	net_task_drain(struct net_task *);

#define	NET_STATS_IP	0
#define	NET_STATS_ICMP	1
#define	NET_STATS_UDP	2
#define	NET_STATS_ARP	3
int	net_stats_get(int, int, const char **, u_long *);

#endif /* !_NET_NETISR_H_ */
