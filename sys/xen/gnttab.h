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

struct gnttab_stats {
	u_long	gs_inuse;		/* grants handed out now */
	u_long	gs_nentries;		/* entries in the table */
	u_long	gs_frames;		/* table frames */
	u_long	gs_max_frames;
	u_long	gs_grants;		/* grants ever made */
	u_long	gs_busy;		/* revokes refused: still mapped */
	u_long	gs_exhausted;		/* requests refused: no free ref */
};
extern struct gnttab_stats gnttab_stats;

int	gnttab_grant_foreign_access(domid_t, u_long, bool, grant_ref_t *);
int	gnttab_end_foreign_access(grant_ref_t);
bool	gnttab_query_foreign_access(grant_ref_t);
void	gnttab_request_free_callback(struct gnttab_free_callback *,
	    gnttab_free_callback_t *, void *, u_int);
void	gnttab_cancel_free_callback(struct gnttab_free_callback *);

/* The free list, shared with the host tests (gnttab_freelist.c). */
#define	GNTTAB_NR_RESERVED	8	/* refs 0-7: the toolstack's */
#define	GNTTAB_LIST_END		0xffffffffU

struct gnttab_freelist {
	uint32_t	*gf_next;	/* next free ref, per entry */
	uint32_t	 gf_head;	/* first free ref or LIST_END */
	u_int		 gf_nentries;	/* entries covered by gf_next */
	u_int		 gf_nfree;
};

void	gnttab_fl_init(struct gnttab_freelist *, uint32_t *, u_int);
void	gnttab_fl_extend(struct gnttab_freelist *, uint32_t *, u_int);
int	gnttab_fl_get(struct gnttab_freelist *, uint32_t *);
int	gnttab_fl_put(struct gnttab_freelist *, uint32_t);

#endif /* !_XEN_GNTTAB_H_ */
