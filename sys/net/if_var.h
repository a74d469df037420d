/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _NET_IF_VAR_H_
#define	_NET_IF_VAR_H_

/*
 * ifnet(9): network interfaces.
 *
 * A driver allocates a struct ifnet (if_alloc), fills in its name, MTU,
 * queue count and methods, and attaches it (ether_ifattach, which calls
 * if_attach).  Received frames go up through ifp->if_input; the stack
 * sends through ifp->if_output (link-layer resolution) which ends in the
 * driver's if_transmit.  Counters are kept per queue and summed when
 * read.
 *
 * Locking: the network lock (NET_LOCK, a recursive sleep mutex) [n]
 * covers the interface list, flags, MTU, addresses, and every call into
 * the stack; drivers call if_input without it (if_input takes it) and
 * have if_transmit and if_ioctl called with it held.  [I] is set before
 * if_attach and not changed after; [a] is updated atomically.
 */

#include <sys/queue.h>
#include <net/ethernet.h>

#define	IFNAMSIZ	16
#define	IF_MAXQUEUES	8

/* if_flags [n] */
#define	IFF_UP		0x0001		/* administratively up */
#define	IFF_BROADCAST	0x0002		/* has a broadcast address */
#define	IFF_RUNNING	0x0040		/* the driver can send */
#define	IFF_SIMPLEX	0x0800		/* does not hear its own frames */
#define	IFF_MULTICAST	0x8000

/* if_capabilities [I], if_capenable [n] */
#define	IFCAP_RXCSUM	0x0001		/* the link may vouch for L4 sums */
#define	IFCAP_TXCSUM	0x0002		/* the link fills in L4 sums */

enum if_counter {
	IFCOUNTER_IPACKETS,
	IFCOUNTER_IBYTES,
	IFCOUNTER_IERRORS,		/* malformed or rejected on input */
	IFCOUNTER_IQDROPS,		/* good but dropped (no buffer) */
	IFCOUNTER_NOPROTO,		/* for a protocol we do not speak */
	IFCOUNTER_OPACKETS,
	IFCOUNTER_OBYTES,
	IFCOUNTER_OERRORS,
	IFCOUNTER_OQDROPS,
	IFCOUNTERS
};

/* ioctl commands for if_ioctl [n] */
#define	SIOCSIFFLAGS	1		/* data: NULL; if_flags changed */
#define	SIOCSIFMTU	2		/* data: int *, the new MTU */

struct in_ifaddr;
struct mbuf;

struct ifnet {
	TAILQ_ENTRY(ifnet) if_link;		/* [n] all interfaces */
	char		 if_xname[IFNAMSIZ];	/* [I] "xn0" */
	const char	*if_dname;		/* [I] driver name "xn" */
	int		 if_dunit;		/* [I] unit */
	void		*if_softc;		/* [I] the driver's */
	int		 if_flags;		/* [n] IFF_* */
	int		 if_mtu;		/* [n] */
	int		 if_maxmtu;		/* [I] largest accepted */
	int		 if_capabilities;	/* [I] IFCAP_* */
	int		 if_capenable;		/* [n] IFCAP_* in use */
	int		 if_link_state;		/* [n] LINK_STATE_* */
	uint8_t		 if_lladdr[ETHER_ADDR_LEN]; /* [I] */
	u_int		 if_nqueues;		/* [I] 1..IF_MAXQUEUES */
	uint64_t	 if_counters[IF_MAXQUEUES][IFCOUNTERS]; /* [a] */
	TAILQ_HEAD(, in_ifaddr) if_addrhead;	/* [n] IPv4 addresses */
	bool		 if_attached;		/* [n] */

	/* The driver's. */
	int		(*if_transmit)(struct ifnet *, struct mbuf *);
	int		(*if_ioctl)(struct ifnet *, u_long, void *);
	/* The link layer's (ether_ifattach). */
	void		(*if_input)(struct ifnet *, struct mbuf *);
	int		(*if_output)(struct ifnet *, struct mbuf *, uint32_t);
};

#define	LINK_STATE_UNKNOWN	0
#define	LINK_STATE_DOWN		1
#define	LINK_STATE_UP		2

TAILQ_HEAD(ifnethead, ifnet);
extern struct ifnethead ifnet_list;	/* [n] */

#include <sys/mutex.h>
extern struct mtx net_mtx;
#define	NET_LOCK()		mtx_lock(&net_mtx)
#define	NET_UNLOCK()		mtx_unlock(&net_mtx)
#define	NET_LOCK_ASSERT()	mtx_assert(&net_mtx, MA_OWNED)

static inline void
if_inc_counter_q(struct ifnet *ifp, u_int q, enum if_counter c, uint64_t n)
{
	__atomic_fetch_add(&ifp->if_counters[q < ifp->if_nqueues ? q : 0][c],
	    n, __ATOMIC_RELAXED);
}
#define	if_inc_counter(ifp, c, n)	if_inc_counter_q((ifp), 0, (c), (n))

struct ifnet	*if_alloc(void);
void		 if_free(struct ifnet *);
void		 if_initname(struct ifnet *, const char *, int);
int		 if_attach(struct ifnet *);
void		 if_detach(struct ifnet *);
struct ifnet	*ifunit(const char *);
uint64_t	 if_get_counter(const struct ifnet *, enum if_counter);
uint64_t	 if_get_counter_q(const struct ifnet *, u_int, enum if_counter);
int		 if_setflags(struct ifnet *, int, int);
int		 if_setmtu(struct ifnet *, int);
void		 if_link_state_change(struct ifnet *, int);
const char	*if_counter_name(enum if_counter);
void		 net_init(void);
extern void	(*if_attach_hook)(struct ifnet *);

#endif /* !_NET_IF_VAR_H_ */
