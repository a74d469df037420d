/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The IPv4 stack on the host (sys/net, sys/netinet) over a fake Ethernet
 * interface (net_fake.c), under ASan/UBSan: good traffic gets the right
 * answers, malformed traffic (short, bad lengths, bad checksums, bad ARP,
 * overlapping and endless fragments) is counted and dropped, the ARP
 * hold queue and the reassembly queues stay bounded, and every test ends
 * with all memory given back.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

#include <net/ethernet.h>
#include <net/if_var.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <netinet/udp_var.h>

#include <atf-c.h>

#include "net_fake.h"
#include "net_host_var.h"

#define	OURS	"10.99.0.5"
#define	PEER	"10.99.0.1"
#define	S(x)	((uint64_t)(x) * 1000000000ULL)

static uint8_t frame[70000];

static void
check_nothing_held(void)
{
	m_reclaim();
	ATF_CHECK_EQ_MSG(mbstat.m_mbufs, 0, "%lu mbufs held", mbstat.m_mbufs);
	ATF_CHECK_EQ_MSG(mbstat.m_clusters, 0, "%lu clusters held",
	    mbstat.m_clusters);
	ATF_CHECK_EQ_MSG(kern_malloc_live, 0, "%ld malloc blocks held",
	    kern_malloc_live);
}

static void
setup(void)
{
	host_uptime_ns = S(100);
	fake_setup(OURS, 24);
	memset(&ipstat, 0, sizeof(ipstat));
	memset(&icmpstat, 0, sizeof(icmpstat));
	memset(&udpstat, 0, sizeof(udpstat));
	memset(&arpstat, 0, sizeof(arpstat));
}

static void
teardown(void)
{
	fake_teardown();
	check_nothing_held();
}

/* Build an Ethernet frame into frame[]; returns its length. */
static int
eth(const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	struct ether_header *eh = (struct ether_header *)frame;

	memcpy(eh->ether_dhost, dst, 6);
	memcpy(eh->ether_shost, src, 6);
	eh->ether_type = htons(type);
	return (ETHER_HDR_LEN);
}

static uint16_t
cksum(const void *p, int len)
{
	return (in_cksum_fold(in_cksum_add(0, p, len)));
}

/*
 * An IPv4 packet from PEER to dst in frame[] after the Ethernet header,
 * with payload len bytes of pl; returns the frame length.
 */
static int
ipv4(const char *dst, uint8_t proto, uint16_t id, uint16_t off,
    const void *pl, int len)
{
	struct ip *ip;
	int n;

	n = eth(fake_mac, peer_mac, ETHERTYPE_IP);
	ip = (struct ip *)(frame + n);
	memset(ip, 0, sizeof(*ip));
	ip->ip_vhl = 0x45;
	ip->ip_len = htons(sizeof(*ip) + len);
	ip->ip_id = htons(id);
	ip->ip_off = htons(off);
	ip->ip_ttl = 64;
	ip->ip_p = proto;
	ip->ip_src.s_addr = ip4(PEER);
	ip->ip_dst.s_addr = ip4(dst);
	ip->ip_sum = cksum(ip, sizeof(*ip));
	memcpy(frame + n + sizeof(*ip), pl, len);
	return (n + sizeof(*ip) + len);
}

/* An ICMP echo request with datalen pattern bytes into buf. */
static int
echo_req(uint8_t *buf, uint16_t id, uint16_t seq, int datalen)
{
	struct icmp *icp = (struct icmp *)buf;
	int i;

	memset(icp, 0, sizeof(*icp));
	icp->icmp_type = ICMP_ECHO;
	icp->icmp_id = htons(id);
	icp->icmp_seq = htons(seq);
	for (i = 0; i < datalen; i++)
		buf[ICMP_MINLEN + i] = (uint8_t)(i * 13);
	icp->icmp_cksum = cksum(buf, ICMP_MINLEN + datalen);
	return (ICMP_MINLEN + datalen);
}

/* Teach ARP the peer (a request from it for our address). */
static void
learn_peer(void)
{
	struct ether_arp ea;
	in_addr_t a;
	int n;

	n = eth(etherbroadcastaddr, peer_mac, ETHERTYPE_ARP);
	ea.ar_hrd = htons(ARPHRD_ETHER);
	ea.ar_pro = htons(ETHERTYPE_IP);
	ea.ar_hln = 6;
	ea.ar_pln = 4;
	ea.ar_op = htons(ARPOP_REQUEST);
	memcpy(ea.arp_sha, peer_mac, 6);
	a = ip4(PEER);
	memcpy(ea.arp_spa, &a, 4);
	memset(ea.arp_tha, 0, 6);
	a = ip4(OURS);
	memcpy(ea.arp_tpa, &a, 4);
	memcpy(frame + n, &ea, sizeof(ea));
	fake_input(frame, n + sizeof(ea));
	mbufq_drain(&fake_txq);		/* our reply */
}

/* Pull the next sent frame into buf; returns its length. */
static int
sent(uint8_t *buf, int max)
{
	struct mbuf *m;
	int len;

	m = fake_next_sent();
	ATF_REQUIRE_MSG(m != NULL, "nothing was sent");
	len = m->m_pkthdr.len;
	ATF_REQUIRE(len <= max);
	ATF_REQUIRE_EQ(m_copydata(m, 0, len, buf), 0);
	m_freem(m);
	return (len);
}

static uint64_t
ierrors(void)
{
	return (if_get_counter(fake_ifp, IFCOUNTER_IERRORS));
}

ATF_TC_WITHOUT_HEAD(ether_checks);
ATF_TC_BODY(ether_checks, tc)
{
	uint8_t other[6] = { 0x00, 0x16, 0x3e, 0x99, 0x99, 0x99 };
	uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	int n;

	setup();
	/* Runt: counted. */
	fake_input(frame, 13);
	ATF_CHECK_EQ(ierrors(), 1);
	/* Multicast source: counted. */
	n = eth(fake_mac, mcast, ETHERTYPE_IP);
	fake_input(frame, n + 20);
	ATF_CHECK_EQ(ierrors(), 2);
	/* Unknown type: noproto. */
	n = eth(fake_mac, peer_mac, 0x86dd);
	fake_input(frame, n + 40);
	ATF_CHECK_EQ(if_get_counter(fake_ifp, IFCOUNTER_NOPROTO), 1);
	/* Someone else's unicast: dropped quietly. */
	n = eth(other, peer_mac, ETHERTYPE_IP);
	fake_input(frame, n + 40);
	ATF_CHECK_EQ(ierrors(), 2);
	ATF_CHECK_EQ(ipstat.total, 0);
	ATF_CHECK_EQ(if_get_counter(fake_ifp, IFCOUNTER_IPACKETS), 4);
	/* Per queue: counted where it came in. */
	{
		struct mbuf *m = m_devget(frame, 10, 0, fake_ifp, M_NOWAIT);

		m->m_pkthdr.flowid = 1;
		fake_ifp->if_input(fake_ifp, m);
		ATF_CHECK_EQ(if_get_counter_q(fake_ifp, 1,
		    IFCOUNTER_IERRORS), 1);
		ATF_CHECK_EQ(if_get_counter_q(fake_ifp, 0,
		    IFCOUNTER_IERRORS), 2);
	}
	/* Down: dropped, not an error. */
	NET_LOCK();
	ATF_CHECK_EQ(if_setflags(fake_ifp, 0, IFF_UP), 0);
	NET_UNLOCK();
	n = eth(fake_mac, peer_mac, ETHERTYPE_IP);
	fake_input(frame, n + 40);
	ATF_CHECK_EQ(if_get_counter(fake_ifp, IFCOUNTER_IQDROPS), 1);
	teardown();
}

ATF_TC_WITHOUT_HEAD(arp_reply);
ATF_TC_BODY(arp_reply, tc)
{
	struct ether_arp ea, *ra;
	uint8_t out[128];
	in_addr_t a;
	int n, len;

	setup();
	n = eth(etherbroadcastaddr, peer_mac, ETHERTYPE_ARP);
	ea.ar_hrd = htons(ARPHRD_ETHER);
	ea.ar_pro = htons(ETHERTYPE_IP);
	ea.ar_hln = 6;
	ea.ar_pln = 4;
	ea.ar_op = htons(ARPOP_REQUEST);
	memcpy(ea.arp_sha, peer_mac, 6);
	a = ip4(PEER);
	memcpy(ea.arp_spa, &a, 4);
	memset(ea.arp_tha, 0, 6);
	a = ip4(OURS);
	memcpy(ea.arp_tpa, &a, 4);
	memcpy(frame + n, &ea, sizeof(ea));
	fake_input(frame, n + sizeof(ea));
	ATF_REQUIRE_EQ(fake_sent(), 1);
	len = sent(out, sizeof(out));
	ATF_CHECK_EQ(len, ETHER_MIN_LEN);
	ATF_CHECK(memcmp(out, peer_mac, 6) == 0);
	ATF_CHECK(memcmp(out + 6, fake_mac, 6) == 0);
	ra = (struct ether_arp *)(out + ETHER_HDR_LEN);
	ATF_CHECK_EQ(ntohs(ra->ar_op), ARPOP_REPLY);
	ATF_CHECK(memcmp(ra->arp_sha, fake_mac, 6) == 0);
	ATF_CHECK(memcmp(ra->arp_spa, &a, 4) == 0);
	ATF_CHECK(memcmp(ra->arp_tha, peer_mac, 6) == 0);
	ATF_CHECK_EQ(arpstat.rxrequests, 1);
	ATF_CHECK_EQ(arpstat.txreplies, 1);
	/* Not for us: no answer. */
	a = ip4("10.99.0.77");
	memcpy(frame + n + offsetof(struct ether_arp, arp_tpa), &a, 4);
	fake_input(frame, n + sizeof(ea));
	ATF_CHECK_EQ(fake_sent(), 0);
	ATF_CHECK_EQ(ierrors(), 0);
	teardown();
}

ATF_TC_WITHOUT_HEAD(arp_malformed);
ATF_TC_BODY(arp_malformed, tc)
{
	struct ether_arp ea;
	in_addr_t a;
	int n, i, bad;

	setup();
	n = eth(etherbroadcastaddr, peer_mac, ETHERTYPE_ARP);
	bad = 0;
	for (i = 0; i < 9; i++) {
		ea.ar_hrd = htons(ARPHRD_ETHER);
		ea.ar_pro = htons(ETHERTYPE_IP);
		ea.ar_hln = 6;
		ea.ar_pln = 4;
		ea.ar_op = htons(ARPOP_REQUEST);
		memcpy(ea.arp_sha, peer_mac, 6);
		a = ip4(PEER);
		memcpy(ea.arp_spa, &a, 4);
		memset(ea.arp_tha, 0, 6);
		a = ip4(OURS);
		memcpy(ea.arp_tpa, &a, 4);
		switch (i) {
		case 0: ea.ar_hrd = htons(6); break;
		case 1: ea.ar_pro = htons(0x86dd); break;
		case 2: ea.ar_hln = 8; break;
		case 3: ea.ar_pln = 16; break;
		case 4: ea.ar_op = htons(9); break;
		case 5: ea.arp_sha[0] = 0x01; break;
		case 6: a = INADDR_BROADCAST; memcpy(ea.arp_spa, &a, 4); break;
		case 7: a = ip4("10.99.0.255"); memcpy(ea.arp_spa, &a, 4);
			break;
		case 8: a = ip4("224.0.0.1"); memcpy(ea.arp_spa, &a, 4);
			break;
		}
		memcpy(frame + n, &ea, sizeof(ea));
		fake_input(frame, n + sizeof(ea));
		bad++;
		ATF_CHECK_EQ_MSG(arpstat.badpkt, bad, "case %d", i);
	}
	/* Truncated. */
	fake_input(frame, n + sizeof(ea) - 1);
	ATF_CHECK_EQ(arpstat.badpkt, bad + 1);
	ATF_CHECK_EQ(ierrors(), bad + 1);
	ATF_CHECK_EQ(fake_sent(), 0);
	/* Someone claims our address: noted, no entry made. */
	ea.arp_sha[0] = 0x02;
	ea.ar_hrd = htons(ARPHRD_ETHER);
	ea.ar_pro = htons(ETHERTYPE_IP);
	ea.ar_hln = 6;
	ea.ar_pln = 4;
	ea.ar_op = htons(ARPOP_REPLY);
	a = ip4(OURS);
	memcpy(ea.arp_spa, &a, 4);
	memcpy(frame + n, &ea, sizeof(ea));
	fake_input(frame, n + sizeof(ea));
	ATF_CHECK_EQ(arpstat.dupip, 1);
	teardown();
}

/* ARP holds at most ARP_MAXHOLD packets, asks ARP_MAXTRIES times, fails. */
ATF_TC_WITHOUT_HEAD(arp_hold_and_expire);
ATF_TC_BODY(arp_hold_and_expire, tc)
{
	struct udp_sock *so;
	struct ether_arp ea;
	uint8_t out[128];
	in_addr_t a;
	int i, n, requests;

	setup();
	ATF_REQUIRE_EQ(udp_open(&so, 1234, NULL, NULL), 0);
	for (i = 0; i < 10; i++)
		ATF_CHECK_EQ(udp_sendto(so, ip4("10.99.0.9"), 7, "x", 1), 0);
	/* One request, not ten; four held, six dropped. */
	ATF_CHECK_EQ(fake_sent(), 1);
	ATF_CHECK_EQ(arpstat.txrequests, 1);
	ATF_CHECK_EQ(arpstat.held, 10);
	ATF_CHECK_EQ(arpstat.dropped, 10 - ARP_MAXHOLD);
	mbufq_drain(&fake_txq);
	/* Retries, one a second, then it gives up. */
	requests = 1;
	for (i = 0; i < 10; i++) {
		host_uptime_ns += S(1);
		NET_LOCK();
		net_timer(host_uptime_ns);
		NET_UNLOCK();
		requests += fake_sent();
		mbufq_drain(&fake_txq);
	}
	ATF_CHECK_EQ(requests, ARP_MAXTRIES);
	ATF_CHECK_EQ(arpstat.timeouts, 1);
	ATF_CHECK_EQ(arpstat.dropped, 10);
	/* Failed: sends fail at once, no request. */
	ATF_CHECK_EQ(udp_sendto(so, ip4("10.99.0.9"), 7, "x", 1),
	    EHOSTUNREACH);
	ATF_CHECK_EQ(fake_sent(), 0);
	/* After ARP_DOWN_S: forgotten, asked again; the answer frees it. */
	host_uptime_ns += S(ARP_DOWN_S + 1);
	NET_LOCK();
	net_timer(host_uptime_ns);
	NET_UNLOCK();
	ATF_CHECK_EQ(udp_sendto(so, ip4("10.99.0.9"), 7, "y", 1), 0);
	ATF_CHECK_EQ(fake_sent(), 1);
	mbufq_drain(&fake_txq);
	n = eth(fake_mac, peer_mac, ETHERTYPE_ARP);
	ea.ar_hrd = htons(ARPHRD_ETHER);
	ea.ar_pro = htons(ETHERTYPE_IP);
	ea.ar_hln = 6;
	ea.ar_pln = 4;
	ea.ar_op = htons(ARPOP_REPLY);
	memcpy(ea.arp_sha, peer_mac, 6);
	a = ip4("10.99.0.9");
	memcpy(ea.arp_spa, &a, 4);
	memcpy(ea.arp_tha, fake_mac, 6);
	a = ip4(OURS);
	memcpy(ea.arp_tpa, &a, 4);
	memcpy(frame + n, &ea, sizeof(ea));
	fake_input(frame, n + sizeof(ea));
	ATF_REQUIRE_EQ(fake_sent(), 1);
	(void)sent(out, sizeof(out));
	ATF_CHECK(memcmp(out, peer_mac, 6) == 0);
	ATF_CHECK_EQ(ntohs(((struct ether_header *)out)->ether_type),
	    ETHERTYPE_IP);
	/* Resolved: the next goes straight out. */
	ATF_CHECK_EQ(udp_sendto(so, ip4("10.99.0.9"), 7, "z", 1), 0);
	ATF_CHECK_EQ(fake_sent(), 1);
	mbufq_drain(&fake_txq);
	/* A resolved entry expires after ARP_KEEP_S. */
	host_uptime_ns += S(ARP_KEEP_S + 1);
	NET_LOCK();
	net_timer(host_uptime_ns);
	NET_UNLOCK();
	ATF_CHECK_EQ(udp_sendto(so, ip4("10.99.0.9"), 7, "z", 1), 0);
	ATF_CHECK_EQ(arpstat.txrequests, ARP_MAXTRIES + 2);
	udp_close(so);
	teardown();
}

ATF_TC_WITHOUT_HEAD(icmp_echo);
ATF_TC_BODY(icmp_echo, tc)
{
	uint8_t pl[200], out[300];
	struct ip *ip;
	struct icmp *icp;
	int n, len;

	setup();
	learn_peer();
	n = ipv4(OURS, IPPROTO_ICMP, 1, 0, pl, echo_req(pl, 0x77, 3, 56));
	fake_input(frame, n);
	ATF_REQUIRE_EQ(fake_sent(), 1);
	len = sent(out, sizeof(out));
	ATF_CHECK_EQ(len, ETHER_HDR_LEN + 20 + 64);
	ATF_CHECK(memcmp(out, peer_mac, 6) == 0);
	ip = (struct ip *)(out + ETHER_HDR_LEN);
	ATF_CHECK_EQ(ip->ip_src.s_addr, ip4(OURS));
	ATF_CHECK_EQ(ip->ip_dst.s_addr, ip4(PEER));
	ATF_CHECK_EQ(cksum(ip, 20), 0);
	icp = (struct icmp *)(ip + 1);
	ATF_CHECK_EQ(icp->icmp_type, ICMP_ECHOREPLY);
	ATF_CHECK_EQ(ntohs(icp->icmp_id), 0x77);
	ATF_CHECK_EQ(ntohs(icp->icmp_seq), 3);
	ATF_CHECK_EQ(cksum(icp, 64), 0);
	ATF_CHECK(memcmp((uint8_t *)icp + 8, pl + 8, 56) == 0);
	/* A broadcast ping: no answer. */
	n = ipv4("10.99.0.255", IPPROTO_ICMP, 2, 0, pl, echo_req(pl, 1, 1, 8));
	fake_input(frame, n);
	ATF_CHECK_EQ(fake_sent(), 0);
	/* A bad ICMP checksum and a short message: counted. */
	n = echo_req(pl, 1, 1, 8);
	pl[10] ^= 1;
	fake_input(frame, ipv4(OURS, IPPROTO_ICMP, 3, 0, pl, n));
	ATF_CHECK_EQ(icmpstat.badsum, 1);
	fake_input(frame, ipv4(OURS, IPPROTO_ICMP, 3, 0, pl, 7));
	ATF_CHECK_EQ(icmpstat.tooshort, 1);
	ATF_CHECK_EQ(ierrors(), 2);
	ATF_CHECK_EQ(fake_sent(), 0);
	teardown();
}

/* Header checks: each malformed datagram counted under its reason. */
ATF_TC_WITHOUT_HEAD(ip_malformed);
ATF_TC_BODY(ip_malformed, tc)
{
	uint8_t pl[64];
	struct ip *ip;
	int n, len;

	setup();
	learn_peer();
	len = echo_req(pl, 9, 9, 16);
	n = ipv4(OURS, IPPROTO_ICMP, 1, 0, pl, len);
	ip = (struct ip *)(frame + ETHER_HDR_LEN);

	/* Shorter than a header. */
	fake_input(frame, ETHER_HDR_LEN + 19);
	ATF_CHECK_EQ(ipstat.toosmall, 1);
	/* Version 6. */
	ip->ip_vhl = 0x65;
	fake_input(frame, n);
	ATF_CHECK_EQ(ipstat.badvers, 1);
	/* Header length 4 words, and 15 words (more than there is). */
	ip->ip_vhl = 0x44;
	fake_input(frame, n);
	ip->ip_vhl = 0x4f;
	fake_input(frame, ETHER_HDR_LEN + 40);
	ATF_CHECK_EQ(ipstat.badhlen, 2);
	/* Bad header checksum. */
	ip->ip_vhl = 0x45;
	ip->ip_sum ^= 0x100;
	fake_input(frame, n);
	ATF_CHECK_EQ(ipstat.badsum, 1);
	/* ip_len below the header, and above what arrived. */
	n = ipv4(OURS, IPPROTO_ICMP, 1, 0, pl, len);
	ip->ip_len = htons(12);
	ip->ip_sum = 0;
	ip->ip_sum = cksum(ip, 20);
	fake_input(frame, n);
	ATF_CHECK_EQ(ipstat.badlen, 1);
	ip->ip_len = htons(20 + len + 1);
	ip->ip_sum = 0;
	ip->ip_sum = cksum(ip, 20);
	fake_input(frame, n);
	ATF_CHECK_EQ(ipstat.tooshort, 1);
	/* Broadcast source. */
	n = ipv4(OURS, IPPROTO_ICMP, 1, 0, pl, len);
	ip->ip_src.s_addr = INADDR_BROADCAST;
	ip->ip_sum = 0;
	ip->ip_sum = cksum(ip, 20);
	fake_input(frame, n);
	ATF_CHECK_EQ(ipstat.badaddr, 1);
	ATF_CHECK_EQ(ierrors(), 8);
	ATF_CHECK_EQ(fake_sent(), 0);
	/* Not ours: dropped, not an error (a host does not forward). */
	n = ipv4("10.99.0.6", IPPROTO_ICMP, 1, 0, pl, len);
	fake_input(frame, n);
	ATF_CHECK_EQ(ipstat.notforus, 1);
	/* Link padding past ip_len is trimmed: the echo still works. */
	n = ipv4(OURS, IPPROTO_ICMP, 1, 0, pl, len);
	memset(frame + n, 0xee, 20);
	fake_input(frame, n + 20);
	ATF_CHECK_EQ(fake_sent(), 1);
	mbufq_drain(&fake_txq);
	/* Unknown protocol: a protocol unreachable goes back. */
	n = ipv4(OURS, 99, 1, 0, pl, 8);
	fake_input(frame, n);
	ATF_CHECK_EQ(ipstat.noproto, 1);
	ATF_CHECK_EQ(fake_sent(), 1);
	ATF_CHECK_EQ(ierrors(), 8);
	teardown();
}

/* Fragments of one echo request, sent in the given order. */
static void
send_frags(const uint8_t *pl, int len, int fraglen, uint16_t id,
    const int *order, int nfrags)
{
	int i, off, n, chunk;
	uint16_t ipoff;

	for (i = 0; i < nfrags; i++) {
		off = order[i] * fraglen;
		chunk = MIN(fraglen, len - off);
		ipoff = (off >> 3) | (off + chunk < len ? IP_MF : 0);
		n = ipv4(OURS, IPPROTO_ICMP, id, ipoff, pl + off, chunk);
		/* The first carries the real total only if unfragmented. */
		fake_input(frame, n);
	}
}

ATF_TC_WITHOUT_HEAD(reassembly);
ATF_TC_BODY(reassembly, tc)
{
	static uint8_t pl[4008], out[2000];
	static const int inorder[] = { 0, 1, 2 };
	static const int reversed[] = { 2, 1, 0 };
	struct ip *ip;
	int len, i, n, total;

	setup();
	learn_peer();
	len = echo_req(pl, 4, 1, 4000);
	send_frags(pl, len, 1480, 100, inorder, 3);
	ATF_CHECK_EQ(ipstat.reassembled, 1);
	/* The reply, 4008 bytes of ICMP, goes out as 3 fragments. */
	ATF_REQUIRE_EQ(fake_sent(), 3);
	total = 0;
	for (i = 0; i < 3; i++) {
		n = sent(out, sizeof(out));
		ATF_CHECK(n - ETHER_HDR_LEN <= 1500);
		ip = (struct ip *)(out + ETHER_HDR_LEN);
		ATF_CHECK_EQ(cksum(ip, 20), 0);
		ATF_CHECK_EQ((ntohs(ip->ip_off) & IP_OFFMASK) << 3, total);
		ATF_CHECK_EQ((ntohs(ip->ip_off) & IP_MF) != 0, i < 2);
		total += ntohs(ip->ip_len) - 20;
	}
	ATF_CHECK_EQ(total, len);
	ATF_CHECK_EQ(ipstat.ofragments, 3);
	/* Reversed order works too. */
	send_frags(pl, len, 1480, 101, reversed, 3);
	ATF_CHECK_EQ(ipstat.reassembled, 2);
	ATF_CHECK_EQ(fake_sent(), 3);
	mbufq_drain(&fake_txq);
	/* A duplicate is dropped alone; the datagram still completes. */
	{
		static const int dup[] = { 0, 0, 1, 2 };

		send_frags(pl, len, 1480, 102, dup, 4);
		ATF_CHECK_EQ(ipstat.reassembled, 3);
		ATF_CHECK_EQ(ipstat.fragdropped, 1);
		mbufq_drain(&fake_txq);
	}
	ATF_CHECK_EQ(ip_reass_count(), 0);
	teardown();
}

ATF_TC_WITHOUT_HEAD(reassembly_hostile);
ATF_TC_BODY(reassembly_hostile, tc)
{
	static uint8_t pl[8192];
	int i, n;

	setup();
	learn_peer();
	memset(pl, 0xab, sizeof(pl));
	/* Overlap: 0-1479 then 1000-2479: the whole datagram goes. */
	n = ipv4(OURS, IPPROTO_ICMP, 200, IP_MF, pl, 1480);
	fake_input(frame, n);
	n = ipv4(OURS, IPPROTO_ICMP, 200, (1000 >> 3) | IP_MF, pl, 1480);
	fake_input(frame, n);
	ATF_CHECK_EQ(ip_reass_count(), 0);
	ATF_CHECK_EQ(ipstat.fragdropped, 2);
	ATF_CHECK_EQ(ierrors(), 1);	/* the overlapping one */
	/* A non-final fragment not a multiple of 8 long. */
	n = ipv4(OURS, IPPROTO_ICMP, 201, IP_MF, pl, 1001);
	fake_input(frame, n);
	ATF_CHECK_EQ(ipstat.fragdropped, 3);
	/* Past 65535 bytes. */
	n = ipv4(OURS, IPPROTO_ICMP, 202, 8189, pl, 100);
	fake_input(frame, n);
	ATF_CHECK_EQ(ipstat.fragdropped, 4);
	/* Two different ends. */
	n = ipv4(OURS, IPPROTO_ICMP, 203, 100, pl, 16);
	fake_input(frame, n);
	n = ipv4(OURS, IPPROTO_ICMP, 203, 200, pl, 16);
	fake_input(frame, n);
	ATF_CHECK_EQ(ip_reass_count(), 0);
	/* A fragment past a known end. */
	n = ipv4(OURS, IPPROTO_ICMP, 204, 10, pl, 16);
	fake_input(frame, n);
	n = ipv4(OURS, IPPROTO_ICMP, 204, 20 | IP_MF, pl, 16);
	fake_input(frame, n);
	ATF_CHECK_EQ(ip_reass_count(), 0);
	ATF_CHECK_EQ(fake_sent(), 0);

	/* Endless fragments of one datagram: capped at MAXFRAGS. */
	for (i = 0; i < 1000; i++) {
		n = ipv4(OURS, IPPROTO_ICMP, 300, (i * 8 >> 3) | IP_MF, pl, 8);
		fake_input(frame, n);
		ATF_CHECK(ip_reass_count() <= 1);
	}
	/* Endless datagrams: capped at MAXQ, memory bounded. */
	for (i = 0; i < 1000; i++) {
		n = ipv4(OURS, IPPROTO_ICMP, 1000 + i, IP_MF, pl, 1480);
		fake_input(frame, n);
		ATF_CHECK(ip_reass_count() <= IPREASS_MAXQ);
		ATF_CHECK(mbstat.m_mbufs + mbstat.m_clusters <
		    8 * IPREASS_MAXQ);
	}
	ATF_CHECK_EQ(ip_reass_count(), IPREASS_MAXQ);
	ATF_CHECK_EQ(fake_sent(), 0);
	/* And time ends them all. */
	host_uptime_ns += S(IPREASS_TIMEOUT_S + 1);
	NET_LOCK();
	net_timer(host_uptime_ns);
	NET_UNLOCK();
	ATF_CHECK_EQ(ip_reass_count(), 0);
	ATF_CHECK_EQ(ipstat.fragtimeout, IPREASS_MAXQ);
	ATF_CHECK_EQ(ipstat.reassembled, 0);
	teardown();
}

struct upcall_count {
	int	n;
};

static void
echo_upcall(struct udp_sock *so, void *arg)
{
	struct upcall_count *uc = arg;
	struct mbuf *m;
	in_addr_t src;
	uint16_t sport;

	uc->n++;
	while ((m = udp_recv(so, &src, &sport)) != NULL)
		(void)udp_sendto_m(so, src, sport, m);
}

/* A UDP datagram from PEER:5555 to OURS:dport into frame[]. */
static int
udp_dgram(uint16_t dport, const char *data, int len, bool sum)
{
	uint8_t pl[2000];
	struct udphdr *uh = (struct udphdr *)pl;
	uint32_t s;

	uh->uh_sport = htons(5555);
	uh->uh_dport = htons(dport);
	uh->uh_ulen = htons(8 + len);
	uh->uh_sum = 0;
	memcpy(pl + 8, data, len);
	if (sum) {
		s = in_pseudo(ip4(PEER), ip4(OURS), IPPROTO_UDP, 8 + len);
		uh->uh_sum = in_cksum_fold(in_cksum_add(s, pl, 8 + len));
	}
	return (ipv4(OURS, IPPROTO_UDP, 7, 0, pl, 8 + len));
}

ATF_TC_WITHOUT_HEAD(udp);
ATF_TC_BODY(udp, tc)
{
	struct upcall_count uc = { 0 };
	struct udp_sock *so, *so2;
	uint8_t out[2000];
	struct ip *ip;
	struct udphdr *uh;
	struct icmp *icp;
	int n, len;

	setup();
	learn_peer();
	ATF_REQUIRE_EQ(udp_open(&so, 7, echo_upcall, &uc), 0);
	ATF_CHECK_EQ(udp_open(&so2, 7, NULL, NULL), EADDRINUSE);
	/* Echoed, with a correct checksum filled in. */
	n = udp_dgram(7, "hello", 5, true);
	fake_input(frame, n);
	ATF_CHECK_EQ(uc.n, 1);
	ATF_REQUIRE_EQ(fake_sent(), 1);
	len = sent(out, sizeof(out));
	ip = (struct ip *)(out + ETHER_HDR_LEN);
	uh = (struct udphdr *)(ip + 1);
	ATF_CHECK_EQ(ntohs(uh->uh_dport), 5555);
	ATF_CHECK_EQ(ntohs(uh->uh_sport), 7);
	ATF_CHECK_EQ(ntohs(uh->uh_ulen), 13);
	ATF_CHECK(memcmp(uh + 1, "hello", 5) == 0);
	ATF_CHECK(uh->uh_sum != 0);
	ATF_CHECK_EQ(in_cksum_fold(in_cksum_add(in_pseudo(ip->ip_src.s_addr,
	    ip->ip_dst.s_addr, IPPROTO_UDP, 13), uh, 13)), 0);
	(void)len;
	/* No checksum is fine. */
	fake_input(frame, udp_dgram(7, "abc", 3, false));
	ATF_CHECK_EQ(uc.n, 2);
	mbufq_drain(&fake_txq);
	/* A bad checksum, a length too long and too short. */
	n = udp_dgram(7, "hello", 5, true);
	frame[n - 1] ^= 0x20;
	fake_input(frame, n);
	ATF_CHECK_EQ(udpstat.badsum, 1);
	n = udp_dgram(7, "hello", 5, false);
	((struct udphdr *)(frame + ETHER_HDR_LEN + 20))->uh_ulen = htons(14);
	fake_input(frame, n);
	n = udp_dgram(7, "hello", 5, false);
	((struct udphdr *)(frame + ETHER_HDR_LEN + 20))->uh_ulen = htons(7);
	fake_input(frame, n);
	ATF_CHECK_EQ(udpstat.badlen, 2);
	fake_input(frame, ipv4(OURS, IPPROTO_UDP, 7, 0, "abcd", 4));
	ATF_CHECK_EQ(udpstat.hdrops, 1);
	ATF_CHECK_EQ(uc.n, 2);
	ATF_CHECK_EQ(ierrors(), 4);
	ATF_CHECK_EQ(fake_sent(), 0);
	/* No socket: port unreachable quoting the datagram. */
	fake_input(frame, udp_dgram(9, "x", 1, true));
	ATF_CHECK_EQ(udpstat.noport, 1);
	ATF_REQUIRE_EQ(fake_sent(), 1);
	(void)sent(out, sizeof(out));
	ip = (struct ip *)(out + ETHER_HDR_LEN);
	icp = (struct icmp *)(ip + 1);
	ATF_CHECK_EQ(ip->ip_p, IPPROTO_ICMP);
	ATF_CHECK_EQ(icp->icmp_type, ICMP_UNREACH);
	ATF_CHECK_EQ(icp->icmp_code, ICMP_UNREACH_PORT);
	ATF_CHECK_EQ(cksum(icp, ntohs(ip->ip_len) - 20), 0);
	udp_close(so);
	/* A full socket queue drops and counts. */
	ATF_REQUIRE_EQ(udp_open(&so, 8, NULL, NULL), 0);
	for (n = 0; n < UDP_RCVQ_MAX + 5; n++)
		fake_input(frame, udp_dgram(8, "q", 1, true));
	ATF_CHECK_EQ(udpstat.fullsock, 5);
	ATF_CHECK_EQ(so->us_rcvd, UDP_RCVQ_MAX);
	udp_close(so);
	teardown();
}

ATF_TC_WITHOUT_HEAD(addresses_and_routes);
ATF_TC_BODY(addresses_and_routes, tc)
{
	struct ifnet *ifp;
	in_addr_t nh, src, a;

	setup();
	NET_LOCK();
	ATF_CHECK_EQ(in_addaddr(fake_ifp, ip4(OURS), 24), EEXIST);
	ATF_CHECK_EQ(in_addaddr(fake_ifp, ip4("10.99.0.0"), 24), EINVAL);
	ATF_CHECK_EQ(in_addaddr(fake_ifp, ip4("10.99.0.255"), 24), EINVAL);
	ATF_CHECK_EQ(in_addaddr(fake_ifp, ip4("224.0.0.1"), 24), EINVAL);
	ATF_CHECK_EQ(in_addaddr(fake_ifp, ip4("10.1.1.1"), 0), EINVAL);
	ATF_CHECK_EQ(in_route(ip4("10.99.0.7"), &ifp, &nh, &src), 0);
	ATF_CHECK_EQ(nh, ip4("10.99.0.7"));
	ATF_CHECK_EQ(src, ip4(OURS));
	ATF_CHECK_EQ(in_route(ip4("8.8.8.8"), &ifp, &nh, &src),
	    EHOSTUNREACH);
	in_defgw = ip4(PEER);
	ATF_CHECK_EQ(in_route(ip4("8.8.8.8"), &ifp, &nh, &src), 0);
	ATF_CHECK_EQ(nh, ip4(PEER));
	in_defgw = 0;
	ATF_CHECK_EQ(in_deladdr(fake_ifp, ip4(OURS)), 0);
	ATF_CHECK_EQ(in_deladdr(fake_ifp, ip4(OURS)), EADDRNOTAVAIL);
	ATF_CHECK_EQ(in_route(ip4("10.99.0.7"), &ifp, &nh, &src),
	    EHOSTUNREACH);
	ATF_CHECK_EQ(if_setmtu(fake_ifp, 67), EINVAL);
	ATF_CHECK_EQ(if_setmtu(fake_ifp, 9001), EINVAL);
	ATF_CHECK_EQ(if_setmtu(fake_ifp, 4000), 0);
	ATF_CHECK_EQ(ifunit("fk0"), fake_ifp);
	ATF_CHECK_EQ(ifunit("fk1"), NULL);
	NET_UNLOCK();
	ATF_CHECK_EQ(inet_aton_strict("1.2.3.4", &a), 0);
	ATF_CHECK_EQ(a, htonl(0x01020304));
	ATF_CHECK_EQ(inet_aton_strict("1.2.3", &a), EINVAL);
	ATF_CHECK_EQ(inet_aton_strict("1.2.3.4.5", &a), EINVAL);
	ATF_CHECK_EQ(inet_aton_strict("1.2.3.256", &a), EINVAL);
	ATF_CHECK_EQ(inet_aton_strict("01.2.3.4", &a), EINVAL);
	ATF_CHECK_EQ(inet_aton_strict("1.2.3.4 ", &a), EINVAL);
	ATF_CHECK_EQ(inet_aton_strict("", &a), EINVAL);
	teardown();
}

ATF_TC_WITHOUT_HEAD(ether_aton);
ATF_TC_BODY(ether_aton, tc)
{
	uint8_t a[6];
	char buf[ETHER_ADDRSTRLEN];

	ATF_CHECK_EQ(ether_aton_r("00:16:3e:0A:0b:ff", a), 0);
	ATF_CHECK_STREQ(ether_ntoa_r(a, buf), "00:16:3e:0a:0b:ff");
	ATF_CHECK_EQ(ether_aton_r("00:16:3e:0a:0b", a), EINVAL);
	ATF_CHECK_EQ(ether_aton_r("00:16:3e:0a:0b:ff:", a), EINVAL);
	ATF_CHECK_EQ(ether_aton_r("0:16:3e:0a:0b:ff", a), EINVAL);
	ATF_CHECK_EQ(ether_aton_r("00-16-3e-0a-0b-ff", a), EINVAL);
	ATF_CHECK_EQ(ether_aton_r("00:16:3e:0a:0b:fg", a), EINVAL);
	ATF_CHECK_EQ(ether_aton_r("", a), EINVAL);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, ether_checks);
	ATF_TP_ADD_TC(tp, arp_reply);
	ATF_TP_ADD_TC(tp, arp_malformed);
	ATF_TP_ADD_TC(tp, arp_hold_and_expire);
	ATF_TP_ADD_TC(tp, icmp_echo);
	ATF_TP_ADD_TC(tp, ip_malformed);
	ATF_TP_ADD_TC(tp, reassembly);
	ATF_TP_ADD_TC(tp, reassembly_hostile);
	ATF_TP_ADD_TC(tp, udp);
	ATF_TP_ADD_TC(tp, addresses_and_routes);
	ATF_TP_ADD_TC(tp, ether_aton);
	return (atf_no_error());
}
