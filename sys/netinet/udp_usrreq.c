/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * UDP: input checks and demultiplexing, and in-kernel sockets.
 *
 * udp_input checks that the header is there (hdrops), that its length
 * field covers the header and fits what arrived (badlen; IP padding past
 * it is trimmed) and, if the sender set one, the checksum unless the link
 * vouched for the data (badsum); each failure is also counted in the
 * interface's ierrors.  A datagram for a port with no socket is answered
 * with an ICMP port unreachable (unless it was broadcast); otherwise it
 * is queued, headers and all, on the socket (at most UDP_RCVQ_MAX; more
 * are counted in fullsock and dropped) and the socket's upcall runs.
 * udp_recv takes the next one off, reads the sender from its headers and
 * strips them.
 *
 * Sockets are bound to a local port on every address.  Everything runs
 * with the network lock held; udp_open, udp_close, udp_sendto and
 * udp_recv take it themselves (it is recursive, so an upcall may send).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

#include <net/if_var.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <netinet/udp_var.h>

MALLOC_DEFINE(M_UDPSOCK, "udpsock", "in-kernel UDP sockets");

struct udpstat udpstat;
static LIST_HEAD(, udp_sock) udp_socks = LIST_HEAD_INITIALIZER(udp_socks);

static struct udp_sock *
udp_lookup(uint16_t port)
{
	struct udp_sock *so;

	LIST_FOREACH(so, &udp_socks, us_link)
		if (so->us_lport == port)
			return (so);
	return (NULL);
}

static void
udp_bad(struct mbuf *m, u_long *ctr)
{
	struct ifnet *ifp = m->m_pkthdr.rcvif;

	(*ctr)++;
	if (ifp != NULL)
		if_inc_counter_q(ifp, m->m_pkthdr.flowid, IFCOUNTER_IERRORS, 1);
	m_freem(m);
}

void
udp_input(struct mbuf *m, int hlen)
{
	struct ip *ip;
	struct udphdr *uh;
	struct udp_sock *so;
	int ulen, iplen;

	NET_LOCK_ASSERT();
	udpstat.ipackets++;
	iplen = m->m_pkthdr.len - hlen;
	if (iplen < (int)sizeof(struct udphdr)) {
		udp_bad(m, &udpstat.hdrops);
		return;
	}
	if (m->m_len < hlen + (int)sizeof(struct udphdr) &&
	    (m = m_pullup(m, hlen + sizeof(struct udphdr))) == NULL)
		return;
	ip = mtod(m, struct ip *);
	uh = (struct udphdr *)(mtod(m, uint8_t *) + hlen);
	ulen = ntohs(uh->uh_ulen);
	if (ulen < (int)sizeof(struct udphdr) || ulen > iplen) {
		udp_bad(m, &udpstat.badlen);
		return;
	}
	if (ulen < iplen) {
		m_adj(m, ulen - iplen);
		ip->ip_len = htons(hlen + ulen);
	}
	if (uh->uh_sum != 0 &&
	    (m->m_pkthdr.csum_flags & CSUM_DATA_VALID) == 0 &&
	    in_cksum_fold(in_cksum_sum(m, hlen, ulen,
	    in_pseudo(ip->ip_src.s_addr, ip->ip_dst.s_addr, IPPROTO_UDP,
	    ulen))) != 0) {
		udp_bad(m, &udpstat.badsum);
		return;
	}
	so = udp_lookup(ntohs(uh->uh_dport));
	if (so == NULL) {
		udpstat.noport++;
		icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PORT);
		return;
	}
	if (mbufq_enqueue(&so->us_rcvq, m) != 0) {
		udpstat.fullsock++;
		so->us_dropped++;
		m_freem(m);
		return;
	}
	so->us_rcvd++;
	if (so->us_upcall != NULL)
		so->us_upcall(so, so->us_arg);
}

/* Bind a socket to port (host order); EADDRINUSE if it is taken. */
int
udp_open(struct udp_sock **sop, uint16_t port, udp_upcall_t *upcall,
    void *arg)
{
	struct udp_sock *so;

	if (port == 0)
		return (EINVAL);
	so = malloc(sizeof(*so), M_UDPSOCK, M_NOWAIT | M_ZERO);
	if (so == NULL)
		return (ENOMEM);
	NET_LOCK();
	if (udp_lookup(port) != NULL) {
		NET_UNLOCK();
		free(so, M_UDPSOCK);
		return (EADDRINUSE);
	}
	so->us_lport = port;
	so->us_upcall = upcall;
	so->us_arg = arg;
	mbufq_init(&so->us_rcvq, UDP_RCVQ_MAX);
	LIST_INSERT_HEAD(&udp_socks, so, us_link);
	NET_UNLOCK();
	*sop = so;
	return (0);
}

void
udp_close(struct udp_sock *so)
{
	NET_LOCK();
	LIST_REMOVE(so, us_link);
	mbufq_drain(&so->us_rcvq);
	NET_UNLOCK();
	free(so, M_UDPSOCK);
}

/* Send the datagram m (payload only) to dst:dport; consumes m. */
int
udp_sendto_m(struct udp_sock *so, in_addr_t dst, uint16_t dport,
    struct mbuf *m)
{
	struct ifnet *ifp;
	struct udphdr *uh;
	in_addr_t nexthop, src;
	int error, ulen;

	NET_LOCK();
	error = in_route(dst, &ifp, &nexthop, &src);
	if (error != 0) {
		ipstat.noroute++;
		m_freem(m);
		goto out;
	}
	ulen = m->m_pkthdr.len + sizeof(*uh);
	if (ulen > IP_MAXPACKET - (int)sizeof(struct ip)) {
		m_freem(m);
		error = EMSGSIZE;
		goto out;
	}
	M_PREPEND(m, sizeof(*uh), M_NOWAIT);
	if (m == NULL || (m->m_len < (int)sizeof(*uh) &&
	    (m = m_pullup(m, sizeof(*uh))) == NULL)) {
		error = ENOBUFS;
		goto out;
	}
	uh = mtod(m, struct udphdr *);
	uh->uh_sport = htons(so->us_lport);
	uh->uh_dport = htons(dport);
	uh->uh_ulen = htons(ulen);
	/*
	 * The pseudo-header sum in the field; the link or ip_output
	 * completes it (CSUM_UDP).
	 */
	uh->uh_sum = (uint16_t)~in_cksum_fold(in_pseudo(src, dst,
	    IPPROTO_UDP, ulen));
	m->m_pkthdr.csum_flags = CSUM_UDP;
	udpstat.opackets++;
	error = ip_output(m, src, dst, IPPROTO_UDP, IPDEFTTL, 0);
out:
	NET_UNLOCK();
	return (error);
}

int
udp_sendto(struct udp_sock *so, in_addr_t dst, uint16_t dport,
    const void *buf, int len)
{
	struct mbuf *m;

	if (len < 0)
		return (EINVAL);
	m = m_devget(buf, len, 64, NULL, M_NOWAIT);
	if (m == NULL)
		return (ENOBUFS);
	return (udp_sendto_m(so, dst, dport, m));
}

/*
 * The next datagram queued on so, headers stripped, and its sender; NULL
 * if none is.
 */
struct mbuf *
udp_recv(struct udp_sock *so, in_addr_t *src, uint16_t *sport)
{
	struct mbuf *m;
	struct ip *ip;
	struct udphdr *uh;
	int hlen;

	NET_LOCK();
	m = mbufq_dequeue(&so->us_rcvq);
	NET_UNLOCK();
	if (m == NULL)
		return (NULL);
	ip = mtod(m, struct ip *);
	hlen = IP_VHL_HL(ip->ip_vhl) << 2;
	uh = (struct udphdr *)(mtod(m, uint8_t *) + hlen);
	if (src != NULL)
		*src = ip->ip_src.s_addr;
	if (sport != NULL)
		*sport = ntohs(uh->uh_sport);
	m_adj(m, hlen + sizeof(*uh));
	return (m);
}
