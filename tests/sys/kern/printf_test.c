/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * printf(9) on the host: sys/kern/subr_prf.c is compiled as it is for the
 * kernel (minus _KERNEL, with tests/sys/kern/prf_host.h), and its snprintf
 * is held against the C library's for every conversion, flag and length
 * modifier the kernel uses.  Its printf writes to the stand-ins for the
 * console and the message buffer below, which record the chunks.
 */

#include <atf-c.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int	kern_snprintf(char *, size_t, const char *, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
int	kern_printf(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	cnwrite(const char *, size_t);
void	msglog(const char *, size_t);

/* What kern_printf handed to the console and to the message buffer. */
static char cn_out[1024], log_out[1024];
static size_t cn_len, log_len;
static int cn_chunks;

void
cnwrite(const char *buf, size_t len)
{
	ATF_REQUIRE(cn_len + len < sizeof(cn_out));
	memcpy(cn_out + cn_len, buf, len);
	cn_len += len;
	cn_chunks++;
}

void
msglog(const char *buf, size_t len)
{
	ATF_REQUIRE(log_len + len < sizeof(log_out));
	memcpy(log_out + log_len, buf, len);
	log_len += len;
}

/* Format with both and compare the text and the returned length. */
#define	SAME(fmt, ...) do {						\
	char _k[256], _l[256];						\
	int _kn, _ln;							\
									\
	memset(_k, 'Z', sizeof(_k));					\
	_kn = kern_snprintf(_k, sizeof(_k), fmt, ##__VA_ARGS__);	\
	_ln = snprintf(_l, sizeof(_l), fmt, ##__VA_ARGS__);		\
	ATF_CHECK_STREQ_MSG(_l, _k, "format \"%s\"", fmt);		\
	ATF_CHECK_EQ_MSG(_ln, _kn, "format \"%s\"", fmt);		\
} while (0)

ATF_TC_WITHOUT_HEAD(integers);
ATF_TC_BODY(integers, tc)
{
	SAME("%d %i %u", 0, -1, 42u);
	SAME("%d|%d", INT_MIN, INT_MAX);
	SAME("%u", UINT_MAX);
	SAME("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0755u);
	SAME("%ld|%lu|%lx", LONG_MIN, ULONG_MAX, 0x123456789abcdefUL);
	SAME("%lld|%llu", LLONG_MIN, ULLONG_MAX);
	SAME("%qd", (long long)-5);
	SAME("%jd|%ju", INTMAX_MIN, UINTMAX_MAX);
	SAME("%zu|%zd|%zx", SIZE_MAX, (ssize_t)-1, (size_t)4096);
	SAME("%td", (ptrdiff_t)-77);
	/* Promoted ints that do not fit: the modifier must narrow them. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat"
	SAME("%hhd|%hhu|%hd|%hu", 300, 300, 70000, 70000);
#pragma clang diagnostic pop
}

ATF_TC_WITHOUT_HEAD(width_and_flags);
ATF_TC_BODY(width_and_flags, tc)
{
	SAME("[%5d][%-5d][%05d]", 42, 42, 42);
	SAME("[%5d][%-5d][%05d]", -42, -42, -42);
	SAME("[%+d][%+d][% d][% d]", 7, -7, 7, -7);
	SAME("[%#x][%#X][%#o][%#x][%#o]", 255u, 255u, 8u, 0u, 0u);
	SAME("[%#010x][%-#10x]", 0xabcu, 0xabcu);
	SAME("[%016lx]", 0xffffffff80000000UL);
	SAME("[%*d][%-*d][%*d]", 6, 1, 6, 1, -6, 1);
	SAME("[%2d]", 123456);
}

ATF_TC_WITHOUT_HEAD(precision);
ATF_TC_BODY(precision, tc)
{
	SAME("[%.3d][%.3d][%8.3d][%-8.3d]", 5, -5, 5, -5);
	SAME("[%.0d][%5.0d][%.0x]", 0, 0, 0u);
	SAME("[%05.2d]", 3);
	SAME("[%.*d][%.*d]", 4, 9, -1, 9);
	SAME("[%#.5o][%#.1o]", 8u, 8u);
}

ATF_TC_WITHOUT_HEAD(chars_and_strings);
ATF_TC_BODY(chars_and_strings, tc)
{
	const char *volatile null = NULL;

	SAME("[%c][%3c][%-3c]", 'a', 'b', 'c');
	SAME("[%s][%10s][%-10s]", "xen", "xen", "xen");
	SAME("[%.2s][%.*s][%.0s]", "pvbsd", 3, "pvbsd", "pvbsd");
	SAME("100%% done");
	SAME("[%s]", null);		/* glibc also says "(null)" */
}

ATF_TC_WITHOUT_HEAD(pointers);
ATF_TC_BODY(pointers, tc)
{
	char buf[64];

	SAME("%p", (void *)0xffffffff80001000UL);
	SAME("[%20p]", (void *)0x1234UL);
	/* A NULL pointer reads "0x0" (glibc says "(nil)"). */
	kern_snprintf(buf, sizeof(buf), "%p", (void *)0);
	ATF_CHECK_STREQ("0x0", buf);
}

ATF_TC_WITHOUT_HEAD(truncation);
ATF_TC_BODY(truncation, tc)
{
	char buf[8];
	int n;

	memset(buf, 'Z', sizeof(buf));
	n = kern_snprintf(buf, sizeof(buf), "%s-%d", "pvbsd", 12345);
	ATF_CHECK_EQ(11, n);
	ATF_CHECK_STREQ("pvbsd-1", buf);

	memset(buf, 'Z', sizeof(buf));
	n = kern_snprintf(buf, 0, "%d", 99);
	ATF_CHECK_EQ(2, n);
	ATF_CHECK_EQ('Z', buf[0]);

	n = kern_snprintf(buf, 1, "%d", 99);
	ATF_CHECK_EQ(2, n);
	ATF_CHECK_EQ('\0', buf[0]);
}

ATF_TC_WITHOUT_HEAD(refused_and_unknown);
ATF_TC_BODY(refused_and_unknown, tc)
{
	char buf[64], fmt[16];
	int target = 1234;
	int n;

	/* %n would write through a pointer from the format: not done. */
	strcpy(fmt, "ab%ncd");
	n = kern_snprintf(buf, sizeof(buf), fmt, &target);
	ATF_CHECK_EQ(1234, target);
	ATF_CHECK_STREQ("ab%ncd", buf);
	ATF_CHECK_EQ(6, n);

	strcpy(fmt, "[%y]");
	kern_snprintf(buf, sizeof(buf), fmt, 0);
	ATF_CHECK_STREQ("[%y]", buf);

	strcpy(fmt, "end%");
	kern_snprintf(buf, sizeof(buf), fmt, 0);
	ATF_CHECK_STREQ("end", buf);
}

/* printf(9): whole lines (or 128-byte pieces) to both places. */
ATF_TC_WITHOUT_HEAD(printf_chunks);
ATF_TC_BODY(printf_chunks, tc)
{
	char big[300];
	int n;

	cn_len = log_len = 0;
	cn_chunks = 0;
	n = kern_printf("one\ntwo %d\nthree", 2);
	ATF_CHECK_EQ(15, n);
	ATF_CHECK_EQ(3, cn_chunks);
	ATF_CHECK_EQ(15, cn_len);
	ATF_CHECK(memcmp(cn_out, "one\ntwo 2\nthree", 15) == 0);
	ATF_CHECK(log_len == cn_len && memcmp(log_out, cn_out, cn_len) == 0);

	cn_len = log_len = 0;
	cn_chunks = 0;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ATF_CHECK_EQ(299, kern_printf("%s", big));
	ATF_CHECK_EQ(3, cn_chunks);		/* 128 + 128 + 43 */
	ATF_CHECK_EQ(299, cn_len);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, integers);
	ATF_TP_ADD_TC(tp, printf_chunks);
	ATF_TP_ADD_TC(tp, width_and_flags);
	ATF_TP_ADD_TC(tp, precision);
	ATF_TP_ADD_TC(tp, chars_and_strings);
	ATF_TP_ADD_TC(tp, pointers);
	ATF_TP_ADD_TC(tp, truncation);
	ATF_TP_ADD_TC(tp, refused_and_unknown);
	return (atf_no_error());
}
