/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Host tests of the kernel linker's object loader (sys/kern/link_elf_obj.c)
 * on the real sys/modules/ktest_example module, as built into the object
 * tree.
 *
 * The module is relocated for a run address in the top 2 GiB (as the
 * kernel must place it, -mcmodel=kernel) while its bytes go to a malloc'd
 * buffer, and a fake kernel symbol table puts printf and hz at kernel-like
 * addresses.  The checks read the relocated bytes as the CPU would: a
 * pointer in data holds the address of its target, a call's rel32 lands on
 * printf, a RIP-relative load's displacement reaches hz, a GOT slot holds
 * its symbol.  Then a corpus of damaged copies of the file, each made by
 * one precise edit, must be refused with the expected errno and message,
 * leaving no memory behind (the allocator counts; ASan/LSan watch).
 */

#include <sys/types.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include <sys/elf64.h>
#include <sys/linker.h>

#ifndef EFTYPE
#define	EFTYPE	79		/* as in link_elf_obj.c on the host */
#endif
#ifndef nitems
#define	nitems(x)	(sizeof(x) / sizeof((x)[0]))
#endif

/* Where the module "runs", and where the fake kernel has its symbols. */
#define	LOAD_ADDR	0xffffffffc0200000UL
#define	FAKE_PRINTF	0xffffffff80123450UL
#define	FAKE_HZ		0xffffffff80a04008UL
#define	FAKE_START	0xffffffff80b00000UL	/* the kernel's own set */

#define	SI_SUB_KTEST	0xe000000

/* The allocator and symbol table the loader is given. */
struct fake {
	uintptr_t	 loadaddr;
	int		 nalloc;
	int		 nfree;
	int		 alloc_error;
	int		 protect_error;
	int		 nprotect;
	uintptr_t	 prot_addr[8];
	size_t		 prot_size[8];
	int		 prot[8];
	bool		 no_printf;
	bool		 no_sets;	/* the kernel has no linker sets */
};

static int
fake_alloc(void *arg, size_t size, void **basep, uintptr_t *addrp)
{
	struct fake *f = arg;
	void *p;

	if (f->alloc_error != 0)
		return (f->alloc_error);
	if (posix_memalign(&p, LINK_ELF_OBJ_PAGE, size) != 0)
		return (ENOMEM);
	memset(p, 0xa5, size);		/* the loader must clear it */
	f->nalloc++;
	*basep = p;
	*addrp = f->loadaddr;
	return (0);
}

static void
fake_free(void *arg, void *base, uintptr_t addr, size_t size)
{
	struct fake *f = arg;

	ATF_CHECK_EQ(addr, f->loadaddr);
	f->nfree++;
	free(base);
}

static int
fake_protect(void *arg, void *base, uintptr_t addr, size_t size, int prot)
{
	struct fake *f = arg;

	if (f->protect_error != 0)
		return (f->protect_error);
	ATF_REQUIRE(f->nprotect < 8);
	f->prot_addr[f->nprotect] = addr;
	f->prot_size[f->nprotect] = size;
	f->prot[f->nprotect] = prot;
	f->nprotect++;
	return (0);
}

static int
fake_lookup(void *arg, const char *name, uintptr_t *valp)
{
	struct fake *f = arg;

	if (strcmp(name, "printf") == 0 && !f->no_printf)
		*valp = FAKE_PRINTF;
	else if (strcmp(name, "hz") == 0)
		*valp = FAKE_HZ;
	else if (!f->no_sets &&
	    (strcmp(name, "__start_set_sysinit_set") == 0 ||
	    strcmp(name, "__stop_set_sysinit_set") == 0))
		*valp = FAKE_START;	/* must not be used for the module */
	else
		return (ENOENT);
	return (0);
}

static const struct link_elf_obj_ops fake_ops = {
	.lo_alloc = fake_alloc,
	.lo_free = fake_free,
	.lo_protect = fake_protect,
	.lo_lookup = fake_lookup,
};

static void
fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->loadaddr = LOAD_ADDR;
}

/* The module file, read once per test case. */
static unsigned char *
read_module(const atf_tc_t *tc, size_t *sizep)
{
	const char *objtop;
	char path[1024];
	unsigned char *buf;
	FILE *fp;
	long n;

	objtop = atf_tc_get_config_var_wd(tc, "objtop", "");
	if (objtop[0] != '\0')
		snprintf(path, sizeof(path), "%s/boot/kernel/ktest_example.ko",
		    objtop);
	else
		snprintf(path, sizeof(path), "%s", KMOD_PATH);
	fp = fopen(path, "rb");
	if (fp == NULL)
		atf_tc_fail("cannot open %s (build sys/modules first)", path);
	ATF_REQUIRE(fseek(fp, 0, SEEK_END) == 0);
	n = ftell(fp);
	ATF_REQUIRE(n > 0);
	rewind(fp);
	buf = malloc(n);
	ATF_REQUIRE(buf != NULL);
	ATF_REQUIRE(fread(buf, 1, n, fp) == (size_t)n);
	fclose(fp);
	*sizep = n;
	return (buf);
}

/*
 * A little ELF reading of our own, for finding what to check or damage;
 * the file is known to be good, so it only asserts.
 */
static Elf64_Ehdr *
ehdr(unsigned char *img)
{
	return ((Elf64_Ehdr *)img);
}

static Elf64_Shdr *
shdr(unsigned char *img, size_t i)
{
	return ((Elf64_Shdr *)(img + ehdr(img)->e_shoff) + i);
}

static size_t
find_section(unsigned char *img, const char *name)
{
	const char *names;
	size_t i;

	names = (const char *)img + shdr(img, ehdr(img)->e_shstrndx)->sh_offset;
	for (i = 0; i < ehdr(img)->e_shnum; i++)
		if (strcmp(names + shdr(img, i)->sh_name, name) == 0)
			return (i);
	atf_tc_fail("no section %s", name);
	return (0);
}

static size_t
find_type(unsigned char *img, uint32_t type)
{
	size_t i;

	for (i = 0; i < ehdr(img)->e_shnum; i++)
		if (shdr(img, i)->sh_type == type)
			return (i);
	atf_tc_fail("no section of type %u", type);
	return (0);
}

static Elf64_Sym *
find_symbol(unsigned char *img, const char *name)
{
	Elf64_Shdr *st;
	Elf64_Sym *s;
	const char *names;
	size_t i, n;

	st = shdr(img, find_type(img, SHT_SYMTAB));
	names = (const char *)img + shdr(img, st->sh_link)->sh_offset;
	s = (Elf64_Sym *)(img + st->sh_offset);
	n = st->sh_size / sizeof(*s);
	for (i = 0; i < n; i++)
		if (strcmp(names + s[i].st_name, name) == 0)
			return (&s[i]);
	atf_tc_fail("no symbol %s", name);
	return (NULL);
}

static Elf64_Shdr *
sec(unsigned char *img, const char *name)
{
	return (shdr(img, find_section(img, name)));
}

/* The first relocation in 'rela' (a section name) of the given type. */
static Elf64_Rela *
find_rela(unsigned char *img, const char *rela, uint32_t type)
{
	Elf64_Shdr *rs;
	Elf64_Rela *r;
	size_t i, n;

	rs = shdr(img, find_section(img, rela));
	r = (Elf64_Rela *)(img + rs->sh_offset);
	n = rs->sh_size / sizeof(*r);
	for (i = 0; i < n; i++)
		if (ELF64_R_TYPE(r[i].r_info) == type)
			return (&r[i]);
	atf_tc_fail("no relocation of type %u in %s", type, rela);
	return (NULL);
}

/* Host view of a run address of the loaded module. */
static void *
host(const struct link_elf_obj *eo, uintptr_t addr)
{
	ATF_REQUIRE_MSG(addr >= eo->eo_addr &&
	    addr - eo->eo_addr < eo->eo_size, "%#lx outside the module",
	    (u_long)addr);
	return (eo->eo_base + (addr - eo->eo_addr));
}

static uint64_t
rd64(const struct link_elf_obj *eo, uintptr_t addr)
{
	uint64_t v;

	memcpy(&v, host(eo, addr), 8);
	return (v);
}

static int32_t
rd32(const struct link_elf_obj *eo, uintptr_t addr)
{
	int32_t v;

	memcpy(&v, host(eo, addr), 4);
	return (v);
}

/* Any symbol of the loaded module, locals included. */
static uintptr_t
sym(const struct link_elf_obj *eo, const char *name)
{
	size_t i;

	for (i = 0; i < eo->eo_nsyms; i++)
		if (strcmp(eo->eo_syms[i].lsy_name, name) == 0)
			return (eo->eo_syms[i].lsy_value);
	atf_tc_fail("module has no symbol %s", name);
	return (0);
}

static size_t
symsize(const struct link_elf_obj *eo, const char *name)
{
	size_t i;

	for (i = 0; i < eo->eo_nsyms; i++)
		if (strcmp(eo->eo_syms[i].lsy_name, name) == 0)
			return (eo->eo_syms[i].lsy_size);
	return (0);
}

/*
 * Whether some rel32 inside function 'fn', following 'opcode' (any bytes
 * if len is 0), reaches 'target' from the end of its instruction: the
 * CPU's view of a PC32/PLT32/GOTPCREL field.  An immediate of 0, 1, 2 or
 * 4 bytes may follow the displacement.
 */
static bool
reaches(const struct link_elf_obj *eo, const char *fn, const uint8_t *opcode,
    size_t len, uintptr_t target)
{
	static const int imm[] = { 0, 1, 2, 4 };
	uintptr_t a;
	size_t k, n, t;
	const uint8_t *code;

	a = sym(eo, fn);
	n = symsize(eo, fn);
	code = host(eo, a);

	for (k = len; k + 4 <= n; k++) {
		if (len != 0 && memcmp(code + k - len, opcode, len) != 0)
			continue;
		for (t = 0; t < nitems(imm); t++)
			if (a + k + 4 + imm[t] + (int64_t)rd32(eo, a + k) ==
			    target)
				return (true);
	}
	return (false);
}

/* Whether some sign-extended imm32 inside 'fn' equals 'value' (32S). */
static bool
has_imm32s(const struct link_elf_obj *eo, const char *fn, uintptr_t value)
{
	uintptr_t a;
	size_t k, n;

	a = sym(eo, fn);
	n = symsize(eo, fn);
	for (k = 0; k + 4 <= n; k++)
		if ((uintptr_t)(int64_t)rd32(eo, a + k) == value)
			return (true);
	return (false);
}

static int
load(struct link_elf_obj *eo, const void *img, size_t size, struct fake *f)
{
	int error;

	error = link_elf_obj_load(eo, img, size, &fake_ops, f);
	if (error == 0) {
		ATF_CHECK_EQ(f->nalloc, 1);
		ATF_CHECK_STREQ(eo->eo_errmsg, "");
	}
	return (error);
}

ATF_TC_WITHOUT_HEAD(layout);
ATF_TC_BODY(layout, tc)
{
	struct link_elf_obj eo;
	struct fake f;
	unsigned char *img;
	uintptr_t a;
	size_t size, sz;
	int i;

	img = read_module(tc, &size);
	fake_init(&f);
	ATF_REQUIRE_MSG(load(&eo, img, size, &f) == 0, "%s", eo.eo_errmsg);
	ATF_CHECK_EQ(eo.eo_addr, LOAD_ADDR);
	ATF_CHECK_EQ(eo.eo_size % LINK_ELF_OBJ_PAGE, 0);

	/* Three parts, in order, on separate pages, each protected. */
	ATF_CHECK_EQ(eo.eo_seg[LINK_ELF_SEG_TEXT].ls_addr, LOAD_ADDR);
	ATF_CHECK_EQ(eo.eo_seg[LINK_ELF_SEG_TEXT].ls_prot,
	    LINK_ELF_PROT_READ | LINK_ELF_PROT_EXEC);
	ATF_CHECK_EQ(eo.eo_seg[LINK_ELF_SEG_RODATA].ls_prot,
	    LINK_ELF_PROT_READ);
	ATF_CHECK_EQ(eo.eo_seg[LINK_ELF_SEG_DATA].ls_prot,
	    LINK_ELF_PROT_READ | LINK_ELF_PROT_WRITE);
	ATF_CHECK_EQ(f.nprotect, 3);
	for (i = 0; i < LINK_ELF_NSEG; i++) {
		ATF_CHECK(eo.eo_seg[i].ls_size > 0);
		ATF_CHECK_EQ(eo.eo_seg[i].ls_addr % LINK_ELF_OBJ_PAGE, 0);
		ATF_CHECK_EQ(eo.eo_seg[i].ls_size % LINK_ELF_OBJ_PAGE, 0);
		ATF_CHECK_EQ(f.prot_addr[i], eo.eo_seg[i].ls_addr);
		ATF_CHECK_EQ(f.prot_size[i], eo.eo_seg[i].ls_size);
		ATF_CHECK_EQ(f.prot[i], eo.eo_seg[i].ls_prot);
		if (i > 0)
			ATF_CHECK_EQ(eo.eo_seg[i].ls_addr,
			    eo.eo_seg[i - 1].ls_addr +
			    eo.eo_seg[i - 1].ls_size);
	}
	ATF_CHECK_EQ(eo.eo_seg[2].ls_addr + eo.eo_seg[2].ls_size,
	    LOAD_ADDR + eo.eo_size);

	/* Sections land in their part, aligned, with their contents. */
	ATF_REQUIRE(link_elf_obj_section(&eo, ".text", &a, &sz) == 0);
	ATF_CHECK_EQ(a, eo.eo_seg[LINK_ELF_SEG_TEXT].ls_addr);
	ATF_REQUIRE(link_elf_obj_section(&eo, ".rodata", &a, &sz) == 0);
	ATF_CHECK(a >= eo.eo_seg[LINK_ELF_SEG_RODATA].ls_addr &&
	    a < eo.eo_seg[LINK_ELF_SEG_DATA].ls_addr);
	ATF_CHECK_EQ(a % 16, 0);
	ATF_CHECK_EQ(memcmp(host(&eo, a),
	    img + sec(img, ".rodata")->sh_offset, sz), 0);
	ATF_REQUIRE(link_elf_obj_section(&eo, ".bss", &a, &sz) == 0);
	ATF_CHECK(a >= eo.eo_seg[LINK_ELF_SEG_DATA].ls_addr);
	ATF_CHECK_EQ(*(int *)host(&eo, sym(&eo, "ktest_example_calls")), 0);
	ATF_CHECK_EQ(*(int *)host(&eo, sym(&eo, "ktest_example_counter")), 42);
	ATF_CHECK(link_elf_obj_section(&eo, ".comment", &a, &sz) == ENOENT);

	/* The GOT: read-only data. */
	ATF_CHECK_EQ(eo.eo_ngot, 2);
	ATF_CHECK(eo.eo_got >= eo.eo_seg[LINK_ELF_SEG_RODATA].ls_addr &&
	    eo.eo_got + 16 <= eo.eo_seg[LINK_ELF_SEG_DATA].ls_addr);

	link_elf_obj_unload(&eo);
	ATF_CHECK_EQ(f.nfree, 1);
	ATF_CHECK(eo.eo_base == NULL && eo.eo_meta == NULL);
	free(img);
}

ATF_TC_WITHOUT_HEAD(relocations);
ATF_TC_BODY(relocations, tc)
{
	static const uint8_t call[] = { 0xe8 };
	static const uint8_t movq_got[] = { 0x48, 0x8b, 0x05 };
	static const uint8_t jmp_got[] = { 0xff, 0x25 };
	struct link_elf_obj eo;
	struct fake f;
	unsigned char *img;
	uintptr_t ptrs, pcrel, rodata, table;
	size_t size, sz;
	char *msg;

	img = read_module(tc, &size);
	fake_init(&f);
	ATF_REQUIRE_MSG(load(&eo, img, size, &f) == 0, "%s", eo.eo_errmsg);

	/* R_X86_64_64: absolute pointers, to the kernel and to ourselves. */
	ptrs = sym(&eo, "ktest_example_ptrs");
	ATF_CHECK_EQ(rd64(&eo, ptrs + 0), FAKE_HZ);
	ATF_CHECK_EQ(rd64(&eo, ptrs + 8), sym(&eo, "ktest_example_bump"));
	ATF_CHECK_EQ(rd64(&eo, ptrs + 16), sym(&eo, "ktest_example_counter"));
	ATF_CHECK_EQ(rd64(&eo, ptrs + 32), FAKE_PRINTF);
	/* ... with an addend: msg + 3, through a section symbol. */
	msg = host(&eo, rd64(&eo, ptrs + 24));
	ATF_CHECK_STREQ(msg, "st_example: hello from a module");
	ATF_REQUIRE(link_elf_obj_section(&eo, ".rodata", &rodata, &sz) == 0);
	ATF_CHECK_EQ(rd64(&eo, ptrs + 24), sym(&eo, "ktest_example_msg") + 3);

	/* R_X86_64_PC32: the RIP-relative load of hz and of our counter. */
	ATF_CHECK(reaches(&eo, "ktest_example_hz", NULL, 0, FAKE_HZ));
	ATF_CHECK(reaches(&eo, "ktest_example_bump", NULL, 0,
	    sym(&eo, "ktest_example_counter")));
	ATF_CHECK(reaches(&eo, "ktest_example_bump", NULL, 0,
	    sym(&eo, "ktest_example_calls")));

	/* R_X86_64_PLT32: the call to printf goes straight to it. */
	ATF_CHECK(reaches(&eo, "ktest_example_init", call, 1, FAKE_PRINTF));
	ATF_CHECK(!reaches(&eo, "ktest_example_init", call, 1, FAKE_HZ));

	/* R_X86_64_32S: absolute addresses as sign-extended immediates. */
	table = sym(&eo, "ktest_example_table");
	ATF_CHECK(has_imm32s(&eo, "ktest_example_lookup", table));
	ATF_CHECK_EQ(*(int *)host(&eo, table + 7 * 4), 19);
	ATF_CHECK(has_imm32s(&eo, "ktest_example_message",
	    sym(&eo, "ktest_example_msg")));

	/* GOTPCRELX kinds: the slot the instruction reads holds the target. */
	ATF_CHECK(reaches(&eo, "ktest_example_got_hz", movq_got, 3,
	    eo.eo_got) || reaches(&eo, "ktest_example_got_hz", movq_got, 3,
	    eo.eo_got + 8));
	ATF_CHECK(rd64(&eo, eo.eo_got) == FAKE_HZ ||
	    rd64(&eo, eo.eo_got + 8) == FAKE_HZ);
	ATF_CHECK(rd64(&eo, eo.eo_got) == FAKE_PRINTF ||
	    rd64(&eo, eo.eo_got + 8) == FAKE_PRINTF);
	{
		uintptr_t slot_hz, slot_pf;

		slot_hz = rd64(&eo, eo.eo_got) == FAKE_HZ ? eo.eo_got :
		    eo.eo_got + 8;
		slot_pf = slot_hz == eo.eo_got ? eo.eo_got + 8 : eo.eo_got;
		ATF_CHECK(reaches(&eo, "ktest_example_got_hz", movq_got, 3,
		    slot_hz));
		ATF_CHECK(reaches(&eo, "ktest_example_got_printf", jmp_got, 2,
		    slot_pf));

		/* In data: PC64 "hz - ." and GOTPCREL "printf@GOTPCREL". */
		pcrel = sym(&eo, "ktest_example_pcrel");
		ATF_CHECK_EQ(pcrel + rd64(&eo, pcrel), FAKE_HZ);
		ATF_CHECK_EQ(pcrel + 8 + (int64_t)rd32(&eo, pcrel + 8),
		    slot_pf);
	}

	/* Symbols of the module, by name and by address. */
	{
		uintptr_t v, off;
		const char *name;

		ATF_CHECK(link_elf_obj_lookup(&eo, "ktest_example_bump",
		    &v) == 0 && v == sym(&eo, "ktest_example_bump"));
		ATF_CHECK(v >= eo.eo_seg[LINK_ELF_SEG_TEXT].ls_addr &&
		    v < eo.eo_seg[LINK_ELF_SEG_RODATA].ls_addr);
		/* Locals are not exported, undefined ones are not defined. */
		ATF_CHECK(link_elf_obj_lookup(&eo, "ktest_example_init",
		    &v) == ENOENT);
		ATF_CHECK(link_elf_obj_lookup(&eo, "printf", &v) == ENOENT);
		ATF_CHECK(link_elf_obj_lookup_addr(&eo,
		    sym(&eo, "ktest_example_hz") + 5, &name, &off) == 0);
		ATF_CHECK_STREQ(name, "ktest_example_hz");
		ATF_CHECK_EQ(off, 5);
		ATF_CHECK(link_elf_obj_lookup_addr(&eo, FAKE_PRINTF, &name,
		    &off) == ENOENT);
	}
	link_elf_obj_unload(&eo);
	ATF_CHECK_EQ(f.nfree, 1);
	free(img);
}

/* struct sysinit of <sys/kernel.h>, as laid out on amd64. */
struct sysinit_image {
	uint32_t	subsystem;
	uint32_t	order;
	uint64_t	func;
	uint64_t	udata;
	uint64_t	name;
};

ATF_TC_WITHOUT_HEAD(linker_sets);
ATF_TC_BODY(linker_sets, tc)
{
	struct link_elf_obj eo;
	struct sysinit_image si;
	struct fake f;
	unsigned char *img;
	uintptr_t start, stop;
	size_t size;

	img = read_module(tc, &size);
	fake_init(&f);
	ATF_REQUIRE_MSG(load(&eo, img, size, &f) == 0, "%s", eo.eo_errmsg);
	ATF_REQUIRE(link_elf_obj_lookup_set(&eo, "sysinit_set", &start,
	    &stop) == 0);
	ATF_CHECK_EQ(stop - start, 8);
	ATF_CHECK(link_elf_obj_lookup_set(&eo, "sysuninit_set", &start,
	    &stop) == ENOENT);
	ATF_REQUIRE(link_elf_obj_lookup_set(&eo, "sysinit_set", &start,
	    &stop) == 0);
	ATF_CHECK_EQ(rd64(&eo, start), sym(&eo, "ktest_example_sys_init"));
	memcpy(&si, host(&eo, rd64(&eo, start)), sizeof(si));
	ATF_CHECK_EQ(si.subsystem, SI_SUB_KTEST);
	ATF_CHECK_EQ(si.func, sym(&eo, "ktest_example_init"));
	ATF_CHECK_STREQ((char *)host(&eo, si.name), "ktest_example_init");

	/* SET_COUNT in the module sees its own set, not the kernel's. */
	ATF_CHECK(has_imm32s(&eo, "ktest_example_nsysinit", start));
	ATF_CHECK(has_imm32s(&eo, "ktest_example_nsysinit", stop));
	ATF_CHECK(!has_imm32s(&eo, "ktest_example_nsysinit", FAKE_START));
	link_elf_obj_unload(&eo);
	free(img);
}

/* A weak undefined symbol nobody defines is 0. */
ATF_TC_WITHOUT_HEAD(weak_undefined);
ATF_TC_BODY(weak_undefined, tc)
{
	struct link_elf_obj eo;
	struct fake f;
	unsigned char *img;
	char *name;
	size_t size;

	img = read_module(tc, &size);
	/* The set section gets another name: __start_set_... is orphaned. */
	name = (char *)img +
	    shdr(img, ehdr(img)->e_shstrndx)->sh_offset +
	    shdr(img, find_section(img, "set_sysinit_set"))->sh_name;
	name[0] = 'x';
	fake_init(&f);
	ATF_REQUIRE_MSG(load(&eo, img, size, &f) == 0, "%s", eo.eo_errmsg);
	ATF_CHECK_EQ(eo.eo_nsets, 0);
	/* The fake kernel's own set bounds would be FAKE_START. */
	ATF_CHECK(has_imm32s(&eo, "ktest_example_nsysinit", FAKE_START));
	link_elf_obj_unload(&eo);

	/* Nobody defines them: weak, so 0 where the module uses them. */
	fake_init(&f);
	f.no_sets = true;
	ATF_REQUIRE_MSG(load(&eo, img, size, &f) == 0, "%s", eo.eo_errmsg);
	ATF_CHECK(!has_imm32s(&eo, "ktest_example_nsysinit", FAKE_START));
	{
		Elf64_Shdr *rs;
		Elf64_Rela *r;
		Elf64_Sym *syms;
		uintptr_t text;
		size_t i, n, nzero, start;

		syms = (Elf64_Sym *)(img +
		    shdr(img, find_type(img, SHT_SYMTAB))->sh_offset);
		start = find_symbol(img, "__start_set_sysinit_set") - syms;
		ATF_REQUIRE(link_elf_obj_section(&eo, ".text", &text,
		    &n) == 0);
		rs = sec(img, ".rela.text");
		r = (Elf64_Rela *)(img + rs->sh_offset);
		n = rs->sh_size / sizeof(*r);
		for (i = nzero = 0; i < n; i++) {
			if (ELF64_R_SYM(r[i].r_info) != start)
				continue;
			ATF_CHECK_EQ(rd32(&eo, text + r[i].r_offset), 0);
			nzero++;
		}
		ATF_CHECK(nzero > 0);
	}
	link_elf_obj_unload(&eo);
	ATF_CHECK_EQ(f.nalloc, f.nfree);
	free(img);
}

/*
 * Run at an address outside the top 2 GiB (the kernel's kmem KVA, or low
 * memory): the 32-bit relocations cannot be satisfied and are refused.
 */
ATF_TC_WITHOUT_HEAD(out_of_range);
ATF_TC_BODY(out_of_range, tc)
{
	static const uintptr_t bad[] = {
	    0xffffff8000000000UL, 0x100000000UL, 0x7ffffffff000UL };
	struct link_elf_obj eo;
	struct fake f;
	unsigned char *img;
	size_t size, i;
	int error;

	img = read_module(tc, &size);
	for (i = 0; i < nitems(bad); i++) {
		fake_init(&f);
		f.loadaddr = bad[i];
		error = link_elf_obj_load(&eo, img, size, &fake_ops, &f);
		ATF_CHECK_EQ_MSG(error, ERANGE, "at %#lx: %d %s",
		    (u_long)bad[i], error, eo.eo_errmsg);
		ATF_CHECK(strstr(eo.eo_errmsg, "does not fit in 32 bits") !=
		    NULL);
		ATF_CHECK_EQ(f.nalloc, 1);
		ATF_CHECK_EQ(f.nfree, 1);
		ATF_CHECK(eo.eo_base == NULL && eo.eo_meta == NULL);
	}
	/* The last 2 GiB, any page: fine. */
	fake_init(&f);
	f.loadaddr = 0xffffffff80000000UL;
	ATF_CHECK_EQ_MSG(link_elf_obj_load(&eo, img, size, &fake_ops, &f), 0,
	    "%s", eo.eo_errmsg);
	link_elf_obj_unload(&eo);
	free(img);
}

ATF_TC_WITHOUT_HEAD(callbacks_fail);
ATF_TC_BODY(callbacks_fail, tc)
{
	struct link_elf_obj eo;
	struct fake f;
	unsigned char *img;
	size_t size;

	img = read_module(tc, &size);
	fake_init(&f);
	f.alloc_error = ENOMEM;
	ATF_CHECK_EQ(link_elf_obj_load(&eo, img, size, &fake_ops, &f), ENOMEM);
	ATF_CHECK(strstr(eo.eo_errmsg, "cannot allocate") != NULL);
	ATF_CHECK_EQ(f.nalloc, 0);

	fake_init(&f);
	f.protect_error = EACCES;
	ATF_CHECK_EQ(link_elf_obj_load(&eo, img, size, &fake_ops, &f), EACCES);
	ATF_CHECK(strstr(eo.eo_errmsg, "cannot protect") != NULL);
	ATF_CHECK_EQ(f.nalloc, 1);
	ATF_CHECK_EQ(f.nfree, 1);

	/* An allocator that breaks its promises is not believed. */
	fake_init(&f);
	f.loadaddr = LOAD_ADDR + 8;
	ATF_CHECK_EQ(link_elf_obj_load(&eo, img, size, &fake_ops, &f), EINVAL);
	ATF_CHECK(strstr(eo.eo_errmsg, "bad address") != NULL);
	ATF_CHECK_EQ(f.nfree, 1);
	fake_init(&f);
	f.loadaddr = ~(uintptr_t)0 - LINK_ELF_OBJ_PAGE + 1;
	ATF_CHECK_EQ(link_elf_obj_load(&eo, img, size, &fake_ops, &f), EINVAL);
	ATF_CHECK_EQ(f.nfree, 1);

	fake_init(&f);
	f.no_printf = true;
	ATF_CHECK_EQ(link_elf_obj_load(&eo, img, size, &fake_ops, &f), ENOENT);
	ATF_CHECK_STREQ(eo.eo_errmsg, "undefined symbol \"printf\"");
	ATF_CHECK_EQ(f.nalloc, f.nfree);
	free(img);
}

/*
 * The corruption corpus.  Each case edits a fresh copy of the file; the
 * helpers find what to edit by name, so the cases follow the module as it
 * changes.
 */
struct damage {
	const char	*name;
	void		(*edit)(unsigned char **, size_t *);
	int		 error;
	const char	*msg;		/* expected in eo_errmsg */
};

#define	EDIT(n, body)							\
static void								\
edit_##n(unsigned char **imgp, size_t *sizep)				\
{									\
	unsigned char *img = *imgp;					\
	(void)img; (void)sizep;						\
	body;								\
}

/* Move section 'name's contents to the end of the file, at 8k+'mis'. */
static void
move_to_end(unsigned char **imgp, size_t *sizep, const char *name, int mis)
{
	unsigned char *img;
	Elf64_Shdr *sh;
	size_t at;

	img = *imgp;
	sh = sec(img, name);
	at = ((*sizep + 7) & ~(size_t)7) + mis;
	img = realloc(img, at + sh->sh_size);
	ATF_REQUIRE(img != NULL);
	sh = sec(img, name);
	memset(img + *sizep, 0, at - *sizep);
	memcpy(img + at, img + sh->sh_offset, sh->sh_size);
	sh->sh_offset = at;
	*sizep = at + sh->sh_size;
	*imgp = img;
}

static char *
strtab_name(unsigned char *img, const char *name)
{
	Elf64_Shdr *st;

	st = shdr(img, find_type(img, SHT_SYMTAB));
	return ((char *)img + shdr(img, st->sh_link)->sh_offset +
	    find_symbol(img, name)->st_name);
}

EDIT(magic, img[1] = 'X')
EDIT(class32, img[EI_CLASS] = 1)
EDIT(bigendian, img[EI_DATA] = 2)
EDIT(version, img[EI_VERSION] = 0)
EDIT(machine, ehdr(img)->e_machine = 3)
EDIT(exec, ehdr(img)->e_type = 2)
EDIT(ehsize, ehdr(img)->e_ehsize = 128)
EDIT(phnum, ehdr(img)->e_phnum = 1)
EDIT(shentsize, ehdr(img)->e_shentsize = 128)
EDIT(shnum_zero, ehdr(img)->e_shnum = 0)
EDIT(shnum_huge, ehdr(img)->e_shnum = 0xffff)
EDIT(shnum_past_eof, ehdr(img)->e_shnum = 1000)
EDIT(shoff_past_eof, ehdr(img)->e_shoff = *sizep - 8)
EDIT(shoff_wrap, ehdr(img)->e_shoff = ~(uint64_t)0 - 16)
EDIT(shoff_in_ehdr, ehdr(img)->e_shoff = 8)
EDIT(shstrndx_range, ehdr(img)->e_shstrndx = ehdr(img)->e_shnum)
EDIT(shstrndx_type, ehdr(img)->e_shstrndx = find_section(img, ".text"))
EDIT(shstrtab_unterminated,
    img[sec(img, ".shstrtab")->sh_offset + sec(img, ".shstrtab")->sh_size - 1]
    = 'x')
EDIT(section0, shdr(img, 0)->sh_type = SHT_PROGBITS)
EDIT(text_offset, sec(img, ".text")->sh_offset = *sizep - 8)
EDIT(text_offset_wrap, sec(img, ".text")->sh_offset = ~(uint64_t)0 - 4)
EDIT(text_size, sec(img, ".text")->sh_size = *sizep)
EDIT(sh_name, sec(img, ".text")->sh_name = 0x7fffffff)
EDIT(sh_link, sec(img, ".text")->sh_link = 999)
EDIT(overlap, sec(img, ".text")->sh_offset = sec(img, ".data")->sh_offset)
EDIT(overlap_shdrs, sec(img, ".text")->sh_offset = ehdr(img)->e_shoff)
EDIT(overlap_ehdr, sec(img, ".text")->sh_offset = 16)
EDIT(align_not_pow2, sec(img, ".data")->sh_addralign = 24)
EDIT(align_absurd, sec(img, ".data")->sh_addralign = 1UL << 40)
EDIT(align_huge_nonalloc, sec(img, ".comment")->sh_addralign = 3)
EDIT(write_exec, sec(img, ".text")->sh_flags |= SHF_WRITE)
EDIT(tls, sec(img, ".data")->sh_flags |= SHF_TLS)
EDIT(alloc_symtab, sec(img, ".symtab")->sh_flags |= SHF_ALLOC)
EDIT(rel, sec(img, ".rela.data")->sh_type = SHT_REL)
EDIT(bss_huge, sec(img, ".bss")->sh_size = 1UL << 40)
EDIT(bss_big, sec(img, ".bss")->sh_size = LINK_ELF_OBJ_MAXSIZE - 64)
EDIT(no_symtab, sec(img, ".symtab")->sh_type = SHT_PROGBITS)
EDIT(two_symtabs, sec(img, ".comment")->sh_type = SHT_SYMTAB)
EDIT(symtab_entsize, sec(img, ".symtab")->sh_entsize = 16)
EDIT(symtab_size, sec(img, ".symtab")->sh_size -= 4)
EDIT(symtab_empty, sec(img, ".symtab")->sh_size = 0)
EDIT(symtab_info, sec(img, ".symtab")->sh_info = 100000)
EDIT(symtab_link, sec(img, ".symtab")->sh_link = find_section(img, ".text"))
EDIT(symtab_link0, sec(img, ".symtab")->sh_link = 0)
EDIT(symtab_misaligned, move_to_end(imgp, sizep, ".symtab", 4))
EDIT(rela_misaligned, move_to_end(imgp, sizep, ".rela.text", 2))
EDIT(strtab_unterminated,
    img[sec(img, ".strtab")->sh_offset + sec(img, ".strtab")->sh_size - 1] =
    'x')
EDIT(sym_shndx, find_symbol(img, "ktest_example_bump")->st_shndx = 200)
EDIT(sym_shndx_reserved,
    find_symbol(img, "ktest_example_bump")->st_shndx = 0xff10)
EDIT(sym_common, find_symbol(img, "ktest_example_counter")->st_shndx =
    SHN_COMMON)
EDIT(sym_xindex, find_symbol(img, "ktest_example_bump")->st_shndx =
    SHN_XINDEX)
EDIT(sym_name, find_symbol(img, "ktest_example_bump")->st_name = 0x7fffffff)
EDIT(sym_value, find_symbol(img, "ktest_example_bump")->st_value = 1UL << 32)
EDIT(sym_tls, find_symbol(img, "ktest_example_counter")->st_info =
    ELF64_ST_INFO(STB_GLOBAL, STT_TLS))
EDIT(sym_bind, find_symbol(img, "ktest_example_counter")->st_info =
    ELF64_ST_INFO(10, STT_OBJECT))
EDIT(sym_local_undef, find_symbol(img, "ktest_example_counter")->st_info =
    ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE);
    find_symbol(img, "ktest_example_counter")->st_shndx = SHN_UNDEF)
EDIT(sym_unresolved, strtab_name(img, "printf")[5] = 'z')
EDIT(sym_in_unloaded, find_symbol(img, "ktest_example_counter")->st_shndx =
    find_section(img, ".comment");
    find_symbol(img, "ktest_example_counter")->st_value = 0)
EDIT(rela_type_unknown, {
	Elf64_Rela *r = find_rela(img, ".rela.text", R_X86_64_PC32);
	r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), 37);
})
EDIT(rela_type_got32, {
	Elf64_Rela *r = find_rela(img, ".rela.text", R_X86_64_PC32);
	r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), R_X86_64_GOT32);
})
EDIT(rela_type_32, {
	/* Zero-extended 32 bits cannot hold a top-2-GiB address. */
	Elf64_Rela *r = find_rela(img, ".rela.text", R_X86_64_32S);
	r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), R_X86_64_32);
})
EDIT(rela_offset, find_rela(img, ".rela.text", R_X86_64_PC32)->r_offset =
    sec(img, ".text")->sh_size - 2)
EDIT(rela_offset_wrap, find_rela(img, ".rela.data", R_X86_64_64)->r_offset =
    ~(uint64_t)0 - 2)
EDIT(rela_sym, {
	Elf64_Rela *r = find_rela(img, ".rela.text", R_X86_64_PC32);
	r->r_info = ELF64_R_INFO(0x7fffffff, R_X86_64_PC32);
})
EDIT(rela_link, sec(img, ".rela.text")->sh_link = find_section(img,
    ".strtab"))
EDIT(rela_info0, sec(img, ".rela.text")->sh_info = 0)
EDIT(rela_info_range, sec(img, ".rela.text")->sh_info = 999)
EDIT(rela_info_self, sec(img, ".rela.text")->sh_info =
    find_section(img, ".rela.text"))
EDIT(rela_info_bss, sec(img, ".rela.text")->sh_info =
    find_section(img, ".bss"))
EDIT(rela_entsize, sec(img, ".rela.text")->sh_entsize = 16)
EDIT(symtab_shndx, sec(img, ".comment")->sh_type = SHT_SYMTAB_SHNDX)
EDIT(nothing_loaded, {
	size_t i;

	for (i = 0; i < ehdr(img)->e_shnum; i++)
		shdr(img, i)->sh_flags &= ~(uint64_t)SHF_ALLOC;
})
EDIT(duplicate_set, sec(img, ".rodata")->sh_name =
    sec(img, "set_sysinit_set")->sh_name)

static const struct damage corpus[] = {
	{ "bad magic", edit_magic, ENOEXEC, "not an ELF file" },
	{ "32-bit class", edit_class32, ENOEXEC, "class 1" },
	{ "big-endian", edit_bigendian, ENOEXEC, "encoding 2" },
	{ "ELF version", edit_version, ENOEXEC, "version 0" },
	{ "machine", edit_machine, ENOEXEC, "machine 3" },
	{ "executable", edit_exec, ENOEXEC, "type 2" },
	{ "ELF header size", edit_ehsize, EFTYPE, "header size 128" },
	{ "program headers", edit_phnum, EFTYPE, "program headers" },
	{ "section header size", edit_shentsize, EFTYPE,
	    "section header size 128" },
	{ "no sections", edit_shnum_zero, EFTYPE, "no section headers" },
	{ "e_shnum huge", edit_shnum_huge, E2BIG, "65535 sections" },
	{ "e_shnum past EOF", edit_shnum_past_eof, EFTYPE, "beyond end" },
	{ "e_shoff past EOF", edit_shoff_past_eof, EFTYPE, "beyond end" },
	{ "e_shoff wraps", edit_shoff_wrap, EFTYPE, "beyond end" },
	{ "e_shoff in ELF header", edit_shoff_in_ehdr, EFTYPE,
	    "overlap the ELF header" },
	{ "e_shstrndx range", edit_shstrndx_range, EFTYPE,
	    "name table index" },
	{ "e_shstrndx not strings", edit_shstrndx_type, EFTYPE,
	    "not a string table" },
	{ "section names unterminated", edit_shstrtab_unterminated, EFTYPE,
	    "not NUL-terminated" },
	{ "section 0", edit_section0, EFTYPE, "section 0" },
	{ "section offset past EOF", edit_text_offset, EFTYPE,
	    ": offset+size beyond end of file" },
	{ "section offset wraps", edit_text_offset_wrap, EFTYPE,
	    "offset+size beyond end of file" },
	{ "section size past EOF", edit_text_size, EFTYPE,
	    "offset+size beyond end of file" },
	{ "section name offset", edit_sh_name, EFTYPE, "outside the name" },
	{ "sh_link range", edit_sh_link, EFTYPE, "sh_link 999 out of range" },
	{ "sections overlap", edit_overlap, EFTYPE,
	    "overlaps section" },
	{ "section overlaps headers", edit_overlap_shdrs, EFTYPE,
	    "overlaps the section headers" },
	{ "section overlaps ELF header", edit_overlap_ehdr, EFTYPE,
	    "overlaps the ELF header" },
	{ "alignment not a power of 2", edit_align_not_pow2, EFTYPE,
	    "not a power of two" },
	{ "alignment absurd", edit_align_absurd, EFTYPE,
	    "larger than a page" },
	{ "non-loaded alignment", edit_align_huge_nonalloc, EFTYPE,
	    "not a power of two" },
	{ "writable text", edit_write_exec, EOPNOTSUPP,
	    "writable and executable" },
	{ "TLS section", edit_tls, EOPNOTSUPP, "thread-local" },
	{ "loaded symbol table", edit_alloc_symtab, EOPNOTSUPP,
	    "cannot load section type" },
	{ "SHT_REL", edit_rel, EOPNOTSUPP, "SHT_REL" },
	{ "bss beyond limits", edit_bss_huge, E2BIG, "too large" },
	{ "module beyond limits", edit_bss_big, E2BIG, "too large" },
	{ "no symbol table", edit_no_symtab, EFTYPE, "0 symbol tables" },
	{ "two symbol tables", edit_two_symtabs, EFTYPE, "2 symbol tables" },
	{ "symbol entry size", edit_symtab_entsize, EFTYPE,
	    "entry size 16" },
	{ "symbol table size", edit_symtab_size, EFTYPE, "not a multiple" },
	{ "empty symbol table", edit_symtab_empty, EFTYPE,
	    "empty symbol table" },
	{ "first global", edit_symtab_info, EFTYPE, "first global" },
	{ "symbol strings type", edit_symtab_link, EFTYPE,
	    "not a string table" },
	{ "symbol strings index 0", edit_symtab_link0, EFTYPE,
	    "not a string table" },
	{ "misaligned symbol table", edit_symtab_misaligned, EFTYPE,
	    "misaligned" },
	{ "misaligned relocations", edit_rela_misaligned, EFTYPE,
	    "misaligned" },
	{ "symbol names unterminated", edit_strtab_unterminated, EFTYPE,
	    "symbol names not NUL-terminated" },
	{ "symbol section index", edit_sym_shndx, EFTYPE,
	    "(ktest_example_bump): section index 200 out of range" },
	{ "symbol reserved index", edit_sym_shndx_reserved, EFTYPE,
	    "out of range" },
	{ "common symbol", edit_sym_common, EOPNOTSUPP, "-fno-common" },
	{ "extended index", edit_sym_xindex, EOPNOTSUPP, "extended" },
	{ "symbol name offset", edit_sym_name, EFTYPE,
	    "outside the string table" },
	{ "symbol value", edit_sym_value, EFTYPE, "beyond its section" },
	{ "TLS symbol", edit_sym_tls, EOPNOTSUPP, "type 6" },
	{ "unique binding", edit_sym_bind, EOPNOTSUPP, "binding 10" },
	{ "local undefined", edit_sym_local_undef, EFTYPE,
	    "local and undefined" },
	{ "unresolved symbol", edit_sym_unresolved, ENOENT,
	    "undefined symbol \"printz\"" },
	{ "symbol in unloaded section", edit_sym_in_unloaded, EFTYPE,
	    "not loaded" },
	{ "unknown relocation", edit_rela_type_unknown, EOPNOTSUPP,
	    "unknown type 37" },
	{ "GOT32 relocation", edit_rela_type_got32, EOPNOTSUPP,
	    "unknown type 3" },
	{ "R_X86_64_32 overflow", edit_rela_type_32, ERANGE,
	    "does not fit in 32 bits" },
	{ "relocation offset", edit_rela_offset, EFTYPE, "outside section" },
	{ "relocation offset wraps", edit_rela_offset_wrap, EFTYPE,
	    "outside section" },
	{ "relocation symbol", edit_rela_sym, EFTYPE,
	    "symbol 2147483647 out of range" },
	{ "relocation sh_link", edit_rela_link, EFTYPE,
	    "is not the symbol table" },
	{ "relocation target 0", edit_rela_info0, EFTYPE,
	    "target section 0" },
	{ "relocation target range", edit_rela_info_range, EFTYPE,
	    "target section 999" },
	{ "relocation target self", edit_rela_info_self, EFTYPE,
	    "out of range" },
	{ "relocation of bss", edit_rela_info_bss, EFTYPE, "no contents" },
	{ "relocation entry size", edit_rela_entsize, EFTYPE,
	    "entry size 16" },
	{ "extended index section", edit_symtab_shndx, EOPNOTSUPP,
	    "extended section indices" },
	{ "nothing to load", edit_nothing_loaded, EFTYPE,
	    "no loadable sections" },
	{ "duplicate linker set", edit_duplicate_set, EFTYPE,
	    "same linker set" },
};

ATF_TC_WITHOUT_HEAD(corrupt);
ATF_TC_BODY(corrupt, tc)
{
	struct link_elf_obj eo;
	struct fake f;
	unsigned char *orig, *img;
	size_t size, n, i;
	int error;

	orig = read_module(tc, &size);
	for (i = 0; i < nitems(corpus); i++) {
		img = malloc(size);
		ATF_REQUIRE(img != NULL);
		memcpy(img, orig, size);
		n = size;
		corpus[i].edit(&img, &n);
		fake_init(&f);
		error = link_elf_obj_load(&eo, img, n, &fake_ops, &f);
		ATF_CHECK_EQ_MSG(error, corpus[i].error,
		    "%s: error %d, not %d (%s)", corpus[i].name, error,
		    corpus[i].error, eo.eo_errmsg);
		ATF_CHECK_MSG(strstr(eo.eo_errmsg, corpus[i].msg) != NULL,
		    "%s: message \"%s\" lacks \"%s\"", corpus[i].name,
		    eo.eo_errmsg, corpus[i].msg);
		ATF_CHECK_EQ_MSG(f.nalloc, f.nfree, "%s: leaked the module",
		    corpus[i].name);
		ATF_CHECK_MSG(eo.eo_base == NULL && eo.eo_meta == NULL &&
		    eo.eo_nsyms == 0, "%s: descriptor not cleared",
		    corpus[i].name);
		if (error == 0)
			link_elf_obj_unload(&eo);
		free(img);
	}
	free(orig);
}

/* Every truncation of the file is refused before anything is allocated. */
ATF_TC_WITHOUT_HEAD(truncated);
ATF_TC_BODY(truncated, tc)
{
	struct link_elf_obj eo;
	struct fake f;
	unsigned char *orig, *img;
	size_t size, n;
	int error;

	orig = read_module(tc, &size);
	for (n = 0; n < size; n++) {
		/* An exact-size copy, so that ASan sees any overread. */
		img = malloc(n == 0 ? 1 : n);
		ATF_REQUIRE(img != NULL);
		memcpy(img, orig, n);
		fake_init(&f);
		error = link_elf_obj_load(&eo, img, n, &fake_ops, &f);
		ATF_CHECK_MSG(error == (n < sizeof(Elf64_Ehdr) ? ENOEXEC :
		    EFTYPE), "truncated at %zu: %d (%s)", n, error,
		    eo.eo_errmsg);
		ATF_CHECK_EQ(f.nalloc, 0);
		free(img);
	}
	/* Trailing bytes are harmless. */
	img = calloc(1, size + 100);
	ATF_REQUIRE(img != NULL);
	memcpy(img, orig, size);
	fake_init(&f);
	ATF_CHECK_EQ(link_elf_obj_load(&eo, img, size + 100, &fake_ops, &f), 0);
	link_elf_obj_unload(&eo);
	free(img);
	free(orig);
}

/*
 * Edits that must not be refused: a relocation turned into
 * R_X86_64_NONE is skipped, and relocations of a section that is not
 * loaded (debugging information) are not applied.
 */
ATF_TC_WITHOUT_HEAD(accepted);
ATF_TC_BODY(accepted, tc)
{
	struct link_elf_obj eo;
	struct fake f;
	Elf64_Rela *r;
	unsigned char *img;
	size_t size;

	img = read_module(tc, &size);
	r = find_rela(img, ".rela.data", R_X86_64_64);
	ATF_REQUIRE(r->r_offset == 16);		/* ktest_example_ptrs[0] */
	r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), R_X86_64_NONE);
	sec(img, ".rela.text")->sh_info = find_section(img, ".comment");
	fake_init(&f);
	ATF_REQUIRE_MSG(load(&eo, img, size, &f) == 0, "%s", eo.eo_errmsg);
	ATF_CHECK_EQ(rd64(&eo, sym(&eo, "ktest_example_ptrs")), 0);
	ATF_CHECK_EQ(rd64(&eo, sym(&eo, "ktest_example_ptrs") + 8),
	    sym(&eo, "ktest_example_bump"));
	ATF_CHECK(!reaches(&eo, "ktest_example_hz", NULL, 0, FAKE_HZ));
	link_elf_obj_unload(&eo);
	ATF_CHECK_EQ(f.nfree, 1);
	free(img);
}

/* The file read at an odd address: every header is copied out. */
ATF_TC_WITHOUT_HEAD(misaligned_image);
ATF_TC_BODY(misaligned_image, tc)
{
	struct link_elf_obj eo;
	struct fake f;
	unsigned char *orig, *img;
	size_t size;

	orig = read_module(tc, &size);
	img = malloc(size + 1);
	ATF_REQUIRE(img != NULL);
	memcpy(img + 1, orig, size);
	fake_init(&f);
	ATF_CHECK_EQ_MSG(link_elf_obj_load(&eo, img + 1, size, &fake_ops, &f),
	    0, "%s", eo.eo_errmsg);
	ATF_CHECK_EQ(rd64(&eo, sym(&eo, "ktest_example_ptrs")), FAKE_HZ);
	link_elf_obj_unload(&eo);
	free(img);
	free(orig);
}

/*
 * Two steps: after link_elf_obj_begin() the module's own words are final
 * (its pointers into itself, its linker sets) and nothing outside has been
 * asked for; link_elf_obj_finish() resolves the rest and protects.  An
 * undefined symbol is only found in the second step, and abandoning a load
 * between the steps, or failing the second, leaves nothing behind.
 */
ATF_TC_WITHOUT_HEAD(two_steps);
ATF_TC_BODY(two_steps, tc)
{
	struct link_elf_obj eo;
	struct fake f;
	unsigned char *img;
	uintptr_t start, stop, ptrs;
	size_t size;

	img = read_module(tc, &size);
	fake_init(&f);
	ATF_REQUIRE_MSG(link_elf_obj_begin(&eo, img, size, &fake_ops, &f) ==
	    0, "%s", eo.eo_errmsg);
	ATF_CHECK_EQ(f.nalloc, 1);
	ATF_CHECK_EQ(f.nprotect, 0);
	ATF_REQUIRE(link_elf_obj_lookup_set(&eo, "sysinit_set", &start,
	    &stop) == 0);
	ATF_CHECK_EQ(rd64(&eo, start), sym(&eo, "ktest_example_sys_init"));
	ptrs = sym(&eo, "ktest_example_ptrs");
	/* &hz is the kernel's: not yet; &ktest_example_counter is ours. */
	ATF_CHECK_EQ(rd64(&eo, ptrs), 0);
	ATF_CHECK_EQ(rd64(&eo, ptrs + 16), sym(&eo, "ktest_example_counter"));
	ATF_REQUIRE_MSG(link_elf_obj_finish(&eo) == 0, "%s", eo.eo_errmsg);
	ATF_CHECK_EQ(rd64(&eo, ptrs), FAKE_HZ);
	ATF_CHECK_EQ(rd64(&eo, ptrs + 32), FAKE_PRINTF);
	ATF_CHECK_EQ(f.nprotect, 3);
	ATF_CHECK_EQ(link_elf_obj_finish(&eo), EINVAL);
	link_elf_obj_unload(&eo);
	ATF_CHECK_EQ(f.nfree, 1);

	/* Abandoned between the steps. */
	fake_init(&f);
	ATF_REQUIRE(link_elf_obj_begin(&eo, img, size, &fake_ops, &f) == 0);
	link_elf_obj_unload(&eo);
	ATF_CHECK_EQ(f.nalloc, 1);
	ATF_CHECK_EQ(f.nfree, 1);

	/* printf is missing: only the second step says so. */
	fake_init(&f);
	f.no_printf = true;
	ATF_REQUIRE_MSG(link_elf_obj_begin(&eo, img, size, &fake_ops, &f) ==
	    0, "%s", eo.eo_errmsg);
	ATF_CHECK_EQ(link_elf_obj_finish(&eo), ENOENT);
	ATF_CHECK(strstr(eo.eo_errmsg, "\"printf\"") != NULL);
	ATF_CHECK(eo.eo_base == NULL && eo.eo_meta == NULL &&
	    eo.eo_ctx == NULL);
	ATF_CHECK_EQ(f.nfree, 1);

	/* Outside the top 2 GiB: ERANGE, also only from the second step. */
	fake_init(&f);
	f.loadaddr = 0xffffff8000000000UL;
	ATF_REQUIRE_MSG(link_elf_obj_begin(&eo, img, size, &fake_ops, &f) ==
	    0, "%s", eo.eo_errmsg);
	ATF_CHECK_EQ(link_elf_obj_finish(&eo), ERANGE);
	ATF_CHECK(strstr(eo.eo_errmsg, "does not fit in 32 bits") != NULL);
	ATF_CHECK_EQ(f.nfree, 1);
	free(img);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, layout);
	ATF_TP_ADD_TC(tp, relocations);
	ATF_TP_ADD_TC(tp, linker_sets);
	ATF_TP_ADD_TC(tp, weak_undefined);
	ATF_TP_ADD_TC(tp, out_of_range);
	ATF_TP_ADD_TC(tp, callbacks_fail);
	ATF_TP_ADD_TC(tp, corrupt);
	ATF_TP_ADD_TC(tp, truncated);
	ATF_TP_ADD_TC(tp, accepted);
	ATF_TP_ADD_TC(tp, misaligned_image);
	ATF_TP_ADD_TC(tp, two_steps);
	return (atf_no_error());
}
