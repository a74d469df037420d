/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The message buffer's ring (sys/kern/subr_msgbuf.c built for the host):
 * appending, wrapping, where a reader starts, and reading across the wrap
 * in small pieces, with the ring made small so that it wraps often.
 */

#include <atf-c.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sys/msgbuf.h>

#include "kernel_host.h"

/* Everything from msgbuf_first() on, read in pieces of 'chunk'. */
static void
dump(struct msgbuf *mb, size_t chunk, char *out, size_t outsize)
{
	uint64_t seq;
	size_t n, len;

	seq = msgbuf_first(mb);
	len = 0;
	while ((n = msgbuf_read(mb, &seq, out + len, chunk)) > 0) {
		len += n;
		ATF_REQUIRE(len < outsize);
	}
	out[len] = '\0';
}

ATF_TC_WITHOUT_HEAD(empty);
ATF_TC_BODY(empty, tc)
{
	struct msgbuf mb;
	char ring[16], out[64];
	uint64_t seq;

	msgbuf_init(&mb, ring, sizeof(ring));
	ATF_CHECK_EQ(0, msgbuf_first(&mb));
	seq = 0;
	ATF_CHECK_EQ(0, msgbuf_read(&mb, &seq, out, sizeof(out)));
	ATF_CHECK_EQ(0, seq);
}

ATF_TC_WITHOUT_HEAD(no_wrap);
ATF_TC_BODY(no_wrap, tc)
{
	struct msgbuf mb;
	char ring[32], out[64];

	msgbuf_init(&mb, ring, sizeof(ring));
	msgbuf_addstr(&mb, "one\n", 4);
	msgbuf_addstr(&mb, "two\nthr", 7);
	dump(&mb, 3, out, sizeof(out));
	ATF_CHECK_STREQ("one\ntwo\nthr", out);
	/* Filling it exactly is not a wrap: the first line is whole. */
	msgbuf_addstr(&mb, "ee\n0123456789012345678\n", 21);
	ATF_CHECK_EQ(32, mb.msg_wseq);
	ATF_CHECK_EQ(0, msgbuf_first(&mb));
}

ATF_TC_WITHOUT_HEAD(wrap);
ATF_TC_BODY(wrap, tc)
{
	struct msgbuf mb;
	char ring[16], out[64];
	size_t chunk;

	msgbuf_init(&mb, ring, sizeof(ring));
	msgbuf_addstr(&mb, "alpha\n", 6);
	msgbuf_addstr(&mb, "bravo\n", 6);
	msgbuf_addstr(&mb, "charlie\n", 8);	/* 20 bytes: 4 lost */
	ATF_CHECK_EQ(20, mb.msg_wseq);
	/* "ha\n" is what is left of alpha: start at bravo. */
	ATF_CHECK_EQ(6, msgbuf_first(&mb));
	for (chunk = 1; chunk <= 20; chunk++) {
		dump(&mb, chunk, out, sizeof(out));
		ATF_CHECK_STREQ_MSG("bravo\ncharlie\n", out, "chunk %zu",
		    chunk);
	}
	/* Many times round the ring. */
	msgbuf_addstr(&mb, "0123456789abcdefghijklmnopqrstuvwxyz\nend\n", 41);
	dump(&mb, 5, out, sizeof(out));
	ATF_CHECK_STREQ("end\n", out);
}

ATF_TC_WITHOUT_HEAD(long_line);
ATF_TC_BODY(long_line, tc)
{
	struct msgbuf mb;
	char ring[8], out[64];

	/* No newline in the ring at all: show what is there. */
	msgbuf_init(&mb, ring, sizeof(ring));
	msgbuf_addstr(&mb, "abcdefghijklmnopqrstuvwxyz", 26);
	ATF_CHECK_EQ(26, mb.msg_wseq);
	dump(&mb, 3, out, sizeof(out));
	ATF_CHECK_STREQ("stuvwxyz", out);
}

ATF_TC_WITHOUT_HEAD(overtaken);
ATF_TC_BODY(overtaken, tc)
{
	struct msgbuf mb;
	char ring[8], out[16];
	uint64_t seq;
	size_t n;

	/* A reader whose position was overwritten skips to the oldest byte. */
	msgbuf_init(&mb, ring, sizeof(ring));
	msgbuf_addstr(&mb, "abcd", 4);
	seq = 0;
	ATF_CHECK_EQ(2, msgbuf_read(&mb, &seq, out, 2));
	ATF_CHECK_EQ(2, seq);
	msgbuf_addstr(&mb, "efghijkl", 8);	/* wseq 12, oldest 4 */
	n = msgbuf_read(&mb, &seq, out, sizeof(out));
	ATF_CHECK_EQ(8, n);
	ATF_CHECK_EQ(12, seq);
	out[n] = '\0';
	ATF_CHECK_STREQ("efghijkl", out);
	/* A position past the end reads nothing and stays at the end. */
	seq = 100;
	ATF_CHECK_EQ(0, msgbuf_read(&mb, &seq, out, sizeof(out)));
	ATF_CHECK_EQ(12, seq);
}

/* printf(9)'s copy: into the kernel's buffer, with events masked. */
ATF_TC_WITHOUT_HEAD(msglog_masked);
ATF_TC_BODY(msglog_masked, tc)
{
	static char out[MSGBUF_SIZE + 1];

	msglog("first line\n", 11);
	msglog("second", 6);
	ATF_CHECK_EQ(0, kh_masked);
	ATF_CHECK_EQ(1, kh_masked_max);
	ATF_CHECK_EQ(MSGBUF_SIZE, msgbufp->msg_size);
	dump(msgbufp, 5, out, sizeof(out));
	ATF_CHECK_STREQ("first line\nsecond", out);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, empty);
	ATF_TP_ADD_TC(tp, no_wrap);
	ATF_TP_ADD_TC(tp, wrap);
	ATF_TP_ADD_TC(tp, long_line);
	ATF_TP_ADD_TC(tp, overtaken);
	ATF_TP_ADD_TC(tp, msglog_masked);
	return (atf_no_error());
}
