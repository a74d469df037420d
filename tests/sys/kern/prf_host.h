/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Included first (cc -include) when sys/kern/subr_prf.c is compiled for
 * the host test printf_test: the C library in place of the kernel's
 * headers, and the kernel's formatting functions renamed so that they
 * live beside the C library's (printf_test compares the two).  printf and
 * vprintf write through msglog() and cnwrite(), which the test supplies
 * to see the chunks.
 */
#ifndef _PRF_HOST_H_
#define	_PRF_HOST_H_

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define	printf		kern_printf
#define	vprintf		kern_vprintf
#define	snprintf	kern_snprintf
#define	vsnprintf	kern_vsnprintf

int	kvprintf(const char *, void (*)(int, void *), void *, va_list);
int	printf(const char *, ...);
int	vprintf(const char *, va_list);
int	snprintf(char *, size_t, const char *, ...);
int	vsnprintf(char *, size_t, const char *, va_list);

/* The console and the message buffer (<sys/cons.h>, <sys/msgbuf.h>). */
void	cnwrite(const char *, size_t);
void	msglog(const char *, size_t);

#endif /* !_PRF_HOST_H_ */
