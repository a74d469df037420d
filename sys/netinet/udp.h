/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _NETINET_UDP_H_
#define	_NETINET_UDP_H_

/* The UDP header (RFC 768). */

struct udphdr {
	uint16_t	uh_sport;
	uint16_t	uh_dport;
	uint16_t	uh_ulen;	/* header and data */
	uint16_t	uh_sum;		/* 0: none */
} __packed;

#endif /* !_NETINET_UDP_H_ */
