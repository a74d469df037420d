/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * A fake Ethernet interface for the stack's host tests and fuzzer: what
 * the stack transmits is kept in a queue the test reads back.
 */
#ifndef _NET_FAKE_H_
#define	_NET_FAKE_H_

#include <sys/mbuf.h>
#include <net/if_var.h>

extern struct ifnet	*fake_ifp;
extern struct mbufq	 fake_txq;		/* frames sent, oldest first */
extern const uint8_t	 fake_mac[6];		/* the interface's MAC */
extern const uint8_t	 peer_mac[6];		/* the other end's */

void		 fake_setup(const char *addr, int plen);
void		 fake_teardown(void);
void		 fake_input(const void *frame, int len);
struct mbuf	*fake_frame(const uint8_t *dst, const uint8_t *src,
		    uint16_t type, const void *payload, int len);
int		 fake_sent(void);
struct mbuf	*fake_next_sent(void);
in_addr_t	 ip4(const char *);

#endif /* !_NET_FAKE_H_ */
