/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _NET_NETISR_H_
#define	_NET_NETISR_H_

/*
 * The network's taskqueue(9): the stack's timers and the drivers'
 * receive tasks run in its thread, where the network lock may be taken
 * (see sys/net/netisr.c).
 */

struct taskqueue;
extern struct taskqueue *taskqueue_net;

#define	NET_STATS_IP	0
#define	NET_STATS_ICMP	1
#define	NET_STATS_UDP	2
#define	NET_STATS_ARP	3
int	net_stats_get(int, int, const char **, u_long *);

#endif /* !_NET_NETISR_H_ */
