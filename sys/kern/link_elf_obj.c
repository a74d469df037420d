/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel linker's object loader: from the bytes of a .ko file to a
 * module in memory, ready to have its SYSINITs run.
 *
 * Format.  A module is an x86-64 ELF relocatable object (ET_REL) made by
 * `ld.lld -r' from objects compiled like the kernel (share/mk/kmod.mk).
 * It has no program headers and no addresses: only sections, a symbol
 * table, and RELA relocation sections saying which words of which section
 * must be patched with which symbol's final address.  References to the
 * kernel are undefined symbols.  Linker sets are sections "set_<name>";
 * the module's own __start_set_<name> / __stop_set_<name> stay undefined
 * (ld -r does not define them) and are resolved here to its own section.
 *
 * Checks.  The image comes from a file, so nothing in it is trusted before
 * it is checked, and everything is checked before any memory is given to
 * the module: the ELF header (identity, sizes, counts), every section
 * header (contents inside the file, no two overlapping, names inside the
 * name table, links and infos naming real sections, alignments powers of
 * two and at most a page for loaded sections), the symbol table (entry
 * size, a NUL-terminated string table, every name and section index in
 * range, values inside their sections) and every relocation (symbol index,
 * known type, patched word inside its section, no reference into a section
 * that is not loaded).  Headers and entries are copied out with memcpy:
 * the image need not be aligned.  Each refusal has its own errno class and
 * a message naming the culprit, left in eo_errmsg:
 *	ENOEXEC		not an x86-64 ELF relocatable object at all
 *	EFTYPE		malformed: something out of range or inconsistent
 *	EOPNOTSUPP	well formed but not something we load (SHN_COMMON,
 *			TLS, SHT_REL, an unknown relocation type, ...)
 *	E2BIG		beyond the LINK_ELF_OBJ_MAX* limits
 *	ENOENT		a symbol nobody defines
 *	ERANGE		a 32-bit relocation whose value does not fit
 *	ENOMEM, or what a callback returned
 *
 * Layout.  The SHF_ALLOC sections go into one block, in three page-aligned
 * parts so that each can get its own protection: text (read, execute),
 * read-only data (read; the GOT is built at its end), then writable data
 * with the NOBITS sections (bss) last.  Each section sits at its alignment
 * (at most a page, and the block is page-aligned).  Writable and executable
 * at once is refused.  The caller's lo_alloc provides the block: in the
 * kernel, kmem; in the host tests, a malloc'd buffer standing for memory
 * at an address of the test's choosing, so that relocations are computed
 * for the address the module would run at while the bytes go to the
 * buffer (eo_base is where they were written, eo_addr where they run).
 *
 * Symbols.  Defined symbols get their section's address plus st_value;
 * SHN_ABS ones keep their value.  Undefined ones are, in order: the bounds
 * of one of the module's own linker sets, whatever lo_lookup says (the
 * kernel's symbol table, then modules loaded earlier), or 0 if weak;
 * anything else is refused by name.
 *
 * Relocation.  Every RELA section whose target is loaded is applied (those
 * of sections that are not, debugging information, are checked as
 * sections and then ignored), with the psABI formulas (S symbol, A
 * addend, P patched address, G+GOT the symbol's GOT slot): 64 and PC64
 * are 64-bit; PC32, PLT32 (no PLT: calls go straight to the symbol),
 * GOTPCREL and the relaxable GOTPCRELX kinds are signed 32-bit
 * displacements, 32S a sign-extended and 32 a zero-extended absolute.
 * A 32-bit value that does not fit is refused rather than truncated:
 * with -mcmodel=kernel the module and everything it uses must lie in the
 * top 2 GiB of the address space.  Compiled C never needs a GOT under
 * our flags, but assembly may ask for one: each symbol named by a GOT
 * relocation gets one 8-byte slot.
 *
 * Two steps.  link_elf_obj_begin() does everything that needs only the
 * module itself: checks, layout, memory, and the relocations against the
 * module's own symbols and sets; what later users need is then kept in one
 * small block: the loaded sections, the linker sets and the module's
 * defined symbols, with copies of their names.  The caller may now read
 * the module's metadata (the kernel linker loads the modules it depends
 * on, whose symbols it needs).  link_elf_obj_finish() resolves the
 * undefined symbols through lo_lookup, applies the remaining relocations
 * and protects the parts (lo_protect); the file image is not needed any
 * more.  A 32-bit value that does not fit, met in the first step, is
 * reported by the second, after any undefined symbol, so that a one-step
 * link_elf_obj_load() reports faults in the order it always has.
 *
 * Failure.  Every step either succeeds or returns an errno; the failure
 * exit of both steps (leo_fail) gives back the module's memory and every
 * allocation made so far, so a refused file leaves nothing behind.
 *
 * Context: may sleep only if the callbacks do; callers serialise use of a
 * struct link_elf_obj.  Builds on the host for the unit tests and the
 * fuzzer (tests/sys/kern/linker).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/stdarg.h>

#include <sys/elf64.h>
#include <sys/linker.h>

static MALLOC_DEFINE(M_LINKER, "linker", "kernel linker");
#define	LEO_ALLOC(n)	malloc((n), M_LINKER, M_NOWAIT | M_ZERO)
#define	LEO_FREE(p)	free((p), M_LINKER)

#define	LEO_NOADDR	((uint64_t)-1)	/* section not loaded */
#define	LEO_ROUND(x, a)	(((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define	LEO_POW2(x)	(((x) & ((x) - 1)) == 0)

/* One load in progress: the image, copies of its headers, the plan. */
struct leo_ctx {
	struct link_elf_obj *eo;
	const unsigned char *img;
	size_t		 imgsz;
	Elf64_Ehdr	 eh;
	Elf64_Shdr	*sh;		/* copies of the section headers */
	size_t		 shnum;
	const char	*shstr;		/* section names, in the image */
	size_t		 shstrsz;
	size_t		 symndx;	/* the SYMTAB section */
	size_t		 nsyms;
	const char	*str;		/* symbol names, in the image */
	size_t		 strsz;
	uint64_t	*secoff;	/* offset in the block, or LEO_NOADDR */
	uintptr_t	*symval;	/* resolved symbol values */
	uint8_t		*external;	/* per symbol: left to lo_lookup */
	int		 range_error;	/* pass 1 found a value too wide */
	char		 range_msg[LINK_ELF_OBJ_ERRLEN];
	uint32_t	*gotslot;	/* per symbol: GOT index + 1, or 0 */
	size_t		 ngot;
	uint64_t	 gotoff;
	uint64_t	 segoff[LINK_ELF_NSEG];
	uint64_t	 segend[LINK_ELF_NSEG];
	size_t		 total;
};

static int __printflike(3, 4)
leo_err(struct leo_ctx *c, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->eo->eo_errmsg, sizeof(c->eo->eo_errmsg), fmt, ap);
	va_end(ap);
	return (error);
}

/* A section's name; only for sections already checked, or "?". */
static const char *
leo_secname(const struct leo_ctx *c, size_t i)
{
	if (c->shstr == NULL || i >= c->shnum ||
	    c->sh[i].sh_name >= c->shstrsz)
		return ("?");
	return (c->shstr + c->sh[i].sh_name);
}

static bool
leo_loaded(const struct leo_ctx *c, size_t i)
{
	return (i < c->shnum && (c->sh[i].sh_flags & SHF_ALLOC) != 0);
}

static void
leo_sym(const struct leo_ctx *c, size_t i, Elf64_Sym *s)
{
	memcpy(s, c->img + c->sh[c->symndx].sh_offset + i * sizeof(*s),
	    sizeof(*s));
}

static void
leo_rela(const struct leo_ctx *c, const Elf64_Shdr *rs, size_t j,
    Elf64_Rela *r)
{
	memcpy(r, c->img + rs->sh_offset + j * sizeof(*r), sizeof(*r));
}

/* A symbol's name for messages: section symbols are named by section. */
static const char *
leo_symname(const struct leo_ctx *c, size_t i)
{
	Elf64_Sym s;

	leo_sym(c, i, &s);
	if (ELF64_ST_TYPE(s.st_info) == STT_SECTION && s.st_shndx < c->shnum)
		return (leo_secname(c, s.st_shndx));
	return (c->str + s.st_name);
}

static int
leo_check_ehdr(struct leo_ctx *c)
{
	const Elf64_Ehdr *eh;

	if (c->imgsz < sizeof(Elf64_Ehdr))
		return (leo_err(c, ENOEXEC, "file of %zu bytes is too short "
		    "for an ELF header", c->imgsz));
	if (c->imgsz > LINK_ELF_OBJ_MAXFILE)
		return (leo_err(c, E2BIG, "file of %zu bytes is too large",
		    c->imgsz));
	memcpy(&c->eh, c->img, sizeof(c->eh));
	eh = &c->eh;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return (leo_err(c, ENOEXEC, "not an ELF file"));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return (leo_err(c, ENOEXEC, "ELF class %u, not 64-bit",
		    eh->e_ident[EI_CLASS]));
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return (leo_err(c, ENOEXEC, "ELF data encoding %u, not "
		    "little-endian", eh->e_ident[EI_DATA]));
	if (eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT)
		return (leo_err(c, ENOEXEC, "ELF version %u/%u, not %u",
		    eh->e_ident[EI_VERSION], eh->e_version, EV_CURRENT));
	if (eh->e_machine != EM_X86_64)
		return (leo_err(c, ENOEXEC, "machine %u, not x86-64",
		    eh->e_machine));
	if (eh->e_type != ET_REL)
		return (leo_err(c, ENOEXEC, "ELF type %u, not a relocatable "
		    "object", eh->e_type));
	if (eh->e_ehsize != sizeof(Elf64_Ehdr))
		return (leo_err(c, EFTYPE, "ELF header size %u, not %zu",
		    eh->e_ehsize, sizeof(Elf64_Ehdr)));
	if (eh->e_phnum != 0)
		return (leo_err(c, EFTYPE, "%u program headers in a "
		    "relocatable object", eh->e_phnum));
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return (leo_err(c, EFTYPE, "section header size %u, not %zu",
		    eh->e_shentsize, sizeof(Elf64_Shdr)));
	/* 0 would mean a count in section 0 (extended numbering). */
	if (eh->e_shnum == 0)
		return (leo_err(c, EFTYPE, "no section headers"));
	if (eh->e_shnum > LINK_ELF_OBJ_MAXSECT)
		return (leo_err(c, E2BIG, "%u sections, more than %d",
		    eh->e_shnum, LINK_ELF_OBJ_MAXSECT));
	if (eh->e_shoff < sizeof(Elf64_Ehdr))
		return (leo_err(c, EFTYPE, "section headers (offset %#lx) "
		    "overlap the ELF header", (u_long)eh->e_shoff));
	if (eh->e_shoff > c->imgsz ||
	    (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) >
	    c->imgsz - eh->e_shoff)
		return (leo_err(c, EFTYPE, "section headers (offset %#lx, "
		    "%u entries) beyond end of file", (u_long)eh->e_shoff,
		    eh->e_shnum));
	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum)
		return (leo_err(c, EFTYPE, "section name table index %u out "
		    "of range", eh->e_shstrndx));
	c->shnum = eh->e_shnum;
	return (0);
}

/* Contents of every section with bytes in the file, inside the file. */
static bool
leo_has_bytes(const Elf64_Shdr *sh)
{
	return (sh->sh_type != SHT_NULL && sh->sh_type != SHT_NOBITS &&
	    sh->sh_size != 0);
}

static int
leo_check_sections(struct leo_ctx *c)
{
	const Elf64_Shdr *sh, *ss;
	uint64_t flags;
	size_t i;
	int nsymtab;

	c->sh = LEO_ALLOC(c->shnum * sizeof(Elf64_Shdr));
	c->secoff = LEO_ALLOC(c->shnum * sizeof(uint64_t));
	if (c->sh == NULL || c->secoff == NULL)
		return (leo_err(c, ENOMEM, "no memory for %zu section headers",
		    c->shnum));
	memcpy(c->sh, c->img + c->eh.e_shoff, c->shnum * sizeof(Elf64_Shdr));

	for (i = 0; i < c->shnum; i++) {
		sh = &c->sh[i];
		c->secoff[i] = LEO_NOADDR;
		if (leo_has_bytes(sh) && (sh->sh_offset > c->imgsz ||
		    sh->sh_size > c->imgsz - sh->sh_offset))
			return (leo_err(c, EFTYPE, "section %zu: offset+size "
			    "beyond end of file", i));
	}
	if (c->sh[0].sh_type != SHT_NULL)
		return (leo_err(c, EFTYPE, "section 0 is not the null "
		    "section"));

	/* The section names, which the messages below use. */
	ss = &c->sh[c->eh.e_shstrndx];
	if (ss->sh_type != SHT_STRTAB || ss->sh_size == 0)
		return (leo_err(c, EFTYPE, "section %u: the section name table "
		    "is not a string table", c->eh.e_shstrndx));
	if (c->img[ss->sh_offset + ss->sh_size - 1] != '\0')
		return (leo_err(c, EFTYPE, "section %u: section names not "
		    "NUL-terminated", c->eh.e_shstrndx));
	for (i = 0; i < c->shnum; i++)
		if (c->sh[i].sh_name >= ss->sh_size)
			return (leo_err(c, EFTYPE, "section %zu: name offset "
			    "%u outside the name table", i, c->sh[i].sh_name));
	c->shstr = (const char *)c->img + ss->sh_offset;
	c->shstrsz = ss->sh_size;

	nsymtab = 0;
	for (i = 1; i < c->shnum; i++) {
		sh = &c->sh[i];
		flags = sh->sh_flags;
		if (sh->sh_link >= c->shnum)
			return (leo_err(c, EFTYPE, "section %zu (%s): sh_link "
			    "%u out of range", i, leo_secname(c, i),
			    sh->sh_link));
		if (!LEO_POW2(sh->sh_addralign))
			return (leo_err(c, EFTYPE, "section %zu (%s): "
			    "alignment %#lx not a power of two", i,
			    leo_secname(c, i), (u_long)sh->sh_addralign));
		switch (sh->sh_type) {
		case SHT_REL:
			return (leo_err(c, EOPNOTSUPP, "section %zu (%s): "
			    "SHT_REL relocations (x86-64 uses RELA)", i,
			    leo_secname(c, i)));
		case SHT_SYMTAB_SHNDX:
			return (leo_err(c, EOPNOTSUPP, "section %zu (%s): "
			    "extended section indices", i, leo_secname(c, i)));
		case SHT_SYMTAB:
			nsymtab++;
			c->symndx = i;
			break;
		}
		if ((flags & SHF_ALLOC) == 0)
			continue;
		switch (sh->sh_type) {
		case SHT_PROGBITS:
		case SHT_NOBITS:
		case SHT_NOTE:
		case SHT_INIT_ARRAY:
		case SHT_FINI_ARRAY:
		case SHT_PREINIT_ARRAY:
		case SHT_X86_64_UNWIND:
			break;
		default:
			return (leo_err(c, EOPNOTSUPP, "section %zu (%s): "
			    "cannot load section type %#x", i,
			    leo_secname(c, i), sh->sh_type));
		}
		if ((flags & (SHF_TLS | SHF_COMPRESSED)) != 0)
			return (leo_err(c, EOPNOTSUPP, "section %zu (%s): "
			    "thread-local or compressed", i,
			    leo_secname(c, i)));
		if ((flags & SHF_WRITE) != 0 && (flags & SHF_EXECINSTR) != 0)
			return (leo_err(c, EOPNOTSUPP, "section %zu (%s): "
			    "writable and executable", i, leo_secname(c, i)));
		if (sh->sh_addralign > LINK_ELF_OBJ_MAXALIGN)
			return (leo_err(c, EFTYPE, "section %zu (%s): "
			    "alignment %#lx larger than a page", i,
			    leo_secname(c, i), (u_long)sh->sh_addralign));
		if (sh->sh_size > LINK_ELF_OBJ_MAXSIZE)
			return (leo_err(c, E2BIG, "section %zu (%s): %lu bytes "
			    "is too large", i, leo_secname(c, i),
			    (u_long)sh->sh_size));
	}
	if (nsymtab != 1)
		return (leo_err(c, EFTYPE, "%d symbol tables, not one",
		    nsymtab));
	return (0);
}

/*
 * No two parts of the file claim the same bytes: the ELF header, the
 * section header table and each section's contents.  Quadratic, but
 * e_shnum is bounded.
 */
static int
leo_check_overlap(struct leo_ctx *c)
{
	const Elf64_Shdr *a, *b;
	uint64_t shend;
	size_t i, j;

	shend = c->eh.e_shoff + c->shnum * sizeof(Elf64_Shdr);
	for (i = 0; i < c->shnum; i++) {
		a = &c->sh[i];
		if (!leo_has_bytes(a))
			continue;
		if (a->sh_offset < sizeof(Elf64_Ehdr))
			return (leo_err(c, EFTYPE, "section %zu (%s) overlaps "
			    "the ELF header", i, leo_secname(c, i)));
		if (a->sh_offset < shend &&
		    c->eh.e_shoff < a->sh_offset + a->sh_size)
			return (leo_err(c, EFTYPE, "section %zu (%s) overlaps "
			    "the section headers", i, leo_secname(c, i)));
		for (j = i + 1; j < c->shnum; j++) {
			b = &c->sh[j];
			if (!leo_has_bytes(b))
				continue;
			if (a->sh_offset < b->sh_offset + b->sh_size &&
			    b->sh_offset < a->sh_offset + a->sh_size)
				return (leo_err(c, EFTYPE, "section %zu (%s) "
				    "overlaps section %zu (%s) in the file",
				    i, leo_secname(c, i), j,
				    leo_secname(c, j)));
		}
	}
	return (0);
}

/* A table of fixed-size entries: size, entry size and alignment. */
static int
leo_check_table(struct leo_ctx *c, size_t i, size_t entsize)
{
	const Elf64_Shdr *sh;

	sh = &c->sh[i];
	if (sh->sh_entsize != entsize)
		return (leo_err(c, EFTYPE, "section %zu (%s): entry size %lu, "
		    "not %zu", i, leo_secname(c, i), (u_long)sh->sh_entsize,
		    entsize));
	if (sh->sh_size % entsize != 0)
		return (leo_err(c, EFTYPE, "section %zu (%s): size %lu not a "
		    "multiple of %zu", i, leo_secname(c, i),
		    (u_long)sh->sh_size, entsize));
	if (sh->sh_offset % 8 != 0)
		return (leo_err(c, EFTYPE, "section %zu (%s): misaligned at "
		    "file offset %#lx", i, leo_secname(c, i),
		    (u_long)sh->sh_offset));
	return (0);
}

static int
leo_check_symtab(struct leo_ctx *c)
{
	const Elf64_Shdr *st, *ss, *in;
	Elf64_Sym s;
	size_t i;
	u_int bind, type;
	int error;

	st = &c->sh[c->symndx];
	if ((error = leo_check_table(c, c->symndx, sizeof(Elf64_Sym))) != 0)
		return (error);
	c->nsyms = st->sh_size / sizeof(Elf64_Sym);
	if (c->nsyms == 0)
		return (leo_err(c, EFTYPE, "empty symbol table"));
	if (st->sh_info > c->nsyms)
		return (leo_err(c, EFTYPE, "symbol table: first global %u "
		    "beyond its %zu symbols", st->sh_info, c->nsyms));
	ss = &c->sh[st->sh_link];
	if (ss->sh_type != SHT_STRTAB || ss->sh_size == 0 ||
	    st->sh_link == 0)
		return (leo_err(c, EFTYPE, "symbol table: sh_link %u is not a "
		    "string table", st->sh_link));
	if (c->img[ss->sh_offset + ss->sh_size - 1] != '\0')
		return (leo_err(c, EFTYPE, "section %u (%s): symbol names not "
		    "NUL-terminated", st->sh_link,
		    leo_secname(c, st->sh_link)));
	c->str = (const char *)c->img + ss->sh_offset;
	c->strsz = ss->sh_size;

	for (i = 0; i < c->nsyms; i++) {
		leo_sym(c, i, &s);
		if (s.st_name >= c->strsz)
			return (leo_err(c, EFTYPE, "symbol %zu: name offset %u "
			    "outside the string table", i, s.st_name));
		bind = ELF64_ST_BIND(s.st_info);
		type = ELF64_ST_TYPE(s.st_info);
		if (bind != STB_LOCAL && bind != STB_GLOBAL &&
		    bind != STB_WEAK)
			return (leo_err(c, EOPNOTSUPP, "symbol %zu (%s): "
			    "binding %u", i, c->str + s.st_name, bind));
		if (type == STT_TLS || type == STT_GNU_IFUNC ||
		    type == STT_COMMON)
			return (leo_err(c, EOPNOTSUPP, "symbol %zu (%s): "
			    "type %u", i, c->str + s.st_name, type));
		switch (s.st_shndx) {
		case SHN_UNDEF:
			if (i != 0 && bind == STB_LOCAL)
				return (leo_err(c, EFTYPE, "symbol %zu (%s): "
				    "local and undefined", i,
				    c->str + s.st_name));
			continue;
		case SHN_ABS:
			continue;
		case SHN_COMMON:
			return (leo_err(c, EOPNOTSUPP, "symbol %zu (%s): "
			    "common symbol (build with -fno-common)", i,
			    c->str + s.st_name));
		case SHN_XINDEX:
			return (leo_err(c, EOPNOTSUPP, "symbol %zu (%s): "
			    "extended section index", i, c->str + s.st_name));
		}
		if (s.st_shndx >= c->shnum)
			return (leo_err(c, EFTYPE, "symbol %zu (%s): section "
			    "index %u out of range", i, c->str + s.st_name,
			    s.st_shndx));
		in = &c->sh[s.st_shndx];
		if (leo_loaded(c, s.st_shndx) && s.st_value > in->sh_size)
			return (leo_err(c, EFTYPE, "symbol %zu (%s): value "
			    "%#lx beyond its section %u", i,
			    c->str + s.st_name, (u_long)s.st_value,
			    s.st_shndx));
	}
	return (0);
}

static bool
leo_is_got(u_int type)
{
	return (type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
	    type == R_X86_64_REX_GOTPCRELX);
}

/* Bytes a relocation patches, or -1 for a type we do not apply. */
static int
leo_reloc_width(u_int type)
{
	switch (type) {
	case R_X86_64_NONE:
		return (0);
	case R_X86_64_64:
	case R_X86_64_PC64:
		return (8);
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		return (4);
	default:
		return (-1);
	}
}

/*
 * Every relocation section, and every entry of those that patch loaded
 * sections; GOT slots are handed out here, before the layout.
 */
static int
leo_check_relocs(struct leo_ctx *c)
{
	const Elf64_Shdr *rs, *ts;
	Elf64_Rela r;
	Elf64_Sym s;
	size_t i, j, n, sym;
	u_int type;
	int error, width;

	c->gotslot = LEO_ALLOC(c->nsyms * sizeof(uint32_t));
	if (c->gotslot == NULL)
		return (leo_err(c, ENOMEM, "no memory for %zu symbols",
		    c->nsyms));
	for (i = 1; i < c->shnum; i++) {
		rs = &c->sh[i];
		if (rs->sh_type != SHT_RELA)
			continue;
		if ((error = leo_check_table(c, i, sizeof(Elf64_Rela))) != 0)
			return (error);
		if (rs->sh_link != c->symndx)
			return (leo_err(c, EFTYPE, "section %zu (%s): sh_link "
			    "%u is not the symbol table", i, leo_secname(c, i),
			    rs->sh_link));
		if (rs->sh_info == 0 || rs->sh_info >= c->shnum ||
		    rs->sh_info == i)
			return (leo_err(c, EFTYPE, "section %zu (%s): target "
			    "section %u out of range", i, leo_secname(c, i),
			    rs->sh_info));
		if (!leo_loaded(c, rs->sh_info))
			continue;	/* debugging information */
		ts = &c->sh[rs->sh_info];
		if (ts->sh_type == SHT_NOBITS)
			return (leo_err(c, EFTYPE, "section %zu (%s): "
			    "relocates section %u, which has no contents", i,
			    leo_secname(c, i), rs->sh_info));
		n = rs->sh_size / sizeof(Elf64_Rela);
		for (j = 0; j < n; j++) {
			leo_rela(c, rs, j, &r);
			sym = ELF64_R_SYM(r.r_info);
			type = ELF64_R_TYPE(r.r_info);
			if (sym >= c->nsyms)
				return (leo_err(c, EFTYPE, "section %zu (%s): "
				    "relocation %zu: symbol %zu out of range",
				    i, leo_secname(c, i), j, sym));
			width = leo_reloc_width(type);
			if (width < 0)
				return (leo_err(c, EOPNOTSUPP, "section %zu "
				    "(%s): relocation %zu: unknown type %u", i,
				    leo_secname(c, i), j, type));
			if (r.r_offset > ts->sh_size ||
			    (uint64_t)width > ts->sh_size - r.r_offset)
				return (leo_err(c, EFTYPE, "section %zu (%s): "
				    "relocation %zu: offset %#lx outside "
				    "section %u", i, leo_secname(c, i), j,
				    (u_long)r.r_offset, rs->sh_info));
			leo_sym(c, sym, &s);
			if (s.st_shndx != SHN_UNDEF &&
			    s.st_shndx < SHN_LORESERVE &&
			    !leo_loaded(c, s.st_shndx))
				return (leo_err(c, EFTYPE, "section %zu (%s): "
				    "relocation %zu: refers to \"%s\" in "
				    "section %u, which is not loaded", i,
				    leo_secname(c, i), j, leo_symname(c, sym),
				    s.st_shndx));
			if (leo_is_got(type) && c->gotslot[sym] == 0)
				c->gotslot[sym] = ++c->ngot;
		}
	}
	return (0);
}

static int
leo_segment(const Elf64_Shdr *sh)
{
	if ((sh->sh_flags & SHF_EXECINSTR) != 0)
		return (LINK_ELF_SEG_TEXT);
	if ((sh->sh_flags & SHF_WRITE) != 0)
		return (LINK_ELF_SEG_DATA);
	return (LINK_ELF_SEG_RODATA);
}

/* Place one section at the end of the part being laid out. */
static int
leo_place(struct leo_ctx *c, size_t i, uint64_t *offp)
{
	const Elf64_Shdr *sh;
	uint64_t off;

	sh = &c->sh[i];
	off = LEO_ROUND(*offp, sh->sh_addralign == 0 ? 1 : sh->sh_addralign);
	c->secoff[i] = off;
	off += sh->sh_size;
	if (off > LINK_ELF_OBJ_MAXSIZE)
		return (leo_err(c, E2BIG, "loaded sections too large (over "
		    "%lu bytes) at section %zu (%s)",
		    (u_long)LINK_ELF_OBJ_MAXSIZE, i, leo_secname(c, i)));
	*offp = off;
	return (0);
}

static int
leo_layout(struct leo_ctx *c)
{
	uint64_t off;
	size_t i;
	int error, seg, nobits;

	off = 0;
	for (seg = 0; seg < LINK_ELF_NSEG; seg++) {
		c->segoff[seg] = off;
		/* Contents first, then bss: NOBITS only occurs in data. */
		for (nobits = 0; nobits < 2; nobits++) {
			for (i = 1; i < c->shnum; i++) {
				if (!leo_loaded(c, i) ||
				    leo_segment(&c->sh[i]) != seg ||
				    (c->sh[i].sh_type == SHT_NOBITS) !=
				    (nobits != 0))
					continue;
				if ((error = leo_place(c, i, &off)) != 0)
					return (error);
			}
		}
		if (seg == LINK_ELF_SEG_RODATA && c->ngot != 0) {
			off = LEO_ROUND(off, 8);
			c->gotoff = off;
			off += c->ngot * sizeof(uint64_t);
			if (off > LINK_ELF_OBJ_MAXSIZE)
				return (leo_err(c, E2BIG, "GOT of %zu entries "
				    "exceeds the size limit", c->ngot));
		}
		c->segend[seg] = off;
		off = LEO_ROUND(off, LINK_ELF_OBJ_PAGE);
	}
	if (off == 0)
		return (leo_err(c, EFTYPE, "no loadable sections"));
	if (off > LINK_ELF_OBJ_MAXSIZE)
		return (leo_err(c, E2BIG, "module of %lu bytes is too large",
		    (u_long)off));
	c->total = off;
	return (0);
}

/* __start_set_foo and __stop_set_foo: the module's own set "foo". */
static bool
leo_set_bound(const struct leo_ctx *c, const char *name, uintptr_t *valp)
{
	const char *sec;
	size_t i;
	bool stop;

	if (strncmp(name, "__start_set_", 12) == 0) {
		stop = false;
		name += 8;
	} else if (strncmp(name, "__stop_set_", 11) == 0) {
		stop = true;
		name += 7;
	} else
		return (false);
	for (i = 1; i < c->shnum; i++) {
		sec = leo_secname(c, i);
		if (!leo_loaded(c, i) || strcmp(sec, name) != 0)
			continue;
		*valp = c->eo->eo_addr + c->secoff[i] +
		    (stop ? c->sh[i].sh_size : 0);
		return (true);
	}
	return (false);
}

/*
 * Symbol values.  Pass 1 knows the module's own symbols (and its linker
 * sets' bounds) and marks the rest external; pass 2 asks lo_lookup for
 * those.
 */
static int
leo_resolve(struct leo_ctx *c, int pass)
{
	const struct link_elf_obj_ops *ops;
	Elf64_Sym s;
	const char *name;
	uintptr_t v;
	size_t i;

	ops = c->eo->eo_ops;
	if (pass == 1) {
		c->symval = LEO_ALLOC(c->nsyms * sizeof(uintptr_t));
		c->external = LEO_ALLOC(c->nsyms);
		if (c->symval == NULL || c->external == NULL)
			return (leo_err(c, ENOMEM, "no memory for %zu symbols",
			    c->nsyms));
	}
	for (i = 1; i < c->nsyms; i++) {
		if (pass == 2 && !c->external[i])
			continue;
		leo_sym(c, i, &s);
		name = c->str + s.st_name;
		switch (s.st_shndx) {
		case SHN_UNDEF:
			if (pass == 1) {
				if (leo_set_bound(c, name, &v))
					break;
				c->external[i] = 1;
				v = 0;
				break;
			}
			if (ops->lo_lookup != NULL && name[0] != '\0' &&
			    ops->lo_lookup(c->eo->eo_arg, name, &v) == 0)
				break;
			if (ELF64_ST_BIND(s.st_info) != STB_WEAK)
				return (leo_err(c, ENOENT, "undefined symbol "
				    "\"%s\"", name));
			v = 0;
			break;
		case SHN_ABS:
			v = s.st_value;
			break;
		default:
			/* Checked: in range; if not loaded, never used. */
			if (!leo_loaded(c, s.st_shndx)) {
				v = 0;
				break;
			}
			v = c->eo->eo_addr + c->secoff[s.st_shndx] + s.st_value;
			break;
		}
		c->symval[i] = v;
	}
	return (0);
}

static bool
leo_fits_s32(uint64_t v)
{
	/* -2^31 <= v < 2^31, in two's complement. */
	return (v + 0x80000000UL <= 0xffffffffUL);
}

/*
 * Apply the relocations against symbols resolved in the same pass of
 * leo_resolve(): the module's own in pass 1, external ones in pass 2.
 */
static int
leo_relocate(struct leo_ctx *c, int pass)
{
	struct link_elf_obj *eo;
	const Elf64_Shdr *rs;
	Elf64_Rela r;
	uint64_t S, A, P, G, v, boff;
	uint32_t v32;
	size_t i, j, n, sym;
	u_int type;
	bool fits;

	eo = c->eo;
	for (i = 1; i < c->shnum; i++) {
		rs = &c->sh[i];
		if (rs->sh_type != SHT_RELA || !leo_loaded(c, rs->sh_info))
			continue;
		n = rs->sh_size / sizeof(Elf64_Rela);
		for (j = 0; j < n; j++) {
			leo_rela(c, rs, j, &r);
			sym = ELF64_R_SYM(r.r_info);
			type = ELF64_R_TYPE(r.r_info);
			if ((c->external[sym] != 0) != (pass == 2))
				continue;
			S = c->symval[sym];
			A = (uint64_t)r.r_addend;
			boff = c->secoff[rs->sh_info] + r.r_offset;
			P = eo->eo_addr + boff;
			fits = true;
			switch (type) {
			case R_X86_64_NONE:
				continue;
			case R_X86_64_64:
				v = S + A;
				memcpy(eo->eo_base + boff, &v, 8);
				continue;
			case R_X86_64_PC64:
				v = S + A - P;
				memcpy(eo->eo_base + boff, &v, 8);
				continue;
			case R_X86_64_PC32:
			case R_X86_64_PLT32:
				v = S + A - P;
				fits = leo_fits_s32(v);
				break;
			case R_X86_64_GOTPCREL:
			case R_X86_64_GOTPCRELX:
			case R_X86_64_REX_GOTPCRELX:
				G = c->gotoff +
				    (c->gotslot[sym] - 1) * sizeof(uint64_t);
				memcpy(eo->eo_base + G, &S, 8);
				v = eo->eo_addr + G + A - P;
				fits = leo_fits_s32(v);
				break;
			case R_X86_64_32:
				v = S + A;
				fits = v <= 0xffffffffUL;
				break;
			case R_X86_64_32S:
				v = S + A;
				fits = leo_fits_s32(v);
				break;
			default:
				/* leo_check_relocs() let only the above by. */
				return (leo_err(c, EOPNOTSUPP, "relocation "
				    "type %u", type));
			}
			if (!fits && pass == 1) {
				/*
				 * Reported by link_elf_obj_finish(), after
				 * undefined symbols, as a one-step load
				 * always has.
				 */
				if (c->range_error == 0)
					snprintf(c->range_msg,
					    sizeof(c->range_msg), "section %zu "
					    "(%s): relocation %zu (type %u) "
					    "against \"%s\": %#lx does not fit "
					    "in 32 bits", i, leo_secname(c, i),
					    j, type, leo_symname(c, sym),
					    (u_long)v);
				c->range_error = ERANGE;
				continue;
			}
			if (!fits)
				return (leo_err(c, ERANGE, "section %zu (%s): "
				    "relocation %zu (type %u) against \"%s\": "
				    "%#lx does not fit in 32 bits", i,
				    leo_secname(c, i), j, type,
				    leo_symname(c, sym), (u_long)v));
			v32 = (uint32_t)v;
			memcpy(eo->eo_base + boff, &v32, 4);
		}
	}
	return (0);
}

static bool
leo_keep_sym(const struct leo_ctx *c, const Elf64_Sym *s)
{
	u_int type;

	type = ELF64_ST_TYPE(s->st_info);
	if (type != STT_NOTYPE && type != STT_OBJECT && type != STT_FUNC)
		return (false);
	if (c->str[s->st_name] == '\0' || s->st_shndx == SHN_UNDEF)
		return (false);
	return (s->st_shndx == SHN_ABS || leo_loaded(c, s->st_shndx));
}

static bool
leo_is_set(const struct leo_ctx *c, size_t i)
{
	return (leo_loaded(c, i) &&
	    strncmp(leo_secname(c, i), "set_", 4) == 0 &&
	    leo_secname(c, i)[4] != '\0');
}

/*
 * What outlives the file image: loaded sections, linker sets and defined
 * symbols, and the two name tables they point into, in one allocation.
 */
static int
leo_keep(struct leo_ctx *c)
{
	struct link_elf_obj *eo;
	struct link_elf_sect *lsc;
	struct link_elf_set *lst;
	struct link_elf_sym *lsy;
	Elf64_Sym s;
	char *shstr, *str;
	size_t i, k, nsects, nsets, nkeep, size;

	eo = c->eo;
	nsects = nsets = nkeep = 0;
	for (i = 1; i < c->shnum; i++) {
		if (leo_loaded(c, i))
			nsects++;
		if (leo_is_set(c, i))
			nsets++;
	}
	for (i = 1; i < c->nsyms; i++) {
		leo_sym(c, i, &s);
		if (leo_keep_sym(c, &s))
			nkeep++;
	}
	size = nsects * sizeof(*lsc) + nsets * sizeof(*lst) +
	    nkeep * sizeof(*lsy) + c->shstrsz + c->strsz;
	if ((eo->eo_meta = LEO_ALLOC(size)) == NULL)
		return (leo_err(c, ENOMEM, "no memory for the symbol table"));
	lsc = eo->eo_meta;
	lst = (struct link_elf_set *)(lsc + nsects);
	lsy = (struct link_elf_sym *)(lst + nsets);
	shstr = (char *)(lsy + nkeep);
	str = shstr + c->shstrsz;
	memcpy(shstr, c->shstr, c->shstrsz);
	memcpy(str, c->str, c->strsz);
	eo->eo_sects = lsc;
	eo->eo_sets = lst;
	eo->eo_syms = lsy;

	for (i = 1; i < c->shnum; i++) {
		if (!leo_loaded(c, i))
			continue;
		lsc->lsc_name = shstr + c->sh[i].sh_name;
		lsc->lsc_addr = eo->eo_addr + c->secoff[i];
		lsc->lsc_size = c->sh[i].sh_size;
		lsc++;
		if (!leo_is_set(c, i))
			continue;
		lst->lst_name = shstr + c->sh[i].sh_name + 4;
		for (k = 0; k < eo->eo_nsets; k++)
			if (strcmp(eo->eo_sets[k].lst_name,
			    lst->lst_name) == 0)
				return (leo_err(c, EFTYPE, "section %zu (%s): "
				    "a second section for the same linker set",
				    i, leo_secname(c, i)));
		lst->lst_start = eo->eo_addr + c->secoff[i];
		lst->lst_stop = lst->lst_start + c->sh[i].sh_size;
		lst++;
		eo->eo_nsets++;
	}
	eo->eo_nsects = nsects;
	for (i = 1; i < c->nsyms; i++) {
		leo_sym(c, i, &s);
		if (!leo_keep_sym(c, &s))
			continue;
		lsy->lsy_name = str + s.st_name;
		lsy->lsy_value = c->symval[i];
		lsy->lsy_size = s.st_size;
		lsy->lsy_info = s.st_info;
		lsy++;
	}
	eo->eo_nsyms = nkeep;
	return (0);
}

static int
leo_protect(struct leo_ctx *c)
{
	static const int prot[LINK_ELF_NSEG] = {
		[LINK_ELF_SEG_TEXT] = LINK_ELF_PROT_READ | LINK_ELF_PROT_EXEC,
		[LINK_ELF_SEG_RODATA] = LINK_ELF_PROT_READ,
		[LINK_ELF_SEG_DATA] = LINK_ELF_PROT_READ | LINK_ELF_PROT_WRITE,
	};
	struct link_elf_obj *eo;
	struct link_elf_seg *ls;
	int error, seg;

	eo = c->eo;
	for (seg = 0; seg < LINK_ELF_NSEG; seg++) {
		ls = &eo->eo_seg[seg];
		ls->ls_addr = eo->eo_addr + c->segoff[seg];
		ls->ls_size = LEO_ROUND(c->segend[seg], LINK_ELF_OBJ_PAGE) -
		    c->segoff[seg];
		ls->ls_prot = prot[seg];
		if (ls->ls_size == 0 || eo->eo_ops->lo_protect == NULL)
			continue;
		error = eo->eo_ops->lo_protect(eo->eo_arg,
		    eo->eo_base + c->segoff[seg], ls->ls_addr, ls->ls_size,
		    ls->ls_prot);
		if (error != 0)
			return (leo_err(c, error, "cannot protect %zu bytes at "
			    "%#lx", ls->ls_size, (u_long)ls->ls_addr));
	}
	return (0);
}

/* Free the load context; the module itself is the caller's business. */
static void
leo_ctx_free(struct leo_ctx *c)
{
	LEO_FREE(c->sh);
	LEO_FREE(c->secoff);
	LEO_FREE(c->gotslot);
	LEO_FREE(c->symval);
	LEO_FREE(c->external);
	LEO_FREE(c);
}

/* A failed load: give back everything, keep only the message. */
static int
leo_fail(struct leo_ctx *c, int error)
{
	struct link_elf_obj *eo;
	char msg[LINK_ELF_OBJ_ERRLEN];

	eo = c->eo;
	if (eo->eo_base != NULL)
		eo->eo_ops->lo_free(eo->eo_arg, eo->eo_base, eo->eo_addr,
		    eo->eo_size);
	LEO_FREE(eo->eo_meta);
	memcpy(msg, eo->eo_errmsg, sizeof(msg));
	memset(eo, 0, sizeof(*eo));
	memcpy(eo->eo_errmsg, msg, sizeof(msg));
	leo_ctx_free(c);
	return (error);
}

/*
 * Load the module whose .ko file is the 'size' bytes at 'image', in two
 * steps, so that the caller can read the module's metadata before the
 * module is linked against anything else (the kernel linker loads the
 * dependencies it names first).
 *
 * link_elf_obj_begin() checks the file, takes memory from ops->lo_alloc,
 * copies the sections in and applies the relocations against the
 * module's own symbols: afterwards its linker sets, sections and symbols
 * can be looked up and the words it initialised with their addresses
 * (metadata records, say) read.  The image must stay in place until
 * link_elf_obj_finish() resolves the symbols the module leaves undefined
 * through ops->lo_lookup, applies the relocations against them and
 * protects the memory; then the module is ready to run, until
 * link_elf_obj_unload().  link_elf_obj_unload() after begin alone abandons
 * the load.  On failure of either step nothing is left allocated,
 * eo_errmsg says why and the errno is returned.
 */
int
link_elf_obj_begin(struct link_elf_obj *eo, const void *image, size_t size,
    const struct link_elf_obj_ops *ops, void *arg)
{
	struct leo_ctx *c;
	size_t i;
	void *base;
	uintptr_t addr;
	int error;

	memset(eo, 0, sizeof(*eo));
	eo->eo_ops = ops;
	eo->eo_arg = arg;
	if ((c = LEO_ALLOC(sizeof(*c))) == NULL) {
		snprintf(eo->eo_errmsg, sizeof(eo->eo_errmsg),
		    "no memory to start loading");
		return (ENOMEM);
	}
	c->eo = eo;
	c->img = image;
	c->imgsz = size;

	if ((error = leo_check_ehdr(c)) != 0 ||
	    (error = leo_check_sections(c)) != 0 ||
	    (error = leo_check_overlap(c)) != 0 ||
	    (error = leo_check_symtab(c)) != 0 ||
	    (error = leo_check_relocs(c)) != 0 ||
	    (error = leo_layout(c)) != 0)
		return (leo_fail(c, error));

	base = NULL;
	addr = 0;
	if ((error = ops->lo_alloc(arg, c->total, &base, &addr)) != 0) {
		leo_err(c, error, "cannot allocate %zu bytes", c->total);
		return (leo_fail(c, error));
	}
	eo->eo_base = base;
	eo->eo_addr = addr;
	eo->eo_size = c->total;
	if (addr % LINK_ELF_OBJ_PAGE != 0 || addr + c->total < addr) {
		error = leo_err(c, EINVAL, "allocator gave a bad address %#lx",
		    (u_long)addr);
		return (leo_fail(c, error));
	}
	memset(eo->eo_base, 0, c->total);
	for (i = 1; i < c->shnum; i++)
		if (leo_loaded(c, i) && leo_has_bytes(&c->sh[i]))
			memcpy(eo->eo_base + c->secoff[i],
			    c->img + c->sh[i].sh_offset, c->sh[i].sh_size);
	if (c->ngot != 0) {
		eo->eo_got = eo->eo_addr + c->gotoff;
		eo->eo_ngot = c->ngot;
	}

	if ((error = leo_resolve(c, 1)) != 0 ||
	    (error = leo_relocate(c, 1)) != 0 ||
	    (error = leo_keep(c)) != 0)
		return (leo_fail(c, error));
	eo->eo_ctx = c;
	eo->eo_errmsg[0] = '\0';
	return (0);
}

int
link_elf_obj_finish(struct link_elf_obj *eo)
{
	struct leo_ctx *c;
	int error;

	if ((c = eo->eo_ctx) == NULL) {
		snprintf(eo->eo_errmsg, sizeof(eo->eo_errmsg),
		    "no load in progress");
		return (EINVAL);
	}
	if ((error = leo_resolve(c, 2)) != 0)
		return (leo_fail(c, error));
	if (c->range_error != 0) {
		memcpy(eo->eo_errmsg, c->range_msg, sizeof(eo->eo_errmsg));
		return (leo_fail(c, c->range_error));
	}
	if ((error = leo_relocate(c, 2)) != 0 ||
	    (error = leo_protect(c)) != 0)
		return (leo_fail(c, error));
	eo->eo_ctx = NULL;
	leo_ctx_free(c);
	eo->eo_errmsg[0] = '\0';
	return (0);
}

/* Both steps at once, for a module that needs nothing loaded first. */
int
link_elf_obj_load(struct link_elf_obj *eo, const void *image, size_t size,
    const struct link_elf_obj_ops *ops, void *arg)
{
	int error;

	if ((error = link_elf_obj_begin(eo, image, size, ops, arg)) != 0)
		return (error);
	return (link_elf_obj_finish(eo));
}

/*
 * Give back everything a successful link_elf_obj_load() took, or abandon
 * a load that link_elf_obj_begin() started.
 */
void
link_elf_obj_unload(struct link_elf_obj *eo)
{
	if (eo->eo_base != NULL)
		eo->eo_ops->lo_free(eo->eo_arg, eo->eo_base, eo->eo_addr,
		    eo->eo_size);
	LEO_FREE(eo->eo_meta);
	if (eo->eo_ctx != NULL)
		leo_ctx_free(eo->eo_ctx);
	memset(eo, 0, sizeof(*eo));
}

/* A global or weak symbol the module defines: 0 or ENOENT. */
int
link_elf_obj_lookup(const struct link_elf_obj *eo, const char *name,
    uintptr_t *valp)
{
	const struct link_elf_sym *lsy;
	size_t i;

	for (i = 0; i < eo->eo_nsyms; i++) {
		lsy = &eo->eo_syms[i];
		if (ELF64_ST_BIND(lsy->lsy_info) == STB_LOCAL ||
		    strcmp(lsy->lsy_name, name) != 0)
			continue;
		*valp = lsy->lsy_value;
		return (0);
	}
	return (ENOENT);
}

/* The function or object at or nearest below 'addr', for backtraces. */
int
link_elf_obj_lookup_addr(const struct link_elf_obj *eo, uintptr_t addr,
    const char **namep, uintptr_t *offp)
{
	const struct link_elf_sym *lsy, *best;
	size_t i;
	u_int type;

	if (addr < eo->eo_addr || addr - eo->eo_addr >= eo->eo_size)
		return (ENOENT);
	best = NULL;
	for (i = 0; i < eo->eo_nsyms; i++) {
		lsy = &eo->eo_syms[i];
		type = ELF64_ST_TYPE(lsy->lsy_info);
		/* (An SHN_ABS symbol may have any value, even below.) */
		if ((type != STT_FUNC && type != STT_OBJECT) ||
		    lsy->lsy_value > addr || lsy->lsy_value < eo->eo_addr)
			continue;
		if (best == NULL || lsy->lsy_value > best->lsy_value)
			best = lsy;
	}
	if (best == NULL)
		return (ENOENT);
	*namep = best->lsy_name;
	*offp = addr - best->lsy_value;
	return (0);
}

/* The bounds of linker set 'name' ("sysinit_set"): 0 or ENOENT. */
int
link_elf_obj_lookup_set(const struct link_elf_obj *eo, const char *name,
    uintptr_t *startp, uintptr_t *stopp)
{
	size_t i;

	for (i = 0; i < eo->eo_nsets; i++) {
		if (strcmp(eo->eo_sets[i].lst_name, name) != 0)
			continue;
		*startp = eo->eo_sets[i].lst_start;
		*stopp = eo->eo_sets[i].lst_stop;
		return (0);
	}
	return (ENOENT);
}

/* Where loaded section 'name' (".text") is: 0 or ENOENT. */
int
link_elf_obj_section(const struct link_elf_obj *eo, const char *name,
    uintptr_t *addrp, size_t *sizep)
{
	size_t i;

	for (i = 0; i < eo->eo_nsects; i++) {
		if (strcmp(eo->eo_sects[i].lsc_name, name) != 0)
			continue;
		*addrp = eo->eo_sects[i].lsc_addr;
		*sizep = eo->eo_sects[i].lsc_size;
		return (0);
	}
	return (ENOENT);
}
