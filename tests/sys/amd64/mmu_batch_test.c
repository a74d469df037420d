/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The mmu_update/mmuext_op batch queue (sys/amd64/xen/mmu_batch.c)
 * against fake hypercalls that record what they were asked to do.
 */

#include <atf-c.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <xen/xen.h>

#include <machine/mmu_batch.h>

/* What the fake hypervisor saw, one record per operation, in order. */
struct rec {
	int		kind;		/* 0 update, 1 ext */
	uint64_t	a, b;
	int		call;		/* which hypercall carried it */
};

static struct rec recs[1024];
static int nrecs, ncalls, nmulti, fail_at = -1;
static char lastmsg[256];

int
mmu_test_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lastmsg, sizeof(lastmsg), fmt, ap);
	va_end(ap);
	return (0);
}

static long
fake_update(mmu_update_t *req, u_int count, u_int *done)
{
	u_int i;

	for (i = 0; i < count; i++) {
		if (nrecs == fail_at) {
			*done = i;
			return (-22);
		}
		recs[nrecs++] = (struct rec){ 0, req[i].ptr, req[i].val,
		    ncalls };
	}
	*done = count;
	return (0);
}

static long
fake_ext(struct mmuext_op *op, u_int count, u_int *done)
{
	u_int i;

	for (i = 0; i < count; i++)
		recs[nrecs++] = (struct rec){ 1, op[i].cmd, op[i].arg1.mfn,
		    ncalls };
	*done = count;
	return (0);
}

long
xen_hyp_mmu_update(mmu_update_t *req, u_int count, u_int *done)
{
	long rv = fake_update(req, count, done);

	ncalls++;
	return (rv);
}

long
xen_hyp_mmuext_op(struct mmuext_op *op, u_int count, u_int *done)
{
	long rv = fake_ext(op, count, done);

	ncalls++;
	return (rv);
}

long
xen_hyp_multicall(multicall_entry_t *mc, u_int count)
{
	u_int i;

	for (i = 0; i < count; i++) {
		ATF_REQUIRE_EQ(DOMID_SELF, mc[i].args[3]);
		if (mc[i].op == __HYPERVISOR_mmu_update)
			mc[i].result = fake_update((void *)mc[i].args[0],
			    mc[i].args[1], (u_int *)mc[i].args[2]);
		else if (mc[i].op == __HYPERVISOR_mmuext_op)
			mc[i].result = fake_ext((void *)mc[i].args[0],
			    mc[i].args[1], (u_int *)mc[i].args[2]);
		else
			atf_tc_fail("unexpected op %lu in multicall",
			    (u_long)mc[i].op);
	}
	ncalls++;
	nmulti++;
	return (0);
}

static struct mmu_batch mb;

static void
reset(void)
{
	nrecs = ncalls = nmulti = 0;
	fail_at = -1;
	memset(&mmu_stats, 0, sizeof(mmu_stats));
	lastmsg[0] = '\0';
	mmu_batch_init(&mb);
}

ATF_TC_WITHOUT_HEAD(updates_fill_batches);
ATF_TC_BODY(updates_fill_batches, tc)
{
	int i;

	reset();
	for (i = 0; i < 300; i++)
		mmu_batch_update(&mb, 0x1000 + 8 * i, i);
	ATF_CHECK_EQ(2, ncalls);		/* two full batches so far */
	ATF_CHECK_EQ(0, mmu_batch_flush(&mb));
	ATF_CHECK_EQ(3, ncalls);
	ATF_CHECK_EQ(0, nmulti);
	ATF_REQUIRE_EQ(300, nrecs);
	for (i = 0; i < 300; i++) {
		ATF_CHECK_EQ(0x1000 + 8 * i, recs[i].a);
		ATF_CHECK_EQ((uint64_t)i, recs[i].b);
		ATF_CHECK_EQ(i / MMU_BATCH_NREQ, recs[i].call);
	}
	ATF_CHECK_EQ(300, mmu_stats.ms_updates);
	ATF_CHECK_EQ(3, mmu_stats.ms_hypercalls);
	/* Nothing queued: a flush makes no hypercall. */
	ATF_CHECK_EQ(0, mmu_batch_flush(&mb));
	ATF_CHECK_EQ(3, ncalls);
}

/* Mixed kinds keep their order and go out in one multicall. */
ATF_TC_WITHOUT_HEAD(order_across_kinds);
ATF_TC_BODY(order_across_kinds, tc)
{
	reset();
	mmu_batch_update(&mb, 0x2000, 1);		/* make RO */
	mmu_batch_ext(&mb, MMUEXT_INVLPG_LOCAL, 0xdead000, 0);
	mmu_batch_update(&mb, 0x3000, 2);		/* link */
	mmu_batch_ext(&mb, MMUEXT_PIN_L1_TABLE, 77, 0);
	ATF_CHECK_EQ(0, mmu_batch_flush(&mb));
	ATF_CHECK_EQ(1, ncalls);
	ATF_CHECK_EQ(1, nmulti);
	ATF_REQUIRE_EQ(4, nrecs);
	ATF_CHECK(recs[0].kind == 0 && recs[0].a == 0x2000);
	ATF_CHECK(recs[1].kind == 1 && recs[1].a == MMUEXT_INVLPG_LOCAL &&
	    recs[1].b == 0xdead000);
	ATF_CHECK(recs[2].kind == 0 && recs[2].a == 0x3000);
	ATF_CHECK(recs[3].kind == 1 && recs[3].a == MMUEXT_PIN_L1_TABLE &&
	    recs[3].b == 77);
	ATF_CHECK_EQ(2, mmu_stats.ms_updates);
	ATF_CHECK_EQ(2, mmu_stats.ms_extops);
}

/* More alternations than segments: flushed early, order still kept. */
ATF_TC_WITHOUT_HEAD(segment_overflow);
ATF_TC_BODY(segment_overflow, tc)
{
	int i;

	reset();
	for (i = 0; i < 10; i++) {
		mmu_batch_update(&mb, 0x1000 * (i + 1), i);
		mmu_batch_ext(&mb, MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
	}
	ATF_CHECK_EQ(0, mmu_batch_flush(&mb));
	ATF_REQUIRE_EQ(20, nrecs);
	for (i = 0; i < 10; i++) {
		ATF_CHECK(recs[2 * i].kind == 0 &&
		    recs[2 * i].a == 0x1000 * (uint64_t)(i + 1));
		ATF_CHECK(recs[2 * i + 1].kind == 1);
	}
	ATF_CHECK(ncalls >= 2);
}

/* A refused update is reported with what it was and counted. */
ATF_TC_WITHOUT_HEAD(failure_reported);
ATF_TC_BODY(failure_reported, tc)
{
	int i;

	reset();
	fail_at = 5;
	for (i = 0; i < 10; i++)
		mmu_batch_update(&mb, 0x4000 + 8 * i, 0x100 + i);
	ATF_CHECK_EQ(22, mmu_batch_flush(&mb));
	ATF_CHECK_EQ(1, mmu_stats.ms_errors);
	ATF_CHECK_MATCH("mmu_update 6 of 10 \\(ptr 0x4028, val 0x105\\) "
	    "failed: 22", lastmsg);
	/* The error is reported once; the next flush starts clean. */
	mmu_batch_update(&mb, 0x5000, 1);
	fail_at = -1;
	ATF_CHECK_EQ(0, mmu_batch_flush(&mb));
}

/* A failure inside a flush the full queue made by itself still counts. */
ATF_TC_WITHOUT_HEAD(failure_in_auto_flush);
ATF_TC_BODY(failure_in_auto_flush, tc)
{
	int i;

	reset();
	fail_at = 3;
	for (i = 0; i < MMU_BATCH_NREQ + 10; i++)
		mmu_batch_update(&mb, 0x8000 + 8 * i, i);
	ATF_CHECK_EQ(1, ncalls);		/* the automatic flush */
	ATF_CHECK_EQ(1, mmu_stats.ms_errors);
	ATF_CHECK_EQ(22, mmu_batch_flush(&mb));
	ATF_CHECK_EQ(0, mmu_batch_flush(&mb));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, updates_fill_batches);
	ATF_TP_ADD_TC(tp, order_across_kinds);
	ATF_TP_ADD_TC(tp, segment_overflow);
	ATF_TP_ADD_TC(tp, failure_reported);
	ATF_TP_ADD_TC(tp, failure_in_auto_flush);
	return (atf_no_error());
}
