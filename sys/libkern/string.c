/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel's string and memory primitives.  The block operations use the
 * string instructions directly so the compiler cannot turn them back into
 * calls to themselves; no SSE is involved (the kernel is built without it).
 *
 * They move eight bytes an iteration (rep movsq / rep stosq) and only the
 * last 0-7 bytes one at a time.  Byte-wide rep movsb is fast only on CPUs
 * that advertise ERMS, and the lab's QEMU TCG emulates a rep-prefixed
 * instruction one iteration at a time: there a byte loop cost about eight
 * times as much, and a PV block or network driver copies every byte of
 * its data through a granted page.  Unaligned addresses are fine for
 * movsq on amd64, so no alignment prologue.
 */

#include <sys/param.h>
#include <sys/systm.h>

void *
memcpy(void *dst, const void *src, size_t len)
{
	void *d = dst;
	size_t q = len >> 3, r = len & 7;

	__asm __volatile("rep movsq; movq %3, %%rcx; rep movsb"
	    : "+D" (d), "+S" (src), "+c" (q) : "r" (r) : "memory");
	return (dst);
}

void *
memmove(void *dst, const void *src, size_t len)
{
	const char *s = src;
	char *d = dst;
	size_t q = len >> 3, r = len & 7;

	if (d <= s || d >= s + len)
		return (memcpy(dst, src, len));
	/*
	 * Overlapping with dst above src: copy backwards, the last r bytes
	 * one at a time, then the q quadwords below them from the top down.
	 */
	d += len - 1;
	s += len - 1;
	__asm __volatile("std; rep movsb; cld"
	    : "+D" (d), "+S" (s), "+c" (r) : : "memory");
	d = (char *)dst + (q << 3) - 8;
	s = (const char *)src + (q << 3) - 8;
	__asm __volatile("std; rep movsq; cld"
	    : "+D" (d), "+S" (s), "+c" (q) : : "memory");
	return (dst);
}

void *
memset(void *dst, int c, size_t len)
{
	void *d = dst;
	size_t q = len >> 3, r = len & 7;
	uint64_t v = (uint8_t)c * 0x0101010101010101ULL;

	__asm __volatile("rep stosq; movq %3, %%rcx; rep stosb"
	    : "+D" (d), "+c" (q), "+a" (v) : "r" (r) : "memory");
	return (dst);
}

int
memcmp(const void *a, const void *b, size_t len)
{
	const u_char *p = a, *q = b;

	for (; len > 0; len--, p++, q++)
		if (*p != *q)
			return (*p - *q);
	return (0);
}

size_t
strlen(const char *s)
{
	const char *p;

	for (p = s; *p != '\0'; p++)
		;
	return (p - s);
}

size_t
strnlen(const char *s, size_t max)
{
	size_t n;

	for (n = 0; n < max && s[n] != '\0'; n++)
		;
	return (n);
}

int
strcmp(const char *a, const char *b)
{
	for (; *a == *b; a++, b++)
		if (*a == '\0')
			return (0);
	return ((u_char)*a - (u_char)*b);
}

int
strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (*a != *b)
			return ((u_char)*a - (u_char)*b);
		if (*a == '\0')
			break;
	}
	return (0);
}

size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len;

	len = strlen(src);
	if (size > 0) {
		size_t n = MIN(len, size - 1);

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return (len);
}

char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return ((char *)s);
		if (*s == '\0')
			return (NULL);
	}
}
