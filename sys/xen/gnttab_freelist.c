/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The grant-reference free list: an array with one "next" link per entry,
 * threaded through the free ones; refs 0-7 are the toolstack's and never
 * on it.  Growing the table (gnttab.c) hands over a larger array holding
 * the old links and threads the new entries on.  A ref put back twice, or
 * one out of range, is refused (EINVAL) rather than corrupting the list.
 * Pure bookkeeping: the caller holds the grant-table lock.  Built on the
 * host by tests/sys/xen/gnttab_test.c.
 */

#ifdef _KERNEL
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#endif

#include <xen/gnttab.h>

#define	GF_INUSE	0xfffffffeU	/* gf_next mark of an allocated ref */

static void
gnttab_fl_thread(struct gnttab_freelist *fl, u_int first, u_int last)
{
	u_int i;

	/* Push in descending order: low refs are handed out first. */
	for (i = last; i > first; i--) {
		fl->gf_next[i - 1] = fl->gf_head;
		fl->gf_head = i - 1;
		fl->gf_nfree++;
	}
}

void
gnttab_fl_init(struct gnttab_freelist *fl, uint32_t *next, u_int nentries)
{
	u_int i;

	fl->gf_next = next;
	fl->gf_head = GNTTAB_LIST_END;
	fl->gf_nentries = nentries;
	fl->gf_nfree = 0;
	for (i = 0; i < nentries && i < GNTTAB_NR_RESERVED; i++)
		next[i] = GF_INUSE;
	if (nentries > GNTTAB_NR_RESERVED)
		gnttab_fl_thread(fl, GNTTAB_NR_RESERVED, nentries);
}

/* 'next' holds the old links in its first gf_nentries slots. */
void
gnttab_fl_extend(struct gnttab_freelist *fl, uint32_t *next, u_int nentries)
{
	u_int old = fl->gf_nentries;

	fl->gf_next = next;
	fl->gf_nentries = nentries;
	if (nentries > old)
		gnttab_fl_thread(fl, old < GNTTAB_NR_RESERVED ?
		    GNTTAB_NR_RESERVED : old, nentries);
}

int
gnttab_fl_get(struct gnttab_freelist *fl, uint32_t *refp)
{
	uint32_t ref = fl->gf_head;

	if (ref == GNTTAB_LIST_END)
		return (ENOSPC);
	fl->gf_head = fl->gf_next[ref];
	fl->gf_next[ref] = GF_INUSE;
	fl->gf_nfree--;
	*refp = ref;
	return (0);
}

int
gnttab_fl_put(struct gnttab_freelist *fl, uint32_t ref)
{
	if (ref < GNTTAB_NR_RESERVED || ref >= fl->gf_nentries ||
	    fl->gf_next[ref] != GF_INUSE)
		return (EINVAL);
	fl->gf_next[ref] = fl->gf_head;
	fl->gf_head = ref;
	fl->gf_nfree++;
	return (0);
}
