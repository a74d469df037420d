/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * mbuf(9): packet buffers, packet queues and page pools.
 *
 * mbufs come from malloc(9) (type M_MBUF, MSIZE bytes each); default
 * clusters are whole pages from kmem_malloc(), and up to MCL_CACHE_MAX
 * freed ones are kept for reuse (mapping a page costs hypercalls);
 * m_reclaim() gives the cached ones back.  Page
 * pools (pagepool_create) hold a fixed number of pages taken from
 * kmem_malloc() when they are made; their free pages are linked through
 * their first word, so taking and returning one is a few stores under a
 * spin mutex (events masked): a network driver calls pagepool_get() from
 * its receive path to refill the ring and never allocates there.
 *
 * Every buffer has exactly one owner, so no reference counts: m_dup()
 * copies data.  Lengths are ints; the chain routines check offsets and lengths against what the
 * chain holds and fail (EINVAL, NULL) rather than run off its end, since
 * callers pass values that came from packet headers.
 *
 * Context: any.  Allocation with M_NOWAIT may be done with events masked
 * (malloc(9) allows it); M_WAITOK only from a thread.  mbufs themselves
 * are not locked: a packet belongs to whoever holds the pointer.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/mbuf.h>
#include <sys/sysctl.h>
#include <vm/vm_kern.h>

MALLOC_DEFINE(M_MBUF, "mbuf", "packet buffers");
MALLOC_DEFINE(M_PAGEPOOL, "pagepool", "page pool headers");

CTASSERT(sizeof(struct mbuf) <= MSIZE / 2);

struct mbstat mbstat;

SYSCTL_NODE(_kern, ipc, "packet buffers");
SYSCTL_ULONG(_kern_ipc, mbufs, &mbstat.m_mbufs, "mbufs allocated");
SYSCTL_ULONG(_kern_ipc, clusters, &mbstat.m_clusters,
    "default clusters allocated");
SYSCTL_ULONG(_kern_ipc, poolpages, &mbstat.m_poolpages,
    "page-pool pages out of their pools");
SYSCTL_ULONG(_kern_ipc, drops, &mbstat.m_drops,
    "mbuf, cluster and page requests that failed");

/*
 * A page pool.  Lock: pp_mtx (spin) [p]; [I] immutable.
 */
struct pagepool {
	struct mtx	 pp_mtx;
	const char	*pp_name;	/* [I] */
	u_int		 pp_npages;	/* [I] pages owned */
	u_int		 pp_nfree;	/* [p] pages in the free list */
	void		*pp_free;	/* [p] free list, through word 0 */
	vm_offset_t	*pp_pages;	/* [I] every page, for destroy */
	bool		 pp_dying;	/* [p] destroyed; free on last put */
};

/* mbstat and the cluster cache are updated under this spin mutex. */
static struct mtx mbstat_mtx;

#define	MCL_CACHE_MAX	128
static void *mcl_cache;			/* free clusters, through word 0 */
static u_int mcl_ncached;

static void
mbuf_init(void *arg)
{
	mtx_init(&mbstat_mtx, "mbstat", MTX_SPIN);
}
SYSINIT(mbuf, SI_SUB_KMEM, SI_ORDER_ANY, mbuf_init, NULL);

static void
mbstat_add(u_long *ctr, long n)
{
	mtx_lock_spin(&mbstat_mtx);
	*ctr += n;
	mtx_unlock_spin(&mbstat_mtx);
}

static struct mbuf *
m_init(struct mbuf *m, int flags)
{
	m->m_next = NULL;
	m->m_nextpkt = NULL;
	m->m_data = m->m_dat;
	m->m_len = 0;
	m->m_flags = flags;
	m->m_pkthdr.rcvif = NULL;
	m->m_pkthdr.len = 0;
	m->m_pkthdr.csum_flags = 0;
	m->m_pkthdr.flowid = 0;
	m->m_ext.ext_buf = NULL;
	m->m_ext.ext_size = 0;
	m->m_ext.ext_pool = NULL;
	return (m);
}

struct mbuf *
m_get(int how)
{
	struct mbuf *m;

	m = malloc(MSIZE, M_MBUF, how);
	if (m == NULL) {
		mbstat_add(&mbstat.m_drops, 1);
		return (NULL);
	}
	mbstat_add(&mbstat.m_mbufs, 1);
	return (m_init(m, 0));
}

struct mbuf *
m_gethdr(int how)
{
	struct mbuf *m;

	m = m_get(how);
	if (m != NULL)
		m->m_flags |= M_PKTHDR;
	return (m);
}

static void *
mcl_alloc(void)
{
	void **cl;

	mtx_lock_spin(&mbstat_mtx);
	cl = mcl_cache;
	if (cl != NULL) {
		mcl_cache = *cl;
		mcl_ncached--;
	}
	mtx_unlock_spin(&mbstat_mtx);
	if (cl == NULL)
		cl = (void **)kmem_malloc(PAGE_SIZE, M_NOWAIT);
	return (cl);
}

static void
mcl_free(void *p)
{
	void **cl = p;

	mtx_lock_spin(&mbstat_mtx);
	if (mcl_ncached < MCL_CACHE_MAX) {
		*cl = mcl_cache;
		mcl_cache = cl;
		mcl_ncached++;
		cl = NULL;
	}
	mtx_unlock_spin(&mbstat_mtx);
	if (cl != NULL)
		kmem_free((vm_offset_t)cl, PAGE_SIZE);
}

/* Give the cached free clusters back to kmem. */
void
m_reclaim(void)
{
	void **cl;

	for (;;) {
		mtx_lock_spin(&mbstat_mtx);
		cl = mcl_cache;
		if (cl != NULL) {
			mcl_cache = *cl;
			mcl_ncached--;
		}
		mtx_unlock_spin(&mbstat_mtx);
		if (cl == NULL)
			break;
		kmem_free((vm_offset_t)cl, PAGE_SIZE);
	}
}

/* An mbuf with a default cluster; flags is M_PKTHDR or 0. */
struct mbuf *
m_getcl(int how, int flags)
{
	struct mbuf *m;
	void *cl;

	m = m_get(how);
	if (m == NULL)
		return (NULL);
	cl = mcl_alloc();
	if (cl == NULL) {
		mbstat_add(&mbstat.m_drops, 1);
		(void)m_free(m);
		return (NULL);
	}
	mbstat_add(&mbstat.m_clusters, 1);
	m->m_flags |= M_EXT | (flags & M_PKTHDR);
	m->m_ext.ext_buf = cl;
	m->m_ext.ext_size = MCLBYTES;
	m->m_data = cl;
	return (m);
}

/* Free one mbuf and what it owns; returns the next one of the chain. */
struct mbuf *
m_free(struct mbuf *m)
{
	struct mbuf *n;

	n = m->m_next;
	if ((m->m_flags & M_EXT) != 0) {
		if (m->m_ext.ext_pool != NULL)
			pagepool_put(m->m_ext.ext_pool, m->m_ext.ext_buf);
		else {
			mcl_free(m->m_ext.ext_buf);
			mbstat_add(&mbstat.m_clusters, -1);
		}
	}
	free(m, M_MBUF);
	mbstat_add(&mbstat.m_mbufs, -1);
	return (n);
}

void
m_freem(struct mbuf *m)
{
	while (m != NULL)
		m = m_free(m);
}

/* Put len bytes of data at the end of an empty mbuf's buffer. */
void
m_align(struct mbuf *m, int len)
{
	KASSERT(m->m_len == 0 && len <= M_SIZE(m),
	    ("m_align: %d bytes in mbuf with %d", len, m->m_len));
	m->m_data = M_START(m) + ((M_SIZE(m) - len) & ~(int)(sizeof(long) - 1));
}

/* Bytes in the chain; *last (if not NULL) gets its last mbuf. */
int
m_length(struct mbuf *m, struct mbuf **last)
{
	int len;

	len = 0;
	for (; m != NULL; m = m->m_next) {
		len += m->m_len;
		if (last != NULL)
			*last = m;
	}
	return (len);
}

/* Recompute the packet header's length from the chain. */
void
m_fixhdr(struct mbuf *m)
{
	m->m_pkthdr.len = m_length(m, NULL);
}

/*
 * Put a fresh mbuf with len bytes in front of the chain (which moves its
 * packet header there).  Frees the chain and returns NULL if memory is
 * short.
 */
struct mbuf *
m_prepend(struct mbuf *m, int len, int how)
{
	struct mbuf *mn;

	if (len < 0 || len > MLEN) {
		m_freem(m);
		return (NULL);
	}
	mn = m_get(how);
	if (mn == NULL) {
		m_freem(m);
		return (NULL);
	}
	if ((m->m_flags & M_PKTHDR) != 0) {
		mn->m_pkthdr = m->m_pkthdr;
		mn->m_flags |= m->m_flags & M_COPYFLAGS;
		m->m_flags &= ~M_COPYFLAGS;
		mn->m_pkthdr.len += len;
	}
	mn->m_next = m;
	m_align(mn, len);
	mn->m_len = len;
	return (mn);
}

/*
 * Trim len bytes from the head of the packet (len > 0) or -len bytes from
 * its tail (len < 0).  Trimming more than there is leaves it empty.
 */
void
m_adj(struct mbuf *mp, int req_len)
{
	struct mbuf *m;
	int len, count;

	if (mp == NULL)
		return;
	len = req_len;
	if (len >= 0) {
		for (m = mp; m != NULL && len > 0; m = m->m_next) {
			if (m->m_len <= len) {
				len -= m->m_len;
				m->m_data += m->m_len;
				m->m_len = 0;
			} else {
				m->m_data += len;
				m->m_len -= len;
				len = 0;
			}
		}
		if ((mp->m_flags & M_PKTHDR) != 0)
			mp->m_pkthdr.len -= req_len - len;
		return;
	}
	/* From the tail: keep the first (total - n) bytes. */
	len = -len;
	count = m_length(mp, NULL) - len;
	if (count < 0)
		count = 0;
	if ((mp->m_flags & M_PKTHDR) != 0)
		mp->m_pkthdr.len = count;
	for (m = mp; m != NULL; m = m->m_next) {
		if (m->m_len >= count) {
			m->m_len = count;
			/* Empty the rest, keeping the chain's buffers. */
			for (m = m->m_next; m != NULL; m = m->m_next)
				m->m_len = 0;
			return;
		}
		count -= m->m_len;
	}
}

/*
 * Make the first len bytes of the packet contiguous in its first mbuf.
 * Returns the (possibly new) head, or NULL -- with the chain freed -- if
 * the packet is shorter than len or memory is short.  len may be up to
 * MLEN, or up to the first buffer's size if it is a cluster.
 */
struct mbuf *
m_pullup(struct mbuf *n, int len)
{
	struct mbuf *m;
	int count, space;

	if (len <= 0 || len > MCLBYTES)
		goto bad;
	if (n->m_len >= len)
		return (n);
	/*
	 * Room at the end of the first mbuf for the missing bytes: copy in
	 * place.  Otherwise a fresh mbuf (or cluster) takes the header.
	 */
	if (M_SIZE(n) - M_LEADINGSPACE(n) >= len) {
		m = n;
		n = n->m_next;
		len -= m->m_len;
	} else {
		if (len > MLEN)
			m = m_getcl(M_NOWAIT, 0);
		else
			m = m_get(M_NOWAIT);
		if (m == NULL)
			goto bad;
		if ((n->m_flags & M_PKTHDR) != 0) {
			m->m_pkthdr = n->m_pkthdr;
			m->m_flags |= n->m_flags & M_COPYFLAGS;
			n->m_flags &= ~M_COPYFLAGS;
		}
	}
	space = M_TRAILINGSPACE(m);
	while (len > 0 && n != NULL) {
		count = MIN(MIN(space, len), n->m_len);
		memcpy(m->m_data + m->m_len, n->m_data, count);
		len -= count;
		m->m_len += count;
		space -= count;
		n->m_len -= count;
		n->m_data += count;
		if (n->m_len == 0)
			n = m_free(n);
	}
	m->m_next = n;
	if (len > 0) {
		m_freem(m);
		return (NULL);
	}
	return (m);
bad:
	m_freem(n);
	return (NULL);
}

/*
 * Copy len bytes from offset off of the chain into cp.  EINVAL (and
 * nothing copied past the end) if the chain is shorter than off + len.
 */
int
m_copydata(const struct mbuf *m, int off, int len, void *cp)
{
	uint8_t *p;
	int count;

	if (off < 0 || len < 0)
		return (EINVAL);
	p = cp;
	while (m != NULL && off >= m->m_len) {
		off -= m->m_len;
		m = m->m_next;
	}
	while (len > 0) {
		if (m == NULL)
			return (EINVAL);
		count = MIN(m->m_len - off, len);
		memcpy(p, m->m_data + off, count);
		len -= count;
		p += count;
		off = 0;
		m = m->m_next;
	}
	return (0);
}

/* Append len zero bytes to the chain, growing it as needed. */
static int
m_extend(struct mbuf *m, int len, int how)
{
	struct mbuf *n;
	int count;

	while (m->m_next != NULL)
		m = m->m_next;
	while (len > 0) {
		count = MIN(M_TRAILINGSPACE(m), len);
		memset(m->m_data + m->m_len, 0, count);
		m->m_len += count;
		len -= count;
		if (len == 0)
			break;
		n = len > MLEN ? m_getcl(how, 0) : m_get(how);
		if (n == NULL)
			return (ENOBUFS);
		m->m_next = n;
		m = n;
	}
	return (0);
}

/*
 * Copy len bytes from cp into the chain at offset off, growing it (with
 * zeroes up to off) if it is too short.  Returns 0, EINVAL for a negative
 * offset or length, or ENOBUFS if it could not grow.
 */
int
m_copyback(struct mbuf *m0, int off, int len, const void *cp, int how)
{
	struct mbuf *m;
	const uint8_t *p;
	int count, cur, error;

	if (off < 0 || len < 0 || off > INT_MAX - len)
		return (EINVAL);
	cur = m_length(m0, NULL);
	if (cur < off + len) {
		error = m_extend(m0, off + len - cur, how);
		if (error != 0)
			return (error);
	}
	if ((m0->m_flags & M_PKTHDR) != 0 && m0->m_pkthdr.len < off + len)
		m0->m_pkthdr.len = off + len;
	p = cp;
	m = m0;
	while (off >= m->m_len && len > 0) {
		off -= m->m_len;
		m = m->m_next;
	}
	while (len > 0) {
		count = MIN(m->m_len - off, len);
		memcpy(m->m_data + off, p, count);
		p += count;
		len -= count;
		off = 0;
		m = m->m_next;
	}
	return (0);
}

/*
 * Copy len bytes of chain src from offset soff into chain dst at offset
 * doff, growing dst as m_copyback does.  EINVAL if src is too short.
 */
int
m_copychain(struct mbuf *dst, int doff, const struct mbuf *src, int soff,
    int len, int how)
{
	int count, error;

	if (soff < 0 || len < 0 || doff < 0)
		return (EINVAL);
	while (src != NULL && soff >= src->m_len) {
		soff -= src->m_len;
		src = src->m_next;
	}
	while (len > 0) {
		if (src == NULL)
			return (EINVAL);
		count = MIN(src->m_len - soff, len);
		error = m_copyback(dst, doff, count, src->m_data + soff, how);
		if (error != 0)
			return (error);
		doff += count;
		len -= count;
		soff = 0;
		src = src->m_next;
	}
	return (0);
}

/*
 * A packet holding a copy of len bytes at buf, in one mbuf or a chain of
 * clusters, with 'lead' bytes of room in front of the data (for headers).
 */
struct mbuf *
m_devget(const void *buf, int len, int lead, struct ifnet *ifp, int how)
{
	struct mbuf *m, *top, **mp;
	const uint8_t *p;
	int count;

	if (len < 0 || lead < 0 || lead > MLEN)
		return (NULL);
	p = buf;
	top = NULL;
	mp = &top;
	while (len > 0 || top == NULL) {
		if (top == NULL && len + lead <= MLEN)
			m = m_gethdr(how);
		else if (len + lead > MLEN)
			m = m_getcl(how, top == NULL ? M_PKTHDR : 0);
		else
			m = m_get(how);
		if (m == NULL) {
			m_freem(top);
			return (NULL);
		}
		if (top == NULL) {
			m->m_pkthdr.rcvif = ifp;
			m->m_data += lead;
		}
		count = MIN(M_TRAILINGSPACE(m), len);
		memcpy(m->m_data, p, count);
		m->m_len = count;
		p += count;
		len -= count;
		lead = 0;
		*mp = m;
		mp = &m->m_next;
	}
	m_fixhdr(top);
	return (top);
}

/* A deep copy of a packet, in as few buffers as practical. */
struct mbuf *
m_dup(const struct mbuf *m, int how)
{
	const struct mbuf *mm;
	struct mbuf *top, *n, **np;
	int len, off, count;

	len = 0;
	for (mm = m; mm != NULL; mm = mm->m_next)
		len += mm->m_len;
	top = NULL;
	np = &top;
	off = 0;
	do {
		n = len - off > MLEN ? m_getcl(how, 0) : m_get(how);
		if (n == NULL) {
			m_freem(top);
			return (NULL);
		}
		count = MIN(M_SIZE(n), len - off);
		(void)m_copydata(m, off, count, n->m_data);
		n->m_len = count;
		off += count;
		*np = n;
		np = &n->m_next;
	} while (off < len);
	if ((m->m_flags & M_PKTHDR) != 0) {
		top->m_flags |= m->m_flags & M_COPYFLAGS;
		top->m_pkthdr = m->m_pkthdr;
	}
	return (top);
}

/* Append chain n to chain m (n's packet header is dropped). */
void
m_cat(struct mbuf *m, struct mbuf *n)
{
	while (m->m_next != NULL)
		m = m->m_next;
	if (n != NULL)
		n->m_flags &= ~M_COPYFLAGS;
	m->m_next = n;
}

/*
 * Packet queues.
 */
void
mbufq_init(struct mbufq *mq, int maxlen)
{
	mq->mq_head = mq->mq_tail = NULL;
	mq->mq_len = 0;
	mq->mq_maxlen = maxlen;
}

/* ENOBUFS if full: the caller still owns (and usually frees) m. */
int
mbufq_enqueue(struct mbufq *mq, struct mbuf *m)
{
	if (mq->mq_len >= mq->mq_maxlen)
		return (ENOBUFS);
	m->m_nextpkt = NULL;
	if (mq->mq_tail != NULL)
		mq->mq_tail->m_nextpkt = m;
	else
		mq->mq_head = m;
	mq->mq_tail = m;
	mq->mq_len++;
	return (0);
}

struct mbuf *
mbufq_dequeue(struct mbufq *mq)
{
	struct mbuf *m;

	m = mq->mq_head;
	if (m == NULL)
		return (NULL);
	mq->mq_head = m->m_nextpkt;
	if (mq->mq_head == NULL)
		mq->mq_tail = NULL;
	m->m_nextpkt = NULL;
	mq->mq_len--;
	return (m);
}

void
mbufq_drain(struct mbufq *mq)
{
	struct mbuf *m;

	while ((m = mbufq_dequeue(mq)) != NULL)
		m_freem(m);
}

/*
 * Page pools.
 */
static void
pagepool_free(struct pagepool *pp)
{
	u_int i;

	for (i = 0; i < pp->pp_npages; i++)
		kmem_free(pp->pp_pages[i], PAGE_SIZE);
	mtx_destroy(&pp->pp_mtx);
	free(pp->pp_pages, M_PAGEPOOL);
	free(pp, M_PAGEPOOL);
}

/* A pool of npages pages, all allocated now; NULL if memory is short. */
struct pagepool *
pagepool_create(const char *name, u_int npages, int how)
{
	struct pagepool *pp;
	void **pg;
	u_int i;

	if (npages == 0)
		return (NULL);
	pp = malloc(sizeof(*pp), M_PAGEPOOL, how | M_ZERO);
	if (pp == NULL)
		return (NULL);
	pp->pp_pages = malloc(npages * sizeof(vm_offset_t), M_PAGEPOOL,
	    how | M_ZERO);
	if (pp->pp_pages == NULL) {
		free(pp, M_PAGEPOOL);
		return (NULL);
	}
	mtx_init(&pp->pp_mtx, name, MTX_SPIN);
	pp->pp_name = name;
	for (i = 0; i < npages; i++) {
		pp->pp_pages[i] = kmem_malloc(PAGE_SIZE, M_NOWAIT);
		if (pp->pp_pages[i] == 0) {
			pp->pp_npages = i;
			pagepool_free(pp);
			return (NULL);
		}
		pg = (void **)pp->pp_pages[i];
		*pg = pp->pp_free;
		pp->pp_free = pg;
	}
	pp->pp_npages = npages;
	pp->pp_nfree = npages;
	return (pp);
}

/*
 * Destroy a pool.  Pages still out (in packets somewhere) keep it alive
 * until they come back; the last pagepool_put() frees it.  Returns 0 if
 * it was freed now, EBUSY if that was deferred.
 */
int
pagepool_destroy(struct pagepool *pp)
{
	bool now;

	mtx_lock_spin(&pp->pp_mtx);
	pp->pp_dying = true;
	now = pp->pp_nfree == pp->pp_npages;
	mtx_unlock_spin(&pp->pp_mtx);
	if (now)
		pagepool_free(pp);
	return (now ? 0 : EBUSY);
}

/* A free page of the pool, or NULL if none is left.  Any context. */
void *
pagepool_get(struct pagepool *pp)
{
	void **pg;

	mtx_lock_spin(&pp->pp_mtx);
	pg = pp->pp_free;
	if (pg != NULL && !pp->pp_dying) {
		pp->pp_free = *pg;
		pp->pp_nfree--;
	} else
		pg = NULL;
	mtx_unlock_spin(&pp->pp_mtx);
	if (pg == NULL)
		return (NULL);
	*pg = NULL;
	mbstat_add(&mbstat.m_poolpages, 1);
	return (pg);
}

void
pagepool_put(struct pagepool *pp, void *page)
{
	void **pg;
	bool last;

	KASSERT(((uintptr_t)page & PAGE_MASK) == 0,
	    ("pagepool_put: %p is not a page", page));
	pg = page;
	mtx_lock_spin(&pp->pp_mtx);
	*pg = pp->pp_free;
	pp->pp_free = pg;
	pp->pp_nfree++;
	KASSERT(pp->pp_nfree <= pp->pp_npages,
	    ("pagepool_put: pool %s over-full", pp->pp_name));
	last = pp->pp_dying && pp->pp_nfree == pp->pp_npages;
	mtx_unlock_spin(&pp->pp_mtx);
	mbstat_add(&mbstat.m_poolpages, -1);
	if (last)
		pagepool_free(pp);
}

u_int
pagepool_avail(const struct pagepool *pp)
{
	return (pp->pp_nfree);
}

/*
 * Wrap a page taken from pool pp (pagepool_get) in a packet-header mbuf;
 * freeing the mbuf returns the page.  On failure the page is returned to
 * the pool and NULL comes back.
 */
struct mbuf *
m_attachpage(struct pagepool *pp, void *page, int how)
{
	struct mbuf *m;

	m = m_gethdr(how);
	if (m == NULL) {
		pagepool_put(pp, page);
		return (NULL);
	}
	m->m_flags |= M_EXT;
	m->m_ext.ext_buf = page;
	m->m_ext.ext_size = PAGE_SIZE;
	m->m_ext.ext_pool = pp;
	m->m_data = page;
	return (m);
}

/* A packet-header mbuf whose buffer is a page of pool pp. */
struct mbuf *
m_getpage(struct pagepool *pp, int how)
{
	void *page;

	page = pagepool_get(pp);
	if (page == NULL) {
		mbstat_add(&mbstat.m_drops, 1);
		return (NULL);
	}
	return (m_attachpage(pp, page, how));
}
