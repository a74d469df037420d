/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Event channels, 2-level ABI.
 *
 * Xen signals a port by setting its bit in shared_info's evtchn_pending
 * bitmap (4096 ports, 64 words of 64 bits), its word's bit in this vCPU's
 * evtchn_pending_sel, and evtchn_upcall_pending; if the vCPU's upcall mask
 * is clear it then bounces us to the event callback (exception.S ->
 * trap() -> evtchn_upcall()).  The upcall loop:
 *
 *	repeat while upcall_pending:
 *	    upcall_pending = 0
 *	    sel = xchg(pending_sel, 0)
 *	    for each word w in sel, for each port p pending & ~masked:
 *	        clear p's pending bit (locked), run p's handler
 *
 * A port only raises an upcall on a 0 -> 1 transition of its pending bit,
 * so the bit is cleared before the handler runs: an event that arrives
 * during the handler is seen on the next pass, never lost.  The scan
 * resumes after the last port served, so a busy low port cannot starve
 * the others.
 *
 * Every port starts masked (evtchn_init); binding a handler unmasks it,
 * with the local unmask protocol that re-raises an event that was pending
 * while masked.  Handlers run with events masked and may not sleep.
 * Ports and handler records live in a two-level table allocated as ports
 * are bound.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/frame.h>
#include <machine/hypercall.h>
#include <machine/trap.h>
#include <machine/xen.h>
#include <xen/xen_evtchn.h>

#define	EVTCHN_NPORTS	(64 * 64)
#define	EVTCHN_BPW	64

struct evtchn_port {
	evtchn_handler_t *ep_handler;	/* [e] */
	void		*ep_arg;	/* [e] */
	const char	*ep_name;	/* [e] */
	u_long		 ep_count;	/* [e] events handled */
	bool		 ep_bound;	/* [e] we own the port (close it) */
};

MALLOC_DEFINE(M_EVTCHN, "evtchn", "event channel handlers");

static struct evtchn_port *evtchn_dir[EVTCHN_NPORTS / EVTCHN_BPW];
static u_int evtchn_resume_word, evtchn_resume_bit, evtchn_nports_bound;
u_long evtchn_upcalls, evtchn_spurious;

static void	evtchn_upcall(struct trapframe *);

static volatile u_long *
evtchn_pending_word(u_int w)
{
	return ((volatile u_long *)&HYPERVISOR_shared_info->evtchn_pending[w]);
}

static volatile u_long *
evtchn_mask_word(u_int w)
{
	return ((volatile u_long *)&HYPERVISOR_shared_info->evtchn_mask[w]);
}

static struct evtchn_port *
evtchn_lookup(evtchn_port_t port)
{
	struct evtchn_port *dir;

	if (port == 0 || port >= EVTCHN_NPORTS)
		return (NULL);
	dir = evtchn_dir[port / EVTCHN_BPW];
	if (dir == NULL || dir[port % EVTCHN_BPW].ep_handler == NULL)
		return (NULL);
	return (&dir[port % EVTCHN_BPW]);
}

void
evtchn_mask(evtchn_port_t port)
{
	if (port == 0 || port >= EVTCHN_NPORTS)
		return;
	atomic_set_long(evtchn_mask_word(port / EVTCHN_BPW),
	    1UL << (port % EVTCHN_BPW));
}

/*
 * Unmask locally: clear the mask bit; if the port was pending meanwhile,
 * set its selector bit and upcall_pending so the event is not lost, and
 * if events are enabled take it now.
 */
void
evtchn_unmask(evtchn_port_t port)
{
	volatile struct vcpu_info *v = &HYPERVISOR_shared_info->vcpu_info[0];
	u_int w = port / EVTCHN_BPW;

	if (port == 0 || port >= EVTCHN_NPORTS)
		return;
	atomic_clear_long(evtchn_mask_word(w), 1UL << (port % EVTCHN_BPW));
	if ((*evtchn_pending_word(w) & (1UL << (port % EVTCHN_BPW))) != 0 &&
	    !atomic_testandset_long((volatile u_long *)&v->evtchn_pending_sel,
	    w)) {
		v->evtchn_upcall_pending = 1;
		if (!v->evtchn_upcall_mask)
			(void)HYPERVISOR_xen_version(XENVER_version, NULL);
	}
}

/* Signal the other end of 'port'.  Usable from the first instruction. */
void
evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send send = { .port = port };

	(void)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

/*
 * Wait, blocked in Xen, until 'port' is pending or Xen system time reaches
 * 'deadline' (ns).  The pending bit is cleared first so that an old
 * notification does not end the wait at once; callers re-check their
 * condition afterwards.  For paths that cannot take the upcall (the early
 * console, events masked); usable from the first instruction.
 */
int
evtchn_poll(evtchn_port_t port, uint64_t deadline)
{
	struct sched_poll poll;
	evtchn_port_t ports[1] = { port };

	if (port >= EVTCHN_NPORTS)
		return (EINVAL);
	atomic_testandclear_long(evtchn_pending_word(port / EVTCHN_BPW),
	    port % EVTCHN_BPW);
	set_xen_guest_handle(poll.ports, ports);
	poll.nr_ports = 1;
	/* Our clock and Xen's differ after a resume (xen_suspend(9)). */
	poll.timeout = deadline != 0 ? xen_clock_to_system(deadline) : 0;
	return (xen_errno(HYPERVISOR_sched_op(SCHEDOP_poll, &poll)));
}

/*
 * Attach a handler to a port we already hold (e.g. the console's and
 * xenstore's, allocated by the domain builder) and unmask it.
 */
int
evtchn_bind_handler(evtchn_port_t port, evtchn_handler_t *handler, void *arg,
    const char *name)
{
	struct evtchn_port *dir, *ep;
	register_t s;

	if (port == 0 || port >= EVTCHN_NPORTS || handler == NULL)
		return (EINVAL);
	if ((dir = evtchn_dir[port / EVTCHN_BPW]) == NULL) {
		dir = malloc(EVTCHN_BPW * sizeof(*dir), M_EVTCHN,
		    M_NOWAIT | M_ZERO);
		if (dir == NULL)
			return (ENOMEM);
		evtchn_dir[port / EVTCHN_BPW] = dir;
	}
	ep = &dir[port % EVTCHN_BPW];
	s = intr_disable();
	if (ep->ep_handler != NULL) {
		intr_restore(s);
		return (EBUSY);
	}
	ep->ep_handler = handler;
	ep->ep_arg = arg;
	ep->ep_name = name;
	ep->ep_count = 0;
	ep->ep_bound = false;
	evtchn_nports_bound++;
	intr_restore(s);
	evtchn_unmask(port);
	return (0);
}

static int
evtchn_bind_new(evtchn_port_t port, evtchn_handler_t *handler, void *arg,
    const char *name, evtchn_port_t *portp)
{
	struct evtchn_close close = { .port = port };
	int error;

	if ((error = evtchn_bind_handler(port, handler, arg, name)) != 0) {
		(void)HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
		return (error);
	}
	evtchn_lookup(port)->ep_bound = true;
	*portp = port;
	return (0);
}

int
evtchn_bind_virq(u_int virq, evtchn_handler_t *handler, void *arg,
    const char *name, evtchn_port_t *portp)
{
	struct evtchn_bind_virq op = { .virq = virq, .vcpu = 0 };
	int error;

	error = xen_errno(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq,
	    &op));
	if (error != 0)
		return (error);
	return (evtchn_bind_new(op.port, handler, arg, name, portp));
}

int
evtchn_bind_interdomain(domid_t dom, evtchn_port_t remote,
    evtchn_handler_t *handler, void *arg, const char *name,
    evtchn_port_t *portp)
{
	struct evtchn_bind_interdomain op = {
		.remote_dom = dom,
		.remote_port = remote,
	};
	int error;

	error = xen_errno(HYPERVISOR_event_channel_op(
	    EVTCHNOP_bind_interdomain, &op));
	if (error != 0)
		return (error);
	return (evtchn_bind_new(op.local_port, handler, arg, name, portp));
}

int
evtchn_alloc_unbound(domid_t remote, evtchn_handler_t *handler, void *arg,
    const char *name, evtchn_port_t *portp)
{
	struct evtchn_alloc_unbound op = {
		.dom = DOMID_SELF,
		.remote_dom = remote,
	};
	int error;

	error = xen_errno(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound,
	    &op));
	if (error != 0)
		return (error);
	return (evtchn_bind_new(op.port, handler, arg, name, portp));
}

/*
 * Detach the handler, mask the port, drop anything pending, and close the
 * port if we allocated it.  After this returns the handler is not running
 * and will not run again.
 */
void
evtchn_unbind(evtchn_port_t port)
{
	struct evtchn_close close = { .port = port };
	struct evtchn_port *ep;
	register_t s;
	bool bound;

	s = intr_disable();
	if ((ep = evtchn_lookup(port)) == NULL) {
		intr_restore(s);
		return;
	}
	evtchn_mask(port);
	atomic_clear_long(evtchn_pending_word(port / EVTCHN_BPW),
	    1UL << (port % EVTCHN_BPW));
	bound = ep->ep_bound;
	ep->ep_handler = NULL;
	ep->ep_arg = NULL;
	evtchn_nports_bound--;
	intr_restore(s);
	if (bound)
		(void)HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
}

u_long
evtchn_count(evtchn_port_t port)
{
	struct evtchn_port *ep = evtchn_lookup(port);

	return (ep != NULL ? ep->ep_count : 0);
}

u_int
evtchn_nbound(void)
{
	return (evtchn_nports_bound);
}

/*
 * The upcall: called from trap() with events masked.  One port is served
 * per step, always the next pending one at or after the resume point
 * (word, bit), wrapping around, so ports are served round-robin.
 */
static void
evtchn_upcall(struct trapframe *tf)
{
	volatile struct vcpu_info *v = &HYPERVISOR_shared_info->vcpu_info[0];
	struct evtchn_port *ep;
	u_long sel, pending;
	u_int w, b, i, port;

	evtchn_upcalls++;
	while (v->evtchn_upcall_pending) {
		v->evtchn_upcall_pending = 0;
		sel = atomic_swap_long((volatile u_long *)&v->evtchn_pending_sel,
		    0);
		while (sel != 0) {
			/* The first selected word at or after the resume word. */
			for (i = 0; i < EVTCHN_BPW; i++) {
				w = (evtchn_resume_word + i) % EVTCHN_BPW;
				if ((sel & (1UL << w)) != 0)
					break;
			}
			if (w != evtchn_resume_word)
				evtchn_resume_bit = 0;
			pending = *evtchn_pending_word(w) &
			    ~*evtchn_mask_word(w);
			if (pending == 0) {
				sel &= ~(1UL << w);
				continue;
			}
			/* The first pending bit at or after the resume bit. */
			if ((pending >> evtchn_resume_bit) != 0)
				b = evtchn_resume_bit +
				    __builtin_ctzl(pending >> evtchn_resume_bit);
			else
				b = __builtin_ctzl(pending);
			port = w * EVTCHN_BPW + b;
			atomic_testandclear_long(evtchn_pending_word(w), b);
			if (b + 1 < EVTCHN_BPW) {
				evtchn_resume_word = w;
				evtchn_resume_bit = b + 1;
			} else {
				evtchn_resume_word = (w + 1) % EVTCHN_BPW;
				evtchn_resume_bit = 0;
			}
			if ((ep = evtchn_lookup(port)) == NULL) {
				evtchn_spurious++;
				evtchn_mask(port);
				continue;
			}
			ep->ep_count++;
			ep->ep_handler(ep->ep_arg);
		}
	}
}

/*
 * After a resume (xen_suspend(9)), events masked.  A cancelled suspend
 * keeps every port.  A new domain has none of ours: Xen's restore made
 * only fresh xenstore and console ports, masked every port and cleared
 * every pending bit.  So every handler record is dropped -- without
 * EVTCHNOP_close, the numbers may already name the new ports -- and each
 * owner binds again: the clock its VIRQ, the console and xenstore their
 * new ports from start_info, each driver in its DEVICE_RESUME.  Returns
 * how many records were dropped.
 */
u_int
evtchn_resume(bool newdom)
{
	struct evtchn_port *dir;
	u_int w, b, n;

	if (!newdom)
		return (0);
	n = 0;
	for (w = 0; w < nitems(evtchn_dir); w++) {
		if ((dir = evtchn_dir[w]) == NULL)
			continue;
		for (b = 0; b < EVTCHN_BPW; b++) {
			if (dir[b].ep_handler != NULL)
				n++;
			memset(&dir[b], 0, sizeof(dir[b]));
		}
	}
	/* Xen masked them all; what is pending now is news for a new port. */
	for (w = 0; w < EVTCHN_BPW; w++)
		*evtchn_mask_word(w) = ~0UL;
	evtchn_nports_bound = 0;
	evtchn_resume_word = evtchn_resume_bit = 0;
	return (n);
}

/* Start with every port masked and nothing stale pending. */
static void
evtchn_init(void *arg)
{
	u_int w;

	for (w = 0; w < EVTCHN_BPW; w++) {
		*evtchn_mask_word(w) = ~0UL;
		*evtchn_pending_word(w) = 0;
	}
	HYPERVISOR_shared_info->vcpu_info[0].evtchn_pending_sel = 0;
	HYPERVISOR_shared_info->vcpu_info[0].evtchn_upcall_pending = 0;
	trap_upcall_hook = evtchn_upcall;
	printf("evtchn: 2-level event channels, %u ports, all masked\n",
	    EVTCHN_NPORTS);
}
SYSINIT(evtchn, SI_SUB_INTR, SI_ORDER_FIRST, evtchn_init, NULL);

/* Events on: every handler that the boot needs is in place. */
static void
evtchn_enable(void *arg)
{
	intr_restore(0);
	printf("evtchn: events enabled\n");
}
SYSINIT(evtchn_on, SI_SUB_INTR_ON, SI_ORDER_FIRST, evtchn_enable, NULL);

#include <sys/sysctl.h>

/* sysctl: dev.evtchn, with dev.evtchn.port.<port>.{name,count}. */
static int
evtchn_sysctl_ports(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct evtchn_port *ep;
	const char *name;
	char sub[32];
	evtchn_port_t port;
	register_t s;
	u_long count;

	for (port = 1; port < EVTCHN_NPORTS; port++) {
		s = intr_disable();
		ep = evtchn_lookup(port);
		if (ep != NULL) {
			name = ep->ep_name;
			count = ep->ep_count;
		}
		intr_restore(s);
		if (ep == NULL)
			continue;
		snprintf(sub, sizeof(sub), "%u.name", port);
		(void)sysctl_emit(req, sub, "%s", name != NULL ? name : "");
		snprintf(sub, sizeof(sub), "%u.count", port);
		(void)sysctl_emit(req, sub, "%lu", count);
	}
	return (0);
}
SYSCTL_NODE(_dev, evtchn, "event channels");
SYSCTL_ULONG(_dev_evtchn, upcalls, &evtchn_upcalls, "upcalls taken");
SYSCTL_ULONG(_dev_evtchn, spurious, &evtchn_spurious,
    "events on ports without a handler");
SYSCTL_UINT(_dev_evtchn, bound, &evtchn_nports_bound,
    "ports with a handler");
SYSCTL_PROC(_dev_evtchn, port, evtchn_sysctl_ports, NULL, 0,
    "per port: the handler's name and the events it handled");
