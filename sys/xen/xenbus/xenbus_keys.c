/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Reading the other end's keys: what every frontend does at attach to
 * learn what its backend offers (feature-* flags, limits such as
 * multi-queue-max-queues), in one place (xenbus(9)).
 *
 * Each key is optional.  An absent key (ENOENT from the xenstore) leaves
 * the caller's default in place and is not an error; a present key must
 * be a decimal number as a backend writes one ("%u"): digits only, no
 * sign, blank or leading zero, at most 'max' -- xs_parse_ulong()'s rule
 * without the leading zeros it takes -- and a feature flag must be
 * exactly "0" or "1".
 * Anything else -- a malformed value, or a xenstore error other than
 * ENOENT -- is refused with a message naming the key in the caller's
 * buffer, for its console line and xenbus_dev_fatal(); the backend is
 * untrusted and a frontend fails its connection rather than guess.
 *
 * Context: thread context (xenstore reads sleep).  The file uses only
 * the xenstore client, so the drivers' negotiation code that calls it is
 * host-tested over a fake xenstore (tests/sys/xen).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/bus.h>
#include <sys/malloc.h>

#include <xen/xenstore/xenstorevar.h>
#include <xen/xenstore/xs_wire.h>
#include <xen/xenbus/xenbusvar.h>

/*
 * Parse a backend's number: 0, or EINVAL (not digits only, empty, or a
 * leading zero) or ERANGE (above max).
 */
int
xenbus_parse_ulong(const char *s, u_long max, u_long *vp)
{
	if (s[0] == '0' && s[1] != '\0')
		return (EINVAL);
	return (xs_parse_ulong(s, max, vp));
}

/*
 * The number 'key' of directory 'dir' into *vp, if present (*presentp,
 * when not NULL, says whether it was).  Returns 0, ERANGE (above max) or
 * EINVAL (anything else, a xenstore error too), with a message in err.
 */
int
xenbus_read_ulong(const char *dir, const char *key, u_long max, u_long *vp,
    bool *presentp, char *err, size_t errlen)
{
	char *val;
	u_long v;
	int error;

	error = xs_read(0, dir, key, &val, NULL);
	if (error == 0) {
		error = xenbus_parse_ulong(val, max, &v);
		free(val, M_XENSTORE);
	}
	if (presentp != NULL)
		*presentp = (error == 0);
	if (error == ENOENT)
		return (0);
	if (error != 0) {
		snprintf(err, errlen, "backend's %s is not a number up to "
		    "%lu (error %d)", key, max, error);
		return (error == ERANGE ? ERANGE : EINVAL);
	}
	*vp = v;
	return (0);
}

/*
 * The flag 'key' of directory 'dir' into *vp, false when absent.
 * Returns 0, or EINVAL with a message in err.
 */
int
xenbus_read_feature(const char *dir, const char *key, bool *vp, char *err,
    size_t errlen)
{
	u_long v = 0;

	if (xenbus_read_ulong(dir, key, 1, &v, NULL, err, errlen) != 0) {
		snprintf(err, errlen, "backend's %s is not 0 or 1", key);
		return (EINVAL);
	}
	*vp = (v != 0);
	return (0);
}
