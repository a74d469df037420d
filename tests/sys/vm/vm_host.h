/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel types <vm/vm_page.h>, <vm/vm_kern.h> and <machine/pmap.h>
 * use, for the test programs themselves (the kernel sources they test get
 * tests/sys/kern/host_kernel.h instead).
 */
#ifndef _VM_HOST_H_
#define	_VM_HOST_H_

#include <stdint.h>

typedef uint64_t vm_paddr_t;
typedef uint64_t vm_offset_t;
typedef uint64_t vm_size_t;

#define	PAGE_SHIFT	12
#define	PAGE_SIZE	(1UL << PAGE_SHIFT)
#define	ptoa(x)		((vm_paddr_t)(x) << PAGE_SHIFT)
#define	atop(x)		((x) >> PAGE_SHIFT)

#endif /* !_VM_HOST_H_ */
