/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * control(4)'s checks of what dom0 writes into control/shutdown and
 * control/sysrq (sys/dev/xen/control/control_req.c): the words and keys
 * the toolstack sends pass, and everything else -- empty, too long,
 * binary, upper case, blanks, a NUL inside the length -- is refused with
 * the right reason; the quoted copy for the log is printable, bounded
 * and always terminated, whatever the value.
 */

#include <atf-c.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <dev/xen/control/control_req.h>

#define	LIT(s)	(s), (sizeof(s) - 1)	/* bytes, NULs included */

ATF_TC_WITHOUT_HEAD(word_accepts);
ATF_TC_BODY(word_accepts, tc)
{
	ATF_CHECK_EQ(control_check_word(LIT("poweroff")), CONTROL_REQ_OK);
	ATF_CHECK_EQ(control_check_word(LIT("reboot")), CONTROL_REQ_OK);
	ATF_CHECK_EQ(control_check_word(LIT("halt")), CONTROL_REQ_OK);
	ATF_CHECK_EQ(control_check_word(LIT("suspend")), CONTROL_REQ_OK);
	/* Well formed but unknown: the driver's table says no. */
	ATF_CHECK_EQ(control_check_word(LIT("garbage")), CONTROL_REQ_OK);
	ATF_CHECK_EQ(control_check_word(LIT("a")), CONTROL_REQ_OK);
	ATF_CHECK_EQ(control_check_word(LIT("abcdefghijklmno")),
	    CONTROL_REQ_OK);
}

ATF_TC_WITHOUT_HEAD(word_refuses);
ATF_TC_BODY(word_refuses, tc)
{
	static char big[4097];

	ATF_CHECK_EQ(control_check_word(LIT("")), CONTROL_REQ_NONE);
	ATF_CHECK_EQ(control_check_word(LIT("abcdefghijklmnop")),
	    CONTROL_REQ_BADLEN);
	memset(big, 'a', sizeof(big));
	ATF_CHECK_EQ(control_check_word(big, sizeof(big)),
	    CONTROL_REQ_BADLEN);
	ATF_CHECK_EQ(control_check_word(LIT("POWEROFF")), CONTROL_REQ_BADCHAR);
	ATF_CHECK_EQ(control_check_word(LIT("poweroff\n")),
	    CONTROL_REQ_BADCHAR);
	ATF_CHECK_EQ(control_check_word(LIT(" reboot")), CONTROL_REQ_BADCHAR);
	ATF_CHECK_EQ(control_check_word(LIT("power off")),
	    CONTROL_REQ_BADCHAR);
	ATF_CHECK_EQ(control_check_word(LIT("poweroff\0x")),
	    CONTROL_REQ_BADCHAR);
	ATF_CHECK_EQ(control_check_word(LIT("pow\001\002\377")),
	    CONTROL_REQ_BADCHAR);
	ATF_CHECK_EQ(control_check_word(LIT("\x80" "abc")),
	    CONTROL_REQ_BADCHAR);
	ATF_CHECK_EQ(control_check_word(LIT("reboot1")), CONTROL_REQ_BADCHAR);
}

ATF_TC_WITHOUT_HEAD(key);
ATF_TC_BODY(key, tc)
{
	const char *k;
	int c;

	for (k = "bchmot"; *k != '\0'; k++)
		ATF_CHECK_EQ(control_check_key(k, 1), CONTROL_REQ_OK);
	ATF_CHECK_EQ(control_check_key(LIT("")), CONTROL_REQ_NONE);
	ATF_CHECK_EQ(control_check_key(LIT("bb")), CONTROL_REQ_BADLEN);
	ATF_CHECK_EQ(control_check_key(LIT("b\0")), CONTROL_REQ_BADLEN);
	ATF_CHECK_EQ(control_check_key(LIT("reboot")), CONTROL_REQ_BADLEN);
	for (c = 0; c < 256; c++) {
		char v = (char)c;
		int want = (c > ' ' && c <= '~') ? CONTROL_REQ_OK :
		    CONTROL_REQ_BADCHAR;

		ATF_CHECK_EQ_MSG(control_check_key(&v, 1), want, "byte %#x",
		    c);
	}
}

ATF_TC_WITHOUT_HEAD(strerror);
ATF_TC_BODY(strerror, tc)
{
	ATF_CHECK_STREQ(control_req_strerror(CONTROL_REQ_UNKNOWN),
	    "unknown request");
	ATF_CHECK_STREQ(control_req_strerror(CONTROL_REQ_BADLEN), "too long");
	ATF_CHECK_STREQ(control_req_strerror(CONTROL_REQ_BADCHAR),
	    "not a request word");
	ATF_CHECK_STREQ(control_req_strerror(99), "invalid");
}

ATF_TC_WITHOUT_HEAD(quote);
ATF_TC_BODY(quote, tc)
{
	char buf[48];
	static char big[4096];
	size_t size;
	int c;

	control_req_quote(LIT("garbage"), buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "garbage");
	control_req_quote(LIT(""), buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "");
	control_req_quote(LIT("pow\001\002\377"), buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "pow\\x01\\x02\\xff");
	control_req_quote(LIT("a\"b\\c\0d"), buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "a\\x22b\\x5cc\\x00d");
	memset(big, 'a', sizeof(big));
	control_req_quote(big, sizeof(big), buf, sizeof(buf));
	ATF_CHECK_EQ(strlen(buf), sizeof(buf) - 1);
	ATF_CHECK(strcmp(buf + strlen(buf) - 3, "...") == 0);
	/* Every size from the least, every byte: bounded, terminated. */
	for (c = 0; c < 256; c++)
		big[c] = (char)c;
	for (size = 8; size <= sizeof(buf); size++) {
		memset(buf, 0x55, sizeof(buf));
		control_req_quote(big, 256, buf, size);
		ATF_CHECK_MSG(strlen(buf) < size, "size %zu", size);
		ATF_CHECK_MSG(size == sizeof(buf) ||
		    (u_char)buf[size] == 0x55, "wrote past %zu", size);
		for (c = 0; buf[c] != '\0'; c++)
			ATF_CHECK(buf[c] >= ' ' && buf[c] <= '~');
	}
	/* A value that fits exactly is not marked as cut. */
	control_req_quote(big, 0, buf, 8);
	ATF_CHECK_STREQ(buf, "");
	control_req_quote(LIT("abcd"), buf, 8);
	ATF_CHECK_STREQ(buf, "abcd");
	control_req_quote(LIT("abcde"), buf, 8);
	ATF_CHECK_STREQ(buf, "abcd...");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, word_accepts);
	ATF_TP_ADD_TC(tp, word_refuses);
	ATF_TP_ADD_TC(tp, key);
	ATF_TP_ADD_TC(tp, strerror);
	ATF_TP_ADD_TC(tp, quote);
	return (atf_no_error());
}
