/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * sys/libkern/string.c's block operations on the host, renamed kern_*
 * (see the Makefile) so the C library's stay out of the way: memcpy,
 * memmove (both directions, every overlap) and memset for every length
 * from 0 to 80 (memcpy to 200: three of its 64-byte blocks and every
 * tail; memmove to 136) at every source and destination offset within a
 * quadword, and for a few large lengths, against byte-by-byte models.
 * Guard bytes around each destination must be untouched, and the
 * direction flag must be clear afterwards.
 */

#include <atf-c.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

void	*kern_memcpy(void *, const void *, size_t);
void	*kern_memmove(void *, const void *, size_t);
void	*kern_memset(void *, int, size_t);

#define	BIG	(1 << 20)
#define	GUARD	16

static uint8_t	*buf, *ref;

static void
fill(uint8_t *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

static bool
df_clear(void)
{
	uint64_t fl;

	__asm __volatile("pushfq; popq %0" : "=r" (fl));
	return ((fl & (1UL << 10)) == 0);
}

/* Every length, both offsets, against the byte model. */
static void
check_copy(size_t len, size_t soff, size_t doff)
{
	size_t n = len + 2 * GUARD + 16, i;
	uint8_t *src = buf, *dst = buf + n;

	fill(src, n, (unsigned)len);
	fill(dst, n, (unsigned)len + 1);
	for (i = 0; i < n; i++)
		ref[i] = dst[i];
	for (i = 0; i < len; i++)
		ref[GUARD + doff + i] = src[GUARD + soff + i];
	ATF_REQUIRE(kern_memcpy(dst + GUARD + doff, src + GUARD + soff, len) ==
	    dst + GUARD + doff);
	for (i = 0; i < n; i++)
		if (dst[i] != ref[i])
			atf_tc_fail("memcpy len %zu soff %zu doff %zu: byte %zu "
			    "is %#x, not %#x", len, soff, doff, i, dst[i],
			    ref[i]);
	ATF_REQUIRE(df_clear());
}

ATF_TC_WITHOUT_HEAD(memcpy_lengths_offsets);
ATF_TC_BODY(memcpy_lengths_offsets, tc)
{
	size_t len, s, d;

	for (len = 0; len <= 200; len++)
		for (s = 0; s < 8; s++)
			for (d = 0; d < 8; d++)
				check_copy(len, s, d);
	check_copy(4096, 0, 0);
	check_copy(4096 + 5, 3, 1);
	check_copy(BIG - 64, 7, 2);
}

/* src and dst in the same buffer, dst - src = delta (either sign). */
static void
check_move(size_t len, ptrdiff_t delta, size_t base)
{
	size_t n = len + 2 * GUARD + 160, i;
	uint8_t *s, *d;

	fill(buf, n, (unsigned)(len + delta + 1000));
	for (i = 0; i < n; i++)
		ref[i] = buf[i];
	s = buf + GUARD + 80 + base;
	d = s + delta;
	for (i = 0; i < len; i++)
		ref[(size_t)(d - buf) + i] = buf[(size_t)(s - buf) + i];
	ATF_REQUIRE(kern_memmove(d, s, len) == d);
	for (i = 0; i < n; i++)
		if (buf[i] != ref[i])
			atf_tc_fail("memmove len %zu delta %td: byte %zu is "
			    "%#x, not %#x", len, delta, i, buf[i], ref[i]);
	ATF_REQUIRE(df_clear());
}

ATF_TC_WITHOUT_HEAD(memmove_overlaps);
ATF_TC_BODY(memmove_overlaps, tc)
{
	size_t len, b;
	ptrdiff_t delta;

	for (len = 0; len <= 136; len++)
		for (delta = -20; delta <= 20; delta++)
			for (b = 0; b < 8; b += 3)
				check_move(len, delta, b);
	check_move(8192 + 3, 5, 1);
	check_move(8192 + 3, -5, 1);
	check_move(8192, 8, 0);
	check_move(8192, -8, 0);
	check_move(8192, -64, 0);
	check_move(8192, -65, 3);
}

ATF_TC_WITHOUT_HEAD(memset_lengths_offsets);
ATF_TC_BODY(memset_lengths_offsets, tc)
{
	size_t len, off, n, i;
	int c;

	for (len = 0; len <= 80; len++) {
		for (off = 0; off < 8; off++) {
			n = len + 2 * GUARD + 8;
			c = (int)(0x1a5 + len);	/* only the low byte counts */
			fill(buf, n, (unsigned)len);
			for (i = 0; i < n; i++)
				ref[i] = buf[i];
			for (i = 0; i < len; i++)
				ref[GUARD + off + i] = (uint8_t)c;
			ATF_REQUIRE(kern_memset(buf + GUARD + off, c, len) ==
			    buf + GUARD + off);
			for (i = 0; i < n; i++)
				if (buf[i] != ref[i])
					atf_tc_fail("memset len %zu off %zu: "
					    "byte %zu is %#x, not %#x", len,
					    off, i, buf[i], ref[i]);
			ATF_REQUIRE(df_clear());
		}
	}
	kern_memset(buf + 3, 0xee, BIG - 16);
	for (i = 3; i < BIG - 13; i++)
		ATF_REQUIRE(buf[i] == 0xee);
}

ATF_TP_ADD_TCS(tp)
{
	buf = calloc(1, 2 * BIG + 1024);
	ref = calloc(1, 2 * BIG + 1024);
	if (buf == NULL || ref == NULL)
		abort();
	ATF_TP_ADD_TC(tp, memcpy_lengths_offsets);
	ATF_TP_ADD_TC(tp, memmove_overlaps);
	ATF_TP_ADD_TC(tp, memset_lengths_offsets);
	return (atf_no_error());
}
