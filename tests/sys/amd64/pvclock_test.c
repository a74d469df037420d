/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Xen's TSC-to-nanoseconds scaling (<machine/pvclock.h>) against values
 * worked out by hand, including products that need more than 64 bits.
 */

#include <atf-c.h>
#include <stdint.h>
#include <sys/types.h>

#include <machine/pvclock.h>

ATF_TC_WITHOUT_HEAD(known_values);
ATF_TC_BODY(known_values, tc)
{
	/* mul = 2^31 is a factor of 1/2: 2 GHz with no shift. */
	ATF_CHECK_EQ(500, pvclock_scale(1000, 0x80000000u, 0));
	/* 3 GHz: shift -1 halves, mul ~ 2/3 * 2^32 (rounded up). */
	ATF_CHECK_EQ(1000000000ULL,
	    pvclock_scale(3000000000ULL, 2863311531u, -1));
	/* 1 GHz expressed as shift +1 and a factor of 1/2. */
	ATF_CHECK_EQ(123456789ULL, pvclock_scale(123456789ULL, 0x80000000u, 1));
	ATF_CHECK_EQ(0, pvclock_scale(0, 0xffffffffu, 3));
}

/* (2^41 * (2^32 - 1)) >> 32 = 2^41 - 2^9: needs a 96-bit product. */
ATF_TC_WITHOUT_HEAD(wide_product);
ATF_TC_BODY(wide_product, tc)
{
	ATF_CHECK_EQ(2199023255040ULL,
	    pvclock_scale(1ULL << 40, 0xffffffffu, 1));
	/*
	 * Ten minutes of a 2.5 GHz TSC, mul = floor(0.4 * 2^32): the
	 * truncated factor loses 140 ns over 600 s.
	 */
	ATF_CHECK_EQ(599999999860ULL,
	    pvclock_scale(1500000000000ULL, 1717986918u, 0));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, known_values);
	ATF_TP_ADD_TC(tp, wide_product);
	return (atf_no_error());
}
