/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * libFuzzer target for the kernel linker's object loader
 * (sys/kern/link_elf_obj.c): the input is a .ko file from a hostile or
 * broken source, and the seed is the real sys/modules/ktest_example.
 *
 * Each input is loaded for a run address in the top 2 GiB with a fake
 * kernel that defines every name not starting with "missing" (at an
 * address derived from the name, so 32-bit relocations of all kinds can
 * succeed), into an exact-size buffer so ASan sees any write outside the
 * module.  A refused input must leave the descriptor clear, a message,
 * and nothing allocated; an accepted one must keep its promises: the three
 * parts tile the block, every section, set, symbol and the GOT lie inside
 * it, and lookups agree with the tables.  The input is then loaded again
 * at a low address, where the same file must be refused with ERANGE or
 * accepted exactly as before (an object with no 32-bit absolute or
 * cross-module relocation).  Sanitizers catch the rest.
 */

#include <sys/types.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/elf64.h>
#include <sys/linker.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define	CHECK(e) do {							\
	if (!(e)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #e);				\
		abort();						\
	}								\
} while (0)

#define	HIGH_ADDR	0xffffffffc0000000UL
#define	LOW_ADDR	0x0000000100000000UL
#define	ALLOC_LIMIT	(4UL << 20)	/* keep executions fast */

struct fz {
	uintptr_t	 addr;
	int		 live;
	int		 nprotect;
	uintptr_t	 prot_end;
};

static int
fz_alloc(void *arg, size_t size, void **basep, uintptr_t *addrp)
{
	struct fz *f = arg;
	void *p;

	CHECK(size > 0 && size % LINK_ELF_OBJ_PAGE == 0);
	CHECK(size <= LINK_ELF_OBJ_MAXSIZE);
	if (size > ALLOC_LIMIT)
		return (ENOMEM);
	if ((p = malloc(size)) == NULL)
		return (ENOMEM);
	memset(p, 0x5a, size);
	f->live++;
	*basep = p;
	*addrp = f->addr;
	return (0);
}

static void
fz_free(void *arg, void *base, uintptr_t addr, size_t size)
{
	struct fz *f = arg;

	CHECK(addr == f->addr);
	f->live--;
	free(base);
}

static int
fz_protect(void *arg, void *base, uintptr_t addr, size_t size, int prot)
{
	struct fz *f = arg;

	CHECK(addr % LINK_ELF_OBJ_PAGE == 0 && size % LINK_ELF_OBJ_PAGE == 0);
	CHECK(addr >= f->prot_end);	/* in order, not overlapping */
	f->prot_end = addr + size;
	f->nprotect++;
	return (0);
}

/* Every name is a kernel symbol, near the kernel, unless "missing...". */
static int
fz_lookup(void *arg, const char *name, uintptr_t *valp)
{
	uint32_t h;

	if (strncmp(name, "missing", 7) == 0)
		return (ENOENT);
	for (h = 2166136261u; *name != '\0'; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	*valp = 0xffffffff80000000UL + (h & 0x0ffffff8);
	return (0);
}

static const struct link_elf_obj_ops fz_ops = {
	.lo_alloc = fz_alloc,
	.lo_free = fz_free,
	.lo_protect = fz_protect,
	.lo_lookup = fz_lookup,
};

static bool
inside(const struct link_elf_obj *eo, uintptr_t a, size_t n)
{
	return (a >= eo->eo_addr && a - eo->eo_addr <= eo->eo_size &&
	    n <= eo->eo_size - (a - eo->eo_addr));
}

static void
check_loaded(const struct link_elf_obj *eo, const struct fz *f)
{
	const struct link_elf_sym *lsy;
	const char *name;
	uintptr_t v, start, stop, off;
	size_t i, n, total;
	int seg;

	CHECK(eo->eo_errmsg[0] == '\0');
	CHECK(eo->eo_addr == f->addr && eo->eo_size > 0);
	total = 0;
	for (seg = 0; seg < LINK_ELF_NSEG; seg++) {
		CHECK(eo->eo_seg[seg].ls_addr == eo->eo_addr + total);
		total += eo->eo_seg[seg].ls_size;
	}
	CHECK(total == eo->eo_size);
	CHECK(eo->eo_ngot == 0 || (inside(eo, eo->eo_got, eo->eo_ngot * 8) &&
	    eo->eo_got >= eo->eo_seg[LINK_ELF_SEG_RODATA].ls_addr &&
	    eo->eo_got < eo->eo_seg[LINK_ELF_SEG_DATA].ls_addr));
	for (i = 0; i < eo->eo_nsects; i++) {
		CHECK(inside(eo, eo->eo_sects[i].lsc_addr,
		    eo->eo_sects[i].lsc_size));
		CHECK(link_elf_obj_section(eo, eo->eo_sects[i].lsc_name, &v,
		    &n) == 0);
	}
	for (i = 0; i < eo->eo_nsets; i++) {
		CHECK(eo->eo_sets[i].lst_start <= eo->eo_sets[i].lst_stop);
		CHECK(inside(eo, eo->eo_sets[i].lst_start,
		    eo->eo_sets[i].lst_stop - eo->eo_sets[i].lst_start));
		CHECK(link_elf_obj_lookup_set(eo, eo->eo_sets[i].lst_name,
		    &start, &stop) == 0);
		CHECK(start == eo->eo_sets[i].lst_start);
	}
	for (i = 0; i < eo->eo_nsyms; i++) {
		lsy = &eo->eo_syms[i];
		CHECK(strlen(lsy->lsy_name) > 0);
		/*
		 * Values of SHN_ABS symbols are anything; a section symbol
		 * may point just past its section (an end marker), so the
		 * offset may reach, but not pass, the end of the block.
		 */
		if (link_elf_obj_lookup_addr(eo, lsy->lsy_value, &name,
		    &off) == 0)
			CHECK(off <= eo->eo_size);
		if (ELF64_ST_BIND(lsy->lsy_info) != STB_LOCAL)
			CHECK(link_elf_obj_lookup(eo, lsy->lsy_name, &v) == 0);
	}
	/* Touch every byte: the whole block is ours. */
	for (i = 0, v = 0; i < eo->eo_size; i++)
		v += (uint8_t)eo->eo_base[i];
	(void)v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct link_elf_obj eo, eo2;
	struct fz f, f2;
	uint8_t *img;
	int error, error2;

	/* An exact copy: reading one byte past the file is caught. */
	img = malloc(size == 0 ? 1 : size);
	CHECK(img != NULL);
	memcpy(img, data, size);

	memset(&f, 0, sizeof(f));
	f.addr = HIGH_ADDR;
	error = link_elf_obj_load(&eo, img, size, &fz_ops, &f);
	if (error != 0) {
		CHECK(eo.eo_errmsg[0] != '\0');
		CHECK(eo.eo_base == NULL && eo.eo_meta == NULL &&
		    eo.eo_nsyms == 0 && eo.eo_nsets == 0);
		CHECK(f.live == 0);
	} else {
		CHECK(f.live == 1);
		check_loaded(&eo, &f);
	}

	/* The same file at a low address. */
	memset(&f2, 0, sizeof(f2));
	f2.addr = LOW_ADDR;
	error2 = link_elf_obj_load(&eo2, img, size, &fz_ops, &f2);
	if (error2 == 0) {
		check_loaded(&eo2, &f2);
		link_elf_obj_unload(&eo2);
	}
	CHECK(f2.live == 0);
	/*
	 * Only the address changed: only ERANGE may appear or go.  A file
	 * with another fault can also stop on ERANGE at the low address,
	 * when a relocation that no longer fits comes before that fault.
	 */
	if (error == 0)
		CHECK(error2 == 0 || error2 == ERANGE);
	else if (error != ERANGE)
		CHECK(error2 == error || error2 == ERANGE);
	if (error == 0) {
		link_elf_obj_unload(&eo);
		CHECK(f.live == 0);
	}
	free(img);
	return (0);
}
