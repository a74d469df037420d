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
 * The line editor, word splitting and dispatch also build on the host
 * (without _KERNEL) for the unit tests in tests/sys/kern, which supply
 * mon_write() and commands of their own.
 */

#ifdef _KERNEL
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bus.h>
#include <sys/cons.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/msgbuf.h>
#include <sys/proc.h>
#include <sys/reboot.h>
#include <sys/stdarg.h>
#include <sys/sysctl.h>
#include <machine/cpufunc.h>
#else
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#define	nitems(x)	(sizeof((x)) / sizeof((x)[0]))
#endif

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

#ifdef _KERNEL
void
mon_write(const char *buf, size_t len)
{
	cnwrite(buf, len);
}

/* dmesg: the message buffer, oldest line first. */
MONITOR_COMMAND(dmesg, "", "print the kernel message buffer")
{
	char buf[256];
	uint64_t seq, end;
	register_t s;
	size_t n;
	char last;

	if (argc > 1) {
		mon_printf("usage: dmesg\n");
		return (EINVAL);
	}
	s = intr_disable();
	seq = msgbuf_first(msgbufp);
	end = msgbufp->msg_wseq;
	intr_restore(s);
	last = '\n';
	while (seq < end) {
		s = intr_disable();
		n = msgbuf_read(msgbufp, &seq, buf,
		    MIN(sizeof(buf), end - seq));
		intr_restore(s);
		if (n == 0)
			break;
		mon_write(buf, n);
		last = buf[n - 1];
	}
	if (last != '\n')
		mon_write("\n", 1);
	return (0);
}

static void
mon_sysctl_out(const char *name, const char *value, void *arg)
{
	mon_write(name, strlen(name));
	mon_write(": ", 2);
	mon_write(value, strlen(value));
	mon_write("\n", 1);
}

/* sysctl -a | sysctl name ... */
MONITOR_COMMAND(sysctl, "[-a] [name ...]", "print kernel variables")
{
	bool all;
	int error, i;

	all = false;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-a") != 0) {
			mon_printf("sysctl: unknown option '%s'\n", argv[i]);
			goto usage;
		}
		all = true;
	}
	if (i == argc) {
		if (!all)
			goto usage;
		return (sysctl_query(NULL, mon_sysctl_out, NULL));
	}
	error = 0;
	for (; i < argc; i++) {
		if (sysctl_query(argv[i], mon_sysctl_out, NULL) == ENOENT) {
			mon_printf("sysctl: unknown oid '%s'\n", argv[i]);
			error = ENOENT;
		}
	}
	return (error);
usage:
	mon_printf("usage: sysctl [-a] [name ...]\n");
	return (EINVAL);
}

static void
mon_devinfo(device_t dev, int depth)
{
	device_t *children;
	const char *desc, *name;
	int i, n;

	/* A child no driver has claimed has no name yet. */
	name = device_get_nameunit(dev);
	desc = device_get_desc(dev);
	mon_printf("%*s%s%s%s%s%s\n", depth * 2, "",
	    name[0] != '\0' ? name : "unknown",
	    desc != NULL ? " <" : "", desc != NULL ? desc : "",
	    desc != NULL ? ">" : "",
	    device_is_attached(dev) ? "" : " (unattached)");
	if (depth >= 16)
		return;
	if (device_get_children(dev, &children, &n) != 0) {
		mon_printf("%*s(cannot list children: out of memory)\n",
		    depth * 2 + 2, "");
		return;
	}
	for (i = 0; i < n; i++)
		mon_devinfo(children[i], depth + 1);
	free(children, M_TEMP);
}

/* devinfo: the device tree. */
MONITOR_COMMAND(devinfo, "", "print the device tree")
{
	if (argc > 1) {
		mon_printf("usage: devinfo\n");
		return (EINVAL);
	}
	if (root_bus == NULL) {
		mon_printf("devinfo: no device tree yet\n");
		return (ENXIO);
	}
	bus_topo_slock();
	mon_devinfo(root_bus, 0);
	bus_topo_sunlock();
	return (0);
}

/* shutdown -p | -r | -h: kern_reboot(9) */
MONITOR_COMMAND(shutdown, "-p | -r | -h",
    "power off (-p), reboot (-r) or halt (-h)")
{
	if (argc == 2 && strcmp(argv[1], "-p") == 0)
		kern_reboot(RB_POWEROFF);
	if (argc == 2 && strcmp(argv[1], "-r") == 0)
		kern_reboot(RB_AUTOBOOT);
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		kern_reboot(RB_HALT);
	mon_printf("usage: shutdown -p | -r | -h\n");
	return (EINVAL);
}

/* The end of boot: prompt, read a line, run it, forever. */
void
monitor_run(void)
{
	struct mon_edit me;
	int c, r;

	mon_edit_init(&me, mon_write);
	for (;;) {
		mon_write("pvbsd> ", 7);
		do {
			if ((c = cngetc()) == -1) {
				/* No console: nobody to talk to. */
				for (;;)
					(void)tsleep(&me, 0, "nocons", 0);
			}
			r = mon_edit_input(&me, c);
		} while (r == MON_EDIT_MORE);
		switch (r) {
		case MON_EDIT_LINE:
			(void)mon_execute(me.me_buf);
			break;
		case MON_EDIT_LONG:
			mon_printf("monitor: line too long (more than %d "
			    "characters); ignored\n", MON_LINE_MAX);
			break;
		case MON_EDIT_CANCEL:
			break;
		}
	}
}
#endif /* _KERNEL */
