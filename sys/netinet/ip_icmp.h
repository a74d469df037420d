/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _NETINET_IP_ICMP_H_
#define	_NETINET_IP_ICMP_H_

/* ICMP (RFC 792): the header of the messages pvbsd uses. */

struct icmp {
	uint8_t		icmp_type;
	uint8_t		icmp_code;
	uint16_t	icmp_cksum;
	uint16_t	icmp_id;	/* echo */
	uint16_t	icmp_seq;	/* echo */
} __packed;

#define	ICMP_MINLEN		8
#define	ICMP_ECHOREPLY		0
#define	ICMP_UNREACH		3
#define	ICMP_UNREACH_PROTOCOL	2
#define	ICMP_UNREACH_PORT	3
#define	ICMP_ECHO		8
#define	ICMP_TIMXCEED		11

#endif /* !_NETINET_IP_ICMP_H_ */
