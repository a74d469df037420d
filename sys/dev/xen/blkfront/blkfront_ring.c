/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xbd(4): the blkif ring -- request ids, request layouts and responses.
 *
 * Requests: each request in flight holds one id, an index into the ring's
 * shadow table, which remembers the driver's cookie and the operation
 * sent.  There are exactly as many ids as ring entries, so holding an id
 * guarantees a free slot.  A request is built in a local struct
 * (xbd_req_rw, xbd_req_indirect, xbd_req_flush, xbd_req_discard) and
 * copied into the slot whole (xbd_ring_put); xbd_ring_push publishes
 * them and says whether the backend needs an event.  A buffer is cut into
 * per-page segments (xbd_seg_split), each granted on its own: a buffer
 * that crosses pages never needs contiguous frames.  With indirect
 * segments the segment array goes into separate pages
 * (xbd_indirect_fill, 512 entries a page) and the slot carries their
 * grants.
 *
 * Responses come from the other domain and are not trusted.  rsp_prod is
 * read once per pass and checked against what we asked for (it may not
 * run ahead of req_prod_pvt); each response is copied out of the shared
 * ring before any field is looked at, and its id must be in range and in
 * flight, its operation the one sent, its status a known one.  Ring
 * slots are addressed through our private entry count, so nothing beyond
 * the ring is ever read.  The first violation marks the ring broken and
 * stops all processing; the driver then fails the device.
 *
 * Context: everything here runs under the driver's queue lock; the
 * response path runs in the event handler.  No kernel services are used,
 * so tests/sys/xen/blkfront_ring_test.c builds this file on the host.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>

#include <dev/xen/blkfront/blkfront_ring.h>

CTASSERT(sizeof(blkif_request_indirect_t) <= sizeof(blkif_request_t));
CTASSERT(sizeof(blkif_request_discard_t) <= sizeof(blkif_request_t));

/* Ring entries that fit in 'bytes' of shared ring. */
u_int
xbd_ring_entries(size_t bytes)
{
	return (__CONST_RING_SIZE(blkif, bytes));
}

/*
 * Set up a ring over 'bytes' of zeroed shared memory, with a shadow
 * table and an id stack of xbd_ring_entries(bytes) elements each.
 */
void
xbd_ring_init(struct xbd_ring *r, void *mem, size_t bytes,
    struct xbd_shadow *shadow, uint32_t *freeids)
{
	blkif_sring_t *sring = mem;
	u_int i;

	memset(r, 0, sizeof(*r));
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&r->xr_front, sring, bytes);
	r->xr_nents = RING_SIZE(&r->xr_front);
	r->xr_shadow = shadow;
	r->xr_freeids = freeids;
	memset(shadow, 0, r->xr_nents * sizeof(*shadow));
	/* Pushed in reverse: id 0 is handed out first. */
	for (i = r->xr_nents; i > 0; i--)
		r->xr_freeids[r->xr_nfree++] = i - 1;
}

/* Take an id for a request; ENOSPC when every id is in flight. */
int
xbd_ring_id_get(struct xbd_ring *r, void *cookie, uint8_t op, uint32_t *idp)
{
	uint32_t id;

	if (r->xr_nfree == 0 || r->xr_broken)
		return (r->xr_broken ? EIO : ENOSPC);
	id = r->xr_freeids[--r->xr_nfree];
	KASSERT(id < r->xr_nents && !r->xr_shadow[id].sh_inuse,
	    ("xbd_ring_id_get: bad free id %u", id));
	r->xr_shadow[id].sh_cookie = cookie;
	r->xr_shadow[id].sh_op = op;
	r->xr_shadow[id].sh_inuse = true;
	*idp = id;
	return (0);
}

/* Give back an id whose request was never posted. */
void
xbd_ring_id_put(struct xbd_ring *r, uint32_t id)
{
	KASSERT(id < r->xr_nents && r->xr_shadow[id].sh_inuse,
	    ("xbd_ring_id_put: id %u not in use", id));
	r->xr_shadow[id].sh_inuse = false;
	r->xr_shadow[id].sh_cookie = NULL;
	r->xr_freeids[r->xr_nfree++] = id;
}

bool
xbd_ring_full(struct xbd_ring *r)
{
	return (RING_FULL(&r->xr_front));
}

u_int
xbd_ring_inflight(struct xbd_ring *r)
{
	return (r->xr_nents - r->xr_nfree);
}

/* Copy a request built locally into the next slot (not yet visible). */
void
xbd_ring_put(struct xbd_ring *r, const void *req, size_t len)
{
	blkif_request_t *slot;

	KASSERT(len <= sizeof(*slot), ("xbd_ring_put: %zu bytes", len));
	KASSERT(!RING_FULL(&r->xr_front), ("xbd_ring_put: ring full"));
	slot = RING_GET_REQUEST(&r->xr_front, r->xr_front.req_prod_pvt);
	memcpy(slot, req, len);
	if (len < sizeof(*slot))
		memset((char *)slot + len, 0, sizeof(*slot) - len);
	r->xr_front.req_prod_pvt++;
	r->xr_requests++;
}

/* Publish the requests put; true if the backend must be sent an event. */
bool
xbd_ring_push(struct xbd_ring *r)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&r->xr_front, notify);
	if (notify)
		r->xr_notifies++;
	return (notify != 0);
}

/* BLKIF_RSP_* to an errno value; -1 for a status the protocol lacks. */
int
xbd_status_errno(int16_t status)
{
	switch (status) {
	case BLKIF_RSP_OKAY:
		return (0);
	case BLKIF_RSP_ERROR:
		return (EIO);
	case BLKIF_RSP_EOPNOTSUPP:
		return (EOPNOTSUPP);
	default:
		return (-1);
	}
}

static int
xbd_ring_break(struct xbd_ring *r, const char *why)
{
	r->xr_broken = true;
	r->xr_why = why;
	return (EPROTO);
}

/*
 * Take every response the backend has produced, calling done() for each
 * valid one (with the id already free).  Returns 0, or EPROTO when the
 * backend broke the protocol (xr_why says how; nothing more is taken).
 * *morep is never left true: the function keeps taking until the ring is
 * quiet, at most a bounded number of passes.
 */
int
xbd_ring_take(struct xbd_ring *r, xbd_done_t *done, void *arg, bool *morep)
{
	blkif_front_ring_t *fr = &r->xr_front;
	blkif_response_t rsp;
	struct xbd_shadow *sh;
	RING_IDX prod, cons;
	void *cookie;
	u_int pass;
	int error, more;

	*morep = false;
	if (r->xr_broken)
		return (EPROTO);
	for (pass = 0; pass < 2 * r->xr_nents + 2; pass++) {
		prod = *(volatile RING_IDX *)&fr->sring->rsp_prod;
		rmb();		/* read responses only after rsp_prod */
		cons = fr->rsp_cons;
		/* Responses outstanding can not exceed requests outstanding. */
		if (prod - cons > fr->req_prod_pvt - cons)
			return (xbd_ring_break(r, "response producer runs "
			    "ahead of the requests"));
		while (cons != prod) {
			memcpy(&rsp, (const void *)RING_GET_RESPONSE(fr, cons),
			    sizeof(rsp));
			cons++;
			if (rsp.id >= r->xr_nents)
				return (xbd_ring_break(r, "response id out of "
				    "range"));
			sh = &r->xr_shadow[rsp.id];
			if (!sh->sh_inuse)
				return (xbd_ring_break(r, "response for an id "
				    "not in flight"));
			if (rsp.operation != sh->sh_op &&
			    !(rsp.operation == BLKIF_OP_INDIRECT &&
			    (sh->sh_op == BLKIF_OP_READ ||
			    sh->sh_op == BLKIF_OP_WRITE)))
				return (xbd_ring_break(r, "response operation "
				    "differs from the request's"));
			if ((error = xbd_status_errno(rsp.status)) < 0)
				return (xbd_ring_break(r, "response status "
				    "unknown"));
			cookie = sh->sh_cookie;
			xbd_ring_id_put(r, (uint32_t)rsp.id);
			fr->rsp_cons = cons;
			r->xr_responses++;
			done(arg, cookie, error);
		}
		fr->rsp_cons = cons;
		RING_FINAL_CHECK_FOR_RESPONSES(fr, more);
		if (!more)
			return (0);
	}
	return (xbd_ring_break(r, "responses never stop coming"));
}

/*
 * The device is going away: complete every request still in flight with
 * 'error' (their ids become free).  Returns how many there were.
 */
u_int
xbd_ring_fail_all(struct xbd_ring *r, xbd_done_t *done, void *arg, int error)
{
	struct xbd_shadow *sh;
	void *cookie;
	u_int id, n = 0;

	for (id = 0; id < r->xr_nents; id++) {
		sh = &r->xr_shadow[id];
		if (!sh->sh_inuse)
			continue;
		cookie = sh->sh_cookie;
		xbd_ring_id_put(r, id);
		done(arg, cookie, error);
		n++;
	}
	return (n);
}

/*
 * Cut [va, va+len) into per-page segments of whole 512-byte sectors.
 * EINVAL if the buffer or length is not sector-aligned or empty, E2BIG
 * if it needs more than max segments.
 */
int
xbd_seg_split(uintptr_t va, size_t len, struct xbd_seg *segs, u_int max,
    u_int *nsegp)
{
	size_t off, chunk;
	u_int n = 0;

	if (len == 0 || (va & ((1 << XBD_SECTOR_SHIFT) - 1)) != 0 ||
	    (len & ((1 << XBD_SECTOR_SHIFT) - 1)) != 0 || va + len < va)
		return (EINVAL);
	while (len > 0) {
		if (n == max)
			return (E2BIG);
		off = va & PAGE_MASK;
		chunk = MIN(len, PAGE_SIZE - off);
		segs[n].xs_va = va - off;
		segs[n].xs_first = (uint8_t)(off >> XBD_SECTOR_SHIFT);
		segs[n].xs_last = (uint8_t)((off + chunk - 1) >>
		    XBD_SECTOR_SHIFT);
		n++;
		va += chunk;
		len -= chunk;
	}
	*nsegp = n;
	return (0);
}

/*
 * The request splitter: cut a read or write of [va, va+len) into pieces
 * of at most maxsegs pages each, one ring request a piece.  A buffer of
 * maxsegs pages that does not start on a page boundary needs one more
 * page, so it goes as two requests.  lens[] gets each piece's length;
 * E2BIG if more than max pieces are needed.
 */
int
xbd_split(uintptr_t va, size_t len, u_int maxsegs, size_t *lens, u_int max,
    u_int *np)
{
	size_t piece;
	u_int n = 0;

	if (len == 0 || maxsegs == 0)
		return (EINVAL);
	while (len > 0) {
		if (n == max)
			return (E2BIG);
		piece = MIN(len, maxsegs * PAGE_SIZE - (va & PAGE_MASK));
		lens[n++] = piece;
		va += piece;
		len -= piece;
	}
	*np = n;
	return (0);
}

/* A read or write with its segments in the slot (at most 11). */
void
xbd_req_rw(blkif_request_t *req, uint8_t op, uint32_t id,
    blkif_vdev_t handle, uint64_t sector, const struct xbd_seg *segs,
    const grant_ref_t *grefs, u_int nsegs)
{
	u_int i;

	KASSERT(nsegs >= 1 && nsegs <= BLKIF_MAX_SEGMENTS_PER_REQUEST,
	    ("xbd_req_rw: %u segments", nsegs));
	memset(req, 0, sizeof(*req));
	req->operation = op;
	req->nr_segments = (uint8_t)nsegs;
	req->handle = handle;
	req->id = id;
	req->sector_number = sector;
	for (i = 0; i < nsegs; i++) {
		req->seg[i].gref = grefs[i];
		req->seg[i].first_sect = segs[i].xs_first;
		req->seg[i].last_sect = segs[i].xs_last;
	}
}

/* A read or write whose segments are in npages indirect pages. */
void
xbd_req_indirect(blkif_request_indirect_t *req, uint8_t op, uint32_t id,
    blkif_vdev_t handle, uint64_t sector, u_int nsegs,
    const grant_ref_t *igrefs, u_int npages)
{
	u_int i;

	KASSERT(nsegs >= 1 && nsegs <= XBD_MAX_INDIRECT_SEGS &&
	    npages == howmany(nsegs, XBD_SEGS_PER_IPAGE),
	    ("xbd_req_indirect: %u segments in %u pages", nsegs, npages));
	memset(req, 0, sizeof(*req));
	req->operation = BLKIF_OP_INDIRECT;
	req->indirect_op = op;
	req->nr_segments = (uint16_t)nsegs;
	req->id = id;
	req->sector_number = sector;
	req->handle = handle;
	for (i = 0; i < npages; i++)
		req->indirect_grefs[i] = igrefs[i];
}

/* Lay the segments out in the indirect pages, 512 to a page. */
void
xbd_indirect_fill(struct blkif_request_segment *const *pages,
    const struct xbd_seg *segs, const grant_ref_t *grefs, u_int nsegs)
{
	struct blkif_request_segment *e;
	u_int i;

	for (i = 0; i < nsegs; i++) {
		e = &pages[i / XBD_SEGS_PER_IPAGE][i % XBD_SEGS_PER_IPAGE];
		memset(e, 0, sizeof(*e));
		e->gref = grefs[i];
		e->first_sect = segs[i].xs_first;
		e->last_sect = segs[i].xs_last;
	}
}

/* A cache flush or a barrier: no segments. */
void
xbd_req_flush(blkif_request_t *req, uint8_t op, uint32_t id,
    blkif_vdev_t handle)
{
	KASSERT(op == BLKIF_OP_FLUSH_DISKCACHE || op == BLKIF_OP_WRITE_BARRIER,
	    ("xbd_req_flush: op %u", op));
	memset(req, 0, sizeof(*req));
	req->operation = op;
	req->handle = handle;
	req->id = id;
}

void
xbd_req_discard(blkif_request_discard_t *req, uint32_t id,
    blkif_vdev_t handle, uint64_t sector, uint64_t nsectors, bool secure)
{
	memset(req, 0, sizeof(*req));
	req->operation = BLKIF_OP_DISCARD;
	req->flag = secure ? BLKIF_DISCARD_SECURE : 0;
	req->handle = handle;
	req->id = id;
	req->sector_number = sector;
	req->nr_sectors = nsectors;
}
