/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel environment: name=value tunables read by subsystems at boot
 * (kern_getenv(9)).  Two sources fill it, in this order:
 *
 * 1. The kernel command line (start_info.cmd_line, xl's extra=), read by
 *    kenv_init() before anything else runs.  Words are split on blanks,
 *    except inside a value in double quotes (name="a b" reads as a b); a
 *    bare word "name" reads as "1".
 *
 * 2. boot/loader.conf in the preload image, at SI_SUB_TUNABLES, before
 *    any SYSINIT that reads a tunable: every name="value" line that is
 *    not a module directive (see preload_conf_parse() in subr_preload.c
 *    for the syntax and its checks) sets a variable, unless the command
 *    line set it: the command line wins, as a "set" typed at the FreeBSD
 *    loader's prompt overrides what loader.conf said, the loader having
 *    read loader.conf before it offers the prompt.  A later loader.conf
 *    line replaces an earlier one of the same name.
 *
 * Names and values are copied into a fixed table (KENV_MAXVARS entries
 * of KENV_MNAMELEN and KENV_MVALLEN bytes, <sys/kenv.h>), so neither
 * source can overrun it: a word or line that does not fit is reported
 * and skipped, never truncated.  Each entry remembers its source, for
 * the monitor's kenv command.  The table is written at boot by the boot
 * thread only and read afterwards, so it takes no lock; kern_setenv()
 * is for boot-time code too.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/kenv.h>
#include <sys/preload.h>

static struct kenv_var {
	char	name[KENV_MNAMELEN];
	char	value[KENV_MVALLEN];
	int	origin;
} kenv_vars[KENV_MAXVARS];
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
		if (nlen == 0 || nlen >= KENV_MNAMELEN || vlen >= KENV_MVALLEN ||
		    (quoted && p != v + vlen + 1)) {
			printf("kenv: ignoring malformed or oversized word "
			    "\"%.*s\"\n", (int)MIN((size_t)(p - w), 40), w);
			continue;
		}
		if (kenv_count == KENV_MAXVARS) {
			printf("kenv: more than %d words, rest ignored\n",
			    KENV_MAXVARS);
			break;
		}
		memcpy(kenv_vars[kenv_count].name, w, nlen);
		kenv_vars[kenv_count].name[nlen] = '\0';
		if (eq < p) {
			memcpy(kenv_vars[kenv_count].value, v, vlen);
			kenv_vars[kenv_count].value[vlen] = '\0';
		} else
			strlcpy(kenv_vars[kenv_count].value, "1", KENV_MVALLEN);
		kenv_vars[kenv_count].origin = KENV_CMDLINE;
		kenv_count++;
	}
}

/* The last entry named 'name', or NULL. */
static struct kenv_var *
kenv_lookup(const char *name)
{
	int i;

	for (i = kenv_count - 1; i >= 0; i--)
		if (strcmp(kenv_vars[i].name, name) == 0)
			return (&kenv_vars[i]);
	return (NULL);
}

/* The value of 'name', or NULL.  The last word of that name wins. */
const char *
kern_getenv(const char *name)
{
	struct kenv_var *kv;

	kv = kenv_lookup(name);
	return (kv != NULL ? kv->value : NULL);
}

static bool
kenv_namechar(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
}

/* Set 'name' to 'value' from 'origin', replacing the entry 'kv' if any. */
static int
kenv_store(struct kenv_var *kv, const char *name, const char *value,
    int origin)
{
	const char *p;

	if (*name == '\0')
		return (EINVAL);
	for (p = name; *p != '\0'; p++)
		if (!kenv_namechar(*p))
			return (EINVAL);
	for (p = value; *p != '\0'; p++)
		if (*p < ' ' || *p > '~')
			return (EINVAL);
	if (strlen(name) >= KENV_MNAMELEN || strlen(value) >= KENV_MVALLEN)
		return (ENAMETOOLONG);
	if (kv == NULL) {
		if (kenv_count == KENV_MAXVARS)
			return (ENOMEM);
		kv = &kenv_vars[kenv_count++];
		strlcpy(kv->name, name, sizeof(kv->name));
	}
	strlcpy(kv->value, value, sizeof(kv->value));
	kv->origin = origin;
	return (0);
}

/*
 * Set 'name' to 'value', replacing any earlier value.  Names are letters,
 * digits, '_', '-' and '.'; values printable ASCII.  Returns 0, EINVAL (a
 * bad character or an empty name), ENAMETOOLONG (longer than the limits
 * of <sys/kenv.h>) or ENOMEM (the table is full).
 */
int
kern_setenv(const char *name, const char *value)
{
	return (kenv_store(kenv_lookup(name), name, value, KENV_KERNEL));
}

/*
 * Set 'name' from loader.conf: as kern_setenv(), but a variable the
 * command line set is kept (EEXIST).
 */
int
kenv_setloader(const char *name, const char *value)
{
	int i;

	for (i = 0; i < kenv_count; i++)
		if (kenv_vars[i].origin == KENV_CMDLINE &&
		    strcmp(kenv_vars[i].name, name) == 0)
			return (EEXIST);
	return (kenv_store(kenv_lookup(name), name, value, KENV_LOADER));
}

/*
 * Entry 'i' of the table, in the order set: 0, or ENOENT past the end.
 * An entry that a later one of the same name hides (a repeated command
 * line word) is listed too.
 */
int
kenv_entry(int i, const char **namep, const char **valuep, int *originp)
{
	if (i < 0 || i >= kenv_count)
		return (ENOENT);
	*namep = kenv_vars[i].name;
	*valuep = kenv_vars[i].value;
	*originp = kenv_vars[i].origin;
	return (0);
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

/*
 * boot/loader.conf's variables, at SI_SUB_TUNABLES once the preload image
 * is checked (subr_preload.c) and before anything reads a tunable but
 * boot_verbose, which mi_startup() read from the command line and which
 * is read again here.  The module lines are the kernel linker's, at
 * SI_SUB_KLD; complaints about malformed lines are printed here, once.
 */
static void
kenv_conf_setenv(void *arg, int line, const char *name, const char *value)
{
	int error;

	error = kenv_setloader(name, value);
	if (error == EEXIST)
		printf("kenv: boot/loader.conf:%d: %s is set on the command "
		    "line; the command line's value is kept\n", line, name);
	else if (error == ENOMEM)
		printf("kenv: boot/loader.conf:%d: more than %d variables; "
		    "%s not set\n", line, KENV_MAXVARS, name);
	else if (error != 0)
		printf("kenv: boot/loader.conf:%d: cannot set %s: error %d\n",
		    line, name, error);
}

static void
kenv_conf_complain(void *arg, int line, const char *why)
{
	printf("kenv: boot/loader.conf:%d: %s\n", line, why);
}

static void
kenv_preload_init(void *arg)
{
	static const struct preload_conf_ops ops = {
		.pc_setenv = kenv_conf_setenv,
		.pc_complain = kenv_conf_complain,
	};
	struct preload_file pf;
	long verbose;
	int nbad;

	if (preload_find(&preload_kernel, "boot/loader.conf", &pf) != 0)
		return;
	nbad = preload_conf_parse(pf.pf_data, pf.pf_size, &ops, NULL);
	if (nbad != 0)
		printf("kenv: boot/loader.conf: %d line%s skipped\n", nbad,
		    nbad == 1 ? "" : "s");
	if (getenv_long("boot_verbose", &verbose) == 0)
		bootverbose = (int)verbose;
}
SYSINIT(kenv_preload, SI_SUB_TUNABLES, SI_ORDER_THIRD, kenv_preload_init,
    NULL);
