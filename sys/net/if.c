/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * ifnet(9): the list of network interfaces, their names, flags, MTU and
 * counters, and the network lock.
 *
 * A driver calls if_alloc(), names the interface (if_initname: "xn" and
 * unit 0 make "xn0"), sets if_softc, if_mtu, if_maxmtu, if_nqueues and its
 * if_transmit and if_ioctl, and attaches it through its link layer
 * (ether_ifattach, which sets if_input and if_output and calls
 * if_attach).  if_detach takes the interface off the list, drops its
 * addresses and ARP entries, and clears IFF_UP and IFF_RUNNING; after it
 * the driver may if_free().  Nothing in the stack keeps a pointer to a
 * detached interface: packets in flight hold rcvif only while the network
 * lock is held.
 *
 * The network lock (net_mtx) is one recursive sleep mutex over the whole
 * stack: interface list, addresses, ARP, reassembly, sockets.  The stack
 * runs in threads only (a driver's receive thread or task, the monitor,
 * the timers on taskqueue_net); it recurses when an input path answers
 * (ICMP echo, ARP reply) through the output path.
 *
 * Counters are per queue (if_counters[q][c]) so a multi-queue driver
 * counts without sharing a line between queues; if_get_counter sums them.
 * sysctl net.link.<name>.* shows them per interface and per queue.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/mbuf.h>
#include <sys/sysctl.h>

#include <net/if_var.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>

MALLOC_DEFINE(M_IFNET, "ifnet", "network interfaces");

struct ifnethead ifnet_list = TAILQ_HEAD_INITIALIZER(ifnet_list);
struct mtx net_mtx;

/* Called at the end of if_attach (configuration from the environment). */
void	(*if_attach_hook)(struct ifnet *);

static const char *const if_counter_names[IFCOUNTERS] = {
	[IFCOUNTER_IPACKETS] = "ipackets",
	[IFCOUNTER_IBYTES] = "ibytes",
	[IFCOUNTER_IERRORS] = "ierrors",
	[IFCOUNTER_IQDROPS] = "iqdrops",
	[IFCOUNTER_NOPROTO] = "noproto",
	[IFCOUNTER_OPACKETS] = "opackets",
	[IFCOUNTER_OBYTES] = "obytes",
	[IFCOUNTER_OERRORS] = "oerrors",
	[IFCOUNTER_OQDROPS] = "oqdrops",
};

void
net_init(void)
{
	mtx_init(&net_mtx, "net", MTX_DEF | MTX_RECURSE);
}

struct ifnet *
if_alloc(void)
{
	struct ifnet *ifp;

	ifp = malloc(sizeof(*ifp), M_IFNET, M_WAITOK | M_ZERO);
	TAILQ_INIT(&ifp->if_addrhead);
	ifp->if_mtu = ETHERMTU;
	ifp->if_maxmtu = ETHERMTU;
	ifp->if_nqueues = 1;
	return (ifp);
}

void
if_free(struct ifnet *ifp)
{
	KASSERT(!ifp->if_attached, ("if_free: %s still attached",
	    ifp->if_xname));
	free(ifp, M_IFNET);
}

void
if_initname(struct ifnet *ifp, const char *dname, int unit)
{
	ifp->if_dname = dname;
	ifp->if_dunit = unit;
	(void)snprintf(ifp->if_xname, sizeof(ifp->if_xname), "%s%d", dname,
	    unit);
}

/* EEXIST if the name is taken, EINVAL for a nonsense setup. */
int
if_attach(struct ifnet *ifp)
{
	if (ifp->if_nqueues < 1 || ifp->if_nqueues > IF_MAXQUEUES ||
	    ifp->if_transmit == NULL || ifp->if_xname[0] == '\0' ||
	    ifp->if_mtu < 68 || ifp->if_mtu > ifp->if_maxmtu)
		return (EINVAL);
	NET_LOCK();
	if (ifunit(ifp->if_xname) != NULL) {
		NET_UNLOCK();
		return (EEXIST);
	}
	TAILQ_INSERT_TAIL(&ifnet_list, ifp, if_link);
	ifp->if_attached = true;
	if (if_attach_hook != NULL)
		if_attach_hook(ifp);
	NET_UNLOCK();
	return (0);
}

void
if_detach(struct ifnet *ifp)
{
	NET_LOCK();
	if (!ifp->if_attached) {
		NET_UNLOCK();
		return;
	}
	ifp->if_flags &= ~(IFF_UP | IFF_RUNNING);
	in_purgeaddrs(ifp);
	arp_ifdetach(ifp);
	TAILQ_REMOVE(&ifnet_list, ifp, if_link);
	ifp->if_attached = false;
	NET_UNLOCK();
}

struct ifnet *
ifunit(const char *name)
{
	struct ifnet *ifp;

	NET_LOCK_ASSERT();
	TAILQ_FOREACH(ifp, &ifnet_list, if_link)
		if (strcmp(ifp->if_xname, name) == 0)
			return (ifp);
	return (NULL);
}

uint64_t
if_get_counter_q(const struct ifnet *ifp, u_int q, enum if_counter c)
{
	if (q >= ifp->if_nqueues || c >= IFCOUNTERS)
		return (0);
	return (__atomic_load_n(&ifp->if_counters[q][c], __ATOMIC_RELAXED));
}

uint64_t
if_get_counter(const struct ifnet *ifp, enum if_counter c)
{
	uint64_t sum;
	u_int q;

	sum = 0;
	for (q = 0; q < ifp->if_nqueues; q++)
		sum += if_get_counter_q(ifp, q, c);
	return (sum);
}

/*
 * Set (set) and clear (clr) administrative flags; the driver hears of it
 * through SIOCSIFFLAGS and may refuse.
 */
int
if_setflags(struct ifnet *ifp, int set, int clr)
{
	int error, old;

	NET_LOCK_ASSERT();
	if (((set | clr) & ~IFF_UP) != 0)
		return (EINVAL);
	old = ifp->if_flags;
	ifp->if_flags = (ifp->if_flags | set) & ~clr;
	if (ifp->if_flags == old)
		return (0);
	error = ifp->if_ioctl != NULL ? ifp->if_ioctl(ifp, SIOCSIFFLAGS,
	    NULL) : 0;
	if (error != 0)
		ifp->if_flags = old;
	return (error);
}

int
if_setmtu(struct ifnet *ifp, int mtu)
{
	int error;

	NET_LOCK_ASSERT();
	if (mtu < 68 || mtu > ifp->if_maxmtu)
		return (EINVAL);
	error = ifp->if_ioctl != NULL ? ifp->if_ioctl(ifp, SIOCSIFMTU, &mtu) :
	    0;
	if (error == 0)
		ifp->if_mtu = mtu;
	return (error);
}

void
if_link_state_change(struct ifnet *ifp, int state)
{
	ifp->if_link_state = state;
}

/* sysctl net.link.<ifname>.{mtu,flags,<counter>,q<N>.<counter>} */
static int
sysctl_net_link(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct ifnet *ifp;
	char sub[48];
	u_int q;
	int c;

	NET_LOCK();
	TAILQ_FOREACH(ifp, &ifnet_list, if_link) {
		(void)snprintf(sub, sizeof(sub), "%s.mtu", ifp->if_xname);
		(void)sysctl_emit(req, sub, "%d", ifp->if_mtu);
		(void)snprintf(sub, sizeof(sub), "%s.flags", ifp->if_xname);
		(void)sysctl_emit(req, sub, "%#x", ifp->if_flags);
		for (c = 0; c < IFCOUNTERS; c++) {
			(void)snprintf(sub, sizeof(sub), "%s.%s",
			    ifp->if_xname, if_counter_names[c]);
			(void)sysctl_emit(req, sub, "%lu",
			    (u_long)if_get_counter(ifp, c));
		}
		for (q = 0; ifp->if_nqueues > 1 && q < ifp->if_nqueues; q++)
			for (c = 0; c < IFCOUNTERS; c++) {
				(void)snprintf(sub, sizeof(sub), "%s.q%u.%s",
				    ifp->if_xname, q, if_counter_names[c]);
				(void)sysctl_emit(req, sub, "%lu",
				    (u_long)if_get_counter_q(ifp, q, c));
			}
	}
	NET_UNLOCK();
	return (0);
}
SYSCTL_ROOT_NODE(net, "networking");
SYSCTL_PROC(_net, link, sysctl_net_link, NULL, 0,
    "interfaces: MTU, flags and counters, in total and per queue");

const char *
if_counter_name(enum if_counter c)
{
	return (c < IFCOUNTERS ? if_counter_names[c] : "?");
}
