/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _VM_VM_KERN_H_
#define	_VM_VM_KERN_H_

/* Kernel virtual memory: address ranges and wired, mapped blocks. */
vm_offset_t	kva_alloc(vm_size_t);
void		kva_free(vm_offset_t, vm_size_t);
vm_offset_t	kmem_malloc(vm_size_t, int);
void		kmem_free(vm_offset_t, vm_size_t);
u_long		kva_pages_inuse(void);
vm_offset_t	kmem_malloc_kmod(vm_size_t, int);
void		kmem_free_kmod(vm_offset_t, vm_size_t);
u_long		kmod_pages_inuse(void);

#endif /* !_VM_VM_KERN_H_ */
