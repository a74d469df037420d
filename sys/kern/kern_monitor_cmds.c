/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The console monitor's console side and its built-in commands.
 *
 * kern_monitor.c is the interpreter (line editor, words, dispatch, help);
 * this file connects it to the system console: mon_write() writes to it
 * with cnwrite(), bypassing the message buffer, and monitor_run(), which
 * the boot thread calls at the end of boot and which never returns,
 * prints the prompt, feeds console input to the line editor and runs each
 * line.  The commands here read kernel state: dmesg (the message buffer),
 * sysctl, kenv (the kernel environment), devinfo (the newbus tree) and
 * shutdown (kern_reboot(9)).  See monitor(8).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bus.h>
#include <sys/cons.h>
#include <sys/errno.h>
#include <sys/kenv.h>
#include <sys/malloc.h>
#include <sys/monitor.h>
#include <sys/msgbuf.h>
#include <sys/proc.h>
#include <sys/reboot.h>
#include <sys/stdarg.h>
#include <sys/sysctl.h>
#include <machine/cpufunc.h>

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

/*
 * kenv [-v] [name]: the kernel environment as name="value" lines, each
 * variable once (the value kern_getenv(9) gives), or one value; -v says
 * where each came from.
 */
MONITOR_COMMAND(kenv, "[-v] [name]", "print the kernel environment")
{
	static const char *const from[] = {
		[KENV_CMDLINE] = "command line",
		[KENV_LOADER] = "loader.conf",
		[KENV_KERNEL] = "kernel",
	};
	const char *name, *value;
	bool verbose;
	int i, origin;

	verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	if (verbose) {
		argc--;
		argv++;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		mon_printf("usage: kenv [-v] [name]\n");
		return (EINVAL);
	}
	for (i = 0; kenv_entry(i, &name, &value, &origin) == 0; i++) {
		if (kern_getenv(name) != value)
			continue;		/* hidden by a later one */
		if (argc == 2 && strcmp(argv[1], name) != 0)
			continue;
		if (argc == 2 && !verbose)
			mon_printf("%s\n", value);
		else
			mon_printf("%s=\"%s\"", name, value);
		if (verbose)
			mon_printf(" (%s)", origin >= 0 &&
			    origin < (int)nitems(from) && from[origin] != NULL ?
			    from[origin] : "?");
		if (argc != 2 || verbose)
			mon_printf("\n");
		if (argc == 2)
			return (0);
	}
	if (argc == 2) {
		mon_printf("kenv: unable to find %s\n", argv[1]);
		return (ENOENT);
	}
	return (0);
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
