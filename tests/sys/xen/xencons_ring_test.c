/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The PV console ring's index arithmetic (sys/xen/xencons_ring.c) against
 * a ring page in host memory, with this test playing dom0: consuming "out",
 * producing "in", and sometimes lying about its indices.
 */

#include <atf-c.h>
#include <stdint.h>
#include <string.h>

#include <xen/io/console.h>
#include "xencons_ring.h"

static struct xencons_interface page;

static void
fresh(struct xencons_ring *xr, uint32_t start)
{
	memset(&page, 0, sizeof(page));
	page.out_prod = page.out_cons = start;
	page.in_prod = page.in_cons = start;
	xencons_ring_init(xr, &page);
}

ATF_TC_WITHOUT_HEAD(put_simple);
ATF_TC_BODY(put_simple, tc)
{
	struct xencons_ring xr;

	fresh(&xr, 0);
	ATF_CHECK_EQ(2048, xencons_ring_out_space(&xr));
	ATF_CHECK_EQ(5, xencons_ring_put(&xr, "hello", 5));
	ATF_CHECK_EQ(5, page.out_prod);
	ATF_CHECK(memcmp(page.out, "hello", 5) == 0);
	ATF_CHECK_EQ(5, xencons_ring_out_pending(&xr));
	page.out_cons = 5;			/* dom0 read it */
	ATF_CHECK_EQ(0, xencons_ring_out_pending(&xr));
	ATF_CHECK_EQ(0, xr.xr_errors);
}

/* Free-running indices wrap at 2^32; positions wrap at the ring size. */
ATF_TC_WITHOUT_HEAD(put_wraps_index);
ATF_TC_BODY(put_wraps_index, tc)
{
	struct xencons_ring xr;
	char buf[100];
	uint32_t start = 0xffffffc0u;
	int i;

	for (i = 0; i < 100; i++)
		buf[i] = (char)i;
	fresh(&xr, start);
	ATF_CHECK_EQ(100, xencons_ring_put(&xr, buf, 100));
	ATF_CHECK_EQ((uint32_t)(start + 100), page.out_prod);
	for (i = 0; i < 100; i++)
		ATF_CHECK_EQ(buf[i], page.out[(start + i) & 2047]);
	ATF_CHECK_EQ(100, xencons_ring_out_pending(&xr));
}

ATF_TC_WITHOUT_HEAD(put_full);
ATF_TC_BODY(put_full, tc)
{
	struct xencons_ring xr;
	static char buf[3000];

	memset(buf, 'x', sizeof(buf));
	fresh(&xr, 1000);
	ATF_CHECK_EQ(2048, xencons_ring_put(&xr, buf, sizeof(buf)));
	ATF_CHECK_EQ(0, xencons_ring_out_space(&xr));
	ATF_CHECK_EQ(0, xencons_ring_put(&xr, buf, 1));
	page.out_cons += 100;
	ATF_CHECK_EQ(100, xencons_ring_put(&xr, buf, sizeof(buf)));
	ATF_CHECK_EQ(1000 + 2148, page.out_prod);
	ATF_CHECK_EQ(0, xr.xr_errors);
}

/* dom0 claims to have consumed bytes we never produced. */
ATF_TC_WITHOUT_HEAD(put_hostile_cons);
ATF_TC_BODY(put_hostile_cons, tc)
{
	struct xencons_ring xr;
	char before[sizeof(page.out)];

	fresh(&xr, 0);
	page.out_cons = 4096;
	memcpy(before, page.out, sizeof(before));
	ATF_CHECK_EQ(0, xencons_ring_put(&xr, "abc", 3));
	ATF_CHECK(memcmp(before, page.out, sizeof(before)) == 0);
	ATF_CHECK(xr.xr_errors > 0);
	/* dom0 scribbling out_prod does not move our producer. */
	page.out_cons = 0;
	page.out_prod = 1234;
	ATF_CHECK_EQ(3, xencons_ring_put(&xr, "abc", 3));
	ATF_CHECK_EQ(3, page.out_prod);
}

ATF_TC_WITHOUT_HEAD(get_input);
ATF_TC_BODY(get_input, tc)
{
	struct xencons_ring xr;
	char buf[16];
	uint32_t start = 0xfffffffeu;
	int i;

	fresh(&xr, start);
	ATF_CHECK_EQ(0, xencons_ring_get(&xr, buf, sizeof(buf)));
	for (i = 0; i < 4; i++)
		page.in[(start + i) & 1023] = "ls\r\n"[i];
	page.in_prod = start + 4;
	ATF_CHECK_EQ(3, xencons_ring_get(&xr, buf, 3));
	ATF_CHECK(memcmp(buf, "ls\r", 3) == 0);
	ATF_CHECK_EQ((uint32_t)(start + 3), page.in_cons);
	ATF_CHECK_EQ(1, xencons_ring_get(&xr, buf, sizeof(buf)));
	ATF_CHECK_EQ('\n', buf[0]);
	ATF_CHECK_EQ((uint32_t)(start + 4), page.in_cons);
	ATF_CHECK_EQ(0, xr.xr_errors);
}

/* dom0 claims more input than the ring can hold: drop, count, resync. */
ATF_TC_WITHOUT_HEAD(get_hostile_prod);
ATF_TC_BODY(get_hostile_prod, tc)
{
	struct xencons_ring xr;
	char buf[2048];

	fresh(&xr, 0);
	page.in_prod = 5000;
	ATF_CHECK_EQ(0, xencons_ring_get(&xr, buf, sizeof(buf)));
	ATF_CHECK_EQ(1, xr.xr_errors);
	ATF_CHECK_EQ(5000, page.in_cons);
	page.in[5000 & 1023] = 'k';
	page.in_prod = 5001;
	ATF_CHECK_EQ(1, xencons_ring_get(&xr, buf, sizeof(buf)));
	ATF_CHECK_EQ('k', buf[0]);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, put_simple);
	ATF_TP_ADD_TC(tp, put_wraps_index);
	ATF_TP_ADD_TC(tp, put_full);
	ATF_TP_ADD_TC(tp, put_hostile_cons);
	ATF_TP_ADD_TC(tp, get_input);
	ATF_TP_ADD_TC(tp, get_hostile_prod);
	return (atf_no_error());
}
