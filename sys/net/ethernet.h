/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _NET_ETHERNET_H_
#define	_NET_ETHERNET_H_

/* Ethernet II framing (no FCS: the backend neither gives nor wants it). */

#define	ETHER_ADDR_LEN		6
#define	ETHER_TYPE_LEN		2
#define	ETHER_HDR_LEN		(2 * ETHER_ADDR_LEN + ETHER_TYPE_LEN)
#define	ETHER_MIN_LEN		60	/* shortest frame sent, padded */
#define	ETHERMTU		1500
#define	ETHER_MAX_FRAME		(ETHER_HDR_LEN + 65535)

#define	ETHERTYPE_IP		0x0800
#define	ETHERTYPE_ARP		0x0806

struct ether_header {
	uint8_t		ether_dhost[ETHER_ADDR_LEN];
	uint8_t		ether_shost[ETHER_ADDR_LEN];
	uint16_t	ether_type;	/* network order */
} __packed;

#define	ETHER_IS_MULTICAST(a)	(((a)[0] & 0x01) != 0)
#define	ETHER_IS_BROADCAST(a)						\
	(((a)[0] & (a)[1] & (a)[2] & (a)[3] & (a)[4] & (a)[5]) == 0xff)

/* "xx:xx:xx:xx:xx:xx" and its NUL. */
#define	ETHER_ADDRSTRLEN	18

struct ifnet;
struct mbuf;

extern const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN];

void	 ether_ifattach(struct ifnet *, const uint8_t *);
void	 ether_ifdetach(struct ifnet *);
void	 ether_input(struct ifnet *, struct mbuf *);
int	 ether_output_frame(struct ifnet *, struct mbuf *, const uint8_t *,
	    uint16_t);
char	*ether_ntoa_r(const uint8_t *, char *);
int	 ether_aton_r(const char *, uint8_t *);

#endif /* !_NET_ETHERNET_H_ */
