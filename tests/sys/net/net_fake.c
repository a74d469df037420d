/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/* The fake interface of net_fake.h. */

#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

#include <net/ethernet.h>
#include <net/if_var.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>

#include "net_fake.h"

struct ifnet	*fake_ifp;
struct mbufq	 fake_txq;
const uint8_t	 fake_mac[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x05 };
const uint8_t	 peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static int
fake_transmit(struct ifnet *ifp, struct mbuf *m)
{
	if (mbufq_enqueue(&fake_txq, m) != 0) {
		m_freem(m);
		if_inc_counter(ifp, IFCOUNTER_OQDROPS, 1);
		return (ENOBUFS);
	}
	if_inc_counter(ifp, IFCOUNTER_OPACKETS, 1);
	if_inc_counter(ifp, IFCOUNTER_OBYTES, m->m_pkthdr.len);
	return (0);
}

in_addr_t
ip4(const char *s)
{
	in_addr_t a;

	if (inet_aton_strict(s, &a) != 0)
		abort();
	return (a);
}

void
fake_setup(const char *addr, int plen)
{
	net_init();
	mbufq_init(&fake_txq, 1000);
	fake_ifp = if_alloc();
	if_initname(fake_ifp, "fk", 0);
	fake_ifp->if_transmit = fake_transmit;
	fake_ifp->if_maxmtu = 9000;
	fake_ifp->if_nqueues = 2;
	ether_ifattach(fake_ifp, fake_mac);
	if (if_attach(fake_ifp) != 0)
		abort();
	NET_LOCK();
	(void)if_setflags(fake_ifp, IFF_UP, 0);
	fake_ifp->if_flags |= IFF_RUNNING;
	if (addr != NULL && in_addaddr(fake_ifp, ip4(addr), plen) != 0)
		abort();
	NET_UNLOCK();
	mbufq_drain(&fake_txq);		/* the gratuitous ARP */
}

void
fake_teardown(void)
{
	NET_LOCK();
	ip_reass_drain();
	arp_flush();
	NET_UNLOCK();
	if_detach(fake_ifp);
	if_free(fake_ifp);
	fake_ifp = NULL;
	mbufq_drain(&fake_txq);
}

struct mbuf *
fake_frame(const uint8_t *dst, const uint8_t *src, uint16_t type,
    const void *payload, int len)
{
	struct ether_header eh;
	struct mbuf *m;

	memcpy(eh.ether_dhost, dst, 6);
	memcpy(eh.ether_shost, src, 6);
	eh.ether_type = htons(type);
	m = m_gethdr(M_NOWAIT);
	if (m == NULL || m_copyback(m, 0, sizeof(eh), &eh, M_NOWAIT) != 0 ||
	    m_copyback(m, sizeof(eh), len, payload, M_NOWAIT) != 0)
		abort();
	m->m_pkthdr.rcvif = fake_ifp;
	return (m);
}

/* Hand a raw frame to the interface as its driver would. */
void
fake_input(const void *frame, int len)
{
	struct mbuf *m;

	m = m_devget(frame, len, 0, fake_ifp, M_NOWAIT);
	if (m == NULL)
		abort();
	fake_ifp->if_input(fake_ifp, m);
}

int
fake_sent(void)
{
	return (mbufq_len(&fake_txq));
}

struct mbuf *
fake_next_sent(void)
{
	return (mbufq_dequeue(&fake_txq));
}
