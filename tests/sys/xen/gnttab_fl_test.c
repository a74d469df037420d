/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The grant-reference free list (sys/xen/gnttab_freelist.c) on the host:
 * reserved refs, order, exhaustion, growth, and refusing double and
 * out-of-range frees.
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

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, reserved_and_order);
	ATF_TP_ADD_TC(tp, exhaustion);
	ATF_TP_ADD_TC(tp, bad_frees);
	ATF_TP_ADD_TC(tp, grow);
	return (atf_no_error());
}
