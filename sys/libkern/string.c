/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel's string and memory primitives.  The block operations use the
 * string instructions directly so the compiler cannot turn them back into
 * calls to themselves; no SSE is involved (the kernel is built without it).
 */

#include <sys/param.h>
#include <sys/systm.h>

void *
memcpy(void *dst, const void *src, size_t len)
{
	void *d = dst;

	__asm __volatile("rep movsb"
	    : "+D" (d), "+S" (src), "+c" (len) : : "memory");
	return (dst);
}

void *
memmove(void *dst, const void *src, size_t len)
{
	const char *s = src;
	char *d = dst;

	if (d <= s || d >= s + len)
		return (memcpy(dst, src, len));
	/* Overlapping with dst above src: copy backwards. */
	d += len - 1;
	s += len - 1;
	__asm __volatile("std; rep movsb; cld"
	    : "+D" (d), "+S" (s), "+c" (len) : : "memory");
	return (dst);
}

void *
memset(void *dst, int c, size_t len)
{
	void *d = dst;

	__asm __volatile("rep stosb"
	    : "+D" (d), "+c" (len) : "a" (c) : "memory");
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
