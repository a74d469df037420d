/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * IPv4 output and fragmentation.
 *
 * ip_output takes a transport packet (ICMP or UDP header and data, with a
 * packet header), routes it (in_route), puts an IPv4 header in front and
 * hands it to the interface's if_output with the next hop.  A datagram
 * larger than the interface MTU is sent as fragments of at most MTU bytes
 * (payloads a multiple of 8), each copied into fresh buffers, unless the
 * caller set IP_DF (then EMSGSIZE).  A UDP checksum left to the link
 * (CSUM_UDP) is completed here first when the datagram is fragmented or
 * the interface cannot do it.  Network lock held; m is always consumed.
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
#include <netinet/udp.h>

static uint16_t ip_id_next = 1;

/* Fill in a UDP checksum whose field holds the pseudo-header sum. */
static void
ip_udp_cksum(struct mbuf *m, int hlen)
{
	uint16_t sum;

	sum = in_cksum(m, hlen, m->m_pkthdr.len - hlen);
	if (sum == 0)
		sum = 0xffff;
	/* uh_sum is at offset 6 of the UDP header. */
	(void)m_copyback(m, hlen + 6,
	    sizeof(sum), &sum, M_NOWAIT);
	m->m_pkthdr.csum_flags &= ~CSUM_UDP;
}

static int
ip_fragment(struct ifnet *ifp, struct mbuf *m, in_addr_t nexthop)
{
	struct ip *ip, *fip;
	struct mbuf *f;
	int hlen, plen, off, chunk, maxchunk, error;
	uint16_t ipoff;

	ip = mtod(m, struct ip *);
	hlen = IP_VHL_HL(ip->ip_vhl) << 2;
	plen = m->m_pkthdr.len - hlen;
	maxchunk = (ifp->if_mtu - hlen) & ~7;
	ipoff = ntohs(ip->ip_off);
	ipstat.fragmented++;
	error = 0;
	for (off = 0; off < plen; off += chunk) {
		chunk = MIN(maxchunk, plen - off);
		f = m_gethdr(M_NOWAIT);
		if (f == NULL) {
			error = ENOBUFS;
			break;
		}
		m_align(f, hlen);
		if (m_copyback(f, 0, hlen, ip, M_NOWAIT) != 0 ||
		    m_copychain(f, hlen, m, hlen + off, chunk, M_NOWAIT) != 0) {
			m_freem(f);
			error = ENOBUFS;
			break;
		}
		fip = mtod(f, struct ip *);
		fip->ip_len = htons(hlen + chunk);
		fip->ip_off = htons((ipoff & ~IP_MF) + (off >> 3) |
		    (off + chunk < plen || (ipoff & IP_MF) != 0 ? IP_MF : 0));
		fip->ip_sum = 0;
		fip->ip_sum = in_cksum(f, 0, hlen);
		ipstat.ofragments++;
		error = ifp->if_output(ifp, f, nexthop);
		if (error != 0)
			break;
	}
	m_freem(m);
	return (error);
}

/*
 * Send m to dst with protocol proto: src may be INADDR_ANY (the route's
 * address is used), flags may hold IP_DF.
 */
int
ip_output(struct mbuf *m, in_addr_t src, in_addr_t dst, uint8_t proto,
    uint8_t ttl, uint16_t flags)
{
	struct ifnet *ifp;
	struct ip *ip;
	in_addr_t nexthop, rsrc;
	int error, len, hlen;

	NET_LOCK_ASSERT();
	error = in_route(dst, &ifp, &nexthop, &rsrc);
	if (error != 0) {
		ipstat.noroute++;
		m_freem(m);
		return (error);
	}
	if (src == INADDR_ANY)
		src = rsrc;
	hlen = sizeof(struct ip);
	if (m->m_pkthdr.len > IP_MAXPACKET - hlen) {
		m_freem(m);
		return (EMSGSIZE);
	}
	M_PREPEND(m, hlen, M_NOWAIT);
	if (m == NULL) {
		ipstat.odropped++;
		return (ENOBUFS);
	}
	if (m->m_len < hlen && (m = m_pullup(m, hlen)) == NULL) {
		ipstat.odropped++;
		return (ENOBUFS);
	}
	len = m->m_pkthdr.len;
	ip = mtod(m, struct ip *);
	ip->ip_vhl = IPVERSION << 4 | hlen >> 2;
	ip->ip_tos = 0;
	ip->ip_len = htons(len);
	ip->ip_id = htons(ip_id_next++);
	ip->ip_off = htons(flags & IP_DF);
	ip->ip_ttl = ttl;
	ip->ip_p = proto;
	ip->ip_sum = 0;
	ip->ip_src.s_addr = src;
	ip->ip_dst.s_addr = dst;
	ip->ip_sum = in_cksum(m, 0, hlen);
	ipstat.localout++;
	if ((m->m_pkthdr.csum_flags & CSUM_UDP) != 0 &&
	    (len > ifp->if_mtu || (ifp->if_capenable & IFCAP_TXCSUM) == 0))
		ip_udp_cksum(m, hlen);
	if (len <= ifp->if_mtu)
		return (ifp->if_output(ifp, m, nexthop));
	if ((flags & IP_DF) != 0) {
		ipstat.cantfrag++;
		m_freem(m);
		return (EMSGSIZE);
	}
	return (ip_fragment(ifp, m, nexthop));
}
