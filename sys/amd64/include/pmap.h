/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _MACHINE_PMAP_H_
#define	_MACHINE_PMAP_H_

/*
 * The kernel's address space under Xen PV (4-level paging):
 *
 *	0xffff800000000000 - 0xffff87ffffffffff	Xen (L4 slots 256-271);
 *						the m2p table is at its start
 *	DMAP_MIN = 0xffff880000000000		direct map of every
 *						pseudo-physical page (slot 272);
 *						page-table pages read-only
 *	KVA_MIN  = 0xffffff8000000000		kernel virtual memory (kmem,
 *						stacks), tables made on demand
 *						(slot 511)
 *	KERNBASE = 0xffffffff80000000		the image and Xen's bootstrap
 *						area (pfn n at KERNBASE + 4K*n)
 *	KMOD_MIN = 0xffffffffc0000000		loaded modules: the top 2 GiB,
 *						as -mcmodel=kernel code needs;
 *						tables made on demand
 *
 * Page-table entries hold machine frame numbers; pmap converts through
 * the p2m (pfn -> mfn, ours) and Xen's m2p (mfn -> pfn).
 */

#define	PG_V		0x001UL		/* present */
#define	PG_RW		0x002UL
#define	PG_U		0x004UL		/* Xen sets it on every entry */
#define	PG_A		0x020UL
#define	PG_M		0x040UL
#define	PG_PS		0x080UL		/* refused by Xen for PV */
#define	PG_G		0x100UL
#define	PG_NX		(1UL << 63)
#define	PG_FRAME	0x000ffffffffff000UL

#define	NPTEPG		512
#define	L4_SHIFT	39
#define	L3_SHIFT	30
#define	L2_SHIFT	21
#define	L1_SHIFT	12
#define	PT_INDEX(va, shift)	(((va) >> (shift)) & (NPTEPG - 1))

#define	DMAP_MIN	0xffff880000000000UL
#define	DMAP_SLOT	272
#define	KVA_MIN		0xffffff8000000000UL
#define	KVA_SIZE	(512UL << 20)		/* 512 MiB of kmem */
#define	KVA_MAX		(KVA_MIN + KVA_SIZE)
#define	KMOD_MIN	0xffffffffc0000000UL
#define	KMOD_SIZE	(256UL << 20)		/* 256 MiB of modules */
#define	KMOD_MAX	(KMOD_MIN + KMOD_SIZE)

#define	PHYS_TO_DMAP(pa)	((vm_offset_t)(pa) + DMAP_MIN)
#define	DMAP_TO_PHYS(va)	((vm_paddr_t)(va) - DMAP_MIN)

/* Protection for pmap_enter and pmap_protect. */
#define	VM_PROT_NONE	0x00
#define	VM_PROT_READ	0x01
#define	VM_PROT_WRITE	0x02
#define	VM_PROT_EXECUTE	0x04
#define	VM_PROT_RW	(VM_PROT_READ | VM_PROT_WRITE)

struct vm_page;

struct pmap {
	uint64_t	pm_l4_ma;	/* machine address of the L4 (set
					   at boot and by pmap_resume) */
	u_long		pm_count;	/* [p] leaf mappings made by pmap_enter */
};
typedef struct pmap *pmap_t;

extern struct pmap kernel_pmap_store;
#define	kernel_pmap	(&kernel_pmap_store)

struct pmap_stats {
	u_long	ps_tables;		/* page-table pages allocated */
	u_long	ps_kenter;		/* single mappings (update_va_mapping) */
	u_long	ps_qenter;		/* pages mapped in bulk */
};
extern struct pmap_stats pmap_stats;

extern u_long	xen_npages;		/* pfn space: p2m entries, page array */
extern u_long	xen_boot_npages;	/* pages the builder gave (nr_pages) */
extern u_long	*xen_p2m;		/* pfn -> mfn */

#define	PMAP_P2M_INVALID	(~0UL)	/* p2m entry of a page Xen took */

u_long	pfn_to_mfn(u_long);
u_long	mfn_to_pfn(u_long);
void	pmap_p2m_unback(struct vm_page **, u_int, u_long *);
void	pmap_p2m_back(struct vm_page **, u_int, const u_long *);
u_long	pmap_p2m_mismatches(const u_long *, u_long);

void	pmap_bootstrap(u_long);
void	pmap_publish_p2m(void);
void	pmap_resume(void);
void	pmap_kenter(vm_offset_t, vm_paddr_t, int);
void	pmap_kenter_ma(vm_offset_t, u_long, int);
void	pmap_kremove(vm_offset_t);
void	pmap_qenter(vm_offset_t, struct vm_page **, int, int);
void	pmap_qremove(vm_offset_t, int);
int	pmap_enter(pmap_t, vm_offset_t, vm_paddr_t, int);
void	pmap_remove(pmap_t, vm_offset_t, vm_offset_t);
void	pmap_protect(pmap_t, vm_offset_t, vm_offset_t, int);
vm_paddr_t pmap_extract(pmap_t, vm_offset_t);
int	pmap_growkernel(vm_offset_t);

#define	PMAP_NOPAGE	((vm_paddr_t)~0UL)

#endif /* !_MACHINE_PMAP_H_ */
