/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * One of each resource a PV driver holds, taken and given back as one,
 * for the kernel linker's test modules (kld_res.ko and kld_fail.ko, which
 * the kld_cycle and kld_fail in-kernel tests load and count around): a
 * small allocation and a page of the module's own malloc type, a grant of
 * that page to dom0, an unbound event channel and a xenstore watch.
 * Taking is all or nothing.  The functions are static: each module
 * compiles its own copy, so no two loaded files define the same symbol.
 */
#ifndef _TESTS_KERN_KLD_TAKE_H_
#define	_TESTS_KERN_KLD_TAKE_H_

#include <machine/pmap.h>
#include <xen/gnttab.h>
#include <xen/xen_evtchn.h>
#include <xen/xenstore/xenstorevar.h>

struct kld_take {
	struct malloc_type *kt_type;
	const char	*kt_name;
	void		*kt_small;
	void		*kt_page;
	grant_ref_t	 kt_ref;
	evtchn_port_t	 kt_port;
	struct xs_watch	 kt_watch;
	u_long		 kt_events;		/* on the event channel */
	u_long		 kt_watch_events;
	bool		 kt_granted;
	bool		 kt_bound;
	bool		 kt_watching;
};

static void
kld_take_intr(void *arg)
{
	struct kld_take *kt = arg;

	kt->kt_events++;
}

static void
kld_take_watch_cb(struct xs_watch *w, const char *path)
{
	struct kld_take *kt = w->xw_arg;

	kt->kt_watch_events++;
}

/* Give back what kld_take() took, whatever it got to. */
static void
kld_give(struct kld_take *kt)
{
	if (kt->kt_watching)
		xs_watch_unregister(&kt->kt_watch);
	if (kt->kt_bound)
		evtchn_unbind(kt->kt_port);
	if (kt->kt_granted && gnttab_end_foreign_access(kt->kt_ref) != 0)
		printf("%s: grant %u still mapped\n", kt->kt_name, kt->kt_ref);
	free(kt->kt_page, kt->kt_type);
	free(kt->kt_small, kt->kt_type);
	kt->kt_watching = kt->kt_bound = kt->kt_granted = false;
	kt->kt_page = kt->kt_small = NULL;
}

/* Take them all (small: the small allocation's size), or none: errno. */
static int
kld_take(struct kld_take *kt, struct malloc_type *type, const char *name,
    size_t small, const char *watchpath)
{
	u_long mfn;
	int error;

	kt->kt_type = type;
	kt->kt_name = name;
	kt->kt_small = malloc(small, type, M_NOWAIT | M_ZERO);
	kt->kt_page = malloc(PAGE_SIZE, type, M_NOWAIT | M_ZERO);
	if (kt->kt_small == NULL || kt->kt_page == NULL) {
		error = ENOMEM;
		goto fail;
	}
	mfn = pfn_to_mfn(atop(pmap_extract(kernel_pmap,
	    (vm_offset_t)kt->kt_page)));
	if ((error = gnttab_grant_foreign_access(0, mfn, true,
	    &kt->kt_ref)) != 0)
		goto fail;
	kt->kt_granted = true;
	if ((error = evtchn_alloc_unbound(0, kld_take_intr, kt, name,
	    &kt->kt_port)) != 0)
		goto fail;
	kt->kt_bound = true;
	if ((error = xs_watch_register(&kt->kt_watch, watchpath,
	    kld_take_watch_cb, kt)) != 0)
		goto fail;
	kt->kt_watching = true;
	return (0);
fail:
	kld_give(kt);
	return (error);
}

#endif /* !_TESTS_KERN_KLD_TAKE_H_ */
