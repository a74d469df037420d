/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_LINKER_SET_H_
#define	_SYS_LINKER_SET_H_

/*
 * Linker sets: arrays of pointers assembled by the linker from entries
 * scattered over many files.  Each entry is a pointer placed in section
 * "set_<name>"; the linker provides __start_set_<name> and
 * __stop_set_<name> around them (the section name is a valid C
 * identifier, so ld.lld does this by itself; the kernel's linker script
 * keeps the sets it needs).  The kernel linker finds the same sections in
 * a module's .ko file.
 */
#define	__MAKE_SET(set, sym)						\
	static void const * const __set_##set##_sym_##sym		\
	__section("set_" #set) __used = &(sym)

#define	DATA_SET(set, sym)	__MAKE_SET(set, sym)
#define	TEXT_SET(set, sym)	__MAKE_SET(set, sym)

#define	SET_DECLARE(set, ptype)						\
	extern ptype *__CONCAT(__start_set_, set)[] __attribute__((__weak__)); \
	extern ptype *__CONCAT(__stop_set_, set)[] __attribute__((__weak__))

#define	SET_BEGIN(set)		(__CONCAT(__start_set_, set))
#define	SET_LIMIT(set)		(__CONCAT(__stop_set_, set))
#define	SET_COUNT(set)		(SET_LIMIT(set) - SET_BEGIN(set))

#define	SET_FOREACH(pvar, set)						\
	for (pvar = SET_BEGIN(set); pvar < SET_LIMIT(set); pvar++)

#endif /* !_SYS_LINKER_SET_H_ */
