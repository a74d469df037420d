/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel types <vm/vm_page.h> uses, for the test program itself
 * (sys/vm/vm_page.c gets tests/sys/kern/host_kernel.h instead).
 */
#ifndef _VM_HOST_H_
#define	_VM_HOST_H_

#include <stdint.h>

typedef uint64_t vm_paddr_t;

#define	PAGE_SHIFT	12
#define	PAGE_SIZE	(1UL << PAGE_SHIFT)
#define	ptoa(x)		((vm_paddr_t)(x) << PAGE_SHIFT)
#define	atop(x)		((x) >> PAGE_SHIFT)

#endif /* !_VM_HOST_H_ */
