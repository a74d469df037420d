/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_KSYMS_H_
#define	_SYS_KSYMS_H_

/*
 * The kernel's own symbol table, loaded by Xen after the image (the
 * BSD_SYMTAB ELF note).  Used for backtraces and, by the kernel linker, to
 * resolve module symbols against the kernel.
 */
struct ksyms {
	const void	*ks_syms;	/* Elf64_Sym[] */
	size_t		 ks_nsyms;
	const char	*ks_strs;
	size_t		 ks_strsz;
};

extern struct ksyms ksyms_kernel;

int	ksyms_parse(struct ksyms *, const void *, size_t);
int	ksyms_lookup_addr(const struct ksyms *, uintptr_t, const char **,
	    uintptr_t *);
int	ksyms_lookup_name(const struct ksyms *, const char *, uintptr_t *);

#endif /* !_SYS_KSYMS_H_ */
