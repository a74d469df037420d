/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * libFuzzer target for the preload image (sys/kern/subr_preload.c): the
 * input is a cpio archive, checked by preload_parse(); whatever it accepts
 * must be safe to walk -- every entry's name and data inside the input,
 * every file found again by its name -- and its boot/loader.conf, if any,
 * goes through the loader.conf reader.  An input that does not start with
 * a cpio magic is given to the loader.conf reader directly.
 */

#include <sys/types.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/kenv.h>
#include <sys/preload.h>

#ifndef EFTYPE
#define	EFTYPE	79		/* as in subr_preload.c on the host */
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define	CHECK(e) do {							\
	if (!(e)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #e);				\
		abort();						\
	}								\
} while (0)

struct counts {
	int	loaded;
	int	set;
	int	complaints;
};

static void
fz_load(void *arg, const char *name)
{
	struct counts *c = arg;

	CHECK(name[0] != '\0' && strlen(name) < PRELOAD_MODNAMELEN);
	c->loaded++;
}

static void
fz_setenv(void *arg, int line, const char *name, const char *value)
{
	struct counts *c = arg;
	const char *p;

	CHECK(line > 0 && name[0] != '\0');
	CHECK(strlen(name) < KENV_MNAMELEN && strlen(value) < KENV_MVALLEN);
	for (p = value; *p != '\0'; p++)
		CHECK(*p >= ' ' && *p <= '~');
	c->set++;
}

static void
fz_complain(void *arg, int line, const char *why)
{
	struct counts *c = arg;

	CHECK(line > 0 && why[0] != '\0');
	c->complaints++;
}

static bool
inside(const uint8_t *base, size_t size, const void *p, size_t n)
{
	return ((const uint8_t *)p >= base && n <= size &&
	    (size_t)((const uint8_t *)p - base) <= size - n);
}

static void
conf(const char *text, size_t len)
{
	struct counts c;
	int nbad;

	static const struct preload_conf_ops ops = {
		.pc_load = fz_load,
		.pc_setenv = fz_setenv,
		.pc_complain = fz_complain,
	};

	memset(&c, 0, sizeof(c));
	nbad = preload_conf_parse(text, len, &ops, &c);
	CHECK(nbad == c.complaints);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct preload_image pi;
	struct preload_file pf, pf2;
	uint8_t *img;
	size_t i;
	int error;

	/* An exact copy: reading one byte past the input is caught. */
	img = malloc(size == 0 ? 1 : size);
	CHECK(img != NULL);
	memcpy(img, data, size);
	if (size < 6 || (memcmp(img, "070701", 6) != 0 &&
	    memcmp(img, "070702", 6) != 0)) {
		conf((const char *)img, size);
		free(img);
		return (0);
	}
	error = preload_parse(&pi, img, size);
	if (error != 0) {
		CHECK(error == EFTYPE && pi.pi_errmsg[0] != '\0');
		CHECK(!pi.pi_valid);
		CHECK(preload_find(&pi, "boot/loader.conf", &pf) == ENOENT);
		free(img);
		return (0);
	}
	CHECK(pi.pi_valid);
	for (i = 0; i < pi.pi_nfiles; i++) {
		CHECK(preload_entry(&pi, i, &pf) == 0);
		CHECK(inside(img, size, pf.pf_name, strlen(pf.pf_name) + 1));
		CHECK(inside(img, size, pf.pf_data, pf.pf_size));
		CHECK(strlen(pf.pf_name) < PRELOAD_NAMELEN);
		if ((pf.pf_mode & 0170000) != 0100000)
			continue;
		/* Found again by its name (names are unique). */
		CHECK(preload_find(&pi, pf.pf_name, &pf2) == 0);
		CHECK(pf2.pf_data == pf.pf_data && pf2.pf_size == pf.pf_size);
	}
	CHECK(preload_entry(&pi, pi.pi_nfiles, &pf) == ENOENT);
	if (preload_find(&pi, "boot/loader.conf", &pf) == 0)
		conf(pf.pf_data, pf.pf_size);
	free(img);
	return (0);
}
