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
 *
 * Reservations.  A driver that must never fail to find a reference on its
 * I/O path (one per ring slot) sets them aside at attach: reserving moves
 * refs from the free list onto a chain of the reservation's own, threaded
 * through the same "next" array, so claiming one later is a pop that
 * cannot fail while the chain is not empty, whatever other consumers do to
 * the free list.  A claimed ref is in use (marked like an allocated one);
 * releasing puts it back on its reservation's chain, unreserving puts the
 * whole chain back on the free list.  Each ref is thus in exactly one of
 * four places: the toolstack's, the free list, a reservation's chain, or
 * in use -- and gf_nfree, gf_nreserved and the refs in use add up to the
 * entries past the toolstack's.  Every ref not in use carries a link, not
 * the in-use mark, so freeing or releasing a ref that sits on any chain is
 * refused.
 *
 * Pure bookkeeping: the caller holds the grant-table lock.  Built on the
 * host by tests/sys/xen/gnttab_fl_test.c.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>

#include <xen/gnttab.h>

#define	GF_INUSE	0xfffffffeU	/* gf_next mark of an allocated ref */

/* Is 'ref' a ref of the table that is in use (allocated or claimed)? */
bool
gnttab_fl_inuse(struct gnttab_freelist *fl, uint32_t ref)
{
	return (ref >= GNTTAB_NR_RESERVED && ref < fl->gf_nentries &&
	    fl->gf_next[ref] == GF_INUSE);
}

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
	fl->gf_nreserved = 0;
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
	if (!gnttab_fl_inuse(fl, ref))
		return (EINVAL);
	fl->gf_next[ref] = fl->gf_head;
	fl->gf_head = ref;
	fl->gf_nfree++;
	return (0);
}

void
gnttab_res_init(struct gnttab_reservation *res)
{
	res->gr_head = GNTTAB_LIST_END;
	res->gr_count = 0;
}

/*
 * Move 'count' refs from the free list onto the reservation's chain: all
 * or none (ENOSPC).  A reservation may be topped up by reserving again.
 */
int
gnttab_fl_reserve(struct gnttab_freelist *fl, struct gnttab_reservation *res,
    u_int count)
{
	uint32_t ref;
	u_int i;

	if (count > fl->gf_nfree)
		return (ENOSPC);
	for (i = 0; i < count; i++) {
		ref = fl->gf_head;
		fl->gf_head = fl->gf_next[ref];
		fl->gf_next[ref] = res->gr_head;
		res->gr_head = ref;
	}
	fl->gf_nfree -= count;
	fl->gf_nreserved += count;
	res->gr_count += count;
	return (0);
}

/* Take a ref off the reservation's chain: ENOSPC only if it is empty. */
int
gnttab_fl_claim(struct gnttab_freelist *fl, struct gnttab_reservation *res,
    uint32_t *refp)
{
	uint32_t ref = res->gr_head;

	if (ref == GNTTAB_LIST_END)
		return (ENOSPC);
	res->gr_head = fl->gf_next[ref];
	fl->gf_next[ref] = GF_INUSE;
	res->gr_count--;
	fl->gf_nreserved--;
	*refp = ref;
	return (0);
}

/* Put a ref in use back on a reservation's chain; EINVAL if not in use. */
int
gnttab_fl_release(struct gnttab_freelist *fl, struct gnttab_reservation *res,
    uint32_t ref)
{
	if (!gnttab_fl_inuse(fl, ref))
		return (EINVAL);
	fl->gf_next[ref] = res->gr_head;
	res->gr_head = ref;
	res->gr_count++;
	fl->gf_nreserved++;
	return (0);
}

/* Give every unclaimed ref back to the free list; returns how many. */
u_int
gnttab_fl_unreserve(struct gnttab_freelist *fl, struct gnttab_reservation *res)
{
	uint32_t ref, next;
	u_int n;

	n = 0;
	for (ref = res->gr_head; ref != GNTTAB_LIST_END; ref = next) {
		next = fl->gf_next[ref];
		fl->gf_next[ref] = fl->gf_head;
		fl->gf_head = ref;
		n++;
	}
	fl->gf_nfree += n;
	fl->gf_nreserved -= n;
	res->gr_head = GNTTAB_LIST_END;
	res->gr_count = 0;
	return (n);
}
