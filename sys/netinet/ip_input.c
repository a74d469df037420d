/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * IPv4 input and fragment reassembly.
 *
 * ip_input takes a datagram from Ethernet (network lock held, m_data at
 * the IP header) and checks, in order: that a header is there (toosmall),
 * version 4 (badvers), a header length of at least 20 bytes and within
 * the packet (badhlen), the header checksum unless the link vouched for
 * it (badsum), a total length covering the header and within what
 * arrived (badlen, tooshort; link padding past it is trimmed), a source
 * that is not multicast or broadcast (badaddr), and a destination that
 * is ours or a broadcast (else notforus: a host does not forward).  Each
 * failure is counted in ipstat and the interface's ierrors, and the
 * packet is freed.  Fragments go to ip_reass; whole datagrams to ICMP or
 * UDP, other protocols get an ICMP protocol unreachable.
 *
 * Reassembly keeps at most IPREASS_MAXQ datagrams in progress, at most
 * IPREASS_MAXFRAGS fragments each and IPREASS_MAXBYTES bytes in all, for
 * at most IPREASS_TIMEOUT_S seconds from the first fragment.  Fragments
 * are kept sorted by offset with their headers.  A fragment that
 * overlaps another (other than an exact duplicate, which is dropped
 * alone), one past the end the last fragment set, a second, different
 * last fragment, a non-final fragment whose length is not a multiple of
 * 8, or one that would make the datagram larger than 65535 bytes drops
 * the whole datagram and counts an input error on the interface: an
 * attacker cannot make us splice data or hold memory for long.  A datagram is complete when its fragments, which do
 * not overlap, add up to the length of the last one's end.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/timetc.h>

#include <net/if_var.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>

#define	NS_PER_S	1000000000ULL

MALLOC_DEFINE(M_IPREASS, "ipreass", "IPv4 reassembly queues");

struct ipstat ipstat;

struct ipq {
	TAILQ_ENTRY(ipq) ipq_link;
	in_addr_t	 ipq_src;
	in_addr_t	 ipq_dst;
	uint16_t	 ipq_id;
	uint8_t		 ipq_p;
	int		 ipq_nfrags;
	int		 ipq_bytes;	/* held, counted in ipreass_bytes */
	int		 ipq_total;	/* payload length, -1 until known */
	uint64_t	 ipq_expire;
	struct mbuf	*ipq_frags;	/* by offset, through m_nextpkt */
};

static TAILQ_HEAD(, ipq) ipq_head = TAILQ_HEAD_INITIALIZER(ipq_head);
static int ipq_count;
static int ipreass_bytes;

/* A fragment's offset and payload length, from its header. */
static void
frag_span(struct mbuf *m, int *off, int *len)
{
	struct ip *ip;
	int hlen;

	ip = mtod(m, struct ip *);
	hlen = IP_VHL_HL(ip->ip_vhl) << 2;
	*off = (ntohs(ip->ip_off) & IP_OFFMASK) << 3;
	*len = ntohs(ip->ip_len) - hlen;
}

static void
ipq_free(struct ipq *fp)
{
	struct mbuf *m;

	while ((m = fp->ipq_frags) != NULL) {
		fp->ipq_frags = m->m_nextpkt;
		m->m_nextpkt = NULL;
		m_freem(m);
	}
	ipreass_bytes -= fp->ipq_bytes;
	TAILQ_REMOVE(&ipq_head, fp, ipq_link);
	ipq_count--;
	free(fp, M_IPREASS);
}

/* A malformed or hostile fragment: also an input error of its link. */
static void
frag_bad(struct mbuf *m)
{
	struct ifnet *ifp = m->m_pkthdr.rcvif;

	if (ifp != NULL)
		if_inc_counter_q(ifp, m->m_pkthdr.flowid, IFCOUNTER_IERRORS, 1);
}

static void
ipq_drop(struct ipq *fp)
{
	ipstat.fragdropped += fp->ipq_nfrags;
	ipq_free(fp);
}

/*
 * Add fragment m (header pulled up, trimmed to ip_len) to its datagram;
 * returns the whole datagram once complete, else NULL (m is kept or
 * freed).
 */
struct mbuf *
ip_reass(struct mbuf *m)
{
	struct ip *ip;
	struct ipq *fp;
	struct mbuf *f, **fpp, *t;
	int off, len, foff, flen, hlen, sum;
	bool more;

	NET_LOCK_ASSERT();
	ip = mtod(m, struct ip *);
	hlen = IP_VHL_HL(ip->ip_vhl) << 2;
	frag_span(m, &off, &len);
	more = (ntohs(ip->ip_off) & IP_MF) != 0;
	if (len <= 0 || (more && (len & 7) != 0) ||
	    off + len + hlen > IP_MAXPACKET) {
		ipstat.fragdropped++;
		frag_bad(m);
		m_freem(m);
		return (NULL);
	}
	TAILQ_FOREACH(fp, &ipq_head, ipq_link)
		if (fp->ipq_id == ip->ip_id && fp->ipq_src ==
		    ip->ip_src.s_addr && fp->ipq_dst == ip->ip_dst.s_addr &&
		    fp->ipq_p == ip->ip_p)
			break;
	if (fp == NULL) {
		if (ipq_count >= IPREASS_MAXQ)
			ipq_drop(TAILQ_FIRST(&ipq_head));	/* oldest */
		fp = malloc(sizeof(*fp), M_IPREASS, M_NOWAIT | M_ZERO);
		if (fp == NULL) {
			ipstat.fragdropped++;
			m_freem(m);
			return (NULL);
		}
		fp->ipq_src = ip->ip_src.s_addr;
		fp->ipq_dst = ip->ip_dst.s_addr;
		fp->ipq_id = ip->ip_id;
		fp->ipq_p = ip->ip_p;
		fp->ipq_total = -1;
		fp->ipq_expire = nanouptime_ns() + IPREASS_TIMEOUT_S * NS_PER_S;
		TAILQ_INSERT_TAIL(&ipq_head, fp, ipq_link);
		ipq_count++;
	}
	if (ipreass_bytes + m->m_pkthdr.len > IPREASS_MAXBYTES) {
		ipstat.fragdropped++;
		m_freem(m);
		return (NULL);
	}
	if (fp->ipq_nfrags >= IPREASS_MAXFRAGS)
		goto dropall;
	if (!more) {
		if (fp->ipq_total >= 0 && fp->ipq_total != off + len)
			goto dropall;
		fp->ipq_total = off + len;
	} else if (fp->ipq_total >= 0 && off + len > fp->ipq_total)
		goto dropall;
	/* Find the place; refuse overlaps. */
	for (fpp = &fp->ipq_frags; (f = *fpp) != NULL; fpp = &f->m_nextpkt) {
		frag_span(f, &foff, &flen);
		if (fp->ipq_total >= 0 && foff + flen > fp->ipq_total)
			goto dropall;
		if (foff == off && flen == len) {
			ipstat.fragdropped++;	/* a duplicate */
			m_freem(m);
			return (NULL);
		}
		if (off < foff + flen && foff < off + len)
			goto dropall;
		if (foff > off)
			break;
	}
	m->m_nextpkt = *fpp;
	*fpp = m;
	fp->ipq_nfrags++;
	fp->ipq_bytes += m->m_pkthdr.len;
	ipreass_bytes += m->m_pkthdr.len;
	/* Check the fragments after the new one against a known end too. */
	for (f = m->m_nextpkt; f != NULL && fp->ipq_total >= 0;
	    f = f->m_nextpkt) {
		frag_span(f, &foff, &flen);
		if (foff + flen > fp->ipq_total) {
			frag_bad(m);
			goto dropq;
		}
	}
	if (fp->ipq_total < 0)
		return (NULL);
	sum = 0;
	for (f = fp->ipq_frags; f != NULL; f = f->m_nextpkt) {
		frag_span(f, &foff, &flen);
		sum += flen;
	}
	if (sum != fp->ipq_total)
		return (NULL);

	/* Complete: the first fragment's header, then every payload. */
	m = fp->ipq_frags;
	fp->ipq_frags = NULL;
	ipreass_bytes -= fp->ipq_bytes;
	fp->ipq_bytes = 0;
	t = m->m_nextpkt;
	m->m_nextpkt = NULL;
	while (t != NULL) {
		f = t;
		t = t->m_nextpkt;
		f->m_nextpkt = NULL;
		m_adj(f, IP_VHL_HL(mtod(f, struct ip *)->ip_vhl) << 2);
		m_cat(m, f);
	}
	fp->ipq_nfrags = 0;
	ipq_free(fp);
	ip = mtod(m, struct ip *);
	hlen = IP_VHL_HL(ip->ip_vhl) << 2;
	m_fixhdr(m);
	ip->ip_len = htons(m->m_pkthdr.len);
	ip->ip_off = 0;
	ip->ip_sum = 0;
	ip->ip_sum = in_cksum(m, 0, hlen);
	m->m_pkthdr.csum_flags &= ~CSUM_DATA_VALID;
	ipstat.reassembled++;
	return (m);
dropall:
	ipstat.fragdropped++;		/* this one */
	frag_bad(m);
	m_freem(m);
dropq:
	ipq_drop(fp);			/* m, if queued, with the rest */
	return (NULL);
}

void
ip_reass_timer(uint64_t now)
{
	struct ipq *fp, *next;

	NET_LOCK_ASSERT();
	TAILQ_FOREACH_SAFE(fp, &ipq_head, ipq_link, next)
		if (now >= fp->ipq_expire) {
			ipstat.fragtimeout++;
			ipstat.fragdropped += fp->ipq_nfrags;
			ipq_free(fp);
		}
}

void
ip_reass_drain(void)
{
	NET_LOCK_ASSERT();
	while (!TAILQ_EMPTY(&ipq_head))
		ipq_free(TAILQ_FIRST(&ipq_head));
}

int
ip_reass_count(void)
{
	return (ipq_count);
}

static void
ip_bad(struct ifnet *ifp, struct mbuf *m, u_long *ctr)
{
	(*ctr)++;
	if (ifp != NULL)
		if_inc_counter_q(ifp, m != NULL ? m->m_pkthdr.flowid : 0,
		    IFCOUNTER_IERRORS, 1);
	m_freem(m);
}

void
ip_input(struct mbuf *m)
{
	struct ifnet *ifp;
	struct ip *ip;
	in_addr_t src;
	int hlen, len;
	bool bcast;

	NET_LOCK_ASSERT();
	ifp = m->m_pkthdr.rcvif;
	ipstat.total++;
	if (m->m_pkthdr.len < (int)sizeof(struct ip)) {
		ip_bad(ifp, m, &ipstat.toosmall);
		return;
	}
	if (m->m_len < (int)sizeof(struct ip) &&
	    (m = m_pullup(m, sizeof(struct ip))) == NULL) {
		ipstat.odropped++;
		return;
	}
	ip = mtod(m, struct ip *);
	if (IP_VHL_V(ip->ip_vhl) != IPVERSION) {
		ip_bad(ifp, m, &ipstat.badvers);
		return;
	}
	hlen = IP_VHL_HL(ip->ip_vhl) << 2;
	if (hlen < (int)sizeof(struct ip) || hlen > m->m_pkthdr.len) {
		ip_bad(ifp, m, &ipstat.badhlen);
		return;
	}
	if (m->m_len < hlen) {
		if ((m = m_pullup(m, hlen)) == NULL) {
			ipstat.odropped++;
			return;
		}
		ip = mtod(m, struct ip *);
	}
	if ((m->m_pkthdr.csum_flags & CSUM_IP_VALID) == 0 &&
	    in_cksum(m, 0, hlen) != 0) {
		ip_bad(ifp, m, &ipstat.badsum);
		return;
	}
	len = ntohs(ip->ip_len);
	if (len < hlen) {
		ip_bad(ifp, m, &ipstat.badlen);
		return;
	}
	if (m->m_pkthdr.len < len) {
		ip_bad(ifp, m, &ipstat.tooshort);
		return;
	}
	if (m->m_pkthdr.len > len)
		m_adj(m, len - m->m_pkthdr.len);
	src = ip->ip_src.s_addr;
	if (src == INADDR_BROADCAST || IN_MULTICAST(ntohl(src)) ||
	    (ifp != NULL && in_ours(ifp, src, &bcast) && bcast)) {
		ip_bad(ifp, m, &ipstat.badaddr);
		return;
	}
	if (ifp == NULL || !in_ours(ifp, ip->ip_dst.s_addr, &bcast)) {
		ipstat.notforus++;
		m_freem(m);
		return;
	}
	if ((ntohs(ip->ip_off) & (IP_MF | IP_OFFMASK)) != 0) {
		ipstat.fragments++;
		m = ip_reass(m);
		if (m == NULL)
			return;
		ip = mtod(m, struct ip *);
		hlen = IP_VHL_HL(ip->ip_vhl) << 2;
		if (m->m_len < hlen + 8 && m->m_pkthdr.len >= hlen + 8 &&
		    (m = m_pullup(m, hlen + 8)) == NULL) {
			ipstat.odropped++;
			return;
		}
	}
	if (bcast)
		m->m_flags |= M_BCAST;
	switch (ip->ip_p) {
	case IPPROTO_ICMP:
		ipstat.delivered++;
		icmp_input(m, hlen);
		break;
	case IPPROTO_UDP:
		ipstat.delivered++;
		udp_input(m, hlen);
		break;
	default:
		ipstat.noproto++;
		icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL);
		break;
	}
}
