/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * mbuf(9) on the host: sys/kern/uipc_mbuf.c under ASan/UBSan.  Each test
 * ends by checking that every mbuf, cluster, pool page and malloc block
 * it took was given back.
 */

#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

#include <atf-c.h>

#include "net_host_var.h"

static void
check_nothing_held(void)
{
	m_reclaim();
	ATF_CHECK_EQ_MSG(mbstat.m_mbufs, 0, "%lu mbufs held", mbstat.m_mbufs);
	ATF_CHECK_EQ_MSG(mbstat.m_clusters, 0, "%lu clusters held",
	    mbstat.m_clusters);
	ATF_CHECK_EQ_MSG(mbstat.m_poolpages, 0, "%lu pool pages held",
	    mbstat.m_poolpages);
	ATF_CHECK_EQ_MSG(kern_malloc_live, 0, "%ld malloc blocks held",
	    kern_malloc_live);
	ATF_CHECK_EQ_MSG(host_kmem_pages, 0, "%ld pages held",
	    host_kmem_pages);
}

static void
fill(uint8_t *p, int len, int seed)
{
	int i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed);
}

/* A chain of mbufs holding the given segment lengths of pattern data. */
static struct mbuf *
chain(const int *lens, int n, uint8_t *pattern)
{
	struct mbuf *top, *m, **mp;
	int i, off;

	top = NULL;
	mp = &top;
	off = 0;
	for (i = 0; i < n; i++) {
		m = lens[i] > MLEN ? m_getcl(M_NOWAIT, i == 0 ? M_PKTHDR : 0) :
		    (i == 0 ? m_gethdr(M_NOWAIT) : m_get(M_NOWAIT));
		ATF_REQUIRE(m != NULL);
		memcpy(m->m_data, pattern + off, lens[i]);
		m->m_len = lens[i];
		off += lens[i];
		*mp = m;
		mp = &m->m_next;
	}
	top->m_pkthdr.len = off;
	return (top);
}

ATF_TC_WITHOUT_HEAD(get_free_counts);
ATF_TC_BODY(get_free_counts, tc)
{
	struct mbuf *m, *n, *c;

	m = m_get(M_NOWAIT);
	n = m_gethdr(M_NOWAIT);
	c = m_getcl(M_NOWAIT, M_PKTHDR);
	ATF_REQUIRE(m != NULL && n != NULL && c != NULL);
	ATF_CHECK_EQ(mbstat.m_mbufs, 3);
	ATF_CHECK_EQ(mbstat.m_clusters, 1);
	ATF_CHECK((m->m_flags & M_PKTHDR) == 0);
	ATF_CHECK((n->m_flags & M_PKTHDR) != 0);
	ATF_CHECK((c->m_flags & (M_PKTHDR | M_EXT)) == (M_PKTHDR | M_EXT));
	ATF_CHECK_EQ(M_TRAILINGSPACE(c), MCLBYTES);
	ATF_CHECK_EQ(M_TRAILINGSPACE(m), MLEN);
	ATF_CHECK(MLEN >= 128);
	m->m_next = c;
	m_freem(m);
	m_freem(n);
	m_freem(NULL);
	check_nothing_held();
}

ATF_TC_WITHOUT_HEAD(prepend);
ATF_TC_BODY(prepend, tc)
{
	struct mbuf *m;
	uint8_t buf[64];

	/* Room in front: in place. */
	m = m_gethdr(M_NOWAIT);
	m_align(m, 20);
	m->m_len = m->m_pkthdr.len = 20;
	memset(m->m_data, 'a', 20);
	M_PREPEND(m, 14, M_NOWAIT);
	ATF_REQUIRE(m != NULL);
	ATF_CHECK_EQ(m->m_next, NULL);
	ATF_CHECK_EQ(m->m_pkthdr.len, 34);
	ATF_CHECK_EQ(M_LEADINGSPACE(m), MLEN - 20 - 14 -
	    (MLEN - 20) % (int)sizeof(long));
	m_freem(m);

	/* No room: a new mbuf takes the packet header. */
	m = m_gethdr(M_NOWAIT);
	memset(m->m_data, 'p', 30);
	m->m_len = m->m_pkthdr.len = 30;
	m->m_flags |= M_BCAST;
	M_PREPEND(m, 14, M_NOWAIT);
	ATF_REQUIRE(m != NULL);
	ATF_REQUIRE(m->m_next != NULL);
	ATF_CHECK((m->m_flags & (M_PKTHDR | M_BCAST)) == (M_PKTHDR | M_BCAST));
	ATF_CHECK((m->m_next->m_flags & M_PKTHDR) == 0);
	ATF_CHECK_EQ(m->m_len, 14);
	ATF_CHECK_EQ(m->m_pkthdr.len, 44);
	ATF_CHECK_EQ(m_length(m, NULL), 44);
	memset(m->m_data, 'h', 14);
	ATF_CHECK_EQ(m_copydata(m, 12, 4, buf), 0);
	ATF_CHECK(memcmp(buf, "hhpp", 4) == 0);
	/* More than an mbuf holds: refused, packet freed. */
	m = m_prepend(m, MLEN + 1, M_NOWAIT);
	ATF_CHECK_EQ(m, NULL);
	check_nothing_held();
}

ATF_TC_WITHOUT_HEAD(adj);
ATF_TC_BODY(adj, tc)
{
	static const int lens[] = { 10, 20, 30 };
	uint8_t pat[60], out[60];
	struct mbuf *m;

	fill(pat, 60, 1);
	m = chain(lens, 3, pat);
	m_adj(m, 15);		/* head, across the first mbuf */
	ATF_CHECK_EQ(m->m_pkthdr.len, 45);
	ATF_CHECK_EQ(m_length(m, NULL), 45);
	ATF_REQUIRE_EQ(m_copydata(m, 0, 45, out), 0);
	ATF_CHECK(memcmp(out, pat + 15, 45) == 0);
	m_adj(m, -35);		/* tail, across the last two */
	ATF_CHECK_EQ(m->m_pkthdr.len, 10);
	ATF_CHECK_EQ(m_length(m, NULL), 10);
	ATF_REQUIRE_EQ(m_copydata(m, 0, 10, out), 0);
	ATF_CHECK(memcmp(out, pat + 15, 10) == 0);
	ATF_CHECK_EQ(m_copydata(m, 0, 11, out), EINVAL);
	m_adj(m, 1000);		/* more than there is */
	ATF_CHECK_EQ(m->m_pkthdr.len, 0);
	ATF_CHECK_EQ(m_length(m, NULL), 0);
	m_freem(m);
	m = chain(lens, 3, pat);
	m_adj(m, -1000);
	ATF_CHECK_EQ(m->m_pkthdr.len, 0);
	ATF_CHECK_EQ(m_length(m, NULL), 0);
	m_freem(m);
	check_nothing_held();
}

ATF_TC_WITHOUT_HEAD(pullup);
ATF_TC_BODY(pullup, tc)
{
	static const int lens[] = { 6, 8, 100, 2 };
	uint8_t pat[116];
	struct mbuf *m;

	fill(pat, 116, 3);
	m = chain(lens, 4, pat);
	m = m_pullup(m, 40);
	ATF_REQUIRE(m != NULL);
	ATF_CHECK(m->m_len >= 40);
	ATF_CHECK((m->m_flags & M_PKTHDR) != 0);
	ATF_CHECK(memcmp(m->m_data, pat, 40) == 0);
	ATF_CHECK_EQ(m_length(m, NULL), 116);
	ATF_CHECK_EQ(m->m_pkthdr.len, 116);
	/* Already contiguous: the same mbuf back. */
	ATF_CHECK_EQ(m_pullup(m, 20), m);
	/* Everything, then one byte more than there is: freed, NULL. */
	m = m_pullup(m, 116);
	ATF_REQUIRE(m != NULL);
	ATF_CHECK(memcmp(m->m_data, pat, 116) == 0);
	m = m_pullup(m, 117);
	ATF_CHECK_EQ(m, NULL);
	/* Nonsense lengths: freed, NULL. */
	m = chain(lens, 4, pat);
	ATF_CHECK_EQ(m_pullup(m, -1), NULL);
	m = chain(lens, 4, pat);
	ATF_CHECK_EQ(m_pullup(m, MCLBYTES + 1), NULL);
	/* Larger than an mbuf: into a cluster. */
	{
		static const int big[] = { 100, 100, 100, 100 };
		uint8_t bp[400];

		fill(bp, 400, 9);
		m = chain(big, 4, bp);
		m = m_pullup(m, 350);
		ATF_REQUIRE(m != NULL);
		ATF_CHECK(memcmp(m->m_data, bp, 350) == 0);
		ATF_CHECK_EQ(m_length(m, NULL), 400);
		m_freem(m);
	}
	check_nothing_held();
}

ATF_TC_WITHOUT_HEAD(copyback_grows);
ATF_TC_BODY(copyback_grows, tc)
{
	static uint8_t pat[10000], out[10000];
	struct mbuf *m;

	fill(pat, sizeof(pat), 5);
	m = m_gethdr(M_NOWAIT);
	ATF_REQUIRE_EQ(m_copyback(m, 0, 10000, pat, M_NOWAIT), 0);
	ATF_CHECK_EQ(m->m_pkthdr.len, 10000);
	ATF_CHECK_EQ(m_length(m, NULL), 10000);
	memset(out, 0, sizeof(out));
	ATF_REQUIRE_EQ(m_copydata(m, 0, 10000, out), 0);
	ATF_CHECK(memcmp(out, pat, 10000) == 0);
	/* Overwrite in the middle, across buffers. */
	ATF_REQUIRE_EQ(m_copyback(m, 4000, 300, pat, M_NOWAIT), 0);
	ATF_REQUIRE_EQ(m_copydata(m, 4000, 300, out), 0);
	ATF_CHECK(memcmp(out, pat, 300) == 0);
	ATF_CHECK_EQ(m_length(m, NULL), 10000);
	/* Past the end: zeroes in between. */
	ATF_REQUIRE_EQ(m_copyback(m, 10010, 2, "zz", M_NOWAIT), 0);
	ATF_CHECK_EQ(m_length(m, NULL), 10012);
	ATF_REQUIRE_EQ(m_copydata(m, 10000, 12, out), 0);
	ATF_CHECK(memcmp(out, "\0\0\0\0\0\0\0\0\0\0zz", 12) == 0);
	ATF_CHECK_EQ(m_copyback(m, -1, 2, "zz", M_NOWAIT), EINVAL);
	ATF_CHECK_EQ(m_copydata(m, 10011, 2, out), EINVAL);
	ATF_CHECK_EQ(m_copydata(m, -5, 2, out), EINVAL);
	/* Out of memory while growing: ENOBUFS, nothing leaked. */
	kern_malloc_fail_after = 0;
	ATF_CHECK_EQ(m_copyback(m, 20000, 10, pat, M_NOWAIT), ENOBUFS);
	kern_malloc_fail_after = -1;
	m_freem(m);
	check_nothing_held();
}

ATF_TC_WITHOUT_HEAD(devget_dup);
ATF_TC_BODY(devget_dup, tc)
{
	static uint8_t pat[9000], out[9000];
	struct mbuf *m, *d;
	int i, n;

	fill(pat, sizeof(pat), 11);
	for (i = 0; i < 3; i++) {
		n = i == 0 ? 60 : i == 1 ? 1500 : 9000;
		m = m_devget(pat, n, 2, NULL, M_NOWAIT);
		ATF_REQUIRE(m != NULL);
		ATF_CHECK_EQ(m->m_pkthdr.len, n);
		ATF_CHECK_EQ(M_LEADINGSPACE(m), 2);
		ATF_REQUIRE_EQ(m_copydata(m, 0, n, out), 0);
		ATF_CHECK(memcmp(out, pat, n) == 0);
		d = m_dup(m, M_NOWAIT);
		ATF_REQUIRE(d != NULL);
		m_freem(m);
		ATF_CHECK_EQ(d->m_pkthdr.len, n);
		memset(out, 0, n);
		ATF_REQUIRE_EQ(m_copydata(d, 0, n, out), 0);
		ATF_CHECK(memcmp(out, pat, n) == 0);
		m_freem(d);
	}
	/* Every allocation failing at some point: NULL and no leak. */
	for (i = 0; i < 3; i++) {
		/* 9000 bytes: three mbufs, three clusters. */
		kern_malloc_fail_after = i;
		m = m_devget(pat, 9000, 0, NULL, M_NOWAIT);
		kern_malloc_fail_after = -1;
		ATF_CHECK_EQ(m, NULL);
		m_reclaim();
		host_kmem_fail_after = i;
		m = m_devget(pat, 9000, 0, NULL, M_NOWAIT);
		host_kmem_fail_after = -1;
		ATF_CHECK_EQ(m, NULL);
	}
	ATF_CHECK_EQ(m_devget(pat, -1, 0, NULL, M_NOWAIT), NULL);
	check_nothing_held();
}

ATF_TC_WITHOUT_HEAD(mbufq_bounded);
ATF_TC_BODY(mbufq_bounded, tc)
{
	struct mbufq q;
	struct mbuf *m, *first;
	int i;

	mbufq_init(&q, 3);
	first = NULL;
	for (i = 0; i < 3; i++) {
		m = m_gethdr(M_NOWAIT);
		if (first == NULL)
			first = m;
		ATF_CHECK_EQ(mbufq_enqueue(&q, m), 0);
	}
	ATF_CHECK(mbufq_full(&q));
	m = m_gethdr(M_NOWAIT);
	ATF_CHECK_EQ(mbufq_enqueue(&q, m), ENOBUFS);
	m_freem(m);
	ATF_CHECK_EQ(mbufq_dequeue(&q), first);
	m_freem(first);
	ATF_CHECK_EQ(mbufq_len(&q), 2);
	mbufq_drain(&q);
	ATF_CHECK_EQ(mbufq_len(&q), 0);
	ATF_CHECK_EQ(mbufq_dequeue(&q), NULL);
	check_nothing_held();
}

ATF_TC_WITHOUT_HEAD(pagepool);
ATF_TC_BODY(pagepool, tc)
{
	struct pagepool *pp;
	struct mbuf *m[5];
	void *pg;
	int i;

	pp = pagepool_create("test", 4, M_NOWAIT);
	ATF_REQUIRE(pp != NULL);
	ATF_CHECK_EQ(host_kmem_pages, 4);
	ATF_CHECK_EQ(pagepool_avail(pp), 4);
	for (i = 0; i < 4; i++) {
		m[i] = m_getpage(pp, M_NOWAIT);
		ATF_REQUIRE(m[i] != NULL);
		ATF_CHECK(((uintptr_t)m[i]->m_data & PAGE_MASK) == 0);
		ATF_CHECK_EQ(M_TRAILINGSPACE(m[i]), PAGE_SIZE);
		memset(m[i]->m_data, i, PAGE_SIZE);
	}
	/* Empty: no page, no allocation. */
	ATF_CHECK_EQ(m_getpage(pp, M_NOWAIT), NULL);
	ATF_CHECK_EQ(pagepool_get(pp), NULL);
	ATF_CHECK_EQ(pagepool_avail(pp), 0);
	ATF_CHECK_EQ(mbstat.m_poolpages, 4);
	m_freem(m[0]);
	ATF_CHECK_EQ(pagepool_avail(pp), 1);
	pg = pagepool_get(pp);
	ATF_REQUIRE(pg != NULL);
	/* Wrapping fails when malloc does: the page goes back. */
	kern_malloc_fail_after = 0;
	ATF_CHECK_EQ(m_attachpage(pp, pg, M_NOWAIT), NULL);
	kern_malloc_fail_after = -1;
	ATF_CHECK_EQ(pagepool_avail(pp), 1);
	/* Destroyed with pages out: lives until the last comes back. */
	ATF_CHECK_EQ(pagepool_destroy(pp), EBUSY);
	ATF_CHECK_EQ(pagepool_get(pp), NULL);
	m_freem(m[1]);
	m_freem(m[2]);
	ATF_CHECK_EQ(host_kmem_pages, 4);
	m_freem(m[3]);
	check_nothing_held();

	/* Destroyed with everything home: freed at once. */
	pp = pagepool_create("test2", 2, M_NOWAIT);
	ATF_REQUIRE(pp != NULL);
	ATF_CHECK_EQ(pagepool_destroy(pp), 0);
	/* Page allocation failing half way: unwound. */
	host_kmem_fail_after = 3;
	ATF_CHECK_EQ(pagepool_create("test3", 8, M_NOWAIT), NULL);
	host_kmem_fail_after = -1;
	ATF_CHECK_EQ(pagepool_create("test4", 0, M_NOWAIT), NULL);
	check_nothing_held();
}

ATF_TC_WITHOUT_HEAD(cat);
ATF_TC_BODY(cat, tc)
{
	static const int l1[] = { 10 }, l2[] = { 20, 5 };
	uint8_t p1[10], p2[25], out[35];
	struct mbuf *a, *b;

	fill(p1, 10, 1);
	fill(p2, 25, 2);
	a = chain(l1, 1, p1);
	b = chain(l2, 2, p2);
	m_cat(a, b);
	m_fixhdr(a);
	ATF_CHECK_EQ(a->m_pkthdr.len, 35);
	ATF_CHECK((b->m_flags & M_PKTHDR) == 0);
	ATF_REQUIRE_EQ(m_copydata(a, 0, 35, out), 0);
	ATF_CHECK(memcmp(out, p1, 10) == 0 && memcmp(out + 10, p2, 25) == 0);
	m_freem(a);
	check_nothing_held();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, get_free_counts);
	ATF_TP_ADD_TC(tp, prepend);
	ATF_TP_ADD_TC(tp, adj);
	ATF_TP_ADD_TC(tp, pullup);
	ATF_TP_ADD_TC(tp, copyback_grows);
	ATF_TP_ADD_TC(tp, devget_dup);
	ATF_TP_ADD_TC(tp, mbufq_bounded);
	ATF_TP_ADD_TC(tp, pagepool);
	ATF_TP_ADD_TC(tp, cat);
	return (atf_no_error());
}
