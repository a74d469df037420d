/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Fixed-width and kernel scalar types.  The kernel is built with -nostdinc,
 * so this header, not the C library's, defines them; the Xen public headers
 * (<xen/xen.h> and friends) rely on the uintN_t names being present before
 * they are included.
 */
#ifndef _SYS_TYPES_H_
#define	_SYS_TYPES_H_

#include <sys/cdefs.h>

typedef signed char		int8_t;
typedef unsigned char		uint8_t;
typedef short			int16_t;
typedef unsigned short		uint16_t;
typedef int			int32_t;
typedef unsigned int		uint32_t;
typedef long			int64_t;
typedef unsigned long		uint64_t;
typedef long			intptr_t;
typedef unsigned long		uintptr_t;
typedef long			intmax_t;
typedef unsigned long		uintmax_t;
typedef unsigned long		size_t;
typedef long			ssize_t;
typedef long			ptrdiff_t;
typedef long			off_t;

typedef unsigned char		u_char;
typedef unsigned short		u_short;
typedef unsigned int		u_int;
typedef unsigned long		u_long;

typedef uint64_t		vm_offset_t;	/* kernel virtual address */
typedef uint64_t		vm_paddr_t;	/* pseudo-physical address */
typedef uint64_t		vm_maddr_t;	/* machine address (Xen) */
typedef uint64_t		vm_pindex_t;
typedef long			register_t;
typedef uint64_t		vm_size_t;

typedef _Bool			bool;
#define	true	1
#define	false	0

#define	NULL	((void *)0)

#define	INT_MAX		0x7fffffff
#define	UINT_MAX	0xffffffffU
#define	LONG_MAX	0x7fffffffffffffffL
#define	ULONG_MAX	0xffffffffffffffffUL
#define	SIZE_MAX	ULONG_MAX

#endif /* !_SYS_TYPES_H_ */
