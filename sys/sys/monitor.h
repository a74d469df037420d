/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_MONITOR_H_
#define	_SYS_MONITOR_H_

#include <sys/linker_set.h>

/*
 * The console monitor (monitor(8)): a prompt on the system console at the
 * end of boot, a line editor and a table of commands.  A command is a
 * function of (argc, argv) declared with MONITOR_COMMAND anywhere in the
 * kernel; it prints with mon_printf() and returns 0 or an errno value.
 */
struct mon_cmd {
	const char	*mc_name;
	const char	*mc_usage;		/* arguments, for help */
	const char	*mc_descr;		/* one line, for help */
	int		(*mc_func)(int, char **);
};

#define	MONITOR_COMMAND(name, usage, descr)				\
	static int mon_cmd_fn_##name(int, char **);			\
	static struct mon_cmd mon_cmd_##name = {			\
		#name, usage, descr, mon_cmd_fn_##name			\
	};								\
	DATA_SET(mon_cmd_set, mon_cmd_##name);				\
	static int mon_cmd_fn_##name(int argc, char **argv)

#define	MON_LINE_MAX	128	/* longest command line, in characters */
#define	MON_MAXARGS	16	/* most words on a command line */

/*
 * The line editor: feed it one input byte at a time.  It echoes through
 * me_echo and says when a line is complete; me_buf then holds the line,
 * NUL-terminated, until the next byte is fed.
 */
struct mon_edit {
	char	  me_buf[MON_LINE_MAX + 1];
	size_t	  me_len;		/* characters in me_buf */
	size_t	  me_dropped;		/* typed past MON_LINE_MAX */
	int	  me_done;		/* last call ended a line */
	int	  me_cr;		/* last byte was CR (CR LF is one end) */
	void	(*me_echo)(const char *, size_t);
};

#define	MON_EDIT_MORE	0	/* line not finished */
#define	MON_EDIT_LINE	1	/* me_buf holds a line */
#define	MON_EDIT_LONG	2	/* the line was too long: refused */
#define	MON_EDIT_CANCEL	3	/* Ctrl-C: the line was discarded */

void	mon_edit_init(struct mon_edit *, void (*)(const char *, size_t));
int	mon_edit_input(struct mon_edit *, int);
int	mon_split(char *, char **, int);
int	mon_execute(char *);
const struct mon_cmd *mon_lookup(const char *);
int	mon_printf(const char *, ...) __printflike(1, 2);
void	mon_write(const char *, size_t);	/* host tests supply it */

void	monitor_run(void) __dead2;

#endif /* !_SYS_MONITOR_H_ */
