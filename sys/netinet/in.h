/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _NETINET_IN_H_
#define	_NETINET_IN_H_

/* Internet addresses, protocol numbers and byte order. */

typedef uint32_t	in_addr_t;	/* network order */
typedef uint16_t	in_port_t;	/* network order */

struct in_addr {
	in_addr_t	s_addr;
};

#define	IPPROTO_ICMP		1
#define	IPPROTO_TCP		6
#define	IPPROTO_UDP		17

#define	INADDR_ANY		((in_addr_t)0x00000000)
#define	INADDR_BROADCAST	((in_addr_t)0xffffffff)
#define	IN_MULTICAST(a)		(((a) & 0xf0000000) == 0xe0000000)
#define	IN_LOOPBACK(a)		(((a) & 0xff000000) == 0x7f000000)

#define	INET_ADDRSTRLEN		16

/* amd64 is little-endian. */
#ifndef htons
#define	htons(x)	((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define	ntohs(x)	((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define	htonl(x)	((uint32_t)__builtin_bswap32((uint32_t)(x)))
#define	ntohl(x)	((uint32_t)__builtin_bswap32((uint32_t)(x)))
#endif

char	*inet_ntoa_r(in_addr_t, char *);
int	 inet_aton_strict(const char *, in_addr_t *);

#endif /* !_NETINET_IN_H_ */
