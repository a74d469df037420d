/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * What sys/vm/vm_page.c needs from the kernel, for the host build.
 */
#ifndef _VM_HOST_H_
#define	_VM_HOST_H_

#include <stdio.h>
#include <stdlib.h>

typedef long	register_t;
typedef uint64_t vm_paddr_t;

#define	PAGE_SHIFT	12
#define	PAGE_SIZE	(1UL << PAGE_SHIFT)
#define	ptoa(x)		((vm_paddr_t)(x) << PAGE_SHIFT)
#define	atop(x)		((x) >> PAGE_SHIFT)

/* Kernel assertions and panics end the test program with a message. */
#define	KASSERT(exp, msg) do {						\
	if (!(exp)) {							\
		printf msg;						\
		abort();						\
	}								\
} while (0)
#define	panic(...)	do { printf(__VA_ARGS__); abort(); } while (0)

static inline register_t intr_disable(void) { return (1); }
static inline void intr_restore(register_t s) { (void)s; }

#endif /* !_VM_HOST_H_ */
