/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The network stack's taskqueue and its statistics in sysctl.
 *
 * taskqueue_net is a taskqueue(9) with a thread of its own ("net"), a
 * little above the system queue's priority.  It runs the stack's
 * periodic work (ARP retries and expiry, reassembly timeouts) once a
 * second, as a timeout task, and the drivers' receive tasks: a driver
 * that takes an event (interrupt-like context, where the network lock
 * cannot be taken) enqueues its struct task there, and the stack runs
 * it soon after in thread context; detach drains it with
 * taskqueue_drain() before freeing.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <sys/taskqueue.h>
#include <sys/timetc.h>

#include <net/if_var.h>
#include <net/netisr.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>
#include <netinet/udp_var.h>

struct taskqueue *taskqueue_net;
static struct timeout_task net_timer_task;
static u_long net_timer_runs;

/* The stack's timers, once a second, in taskqueue_net's thread. */
static void
net_timer_task_fn(void *arg, int pending)
{
	NET_LOCK();
	net_timer(nanouptime_ns());
	NET_UNLOCK();
	net_timer_runs++;
	(void)taskqueue_enqueue_timeout(taskqueue_net, &net_timer_task, hz);
}

static void
netisr_init(void *arg)
{
	net_init();
	taskqueue_net = taskqueue_create("net", M_WAITOK, PRI_KERN - 4);
	if (taskqueue_net == NULL)
		panic("netisr: cannot start the net taskqueue");
	TIMEOUT_TASK_INIT(taskqueue_net, &net_timer_task, 0,
	    net_timer_task_fn, NULL);
	(void)taskqueue_enqueue_timeout(taskqueue_net, &net_timer_task, hz);
}
SYSINIT(netisr, SI_SUB_CONFIGURE, SI_ORDER_FIRST, netisr_init, NULL);

/*
 * Statistics: each protocol's struct of u_long counters, named.
 */
struct net_stat_names {
	const char	*const *names;
	int		 n;
	const u_long	*base;
};

static const char *const ip_names[] = {
	"total", "badsum", "tooshort", "toosmall", "badhlen", "badlen",
	"badvers", "badaddr", "notforus", "fragments", "fragdropped",
	"fragtimeout", "reassembled", "noproto", "delivered", "localout",
	"noroute", "odropped", "fragmented", "ofragments", "cantfrag",
};
CTASSERT(nitems(ip_names) * sizeof(u_long) == sizeof(struct ipstat));
static const char *const icmp_names[] = {
	"received", "tooshort", "badsum", "echo", "echoreply", "unreach",
	"other", "outecho", "outechoreply", "outerror",
};
CTASSERT(nitems(icmp_names) * sizeof(u_long) == sizeof(struct icmpstat));
static const char *const udp_names[] = {
	"ipackets", "hdrops", "badlen", "badsum", "noport", "fullsock",
	"opackets",
};
CTASSERT(nitems(udp_names) * sizeof(u_long) == sizeof(struct udpstat));
static const char *const arp_names[] = {
	"rxrequests", "rxreplies", "txrequests", "txreplies", "received",
	"badpkt", "dupip", "held", "dropped", "timeouts",
};
CTASSERT(nitems(arp_names) * sizeof(u_long) == sizeof(struct arpstat));

static const struct net_stat_names net_stats[] = {
	{ ip_names, nitems(ip_names), (const u_long *)&ipstat },
	{ icmp_names, nitems(icmp_names), (const u_long *)&icmpstat },
	{ udp_names, nitems(udp_names), (const u_long *)&udpstat },
	{ arp_names, nitems(arp_names), (const u_long *)&arpstat },
};

static int
sysctl_net_stats(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	const struct net_stat_names *s;
	int i;

	s = &net_stats[oidp->oid_arg2];
	for (i = 0; i < s->n; i++)
		(void)sysctl_emit(req, s->names[i], "%lu", s->base[i]);
	return (0);
}

int
net_stats_get(int proto, int i, const char **name, u_long *val)
{
	if (proto < 0 || proto >= (int)nitems(net_stats) || i < 0 ||
	    i >= net_stats[proto].n)
		return (ENOENT);
	*name = net_stats[proto].names[i];
	*val = net_stats[proto].base[i];
	return (0);
}

SYSCTL_DECL(_net);
SYSCTL_NODE(_net, inet, "IPv4");
SYSCTL_PROC(_net_inet, ip, sysctl_net_stats, NULL, NET_STATS_IP,
    "IPv4 statistics");
SYSCTL_PROC(_net_inet, icmp, sysctl_net_stats, NULL, NET_STATS_ICMP,
    "ICMP statistics");
SYSCTL_PROC(_net_inet, udp, sysctl_net_stats, NULL, NET_STATS_UDP,
    "UDP statistics");
SYSCTL_PROC(_net_inet, arp, sysctl_net_stats, NULL, NET_STATS_ARP,
    "ARP statistics");
SYSCTL_ULONG(_net, timer_runs, &net_timer_runs,
    "runs of the stack's once-a-second timers");
