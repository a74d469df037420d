/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The grant-reference free list (sys/xen/gnttab_freelist.c) on the host:
 * reserved refs, order, exhaustion, growth, and refusing double and
 * out-of-range frees; reservations: claims that cannot fail while another
 * consumer empties the free list, release and unreserve, and the books
 * (free + reserved + in use = usable entries) balancing after each step.
 */

#include <atf-c.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include <xen/xen.h>
#include <xen/gnttab.h>

ATF_TC_WITHOUT_HEAD(reserved_and_order);
ATF_TC_BODY(reserved_and_order, tc)
{
	struct gnttab_freelist fl;
	uint32_t next[32], ref;

	gnttab_fl_init(&fl, next, 32);
	ATF_CHECK_EQ(32 - GNTTAB_NR_RESERVED, fl.gf_nfree);
	ATF_REQUIRE_EQ(0, gnttab_fl_get(&fl, &ref));
	ATF_CHECK_EQ(GNTTAB_NR_RESERVED, ref);	/* lowest usable first */
	ATF_REQUIRE_EQ(0, gnttab_fl_get(&fl, &ref));
	ATF_CHECK_EQ(GNTTAB_NR_RESERVED + 1, ref);
	/* The toolstack's refs can never be freed into the list. */
	ATF_CHECK_EQ(EINVAL, gnttab_fl_put(&fl, 3));
}

ATF_TC_WITHOUT_HEAD(exhaustion);
ATF_TC_BODY(exhaustion, tc)
{
	struct gnttab_freelist fl;
	uint32_t next[16], ref, got[16];
	int n, i;

	gnttab_fl_init(&fl, next, 16);
	for (n = 0; gnttab_fl_get(&fl, &got[n]) == 0; n++)
		ATF_REQUIRE(n < 16);
	ATF_CHECK_EQ(16 - GNTTAB_NR_RESERVED, n);
	ATF_CHECK_EQ(0, fl.gf_nfree);
	ATF_CHECK_EQ(ENOSPC, gnttab_fl_get(&fl, &ref));
	for (i = 0; i < n; i++)
		ATF_CHECK_EQ(0, gnttab_fl_put(&fl, got[i]));
	ATF_CHECK_EQ(16 - GNTTAB_NR_RESERVED, fl.gf_nfree);
}

ATF_TC_WITHOUT_HEAD(bad_frees);
ATF_TC_BODY(bad_frees, tc)
{
	struct gnttab_freelist fl;
	uint32_t next[16], ref;

	gnttab_fl_init(&fl, next, 16);
	ATF_REQUIRE_EQ(0, gnttab_fl_get(&fl, &ref));
	ATF_CHECK_EQ(0, gnttab_fl_put(&fl, ref));
	ATF_CHECK_EQ(EINVAL, gnttab_fl_put(&fl, ref));		/* twice */
	ATF_CHECK_EQ(EINVAL, gnttab_fl_put(&fl, 16));		/* range */
	ATF_CHECK_EQ(EINVAL, gnttab_fl_put(&fl, 0xffffffffu));
	ATF_CHECK_EQ(16 - GNTTAB_NR_RESERVED, fl.gf_nfree);
}

/* Growing keeps the refs in use and the free ones, and adds the new. */
ATF_TC_WITHOUT_HEAD(grow);
ATF_TC_BODY(grow, tc)
{
	struct gnttab_freelist fl;
	uint32_t *next, *bigger, ref, held[4];
	int i;

	next = calloc(16, sizeof(*next));
	gnttab_fl_init(&fl, next, 16);
	for (i = 0; i < 4; i++)
		ATF_REQUIRE_EQ(0, gnttab_fl_get(&fl, &held[i]));
	bigger = calloc(48, sizeof(*bigger));
	for (i = 0; i < 16; i++)
		bigger[i] = next[i];
	free(next);
	gnttab_fl_extend(&fl, bigger, 48);
	ATF_CHECK_EQ(48 - GNTTAB_NR_RESERVED - 4, fl.gf_nfree);
	/* The held refs are still in use: freeing them works, once. */
	for (i = 0; i < 4; i++)
		ATF_CHECK_EQ(0, gnttab_fl_put(&fl, held[i]));
	ATF_CHECK_EQ(EINVAL, gnttab_fl_put(&fl, held[0]));
	/* Every ref below 48 but the reserved ones comes out exactly once. */
	{
		int seen[48] = { 0 };

		while (gnttab_fl_get(&fl, &ref) == 0) {
			ATF_REQUIRE(ref >= GNTTAB_NR_RESERVED && ref < 48);
			seen[ref]++;
		}
		for (i = GNTTAB_NR_RESERVED; i < 48; i++)
			ATF_CHECK_EQ_MSG(1, seen[i], "ref %d", i);
	}
	free(bigger);
}

/* Count the refs in use by walking every other place a ref can be. */
static u_int
fl_inuse(struct gnttab_freelist *fl, struct gnttab_reservation **res, int nres)
{
	uint32_t ref;
	u_int n, i;
	int r;

	n = fl->gf_nentries - GNTTAB_NR_RESERVED;
	i = 0;
	for (ref = fl->gf_head; ref != GNTTAB_LIST_END; ref = fl->gf_next[ref])
		i++;
	ATF_CHECK_EQ_MSG(fl->gf_nfree, i, "free list holds %u, counted %u",
	    i, fl->gf_nfree);
	n -= i;
	for (r = 0; r < nres; r++) {
		i = 0;
		for (ref = res[r]->gr_head; ref != GNTTAB_LIST_END;
		    ref = fl->gf_next[ref])
			i++;
		ATF_CHECK_EQ(res[r]->gr_count, i);
		n -= i;
	}
	return (n);
}

/* Books balance: every usable ref is free, reserved or in use. */
#define	BOOKS(fl, res, nres, inuse) do {				\
	ATF_CHECK_EQ((inuse), fl_inuse((fl), (res), (nres)));		\
	ATF_CHECK_EQ((fl)->gf_nentries - GNTTAB_NR_RESERVED,		\
	    (fl)->gf_nfree + (fl)->gf_nreserved + (inuse));		\
} while (0)

/* A reservation's refs stay claimable while the free list runs dry. */
ATF_TC_WITHOUT_HEAD(reserve_survives_exhaustion);
ATF_TC_BODY(reserve_survives_exhaustion, tc)
{
	struct gnttab_freelist fl;
	struct gnttab_reservation res, *resv[1] = { &res };
	uint32_t next[128], ref, other[128], mine[100];
	int n, i;

	gnttab_fl_init(&fl, next, 128);
	gnttab_res_init(&res);
	ATF_REQUIRE_EQ(0, gnttab_fl_reserve(&fl, &res, 100));
	ATF_CHECK_EQ(100, res.gr_count);
	ATF_CHECK_EQ(100, fl.gf_nreserved);
	ATF_CHECK_EQ(128 - GNTTAB_NR_RESERVED - 100, fl.gf_nfree);
	BOOKS(&fl, resv, 1, 0);
	/* Another consumer takes every free ref. */
	for (n = 0; gnttab_fl_get(&fl, &other[n]) == 0; n++)
		ATF_REQUIRE(n < 128);
	ATF_CHECK_EQ(128 - GNTTAB_NR_RESERVED - 100, n);
	ATF_CHECK_EQ(0, fl.gf_nfree);
	BOOKS(&fl, resv, 1, n);
	/* Every reserved ref still comes out, each once, none of theirs. */
	for (i = 0; i < 100; i++) {
		ATF_REQUIRE_EQ_MSG(0, gnttab_fl_claim(&fl, &res, &mine[i]),
		    "claim %d", i);
		ATF_REQUIRE(mine[i] >= GNTTAB_NR_RESERVED && mine[i] < 128);
	}
	{
		int seen[128] = { 0 };

		for (i = 0; i < n; i++)
			seen[other[i]]++;
		for (i = 0; i < 100; i++)
			seen[mine[i]]++;
		for (i = GNTTAB_NR_RESERVED; i < 128; i++)
			ATF_CHECK_EQ_MSG(1, seen[i], "ref %d", i);
	}
	ATF_CHECK_EQ(ENOSPC, gnttab_fl_claim(&fl, &res, &ref));
	ATF_CHECK_EQ(0, fl.gf_nreserved);
	BOOKS(&fl, resv, 1, n + 100);
	/* Claimed refs are in use: freed once, to the free list. */
	for (i = 0; i < 100; i++)
		ATF_CHECK_EQ(0, gnttab_fl_put(&fl, mine[i]));
	ATF_CHECK_EQ(EINVAL, gnttab_fl_put(&fl, mine[0]));
	BOOKS(&fl, resv, 1, n);
}

/* Too large a reservation is refused whole; nothing moves. */
ATF_TC_WITHOUT_HEAD(reserve_all_or_nothing);
ATF_TC_BODY(reserve_all_or_nothing, tc)
{
	struct gnttab_freelist fl;
	struct gnttab_reservation res, *resv[1] = { &res };
	uint32_t next[32], ref;

	gnttab_fl_init(&fl, next, 32);
	gnttab_res_init(&res);
	ATF_REQUIRE_EQ(0, gnttab_fl_get(&fl, &ref));
	ATF_CHECK_EQ(ENOSPC, gnttab_fl_reserve(&fl, &res, 32 -
	    GNTTAB_NR_RESERVED));
	ATF_CHECK_EQ(0, res.gr_count);
	ATF_CHECK_EQ(32 - GNTTAB_NR_RESERVED - 1, fl.gf_nfree);
	ATF_CHECK_EQ(0, fl.gf_nreserved);
	ATF_CHECK_EQ(ENOSPC, gnttab_fl_claim(&fl, &res, &ref));
	/* Exactly what is free can be reserved, then nothing more. */
	ATF_CHECK_EQ(0, gnttab_fl_reserve(&fl, &res, 32 -
	    GNTTAB_NR_RESERVED - 1));
	ATF_CHECK_EQ(0, fl.gf_nfree);
	ATF_CHECK_EQ(ENOSPC, gnttab_fl_get(&fl, &ref));
	BOOKS(&fl, resv, 1, 1);
}

/* Release puts a ref back on a chain; unreserve empties the chain. */
ATF_TC_WITHOUT_HEAD(release_and_unreserve);
ATF_TC_BODY(release_and_unreserve, tc)
{
	struct gnttab_freelist fl;
	struct gnttab_reservation a, b, *resv[2] = { &a, &b };
	uint32_t next[64], ref, held[5], onchain, freeref;
	int i;

	gnttab_fl_init(&fl, next, 64);
	gnttab_res_init(&a);
	gnttab_res_init(&b);
	ATF_REQUIRE_EQ(0, gnttab_fl_reserve(&fl, &a, 8));
	ATF_REQUIRE_EQ(0, gnttab_fl_reserve(&fl, &b, 4));
	for (i = 0; i < 5; i++)
		ATF_REQUIRE_EQ(0, gnttab_fl_claim(&fl, &a, &held[i]));
	BOOKS(&fl, resv, 2, 5);
	/* A ref on a chain is neither freed nor released. */
	onchain = a.gr_head;
	ATF_CHECK_EQ(EINVAL, gnttab_fl_put(&fl, onchain));
	ATF_CHECK_EQ(EINVAL, gnttab_fl_release(&fl, &a, onchain));
	ATF_CHECK_EQ(EINVAL, gnttab_fl_release(&fl, &b, b.gr_head));
	/* Nor is a free one, a toolstack one or one beyond the table. */
	freeref = fl.gf_head;
	ATF_CHECK_EQ(EINVAL, gnttab_fl_release(&fl, &a, freeref));
	ATF_CHECK_EQ(EINVAL, gnttab_fl_release(&fl, &a, 2));
	ATF_CHECK_EQ(EINVAL, gnttab_fl_release(&fl, &a, 64));
	BOOKS(&fl, resv, 2, 5);
	/* Three go back to a, once; one to b. */
	for (i = 0; i < 3; i++)
		ATF_CHECK_EQ(0, gnttab_fl_release(&fl, &a, held[i]));
	ATF_CHECK_EQ(EINVAL, gnttab_fl_release(&fl, &a, held[0]));
	ATF_CHECK_EQ(0, gnttab_fl_release(&fl, &b, held[3]));
	ATF_CHECK_EQ(6, a.gr_count);
	ATF_CHECK_EQ(5, b.gr_count);
	BOOKS(&fl, resv, 2, 1);
	/* The last released is the next claimed. */
	ATF_REQUIRE_EQ(0, gnttab_fl_claim(&fl, &a, &ref));
	ATF_CHECK_EQ(held[2], ref);
	ATF_CHECK_EQ(0, gnttab_fl_release(&fl, &a, ref));
	/* Unreserve returns each chain whole, and only it. */
	ATF_CHECK_EQ(6, gnttab_fl_unreserve(&fl, &a));
	ATF_CHECK_EQ(0, a.gr_count);
	ATF_CHECK_EQ(5, fl.gf_nreserved);
	ATF_CHECK_EQ(64 - GNTTAB_NR_RESERVED - 5 - 1, fl.gf_nfree);
	ATF_CHECK_EQ(0, gnttab_fl_unreserve(&fl, &a));
	ATF_CHECK_EQ(5, gnttab_fl_unreserve(&fl, &b));
	ATF_CHECK_EQ(0, fl.gf_nreserved);
	BOOKS(&fl, resv, 2, 1);
	/* The one still held is freed normally. */
	ATF_CHECK_EQ(0, gnttab_fl_put(&fl, held[4]));
	ATF_CHECK_EQ(64 - GNTTAB_NR_RESERVED, fl.gf_nfree);
	BOOKS(&fl, resv, 2, 0);
}

/* Growing the table keeps a reservation's chain intact. */
ATF_TC_WITHOUT_HEAD(reserve_across_growth);
ATF_TC_BODY(reserve_across_growth, tc)
{
	struct gnttab_freelist fl;
	struct gnttab_reservation res, *resv[1] = { &res };
	uint32_t *next, *bigger, ref;
	int i, n;

	next = calloc(16, sizeof(*next));
	gnttab_fl_init(&fl, next, 16);
	gnttab_res_init(&res);
	ATF_REQUIRE_EQ(0, gnttab_fl_reserve(&fl, &res, 6));
	bigger = calloc(48, sizeof(*bigger));
	for (i = 0; i < 16; i++)
		bigger[i] = next[i];
	free(next);
	gnttab_fl_extend(&fl, bigger, 48);
	ATF_CHECK_EQ(48 - GNTTAB_NR_RESERVED - 6, fl.gf_nfree);
	BOOKS(&fl, resv, 1, 0);
	for (n = 0; gnttab_fl_claim(&fl, &res, &ref) == 0; n++)
		ATF_CHECK(ref >= GNTTAB_NR_RESERVED && ref < 16);
	ATF_CHECK_EQ(6, n);
	BOOKS(&fl, resv, 1, 6);
	free(bigger);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, reserved_and_order);
	ATF_TP_ADD_TC(tp, exhaustion);
	ATF_TP_ADD_TC(tp, bad_frees);
	ATF_TP_ADD_TC(tp, grow);
	ATF_TP_ADD_TC(tp, reserve_survives_exhaustion);
	ATF_TP_ADD_TC(tp, reserve_all_or_nothing);
	ATF_TP_ADD_TC(tp, release_and_unreserve);
	ATF_TP_ADD_TC(tp, reserve_across_growth);
	return (atf_no_error());
}
