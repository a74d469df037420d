/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _XEN_GNTTAB_H_
#define	_XEN_GNTTAB_H_

#include <xen/grant_table.h>

/*
 * Grant tables, v1 (see gnttab(9)): let another domain map or copy one of
 * our pages.  A grant reference names an entry; the driver passes it to
 * the backend through xenstore or a shared ring.
 */
typedef void gnttab_free_callback_t(void *);

struct gnttab_free_callback {
	struct gnttab_free_callback *gfc_next;	/* [g] */
	gnttab_free_callback_t	*gfc_fn;	/* [g] */
	void			*gfc_arg;	/* [g] */
	u_int			 gfc_count;	/* [g] refs it waits for */
	bool			 gfc_queued;	/* [g] */
};

/*
 * A set of references put aside for one driver (see gnttab(9)): claims
 * from it cannot fail while it is not empty.  The owner zeroes nothing:
 * gnttab_reserve() initializes it.
 */
struct gnttab_reservation {
	uint32_t	gr_head;	/* [g] first unclaimed ref or LIST_END */
	u_int		gr_count;	/* [g] unclaimed refs on the chain */
};

struct gnttab_stats {
	u_long	gs_inuse;		/* refs handed out: granted or claimed */
	u_long	gs_reserved;		/* refs in reservations, unclaimed */
	u_long	gs_free;		/* refs on the free list */
	u_long	gs_nentries;		/* entries in the table */
	u_long	gs_frames;		/* table frames */
	u_long	gs_max_frames;
	u_long	gs_grants;		/* grants ever made */
	u_long	gs_busy;		/* revokes refused: still mapped */
	u_long	gs_exhausted;		/* requests refused: no free ref */
	u_long	gs_resumes;		/* fresh tables: restores */
};
extern struct gnttab_stats gnttab_stats;

int	gnttab_grant_foreign_access(domid_t, u_long, bool, grant_ref_t *);
int	gnttab_end_foreign_access(grant_ref_t);
int	gnttab_grant_access_ref(grant_ref_t, domid_t, u_long, bool);
int	gnttab_end_access_ref(grant_ref_t);
int	gnttab_reserve(u_int, struct gnttab_reservation *);
int	gnttab_claim(struct gnttab_reservation *, grant_ref_t *);
int	gnttab_release(struct gnttab_reservation *, grant_ref_t);
void	gnttab_unreserve(struct gnttab_reservation *);
int	gnttab_grant_buffer(domid_t, const void *, size_t, bool,
	    struct gnttab_reservation *, grant_ref_t *, u_int *);
int	gnttab_end_buffer(struct gnttab_reservation *, grant_ref_t *, u_int);

/* References a buffer of 'len' bytes at 'va' needs: one per page. */
#define	GNTTAB_BUFFER_NREFS(va, len)					\
	((u_int)((((uintptr_t)(va) & PAGE_MASK) + (len) + PAGE_MASK) >>	\
	    PAGE_SHIFT))
#define	GNTTAB_REF_INVALID	0xffffffffU
bool	gnttab_query_foreign_access(grant_ref_t);
const volatile grant_entry_v1_t *gnttab_entry(grant_ref_t);
void	gnttab_request_free_callback(struct gnttab_free_callback *,
	    gnttab_free_callback_t *, void *, u_int);
void	gnttab_cancel_free_callback(struct gnttab_free_callback *);
int	gnttab_query_size(u_int *, u_int *);
void	gnttab_suspend(void);
void	gnttab_resume(bool);

/* The free list, shared with the host tests (gnttab_freelist.c). */
#define	GNTTAB_NR_RESERVED	8	/* refs 0-7: the toolstack's */
#define	GNTTAB_LIST_END		0xffffffffU

struct gnttab_freelist {
	uint32_t	*gf_next;	/* next free ref, per entry */
	uint32_t	 gf_head;	/* first free ref or LIST_END */
	u_int		 gf_nentries;	/* entries covered by gf_next */
	u_int		 gf_nfree;
	u_int		 gf_nreserved;	/* on reservations' chains */
};

void	gnttab_fl_init(struct gnttab_freelist *, uint32_t *, u_int);
void	gnttab_fl_extend(struct gnttab_freelist *, uint32_t *, u_int);
int	gnttab_fl_get(struct gnttab_freelist *, uint32_t *);
int	gnttab_fl_put(struct gnttab_freelist *, uint32_t);
bool	gnttab_fl_inuse(struct gnttab_freelist *, uint32_t);
void	gnttab_res_init(struct gnttab_reservation *);
int	gnttab_fl_reserve(struct gnttab_freelist *,
	    struct gnttab_reservation *, u_int);
int	gnttab_fl_claim(struct gnttab_freelist *, struct gnttab_reservation *,
	    uint32_t *);
int	gnttab_fl_release(struct gnttab_freelist *,
	    struct gnttab_reservation *, uint32_t);
u_int	gnttab_fl_unreserve(struct gnttab_freelist *,
	    struct gnttab_reservation *);

#endif /* !_XEN_GNTTAB_H_ */
