/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel's everyday interfaces: console output, panic, assertions and
 * the small string library in sys/libkern.
 */
#ifndef _SYS_SYSTM_H_
#define	_SYS_SYSTM_H_

#include <sys/types.h>
#include <sys/stdarg.h>

int	printf(const char *, ...) __printflike(1, 2);
int	vprintf(const char *, va_list) __printflike(1, 0);
int	snprintf(char *, size_t, const char *, ...) __printflike(3, 4);
int	vsnprintf(char *, size_t, const char *, va_list) __printflike(3, 0);
int	kvprintf(const char *, void (*)(int, void *), void *, va_list)
	    __printflike(1, 0);
void	panic(const char *, ...) __dead2 __printflike(1, 2);
extern const char *panicstr;	/* the first panic's message, or NULL */
void	cpu_backtrace(void);	/* MD: print the current stack */

#ifdef INVARIANTS
#define	KASSERT(exp, msg) do {						\
	if (__predict_false(!(exp)))					\
		panic msg;						\
} while (0)
#else
#define	KASSERT(exp, msg) do { } while (0)
#endif
#define	CTASSERT(x)	_Static_assert(x, "compile-time assertion failed")

void	*memcpy(void *, const void *, size_t);
void	*memmove(void *, const void *, size_t);
void	*memset(void *, int, size_t);
int	memcmp(const void *, const void *, size_t);
size_t	strlen(const char *);
size_t	strnlen(const char *, size_t);
int	strcmp(const char *, const char *);
int	strncmp(const char *, const char *, size_t);
size_t	strlcpy(char *, const char *, size_t);
char	*strchr(const char *, int);

#define	bzero(p, n)	memset((p), 0, (n))
#define	bcopy(s, d, n)	memmove((d), (s), (n))

#endif /* !_SYS_SYSTM_H_ */
