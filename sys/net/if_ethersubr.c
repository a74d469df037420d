/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Ethernet: framing on output, checks and demultiplexing on input.
 *
 * Input: a driver hands each received frame to ifp->if_input (=
 * ether_input) from thread context, without the network lock.  The frame
 * is counted on the queue it came in on (m_pkthdr.flowid), checked (long
 * enough for a header, a unicast source, a destination that is ours,
 * broadcast or multicast), stripped of its header and passed to ARP or
 * IPv4 with the lock held.  A frame that fails a check is counted in
 * ierrors; one for a protocol we do not speak in noproto; either way it
 * is freed and the interface goes on.
 *
 * Output: ip_output calls ifp->if_output (= ether_output) with the
 * next-hop address; ARP supplies the destination MAC or holds the packet
 * until it can; ether_output_frame prepends the header, pads runts to
 * ETHER_MIN_LEN and calls the driver's if_transmit, which always consumes
 * the packet.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

#include <net/ethernet.h>
#include <net/if_var.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>

const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

static int	ether_output(struct ifnet *, struct mbuf *, in_addr_t);

void
ether_input(struct ifnet *ifp, struct mbuf *m)
{
	struct ether_header *eh;
	u_int q;
	uint16_t type;

	q = m->m_pkthdr.flowid;
	NET_LOCK();
	if_inc_counter_q(ifp, q, IFCOUNTER_IPACKETS, 1);
	if_inc_counter_q(ifp, q, IFCOUNTER_IBYTES, m->m_pkthdr.len);
	if ((ifp->if_flags & IFF_UP) == 0) {
		if_inc_counter_q(ifp, q, IFCOUNTER_IQDROPS, 1);
		goto drop;
	}
	if (m->m_pkthdr.len < ETHER_HDR_LEN ||
	    m->m_pkthdr.len != m_length(m, NULL)) {
		if_inc_counter_q(ifp, q, IFCOUNTER_IERRORS, 1);
		goto drop;
	}
	if (m->m_len < ETHER_HDR_LEN &&
	    (m = m_pullup(m, ETHER_HDR_LEN)) == NULL) {
		if_inc_counter_q(ifp, q, IFCOUNTER_IQDROPS, 1);
		goto out;
	}
	m->m_pkthdr.rcvif = ifp;
	eh = mtod(m, struct ether_header *);
	if (ETHER_IS_MULTICAST(eh->ether_shost)) {
		if_inc_counter_q(ifp, q, IFCOUNTER_IERRORS, 1);
		goto drop;
	}
	if (ETHER_IS_BROADCAST(eh->ether_dhost))
		m->m_flags |= M_BCAST;
	else if (ETHER_IS_MULTICAST(eh->ether_dhost))
		m->m_flags |= M_MCAST;
	else if (memcmp(eh->ether_dhost, ifp->if_lladdr,
	    ETHER_ADDR_LEN) != 0)
		goto drop;		/* not ours: the bridge flooded it */
	type = ntohs(eh->ether_type);
	m_adj(m, ETHER_HDR_LEN);
	switch (type) {
	case ETHERTYPE_IP:
		ip_input(m);
		break;
	case ETHERTYPE_ARP:
		arp_input(ifp, m);
		break;
	default:
		if_inc_counter_q(ifp, q, IFCOUNTER_NOPROTO, 1);
		goto drop;
	}
	goto out;
drop:
	m_freem(m);
out:
	NET_UNLOCK();
}

/*
 * Send an IPv4 packet to nexthop on ifp: broadcast for the broadcast
 * addresses, otherwise to the MAC that ARP knows (or will: then ARP keeps
 * the packet and 0 is returned).  Consumes m.
 */
static int
ether_output(struct ifnet *ifp, struct mbuf *m, in_addr_t nexthop)
{
	uint8_t dst[ETHER_ADDR_LEN];
	struct in_ifaddr *ia;
	int error;

	NET_LOCK_ASSERT();
	if ((ifp->if_flags & (IFF_UP | IFF_RUNNING)) !=
	    (IFF_UP | IFF_RUNNING)) {
		m_freem(m);
		return (ENETDOWN);
	}
	if (nexthop == INADDR_BROADCAST)
		memcpy(dst, etherbroadcastaddr, ETHER_ADDR_LEN);
	else {
		TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link)
			if (nexthop == ia->ia_broadaddr)
				break;
		if (ia != NULL)
			memcpy(dst, etherbroadcastaddr, ETHER_ADDR_LEN);
		else {
			error = arp_resolve(ifp, m, nexthop, dst);
			if (error == EWOULDBLOCK)
				return (0);	/* ARP holds it */
			if (error != 0)
				return (error);	/* and freed it */
		}
	}
	return (ether_output_frame(ifp, m, dst, ETHERTYPE_IP));
}

/* Frame m for dst with the given type and hand it to the driver. */
int
ether_output_frame(struct ifnet *ifp, struct mbuf *m, const uint8_t *dst,
    uint16_t type)
{
	struct ether_header *eh;
	static const uint8_t zeroes[ETHER_MIN_LEN];
	int len;

	NET_LOCK_ASSERT();
	M_PREPEND(m, ETHER_HDR_LEN, M_NOWAIT);
	if (m == NULL) {
		if_inc_counter(ifp, IFCOUNTER_OQDROPS, 1);
		return (ENOBUFS);
	}
	eh = mtod(m, struct ether_header *);
	memcpy(eh->ether_dhost, dst, ETHER_ADDR_LEN);
	memcpy(eh->ether_shost, ifp->if_lladdr, ETHER_ADDR_LEN);
	eh->ether_type = htons(type);
	len = m->m_pkthdr.len;
	if (len < ETHER_MIN_LEN && m_copyback(m, len, ETHER_MIN_LEN - len,
	    zeroes, M_NOWAIT) != 0) {
		m_freem(m);
		if_inc_counter(ifp, IFCOUNTER_OQDROPS, 1);
		return (ENOBUFS);
	}
	return (ifp->if_transmit(ifp, m));
}

void
ether_ifattach(struct ifnet *ifp, const uint8_t *lladdr)
{
	memcpy(ifp->if_lladdr, lladdr, ETHER_ADDR_LEN);
	ifp->if_input = ether_input;
	ifp->if_output = ether_output;
	ifp->if_flags |= IFF_BROADCAST | IFF_SIMPLEX | IFF_MULTICAST;
}

void
ether_ifdetach(struct ifnet *ifp)
{
	if_detach(ifp);
}

char *
ether_ntoa_r(const uint8_t *a, char *buf)
{
	(void)snprintf(buf, ETHER_ADDRSTRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
	    a[0], a[1], a[2], a[3], a[4], a[5]);
	return (buf);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * Parse exactly "xx:xx:xx:xx:xx:xx" (two hex digits each, nothing more).
 * EINVAL otherwise.
 */
int
ether_aton_r(const char *s, uint8_t *a)
{
	int i, hi, lo;

	for (i = 0; i < ETHER_ADDR_LEN; i++) {
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0)
			return (EINVAL);
		a[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < ETHER_ADDR_LEN - 1) {
			if (*s != ':')
				return (EINVAL);
			s++;
		}
	}
	return (*s == '\0' ? 0 : EINVAL);
}
