/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel symbol table.
 *
 * Because of the BSD_SYMTAB note, Xen's domain builder copies our symbol
 * and string tables after the image, at roundup(_end, 8), as a block:
 *
 *	uint32_t size			bytes from the ELF header to the end
 *	Elf64_Ehdr (4-byte aligned)	e_shoff = 64, e_shnum = 3
 *	Elf64_Shdr[3]			null, SYMTAB (sh_link = 2), STRTAB
 *	symbols, strings		sh_offset relative to the Ehdr
 *
 * ksyms_parse() checks every offset and size against the block before
 * using it (a kernel booted by another loader may find anything there),
 * then lookups walk the table: by address for backtraces, by name for the
 * kernel linker.  Lookups are linear; the table is a few thousand entries.
 * The tables are only 4-byte aligned (the Ehdr follows the 32-bit size), so
 * entries are copied out rather than dereferenced in place.
 *
 * Builds on the host too (tests/sys/kern/ksyms_test.c).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>

#include <sys/ksyms.h>

struct ksyms_shdr {
	uint32_t	sh_name;
	uint32_t	sh_type;
	uint64_t	sh_flags;
	uint64_t	sh_addr;
	uint64_t	sh_offset;
	uint64_t	sh_size;
	uint32_t	sh_link;
	uint32_t	sh_info;
	uint64_t	sh_addralign;
	uint64_t	sh_entsize;
};

struct ksyms_sym {
	uint32_t	st_name;
	uint8_t		st_info;
	uint8_t		st_other;
	uint16_t	st_shndx;
	uint64_t	st_value;
	uint64_t	st_size;
};

#define	SHT_SYMTAB	2
#define	SHT_STRTAB	3
#define	STT_OBJECT	1
#define	STT_FUNC	2
#define	SHN_UNDEF	0
#define	EHDR_SIZE	64

struct ksyms ksyms_kernel;

/*
 * Parse the block at 'blk', of which 'avail' bytes are mapped.  Returns 0
 * or EFTYPE (not an ELF symbol block), EINVAL (offsets or sizes that do
 * not fit).
 */
int
ksyms_parse(struct ksyms *ks, const void *blk, size_t avail)
{
	const struct ksyms_shdr *sh;
	const unsigned char *ehdr;
	uint32_t size;
	size_t skip;

	memset(ks, 0, sizeof(*ks));
	if (avail < 4)
		return (EINVAL);
	memcpy(&size, blk, 4);
	skip = 4;		/* the Ehdr follows, 4-byte aligned */
	if (size < EHDR_SIZE + 3 * sizeof(*sh) || size > avail - skip)
		return (EINVAL);
	ehdr = (const unsigned char *)blk + skip;
	if (memcmp(ehdr, "\177ELF", 4) != 0 || ehdr[4] != 2)
		return (EFTYPE);
	/* Section headers at e_shoff == 64; they may be misaligned. */
	sh = (const struct ksyms_shdr *)(ehdr + EHDR_SIZE);
	{
		struct ksyms_shdr sym, str;

		memcpy(&sym, &sh[1], sizeof(sym));
		memcpy(&str, &sh[2], sizeof(str));
		if (sym.sh_type != SHT_SYMTAB || str.sh_type != SHT_STRTAB ||
		    sym.sh_entsize != sizeof(struct ksyms_sym))
			return (EFTYPE);
		if (sym.sh_offset > size || sym.sh_size > size - sym.sh_offset ||
		    str.sh_offset > size || str.sh_size > size - str.sh_offset ||
		    sym.sh_size % sizeof(struct ksyms_sym) != 0 ||
		    str.sh_size == 0)
			return (EINVAL);
		/* Strings must end in NUL so no lookup runs off the table. */
		if (ehdr[str.sh_offset + str.sh_size - 1] != '\0')
			return (EINVAL);
		ks->ks_syms = ehdr + sym.sh_offset;
		ks->ks_nsyms = sym.sh_size / sizeof(struct ksyms_sym);
		ks->ks_strs = (const char *)ehdr + str.sh_offset;
		ks->ks_strsz = str.sh_size;
	}
	return (0);
}

static const char *
ksyms_name(const struct ksyms *ks, const struct ksyms_sym *s)
{
	if (s->st_name >= ks->ks_strsz)
		return (NULL);
	return (ks->ks_strs + s->st_name);
}

static void
ksyms_get(const struct ksyms *ks, size_t i, struct ksyms_sym *s)
{
	memcpy(s, (const char *)ks->ks_syms + i * sizeof(*s), sizeof(*s));
}

/* The function or object containing (or nearest below) 'addr'. */
int
ksyms_lookup_addr(const struct ksyms *ks, uintptr_t addr, const char **name,
    uintptr_t *off)
{
	struct ksyms_sym s, best;
	size_t i;
	bool found;
	int type;

	found = false;
	for (i = 0; i < ks->ks_nsyms; i++) {
		ksyms_get(ks, i, &s);
		type = s.st_info & 0xf;
		if ((type != STT_FUNC && type != STT_OBJECT) ||
		    s.st_shndx == SHN_UNDEF || s.st_value > addr)
			continue;
		if (!found || s.st_value > best.st_value) {
			best = s;
			found = true;
		}
	}
	if (!found || ksyms_name(ks, &best) == NULL)
		return (ENOENT);
	/* Well past a sized symbol's end: not inside anything we know. */
	if (best.st_size != 0 && addr - best.st_value > best.st_size + 4096)
		return (ENOENT);
	*name = ksyms_name(ks, &best);
	*off = addr - best.st_value;
	return (0);
}

int
ksyms_lookup_name(const struct ksyms *ks, const char *name, uintptr_t *value)
{
	struct ksyms_sym s;
	const char *n;
	size_t i;

	for (i = 0; i < ks->ks_nsyms; i++) {
		ksyms_get(ks, i, &s);
		if (s.st_shndx == SHN_UNDEF || (s.st_info >> 4) == 0)
			continue;	/* undefined or local */
		n = ksyms_name(ks, &s);
		if (n != NULL && strcmp(n, name) == 0) {
			*value = s.st_value;
			return (0);
		}
	}
	return (ENOENT);
}
