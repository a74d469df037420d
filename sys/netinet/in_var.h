/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _NETINET_IN_VAR_H_
#define	_NETINET_IN_VAR_H_

/*
 * The IPv4 stack's software state: interface addresses, the default
 * gateway, statistics, and the entry points between the layers.  Every
 * function here is called with the network lock held (NET_LOCK, see
 * <net/if_var.h>) unless it says otherwise; all addresses are in network
 * order.
 */

#include <sys/queue.h>
#include <netinet/in.h>

struct ifnet;
struct mbuf;

struct in_ifaddr {
	TAILQ_ENTRY(in_ifaddr) ia_link;	/* [n] the interface's list */
	struct ifnet	*ia_ifp;	/* [I] */
	in_addr_t	 ia_addr;	/* [I] */
	in_addr_t	 ia_mask;	/* [I] */
	in_addr_t	 ia_net;	/* [I] addr & mask */
	in_addr_t	 ia_broadaddr;	/* [I] */
	int		 ia_plen;	/* [I] prefix length */
};

/* Reassembly limits: memory and time are bounded. */
#define	IPREASS_MAXQ		16	/* datagrams being reassembled */
#define	IPREASS_MAXFRAGS	64	/* fragments per datagram */
#define	IPREASS_MAXBYTES	(256 * 1024) /* held in all queues */
#define	IPREASS_TIMEOUT_S	15	/* from the first fragment */

struct ipstat {
	u_long	total;			/* datagrams received */
	u_long	badsum;			/* header checksum wrong */
	u_long	tooshort;		/* shorter than ip_len */
	u_long	toosmall;		/* shorter than a header */
	u_long	badhlen;		/* header length out of range */
	u_long	badlen;			/* ip_len out of range */
	u_long	badvers;		/* not version 4 */
	u_long	badaddr;		/* source multicast or broadcast */
	u_long	notforus;		/* not addressed to us: dropped */
	u_long	fragments;		/* fragments received */
	u_long	fragdropped;		/* dropped: overlap, limits, bad */
	u_long	fragtimeout;		/* dropped: reassembly timed out */
	u_long	reassembled;		/* datagrams rebuilt */
	u_long	noproto;		/* protocol we do not speak */
	u_long	delivered;		/* handed to ICMP or UDP */
	u_long	localout;		/* datagrams sent */
	u_long	noroute;		/* no interface for the destination */
	u_long	odropped;		/* dropped on output (no buffer) */
	u_long	fragmented;		/* datagrams sent as fragments */
	u_long	ofragments;		/* fragments sent */
	u_long	cantfrag;		/* too big and DF set */
};
extern struct ipstat ipstat;

struct icmpstat {
	u_long	received;
	u_long	tooshort;
	u_long	badsum;
	u_long	echo;			/* echo requests received */
	u_long	echoreply;		/* echo replies received */
	u_long	unreach;		/* unreachables received */
	u_long	other;			/* other types received */
	u_long	outecho;		/* echo requests sent */
	u_long	outechoreply;		/* echo replies sent */
	u_long	outerror;		/* errors sent */
};
extern struct icmpstat icmpstat;

extern in_addr_t	in_defgw;	/* [n] default gateway, or 0 */

/* in.c */
int	 in_addaddr(struct ifnet *, in_addr_t, int);
int	 in_deladdr(struct ifnet *, in_addr_t);
void	 in_purgeaddrs(struct ifnet *);
struct in_ifaddr *in_ifaddr_first(struct ifnet *);
bool	 in_ours(struct ifnet *, in_addr_t, bool *);
bool	 in_hasaddr(struct ifnet *, in_addr_t);
int	 in_route(in_addr_t, struct ifnet **, in_addr_t *, in_addr_t *);
uint16_t in_cksum(const struct mbuf *, int, int);
uint32_t in_cksum_sum(const struct mbuf *, int, int, uint32_t);
uint32_t in_cksum_add(uint32_t, const void *, int);
uint16_t in_cksum_fold(uint32_t);
uint32_t in_pseudo(in_addr_t, in_addr_t, uint8_t, uint16_t);

/* ip_input.c, ip_reass.c, ip_output.c */
void	 ip_input(struct mbuf *);
int	 ip_output(struct mbuf *, in_addr_t, in_addr_t, uint8_t, uint8_t,
	    uint16_t);
struct mbuf *ip_reass(struct mbuf *);
void	 ip_reass_timer(uint64_t);
void	 ip_reass_drain(void);
int	 ip_reass_count(void);

/* ip_icmp.c */
void	 icmp_input(struct mbuf *, int);
void	 icmp_error(struct mbuf *, int, int);
int	 icmp_echo_send(in_addr_t, uint16_t, uint16_t, int, uint8_t);
typedef void icmp_echo_fn(void *, in_addr_t, uint16_t, uint16_t, int, int);
int	 icmp_echo_listen(uint16_t, icmp_echo_fn *, void *);
void	 icmp_echo_unlisten(uint16_t);

/* udp_usrreq.c */
void	 udp_input(struct mbuf *, int);

/* The periodic work of the stack (ARP, reassembly), now in ns. */
void	 net_timer(uint64_t);

#endif /* !_NETINET_IN_VAR_H_ */
