/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _XEN_XEN_EVTCHN_H_
#define	_XEN_XEN_EVTCHN_H_

#include <xen/event_channel.h>

/*
 * Event channels (2-level ABI): Xen's interrupts.  A bound port gets a
 * handler, which runs in interrupt context -- from the upcall, with
 * events masked; it must not sleep.  See evtchn(9).
 */
typedef void evtchn_handler_t(void *);

int	evtchn_bind_virq(u_int, evtchn_handler_t *, void *, const char *,
	    evtchn_port_t *);
int	evtchn_bind_interdomain(domid_t, evtchn_port_t, evtchn_handler_t *,
	    void *, const char *, evtchn_port_t *);
int	evtchn_alloc_unbound(domid_t, evtchn_handler_t *, void *,
	    const char *, evtchn_port_t *);
int	evtchn_bind_handler(evtchn_port_t, evtchn_handler_t *, void *,
	    const char *);
void	evtchn_unbind(evtchn_port_t);
void	evtchn_mask(evtchn_port_t);
void	evtchn_unmask(evtchn_port_t);
void	evtchn_notify(evtchn_port_t);
int	evtchn_poll(evtchn_port_t, uint64_t);
u_long	evtchn_count(evtchn_port_t);
u_int	evtchn_nbound(void);
u_int	evtchn_resume(bool);

extern u_long evtchn_upcalls;		/* upcalls taken */
extern u_long evtchn_spurious;		/* events on unbound ports */

#endif /* !_XEN_XEN_EVTCHN_H_ */
