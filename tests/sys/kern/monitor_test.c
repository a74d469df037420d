/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The console monitor's line editor, word splitting and command dispatch
 * (sys/kern/kern_monitor.c built for the host): byte sequences in, lines
 * and echo out; commands of the test's own in the same linker set the
 * kernel's built-in ones use.
 */

#include <atf-c.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sys/monitor.h>

static char out[8192];
static size_t outlen;

/* The monitor's output and the editor's echo both land in out[]. */
void
mon_write(const char *buf, size_t len)
{
	ATF_REQUIRE(outlen + len < sizeof(out));
	memcpy(out + outlen, buf, len);
	outlen += len;
	out[outlen] = '\0';
}

static void
out_reset(void)
{
	outlen = 0;
	out[0] = '\0';
}

/*
 * Feed the bytes of s; return the result of the last byte and, in *lines,
 * how many lines ended on the way.
 */
static int
feed(struct mon_edit *me, const char *s, size_t len, int *lines)
{
	int r;

	r = MON_EDIT_MORE;
	*lines = 0;
	for (; len > 0; s++, len--) {
		r = mon_edit_input(me, (unsigned char)*s);
		if (r != MON_EDIT_MORE)
			(*lines)++;
	}
	return (r);
}

#define	FEED(me, s, lines)	feed((me), (s), sizeof(s) - 1, (lines))

ATF_TC_WITHOUT_HEAD(plain_line);
ATF_TC_BODY(plain_line, tc)
{
	struct mon_edit me;
	int n;

	out_reset();
	mon_edit_init(&me, mon_write);
	ATF_CHECK_EQ(MON_EDIT_LINE, FEED(&me, "sysctl -a\n", &n));
	ATF_CHECK_EQ(1, n);
	ATF_CHECK_STREQ("sysctl -a", me.me_buf);
	ATF_CHECK_STREQ("sysctl -a\n", out);
	/* CR ends a line too; the LF of a CR LF is not a second, empty one. */
	out_reset();
	ATF_CHECK_EQ(MON_EDIT_LINE, FEED(&me, "help\r", &n));
	ATF_CHECK_STREQ("help", me.me_buf);
	ATF_CHECK_EQ(MON_EDIT_MORE, FEED(&me, "\n", &n));
	ATF_CHECK_EQ(0, n);
	ATF_CHECK_EQ(MON_EDIT_LINE, FEED(&me, "dmesg\r", &n));
	ATF_CHECK_STREQ("dmesg", me.me_buf);
	ATF_CHECK_EQ(MON_EDIT_MORE, FEED(&me, "\n", &n));
	ATF_CHECK_STREQ("help\ndmesg\n", out);
	/* But LF LF is two lines, the second one empty. */
	ATF_CHECK_EQ(MON_EDIT_LINE, FEED(&me, "\n\n", &n));
	ATF_CHECK_EQ(2, n);
	ATF_CHECK_STREQ("", me.me_buf);
}

ATF_TC_WITHOUT_HEAD(erase);
ATF_TC_BODY(erase, tc)
{
	struct mon_edit me;
	int n;

	out_reset();
	mon_edit_init(&me, mon_write);
	/* BS and DEL erase one character each, on the screen as well. */
	ATF_CHECK_EQ(MON_EDIT_LINE, FEED(&me, "hepl\b\177lp\n", &n));
	ATF_CHECK_STREQ("help", me.me_buf);
	ATF_CHECK_STREQ("hepl\b \b\b \blp\n", out);
	/* Erasing an empty line does nothing, not even echo. */
	out_reset();
	ATF_CHECK_EQ(MON_EDIT_LINE, FEED(&me, "\b\b\177x\n", &n));
	ATF_CHECK_STREQ("x", me.me_buf);
	ATF_CHECK_STREQ("x\n", out);
	/* Ctrl-U kills the line typed so far. */
	out_reset();
	ATF_CHECK_EQ(MON_EDIT_LINE, FEED(&me, "junk\025ok\n", &n));
	ATF_CHECK_STREQ("ok", me.me_buf);
	ATF_CHECK_STREQ("junk\b \b\b \b\b \b\b \bok\n", out);
	/* Ctrl-C discards it. */
	out_reset();
	ATF_CHECK_EQ(MON_EDIT_CANCEL, FEED(&me, "shutdown -p\003", &n));
	ATF_CHECK_STREQ("", me.me_buf);
	ATF_CHECK_STREQ("shutdown -p^C\n", out);
}

ATF_TC_WITHOUT_HEAD(ignored);
ATF_TC_BODY(ignored, tc)
{
	struct mon_edit me;
	int n;

	out_reset();
	mon_edit_init(&me, mon_write);
	/* Tabs, escape sequences, NUL, 8-bit bytes: neither kept nor echoed. */
	ATF_CHECK_EQ(MON_EDIT_LINE,
	    FEED(&me, "a\tb\033[Ac\0d\x80\xff" "e\n", &n));
	ATF_CHECK_STREQ("ab[Acde", me.me_buf);
	ATF_CHECK_STREQ("ab[Acde\n", out);
}

ATF_TC_WITHOUT_HEAD(too_long);
ATF_TC_BODY(too_long, tc)
{
	struct mon_edit me;
	char line[MON_LINE_MAX + 10];
	int i, r;

	out_reset();
	mon_edit_init(&me, mon_write);
	/* Exactly MON_LINE_MAX characters fit. */
	for (i = 0; i < MON_LINE_MAX; i++)
		ATF_REQUIRE_EQ(MON_EDIT_MORE, mon_edit_input(&me, 'a'));
	ATF_CHECK_EQ(MON_EDIT_LINE, mon_edit_input(&me, '\n'));
	ATF_CHECK_EQ(MON_LINE_MAX, strlen(me.me_buf));
	/* One more is refused at the end of the line; none of it is kept. */
	out_reset();
	for (i = 0; i < MON_LINE_MAX + 5; i++)
		ATF_REQUIRE_EQ(MON_EDIT_MORE, mon_edit_input(&me, 'b'));
	ATF_CHECK_EQ(MON_LINE_MAX, outlen);	/* only what fit, echoed */
	ATF_CHECK_EQ(MON_EDIT_LONG, mon_edit_input(&me, '\n'));
	ATF_CHECK_STREQ("", me.me_buf);
	/* Erasing the overflow first makes the line acceptable again. */
	for (i = 0; i < MON_LINE_MAX + 2; i++)
		ATF_REQUIRE_EQ(MON_EDIT_MORE, mon_edit_input(&me, 'c'));
	out_reset();
	for (i = 0; i < 3; i++)
		ATF_REQUIRE_EQ(MON_EDIT_MORE, mon_edit_input(&me, '\b'));
	ATF_CHECK_STREQ("\b \b", out);	/* two were never shown */
	r = mon_edit_input(&me, '\n');
	ATF_CHECK_EQ(MON_EDIT_LINE, r);
	memset(line, 'c', MON_LINE_MAX - 1);
	line[MON_LINE_MAX - 1] = '\0';
	ATF_CHECK_STREQ(line, me.me_buf);
	/* And the next line starts empty. */
	ATF_CHECK_EQ(MON_EDIT_LINE, mon_edit_input(&me, '\n'));
	ATF_CHECK_STREQ("", me.me_buf);
}

ATF_TC_WITHOUT_HEAD(split);
ATF_TC_BODY(split, tc)
{
	char line[128], *argv[5];

	strcpy(line, "  sysctl\t-a   vm.stats  ");
	ATF_REQUIRE_EQ(3, mon_split(line, argv, 5));
	ATF_CHECK_STREQ("sysctl", argv[0]);
	ATF_CHECK_STREQ("-a", argv[1]);
	ATF_CHECK_STREQ("vm.stats", argv[2]);
	ATF_CHECK(argv[3] == NULL);
	strcpy(line, " \t ");
	ATF_CHECK_EQ(0, mon_split(line, argv, 5));
	ATF_CHECK(argv[0] == NULL);
	strcpy(line, "a b c d");
	ATF_CHECK_EQ(4, mon_split(line, argv, 5));
	strcpy(line, "a b c d e");
	ATF_CHECK_EQ(-1, mon_split(line, argv, 5));
}

/* Test commands, in the linker set next to help. */
static int echo_argc;
static char echo_args[128];

MONITOR_COMMAND(echo, "[word ...]", "print the words")
{
	int i;

	echo_argc = argc;
	echo_args[0] = '\0';
	for (i = 1; i < argc; i++) {
		strcat(echo_args, argv[i]);
		strcat(echo_args, i + 1 < argc ? " " : "");
	}
	mon_printf("%s\n", echo_args);
	return (0);
}

MONITOR_COMMAND(fail, "", "fail with EIO")
{
	return (EIO);
}

ATF_TC_WITHOUT_HEAD(dispatch);
ATF_TC_BODY(dispatch, tc)
{
	char line[256];

	out_reset();
	strcpy(line, "echo  one two\tthree");
	ATF_CHECK_EQ(0, mon_execute(line));
	ATF_CHECK_EQ(4, echo_argc);
	ATF_CHECK_STREQ("one two three\n", out);
	strcpy(line, "fail");
	ATF_CHECK_EQ(EIO, mon_execute(line));
	out_reset();
	strcpy(line, "   ");
	ATF_CHECK_EQ(0, mon_execute(line));
	ATF_CHECK_STREQ("", out);
	out_reset();
	strcpy(line, "frobnicate now");
	ATF_CHECK_EQ(ENOENT, mon_execute(line));
	ATF_CHECK_STREQ("frobnicate: command not found\n", out);
	out_reset();
	strcpy(line, "echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16");
	ATF_CHECK_EQ(E2BIG, mon_execute(line));
	ATF_CHECK_STREQ("monitor: too many words (at most 16)\n", out);
	ATF_CHECK(mon_lookup("help") != NULL);
	ATF_CHECK(mon_lookup("hel") == NULL);
}

ATF_TC_WITHOUT_HEAD(help);
ATF_TC_BODY(help, tc)
{
	char line[32];

	out_reset();
	strcpy(line, "help");
	ATF_CHECK_EQ(0, mon_execute(line));
	/* Sorted by name, whatever the order of the linker set. */
	ATF_CHECK_STREQ(
	    "  echo [word ...]          print the words\n"
	    "  fail                     fail with EIO\n"
	    "  help                     list the commands\n", out);
	out_reset();
	strcpy(line, "help me");
	ATF_CHECK_EQ(EINVAL, mon_execute(line));
	ATF_CHECK_STREQ("usage: help\n", out);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, plain_line);
	ATF_TP_ADD_TC(tp, erase);
	ATF_TP_ADD_TC(tp, ignored);
	ATF_TP_ADD_TC(tp, too_long);
	ATF_TP_ADD_TC(tp, split);
	ATF_TP_ADD_TC(tp, dispatch);
	ATF_TP_ADD_TC(tp, help);
	return (atf_no_error());
}
