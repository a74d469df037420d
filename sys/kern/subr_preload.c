/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The preload image: the files the domain was given to boot with.
 *
 * xl's "ramdisk" becomes a blob Xen places in our bootstrap area
 * (start_info.mod_start, mod_len).  pvbsd reads it as a cpio archive in
 * the portable "newc" format -- what `cpio -o -H newc' writes -- holding
 * the modules as boot/kernel/<name>.ko and a boot/loader.conf that names
 * the modules to load at boot (see kld(4); tools/mkpreload.sh builds it).
 *
 * Format.  Each entry is a 110-byte ASCII header -- the magic "070701"
 * (or "070702", whose c_check is the sum of the data bytes) and thirteen
 * 8-digit hexadecimal fields -- then the NUL-terminated name, padded with
 * NULs to a multiple of 4 bytes from the start of the archive, then the
 * data, padded the same way.  An entry named "TRAILER!!!" ends the
 * archive; only NULs may follow it (cpio pads to its block size).
 *
 * Checks.  The image comes from outside the kernel, so preload_parse()
 * walks the whole archive once before anything uses it and refuses it
 * with EFTYPE and a message naming the entry and the problem: a bad magic,
 * a field that is not 8 hex digits, a name that is empty, unterminated,
 * has a NUL inside or does not fit, a header, name or data that runs past
 * the end, padding that is not NULs, a file type other than a regular
 * file or a directory (a directory with data), a repeated name, or no
 * trailer.  Lookups then walk the checked archive by name; "/" and "./"
 * in front of a name, in the archive or asked for, are ignored.
 *
 * loader.conf (FreeBSD's loader.conf(5), in part).  One assignment a
 * line, blank lines and comments (# to the end of the line, also after a
 * value) skipped:
 *
 *	name="value"		a variable of the kernel environment
 *	name=value		(kern_environment.c sets them)
 *	<module>_load="YES"	load boot/kernel/<module>.ko at boot ("NO"
 *				does nothing; the case of YES and NO is not
 *				significant)
 *
 * A name is letters, digits, '_', '-' and '.'.  A quoted value runs to
 * the next '"' and may hold blanks and '#'; there are no escapes, so it
 * cannot hold '"'.  An unquoted value ends at a blank or '#'.  Values
 * are printable ASCII.  Limits (with the NUL): names KENV_MNAMELEN,
 * values KENV_MVALLEN, module names PRELOAD_MODNAMELEN, lines
 * PRELOAD_CONFLINELEN.  The file is untrusted: a line that breaks a rule
 * -- no name, no '=', an unterminated quote, text after the value, a NUL,
 * a control or non-ASCII character in the value, anything too long, a
 * _load value other than YES or NO, or one of the FreeBSD loader's module
 * directives pvbsd does not have (<module>_name, _type, _flags, _before,
 * _after, _error) -- is reported with its number and skipped whole
 * (never truncated), and the rest of the file is still read.  A CR before
 * the newline is a blank.
 *
 * The unit tests and the fuzzer in tests/sys/kern/preload build this file
 * on the host.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/stdarg.h>
#include <machine/md_var.h>

#include <sys/kenv.h>
#include <sys/preload.h>

#define	CPIO_HDRLEN	110
#define	CPIO_NFIELDS	13
#define	CPIO_TRAILER	"TRAILER!!!"

/* Header fields, in order after the magic. */
enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK
};

#define	S_IFMT_		0170000
#define	S_IFREG_	0100000
#define	S_IFDIR_	0040000

static int __printflike(3, 4)
pl_err(struct preload_image *pi, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pi->pi_errmsg, sizeof(pi->pi_errmsg), fmt, ap);
	va_end(ap);
	return (error);
}

static int
pl_hex(const unsigned char *p, uint32_t *vp)
{
	uint32_t v;
	int i, d;

	v = 0;
	for (i = 0; i < 8; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			return (-1);
		v = v << 4 | (uint32_t)d;
	}
	*vp = v;
	return (0);
}

static bool
pl_zeros(const unsigned char *p, size_t n)
{
	while (n-- > 0)
		if (*p++ != 0)
			return (false);
	return (true);
}

/* Bytes from 'off' to the next multiple of 4. */
static size_t
pl_pad(size_t off)
{
	return ((4 - (off & 3)) & 3);
}

/*
 * Decode and check the entry at *offp; on success fill *pf, advance *offp
 * past it and return 0 (1 for the trailer, with *offp past it).  'index'
 * is for messages.
 */
static int
pl_entry(struct preload_image *pi, size_t *offp, size_t index,
    struct preload_file *pf)
{
	const unsigned char *h, *name;
	uint32_t f[CPIO_NFIELDS], sum;
	size_t off, left, namesz, pad, i;
	bool crc;

	off = *offp;
	left = pi->pi_size - off;
	h = pi->pi_base + off;
	if (left < CPIO_HDRLEN)
		return (pl_err(pi, EFTYPE, "entry %zu at offset %zu: header "
		    "runs past the end of the archive", index, off));
	if (memcmp(h, "070701", 6) == 0)
		crc = false;
	else if (memcmp(h, "070702", 6) == 0)
		crc = true;
	else
		return (pl_err(pi, EFTYPE, "entry %zu at offset %zu: bad magic "
		    "(not a cpio newc archive)", index, off));
	for (i = 0; i < CPIO_NFIELDS; i++)
		if (pl_hex(h + 6 + 8 * i, &f[i]) != 0)
			return (pl_err(pi, EFTYPE, "entry %zu at offset %zu: "
			    "header field %zu is not 8 hex digits", index, off,
			    i + 1));
	namesz = f[F_NAMESIZE];
	name = h + CPIO_HDRLEN;
	left -= CPIO_HDRLEN;
	if (namesz < 2)
		return (pl_err(pi, EFTYPE, "entry %zu at offset %zu: empty "
		    "name", index, off));
	if (namesz > left)
		return (pl_err(pi, EFTYPE, "entry %zu at offset %zu: name of "
		    "%zu bytes runs past the end of the archive", index, off,
		    namesz));
	if (name[namesz - 1] != '\0')
		return (pl_err(pi, EFTYPE, "entry %zu at offset %zu: name not "
		    "NUL-terminated", index, off));
	if (strlen((const char *)name) != namesz - 1)
		return (pl_err(pi, EFTYPE, "entry %zu (%s): NUL inside the "
		    "name", index, name));
	if (namesz - 1 >= PRELOAD_NAMELEN)
		return (pl_err(pi, EFTYPE, "entry %zu (%.40s...): name longer "
		    "than %d bytes", index, name, PRELOAD_NAMELEN - 1));
	off += CPIO_HDRLEN + namesz;
	left -= namesz;
	pad = pl_pad(off);
	if (pad > left || !pl_zeros(pi->pi_base + off, pad))
		return (pl_err(pi, EFTYPE, "entry %zu (%s): bad padding after "
		    "the name", index, name));
	off += pad;
	left -= pad;

	if (strcmp((const char *)name, CPIO_TRAILER) == 0) {
		if (f[F_FILESIZE] != 0)
			return (pl_err(pi, EFTYPE, "entry %zu: trailer with "
			    "data", index));
		if (!pl_zeros(pi->pi_base + off, left))
			return (pl_err(pi, EFTYPE, "data after the trailer at "
			    "offset %zu", off));
		*offp = pi->pi_size;
		return (1);
	}

	if (f[F_FILESIZE] > left)
		return (pl_err(pi, EFTYPE, "entry %zu (%s): %u bytes of data "
		    "run past the end of the archive", index, name,
		    f[F_FILESIZE]));
	switch (f[F_MODE] & S_IFMT_) {
	case S_IFREG_:
		break;
	case S_IFDIR_:
		if (f[F_FILESIZE] != 0)
			return (pl_err(pi, EFTYPE, "entry %zu (%s): directory "
			    "with data", index, name));
		break;
	default:
		return (pl_err(pi, EFTYPE, "entry %zu (%s): file type %#o is "
		    "neither a regular file nor a directory", index, name,
		    f[F_MODE] & S_IFMT_));
	}
	if (crc) {
		sum = 0;
		for (i = 0; i < f[F_FILESIZE]; i++)
			sum += pi->pi_base[off + i];
		if (sum != f[F_CHECK])
			return (pl_err(pi, EFTYPE, "entry %zu (%s): checksum "
			    "%#x, header says %#x", index, name, sum,
			    f[F_CHECK]));
	}
	pf->pf_name = (const char *)name;
	pf->pf_data = pi->pi_base + off;
	pf->pf_size = f[F_FILESIZE];
	pf->pf_mode = f[F_MODE];
	off += f[F_FILESIZE];
	left -= f[F_FILESIZE];
	pad = pl_pad(off);
	if (pad > left || !pl_zeros(pi->pi_base + off, pad))
		return (pl_err(pi, EFTYPE, "entry %zu (%s): bad padding after "
		    "the data", index, name));
	*offp = off + pad;
	return (0);
}

/* A name for comparisons: without leading "/" and "./". */
static const char *
pl_canon(const char *name)
{
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			return (name);
	}
}

/*
 * Check the whole archive of 'size' bytes at 'base'.  0, or EFTYPE with
 * pi_errmsg saying what is wrong (then the image is unusable: every lookup
 * fails).
 */
int
preload_parse(struct preload_image *pi, const void *base, size_t size)
{
	struct preload_file pf, pf2;
	size_t off, off2, i, j;
	int r, r2;

	memset(pi, 0, sizeof(*pi));
	pi->pi_base = base;
	pi->pi_size = size;
	off = 0;
	for (i = 0;; i++) {
		if (off >= size) {
			r = pl_err(pi, EFTYPE, "no %s entry at the end",
			    CPIO_TRAILER);
			goto bad;
		}
		r = pl_entry(pi, &off, i, &pf);
		if (r < 0 || r > 1)
			goto bad;
		if (r == 1)
			break;
		/* A name given twice: which one is meant? */
		off2 = 0;
		for (j = 0; j < i; j++) {
			r2 = pl_entry(pi, &off2, j, &pf2);
			if (r2 != 0)
				break;
			if (strcmp(pl_canon(pf.pf_name),
			    pl_canon(pf2.pf_name)) == 0) {
				r = pl_err(pi, EFTYPE, "entry %zu (%s): the "
				    "same name as entry %zu", i, pf.pf_name,
				    j);
				goto bad;
			}
		}
	}
	pi->pi_nfiles = i;
	pi->pi_valid = true;
	return (0);
bad:
	pi->pi_valid = false;
	pi->pi_nfiles = 0;
	return (r);
}

/*
 * The regular file named 'name' ("boot/kernel/foo.ko"; leading "/" and
 * "./" are ignored): 0 and *pf, or ENOENT.
 */
int
preload_find(const struct preload_image *pi, const char *name,
    struct preload_file *pf)
{
	struct preload_image tmp;
	size_t off, i;

	if (!pi->pi_valid)
		return (ENOENT);
	name = pl_canon(name);
	tmp = *pi;
	off = 0;
	for (i = 0; i < pi->pi_nfiles; i++) {
		if (pl_entry(&tmp, &off, i, pf) != 0)
			break;
		if ((pf->pf_mode & S_IFMT_) == S_IFREG_ &&
		    strcmp(pl_canon(pf->pf_name), name) == 0)
			return (0);
	}
	return (ENOENT);
}

/* The i-th entry (file or directory), for listing: 0 or ENOENT. */
int
preload_entry(const struct preload_image *pi, size_t index,
    struct preload_file *pf)
{
	struct preload_image tmp;
	size_t off, i;

	if (!pi->pi_valid || index >= pi->pi_nfiles)
		return (ENOENT);
	tmp = *pi;
	off = 0;
	for (i = 0; i <= index; i++)
		if (pl_entry(&tmp, &off, i, pf) != 0)
			return (ENOENT);
	return (0);
}

/* The first 'c' in [p, end), or end. */
static const char *
pl_scan(const char *p, const char *end, char c)
{
	while (p < end && *p != c)
		p++;
	return (p);
}

static bool
pl_blank(int c)
{
	return (c == ' ' || c == '\t' || c == '\r');
}

static bool
pl_namechar(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
}

static bool
pl_strcaseeq(const char *a, size_t alen, const char *b)
{
	size_t i;
	int ca, cb;

	if (alen != strlen(b))
		return (false);
	for (i = 0; i < alen; i++) {
		ca = a[i] >= 'a' && a[i] <= 'z' ? a[i] - 'a' + 'A' : a[i];
		cb = b[i] >= 'a' && b[i] <= 'z' ? b[i] - 'a' + 'A' : b[i];
		if (ca != cb)
			return (false);
	}
	return (true);
}

/* A FreeBSD loader module directive pvbsd does not have. */
static bool
pl_directive(const char *key, size_t keylen)
{
	static const char *const sfx[] = {
		"_name", "_type", "_flags", "_before", "_after", "_error"
	};
	size_t i, n;

	for (i = 0; i < nitems(sfx); i++) {
		n = strlen(sfx[i]);
		if (keylen > n && memcmp(key + keylen - n, sfx[i], n) == 0)
			return (true);
	}
	return (false);
}

static bool
pl_valuechar(int c)
{
	return (c >= ' ' && c <= '~');
}

/*
 * One line of loader.conf (without its newline).  Returns PL_NONE
 * (nothing to do), PL_LOAD (*keyp and *keylenp name a module to load),
 * PL_SETENV (*keyp, *keylenp, *valp and *vallenp a variable to set) or
 * -1 with *whyp set.
 */
#define	PL_NONE		0
#define	PL_LOAD		1
#define	PL_SETENV	2

static int
pl_conf_line(const char *p, size_t len, const char **keyp,
    size_t *keylenp, const char **valp, size_t *vallenp, const char **whyp)
{
	const char *end, *key, *val;
	size_t keylen, vallen;
	bool quoted;

	end = p + len;
	while (p < end && pl_blank(*p))
		p++;
	if (p == end || *p == '#')
		return (PL_NONE);
	key = p;
	while (p < end && pl_namechar(*p))
		p++;
	keylen = p - key;
	if (keylen == 0) {
		*whyp = "expected a variable name";
		return (-1);
	}
	while (p < end && pl_blank(*p))
		p++;
	if (p == end || *p != '=') {
		*whyp = "expected '=' after the variable name";
		return (-1);
	}
	p++;
	while (p < end && pl_blank(*p))
		p++;
	quoted = p < end && *p == '"';
	if (quoted)
		p++;
	val = p;
	if (quoted) {
		while (p < end && *p != '"' && pl_valuechar(*p))
			p++;
		if (p < end && *p != '"') {
			*whyp = "control or non-ASCII character in the value";
			return (-1);
		}
		if (p == end) {
			*whyp = "unterminated quoted value";
			return (-1);
		}
		vallen = p - val;
		p++;
	} else {
		while (p < end && !pl_blank(*p) && *p != '#' && *p != '"' &&
		    pl_valuechar(*p))
			p++;
		vallen = p - val;
		if (p < end && !pl_blank(*p) && *p != '#' && *p != '"') {
			*whyp = "control or non-ASCII character in the value";
			return (-1);
		}
	}
	while (p < end && pl_blank(*p))
		p++;
	if (p < end && *p != '#') {
		*whyp = "unexpected text after the value";
		return (-1);
	}
	*keyp = key;
	if (keylen > 5 && strncmp(key + keylen - 5, "_load", 5) == 0) {
		if (pl_strcaseeq(val, vallen, "YES")) {
			*keylenp = keylen - 5;
			return (PL_LOAD);
		}
		if (pl_strcaseeq(val, vallen, "NO"))
			return (PL_NONE);
		*whyp = "the value of a _load variable must be YES or NO";
		return (-1);
	}
	if (pl_directive(key, keylen)) {
		*whyp = "a FreeBSD loader module directive pvbsd does not "
		    "have; ignored";
		return (-1);
	}
	if (keylen >= KENV_MNAMELEN) {
		*whyp = "variable name too long";
		return (-1);
	}
	if (vallen >= KENV_MVALLEN) {
		*whyp = "value too long";
		return (-1);
	}
	*keylenp = keylen;
	*valp = val;
	*vallenp = vallen;
	return (PL_SETENV);
}

/*
 * Read the 'len' bytes of loader.conf at 'text', line by line: for each
 * module to load, ops->pc_load is called with its name; for each
 * variable, ops->pc_setenv with the line number, the name and the value;
 * for each line refused, ops->pc_complain with the line number and why
 * (each NUL-terminated, in buffers of the parser's).  A NULL callback
 * skips that kind of line.  Returns the number of lines refused.
 */
int
preload_conf_parse(const char *text, size_t len,
    const struct preload_conf_ops *ops, void *arg)
{
	char name[MAX(PRELOAD_MODNAMELEN, KENV_MNAMELEN)];
	char value[KENV_MVALLEN];
	const char *line, *nl, *key, *val, *why;
	size_t linelen, keylen, vallen;
	int lineno, nbad, r;

	nbad = 0;
	lineno = 0;
	for (line = text; line < text + len; line = nl + 1) {
		lineno++;
		nl = pl_scan(line, text + len, '\n');
		linelen = nl - line;
		why = NULL;
		r = PL_NONE;
		if (pl_scan(line, nl, '\0') != nl)
			why = "NUL character in the line";
		else if (linelen >= PRELOAD_CONFLINELEN)
			why = "line too long";
		else {
			r = pl_conf_line(line, linelen, &key, &keylen, &val,
			    &vallen, &why);
			if (r == PL_LOAD && (keylen == 0 ||
			    keylen >= PRELOAD_MODNAMELEN))
				why = "module name empty or too long";
		}
		if (why != NULL) {
			if (ops->pc_complain != NULL)
				ops->pc_complain(arg, lineno, why);
			nbad++;
			continue;
		}
		if (r == PL_LOAD && ops->pc_load != NULL) {
			memcpy(name, key, keylen);
			name[keylen] = '\0';
			ops->pc_load(arg, name);
		} else if (r == PL_SETENV && ops->pc_setenv != NULL) {
			memcpy(name, key, keylen);
			name[keylen] = '\0';
			memcpy(value, val, vallen);
			value[vallen] = '\0';
			ops->pc_setenv(arg, lineno, name, value);
		}
	}
	return (nbad);
}

/* The image the domain was booted with. */
struct preload_image preload_kernel;

static void
preload_init(void *arg)
{
	int error;

	/* Where the machine put it (<machine/md_var.h>). */
	if (preload_addr == NULL || preload_size == 0) {
		printf("preload: no preload image\n");
		return;
	}
	error = preload_parse(&preload_kernel, preload_addr, preload_size);
	if (error != 0) {
		printf("preload: image of %zu bytes refused: %s\n",
		    preload_size, preload_kernel.pi_errmsg);
		return;
	}
	printf("preload: %zu entries in a cpio image of %zu bytes\n",
	    preload_kernel.pi_nfiles, preload_size);
}
SYSINIT(preload, SI_SUB_TUNABLES, SI_ORDER_SECOND, preload_init, NULL);
