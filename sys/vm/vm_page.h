/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _VM_VM_PAGE_H_
#define	_VM_VM_PAGE_H_

#include <sys/queue.h>

/*
 * One struct vm_page per pseudo-physical page of the domain.  Pages are
 * free, allocated to someone, page-table pages (read-only everywhere, see
 * pmap), reserved since boot (kernel image, p2m list, start_info, rings,
 * the page array itself), or unbacked: their memory was given back to the
 * hypervisor (a balloon driver), and they stay out of use until it is
 * given again.  Lock: vm_page_lock protects the free list and
 * every state change [f]; the other fields belong to the allocator's owner.
 */
struct vm_page {
	TAILQ_ENTRY(vm_page) plinks;	/* [f] free list, or the owner's */
	vm_paddr_t	phys_addr;	/* [I] pseudo-physical address */
	uint8_t		state;		/* [f] VM_PAGE_* */
	uint8_t		mbucket;	/* zone index + 1, or 0 */
	uint16_t	flags;		/* owner's (zone: first free + 1) */
	uint32_t	npages;		/* owner's (zone: objects in use;
					   malloc: pages of a large block) */
};
typedef struct vm_page *vm_page_t;

#define	VM_PAGE_RESERVED	0	/* in use since boot */
#define	VM_PAGE_FREE		1
#define	VM_PAGE_ALLOCATED	2
#define	VM_PAGE_PTABLE		3	/* a page-table page */
#define	VM_PAGE_UNBACKED	4	/* no memory behind it (given back) */

#define	VM_ALLOC_ZERO		0x01	/* zero the page */

struct vm_page_stats {
	u_long	vs_npages;	/* pages in the array */
	u_long	vs_free;	/* pages on the free list */
	u_long	vs_reserved;
	u_long	vs_ptable;
	u_long	vs_unbacked;	/* pages without memory behind them */
	u_long	vs_allocs;	/* allocations ever made */
	u_long	vs_failures;	/* allocations refused: no free page */
};

extern struct vm_page_stats vm_page_stats;

#define	VM_PAGE_TO_PHYS(m)	((m)->phys_addr)

void		vm_page_startup(vm_page_t, u_long);
void		vm_page_release_range(u_long, u_long);
vm_page_t	vm_page_alloc(int);
void		vm_page_free(vm_page_t);
void		vm_page_set_state(vm_page_t, int);
vm_page_t	PHYS_TO_VM_PAGE(vm_paddr_t);
u_long		vm_page_free_count(void);

/* Zeroing goes through the machine-dependent direct map. */
void		pmap_zero_page(vm_page_t);

#endif /* !_VM_VM_PAGE_H_ */
