/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel services a kernel file built for a host test calls (with
 * host_kernel.h): mutexes that check their use (owned on unlock, no
 * recursion), sleep and wakeup over a hook the test sets (the host is
 * single-threaded: a sleep must make progress by running what would have
 * woken it), a clock the test advances, and panic() that aborts.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_kernel.h"
#undef malloc
#undef free
#include <sys/mutex.h>
#include <machine/cpufunc.h>

#include "kernel_host.h"

uint64_t	kh_now_ns;
void		(*kh_sleep_hook)(const void *);
u_long		kh_sleeps, kh_wakeups;
int		kh_masked, kh_masked_max;

/* The machine's hand-over (<machine/md_var.h>): no preload image. */
const void	*preload_addr;
size_t		 preload_size;

uint64_t
nanouptime_ns(void)
{
	return (kh_now_ns);
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

register_t
intr_disable(void)
{
	if (++kh_masked > kh_masked_max)
		kh_masked_max = kh_masked;
	return (kh_masked - 1);
}

void
intr_restore(register_t s)
{
	kh_masked = (int)s;
}

/* A host thread is "owner" 1; no other thread ever exists. */
#define	KH_OWNER	((struct thread *)1)

void
mtx_init(struct mtx *m, const char *name, int flags)
{
	memset(m, 0, sizeof(*m));
	m->mtx_name = name;
	m->mtx_flags = flags;
}

void
mtx_destroy(struct mtx *m)
{
	if (m->mtx_owner != NULL)
		panic("mtx_destroy: %s held", m->mtx_name);
}

void
mtx_lock(struct mtx *m)
{
	if ((m->mtx_flags & MTX_SPIN) != 0)
		panic("mtx_lock: %s is a spin mutex", m->mtx_name);
	if (m->mtx_owner != NULL)
		panic("mtx_lock: %s recursed", m->mtx_name);
	m->mtx_owner = KH_OWNER;
}

void
mtx_unlock(struct mtx *m)
{
	if (m->mtx_owner != KH_OWNER)
		panic("mtx_unlock: %s not owned", m->mtx_name);
	m->mtx_owner = NULL;
}

void
mtx_lock_spin(struct mtx *m)
{
	if ((m->mtx_flags & MTX_SPIN) == 0)
		panic("mtx_lock_spin: %s is a sleep mutex", m->mtx_name);
	if (m->mtx_owner != NULL)
		panic("mtx_lock_spin: %s recursed", m->mtx_name);
	m->mtx_owner = KH_OWNER;
	kh_masked++;
}

void
mtx_unlock_spin(struct mtx *m)
{
	if (m->mtx_owner != KH_OWNER)
		panic("mtx_unlock_spin: %s not owned", m->mtx_name);
	m->mtx_owner = NULL;
	kh_masked--;
}

int
mtx_owned(struct mtx *m)
{
	return (m->mtx_owner == KH_OWNER);
}

void
_mtx_assert(struct mtx *m, int what, const char *file, int line)
{
	if ((what & MA_OWNED) != 0 && m->mtx_owner != KH_OWNER)
		panic("mutex %s not owned at %s:%d", m->mtx_name, file, line);
	if ((what & MA_NOTOWNED) != 0 && m->mtx_owner == KH_OWNER)
		panic("mutex %s owned at %s:%d", m->mtx_name, file, line);
}

int
msleep(const void *chan, struct mtx *m, int pri, const char *wmesg, int timo)
{
	kh_sleeps++;
	if (kh_sleep_hook == NULL)
		panic("sleep on %s with nothing to wake it", wmesg);
	if (m != NULL)
		mtx_unlock(m);
	kh_sleep_hook(chan);
	if (m != NULL)
		mtx_lock(m);
	return (0);
}

int
tsleep(const void *chan, int pri, const char *wmesg, int timo)
{
	return (msleep(chan, NULL, pri, wmesg, timo));
}

void
wakeup(const void *chan)
{
	kh_wakeups++;
}

void
wakeup_one(const void *chan)
{
	kh_wakeups++;
}

/* The C library of Debian 12 (glibc 2.36) has no strlcpy(3). */
size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len;

	len = strlen(src);
	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return (len);
}
