/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The console monitor: a small command interpreter on the system console,
 * until there is a userland.
 *
 * At the end of boot (SI_SUB_LAST, init_main.c) the boot thread calls
 * monitor_run(), which never returns: it prints the prompt "pvbsd> ",
 * reads a line with the line editor below (cngetc() sleeps for input in
 * thread context), splits it into words and runs the command named by the
 * first word.  Commands live in a linker set (MONITOR_COMMAND in
 * <sys/monitor.h>), so any part of the kernel can add one; the built-in
 * ones are help, dmesg, sysctl, devinfo and shutdown.  See monitor(8).
 *
 * Monitor output goes straight to the console (cnwrite), not through
 * printf(9): it is an answer to the operator, not a kernel message, and
 * must not fill the message buffer that dmesg shows.
 *
 * This file is the line editor, word splitting, dispatch and help; the
 * unit tests in tests/sys/kern build it on the host with commands and a
 * mon_write() of their own.  The console side (mon_write(), the prompt
 * loop monitor_run()) and the built-in commands other than help are in
 * kern_monitor_cmds.c.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/stdarg.h>

#include <sys/monitor.h>

SET_DECLARE(mon_cmd_set, struct mon_cmd);

#define	CTRL(c)		((c) & 0x1f)
#define	MON_DEL		0x7f

/*
 * Formatted monitor output.  One call prints at most 255 characters; the
 * callers print a line at a time.
 */
int
mon_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return (n);
	mon_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return (n);
}

void
mon_edit_init(struct mon_edit *me, void (*echo)(const char *, size_t))
{
	me->me_len = 0;
	me->me_dropped = 0;
	me->me_done = 0;
	me->me_cr = 0;
	me->me_buf[0] = '\0';
	me->me_echo = echo;
}

static void
mon_edit_rubout(struct mon_edit *me)
{
	if (me->me_dropped > 0) {
		/* Never echoed: nothing to erase on the screen. */
		me->me_dropped--;
		return;
	}
	if (me->me_len == 0)
		return;
	me->me_len--;
	me->me_echo("\b \b", 3);
}

/*
 * One byte of input.  Printable ASCII is added and echoed; BS and DEL
 * erase the last character, Ctrl-U the whole line, Ctrl-C discards it;
 * CR or LF ends it (CR LF counts once).  Characters past MON_LINE_MAX are
 * neither stored nor echoed, and the line is refused when it ends.
 * Anything else is ignored.
 */
int
mon_edit_input(struct mon_edit *me, int c)
{
	bool cr;

	if (me->me_done) {
		me->me_len = 0;
		me->me_dropped = 0;
		me->me_done = 0;
	}
	cr = me->me_cr;
	me->me_cr = 0;
	switch (c) {
	case '\n':
		if (cr)
			return (MON_EDIT_MORE);	/* the LF of a CR LF */
		/* FALLTHROUGH */
	case '\r':
		me->me_cr = (c == '\r');
		me->me_echo("\n", 1);
		me->me_done = 1;
		me->me_buf[me->me_len] = '\0';
		if (me->me_dropped > 0) {
			me->me_len = 0;
			me->me_buf[0] = '\0';
			return (MON_EDIT_LONG);
		}
		return (MON_EDIT_LINE);
	case '\b':
	case MON_DEL:
		mon_edit_rubout(me);
		return (MON_EDIT_MORE);
	case CTRL('U'):
		while (me->me_len > 0 || me->me_dropped > 0)
			mon_edit_rubout(me);
		return (MON_EDIT_MORE);
	case CTRL('C'):
		me->me_echo("^C\n", 3);
		me->me_done = 1;
		me->me_len = 0;
		me->me_buf[0] = '\0';
		return (MON_EDIT_CANCEL);
	default:
		if (c < ' ' || c > '~')
			return (MON_EDIT_MORE);
		if (me->me_len == MON_LINE_MAX) {
			me->me_dropped++;
			return (MON_EDIT_MORE);
		}
		me->me_buf[me->me_len++] = (char)c;
		me->me_echo(&me->me_buf[me->me_len - 1], 1);
		return (MON_EDIT_MORE);
	}
}

/*
 * Split a line into blank-separated words, in place.  Returns the number
 * of words, or -1 if there are more than maxargs - 1 (argv ends with a
 * NULL).
 */
int
mon_split(char *line, char **argv, int maxargs)
{
	int argc;

	argc = 0;
	for (;;) {
		while (*line == ' ' || *line == '\t')
			*line++ = '\0';
		if (*line == '\0')
			break;
		if (argc == maxargs - 1)
			return (-1);
		argv[argc++] = line;
		while (*line != '\0' && *line != ' ' && *line != '\t')
			line++;
	}
	argv[argc] = NULL;
	return (argc);
}

const struct mon_cmd *
mon_lookup(const char *name)
{
	struct mon_cmd **mcp;

	SET_FOREACH(mcp, mon_cmd_set)
		if (strcmp((*mcp)->mc_name, name) == 0)
			return (*mcp);
	return (NULL);
}

/* Run one command line; returns the command's status. */
int
mon_execute(char *line)
{
	const struct mon_cmd *mc;
	char *argv[MON_MAXARGS + 1];
	int argc;

	argc = mon_split(line, argv, nitems(argv));
	if (argc < 0) {
		mon_printf("monitor: too many words (at most %d)\n",
		    MON_MAXARGS);
		return (E2BIG);
	}
	if (argc == 0)
		return (0);
	if ((mc = mon_lookup(argv[0])) == NULL) {
		mon_printf("%s: command not found\n", argv[0]);
		return (ENOENT);
	}
	return (mc->mc_func(argc, argv));
}

/* help: every command, sorted by name. */
MONITOR_COMMAND(help, "", "list the commands")
{
	struct mon_cmd **mcp;
	const struct mon_cmd *mc, *prev, *next;
	char buf[64];

	if (argc > 1) {
		mon_printf("usage: help\n");
		return (EINVAL);
	}
	/* Selection by name, to print in order without sorting the set. */
	for (prev = NULL;; prev = next) {
		next = NULL;
		SET_FOREACH(mcp, mon_cmd_set) {
			mc = *mcp;
			if (prev != NULL && strcmp(mc->mc_name,
			    prev->mc_name) <= 0)
				continue;
			if (next == NULL || strcmp(mc->mc_name,
			    next->mc_name) < 0)
				next = mc;
		}
		if (next == NULL)
			break;
		snprintf(buf, sizeof(buf), "%s%s%s", next->mc_name,
		    next->mc_usage[0] != '\0' ? " " : "", next->mc_usage);
		mon_printf("  %-24s %s\n", buf, next->mc_descr);
	}
	return (0);
}
