/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xbd(4)'s ring code (sys/dev/xen/blkfront/blkfront_ring.c) on the host,
 * over a ring in ordinary memory with the test playing the backend:
 * requests read back through a back ring, responses in any order, and
 * every class of hostile response -- an id out of range, one not in
 * flight or already answered, a wrong operation, an unknown status,
 * rsp_prod running ahead of the requests or far away -- each of which
 * must break the ring without completing anything more and without a
 * read outside it (the ring is its own heap block: ASan checks that).
 * Also: index wrap-around, the request layouts at the offsets the ABI
 * fixes, the page-by-page segment splitter and the indirect page layout.
 */

#include <atf-c.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#ifndef PAGE_SIZE
#define	PAGE_SHIFT	12
#define	PAGE_SIZE	(1UL << PAGE_SHIFT)
#define	PAGE_MASK	(PAGE_SIZE - 1)
#endif
#include <dev/xen/blkfront/blkfront_ring.h>

#define	MAXENTS	512

static struct xbd_ring ring;
static struct xbd_shadow shadow[MAXENTS];
static uint32_t freeids[MAXENTS];
static void *ringmem;
static blkif_back_ring_t back;

static int ndone;
static void *done_cookie[MAXENTS * 2];
static int done_error[MAXENTS * 2];

static void
done(void *arg, void *cookie, int error)
{
	ATF_REQUIRE(arg == &ring);
	done_cookie[ndone] = cookie;
	done_error[ndone] = error;
	ndone++;
}

static void
setup(u_int pages)
{
	size_t bytes = pages * PAGE_SIZE;

	free(ringmem);
	ringmem = aligned_alloc(PAGE_SIZE, bytes);
	ATF_REQUIRE(ringmem != NULL);
	memset(ringmem, 0, bytes);
	xbd_ring_init(&ring, ringmem, bytes, shadow, freeids);
	BACK_RING_INIT(&back, (blkif_sring_t *)ringmem, bytes);
	ndone = 0;
}

/* Post a one-segment read with cookie c; returns its id. */
static uint32_t
post(void *c, uint8_t op)
{
	blkif_request_t req;
	struct xbd_seg seg = { 0x10000, 0, 7 };
	grant_ref_t gref = 100;
	uint32_t id;

	ATF_REQUIRE_EQ(xbd_ring_id_get(&ring, c, op, &id), 0);
	xbd_req_rw(&req, op, id, 51712, 8, &seg, &gref, 1);
	xbd_ring_put(&ring, &req, sizeof(req));
	return (id);
}

/* The backend takes every request; returns how many. */
static u_int
back_consume(uint64_t *ids, uint8_t *ops)
{
	blkif_request_t req;
	u_int n = 0;

	while (RING_HAS_UNCONSUMED_REQUESTS(&back)) {
		memcpy(&req, RING_GET_REQUEST(&back, back.req_cons),
		    sizeof(req));
		back.req_cons++;
		if (ids != NULL)
			ids[n] = req.id;
		if (ops != NULL)
			ops[n] = req.operation;
		n++;
	}
	return (n);
}

/* The backend answers (id, op, status) and publishes. */
static void
back_respond(uint64_t id, uint8_t op, int16_t status)
{
	blkif_response_t *rsp;

	rsp = RING_GET_RESPONSE(&back, back.rsp_prod_pvt);
	rsp->id = id;
	rsp->operation = op;
	rsp->status = status;
	back.rsp_prod_pvt++;
}

static void
back_publish(void)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
	(void)notify;
}

static int
take(void)
{
	bool more;
	int error;

	error = xbd_ring_take(&ring, done, &ring, &more);
	ATF_CHECK(!more);
	return (error);
}

ATF_TC_WITHOUT_HEAD(ring_sizes);
ATF_TC_BODY(ring_sizes, tc)
{
	ATF_CHECK_EQ(sizeof(blkif_request_t), 112);
	ATF_CHECK_EQ(sizeof(blkif_response_t), 16);
	ATF_CHECK_EQ(XBD_SEGS_PER_IPAGE, 512);
	ATF_CHECK_EQ(xbd_ring_entries(PAGE_SIZE), 32);
	ATF_CHECK_EQ(xbd_ring_entries(2 * PAGE_SIZE), 64);
	ATF_CHECK_EQ(xbd_ring_entries(16 * PAGE_SIZE), 512);
	setup(4);
	ATF_CHECK_EQ(ring.xr_nents, 128);
	ATF_CHECK_EQ(ring.xr_nfree, 128);
}

ATF_TC_WITHOUT_HEAD(round_trip);
ATF_TC_BODY(round_trip, tc)
{
	uint64_t ids[64];
	uint8_t ops[64];
	uint32_t id;
	int c[40], i;

	setup(1);
	for (i = 0; i < 32; i++)
		post(&c[i], i % 2 == 0 ? BLKIF_OP_READ : BLKIF_OP_WRITE);
	/* Every id is out: no more ids, and the ring is full. */
	ATF_CHECK_EQ(xbd_ring_id_get(&ring, &c[39], BLKIF_OP_READ, &id),
	    ENOSPC);
	ATF_CHECK(xbd_ring_full(&ring));
	ATF_CHECK(xbd_ring_push(&ring));	/* the backend waits: kick */
	ATF_CHECK_EQ(back_consume(ids, ops), 32);
	/* Out of order, with each status. */
	for (i = 31; i >= 0; i--)
		back_respond(ids[i], ops[i], i == 3 ? BLKIF_RSP_ERROR :
		    i == 4 ? BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_OKAY);
	back_publish();
	ATF_CHECK_EQ(take(), 0);
	ATF_REQUIRE_EQ(ndone, 32);
	for (i = 0; i < 32; i++) {
		int k = (int *)done_cookie[i] - c;

		ATF_CHECK_EQ(k, 31 - i);
		ATF_CHECK_EQ(done_error[i], k == 3 ? EIO :
		    k == 4 ? EOPNOTSUPP : 0);
	}
	ATF_CHECK_EQ(ring.xr_nfree, 32);
	ATF_CHECK_EQ(xbd_ring_inflight(&ring), 0);
	ATF_CHECK(!xbd_ring_full(&ring));
	/* Nothing new: nothing done. */
	ATF_CHECK_EQ(take(), 0);
	ATF_CHECK_EQ(ndone, 32);
}

/* Indices close to 2^32 wrap through zero without trouble. */
ATF_TC_WITHOUT_HEAD(index_wrap);
ATF_TC_BODY(index_wrap, tc)
{
	blkif_sring_t *s;
	uint64_t ids[8];
	uint8_t ops[8];
	int c[8], round, i;

	setup(1);
	s = ringmem;
	s->req_prod = s->rsp_prod = 0xfffffff0U;
	ring.xr_front.req_prod_pvt = ring.xr_front.rsp_cons = 0xfffffff0U;
	back.req_cons = back.rsp_prod_pvt = 0xfffffff0U;
	for (round = 0; round < 10; round++) {
		for (i = 0; i < 5; i++)
			post(&c[i], BLKIF_OP_READ);
		(void)xbd_ring_push(&ring);
		ATF_REQUIRE_EQ(back_consume(ids, ops), 5);
		for (i = 0; i < 5; i++)
			back_respond(ids[i], ops[i], BLKIF_RSP_OKAY);
		back_publish();
		ATF_REQUIRE_EQ(take(), 0);
	}
	ATF_CHECK_EQ(ndone, 50);
	ATF_CHECK(ring.xr_front.rsp_cons < 0x100);
	ATF_CHECK(!ring.xr_broken);
}

/* Post n reads, let the backend see them; their ids in ids[]. */
static void
hostile_setup(int n, int *c, uint64_t *ids, uint8_t *ops)
{
	int i;

	setup(1);
	for (i = 0; i < n; i++)
		post(&c[i], BLKIF_OP_READ);
	(void)xbd_ring_push(&ring);
	ATF_REQUIRE_EQ(back_consume(ids, ops), (u_int)n);
}

/* Broken: nothing more completes, and the in-flight ones fail with EIO. */
static void
check_broken(const char *why, int completed, int inflight)
{
	ATF_CHECK(ring.xr_broken);
	ATF_REQUIRE(ring.xr_why != NULL);
	ATF_CHECK_MSG(strstr(ring.xr_why, why) != NULL, "why: %s",
	    ring.xr_why);
	ATF_CHECK_EQ(ndone, completed);
	ATF_CHECK_EQ(take(), EPROTO);
	ATF_CHECK_EQ(ndone, completed);
	ATF_CHECK_EQ(xbd_ring_fail_all(&ring, done, &ring, EIO),
	    (u_int)inflight);
	ATF_CHECK_EQ(ndone, completed + inflight);
	for (int i = completed; i < ndone; i++)
		ATF_CHECK_EQ(done_error[i], EIO);
	ATF_CHECK_EQ(ring.xr_nfree, ring.xr_nents);
}

ATF_TC_WITHOUT_HEAD(hostile_id_range);
ATF_TC_BODY(hostile_id_range, tc)
{
	uint64_t ids[8];
	uint8_t ops[8];
	int c[8];

	hostile_setup(4, c, ids, ops);
	back_respond(ids[0], ops[0], BLKIF_RSP_OKAY);
	back_respond(32, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	back_respond(ids[1], ops[1], BLKIF_RSP_OKAY);
	back_publish();
	ATF_CHECK_EQ(take(), EPROTO);
	check_broken("out of range", 1, 3);

	hostile_setup(2, c, ids, ops);
	back_respond(0xffffffff00000000ULL | ids[0], ops[0], BLKIF_RSP_OKAY);
	back_publish();
	ATF_CHECK_EQ(take(), EPROTO);
	check_broken("out of range", 0, 2);
}

ATF_TC_WITHOUT_HEAD(hostile_id_not_in_flight);
ATF_TC_BODY(hostile_id_not_in_flight, tc)
{
	uint64_t ids[8];
	uint8_t ops[8];
	int c[8];

	/* Answered twice. */
	hostile_setup(3, c, ids, ops);
	back_respond(ids[1], ops[1], BLKIF_RSP_OKAY);
	back_respond(ids[1], ops[1], BLKIF_RSP_OKAY);
	back_publish();
	ATF_CHECK_EQ(take(), EPROTO);
	check_broken("not in flight", 1, 2);

	/* Answered again in a later batch. */
	hostile_setup(3, c, ids, ops);
	back_respond(ids[2], ops[2], BLKIF_RSP_OKAY);
	back_publish();
	ATF_CHECK_EQ(take(), 0);
	back_respond(ids[2], ops[2], BLKIF_RSP_OKAY);
	back_publish();
	ATF_CHECK_EQ(take(), EPROTO);
	check_broken("not in flight", 1, 2);

	/* Never sent (in range). */
	hostile_setup(2, c, ids, ops);
	back_respond(17, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	back_publish();
	ATF_CHECK_EQ(take(), EPROTO);
	check_broken("not in flight", 0, 2);
}

ATF_TC_WITHOUT_HEAD(hostile_operation);
ATF_TC_BODY(hostile_operation, tc)
{
	uint64_t ids[8];
	uint8_t ops[8];
	int c[8];

	hostile_setup(2, c, ids, ops);
	back_respond(ids[0], BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	back_publish();
	ATF_CHECK_EQ(take(), EPROTO);
	check_broken("operation", 0, 2);

	hostile_setup(2, c, ids, ops);
	back_respond(ids[0], 0x77, BLKIF_RSP_OKAY);
	back_publish();
	ATF_CHECK_EQ(take(), EPROTO);
	check_broken("operation", 0, 2);

	/* INDIRECT stands for a read or write, nothing else. */
	hostile_setup(2, c, ids, ops);
	back_respond(ids[0], BLKIF_OP_INDIRECT, BLKIF_RSP_OKAY);
	back_publish();
	ATF_CHECK_EQ(take(), 0);
	ATF_CHECK_EQ(ndone, 1);
	setup(1);
	post(&c[0], BLKIF_OP_FLUSH_DISKCACHE);
	(void)xbd_ring_push(&ring);
	ATF_REQUIRE_EQ(back_consume(ids, ops), 1);
	back_respond(ids[0], BLKIF_OP_INDIRECT, BLKIF_RSP_OKAY);
	back_publish();
	ATF_CHECK_EQ(take(), EPROTO);
	check_broken("operation", 0, 1);
}

ATF_TC_WITHOUT_HEAD(hostile_status);
ATF_TC_BODY(hostile_status, tc)
{
	static const int16_t bad[] = { 1, -3, 0x7fff, -32768 };
	uint64_t ids[8];
	uint8_t ops[8];
	int c[8];
	u_int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hostile_setup(2, c, ids, ops);
		back_respond(ids[1], ops[1], BLKIF_RSP_OKAY);
		back_respond(ids[0], ops[0], bad[i]);
		back_publish();
		ATF_CHECK_EQ(take(), EPROTO);
		check_broken("status", 1, 1);
	}
}

ATF_TC_WITHOUT_HEAD(hostile_rsp_prod);
ATF_TC_BODY(hostile_rsp_prod, tc)
{
	static const uint32_t ahead[] = { 4, 5, 33, 0x1000, 0x80000000U,
	    0xffffffffU };
	blkif_sring_t *s;
	uint64_t ids[8];
	uint8_t ops[8];
	int c[8];
	u_int i;

	/* Three requests out: rsp_prod may go 3 past rsp_cons, no further. */
	for (i = 0; i < sizeof(ahead) / sizeof(ahead[0]); i++) {
		hostile_setup(3, c, ids, ops);
		s = ringmem;
		s->rsp_prod = ring.xr_front.rsp_cons + ahead[i];
		ATF_CHECK_EQ(take(), EPROTO);
		check_broken("ahead", 0, 3);
	}
	/* Exactly as many as requested is fine (answers are all valid). */
	hostile_setup(3, c, ids, ops);
	back_respond(ids[0], ops[0], 0);
	back_respond(ids[1], ops[1], 0);
	back_respond(ids[2], ops[2], 0);
	back_publish();
	ATF_CHECK_EQ(take(), 0);
	ATF_CHECK_EQ(ndone, 3);
	/* Behind rsp_cons counts as running ahead too (mod 2^32). */
	s = ringmem;
	s->rsp_prod = ring.xr_front.rsp_cons - 1;
	ATF_CHECK_EQ(take(), EPROTO);
	ATF_CHECK(ring.xr_broken);
}

ATF_TC_WITHOUT_HEAD(id_put_back);
ATF_TC_BODY(id_put_back, tc)
{
	uint32_t id, id2;
	int c;

	setup(1);
	ATF_REQUIRE_EQ(xbd_ring_id_get(&ring, &c, BLKIF_OP_READ, &id), 0);
	ATF_CHECK_EQ(id, 0);
	xbd_ring_id_put(&ring, id);
	ATF_REQUIRE_EQ(xbd_ring_id_get(&ring, &c, BLKIF_OP_READ, &id2), 0);
	ATF_CHECK_EQ(id2, 0);
	ATF_CHECK_EQ(xbd_ring_fail_all(&ring, done, &ring, ENXIO), 1);
	ATF_CHECK_EQ(done_error[0], ENXIO);
	ATF_CHECK(done_cookie[0] == &c);
}

ATF_TC_WITHOUT_HEAD(layouts);
ATF_TC_BODY(layouts, tc)
{
	struct xbd_seg segs[2] = { { 0x5000, 1, 7 }, { 0x6000, 0, 3 } };
	grant_ref_t grefs[2] = { 0x11223344, 0x55667788 };
	grant_ref_t igrefs[3] = { 901, 902, 903 };
	blkif_request_t req;
	blkif_request_indirect_t ind;
	blkif_request_discard_t dis;
	const uint8_t *b;
	uint32_t v32;
	uint16_t v16;
	uint64_t v64;

	xbd_req_rw(&req, BLKIF_OP_WRITE, 9, 0x1234, 0x1122334455ULL, segs,
	    grefs, 2);
	b = (const uint8_t *)&req;
	ATF_CHECK_EQ(b[0], BLKIF_OP_WRITE);
	ATF_CHECK_EQ(b[1], 2);
	memcpy(&v16, b + 2, 2);
	ATF_CHECK_EQ(v16, 0x1234);
	memcpy(&v64, b + 8, 8);
	ATF_CHECK_EQ(v64, 9);
	memcpy(&v64, b + 16, 8);
	ATF_CHECK_EQ(v64, 0x1122334455ULL);
	memcpy(&v32, b + 24, 4);
	ATF_CHECK_EQ(v32, 0x11223344);
	ATF_CHECK_EQ(b[28], 1);
	ATF_CHECK_EQ(b[29], 7);
	memcpy(&v32, b + 32, 4);
	ATF_CHECK_EQ(v32, 0x55667788);
	ATF_CHECK_EQ(b[36], 0);
	ATF_CHECK_EQ(b[37], 3);

	xbd_req_indirect(&ind, BLKIF_OP_READ, 77, 0x4321, 4096, 1100, igrefs,
	    3);
	b = (const uint8_t *)&ind;
	ATF_CHECK_EQ(b[0], BLKIF_OP_INDIRECT);
	ATF_CHECK_EQ(b[1], BLKIF_OP_READ);
	memcpy(&v16, b + 2, 2);
	ATF_CHECK_EQ(v16, 1100);
	memcpy(&v64, b + 8, 8);
	ATF_CHECK_EQ(v64, 77);
	memcpy(&v64, b + 16, 8);
	ATF_CHECK_EQ(v64, 4096);
	memcpy(&v16, b + 24, 2);
	ATF_CHECK_EQ(v16, 0x4321);
	memcpy(&v32, b + 28, 4);
	ATF_CHECK_EQ(v32, 901);
	memcpy(&v32, b + 36, 4);
	ATF_CHECK_EQ(v32, 903);
	memcpy(&v32, b + 40, 4);
	ATF_CHECK_EQ(v32, 0);

	xbd_req_discard(&dis, 5, 0x99, 2048, 0x100000000ULL, true);
	b = (const uint8_t *)&dis;
	ATF_CHECK_EQ(b[0], BLKIF_OP_DISCARD);
	ATF_CHECK_EQ(b[1], BLKIF_DISCARD_SECURE);
	memcpy(&v16, b + 2, 2);
	ATF_CHECK_EQ(v16, 0x99);
	memcpy(&v64, b + 16, 8);
	ATF_CHECK_EQ(v64, 2048);
	memcpy(&v64, b + 24, 8);
	ATF_CHECK_EQ(v64, 0x100000000ULL);

	xbd_req_flush(&req, BLKIF_OP_FLUSH_DISKCACHE, 3, 7);
	ATF_CHECK_EQ(req.operation, BLKIF_OP_FLUSH_DISKCACHE);
	ATF_CHECK_EQ(req.nr_segments, 0);
	ATF_CHECK_EQ(req.id, 3);

	/* A put request lands whole in the slot, the rest zeroed. */
	setup(1);
	memset(RING_GET_REQUEST(&ring.xr_front, 0), 0xee, 112);
	xbd_ring_put(&ring, &dis, sizeof(dis));
	b = (const uint8_t *)RING_GET_REQUEST(&ring.xr_front, 0);
	ATF_CHECK(memcmp(b, &dis, sizeof(dis)) == 0);
	ATF_CHECK_EQ(b[sizeof(dis)], 0);
	ATF_CHECK_EQ(b[111], 0);
	/* Not visible to the backend before the push. */
	ATF_CHECK_EQ(back_consume(NULL, NULL), 0);
	(void)xbd_ring_push(&ring);
	ATF_CHECK_EQ(back_consume(NULL, NULL), 1);
}

ATF_TC_WITHOUT_HEAD(segment_split);
ATF_TC_BODY(segment_split, tc)
{
	struct xbd_seg segs[300];
	u_int n;

	/* Page-aligned, two pages. */
	ATF_REQUIRE_EQ(xbd_seg_split(0x10000, 8192, segs, 11, &n), 0);
	ATF_CHECK_EQ(n, 2);
	ATF_CHECK_EQ(segs[0].xs_va, 0x10000);
	ATF_CHECK_EQ(segs[0].xs_first, 0);
	ATF_CHECK_EQ(segs[0].xs_last, 7);
	ATF_CHECK_EQ(segs[1].xs_va, 0x11000);
	ATF_CHECK_EQ(segs[1].xs_last, 7);
	/* 1 KiB across a page boundary: the last sector of one page and
	   the first of the next, each page its own segment. */
	ATF_REQUIRE_EQ(xbd_seg_split(0x10e00, 1024, segs, 11, &n), 0);
	ATF_CHECK_EQ(n, 2);
	ATF_CHECK_EQ(segs[0].xs_va, 0x10000);
	ATF_CHECK_EQ(segs[0].xs_first, 7);
	ATF_CHECK_EQ(segs[0].xs_last, 7);
	ATF_CHECK_EQ(segs[1].xs_va, 0x11000);
	ATF_CHECK_EQ(segs[1].xs_first, 0);
	ATF_CHECK_EQ(segs[1].xs_last, 0);
	/* Inside one page. */
	ATF_REQUIRE_EQ(xbd_seg_split(0x10400, 1536, segs, 11, &n), 0);
	ATF_CHECK_EQ(n, 1);
	ATF_CHECK_EQ(segs[0].xs_first, 2);
	ATF_CHECK_EQ(segs[0].xs_last, 4);
	/* 44 KiB unaligned needs 12 pages: too many for 11. */
	ATF_CHECK_EQ(xbd_seg_split(0x10200, 45056, segs, 11, &n), E2BIG);
	ATF_REQUIRE_EQ(xbd_seg_split(0x10200, 45056, segs, 12, &n), 0);
	ATF_CHECK_EQ(n, 12);
	ATF_CHECK_EQ(segs[11].xs_last, 0);
	/* 1 MiB in 256 pages. */
	ATF_REQUIRE_EQ(xbd_seg_split(0x100000, 1 << 20, segs, 256, &n), 0);
	ATF_CHECK_EQ(n, 256);
	/* Not whole sectors. */
	ATF_CHECK_EQ(xbd_seg_split(0x10001, 512, segs, 11, &n), EINVAL);
	ATF_CHECK_EQ(xbd_seg_split(0x10000, 100, segs, 11, &n), EINVAL);
	ATF_CHECK_EQ(xbd_seg_split(0x10000, 0, segs, 11, &n), EINVAL);
	ATF_CHECK_EQ(xbd_seg_split(UINTPTR_MAX - 511, 1024, segs, 11, &n),
	    EINVAL);
}

ATF_TC_WITHOUT_HEAD(request_splitter);
ATF_TC_BODY(request_splitter, tc)
{
	struct xbd_seg segs[300];
	size_t lens[8];
	u_int n, nsegs;

	/* 1 MiB page-aligned, 256 segments a request: one piece. */
	ATF_REQUIRE_EQ(xbd_split(0x100000, 1 << 20, 256, lens, 8, &n), 0);
	ATF_CHECK_EQ(n, 1);
	ATF_CHECK_EQ(lens[0], 1 << 20);
	/* The same, 512 bytes into a page: 257 pages, two pieces, the
	   first ending on a page boundary. */
	ATF_REQUIRE_EQ(xbd_split(0x100200, 1 << 20, 256, lens, 8, &n), 0);
	ATF_CHECK_EQ(n, 2);
	ATF_CHECK_EQ(lens[0], 256 * 4096 - 512);
	ATF_CHECK_EQ(lens[1], 512);
	ATF_REQUIRE_EQ(xbd_seg_split(0x100200, lens[0], segs, 256, &nsegs),
	    0);
	ATF_CHECK_EQ(nsegs, 256);
	ATF_CHECK_EQ(segs[0].xs_first, 1);
	ATF_CHECK_EQ(segs[255].xs_last, 7);
	ATF_REQUIRE_EQ(xbd_seg_split(0x100200 + lens[0], lens[1], segs, 256,
	    &nsegs), 0);
	ATF_CHECK_EQ(nsegs, 1);
	ATF_CHECK_EQ(segs[0].xs_va, 0x200000);
	ATF_CHECK_EQ(segs[0].xs_first, 0);
	ATF_CHECK_EQ(segs[0].xs_last, 0);
	/* Without indirect requests: 11 pages a request. */
	ATF_REQUIRE_EQ(xbd_split(0x10000, 64 * 1024, 11, lens, 8, &n), 0);
	ATF_CHECK_EQ(n, 2);
	ATF_CHECK_EQ(lens[0], 11 * 4096);
	ATF_CHECK_EQ(lens[1], 5 * 4096);
	/* Every piece fits its request. */
	ATF_REQUIRE_EQ(xbd_split(0x10c00, 44 * 1024, 11, lens, 8, &n), 0);
	ATF_CHECK_EQ(n, 2);
	ATF_CHECK_EQ(xbd_seg_split(0x10c00, lens[0], segs, 11, &nsegs), 0);
	ATF_CHECK_EQ(nsegs, 11);
	ATF_CHECK_EQ(xbd_split(0x10000, 64 * 1024, 11, lens, 1, &n), E2BIG);
	ATF_CHECK_EQ(xbd_split(0x10000, 0, 11, lens, 8, &n), EINVAL);
}

ATF_TC_WITHOUT_HEAD(indirect_pages);
ATF_TC_BODY(indirect_pages, tc)
{
	struct blkif_request_segment *pages[3];
	struct xbd_seg segs[600];
	grant_ref_t grefs[600];
	u_int i;

	for (i = 0; i < 3; i++) {
		pages[i] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
		memset(pages[i], 0xff, PAGE_SIZE);
	}
	for (i = 0; i < 600; i++) {
		segs[i].xs_va = 0x100000 + i * PAGE_SIZE;
		segs[i].xs_first = i % 8;
		segs[i].xs_last = 7;
		grefs[i] = 1000 + i;
	}
	xbd_indirect_fill(pages, segs, grefs, 600);
	ATF_CHECK_EQ(pages[0][0].gref, 1000);
	ATF_CHECK_EQ(pages[0][511].gref, 1511);
	ATF_CHECK_EQ(pages[0][511].first_sect, 511 % 8);
	ATF_CHECK_EQ(pages[1][0].gref, 1512);
	ATF_CHECK_EQ(pages[1][87].gref, 1599);
	ATF_CHECK_EQ(pages[1][87].last_sect, 7);
	/* The 89th entry of page 1 and page 2 are untouched. */
	ATF_CHECK_EQ(pages[1][88].gref, 0xffffffffU);
	ATF_CHECK_EQ(pages[2][0].gref, 0xffffffffU);
	/* The padding of each entry is zero. */
	ATF_CHECK_EQ(((uint8_t *)&pages[1][5])[6], 0);
	for (i = 0; i < 3; i++)
		free(pages[i]);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, ring_sizes);
	ATF_TP_ADD_TC(tp, round_trip);
	ATF_TP_ADD_TC(tp, index_wrap);
	ATF_TP_ADD_TC(tp, hostile_id_range);
	ATF_TP_ADD_TC(tp, hostile_id_not_in_flight);
	ATF_TP_ADD_TC(tp, hostile_operation);
	ATF_TP_ADD_TC(tp, hostile_status);
	ATF_TP_ADD_TC(tp, hostile_rsp_prod);
	ATF_TP_ADD_TC(tp, id_put_back);
	ATF_TP_ADD_TC(tp, layouts);
	ATF_TP_ADD_TC(tp, segment_split);
	ATF_TP_ADD_TC(tp, request_splitter);
	ATF_TP_ADD_TC(tp, indirect_pages);
	return (atf_no_error());
}
