/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel environment: "name=value" words from the xl command line
 * (start_info.cmd_line, xl's extra=), read by subsystems at boot as
 * tunables.  A bare word "name" reads as "1".  Words are split on blanks,
 * except inside a value in double quotes (name="a b" reads as a b);
 * names and values are copied into a fixed table, so a long or malformed
 * command line is truncated and reported, never overrun.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kenv.h>

#define	KENV_MAX	32
#define	KENV_NAMELEN	32
#define	KENV_VALLEN	128

static struct kenv_var {
	char	name[KENV_NAMELEN];
	char	value[KENV_VALLEN];
} kenv_vars[KENV_MAX];
static int kenv_count;

void
kenv_init(const char *cmdline, size_t len)
{
	const char *p, *end, *w, *eq, *v;
	size_t nlen, vlen;
	bool quoted;

	kenv_count = 0;
	p = cmdline;
	end = cmdline + strnlen(cmdline, len);
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		w = p;
		quoted = false;
		while (p < end && *p != ' ' && *p != '\t' && *p != '=')
			p++;
		eq = p;
		v = p + 1;
		if (p < end && *p == '=' && p + 1 < end && p[1] == '"') {
			/* name="value with blanks" */
			v = p + 2;
			for (p = v; p < end && *p != '"'; p++)
				;
			quoted = p < end;
			vlen = p - v;
			if (quoted)
				p++;
		}
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		nlen = eq - w;
		if (!quoted)
			vlen = eq < p ? (size_t)(p - eq - 1) : 1;
		if (nlen == 0 || nlen >= KENV_NAMELEN || vlen >= KENV_VALLEN ||
		    (quoted && p != v + vlen + 1)) {
			printf("kenv: ignoring malformed or oversized word "
			    "\"%.*s\"\n", (int)MIN((size_t)(p - w), 40), w);
			continue;
		}
		if (kenv_count == KENV_MAX) {
			printf("kenv: more than %d words, rest ignored\n",
			    KENV_MAX);
			break;
		}
		memcpy(kenv_vars[kenv_count].name, w, nlen);
		kenv_vars[kenv_count].name[nlen] = '\0';
		if (eq < p) {
			memcpy(kenv_vars[kenv_count].value, v, vlen);
			kenv_vars[kenv_count].value[vlen] = '\0';
		} else
			strlcpy(kenv_vars[kenv_count].value, "1", KENV_VALLEN);
		kenv_count++;
	}
}

/* The value of 'name', or NULL.  The last word of that name wins. */
const char *
kern_getenv(const char *name)
{
	int i;

	for (i = kenv_count - 1; i >= 0; i--)
		if (strcmp(kenv_vars[i].name, name) == 0)
			return (kenv_vars[i].value);
	return (NULL);
}

/*
 * Read a decimal or 0x-hex integer tunable.  Returns 0 and sets *val, or
 * ENOENT (absent) or EINVAL (not a number, or out of range); *val is
 * untouched on error.
 */
int
getenv_long(const char *name, long *val)
{
	const char *s;
	u_long v, digit, base;
	bool neg;

	if ((s = kern_getenv(name)) == NULL)
		return (ENOENT);
	neg = (*s == '-');
	if (neg)
		s++;
	base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return (EINVAL);
	for (v = 0; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digit = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			digit = *s - 'A' + 10;
		else
			return (EINVAL);
		if (v > (LONG_MAX - digit) / base)
			return (EINVAL);
		v = v * base + digit;
	}
	*val = neg ? -(long)v : (long)v;
	return (0);
}
