/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_MBUF_H_
#define	_SYS_MBUF_H_

/*
 * mbuf(9): packet buffers.
 *
 * A packet is a chain of mbufs linked by m_next; packets are linked into
 * queues by m_nextpkt.  The first mbuf of a packet carries M_PKTHDR and a
 * packet header (total length, receiving interface, checksum state, the
 * queue it came in on).  An mbuf holds its data either in its own small
 * area (MLEN bytes) or in an external buffer (M_EXT): a cluster of
 * MCLBYTES from the default cluster pool, or a page of a driver's
 * page pool (struct pagepool), which goes back to that pool when the mbuf
 * is freed.  External buffers are never shared: every mbuf owns what it
 * points to, so there are no reference counts and m_dup is a deep copy.
 *
 * A page pool is a fixed set of pages allocated up front; taking and
 * returning a page is a pointer swap with events masked, so a driver can
 * refill its receive ring from interrupt-like context without allocating.
 * A pool destroyed while some of its pages are still out (in packets on a
 * queue somewhere) lives on until the last one comes back.
 */

#include <sys/queue.h>

#define	MSIZE		256		/* size of an mbuf */
#define	MCLBYTES	4096		/* size of a cluster (one page) */

struct ifnet;
struct mbuf;
struct pagepool;

/* The packet header, valid in the first mbuf of a packet (M_PKTHDR). */
struct pkthdr {
	struct ifnet	*rcvif;		/* interface received on */
	int		 len;		/* total length of the packet */
	int		 csum_flags;	/* CSUM_* */
	u_int		 flowid;	/* queue of the interface */
};

/* An external buffer (M_EXT). */
struct m_ext {
	uint8_t		*ext_buf;	/* start of the buffer */
	u_int		 ext_size;	/* its size */
	struct pagepool	*ext_pool;	/* where it goes back to */
};

struct mbuf {
	struct mbuf	*m_next;	/* next buffer of this packet */
	struct mbuf	*m_nextpkt;	/* next packet in a queue */
	uint8_t		*m_data;	/* first byte of data */
	int		 m_len;		/* bytes of data here */
	int		 m_flags;	/* M_* */
	struct pkthdr	 m_pkthdr;	/* if M_PKTHDR */
	struct m_ext	 m_ext;		/* if M_EXT */
	uint8_t		 m_dat[];	/* internal data, MLEN bytes */
};

#define	MLEN		((int)(MSIZE - sizeof(struct mbuf)))

/* m_flags */
#define	M_PKTHDR	0x0001		/* m_pkthdr is valid */
#define	M_EXT		0x0002		/* data in an external buffer */
#define	M_BCAST		0x0010		/* received as link broadcast */
#define	M_MCAST		0x0020		/* received as link multicast */
#define	M_COPYFLAGS	(M_PKTHDR | M_BCAST | M_MCAST)

/* csum_flags */
#define	CSUM_DATA_VALID	0x0001		/* rx: the L4 checksum is known good */
#define	CSUM_IP_VALID	0x0002		/* rx: the IP header sum is good */
#define	CSUM_UDP	0x0010		/* tx: fill in the UDP checksum
					   (the field holds the pseudo sum) */

/* how: M_NOWAIT or M_WAITOK, as for malloc(9). */

#define	mtod(m, t)	((t)(void *)((m)->m_data))

/* The bytes of the buffer an mbuf uses. */
#define	M_START(m)	(((m)->m_flags & M_EXT) != 0 ?			\
			    (m)->m_ext.ext_buf : (m)->m_dat)
#define	M_SIZE(m)	(((m)->m_flags & M_EXT) != 0 ?			\
			    (int)(m)->m_ext.ext_size : MLEN)
#define	M_LEADINGSPACE(m) ((int)((m)->m_data - M_START(m)))
#define	M_TRAILINGSPACE(m) (M_SIZE(m) - M_LEADINGSPACE(m) - (m)->m_len)

/* A packet queue with a bound (drops counted by the caller). */
struct mbufq {
	struct mbuf	*mq_head;
	struct mbuf	*mq_tail;
	int		 mq_len;
	int		 mq_maxlen;
};

/* Counters for sysctl kern.ipc.* and leak checks. */
struct mbstat {
	u_long	m_mbufs;		/* mbufs allocated now */
	u_long	m_clusters;		/* default-pool clusters out now */
	u_long	m_poolpages;		/* pages of all pools out now */
	u_long	m_drops;		/* allocations that failed */
};
extern struct mbstat mbstat;

struct mbuf	*m_get(int how);
struct mbuf	*m_gethdr(int how);
struct mbuf	*m_getcl(int how, int flags);
struct mbuf	*m_free(struct mbuf *);
void		 m_freem(struct mbuf *);
void		 m_align(struct mbuf *, int);
int		 m_length(struct mbuf *, struct mbuf **);
struct mbuf	*m_prepend(struct mbuf *, int, int);
void		 m_adj(struct mbuf *, int);
struct mbuf	*m_pullup(struct mbuf *, int);
int		 m_copydata(const struct mbuf *, int, int, void *);
int		 m_copyback(struct mbuf *, int, int, const void *, int);
int		 m_copychain(struct mbuf *, int, const struct mbuf *, int, int,
		    int);
struct mbuf	*m_devget(const void *, int, int, struct ifnet *, int);
struct mbuf	*m_dup(const struct mbuf *, int);
void		 m_cat(struct mbuf *, struct mbuf *);
void		 m_fixhdr(struct mbuf *);
void		 m_reclaim(void);

/*
 * M_PREPEND(m, len, how): make room for len bytes in front of the
 * packet, in place if there is room; m becomes NULL (and the packet is
 * freed) when memory is short.
 */
#define	M_PREPEND(m, plen, how) do {					\
	if (M_LEADINGSPACE(m) >= (plen)) {				\
		(m)->m_data -= (plen);					\
		(m)->m_len += (plen);					\
		if (((m)->m_flags & M_PKTHDR) != 0)			\
			(m)->m_pkthdr.len += (plen);			\
	} else								\
		(m) = m_prepend((m), (plen), (how));			\
} while (0)

void		 mbufq_init(struct mbufq *, int);
int		 mbufq_enqueue(struct mbufq *, struct mbuf *);
struct mbuf	*mbufq_dequeue(struct mbufq *);
void		 mbufq_drain(struct mbufq *);
#define	mbufq_len(mq)	((mq)->mq_len)
#define	mbufq_full(mq)	((mq)->mq_len >= (mq)->mq_maxlen)

struct pagepool	*pagepool_create(const char *, u_int, int);
int		 pagepool_destroy(struct pagepool *);
void		*pagepool_get(struct pagepool *);
void		 pagepool_put(struct pagepool *, void *);
u_int		 pagepool_avail(const struct pagepool *);
struct mbuf	*m_getpage(struct pagepool *, int);
struct mbuf	*m_attachpage(struct pagepool *, void *, int);

#endif /* !_SYS_MBUF_H_ */
