/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _XEN_XENBUS_XENBUSVAR_H_
#define	_XEN_XENBUS_XENBUSVAR_H_

#include <xen/io/xenbus.h>

/*
 * What a xenbus device knows about itself (see xenbus(9)): its node in
 * our xenstore tree ("device/vbd/51712"), its device type ("vbd"), the
 * other end's node and domain, and the state we last published.
 */
const char	*xenbus_get_node(device_t);
const char	*xenbus_get_type(device_t);
const char	*xenbus_get_otherend_path(device_t);
u_int		 xenbus_get_otherend_id(device_t);
XenbusState	 xenbus_get_state(device_t);
XenbusState	 xenbus_read_otherend_state(device_t);

int	xenbus_set_state(device_t, XenbusState);
/* A set of states for xenbus_wait_otherend(). */
#define	XENBUS_STATE_BIT(s)	(1U << (u_int)(s))
int	xenbus_wait_otherend(device_t, u_int, int, XenbusState *);
void	xenbus_dev_error(device_t, int, const char *, ...) __printflike(3, 4);
void	xenbus_dev_fatal(device_t, int, const char *, ...) __printflike(3, 4);
const char *xenbus_strstate(XenbusState);

/* The other end's optional keys, parsed strictly (xenbus_keys.c). */
int	xenbus_parse_ulong(const char *, u_long, u_long *);
int	xenbus_read_ulong(const char *, const char *, u_long, u_long *,
	    bool *, char *, size_t);
int	xenbus_read_feature(const char *, const char *, bool *, char *,
	    size_t);

#endif /* !_XEN_XENBUS_XENBUSVAR_H_ */
