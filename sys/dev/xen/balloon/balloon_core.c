/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The balloon's bookkeeping: the pages it holds and the steps that move
 * the domain toward a target.  The driver (balloon.c) owns the xenstore
 * watch, the thread and the timers; this file owns the pages.
 *
 * Sizes.  The domain's pfn space is the page array (vm.stats.npages); the
 * domain has now every page of it that is not unbacked, so
 * current = npages - unbacked.  The balloon holds the unbacked pages on
 * b_held (linked through plinks, which the allocator leaves to a page's
 * owner): at attach it adopts every page that is unbacked already (the
 * pfns above the boot memory start so, see pmap(9)), and it adds the ones
 * it gives back itself.
 *
 * Going down (the target is below current): take pages from the free list,
 * zeroed -- Xen does not scrub a page a live domain gives back before it
 * hands it to another domain -- and give their frames back
 * (bo_decrease); the pages Xen took go on b_held, the ones it refused go
 * back to the free list.  Never below the floor: the allocator keeps
 * b_minfree pages free, whatever the target, so the smallest the domain
 * gets is what the kernel uses now plus b_minfree
 * (floor = npages - unbacked - free + minfree).
 * Going up (the target is above current): take pages off b_held and have
 * them backed again (bo_populate); the ones Xen backed go to the free
 * list, the others back on b_held, in their old order.
 * One step moves at most BALLOON_BATCH pages, so the caller can look at
 * new targets and at detach between steps.
 *
 * Context: one thread at a time (the driver's task thread, or detach
 * after it drained it); the allocator locks itself.  Builds on the host
 * for the unit tests, with the host shim force-included.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>

#include <vm/vm_page.h>
#include <dev/xen/balloon/balloon_var.h>

void
balloon_init(struct balloon *b, const struct balloon_ops *ops, u_long minfree)
{
	memset(b, 0, sizeof(*b));
	b->b_ops = ops;
	b->b_minfree = minfree;
	TAILQ_INIT(&b->b_held);
}

/* Take every unbacked page of the page array; returns how many. */
u_long
balloon_adopt(struct balloon *b)
{
	vm_page_t m;
	u_long pfn, n;

	n = 0;
	for (pfn = 0; pfn < vm_page_stats.vs_npages; pfn++) {
		m = PHYS_TO_VM_PAGE(ptoa(pfn));
		if (m->state != VM_PAGE_UNBACKED)
			continue;
		TAILQ_INSERT_TAIL(&b->b_held, m, plinks);
		n++;
	}
	b->b_nheld += n;
	return (n);
}

/* Pages the domain has now. */
u_long
balloon_current(const struct balloon *b)
{
	return (vm_page_stats.vs_npages - vm_page_stats.vs_unbacked);
}

/* The fewest pages the domain may have: what is in use plus minfree. */
u_long
balloon_floor(const struct balloon *b)
{
	u_long used;

	used = vm_page_stats.vs_npages - vm_page_stats.vs_unbacked -
	    vm_page_stats.vs_free;
	return (MIN(used + b->b_minfree, vm_page_stats.vs_npages));
}

/* The most pages the domain can have: its whole pfn space. */
u_long
balloon_high(const struct balloon *b)
{
	return (vm_page_stats.vs_npages);
}

/*
 * memory/target as xenstore gives it: len bytes, not trusted.  Only
 * decimal digits (at most BALLOON_KIB_MAX) are a target, in KiB.
 */
int
balloon_parse_target(const char *s, size_t len, u_long *kibp)
{
	u_long v;
	size_t i;

	if (len == 0)
		return (BALLOON_TGT_EMPTY);
	v = 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (BALLOON_TGT_GARBAGE);
		if (v > BALLOON_KIB_MAX)
			continue;	/* keep checking the rest is digits */
		v = v * 10 + (u_long)(s[i] - '0');
	}
	if (v > BALLOON_KIB_MAX)
		return (BALLOON_TGT_HUGE);
	*kibp = v;
	return (BALLOON_TGT_OK);
}

const char *
balloon_target_problem(int why)
{
	switch (why) {
	case BALLOON_TGT_OK:
		return ("none");
	case BALLOON_TGT_EMPTY:
		return ("empty");
	case BALLOON_TGT_GARBAGE:
		return ("not a decimal number of KiB");
	case BALLOON_TGT_HUGE:
		return ("too large");
	default:
		return ("?");
	}
}

/*
 * How many of the 'got' pages a decrease or populate says it moved: more
 * than it was given never comes from xen_mem(9), only from a broken fake,
 * and is taken as none.
 */
static u_int
balloon_done(u_int got, u_int done)
{
	return (done > got ? 0 : done);
}

/*
 * The end of a step that moved 'done' of 'got' pages: *movedp, and the
 * error, EIO for a step cut short without one, counted.
 */
static int
balloon_end(struct balloon *b, int error, u_int got, u_int done,
    u_long *movedp)
{
	*movedp = done;
	if (error == 0 && done < got)
		error = EIO;
	if (error != 0)
		b->b_stats.bs_errors++;
	return (error);
}

/* Give up to n free pages back; sets *floorp if the floor stopped it. */
static int
balloon_down(struct balloon *b, u_long n, u_long *movedp, bool *floorp)
{
	u_int got, done, i;
	vm_page_t m;
	int error;

	for (got = 0; got < n; got++) {
		if (vm_page_free_count() <= b->b_minfree) {
			*floorp = true;
			break;
		}
		if ((m = vm_page_alloc(VM_ALLOC_ZERO)) == NULL) {
			*floorp = true;
			break;
		}
		b->b_batch[got] = m;
	}
	if (got == 0)
		return (0);
	error = b->b_ops->bo_decrease(b->b_batch, got, &done);
	done = balloon_done(got, done);
	for (i = 0; i < done; i++)
		TAILQ_INSERT_HEAD(&b->b_held, b->b_batch[i], plinks);
	for (i = done; i < got; i++)
		vm_page_free(b->b_batch[i]);
	b->b_nheld += done;
	b->b_stats.bs_decreased += done;
	return (balloon_end(b, error, got, done, movedp));
}

/* Have up to n held pages backed again. */
static int
balloon_up(struct balloon *b, u_long n, u_long *movedp)
{
	u_int got, done, i;
	vm_page_t m;
	int error;

	for (got = 0; got < n && (m = TAILQ_FIRST(&b->b_held)) != NULL;
	    got++) {
		TAILQ_REMOVE(&b->b_held, m, plinks);
		b->b_batch[got] = m;
	}
	if (got == 0)
		return (0);
	error = b->b_ops->bo_populate(b->b_batch, got, &done);
	done = balloon_done(got, done);
	for (i = 0; i < done; i++)
		vm_page_free(b->b_batch[i]);
	/* The rest go back at the head, in their old order. */
	for (i = got; i > done; i--)
		TAILQ_INSERT_HEAD(&b->b_held, b->b_batch[i - 1], plinks);
	b->b_nheld -= done;
	b->b_stats.bs_populated += done;
	return (balloon_end(b, error, got, done, movedp));
}

/*
 * One step toward 'target' pages: at most BALLOON_BATCH pages down or up.
 * *movedp is the number of pages that moved (0: nothing left to do, or
 * the floor was reached, and then *floorp is set).  Returns 0, or the
 * error of a step the hypervisor cut short (the caller backs off).
 */
int
balloon_step(struct balloon *b, u_long target, u_long *movedp, bool *floorp)
{
	u_long cur;

	*movedp = 0;
	*floorp = false;
	cur = balloon_current(b);
	if (target < cur)
		return (balloon_down(b, MIN(cur - target, BALLOON_BATCH),
		    movedp, floorp));
	if (target > cur)
		return (balloon_up(b, MIN(target - cur, BALLOON_BATCH),
		    movedp));
	return (0);
}

/*
 * Detach: have every held page backed again, as far as the hypervisor
 * lets us.  The pages it would not back stay unbacked in the page array
 * (the next attach adopts them); *leftp says how many.
 */
int
balloon_release(struct balloon *b, u_long *leftp)
{
	u_long moved;
	int error;

	error = 0;
	while (b->b_nheld > 0) {
		moved = 0;
		error = balloon_up(b, MIN(b->b_nheld, BALLOON_BATCH), &moved);
		if (error != 0 || moved == 0)
			break;
	}
	*leftp = b->b_nheld;
	TAILQ_INIT(&b->b_held);
	b->b_nheld = 0;
	return (error);
}
