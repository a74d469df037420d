/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * ARP (RFC 826): a small cache of IPv4-to-Ethernet mappings.
 *
 * The cache is one table of ARP_TABLE_SIZE entries over all interfaces.
 * An entry is INCOMPLETE while we ask (a request every ARP_RETRY_MS, at
 * most ARP_MAXTRIES), REACHABLE for ARP_KEEP_S after an answer, FAILED
 * for ARP_DOWN_S after the last request went unanswered (sends to it
 * fail at once with EHOSTUNREACH), then free.  Packets sent to an
 * INCOMPLETE entry wait in its queue, at most ARP_MAXHOLD of them (the
 * oldest is dropped for a newer one) and go out when the answer comes;
 * they are dropped when the entry fails.  A full table evicts the entry
 * closest to expiry.
 *
 * Input is checked field by field (hardware and protocol types and
 * lengths, operation, source addresses that are not multicast, broadcast
 * or ours); anything else is counted in arpstat.badpkt and in the
 * interface's ierrors.  Learning is conservative: an existing entry is
 * updated by any valid packet from its address, a new one is made only
 * when the packet was aimed at one of our addresses.
 *
 * Called with the network lock held; the timer runs from taskqueue_net.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/timetc.h>

#include <net/ethernet.h>
#include <net/if_var.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>

#define	NS_PER_MS	1000000ULL
#define	NS_PER_S	1000000000ULL

enum lle_state { LLE_FREE, LLE_INCOMPLETE, LLE_REACHABLE, LLE_FAILED };

struct llentry {
	struct ifnet	*la_ifp;
	in_addr_t	 la_addr;
	enum lle_state	 la_state;
	uint8_t		 la_mac[ETHER_ADDR_LEN];
	uint64_t	 la_expire;	/* next retry, or end of state */
	int		 la_asked;	/* requests sent */
	struct mbufq	 la_hold;	/* packets waiting for the answer */
};

struct arpstat arpstat;
static struct llentry arp_table[ARP_TABLE_SIZE];

static void
lle_free(struct llentry *la)
{
	arpstat.dropped += mbufq_len(&la->la_hold);
	mbufq_drain(&la->la_hold);
	memset(la, 0, sizeof(*la));
	la->la_state = LLE_FREE;
}

static struct llentry *
lle_lookup(struct ifnet *ifp, in_addr_t addr)
{
	struct llentry *la;

	for (la = arp_table; la < arp_table + ARP_TABLE_SIZE; la++)
		if (la->la_state != LLE_FREE && la->la_ifp == ifp &&
		    la->la_addr == addr)
			return (la);
	return (NULL);
}

/* A free entry, evicting the one closest to expiry if none is. */
static struct llentry *
lle_alloc(struct ifnet *ifp, in_addr_t addr)
{
	struct llentry *la, *victim;

	victim = NULL;
	for (la = arp_table; la < arp_table + ARP_TABLE_SIZE; la++) {
		if (la->la_state == LLE_FREE)
			break;
		if (victim == NULL || la->la_expire < victim->la_expire)
			victim = la;
	}
	if (la == arp_table + ARP_TABLE_SIZE) {
		la = victim;
		lle_free(la);
	}
	la->la_ifp = ifp;
	la->la_addr = addr;
	mbufq_init(&la->la_hold, ARP_MAXHOLD);
	return (la);
}

static void
arp_send(struct ifnet *ifp, int op, in_addr_t sip, in_addr_t tip,
    const uint8_t *tha, const uint8_t *dst)
{
	struct ether_arp *ea;
	struct mbuf *m;

	m = m_gethdr(M_NOWAIT);
	if (m == NULL)
		return;
	m_align(m, sizeof(*ea));
	m->m_len = m->m_pkthdr.len = sizeof(*ea);
	ea = mtod(m, struct ether_arp *);
	ea->ar_hrd = htons(ARPHRD_ETHER);
	ea->ar_pro = htons(ETHERTYPE_IP);
	ea->ar_hln = ETHER_ADDR_LEN;
	ea->ar_pln = 4;
	ea->ar_op = htons(op);
	memcpy(ea->arp_sha, ifp->if_lladdr, ETHER_ADDR_LEN);
	memcpy(ea->arp_spa, &sip, 4);
	if (tha != NULL)
		memcpy(ea->arp_tha, tha, ETHER_ADDR_LEN);
	else
		memset(ea->arp_tha, 0, ETHER_ADDR_LEN);
	memcpy(ea->arp_tpa, &tip, 4);
	if (op == ARPOP_REQUEST)
		arpstat.txrequests++;
	else
		arpstat.txreplies++;
	(void)ether_output_frame(ifp, m, dst, ETHERTYPE_ARP);
}

/* Our address to ask from: one on tip's subnet, else the first. */
static bool
arp_source(struct ifnet *ifp, in_addr_t tip, in_addr_t *sip)
{
	struct in_ifaddr *ia;

	TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link)
		if ((tip & ia->ia_mask) == ia->ia_net) {
			*sip = ia->ia_addr;
			return (true);
		}
	ia = TAILQ_FIRST(&ifp->if_addrhead);
	if (ia == NULL)
		return (false);
	*sip = ia->ia_addr;
	return (true);
}

static void
arp_request(struct ifnet *ifp, in_addr_t tip)
{
	in_addr_t sip;

	if (arp_source(ifp, tip, &sip))
		arp_send(ifp, ARPOP_REQUEST, sip, tip, NULL,
		    etherbroadcastaddr);
}

/* A gratuitous request announcing addr (after it was configured). */
void
arp_announce(struct ifnet *ifp, in_addr_t addr)
{
	NET_LOCK_ASSERT();
	arp_send(ifp, ARPOP_REQUEST, addr, addr, NULL, etherbroadcastaddr);
}

static void
arp_bad(struct ifnet *ifp, struct mbuf *m)
{
	arpstat.badpkt++;
	if_inc_counter_q(ifp, m->m_pkthdr.flowid, IFCOUNTER_IERRORS, 1);
	m_freem(m);
}

void
arp_input(struct ifnet *ifp, struct mbuf *m)
{
	struct ether_arp ea;
	struct llentry *la;
	struct mbuf *h;
	in_addr_t sip, tip;
	uint64_t now;
	bool bcast, forus;
	int op;

	NET_LOCK_ASSERT();
	arpstat.received++;
	if (m->m_pkthdr.len < (int)sizeof(ea) ||
	    m_copydata(m, 0, sizeof(ea), &ea) != 0) {
		arp_bad(ifp, m);
		return;
	}
	op = ntohs(ea.ar_op);
	if (ntohs(ea.ar_hrd) != ARPHRD_ETHER ||
	    ntohs(ea.ar_pro) != ETHERTYPE_IP || ea.ar_hln != ETHER_ADDR_LEN ||
	    ea.ar_pln != 4 || (op != ARPOP_REQUEST && op != ARPOP_REPLY)) {
		arp_bad(ifp, m);
		return;
	}
	memcpy(&sip, ea.arp_spa, 4);
	memcpy(&tip, ea.arp_tpa, 4);
	if (ETHER_IS_MULTICAST(ea.arp_sha) ||
	    IN_MULTICAST(ntohl(sip)) || sip == INADDR_BROADCAST ||
	    (in_ours(ifp, sip, &bcast) && bcast)) {
		arp_bad(ifp, m);
		return;
	}
	if (memcmp(ea.arp_sha, ifp->if_lladdr, ETHER_ADDR_LEN) == 0) {
		m_freem(m);		/* our own, reflected */
		return;
	}
	if (op == ARPOP_REQUEST)
		arpstat.rxrequests++;
	else
		arpstat.rxreplies++;
	if (sip != INADDR_ANY && in_hasaddr(ifp, sip)) {
		arpstat.dupip++;
		m_freem(m);
		return;
	}
	forus = in_hasaddr(ifp, tip);
	now = nanouptime_ns();
	la = sip == INADDR_ANY ? NULL : lle_lookup(ifp, sip);
	if (la == NULL && forus && sip != INADDR_ANY)
		la = lle_alloc(ifp, sip);
	if (la != NULL) {
		memcpy(la->la_mac, ea.arp_sha, ETHER_ADDR_LEN);
		la->la_state = LLE_REACHABLE;
		la->la_expire = now + ARP_KEEP_S * NS_PER_S;
		la->la_asked = 0;
		while ((h = mbufq_dequeue(&la->la_hold)) != NULL)
			(void)ether_output_frame(ifp, h, la->la_mac,
			    ETHERTYPE_IP);
	}
	if (op == ARPOP_REQUEST && forus)
		arp_send(ifp, ARPOP_REPLY, tip, sip, ea.arp_sha, ea.arp_sha);
	m_freem(m);
}

/*
 * The MAC for addr on ifp into dst: 0 if known.  Otherwise ARP keeps m
 * until it knows (EWOULDBLOCK), or frees it and says why (EHOSTUNREACH:
 * recently asked in vain; ENOBUFS).
 */
int
arp_resolve(struct ifnet *ifp, struct mbuf *m, in_addr_t addr, uint8_t *dst)
{
	struct llentry *la;
	struct mbuf *old;
	uint64_t now;

	NET_LOCK_ASSERT();
	now = nanouptime_ns();
	la = lle_lookup(ifp, addr);
	if (la != NULL && la->la_state == LLE_REACHABLE &&
	    now < la->la_expire) {
		memcpy(dst, la->la_mac, ETHER_ADDR_LEN);
		return (0);
	}
	if (la != NULL && la->la_state == LLE_FAILED && now < la->la_expire) {
		m_freem(m);
		arpstat.dropped++;
		return (EHOSTUNREACH);
	}
	if (la == NULL || la->la_state != LLE_INCOMPLETE) {
		if (la == NULL)
			la = lle_alloc(ifp, addr);
		la->la_state = LLE_INCOMPLETE;
		la->la_asked = 0;
		la->la_expire = now;
	}
	if (mbufq_full(&la->la_hold)) {
		old = mbufq_dequeue(&la->la_hold);
		m_freem(old);
		arpstat.dropped++;
	}
	(void)mbufq_enqueue(&la->la_hold, m);
	arpstat.held++;
	if (la->la_asked < ARP_MAXTRIES && now >= la->la_expire) {
		la->la_asked++;
		la->la_expire = now + ARP_RETRY_MS * NS_PER_MS;
		arp_request(ifp, addr);
	}
	return (EWOULDBLOCK);
}

void
arp_timer(uint64_t now)
{
	struct llentry *la;

	NET_LOCK_ASSERT();
	for (la = arp_table; la < arp_table + ARP_TABLE_SIZE; la++) {
		if (la->la_state == LLE_FREE || now < la->la_expire)
			continue;
		switch (la->la_state) {
		case LLE_INCOMPLETE:
			if (la->la_asked < ARP_MAXTRIES) {
				la->la_asked++;
				la->la_expire = now + ARP_RETRY_MS * NS_PER_MS;
				arp_request(la->la_ifp, la->la_addr);
				break;
			}
			arpstat.timeouts++;
			arpstat.dropped += mbufq_len(&la->la_hold);
			mbufq_drain(&la->la_hold);
			la->la_state = LLE_FAILED;
			la->la_expire = now + ARP_DOWN_S * NS_PER_S;
			break;
		case LLE_REACHABLE:
		case LLE_FAILED:
			lle_free(la);
			break;
		case LLE_FREE:
			break;
		}
	}
}

void
arp_ifdetach(struct ifnet *ifp)
{
	struct llentry *la;

	NET_LOCK_ASSERT();
	for (la = arp_table; la < arp_table + ARP_TABLE_SIZE; la++)
		if (la->la_state != LLE_FREE && la->la_ifp == ifp)
			lle_free(la);
}

void
arp_flush(void)
{
	struct llentry *la;

	for (la = arp_table; la < arp_table + ARP_TABLE_SIZE; la++)
		if (la->la_state != LLE_FREE)
			lle_free(la);
}

void
arp_foreach(void (*fn)(const struct arp_info *, void *), void *arg)
{
	struct llentry *la;
	struct arp_info ai;
	uint64_t now;

	NET_LOCK_ASSERT();
	now = nanouptime_ns();
	for (la = arp_table; la < arp_table + ARP_TABLE_SIZE; la++) {
		if (la->la_state == LLE_FREE)
			continue;
		ai.ai_ifp = la->la_ifp;
		ai.ai_addr = la->la_addr;
		memcpy(ai.ai_lladdr, la->la_mac, ETHER_ADDR_LEN);
		ai.ai_resolved = la->la_state == LLE_REACHABLE;
		ai.ai_expire_s = la->la_expire > now ?
		    (int)((la->la_expire - now) / NS_PER_S) : 0;
		ai.ai_held = mbufq_len(&la->la_hold);
		fn(&ai, arg);
	}
}
