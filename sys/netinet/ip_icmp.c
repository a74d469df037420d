/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * ICMP: echo both ways and the errors a host sends.
 *
 * icmp_input checks the length (at least the 8-byte header) and the
 * checksum over the whole message, then answers echo requests sent to one
 * of our unicast addresses (broadcast pings are ignored, as FreeBSD does
 * by default) by turning the message around in place, and hands echo
 * replies to the listener registered for their identifier (the monitor's
 * ping).  Unreachables and the rest are counted.
 *
 * icmp_error answers a datagram we could not deliver with an unreachable
 * carrying its header and first 8 bytes; never about an ICMP message, a
 * broadcast or multicast, or a fragment other than the first.
 *
 * Network lock held throughout; listeners are called with it held.
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

#define	ICMP_NLISTEN	4

struct icmpstat icmpstat;

static struct {
	uint16_t	 id;
	icmp_echo_fn	*fn;
	void		*arg;
} icmp_listen[ICMP_NLISTEN];

int
icmp_echo_listen(uint16_t id, icmp_echo_fn *fn, void *arg)
{
	int i;

	NET_LOCK_ASSERT();
	for (i = 0; i < ICMP_NLISTEN; i++)
		if (icmp_listen[i].fn != NULL && icmp_listen[i].id == id)
			return (EADDRINUSE);
	for (i = 0; i < ICMP_NLISTEN; i++)
		if (icmp_listen[i].fn == NULL) {
			icmp_listen[i].id = id;
			icmp_listen[i].fn = fn;
			icmp_listen[i].arg = arg;
			return (0);
		}
	return (ENOBUFS);
}

void
icmp_echo_unlisten(uint16_t id)
{
	int i;

	NET_LOCK_ASSERT();
	for (i = 0; i < ICMP_NLISTEN; i++)
		if (icmp_listen[i].fn != NULL && icmp_listen[i].id == id)
			icmp_listen[i].fn = NULL;
}

static void
icmp_bad(struct mbuf *m, u_long *ctr)
{
	struct ifnet *ifp = m->m_pkthdr.rcvif;

	(*ctr)++;
	if (ifp != NULL)
		if_inc_counter_q(ifp, m->m_pkthdr.flowid, IFCOUNTER_IERRORS, 1);
	m_freem(m);
}

void
icmp_input(struct mbuf *m, int hlen)
{
	struct ip *ip;
	struct icmp *icp;
	in_addr_t src, dst;
	int icmplen, ttl, i;

	NET_LOCK_ASSERT();
	icmpstat.received++;
	icmplen = m->m_pkthdr.len - hlen;
	if (icmplen < ICMP_MINLEN) {
		icmp_bad(m, &icmpstat.tooshort);
		return;
	}
	if (in_cksum(m, hlen, icmplen) != 0) {
		icmp_bad(m, &icmpstat.badsum);
		return;
	}
	if (m->m_len < hlen + ICMP_MINLEN &&
	    (m = m_pullup(m, hlen + ICMP_MINLEN)) == NULL)
		return;
	ip = mtod(m, struct ip *);
	src = ip->ip_src.s_addr;
	dst = ip->ip_dst.s_addr;
	ttl = ip->ip_ttl;
	icp = (struct icmp *)(mtod(m, uint8_t *) + hlen);
	switch (icp->icmp_type) {
	case ICMP_ECHO:
		icmpstat.echo++;
		if ((m->m_flags & (M_BCAST | M_MCAST)) != 0)
			break;
		icp->icmp_type = ICMP_ECHOREPLY;
		icp->icmp_cksum = 0;
		m_adj(m, hlen);
		m->m_pkthdr.csum_flags = 0;
		m->m_flags &= ~(M_BCAST | M_MCAST);
		icp = mtod(m, struct icmp *);
		icp->icmp_cksum = in_cksum(m, 0, icmplen);
		icmpstat.outechoreply++;
		(void)ip_output(m, dst, src, IPPROTO_ICMP, IPDEFTTL, 0);
		return;
	case ICMP_ECHOREPLY:
		icmpstat.echoreply++;
		for (i = 0; i < ICMP_NLISTEN; i++)
			if (icmp_listen[i].fn != NULL &&
			    icmp_listen[i].id == ntohs(icp->icmp_id)) {
				icmp_listen[i].fn(icmp_listen[i].arg, src,
				    ntohs(icp->icmp_id), ntohs(icp->icmp_seq),
				    icmplen, ttl);
				break;
			}
		break;
	case ICMP_UNREACH:
		icmpstat.unreach++;
		break;
	default:
		icmpstat.other++;
		break;
	}
	m_freem(m);
}

/*
 * Send an echo request of datalen data bytes (a counting pattern) to dst.
 */
int
icmp_echo_send(in_addr_t dst, uint16_t id, uint16_t seq, int datalen,
    uint8_t ttl)
{
	struct icmp *icp;
	struct mbuf *m;
	uint8_t chunk[64];
	int i, off, n;

	NET_LOCK_ASSERT();
	if (datalen < 0 || datalen > IP_MAXPACKET - 20 - ICMP_MINLEN)
		return (EINVAL);
	m = m_gethdr(M_NOWAIT);
	if (m == NULL)
		return (ENOBUFS);
	m_align(m, MIN(MLEN, ICMP_MINLEN + datalen));
	m->m_len = m->m_pkthdr.len = ICMP_MINLEN;
	icp = mtod(m, struct icmp *);
	icp->icmp_type = ICMP_ECHO;
	icp->icmp_code = 0;
	icp->icmp_cksum = 0;
	icp->icmp_id = htons(id);
	icp->icmp_seq = htons(seq);
	for (off = 0; off < datalen; off += n) {
		n = MIN((int)sizeof(chunk), datalen - off);
		for (i = 0; i < n; i++)
			chunk[i] = (uint8_t)(off + i);
		if (m_copyback(m, ICMP_MINLEN + off, n, chunk, M_NOWAIT) != 0) {
			m_freem(m);
			return (ENOBUFS);
		}
	}
	icp->icmp_cksum = in_cksum(m, 0, m->m_pkthdr.len);
	icmpstat.outecho++;
	return (ip_output(m, INADDR_ANY, dst, IPPROTO_ICMP, ttl, 0));
}

/* Answer the datagram m (IP header at m_data) with an error; frees m. */
void
icmp_error(struct mbuf *m, int type, int code)
{
	struct ip *ip;
	struct icmp *icp;
	struct mbuf *n;
	in_addr_t src;
	int hlen, quote;

	NET_LOCK_ASSERT();
	ip = mtod(m, struct ip *);
	hlen = IP_VHL_HL(ip->ip_vhl) << 2;
	src = ip->ip_src.s_addr;
	if (ip->ip_p == IPPROTO_ICMP ||
	    (m->m_flags & (M_BCAST | M_MCAST)) != 0 ||
	    (ntohs(ip->ip_off) & IP_OFFMASK) != 0 || src == INADDR_ANY) {
		m_freem(m);
		return;
	}
	quote = MIN(m->m_pkthdr.len, hlen + 8);
	n = m_gethdr(M_NOWAIT);
	if (n == NULL) {
		m_freem(m);
		return;
	}
	m_align(n, ICMP_MINLEN + quote);
	n->m_len = n->m_pkthdr.len = ICMP_MINLEN + quote;
	icp = mtod(n, struct icmp *);
	memset(icp, 0, ICMP_MINLEN);
	icp->icmp_type = type;
	icp->icmp_code = code;
	(void)m_copydata(m, 0, quote, mtod(n, uint8_t *) + ICMP_MINLEN);
	m_freem(m);
	icp->icmp_cksum = in_cksum(n, 0, n->m_len);
	icmpstat.outerror++;
	(void)ip_output(n, INADDR_ANY, src, IPPROTO_ICMP, IPDEFTTL, 0);
}
