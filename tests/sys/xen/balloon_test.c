/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The balloon's bookkeeping (sys/dev/xen/balloon/balloon_core.c) over the
 * real page allocator (sys/vm/vm_page.c) and a fake Xen: a pool of
 * machine frames, a p2m and an m2p, a cap on the domain's pages, and
 * switches that make it take or back fewer pages than asked.  The fake
 * reservation calls keep the contract of xen_mem(9): the pages that moved
 * come first, the rest are as they were.  After every step the test
 * checks that no frame and no page is lost: a page is unbacked exactly
 * when its p2m entry is invalid, every valid entry maps back through the
 * m2p to its pfn, the domain owns exactly current pages, the balloon
 * holds exactly the unbacked pages, and the allocator's counts add up.
 */

#include <atf-c.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "vm_host.h"
#include <vm/vm_page.h>
#include <dev/xen/balloon/balloon_var.h>

#define	NPAGES		1024	/* pfn space */
#define	NBOOT		768	/* backed at boot; the rest start unbacked */
#define	NRESERVED	64	/* kernel, page array, ... */
#define	NFRAMES		4096	/* machine frames on the fake host */
#define	MINFREE		32
#define	INVALID		(~0UL)
#define	NOBODY		(~0UL)

static struct vm_page array[NPAGES];
static unsigned char data[NPAGES][64];	/* each page's first bytes */

static struct {
	u_long	p2m[NPAGES];
	u_long	m2p[NFRAMES];	/* pfn, or NOBODY when Xen has it */
	u_long	tot;		/* frames the domain owns */
	u_long	cap;		/* most it may own */
	u_long	next;		/* where populate looks for a free frame */
	int	take;		/* decrease: take at most this many, -1 all */
	int	back;		/* populate: back at most this many, -1 all */
	bool	quiet;		/* a short step returns 0, not an error */
	u_long	dirty;		/* pages given back with data in them */
} xen;

static struct balloon b;

void
pmap_zero_page(vm_page_t m)
{
	memset(data[atop(m->phys_addr)], 0, sizeof(data[0]));
}

static int
fake_decrease(vm_page_t *pages, u_int n, u_int *donep)
{
	u_long pfn, mfn;
	u_int i, j;

	*donep = 0;
	for (i = 0; i < n; i++)
		if (pages[i]->state != VM_PAGE_ALLOCATED)
			return (EINVAL);
	for (i = 0; i < n; i++) {
		if (xen.take >= 0 && i >= (u_int)xen.take)
			break;
		pfn = atop(pages[i]->phys_addr);
		mfn = xen.p2m[pfn];
		ATF_REQUIRE(mfn != INVALID && xen.m2p[mfn] == pfn);
		for (j = 0; j < sizeof(data[0]); j++)
			if (data[pfn][j] != 0) {
				xen.dirty++;
				break;
			}
		xen.p2m[pfn] = INVALID;
		xen.m2p[mfn] = NOBODY;
		xen.tot--;
		vm_page_set_state(pages[i], VM_PAGE_UNBACKED);
	}
	*donep = i;
	return (i < n && !xen.quiet ? EINVAL : 0);
}

static int
fake_populate(vm_page_t *pages, u_int n, u_int *donep)
{
	u_long pfn, mfn, k;
	u_int i;

	*donep = 0;
	for (i = 0; i < n; i++)
		if (pages[i]->state != VM_PAGE_UNBACKED)
			return (EINVAL);
	for (i = 0; i < n; i++) {
		if ((xen.back >= 0 && i >= (u_int)xen.back) ||
		    xen.tot >= xen.cap)
			break;
		/* A frame Xen has, anywhere (not the one the page had). */
		for (k = 0; k < NFRAMES; k++) {
			mfn = (xen.next + k) % NFRAMES;
			if (xen.m2p[mfn] == NOBODY)
				break;
		}
		ATF_REQUIRE(k < NFRAMES);
		xen.next = mfn + 7;
		pfn = atop(pages[i]->phys_addr);
		ATF_REQUIRE(xen.p2m[pfn] == INVALID);
		xen.p2m[pfn] = mfn;
		xen.m2p[mfn] = pfn;
		xen.tot++;
		memset(data[pfn], 0xa5, sizeof(data[0]));	/* old data */
		vm_page_set_state(pages[i], VM_PAGE_ALLOCATED);
	}
	*donep = i;
	return (i < n && !xen.quiet ? ENOMEM : 0);
}

static const struct balloon_ops fake_ops = {
	.bo_decrease = fake_decrease,
	.bo_populate = fake_populate,
};

/* A domain of NBOOT backed pages in a pfn space of NPAGES. */
static void
setup(void)
{
	u_long pfn;

	memset(&xen, 0, sizeof(xen));
	memset(data, 0x5a, sizeof(data));	/* the kernel's data */
	for (pfn = 0; pfn < NFRAMES; pfn++)
		xen.m2p[pfn] = NOBODY;
	vm_page_startup(array, NPAGES);
	vm_page_release_range(NRESERVED, NBOOT);
	for (pfn = 0; pfn < NPAGES; pfn++) {
		if (pfn < NBOOT) {
			/* Scattered frames, as Xen's builder gives them. */
			xen.p2m[pfn] = (pfn * 5 + 3) % NFRAMES;
			xen.m2p[xen.p2m[pfn]] = pfn;
			xen.tot++;
		} else {
			xen.p2m[pfn] = INVALID;
			vm_page_set_state(&array[pfn], VM_PAGE_UNBACKED);
		}
	}
	xen.cap = NPAGES;
	xen.take = xen.back = -1;
	balloon_init(&b, &fake_ops, MINFREE);
	ATF_REQUIRE_EQ(NPAGES - NBOOT, balloon_adopt(&b));
}

/* Nothing lost: p2m, m2p, page states, the balloon's list, the counts. */
static void
check(void)
{
	u_long pfn, mfn, owned, unbacked, held, st[5];
	vm_page_t m;

	memset(st, 0, sizeof(st));
	owned = unbacked = 0;
	for (pfn = 0; pfn < NPAGES; pfn++) {
		ATF_REQUIRE(array[pfn].state <= VM_PAGE_UNBACKED);
		st[array[pfn].state]++;
		if (array[pfn].state == VM_PAGE_UNBACKED) {
			ATF_REQUIRE_MSG(xen.p2m[pfn] == INVALID,
			    "unbacked pfn %lu has frame %lu", pfn,
			    xen.p2m[pfn]);
			unbacked++;
		} else {
			ATF_REQUIRE_MSG(xen.p2m[pfn] != INVALID,
			    "pfn %lu in state %d has no frame", pfn,
			    array[pfn].state);
			ATF_REQUIRE_EQ(pfn, xen.m2p[xen.p2m[pfn]]);
		}
	}
	for (mfn = 0; mfn < NFRAMES; mfn++)
		if (xen.m2p[mfn] != NOBODY) {
			ATF_REQUIRE_EQ(mfn, xen.p2m[xen.m2p[mfn]]);
			owned++;
		}
	ATF_REQUIRE_EQ(xen.tot, owned);
	ATF_REQUIRE_EQ(NPAGES - unbacked, owned);
	ATF_REQUIRE_EQ(owned, balloon_current(&b));
	ATF_REQUIRE_EQ(unbacked, vm_page_stats.vs_unbacked);
	ATF_REQUIRE_EQ(st[VM_PAGE_FREE], vm_page_free_count());
	/* The test takes no page itself: allocated pages are leaks. */
	ATF_REQUIRE_EQ(0, st[VM_PAGE_ALLOCATED]);
	ATF_REQUIRE_EQ(NRESERVED, st[VM_PAGE_RESERVED]);
	ATF_REQUIRE_EQ(NPAGES, st[VM_PAGE_FREE] + NRESERVED + unbacked);
	held = 0;
	TAILQ_FOREACH(m, &b.b_held, plinks) {
		ATF_REQUIRE_EQ(VM_PAGE_UNBACKED, m->state);
		ATF_REQUIRE(held < NPAGES);	/* no loop */
		held++;
	}
	ATF_REQUIRE_EQ(unbacked, held);
	ATF_REQUIRE_EQ(held, b.b_nheld);
	ATF_REQUIRE_EQ(0, xen.dirty);
}

/* Step toward target until nothing moves; returns the last error. */
static int
run(u_long target, u_long *movedp, bool *floorp)
{
	u_long moved, total;
	int error, steps;

	total = 0;
	for (steps = 0; steps < 1000; steps++) {
		error = balloon_step(&b, target, &moved, floorp);
		total += moved;
		check();
		if (error != 0 || moved == 0)
			break;
	}
	ATF_REQUIRE(steps < 1000);
	*movedp = total;
	return (error);
}

ATF_TC_WITHOUT_HEAD(adopt);
ATF_TC_BODY(adopt, tc)
{
	setup();
	check();
	ATF_CHECK_EQ(NBOOT, balloon_current(&b));
	ATF_CHECK_EQ(NPAGES, balloon_high(&b));
	/* Nothing in use but the reserved pages. */
	ATF_CHECK_EQ(NRESERVED + MINFREE, balloon_floor(&b));
}

ATF_TC_WITHOUT_HEAD(down_then_up);
ATF_TC_BODY(down_then_up, tc)
{
	u_long moved, free0;
	bool floor;

	setup();
	free0 = vm_page_free_count();
	ATF_REQUIRE_EQ(0, run(NBOOT - 500, &moved, &floor));
	ATF_CHECK_EQ(500, moved);
	ATF_CHECK(!floor);
	ATF_CHECK_EQ(NBOOT - 500, balloon_current(&b));
	ATF_CHECK_EQ(free0 - 500, vm_page_free_count());
	ATF_CHECK_EQ(500, b.b_stats.bs_decreased);
	/* Up past the boot size: the pages that started unbacked too. */
	ATF_REQUIRE_EQ(0, run(NPAGES - 10, &moved, &floor));
	ATF_CHECK_EQ(NPAGES - 10 - (NBOOT - 500), moved);
	ATF_CHECK_EQ(NPAGES - 10, balloon_current(&b));
	ATF_CHECK_EQ(free0 + NPAGES - 10 - NBOOT, vm_page_free_count());
	ATF_CHECK_EQ(10, b.b_nheld);
	/* At the target nothing moves. */
	ATF_REQUIRE_EQ(0, run(NPAGES - 10, &moved, &floor));
	ATF_CHECK_EQ(0, moved);
	/* All the way up: nothing held is left. */
	ATF_REQUIRE_EQ(0, run(NPAGES, &moved, &floor));
	ATF_CHECK_EQ(10, moved);
	ATF_CHECK_EQ(0, b.b_nheld);
	ATF_CHECK_EQ(0, b.b_stats.bs_errors);
}

ATF_TC_WITHOUT_HEAD(floor_holds);
ATF_TC_BODY(floor_holds, tc)
{
	u_long moved;
	bool floor;

	setup();
	ATF_REQUIRE_EQ(0, run(0, &moved, &floor));
	ATF_CHECK(floor);
	ATF_CHECK_EQ(MINFREE, vm_page_free_count());
	ATF_CHECK_EQ(NRESERVED + MINFREE, balloon_current(&b));
	ATF_CHECK_EQ(balloon_floor(&b), balloon_current(&b));
	ATF_CHECK_EQ(NBOOT - NRESERVED - MINFREE, moved);
}

ATF_TC_WITHOUT_HEAD(xen_takes_fewer);
ATF_TC_BODY(xen_takes_fewer, tc)
{
	u_long moved, free0;
	bool floor;
	int error;

	setup();
	free0 = vm_page_free_count();
	xen.take = 10;
	error = run(NBOOT - 100, &moved, &floor);
	ATF_CHECK(error != 0);
	ATF_CHECK_EQ(10, moved);
	ATF_CHECK_EQ(1, b.b_stats.bs_errors);
	/* The pages Xen refused went back to the free list. */
	ATF_CHECK_EQ(free0 - 10, vm_page_free_count());
	xen.take = -1;
	ATF_REQUIRE_EQ(0, run(NBOOT - 100, &moved, &floor));
	ATF_CHECK_EQ(90, moved);
	ATF_CHECK_EQ(free0 - 100, vm_page_free_count());
}

/* A step Xen cuts short without an error is one: EIO, counted. */
ATF_TC_WITHOUT_HEAD(short_step_is_an_error);
ATF_TC_BODY(short_step_is_an_error, tc)
{
	u_long moved, free0;
	bool floor;

	setup();
	free0 = vm_page_free_count();
	xen.quiet = true;
	xen.take = 10;
	ATF_CHECK_EQ(EIO, run(NBOOT - 100, &moved, &floor));
	ATF_CHECK_EQ(10, moved);
	ATF_CHECK_EQ(1, b.b_stats.bs_errors);
	ATF_CHECK_EQ(10, b.b_stats.bs_decreased);
	ATF_CHECK_EQ(free0 - 10, vm_page_free_count());
	xen.take = -1;
	xen.back = 4;
	ATF_CHECK_EQ(EIO, run(NBOOT, &moved, &floor));
	ATF_CHECK_EQ(4, moved);
	ATF_CHECK_EQ(2, b.b_stats.bs_errors);
	ATF_CHECK_EQ(4, b.b_stats.bs_populated);
	ATF_CHECK_EQ(free0 - 6, vm_page_free_count());
}

ATF_TC_WITHOUT_HEAD(cap_stops_populate);
ATF_TC_BODY(cap_stops_populate, tc)
{
	u_long moved;
	bool floor;
	int error;

	setup();
	xen.cap = NBOOT + 20;
	error = run(NBOOT + 100, &moved, &floor);
	ATF_CHECK_EQ(ENOMEM, error);
	ATF_CHECK_EQ(20, moved);
	ATF_CHECK_EQ(NBOOT + 20, balloon_current(&b));
	ATF_CHECK_EQ(1, b.b_stats.bs_errors);
	/* Retried: still nothing, still counted, nothing lost. */
	error = run(NBOOT + 100, &moved, &floor);
	ATF_CHECK_EQ(ENOMEM, error);
	ATF_CHECK_EQ(0, moved);
	ATF_CHECK_EQ(2, b.b_stats.bs_errors);
	/* Xen backs only some of a batch. */
	xen.cap = NPAGES;
	xen.back = 7;
	error = run(NBOOT + 100, &moved, &floor);
	ATF_CHECK_EQ(ENOMEM, error);
	ATF_CHECK_EQ(7, moved);
	xen.back = -1;
	ATF_REQUIRE_EQ(0, run(NBOOT + 100, &moved, &floor));
	ATF_CHECK_EQ(73, moved);
}

ATF_TC_WITHOUT_HEAD(cycles_lose_nothing);
ATF_TC_BODY(cycles_lose_nothing, tc)
{
	u_long moved, free0, held0;
	unsigned int seed;
	bool floor;
	int i;

	setup();
	free0 = vm_page_free_count();
	held0 = b.b_nheld;
	seed = 1;
	for (i = 0; i < 20; i++) {
		/* Now and then Xen cuts a batch short; the next run goes on. */
		seed = seed * 1103515245 + 12345;
		xen.take = (seed >> 16) % 3 == 0 ? (int)((seed >> 8) % 50) : -1;
		(void)run(NBOOT - 300, &moved, &floor);
		xen.take = -1;
		ATF_REQUIRE_EQ(0, run(NBOOT - 300, &moved, &floor));
		ATF_REQUIRE_EQ(NBOOT - 300, balloon_current(&b));
		xen.back = (seed >> 20) % 2 == 0 ? (int)((seed >> 4) % 40) : -1;
		(void)run(NBOOT, &moved, &floor);
		xen.back = -1;
		ATF_REQUIRE_EQ(0, run(NBOOT, &moved, &floor));
		ATF_REQUIRE_EQ(NBOOT, balloon_current(&b));
	}
	ATF_CHECK_EQ(free0, vm_page_free_count());
	ATF_CHECK_EQ(held0, b.b_nheld);
	ATF_CHECK_EQ(20 * 300, b.b_stats.bs_decreased);
	ATF_CHECK_EQ(20 * 300, b.b_stats.bs_populated);
}

ATF_TC_WITHOUT_HEAD(release_and_adopt);
ATF_TC_BODY(release_and_adopt, tc)
{
	u_long moved, left;
	bool floor;

	setup();
	ATF_REQUIRE_EQ(0, run(NBOOT - 200, &moved, &floor));
	/* Unload: Xen's cap lets only 50 more pages in. */
	xen.cap = NBOOT - 200 + 50;
	ATF_CHECK_EQ(ENOMEM, balloon_release(&b, &left));
	ATF_CHECK_EQ(NPAGES - NBOOT + 200 - 50, left);
	ATF_CHECK_EQ(0, b.b_nheld);
	ATF_CHECK_EQ(NBOOT - 150, NPAGES - vm_page_stats.vs_unbacked);
	/* A new load adopts what stayed unbacked, and nothing else. */
	balloon_init(&b, &fake_ops, MINFREE);
	ATF_CHECK_EQ(left, balloon_adopt(&b));
	check();
	/* With room, release backs everything. */
	xen.cap = NPAGES;
	ATF_CHECK_EQ(0, balloon_release(&b, &left));
	ATF_CHECK_EQ(0, left);
	ATF_CHECK_EQ(0, vm_page_stats.vs_unbacked);
	ATF_CHECK_EQ(NPAGES, xen.tot);
}

ATF_TC_WITHOUT_HEAD(parse_target);
ATF_TC_BODY(parse_target, tc)
{
	static const struct {
		const char *s;
		size_t len;
		int why;
		u_long kib;
	} cases[] = {
		{ "16384", 5, BALLOON_TGT_OK, 16384 },
		{ "0", 1, BALLOON_TGT_OK, 0 },
		{ "1099511627776", 13, BALLOON_TGT_OK, 1UL << 40 },
		{ "1099511627777", 13, BALLOON_TGT_HUGE, 0 },
		{ "99999999999999999999999999", 26, BALLOON_TGT_HUGE, 0 },
		{ "", 0, BALLOON_TGT_EMPTY, 0 },
		{ "abc", 3, BALLOON_TGT_GARBAGE, 0 },
		{ "-4096", 5, BALLOON_TGT_GARBAGE, 0 },
		{ "+4096", 5, BALLOON_TGT_GARBAGE, 0 },
		{ "4096 ", 5, BALLOON_TGT_GARBAGE, 0 },
		{ " 4096", 5, BALLOON_TGT_GARBAGE, 0 },
		{ "0x1000", 6, BALLOON_TGT_GARBAGE, 0 },
		{ "40\0" "96", 5, BALLOON_TGT_GARBAGE, 0 },
		{ "4096\n", 5, BALLOON_TGT_GARBAGE, 0 },
		{ "40:6", 4, BALLOON_TGT_GARBAGE, 0 },	/* '9' + 1 */
		{ "40/6", 4, BALLOON_TGT_GARBAGE, 0 },	/* '0' - 1 */
		{ "999999999999999999999x", 22, BALLOON_TGT_GARBAGE, 0 },
	};
	u_long kib;
	size_t i;
	int why;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kib = 12345;
		why = balloon_parse_target(cases[i].s, cases[i].len, &kib);
		ATF_CHECK_EQ_MSG(cases[i].why, why, "case %zu (%s)", i,
		    balloon_target_problem(why));
		if (cases[i].why == BALLOON_TGT_OK)
			ATF_CHECK_EQ_MSG(cases[i].kib, kib, "case %zu", i);
		else
			ATF_CHECK_EQ_MSG(12345, kib, "case %zu: set", i);
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, adopt);
	ATF_TP_ADD_TC(tp, down_then_up);
	ATF_TP_ADD_TC(tp, floor_holds);
	ATF_TP_ADD_TC(tp, xen_takes_fewer);
	ATF_TP_ADD_TC(tp, short_step_is_an_error);
	ATF_TP_ADD_TC(tp, cap_stops_populate);
	ATF_TP_ADD_TC(tp, cycles_lose_nothing);
	ATF_TP_ADD_TC(tp, release_and_adopt);
	ATF_TP_ADD_TC(tp, parse_target);
	return (atf_no_error());
}
