/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * IPv4 addresses on interfaces, routing, and the Internet checksum.
 *
 * Each interface has a list of addresses with prefix lengths; the first
 * is its primary address (the source of what it sends).  Routing is what
 * a host with directly attached subnets needs: a destination on one of
 * the subnets goes straight there, anything else to the default gateway
 * (in_defgw) if one is set and reachable, else EHOSTUNREACH.  The limited
 * broadcast address goes out of the first interface that is up and has
 * an address.
 *
 * Called with the network lock held.  Addresses are in network order.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

#include <net/if_var.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>

MALLOC_DEFINE(M_IFADDR, "ifaddr", "interface addresses");

in_addr_t in_defgw;

static in_addr_t
in_plen2mask(int plen)
{
	return (plen == 0 ? 0 : htonl(0xffffffffU << (32 - plen)));
}

/*
 * Add addr/plen to ifp.  EINVAL for nonsense (zero, broadcast, multicast,
 * loopback, a prefix of /0 or /32, the subnet's own network or broadcast
 * address), EEXIST if the interface has it already.
 */
int
in_addaddr(struct ifnet *ifp, in_addr_t addr, int plen)
{
	struct in_ifaddr *ia;
	in_addr_t mask, h;

	NET_LOCK_ASSERT();
	h = ntohl(addr);
	if (plen < 1 || plen > 30 || h == 0 || h == 0xffffffffU ||
	    IN_MULTICAST(h) || IN_LOOPBACK(h))
		return (EINVAL);
	mask = in_plen2mask(plen);
	if ((addr & ~mask) == 0 || (addr & ~mask) == ~mask)
		return (EINVAL);
	if (in_hasaddr(ifp, addr))
		return (EEXIST);
	ia = malloc(sizeof(*ia), M_IFADDR, M_NOWAIT | M_ZERO);
	if (ia == NULL)
		return (ENOMEM);
	ia->ia_ifp = ifp;
	ia->ia_addr = addr;
	ia->ia_mask = mask;
	ia->ia_plen = plen;
	ia->ia_net = addr & mask;
	ia->ia_broadaddr = addr | ~mask;
	TAILQ_INSERT_TAIL(&ifp->if_addrhead, ia, ia_link);
	if ((ifp->if_flags & IFF_UP) != 0)
		arp_announce(ifp, addr);
	return (0);
}

int
in_deladdr(struct ifnet *ifp, in_addr_t addr)
{
	struct in_ifaddr *ia;

	NET_LOCK_ASSERT();
	TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link)
		if (ia->ia_addr == addr) {
			TAILQ_REMOVE(&ifp->if_addrhead, ia, ia_link);
			free(ia, M_IFADDR);
			return (0);
		}
	return (EADDRNOTAVAIL);
}

void
in_purgeaddrs(struct ifnet *ifp)
{
	struct in_ifaddr *ia;

	NET_LOCK_ASSERT();
	while ((ia = TAILQ_FIRST(&ifp->if_addrhead)) != NULL) {
		TAILQ_REMOVE(&ifp->if_addrhead, ia, ia_link);
		free(ia, M_IFADDR);
	}
}

struct in_ifaddr *
in_ifaddr_first(struct ifnet *ifp)
{
	return (TAILQ_FIRST(&ifp->if_addrhead));
}

bool
in_hasaddr(struct ifnet *ifp, in_addr_t addr)
{
	struct in_ifaddr *ia;

	TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link)
		if (ia->ia_addr == addr)
			return (true);
	return (false);
}

/*
 * Is dst for this host as received on ifp?  *bcast tells whether it was
 * a broadcast address (limited or of one of ifp's subnets).
 */
bool
in_ours(struct ifnet *ifp, in_addr_t dst, bool *bcast)
{
	struct in_ifaddr *ia;

	*bcast = false;
	if (dst == INADDR_BROADCAST) {
		*bcast = true;
		return (true);
	}
	TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link) {
		if (ia->ia_addr == dst)
			return (true);
		if (ia->ia_broadaddr == dst) {
			*bcast = true;
			return (true);
		}
	}
	return (false);
}

/*
 * Where to send a datagram for dst: the interface, the next hop and our
 * source address there.  EHOSTUNREACH if no interface that is up leads
 * there.
 */
int
in_route(in_addr_t dst, struct ifnet **ifpp, in_addr_t *nexthop,
    in_addr_t *src)
{
	struct ifnet *ifp;
	struct in_ifaddr *ia;
	in_addr_t target;
	int pass;

	NET_LOCK_ASSERT();
	target = dst;
	for (pass = 0; pass < 2; pass++) {
		TAILQ_FOREACH(ifp, &ifnet_list, if_link) {
			if ((ifp->if_flags & IFF_UP) == 0)
				continue;
			TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link) {
				if (target != INADDR_BROADCAST &&
				    (target & ia->ia_mask) != ia->ia_net)
					continue;
				*ifpp = ifp;
				*nexthop = target;
				*src = ia->ia_addr;
				return (0);
			}
		}
		/* Off-link: through the gateway, which must be on-link. */
		if (in_defgw == 0 || dst == INADDR_BROADCAST)
			break;
		target = in_defgw;
	}
	return (EHOSTUNREACH);
}

/*
 * The Internet checksum (RFC 1071): a ones'-complement sum of 16-bit
 * words.  in_cksum_add accumulates a buffer into a 32-bit partial sum
 * (odd lengths are padded with a zero byte, so only the last buffer may
 * be odd); in_cksum_fold folds and complements it.
 */
uint32_t
in_cksum_add(uint32_t sum, const void *buf, int len)
{
	const uint8_t *p;
	uint64_t s;

	p = buf;
	s = sum;
	while (len >= 2) {
		s += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len == 1)
		s += (uint32_t)p[0] << 8;
	while (s >> 32 != 0)
		s = (s & 0xffffffff) + (s >> 32);
	return ((uint32_t)s);
}

uint16_t
in_cksum_fold(uint32_t sum)
{
	while (sum >> 16 != 0)
		sum = (sum & 0xffff) + (sum >> 16);
	/* In network order, as it goes in the header. */
	return (htons((uint16_t)~sum));
}

/* The pseudo-header sum of UDP and TCP (RFC 768). */
uint32_t
in_pseudo(in_addr_t src, in_addr_t dst, uint8_t proto, uint16_t len)
{
	uint32_t sum;

	sum = in_cksum_add(0, &src, 4);
	sum = in_cksum_add(sum, &dst, 4);
	return (sum + proto + len);
}

/*
 * The partial sum of len bytes of a chain from offset off, added to sum (a
 * chain may have odd-length buffers: bytes are paired across them).
 */
uint32_t
in_cksum_sum(const struct mbuf *m, int off, int len, uint32_t sum)
{
	uint8_t carry[2];
	const uint8_t *p;
	int n, odd;

	odd = 0;
	while (m != NULL && off >= m->m_len) {
		off -= m->m_len;
		m = m->m_next;
	}
	for (; m != NULL && len > 0; m = m->m_next, off = 0) {
		p = m->m_data + off;
		n = MIN(m->m_len - off, len);
		len -= n;
		if (odd && n > 0) {
			carry[1] = *p++;
			n--;
			sum = in_cksum_add(sum, carry, 2);
			odd = 0;
		}
		sum = in_cksum_add(sum, p, n & ~1);
		if ((n & 1) != 0) {
			carry[0] = p[n - 1];
			odd = 1;
		}
	}
	if (odd)
		sum = in_cksum_add(sum, carry, 1);
	return (sum);
}

/*
 * The checksum of len bytes of a chain from off, as it goes in a header
 * field; over data that includes a correct checksum field it is 0.
 */
uint16_t
in_cksum(const struct mbuf *m, int off, int len)
{
	return (in_cksum_fold(in_cksum_sum(m, off, len, 0)));
}

char *
inet_ntoa_r(in_addr_t a, char *buf)
{
	const uint8_t *p = (const uint8_t *)&a;

	(void)snprintf(buf, INET_ADDRSTRLEN, "%u.%u.%u.%u", p[0], p[1], p[2],
	    p[3]);
	return (buf);
}

/*
 * Parse a dotted quad, exactly four decimal parts of 0..255 with no
 * leading zeros and nothing after.  EINVAL otherwise.
 */
int
inet_aton_strict(const char *s, in_addr_t *a)
{
	uint8_t *p = (uint8_t *)a;
	uint8_t out[4];
	int i, v, digits;

	for (i = 0; i < 4; i++) {
		v = 0;
		digits = 0;
		while (*s >= '0' && *s <= '9') {
			if (digits > 0 && v == 0)
				return (EINVAL);	/* leading zero */
			v = v * 10 + (*s - '0');
			if (v > 255)
				return (EINVAL);
			digits++;
			s++;
		}
		if (digits == 0)
			return (EINVAL);
		out[i] = (uint8_t)v;
		if (i < 3 && *s++ != '.')
			return (EINVAL);
	}
	if (*s != '\0')
		return (EINVAL);
	memcpy(p, out, 4);
	return (0);
}

/* Once a second or so, from taskqueue_net, with the lock held. */
void
net_timer(uint64_t now)
{
	NET_LOCK_ASSERT();
	arp_timer(now);
	ip_reass_timer(now);
}
