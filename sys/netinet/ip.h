/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _NETINET_IP_H_
#define	_NETINET_IP_H_

/* The IPv4 header (RFC 791). */

#define	IPVERSION	4
#define	IP_MAXPACKET	65535

struct ip {
	uint8_t		ip_vhl;		/* version << 4 | header words */
	uint8_t		ip_tos;
	uint16_t	ip_len;		/* total length */
	uint16_t	ip_id;
	uint16_t	ip_off;		/* flags and fragment offset */
	uint8_t		ip_ttl;
	uint8_t		ip_p;
	uint16_t	ip_sum;
	struct in_addr	ip_src;
	struct in_addr	ip_dst;
} __packed;

#define	IP_VHL_V(vhl)	((vhl) >> 4)
#define	IP_VHL_HL(vhl)	((vhl) & 0x0f)
#define	IP_RF		0x8000
#define	IP_DF		0x4000
#define	IP_MF		0x2000
#define	IP_OFFMASK	0x1fff
#define	IPDEFTTL	64

#endif /* !_NETINET_IP_H_ */
