/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _NETINET_UDP_VAR_H_
#define	_NETINET_UDP_VAR_H_

/*
 * UDP sockets inside the kernel: bind a port (udp_open), receive the
 * datagrams that arrive for it (a bounded queue, an optional upcall),
 * send with udp_sendto.  Ports and addresses in the calls are in host
 * order for ports, network order for addresses.
 */

#include <sys/mbuf.h>
#include <netinet/in.h>

#define	UDP_RCVQ_MAX	64		/* datagrams queued per socket */

struct udp_sock;
/* Called with the network lock held when a datagram was queued. */
typedef void udp_upcall_t(struct udp_sock *, void *);

struct udp_sock {
	LIST_ENTRY(udp_sock) us_link;	/* [n] bound sockets */
	uint16_t	 us_lport;	/* [I] host order */
	struct mbufq	 us_rcvq;	/* [n] IP datagrams, headers kept */
	udp_upcall_t	*us_upcall;	/* [I] */
	void		*us_arg;	/* [I] */
	u_long		 us_rcvd;	/* [n] datagrams queued */
	u_long		 us_dropped;	/* [n] dropped: queue full */
};

struct udpstat {
	u_long	ipackets;		/* datagrams received */
	u_long	hdrops;			/* shorter than a header */
	u_long	badlen;			/* length field wrong */
	u_long	badsum;			/* checksum wrong */
	u_long	noport;			/* no socket on the port */
	u_long	fullsock;		/* socket queue full */
	u_long	opackets;		/* datagrams sent */
};
extern struct udpstat udpstat;

int	 udp_open(struct udp_sock **, uint16_t, udp_upcall_t *, void *);
void	 udp_close(struct udp_sock *);
int	 udp_sendto(struct udp_sock *, in_addr_t, uint16_t, const void *,
	    int);
int	 udp_sendto_m(struct udp_sock *, in_addr_t, uint16_t, struct mbuf *);
struct mbuf *udp_recv(struct udp_sock *, in_addr_t *, uint16_t *);

#endif /* !_NETINET_UDP_VAR_H_ */
