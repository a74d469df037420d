/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Index arithmetic of the PV console ring (<xen/io/console.h>).
 *
 * The page holds two byte rings: "out" (2048 bytes, guest to dom0) and "in"
 * (1024 bytes, dom0 to guest), each with a free-running 32-bit producer and
 * consumer index; an index becomes a position with "& (size - 1)", and
 * "prod - cons" (mod 2^32) is the number of bytes queued.  These functions
 * only move bytes and indices; the caller (the console driver) notifies the
 * other end and decides how long to wait.
 *
 * dom0 writes out_cons and in_prod.  A value that would mean more bytes
 * queued than the ring holds is impossible; we count it and treat the ring
 * as full (out) or empty (in) instead of trusting it.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <machine/atomic.h>

#include <xen/io/console.h>
#include "xencons_ring.h"

#define	OUT_SIZE	sizeof(((struct xencons_interface *)0)->out)
#define	IN_SIZE		sizeof(((struct xencons_interface *)0)->in)

void
xencons_ring_init(struct xencons_ring *xr, struct xencons_interface *intf)
{
	xr->xr_intf = intf;
	/*
	 * Take the indices as found: a fresh ring is all zeros, and a ring
	 * inherited across a kexec-like restart must not be replayed.
	 */
	xr->xr_out_prod = intf->out_prod;
	xr->xr_in_cons = intf->in_cons;
	xr->xr_errors = 0;
}

/* Bytes dom0 has not consumed yet. */
size_t
xencons_ring_out_pending(struct xencons_ring *xr)
{
	volatile struct xencons_interface *intf = xr->xr_intf;
	uint32_t used;

	used = xr->xr_out_prod - intf->out_cons;
	rmb();
	if (used > OUT_SIZE) {
		xr->xr_errors++;
		return (OUT_SIZE);
	}
	return (used);
}

size_t
xencons_ring_out_space(struct xencons_ring *xr)
{
	return (OUT_SIZE - xencons_ring_out_pending(xr));
}

/*
 * Queue up to len bytes; returns how many fit.  The producer index is
 * published after the bytes (wmb), so dom0 never reads stale data.
 */
size_t
xencons_ring_put(struct xencons_ring *xr, const char *buf, size_t len)
{
	struct xencons_interface *intf = xr->xr_intf;
	size_t n, space;

	space = xencons_ring_out_space(xr);
	if (len > space)
		len = space;
	for (n = 0; n < len; n++)
		intf->out[MASK_XENCONS_IDX(xr->xr_out_prod + n, intf->out)] =
		    buf[n];
	xr->xr_out_prod += (uint32_t)len;
	wmb();
	((volatile struct xencons_interface *)intf)->out_prod =
	    xr->xr_out_prod;
	return (len);
}

/*
 * Take up to len bytes of input; returns how many were taken.  in_cons is
 * published after the bytes are copied out (mb), so dom0 cannot overwrite
 * them before we have read them.
 */
size_t
xencons_ring_get(struct xencons_ring *xr, char *buf, size_t len)
{
	volatile struct xencons_interface *intf = xr->xr_intf;
	uint32_t avail, prod;
	size_t n;

	prod = intf->in_prod;
	rmb();
	avail = prod - xr->xr_in_cons;
	if (avail > IN_SIZE) {
		/* Impossible: resynchronise, dropping what we cannot trust. */
		xr->xr_errors++;
		xr->xr_in_cons = prod;
		intf->in_cons = prod;
		return (0);
	}
	if (len > avail)
		len = avail;
	for (n = 0; n < len; n++)
		buf[n] = intf->in[MASK_XENCONS_IDX(xr->xr_in_cons + n,
		    intf->in)];
	xr->xr_in_cons += (uint32_t)len;
	mb();
	intf->in_cons = xr->xr_in_cons;
	return (len);
}
