/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Included first (cc -include) by the host test of sys/kern/subr_msgbuf.c:
 * what the file takes from the kernel, on the host -- the C library in
 * place of the kernel's headers, and event masking as a depth counter the
 * test reads (msglog() must mask around its copy and unmask after).
 */
#ifndef _MSGBUF_HOST_H_
#define	_MSGBUF_HOST_H_

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

extern int msgbuf_host_masked;		/* depth; the test defines it */
extern int msgbuf_host_masked_max;

static inline register_t
intr_disable(void)
{
	if (++msgbuf_host_masked > msgbuf_host_masked_max)
		msgbuf_host_masked_max = msgbuf_host_masked;
	return (msgbuf_host_masked - 1);
}

static inline void
intr_restore(register_t s)
{
	msgbuf_host_masked = (int)s;
}

/* The kernel's message buffer, declared by <sys/msgbuf.h> in the kernel. */
struct msgbuf;
extern struct msgbuf *msgbufp;
void	msglog(const char *, size_t);

#endif /* !_MSGBUF_HOST_H_ */
