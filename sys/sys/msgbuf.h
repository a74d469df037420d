/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_MSGBUF_H_
#define	_SYS_MSGBUF_H_

/*
 * The message buffer: a fixed ring that keeps the most recent kernel
 * output, for dmesg.  Positions are free-running byte counts ("sequence
 * numbers"): byte s of the kernel's output, if still held, is at
 * msg_ptr[s % msg_size].  Lock: events masked [e] in the kernel.
 */
struct msgbuf {
	char		*msg_ptr;	/* [I] the ring */
	size_t		 msg_size;	/* [I] its size */
	uint64_t	 msg_wseq;	/* [e] bytes ever written */
};

#define	MSGBUF_SIZE	(32 * 1024)

void	 msgbuf_init(struct msgbuf *, char *, size_t);
void	 msgbuf_addstr(struct msgbuf *, const char *, size_t);
uint64_t msgbuf_first(struct msgbuf *);
size_t	 msgbuf_read(struct msgbuf *, uint64_t *, char *, size_t);

extern struct msgbuf *msgbufp;

void	msglog(const char *, size_t);

#endif /* !_SYS_MSGBUF_H_ */
