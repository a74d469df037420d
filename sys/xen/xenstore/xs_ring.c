/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Byte streams over the xenstore ring page (<xen/io/xs_wire.h>).
 *
 * The page carries two 1 KiB byte rings: "req" (guest to xenstored) and
 * "rsp" (replies and watch events, xenstored to guest).  Each has a
 * free-running 32-bit producer and consumer index; a position in the ring
 * is MASK_XENSTORE_IDX(index) and "prod - cons" (mod 2^32) is the number of
 * bytes queued, which can never exceed XENSTORE_RING_SIZE.  Messages are
 * larger than the ring (16-byte header plus up to 4 KiB of payload), so a
 * message is streamed: the writer puts in what fits and continues when
 * xenstored has made room, and the reader takes what has arrived and lets
 * the message assembler (xs_wire.c) put the pieces together.
 *
 * xenstored owns req_cons and rsp_prod; we own req_prod and rsp_cons and
 * keep private copies of them, so a value xenstored scribbles over ours is
 * never read back.  An index of xenstored's that would put more than a
 * ring's worth of bytes in flight (or put req_cons ahead of our producer,
 * which is the same thing modulo 2^32) is impossible: we count it, mark the
 * ring broken and return EIO from then on, because the byte stream can no
 * longer be framed.  Recovery is the connection reset of
 * docs/misc/xenstore-ring.txt (server_features/connection, accessors
 * below) followed by xs_ring_init().
 *
 * Barriers: the consumer reads the producer index, then (rmb) the bytes,
 * then (mb) publishes its consumer index, so the producer cannot reuse the
 * bytes before they are copied out.  The producer reads the consumer index,
 * then (mb) writes bytes, then (wmb) publishes its producer index.  The
 * caller notifies the event channel after a call that moved an index.
 *
 * Context: any; these functions never sleep and never allocate.  The
 * xenstore client serialises calls on one ring.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <machine/atomic.h>

#include <xen/io/xs_wire.h>
#include "xs_ring.h"

#define	XSR_SIZE	XENSTORE_RING_SIZE

_Static_assert(sizeof(((struct xenstore_domain_interface *)0)->req) ==
    XSR_SIZE, "xenstore req ring size");
_Static_assert(sizeof(((struct xenstore_domain_interface *)0)->rsp) ==
    XSR_SIZE, "xenstore rsp ring size");
_Static_assert((XSR_SIZE & (XSR_SIZE - 1)) == 0,
    "xenstore ring size must be a power of two");

void
xs_ring_init(struct xs_ring *xr, struct xenstore_domain_interface *intf)
{
	volatile struct xenstore_domain_interface *vi = intf;

	xr->xr_intf = intf;
	/*
	 * Take the indices as found: they need not start at zero, and after
	 * a connection reset xenstored has emptied both rings for us.
	 */
	xr->xr_req_prod = vi->req_prod;
	xr->xr_rsp_cons = vi->rsp_cons;
	xr->xr_errors = 0;
	xr->xr_flags = 0;
}

static int
xs_ring_fail(struct xs_ring *xr)
{
	if ((xr->xr_flags & XSRF_BROKEN) == 0) {
		xr->xr_errors++;
		xr->xr_flags |= XSRF_BROKEN;
	}
	return (EIO);
}

/* Free bytes in the request ring. */
int
xs_ring_space(struct xs_ring *xr, size_t *spacep)
{
	volatile struct xenstore_domain_interface *vi = xr->xr_intf;
	uint32_t used;

	*spacep = 0;
	if (xr->xr_flags & XSRF_BROKEN)
		return (EIO);
	used = xr->xr_req_prod - vi->req_cons;
	if (used > XSR_SIZE)
		return (xs_ring_fail(xr));
	*spacep = XSR_SIZE - used;
	return (0);
}

/* Copy bytes into the request ring at our private producer; no publish. */
static void
xs_ring_put(struct xs_ring *xr, const char *p, size_t len)
{
	char *req = xr->xr_intf->req;
	size_t n;

	for (n = 0; n < len; n++)
		req[MASK_XENSTORE_IDX(xr->xr_req_prod + (uint32_t)n)] = p[n];
	xr->xr_req_prod += (uint32_t)len;
}

static void
xs_ring_publish(struct xs_ring *xr)
{
	volatile struct xenstore_domain_interface *vi = xr->xr_intf;

	wmb();
	vi->req_prod = xr->xr_req_prod;
}

/*
 * Queue up to len bytes of a request stream; *donep is how many fit (maybe
 * zero when the ring is full).
 */
int
xs_ring_write(struct xs_ring *xr, const void *buf, size_t len,
    size_t *donep)
{
	size_t space;
	int error;

	*donep = 0;
	if ((error = xs_ring_space(xr, &space)) != 0)
		return (error);
	if (len > space)
		len = space;
	if (len == 0)
		return (0);
	/* Our read of req_cons must come before we reuse those bytes. */
	mb();
	xs_ring_put(xr, buf, len);
	xs_ring_publish(xr);
	*donep = len;
	return (0);
}

/*
 * Stream one message, header then hdr->len bytes of payload.  *offp is the
 * progress through the message (0 on the first call); the call advances it
 * by what fitted and the message is sent once *offp reaches
 * sizeof(*hdr) + hdr->len.  The header is copied from hdr as it stands, so
 * hdr and payload must not change between calls for one message.
 */
int
xs_ring_write_msg(struct xs_ring *xr, const struct xsd_sockmsg *hdr,
    const void *payload, size_t *offp)
{
	const size_t hlen = sizeof(*hdr);
	size_t off, space, total, n;
	int error;

	if (hdr->len > XENSTORE_PAYLOAD_MAX)
		return (EMSGSIZE);
	total = hlen + hdr->len;
	off = *offp;
	if (off > total)
		return (EINVAL);
	if ((error = xs_ring_space(xr, &space)) != 0)
		return (error);
	if (space == 0 || off == total)
		return (0);
	mb();
	if (off < hlen) {
		n = hlen - off;
		if (n > space)
			n = space;
		xs_ring_put(xr, (const char *)hdr + off, n);
		off += n;
		space -= n;
	}
	if (off >= hlen && off < total && space > 0) {
		n = total - off;
		if (n > space)
			n = space;
		xs_ring_put(xr, (const char *)payload + (off - hlen), n);
		off += n;
	}
	xs_ring_publish(xr);
	*offp = off;
	return (0);
}

/* Bytes xenstored has produced that we have not consumed. */
int
xs_ring_avail(struct xs_ring *xr, size_t *availp)
{
	volatile struct xenstore_domain_interface *vi = xr->xr_intf;
	uint32_t avail;

	*availp = 0;
	if (xr->xr_flags & XSRF_BROKEN)
		return (EIO);
	avail = vi->rsp_prod - xr->xr_rsp_cons;
	if (avail > XSR_SIZE)
		return (xs_ring_fail(xr));
	*availp = avail;
	return (0);
}

/*
 * Take up to len bytes of the response stream; *donep is how many were
 * there.  The bytes are copied out exactly once: the caller parses its copy,
 * never the shared page.
 */
int
xs_ring_read(struct xs_ring *xr, void *buf, size_t len, size_t *donep)
{
	volatile struct xenstore_domain_interface *vi = xr->xr_intf;
	char *p = buf;
	size_t avail, n;
	int error;

	*donep = 0;
	if ((error = xs_ring_avail(xr, &avail)) != 0)
		return (error);
	if (len > avail)
		len = avail;
	if (len == 0)
		return (0);
	/* The bytes may only be read after the producer index. */
	rmb();
	for (n = 0; n < len; n++)
		p[n] = vi->rsp[MASK_XENSTORE_IDX(xr->xr_rsp_cons +
		    (uint32_t)n)];
	xr->xr_rsp_cons += (uint32_t)len;
	/* Done with the bytes before xenstored may overwrite them. */
	mb();
	vi->rsp_cons = xr->xr_rsp_cons;
	*donep = len;
	return (0);
}

/*
 * Connection reset fields.  server_features only ever gains bits; the
 * error field means something only when xenstored advertises it.
 */
uint32_t
xs_ring_server_features(struct xs_ring *xr)
{
	volatile struct xenstore_domain_interface *vi = xr->xr_intf;

	return (vi->server_features);
}

uint32_t
xs_ring_connection(struct xs_ring *xr)
{
	volatile struct xenstore_domain_interface *vi = xr->xr_intf;
	uint32_t c;

	c = vi->connection;
	rmb();
	return (c);
}

void
xs_ring_set_connection(struct xs_ring *xr, uint32_t c)
{
	volatile struct xenstore_domain_interface *vi = xr->xr_intf;

	mb();
	vi->connection = c;
	mb();
}

uint32_t
xs_ring_server_error(struct xs_ring *xr)
{
	volatile struct xenstore_domain_interface *vi = xr->xr_intf;

	if ((vi->server_features & XENSTORE_SERVER_FEATURE_ERROR) == 0)
		return (XENSTORE_ERROR_NONE);
	return (vi->error);
}
