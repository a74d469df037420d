/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_CONS_H_
#define	_SYS_CONS_H_

/*
 * The system console: one active device that printf(9) writes through and
 * the console monitor reads from.
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
	void		(*cn_write)(const char *, size_t);
	int		(*cn_getc)(void);	/* -1: nothing waiting */
	void		(*cn_flush)(void);	/* bounded drain */
	void		(*cn_idle)(void);	/* bounded wait for input */
};

#define	CN_INTR		0x0001	/* input interrupts call cnintr() */

void	cnattach(struct consdev *);
void	cnwrite(const char *, size_t);
int	cngetc(void);		/* blocks */
int	cncheckc(void);		/* -1: nothing waiting */
void	cnintr(void);		/* device interrupt handler: input ready */
void	cnflush(void);

/* Input counters (sysctl kern.console). */
extern u_long cn_rx_bytes;	/* bytes queued */
extern u_long cn_rx_overruns;	/* bytes dropped: queue full */

#endif /* !_SYS_CONS_H_ */
