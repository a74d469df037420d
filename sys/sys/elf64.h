/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_ELF64_H_
#define	_SYS_ELF64_H_

/*
 * The parts of the ELF-64 object file format (System V gABI) and of the
 * x86-64 psABI that the kernel linker reads.  Layouts are the on-disk
 * ones; a file image may be misaligned, so readers copy entries out.
 * Needs uint*_t: <sys/types.h> in the kernel, <stdint.h> on the host.
 */

typedef uint64_t	Elf64_Addr;
typedef uint64_t	Elf64_Off;
typedef uint16_t	Elf64_Half;
typedef uint32_t	Elf64_Word;
typedef int64_t		Elf64_Sxword;
typedef uint64_t	Elf64_Xword;

#define	EI_NIDENT	16

typedef struct {
	unsigned char	e_ident[EI_NIDENT];
	Elf64_Half	e_type;
	Elf64_Half	e_machine;
	Elf64_Word	e_version;
	Elf64_Addr	e_entry;
	Elf64_Off	e_phoff;
	Elf64_Off	e_shoff;
	Elf64_Word	e_flags;
	Elf64_Half	e_ehsize;
	Elf64_Half	e_phentsize;
	Elf64_Half	e_phnum;
	Elf64_Half	e_shentsize;
	Elf64_Half	e_shnum;
	Elf64_Half	e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	Elf64_Word	sh_name;
	Elf64_Word	sh_type;
	Elf64_Xword	sh_flags;
	Elf64_Addr	sh_addr;
	Elf64_Off	sh_offset;
	Elf64_Xword	sh_size;
	Elf64_Word	sh_link;
	Elf64_Word	sh_info;
	Elf64_Xword	sh_addralign;
	Elf64_Xword	sh_entsize;
} Elf64_Shdr;

typedef struct {
	Elf64_Word	st_name;
	unsigned char	st_info;
	unsigned char	st_other;
	Elf64_Half	st_shndx;
	Elf64_Addr	st_value;
	Elf64_Xword	st_size;
} Elf64_Sym;

typedef struct {
	Elf64_Addr	r_offset;
	Elf64_Xword	r_info;
	Elf64_Sxword	r_addend;
} Elf64_Rela;

/* e_ident */
#define	EI_MAG0		0
#define	EI_CLASS	4
#define	EI_DATA		5
#define	EI_VERSION	6
#define	ELFMAG		"\177ELF"
#define	SELFMAG		4
#define	ELFCLASS64	2
#define	ELFDATA2LSB	1
#define	EV_CURRENT	1

/* e_type, e_machine */
#define	ET_REL		1
#define	EM_X86_64	62

/* Special section indices. */
#define	SHN_UNDEF	0
#define	SHN_LORESERVE	0xff00
#define	SHN_ABS		0xfff1
#define	SHN_COMMON	0xfff2
#define	SHN_XINDEX	0xffff

/* sh_type */
#define	SHT_NULL	0
#define	SHT_PROGBITS	1
#define	SHT_SYMTAB	2
#define	SHT_STRTAB	3
#define	SHT_RELA	4
#define	SHT_HASH	5
#define	SHT_DYNAMIC	6
#define	SHT_NOTE	7
#define	SHT_NOBITS	8
#define	SHT_REL		9
#define	SHT_DYNSYM	11
#define	SHT_INIT_ARRAY	14
#define	SHT_FINI_ARRAY	15
#define	SHT_PREINIT_ARRAY 16
#define	SHT_GROUP	17
#define	SHT_SYMTAB_SHNDX 18
#define	SHT_X86_64_UNWIND 0x70000001

/* sh_flags */
#define	SHF_WRITE	0x1
#define	SHF_ALLOC	0x2
#define	SHF_EXECINSTR	0x4
#define	SHF_TLS		0x400
#define	SHF_COMPRESSED	0x800

/* st_info */
#define	ELF64_ST_BIND(i)	((i) >> 4)
#define	ELF64_ST_TYPE(i)	((i) & 0xf)
#define	ELF64_ST_INFO(b, t)	(((b) << 4) | ((t) & 0xf))
#define	STB_LOCAL	0
#define	STB_GLOBAL	1
#define	STB_WEAK	2
#define	STT_NOTYPE	0
#define	STT_OBJECT	1
#define	STT_FUNC	2
#define	STT_SECTION	3
#define	STT_FILE	4
#define	STT_COMMON	5
#define	STT_TLS		6
#define	STT_GNU_IFUNC	10

/* r_info */
#define	ELF64_R_SYM(i)		((i) >> 32)
#define	ELF64_R_TYPE(i)		((i) & 0xffffffffUL)
#define	ELF64_R_INFO(s, t)	(((uint64_t)(s) << 32) + (uint32_t)(t))

/* x86-64 relocation types (psABI). */
#define	R_X86_64_NONE		0
#define	R_X86_64_64		1	/* S + A */
#define	R_X86_64_PC32		2	/* S + A - P, signed 32 */
#define	R_X86_64_GOT32		3
#define	R_X86_64_PLT32		4	/* L + A - P, signed 32 */
#define	R_X86_64_GOTPCREL	9	/* G + GOT + A - P, signed 32 */
#define	R_X86_64_32		10	/* S + A, zero-extended 32 */
#define	R_X86_64_32S		11	/* S + A, sign-extended 32 */
#define	R_X86_64_PC64		24	/* S + A - P */
#define	R_X86_64_GOTPCRELX	41	/* as GOTPCREL, relaxable */
#define	R_X86_64_REX_GOTPCRELX	42	/* as GOTPCREL, relaxable */

#endif /* !_SYS_ELF64_H_ */
