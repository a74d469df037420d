/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * printf(9): formatted output for the kernel.
 *
 * kvprintf() is the one formatter.  It knows nothing about where characters
 * go: it hands each one to a callback, so the console (printf), fixed
 * buffers (snprintf) and the message buffer all share it.  It understands
 * the C99 conversions a kernel needs -- %d %i %u %o %x %X %c %s %p %% -- with
 * the flags "-+ #0", a width and a precision (digits or '*'), and the length
 * modifiers hh h l ll q j z t.  %n is refused on purpose: it would let a
 * format string write to memory.
 *
 * The unit tests in tests/sys/kern build this file on the host to hold it
 * against the C library's formatter; the few names that clash with libc
 * are renamed there (tests/sys/kern/prf_host.h).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/cons.h>
#include <sys/msgbuf.h>

#define	PRF_LEFT	0x01	/* '-': pad on the right */
#define	PRF_ZERO	0x02	/* '0': pad numbers with zeros */
#define	PRF_PLUS	0x04	/* '+': always print a sign */
#define	PRF_SPACE	0x08	/* ' ': blank where '+' would go */
#define	PRF_ALT		0x10	/* '#': 0x / leading 0 */

struct prf_out {
	void	(*po_func)(int, void *);
	void	*po_arg;
	int	 po_count;
};

static void
prf_putc(struct prf_out *po, int c)
{
	po->po_func(c, po->po_arg);
	po->po_count++;
}

static void
prf_pad(struct prf_out *po, int c, int n)
{
	while (n-- > 0)
		prf_putc(po, c);
}

/*
 * Emit one converted number.  'digits' holds the magnitude in order, 'prefix'
 * the sign and/or radix marker.  Precision is the minimum number of digits;
 * when it is given the '0' flag is ignored, as C requires.
 */
static void
prf_number(struct prf_out *po, const char *prefix, const char *digits,
    int ndigits, int width, int prec, int flags)
{
	int plen, zeros, len;

	plen = 0;
	while (prefix[plen] != '\0')
		plen++;
	zeros = prec > ndigits ? prec - ndigits : 0;
	len = plen + zeros + ndigits;
	if ((flags & PRF_ZERO) != 0 && (flags & PRF_LEFT) == 0 && prec < 0 &&
	    width > len) {
		zeros += width - len;
		len = width;
	}
	if ((flags & PRF_LEFT) == 0)
		prf_pad(po, ' ', width - len);
	while (*prefix != '\0')
		prf_putc(po, *prefix++);
	prf_pad(po, '0', zeros);
	while (ndigits-- > 0)
		prf_putc(po, *digits++);
	if ((flags & PRF_LEFT) != 0)
		prf_pad(po, ' ', width - len);
}

int
kvprintf(const char *fmt, void (*func)(int, void *), void *arg, va_list ap)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";
	struct prf_out po;
	char buf[24], prefix[3];
	const char *digitset, *s;
	uintmax_t uval;
	intmax_t sval;
	int base, flags, width, prec, lmod, n, i, c;
	bool is_signed, neg;

	po.po_func = func;
	po.po_arg = arg;
	po.po_count = 0;
	while ((c = *fmt++) != '\0') {
		if (c != '%') {
			prf_putc(&po, c);
			continue;
		}
		flags = 0;
		for (;; fmt++) {
			if (*fmt == '-')
				flags |= PRF_LEFT;
			else if (*fmt == '0')
				flags |= PRF_ZERO;
			else if (*fmt == '+')
				flags |= PRF_PLUS;
			else if (*fmt == ' ')
				flags |= PRF_SPACE;
			else if (*fmt == '#')
				flags |= PRF_ALT;
			else
				break;
		}
		width = 0;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= PRF_LEFT;
				width = -width;
			}
			fmt++;
		} else
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		prec = -1;
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				if (prec < 0)
					prec = -1;
				fmt++;
			} else {
				prec = 0;
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		/* Length modifier: count of 'l's, or a named size. */
		lmod = 0;
		switch (*fmt) {
		case 'h':
			lmod = (fmt[1] == 'h') ? 'H' : 'h';
			fmt += (lmod == 'H') ? 2 : 1;
			break;
		case 'l':
			lmod = (fmt[1] == 'l') ? 'q' : 'l';
			fmt += (lmod == 'q') ? 2 : 1;
			break;
		case 'q':
		case 'j':
		case 'z':
		case 't':
			lmod = *fmt++;
			break;
		}

		base = 10;
		is_signed = false;
		digitset = lower;
		c = *fmt++;
		switch (c) {
		case '%':
			prf_putc(&po, '%');
			continue;
		case 'c':
			buf[0] = (char)va_arg(ap, int);
			if ((flags & PRF_LEFT) == 0)
				prf_pad(&po, ' ', width - 1);
			prf_putc(&po, buf[0]);
			if ((flags & PRF_LEFT) != 0)
				prf_pad(&po, ' ', width - 1);
			continue;
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			for (n = 0; s[n] != '\0' && (prec < 0 || n < prec); n++)
				;
			if ((flags & PRF_LEFT) == 0)
				prf_pad(&po, ' ', width - n);
			for (i = 0; i < n; i++)
				prf_putc(&po, s[i]);
			if ((flags & PRF_LEFT) != 0)
				prf_pad(&po, ' ', width - n);
			continue;
		case 'p':
			uval = (uintptr_t)va_arg(ap, void *);
			base = 16;
			flags |= PRF_ALT;
			goto number;
		case 'd':
		case 'i':
			is_signed = true;
			break;
		case 'u':
			break;
		case 'o':
			base = 8;
			break;
		case 'X':
			digitset = upper;
			/* FALLTHROUGH */
		case 'x':
			base = 16;
			break;
		case '\0':
			/* A lone '%' at the end of the format. */
			fmt--;
			continue;
		default:
			/* Unknown (or refused, like %n): show it as written. */
			prf_putc(&po, '%');
			prf_putc(&po, c);
			continue;
		}

		if (is_signed) {
			switch (lmod) {
			case 'H':
				sval = (signed char)va_arg(ap, int);
				break;
			case 'h':
				sval = (short)va_arg(ap, int);
				break;
			case 'l':
				sval = va_arg(ap, long);
				break;
			case 'q':
				sval = va_arg(ap, long long);
				break;
			case 'j':
				sval = va_arg(ap, intmax_t);
				break;
			case 'z':
				sval = va_arg(ap, long);	/* ssize_t */
				break;
			case 't':
				sval = va_arg(ap, ptrdiff_t);
				break;
			default:
				sval = va_arg(ap, int);
				break;
			}
			neg = sval < 0;
			uval = neg ? -(uintmax_t)sval : (uintmax_t)sval;
		} else {
			neg = false;
			switch (lmod) {
			case 'H':
				uval = (unsigned char)va_arg(ap, unsigned int);
				break;
			case 'h':
				uval = (unsigned short)va_arg(ap, unsigned int);
				break;
			case 'l':
				uval = va_arg(ap, unsigned long);
				break;
			case 'q':
				uval = va_arg(ap, unsigned long long);
				break;
			case 'j':
				uval = va_arg(ap, uintmax_t);
				break;
			case 'z':
				uval = va_arg(ap, size_t);
				break;
			case 't':
				uval = (uintmax_t)va_arg(ap, ptrdiff_t);
				break;
			default:
				uval = va_arg(ap, unsigned int);
				break;
			}
		}
number:
		/* Digits, most significant first, at the end of buf. */
		n = 0;
		i = sizeof(buf);
		while (uval != 0) {
			buf[--i] = digitset[uval % base];
			uval /= base;
			n++;
		}
		if (n == 0 && prec != 0) {
			buf[--i] = '0';
			n = 1;
		}
		s = &buf[i];
		i = 0;
		if (neg)
			prefix[i++] = '-';
		else if (is_signed && (flags & PRF_PLUS) != 0)
			prefix[i++] = '+';
		else if (is_signed && (flags & PRF_SPACE) != 0)
			prefix[i++] = ' ';
		if ((flags & PRF_ALT) != 0 && base == 16 &&
		    (c == 'p' || !(n == 1 && s[0] == '0')) && n > 0) {
			prefix[i++] = '0';
			prefix[i++] = (c == 'X') ? 'X' : 'x';
		} else if ((flags & PRF_ALT) != 0 && base == 8 &&
		    (n == 0 || s[0] != '0') && prec <= n) {
			/* '#' with octal: the first digit must be a zero. */
			prefix[i++] = '0';
		}
		prefix[i] = '\0';
		prf_number(&po, prefix, s, n, width, prec, flags);
	}
	return (po.po_count);
}

/* snprintf(9): the output always ends in NUL when the buffer has room. */
struct snprintf_arg {
	char	*sa_buf;
	size_t	 sa_remain;
};

static void
snprintf_putc(int c, void *arg)
{
	struct snprintf_arg *sa = arg;

	if (sa->sa_remain > 1) {
		*sa->sa_buf++ = (char)c;
		sa->sa_remain--;
	}
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct snprintf_arg sa;
	int n;

	sa.sa_buf = buf;
	sa.sa_remain = size;
	n = kvprintf(fmt, snprintf_putc, &sa, ap);
	if (size > 0)
		*sa.sa_buf = '\0';
	return (n);
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (n);
}

/* Kernel messages go to the console and into the message buffer. */
static void
printf_emit(const char *buf, size_t len)
{
	msglog(buf, len);
	cnwrite(buf, len);
}

/*
 * printf(9) formats into a small line buffer and hands whole chunks to the
 * console, so a console that must notify the other end (the Xen ring) does
 * so once per chunk rather than once per character.
 */
struct printf_arg {
	char	pa_buf[128];
	size_t	pa_len;
};

static void
printf_putc(int c, void *arg)
{
	struct printf_arg *pa = arg;

	pa->pa_buf[pa->pa_len++] = (char)c;
	if (pa->pa_len == sizeof(pa->pa_buf) || c == '\n') {
		printf_emit(pa->pa_buf, pa->pa_len);
		pa->pa_len = 0;
	}
}

int
vprintf(const char *fmt, va_list ap)
{
	struct printf_arg pa;
	int n;

	pa.pa_len = 0;
	n = kvprintf(fmt, printf_putc, &pa, ap);
	if (pa.pa_len > 0)
		printf_emit(pa.pa_buf, pa.pa_len);
	return (n);
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return (n);
}
