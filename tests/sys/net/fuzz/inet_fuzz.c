/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * libFuzzer target for the receive path of the IPv4 stack: Ethernet, ARP,
 * IPv4 with reassembly, ICMP and UDP (with an echo socket on port 7), on
 * the fake interface of net_fake.c with address 10.99.0.5/24.
 *
 * An input is a sequence of frames, each a 2-byte big-endian length and
 * that many bytes (so a run can carry a fragment train or an ARP exchange);
 * a length's top bit sends that frame on queue 1 and advances the clock by
 * one second first, running the stack's timers.  After each input
 * everything held (reassembly queues, ARP entries and their queues, what
 * was sent) is released and every mbuf must be back: a leak aborts.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

#include <net/if_var.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>
#include <netinet/udp_var.h>

#include "net_fake.h"
#include "net_host_var.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct udp_sock *echo_so;

static void
echo_upcall(struct udp_sock *so, void *arg)
{
	struct mbuf *m;
	in_addr_t src;
	uint16_t sport;

	while ((m = udp_recv(so, &src, &sport)) != NULL)
		(void)udp_sendto_m(so, src, sport, m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbuf *m;
	size_t len;
	bool tick;

	if (fake_ifp == NULL) {
		host_uptime_ns = 1000000000ULL;
		fake_setup("10.99.0.5", 24);
		if (udp_open(&echo_so, 7, echo_upcall, NULL) != 0)
			abort();
	}
	while (size >= 2) {
		len = (size_t)(data[0] & 0x7f) << 8 | data[1];
		tick = (data[0] & 0x80) != 0;
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		if (tick) {
			host_uptime_ns += 1000000000ULL;
			NET_LOCK();
			net_timer(host_uptime_ns);
			NET_UNLOCK();
		}
		m = m_devget(data, (int)len, 0, fake_ifp, M_NOWAIT);
		if (m != NULL) {
			m->m_pkthdr.flowid = tick ? 1 : 0;
			fake_ifp->if_input(fake_ifp, m);
		}
		data += len;
		size -= len;
	}
	NET_LOCK();
	ip_reass_drain();
	arp_flush();
	NET_UNLOCK();
	mbufq_drain(&fake_txq);
	if (mbstat.m_mbufs != 0 || mbstat.m_clusters != 0)
		abort();
	return (0);
}
