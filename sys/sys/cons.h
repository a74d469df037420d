/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_CONS_H_
#define	_SYS_CONS_H_

#include <sys/linker_set.h>

/*
 * The system console: one active device that printf(9) writes through and
 * the console monitor reads from.
 *
 * Choosing it: each console driver declares its device with
 * CONSOLE_DRIVER(), which puts it in the linker set cons_set.  The MD
 * entry calls cninit() as early as it can; cninit() asks every device's
 * cn_probe for a priority (CN_DEAD: not here) and attaches the one that
 * answers highest, after its cn_init.  Nothing names a driver.
 *
 * Input: cn_getc takes one byte from the device without waiting.  A
 * device that can interrupt on input sets CN_INTR once its handler is in
 * place and calls cnintr() from that handler; the console switch then
 * keeps a small input queue that readers sleep on.  Until then (early
 * boot, no events) readers poll, waiting in cn_idle between polls.
 */
struct consdev {
	const char	*cn_name;
	int		 cn_flags;		/* CN_* */
	int		 cn_pri;		/* CN_DEAD ... set by cn_probe */
	void		(*cn_probe)(struct consdev *);	/* set cn_pri */
	void		(*cn_init)(struct consdev *);	/* before attach */
	void		(*cn_write)(const char *, size_t);
	int		(*cn_getc)(void);	/* -1: nothing waiting */
	void		(*cn_flush)(void);	/* bounded drain */
	void		(*cn_idle)(void);	/* bounded wait for input */
	void		(*cn_resume)(void);	/* after a suspend */
};

#define	CN_INTR		0x0001	/* input interrupts call cnintr() */

/* Priorities, lowest first. */
#define	CN_DEAD		0	/* the device is not there */
#define	CN_LOW		1	/* there, but a last resort */
#define	CN_NORMAL	2	/* an ordinary console */
#define	CN_INTERNAL	3	/* the machine's own console */
#define	CN_REMOTE	4	/* what the operator is looking at */

#define	CONSOLE_DRIVER(name)	DATA_SET(cons_set, name)

void	cninit(void);		/* MD entry: choose and attach a console */
void	cnattach(struct consdev *);
void	cnwrite(const char *, size_t);
int	cngetc(void);		/* blocks */
int	cncheckc(void);		/* -1: nothing waiting */
void	cnintr(void);		/* device interrupt handler: input ready */
void	cnflush(void);
void	cnresume(void);		/* MD resume, before any output */

/* Input counters (sysctl kern.console). */
extern u_long cn_rx_bytes;	/* bytes queued */
extern u_long cn_rx_overruns;	/* bytes dropped: queue full */

#endif /* !_SYS_CONS_H_ */
