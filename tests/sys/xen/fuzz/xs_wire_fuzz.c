/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * libFuzzer target for the xenstore wire layer (sys/xen/xenstore): the
 * input plays a hostile xenstored.
 *
 * Input: one control byte, then the response stream.  The control byte
 * picks how the stream is cut (chunk sizes from a tiny PRNG), where the
 * ring indices start (near the 2^32 wrap or not) and whether xenstored
 * lies about rsp_prod halfway.  The stream is reassembled three ways: fed
 * whole, fed in chunks, and pulled through a ring page; all three must
 * yield the same messages and the same verdict.  Every message is then put
 * through every reply parser and numeric helper, with their promises
 * checked (pointers stay inside the payload, strings are terminated, counts
 * are bounded, numbers round-trip), and the payload's strings are used as
 * paths, values and tokens to build requests, which must reassemble into
 * exactly what was built.  Sanitizers catch the rest.
 */

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <xen/io/xs_wire.h>
#include "xs_ring.h"
#include "xs_wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define	CHECK(e) do {							\
	if (!(e)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #e);				\
		abort();						\
	}								\
} while (0)

#define	MAXREC	128

/* What a reassembly produced: a digest per message and the verdict. */
struct run {
	int		nrec;
	uint64_t	rec[MAXREC];
	int		error;
};

static struct xs_asm xa;
static struct xs_asm xb;
static struct xenstore_domain_interface page;
static char scratch[XS_MSG_MAX + 1];

static uint64_t
digest(const struct xs_msg *m)
{
	uint64_t h = 1469598103934665603ULL;
	uint32_t i;

	h ^= m->xm_hdr.type;
	h = (h ^ m->xm_hdr.req_id) * 1099511628211ULL;
	h = (h ^ m->xm_hdr.tx_id) * 1099511628211ULL;
	h = (h ^ m->xm_hdr.len) * 1099511628211ULL;
	for (i = 0; i < m->xm_hdr.len; i++)
		h = (h ^ (uint8_t)m->xm_body[i]) * 1099511628211ULL;
	return (h);
}

static void
record(struct run *r, const struct xs_msg *m)
{
	/* The assembler's promises about every message it hands out. */
	CHECK(m->xm_hdr.len <= XENSTORE_PAYLOAD_MAX);
	CHECK(xs_type_known(m->xm_hdr.type));
	CHECK(m->xm_body[m->xm_hdr.len] == '\0');
	if (r->nrec < MAXREC)
		r->rec[r->nrec] = digest(m);
	r->nrec++;
}

static void
same(const struct run *a, const struct run *b)
{
	int i;

	CHECK(a->error == b->error);
	CHECK(a->nrec == b->nrec);
	for (i = 0; i < a->nrec && i < MAXREC; i++)
		CHECK(a->rec[i] == b->rec[i]);
}

static uint32_t
prng(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16);
}

/* Feed in pieces; chunk == 0 means everything at once. */
static void
feed(struct xs_asm *x, const uint8_t *p, size_t len, uint32_t seed,
    bool chunked, struct run *r, void (*each)(const struct xs_msg *))
{
	const struct xs_msg *m;
	size_t n, used;
	int error;

	xs_asm_init(x);
	memset(r, 0, sizeof(*r));
	while (len > 0) {
		n = chunked ? 1 + prng(&seed) % 97 : len;
		if (n > len)
			n = len;
		while (n > 0) {
			error = xs_asm_feed(x, p, n, &used, &m);
			CHECK(used <= n);
			p += used;
			len -= used;
			n -= used;
			if (error != 0) {
				CHECK(error == EBADMSG);
				CHECK(m == NULL);
				r->error = error;
				return;
			}
			if (m != NULL) {
				record(r, m);
				if (each != NULL)
					each(m);
			} else
				CHECK(n == 0);
		}
	}
}

/* Through a ring page, as xenstored would write it. */
static void
pull(const uint8_t *p, size_t len, uint8_t ctl, struct run *r)
{
	struct xs_ring xr;
	const struct xs_msg *m;
	uint32_t seed = ctl, start, room, n;
	size_t put = 0, half = len / 2;
	bool lie = (ctl & 0x80) != 0, lied = false;
	int error;

	start = (ctl & 0x40) ? 0xffffffffu - (ctl & 0x3f) * 37u : ctl;
	memset(&page, 0, sizeof(page));
	page.rsp_prod = page.rsp_cons = start;
	xs_ring_init(&xr, &page);
	xs_asm_init(&xb);
	memset(r, 0, sizeof(*r));
	for (;;) {
		if (lie && !lied && put >= half) {
			page.rsp_prod = page.rsp_cons + 1025 + prng(&seed);
			lied = true;
		}
		room = XENSTORE_RING_SIZE - (page.rsp_prod - page.rsp_cons);
		if (!lied && put < len && room <= XENSTORE_RING_SIZE) {
			n = 1 + prng(&seed) % 300;
			if (n > room)
				n = room;
			if (n > len - put)
				n = (uint32_t)(len - put);
			while (n-- > 0)
				page.rsp[MASK_XENSTORE_IDX(page.rsp_prod++)] =
				    (char)p[put++];
		}
		error = xs_asm_pull(&xb, &xr, &m);
		if (error != 0) {
			CHECK(m == NULL);
			CHECK(error == EBADMSG || (error == EIO && lied));
			r->error = error;
			return;
		}
		if (m != NULL) {
			record(r, m);
			continue;
		}
		/*
		 * No message: the ring is drained.  Each further turn puts
		 * at least one byte, so this ends.
		 */
		CHECK(!lied);
		CHECK(page.rsp_cons == page.rsp_prod);
		if (put == len)
			return;
	}
}

/* Build, then reassemble what was built: it must come back unchanged. */
static void
roundtrip(int error, size_t len)
{
	const struct xs_msg *m;
	size_t used;
	struct xs_asm *x = &xb;

	if (error != 0) {
		CHECK(error == EINVAL || error == ENAMETOOLONG ||
		    error == EMSGSIZE);
		return;
	}
	CHECK(len >= XS_HDR_LEN && len <= XS_MSG_MAX);
	xs_asm_init(x);
	CHECK(xs_asm_feed(x, scratch, len, &used, &m) == 0);
	CHECK(used == len && m != NULL);
	CHECK(memcmp(&m->xm_hdr, scratch, XS_HDR_LEN) == 0);
	CHECK(m->xm_hdr.len == len - XS_HDR_LEN);
	CHECK(memcmp(m->xm_body, scratch + XS_HDR_LEN, m->xm_hdr.len) == 0);
}

static void
builders(const struct xs_msg *m)
{
	static char path[XENSTORE_PAYLOAD_MAX + 1];
	static const char *perms[4];
	const char *s = m->xm_body, *t;
	size_t len, slen;
	int error;

	/* The body is NUL-terminated by the assembler. */
	slen = strlen(s);
	t = slen < m->xm_hdr.len ? s + slen + 1 : "";
	memcpy(path, s, slen + 1);
	error = xs_req_path(scratch, sizeof(scratch), &len, XS_READ,
	    m->xm_hdr.req_id, m->xm_hdr.tx_id, path);
	roundtrip(error, len);
	if (error == 0)
		CHECK(len == XS_HDR_LEN + slen + 1);
	error = xs_req_write(scratch, sizeof(scratch), &len, m->xm_hdr.req_id,
	    m->xm_hdr.tx_id, path, m->xm_body,
	    m->xm_hdr.len > XENSTORE_PAYLOAD_MAX ? 0 : m->xm_hdr.len);
	roundtrip(error, len);
	error = xs_req_watch(scratch, sizeof(scratch), &len, XS_WATCH,
	    m->xm_hdr.req_id, path, t);
	roundtrip(error, len);
	perms[0] = t;
	perms[1] = path;
	error = xs_req_set_perms(scratch, sizeof(scratch), &len, 1, 2,
	    "a", perms, 2);
	roundtrip(error, len);
	error = xs_req_transaction_end(scratch, sizeof(scratch), &len,
	    m->xm_hdr.req_id, m->xm_hdr.tx_id, (m->xm_hdr.len & 1) != 0);
	roundtrip(error, len);
}

static bool
inside(const char *q, const char *p, size_t len)
{
	return (q >= p && q < p + len);
}

static void
numbers(const char *s)
{
	u_long ul;
	int i, error;
	char *end;
	u_int domid;
	char mode;

	error = xs_parse_ulong(s, ~0UL, &ul);
	CHECK(error == 0 || error == EINVAL || error == ERANGE);
	if (error == 0) {
		CHECK(s[0] >= '0' && s[0] <= '9');
		CHECK(strtoul(s, &end, 10) == ul && *end == '\0');
	}
	error = xs_parse_int(s, -1000, 1000, &i);
	CHECK(error == 0 || error == EINVAL || error == ERANGE);
	if (error == 0) {
		CHECK(i >= -1000 && i <= 1000);
		CHECK(strtol(s, &end, 10) == i && *end == '\0');
		CHECK(s[0] == '-' || (s[0] >= '0' && s[0] <= '9'));
	}
	error = xs_parse_perm(s, &mode, &domid);
	CHECK(error == 0 || error == EINVAL || error == ERANGE);
	if (error == 0)
		CHECK(domid <= 0xffff && strchr("rwbn", mode) != NULL);
}

static void
parsers(const struct xs_msg *m)
{
	static char out[XENSTORE_PAYLOAD_MAX + 1];
	static const uint32_t reqtypes[] = { XS_DIRECTORY, XS_READ,
	    XS_GET_PERMS, XS_WATCH, XS_UNWATCH, XS_TRANSACTION_START,
	    XS_TRANSACTION_END, XS_WRITE, XS_MKDIR, XS_RM, XS_SET_PERMS,
	    XS_RESET_WATCHES };
	const char *p = m->xm_body, *path, *token, *vec[64];
	size_t len = m->xm_hdr.len, n;
	struct xsd_sockmsg req;
	uint32_t tx;
	u_int count, i;
	int error;

	error = xs_reply_error(p, len);
	CHECK(error == EBADMSG || error == EIO ||
	    (error > 0 && xs_errno_name(error) != NULL));
	if (xs_reply_ok(p, len) == 0)
		CHECK(len == 3 && strcmp(p, "OK") == 0);
	error = xs_reply_string(p, len, out, sizeof(out));
	CHECK(error == 0 || error == EINVAL);
	if (error == 0)
		CHECK(strlen(out) == len && memcmp(out, p, len) == 0);
	error = xs_reply_directory(p, len, vec, 64, &count);
	CHECK(error == 0 || error == EBADMSG || error == ENOSPC);
	if (error != EBADMSG) {
		CHECK(count <= len);
		for (i = 0; i < count && i < 64; i++) {
			n = strlen(vec[i]);
			CHECK(n > 0 && inside(vec[i], p, len) &&
			    inside(vec[i] + n, p, len));
		}
	}
	if (error == ENOSPC)
		CHECK(count > 64);
	error = xs_watch_event_parse(p, len, &path, &token);
	CHECK(error == 0 || error == EBADMSG);
	if (error == 0) {
		CHECK(path == p && *path != '\0' && *token != '\0');
		CHECK(token == p + strlen(path) + 1);
		CHECK(token + strlen(token) + 1 == p + len);
	}
	error = xs_reply_tx_id(p, len, &tx);
	CHECK(error == 0 || error == EBADMSG);
	if (error == 0)
		CHECK(tx != 0);
	for (i = 0; i < sizeof(reqtypes) / sizeof(reqtypes[0]); i++) {
		req.type = reqtypes[i];
		req.req_id = m->xm_hdr.req_id;
		req.tx_id = 0;
		req.len = 0;
		error = xs_reply_check(&req, m);
		if (m->xm_hdr.type == XS_WATCH_EVENT)
			CHECK(error == EINVAL);
		else if (m->xm_hdr.type != XS_ERROR &&
		    m->xm_hdr.type != req.type)
			CHECK(error == EBADMSG);
		req.req_id = m->xm_hdr.req_id + 1;
		CHECK(xs_reply_check(&req, m) == EINVAL);
	}
	numbers(p);
	builders(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, chunks, ring;
	uint8_t ctl;

	if (size < 1)
		return (0);
	ctl = data[0];
	data++;
	size--;
	feed(&xa, data, size, 0, false, &whole, parsers);
	feed(&xb, data, size, ctl, true, &chunks, NULL);
	same(&whole, &chunks);
	pull(data, size, ctl, &ring);
	if ((ctl & 0x80) == 0)
		same(&whole, &ring);
	else
		/* A lie can only cut the stream short, never change it. */
		CHECK(ring.nrec <= whole.nrec);
	return (0);
}
