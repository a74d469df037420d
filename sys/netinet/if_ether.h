/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _NETINET_IF_ETHER_H_
#define	_NETINET_IF_ETHER_H_

/* ARP for IPv4 over Ethernet (RFC 826). */

#include <net/ethernet.h>

#define	ARPHRD_ETHER	1
#define	ARPOP_REQUEST	1
#define	ARPOP_REPLY	2

struct ether_arp {
	uint16_t	ar_hrd;
	uint16_t	ar_pro;
	uint8_t		ar_hln;
	uint8_t		ar_pln;
	uint16_t	ar_op;
	uint8_t		arp_sha[ETHER_ADDR_LEN];
	uint8_t		arp_spa[4];
	uint8_t		arp_tha[ETHER_ADDR_LEN];
	uint8_t		arp_tpa[4];
} __packed;

/* The cache's limits. */
#define	ARP_TABLE_SIZE	64		/* entries, over all interfaces */
#define	ARP_MAXHOLD	4		/* packets waiting per entry */
#define	ARP_MAXTRIES	5		/* requests before giving up */
#define	ARP_KEEP_S	1200		/* a resolved entry lives 20 min */
#define	ARP_RETRY_MS	1000		/* between requests */
#define	ARP_DOWN_S	20		/* an unanswered one is kept 20 s */

struct ifnet;
struct mbuf;

struct arpstat {
	u_long	rxrequests;		/* requests received */
	u_long	rxreplies;		/* replies received */
	u_long	txrequests;		/* requests sent */
	u_long	txreplies;		/* replies sent */
	u_long	received;		/* ARP packets received */
	u_long	badpkt;			/* malformed or nonsense */
	u_long	dupip;			/* someone else uses our address */
	u_long	held;			/* packets queued for an answer */
	u_long	dropped;		/* packets dropped: queue full or
					   no answer */
	u_long	timeouts;		/* entries given up on */
};
extern struct arpstat arpstat;

/* One cache entry, as arp_foreach shows it. */
struct arp_info {
	struct ifnet	*ai_ifp;
	in_addr_t	 ai_addr;
	uint8_t		 ai_lladdr[ETHER_ADDR_LEN];
	bool		 ai_resolved;
	int		 ai_expire_s;	/* seconds left */
	int		 ai_held;	/* packets waiting */
};

void	arp_input(struct ifnet *, struct mbuf *);
int	arp_resolve(struct ifnet *, struct mbuf *, in_addr_t, uint8_t *);
void	arp_timer(uint64_t);
void	arp_ifdetach(struct ifnet *);
void	arp_announce(struct ifnet *, in_addr_t);
void	arp_foreach(void (*)(const struct arp_info *, void *), void *);
void	arp_flush(void);

#endif /* !_NETINET_IF_ETHER_H_ */
