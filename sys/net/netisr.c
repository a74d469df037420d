/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The network stack's thread and its statistics in sysctl.
 *
 * One kernel thread ("net") runs the stack's periodic work (ARP retries
 * and expiry, reassembly timeouts) once a second, and net tasks: a driver
 * that takes an event (interrupt-like context, where the network lock
 * cannot be taken) queues a struct net_task with net_task_enqueue(), and
 * the thread calls its function soon after, in thread context.  A task
 * queued again before it ran runs once; net_task_drain() waits until a
 * task is neither queued nor running (detach uses it before freeing).
 *
 * XXX this is a small taskqueue; once taskqueue(9) is in the tree the
 * tasks move there.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <sys/timetc.h>
#include <machine/cpufunc.h>

#include <net/if_var.h>
#include <net/netisr.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>
#include <netinet/udp_var.h>

static struct mtx net_task_mtx;
static TAILQ_HEAD(, net_task) net_tasks = TAILQ_HEAD_INITIALIZER(net_tasks);
static struct net_task *net_task_running;
static int net_thread_chan;
static u_long net_task_runs;

void
net_task_init(struct net_task *t, void (*fn)(void *), void *arg)
{
	t->nt_fn = fn;
	t->nt_arg = arg;
	t->nt_queued = false;
}

/* Any context. */
void
net_task_enqueue(struct net_task *t)
{
	mtx_lock_spin(&net_task_mtx);
	if (!t->nt_queued) {
		t->nt_queued = true;
		TAILQ_INSERT_TAIL(&net_tasks, t, nt_link);
	}
	mtx_unlock_spin(&net_task_mtx);
	wakeup_one(&net_thread_chan);
}

/* Thread context: wait until t is neither queued nor running. */
void
net_task_drain(struct net_task *t)
{
	for (;;) {
		mtx_lock_spin(&net_task_mtx);
		if (!t->nt_queued && net_task_running != t) {
			mtx_unlock_spin(&net_task_mtx);
			return;
		}
		mtx_unlock_spin(&net_task_mtx);
		(void)tsleep(&net_task_running, 0, "ntdrain", 1 + hz / 100);
	}
}

static void
net_thread(void *arg)
{
	struct net_task *t;
	uint64_t now, next;
	register_t s;

	next = nanouptime_ns() + 1000000000ULL;
	for (;;) {
		mtx_lock_spin(&net_task_mtx);
		while ((t = TAILQ_FIRST(&net_tasks)) != NULL) {
			TAILQ_REMOVE(&net_tasks, t, nt_link);
			t->nt_queued = false;
			net_task_running = t;
			mtx_unlock_spin(&net_task_mtx);
			t->nt_fn(t->nt_arg);
			net_task_runs++;
			mtx_lock_spin(&net_task_mtx);
			net_task_running = NULL;
		}
		mtx_unlock_spin(&net_task_mtx);
		wakeup(&net_task_running);
		now = nanouptime_ns();
		if (now >= next) {
			NET_LOCK();
			net_timer(now);
			NET_UNLOCK();
			next = now + 1000000000ULL;
		}
		/*
		 * Sleep until a task comes or the second is up.  Events stay
		 * masked from the check into the sleep queue, so an enqueue
		 * in between cannot be missed (one vCPU).
		 */
		s = intr_disable();
		if (TAILQ_EMPTY(&net_tasks))
			(void)tsleep(&net_thread_chan, 0, "netwait",
			    1 + (int)((next - now) / (1000000000ULL / hz)));
		intr_restore(s);
	}
}

static void
netisr_init(void *arg)
{
	int error;

	net_init();
	mtx_init(&net_task_mtx, "net tasks", MTX_SPIN);
	error = thread_create(net_thread, NULL, PRI_KERN - 4, "net", NULL);
	if (error != 0)
		panic("netisr: cannot start the net thread: %d", error);
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
SYSCTL_ULONG(_net, task_runs, &net_task_runs, "net tasks run");
