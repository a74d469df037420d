/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The xenstore message layer (docs/misc/xenstore.txt, <xen/io/xs_wire.h>).
 *
 * A message is a struct xsd_sockmsg {type, req_id, tx_id, len} followed by
 * len <= XENSTORE_PAYLOAD_MAX payload bytes.  Requests are built here into
 * a buffer the caller owns and then streamed into the ring by xs_ring.c;
 * the response stream is read back through the assembler below, which
 * turns bytes (in any split) into whole messages, and the reply parsers
 * check each payload against the shape its type promises.
 *
 * Everything that comes from xenstored is untrusted.  The assembler refuses
 * a header whose type a domU can never receive or whose length exceeds
 * XENSTORE_PAYLOAD_MAX: after that the stream has no framing left, so the
 * refusal (EBADMSG) is sticky until the connection is reset.  The parsers
 * never read past len, never assume a NUL that is not there, and return
 * EBADMSG for a payload that breaks the protocol, EINVAL for a well-formed
 * value that is not what the caller asked for (an embedded NUL in a string,
 * junk in a number) and ERANGE for a number out of range.  Error replies
 * carry the errno's name; it is mapped to our (BSD) numbers through the
 * xsd_errors table of <xen/io/xs_wire.h>, which is why <sys/errno.h> comes
 * first below.
 *
 * Context: any; nothing here sleeps, allocates or keeps global state.  The
 * xenstore client owns the assembler and serialises calls on it.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>

#ifndef EINVAL
#error "<sys/errno.h> must precede <xen/io/xs_wire.h> for xsd_errors"
#endif
#include <xen/io/xs_wire.h>
#include "xs_ring.h"
#include "xs_wire.h"

#define	XS_U32_MAX	0xffffffffUL
#define	XS_DOMID_MAX	0xffffUL

_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg is 16 bytes");

/*
 * Requests.
 */

/* Validate a path; its length without the NUL goes to *lenp. */
static int
xs_path_len(const char *path, size_t *lenp)
{
	size_t len, max;

	if (path == NULL || path[0] == '\0')
		return (EINVAL);
	max = path[0] == '/' ? XENSTORE_ABS_PATH_MAX : XENSTORE_REL_PATH_MAX;
	len = strnlen(path, max + 1);
	if (len > max)
		return (ENAMETOOLONG);
	*lenp = len;
	return (0);
}

/*
 * Write the header for a plen-byte payload and return where the payload
 * goes.  Checked in this order: protocol limit, then the caller's buffer.
 */
static int
xs_req_start(void *buf, size_t size, size_t *lenp, size_t plen,
    uint32_t type, uint32_t req_id, uint32_t tx_id, char **payloadp)
{
	struct xsd_sockmsg hdr;

	if (plen > XENSTORE_PAYLOAD_MAX)
		return (EMSGSIZE);
	if (buf == NULL || size < XS_HDR_LEN + plen)
		return (ENOSPC);
	hdr.type = type;
	hdr.req_id = req_id;
	hdr.tx_id = tx_id;
	hdr.len = (uint32_t)plen;
	memcpy(buf, &hdr, sizeof(hdr));
	*payloadp = (char *)buf + XS_HDR_LEN;
	*lenp = XS_HDR_LEN + plen;
	return (0);
}

/* XS_DIRECTORY, XS_READ, XS_GET_PERMS, XS_MKDIR, XS_RM: "path\0". */
int
xs_req_path(void *buf, size_t size, size_t *lenp, uint32_t type,
    uint32_t req_id, uint32_t tx_id, const char *path)
{
	size_t plen;
	char *p;
	int error;

	switch (type) {
	case XS_DIRECTORY:
	case XS_READ:
	case XS_GET_PERMS:
	case XS_MKDIR:
	case XS_RM:
		break;
	default:
		return (EINVAL);
	}
	if ((error = xs_path_len(path, &plen)) != 0)
		return (error);
	error = xs_req_start(buf, size, lenp, plen + 1, type, req_id, tx_id,
	    &p);
	if (error != 0)
		return (error);
	memcpy(p, path, plen + 1);
	return (0);
}

/* XS_WRITE: "path\0" then the value's bytes, not NUL-terminated. */
int
xs_req_write(void *buf, size_t size, size_t *lenp, uint32_t req_id,
    uint32_t tx_id, const char *path, const void *value, size_t vlen)
{
	size_t plen;
	char *p;
	int error;

	if (value == NULL && vlen != 0)
		return (EINVAL);
	if ((error = xs_path_len(path, &plen)) != 0)
		return (error);
	if (vlen > XENSTORE_PAYLOAD_MAX)
		return (EMSGSIZE);
	error = xs_req_start(buf, size, lenp, plen + 1 + vlen, XS_WRITE,
	    req_id, tx_id, &p);
	if (error != 0)
		return (error);
	memcpy(p, path, plen + 1);
	if (vlen != 0)
		memcpy(p + plen + 1, value, vlen);
	return (0);
}

/* XS_WATCH, XS_UNWATCH: "path\0token\0", never inside a transaction. */
int
xs_req_watch(void *buf, size_t size, size_t *lenp, uint32_t type,
    uint32_t req_id, const char *path, const char *token)
{
	size_t plen, tlen;
	char *p;
	int error;

	if (type != XS_WATCH && type != XS_UNWATCH)
		return (EINVAL);
	if ((error = xs_path_len(path, &plen)) != 0)
		return (error);
	if (token == NULL || token[0] == '\0')
		return (EINVAL);
	tlen = strnlen(token, XENSTORE_PAYLOAD_MAX + 1);
	if (tlen > XENSTORE_PAYLOAD_MAX)
		return (EMSGSIZE);
	error = xs_req_start(buf, size, lenp, plen + 1 + tlen + 1, type,
	    req_id, 0, &p);
	if (error != 0)
		return (error);
	memcpy(p, path, plen + 1);
	memcpy(p + plen + 1, token, tlen + 1);
	return (0);
}

/* XS_TRANSACTION_START: "\0" with tx_id 0; the reply carries the id. */
int
xs_req_transaction_start(void *buf, size_t size, size_t *lenp,
    uint32_t req_id)
{
	char *p;
	int error;

	error = xs_req_start(buf, size, lenp, 1, XS_TRANSACTION_START,
	    req_id, 0, &p);
	if (error == 0)
		p[0] = '\0';
	return (error);
}

/* XS_TRANSACTION_END: "T\0" commits, "F\0" aborts. */
int
xs_req_transaction_end(void *buf, size_t size, size_t *lenp,
    uint32_t req_id, uint32_t tx_id, bool commit)
{
	char *p;
	int error;

	if (tx_id == 0)
		return (EINVAL);
	error = xs_req_start(buf, size, lenp, 2, XS_TRANSACTION_END, req_id,
	    tx_id, &p);
	if (error == 0) {
		p[0] = commit ? 'T' : 'F';
		p[1] = '\0';
	}
	return (error);
}

/* XS_RESET_WATCHES: "\0"; drops all our watches and transactions. */
int
xs_req_reset_watches(void *buf, size_t size, size_t *lenp, uint32_t req_id)
{
	char *p;
	int error;

	error = xs_req_start(buf, size, lenp, 1, XS_RESET_WATCHES, req_id, 0,
	    &p);
	if (error == 0)
		p[0] = '\0';
	return (error);
}

/*
 * XS_SET_PERMS: "path\0" then one "<r|w|b|n><domid>\0" per entry; the
 * first entry names the owner and the access of everybody else.
 */
int
xs_req_set_perms(void *buf, size_t size, size_t *lenp, uint32_t req_id,
    uint32_t tx_id, const char *path, const char *const *perms, u_int nperms)
{
	size_t len, plen, tot;
	u_int domid, i;
	char mode, *p;
	int error;

	if (perms == NULL || nperms == 0)
		return (EINVAL);
	if ((error = xs_path_len(path, &plen)) != 0)
		return (error);
	tot = plen + 1;
	for (i = 0; i < nperms; i++) {
		if (perms[i] == NULL)
			return (EINVAL);
		len = strnlen(perms[i], XENSTORE_PAYLOAD_MAX + 1);
		if (len > XENSTORE_PAYLOAD_MAX)
			return (EMSGSIZE);
		if (xs_parse_perm(perms[i], &mode, &domid) != 0)
			return (EINVAL);
		tot += len + 1;
		if (tot > XENSTORE_PAYLOAD_MAX)
			return (EMSGSIZE);
	}
	error = xs_req_start(buf, size, lenp, tot, XS_SET_PERMS, req_id,
	    tx_id, &p);
	if (error != 0)
		return (error);
	memcpy(p, path, plen + 1);
	p += plen + 1;
	for (i = 0; i < nperms; i++) {
		len = strlen(perms[i]);
		memcpy(p, perms[i], len + 1);
		p += len + 1;
	}
	return (0);
}

/*
 * The response stream.
 */

/*
 * Types a domU can receive: replies to the requests a domU may send, watch
 * events and errors.  Anything else (privileged operations we never send,
 * the removed XS_RESTRICT, values past XS_TYPE_COUNT) means the stream is
 * not what we think it is.
 */
bool
xs_type_known(uint32_t type)
{
	switch (type) {
	case XS_DIRECTORY:
	case XS_READ:
	case XS_GET_PERMS:
	case XS_WATCH:
	case XS_UNWATCH:
	case XS_TRANSACTION_START:
	case XS_TRANSACTION_END:
	case XS_GET_DOMAIN_PATH:
	case XS_WRITE:
	case XS_MKDIR:
	case XS_RM:
	case XS_SET_PERMS:
	case XS_WATCH_EVENT:
	case XS_ERROR:
	case XS_RESET_WATCHES:
	case XS_DIRECTORY_PART:
		return (true);
	default:
		return (false);
	}
}

void
xs_asm_init(struct xs_asm *xa)
{
	xa->xa_have = 0;
	xa->xa_error = 0;
	xa->xa_done = false;
	xa->xa_nmsgs = 0;
	xa->xa_msg.xm_hdr.len = 0;
}

/* Start a new message if the last call handed one out. */
static void
xs_asm_next(struct xs_asm *xa)
{
	if (xa->xa_done) {
		xa->xa_done = false;
		xa->xa_have = 0;
	}
}

/*
 * Where the next bytes of the stream go, and how many the current step
 * (header, then payload) still needs.  Never zero between messages.
 */
static size_t
xs_asm_want(struct xs_asm *xa, char **dstp)
{
	struct xs_msg *m = &xa->xa_msg;

	if (xa->xa_have < XS_HDR_LEN) {
		*dstp = (char *)&m->xm_hdr + xa->xa_have;
		return (XS_HDR_LEN - xa->xa_have);
	}
	*dstp = m->xm_body + (xa->xa_have - XS_HDR_LEN);
	return (XS_HDR_LEN + m->xm_hdr.len - xa->xa_have);
}

/* n (<= the want) bytes have landed where xs_asm_want() said. */
static int
xs_asm_advance(struct xs_asm *xa, size_t n, const struct xs_msg **msgp)
{
	struct xs_msg *m = &xa->xa_msg;

	xa->xa_have += n;
	if (xa->xa_have < XS_HDR_LEN)
		return (0);
	if (xa->xa_have == XS_HDR_LEN &&
	    (!xs_type_known(m->xm_hdr.type) ||
	    m->xm_hdr.len > XENSTORE_PAYLOAD_MAX)) {
		xa->xa_error = EBADMSG;
		return (EBADMSG);
	}
	if (xa->xa_have == XS_HDR_LEN + m->xm_hdr.len) {
		m->xm_body[m->xm_hdr.len] = '\0';
		xa->xa_done = true;
		xa->xa_nmsgs++;
		*msgp = m;
	}
	return (0);
}

/*
 * Feed len bytes of the response stream.  Bytes are taken up to the end of
 * the first message they complete; *usedp says how many, and *msgp points
 * to the message (or is NULL if more bytes are needed).  The caller feeds
 * the rest afterwards.
 */
int
xs_asm_feed(struct xs_asm *xa, const void *buf, size_t len, size_t *usedp,
    const struct xs_msg **msgp)
{
	const char *src = buf;
	size_t n, used;
	char *dst;
	int error;

	*msgp = NULL;
	*usedp = 0;
	if (xa->xa_error != 0)
		return (xa->xa_error);
	xs_asm_next(xa);
	error = 0;
	for (used = 0; used < len && *msgp == NULL && error == 0; used += n) {
		n = MIN(xs_asm_want(xa, &dst), len - used);
		memcpy(dst, src + used, n);
		error = xs_asm_advance(xa, n, msgp);
	}
	*usedp = used;
	return (error);
}

/*
 * Pull what the current message needs straight from the ring, until it is
 * complete (*msgp set) or the ring is empty (*msgp NULL).  The ring's own
 * errors (EIO, hostile indices) are passed up.
 */
int
xs_asm_pull(struct xs_asm *xa, struct xs_ring *xr, const struct xs_msg **msgp)
{
	size_t got, want;
	char *dst;
	int error;

	*msgp = NULL;
	if (xa->xa_error != 0)
		return (xa->xa_error);
	xs_asm_next(xa);
	for (;;) {
		want = xs_asm_want(xa, &dst);
		if ((error = xs_ring_read(xr, dst, want, &got)) != 0)
			return (error);
		if (got == 0)
			return (0);
		error = xs_asm_advance(xa, got, msgp);
		if (error != 0 || *msgp != NULL)
			return (error);
	}
}

/*
 * Replies.
 */

/*
 * Is rsp the reply to req?  Watch events never are; any other message with
 * the request's req_id is, whatever its type (xs_reply_check() then judges
 * the type).
 */
bool
xs_reply_matches(const struct xsd_sockmsg *req, const struct xsd_sockmsg *rsp)
{
	return (rsp->type != XS_WATCH_EVENT && rsp->req_id == req->req_id);
}

/*
 * Validate the reply to req as a whole: 0 if it is a success of the right
 * shape, the errno an XS_ERROR reply carries, EBADMSG for a malformed reply
 * or one of the wrong type, EINVAL if rsp is not req's reply at all.
 */
int
xs_reply_check(const struct xsd_sockmsg *req, const struct xs_msg *rsp)
{
	const struct xsd_sockmsg *h = &rsp->xm_hdr;
	const char *p = rsp->xm_body;
	size_t len = h->len;
	const char *perm;
	uint32_t tx_id;
	size_t off;
	u_int count, domid;
	char mode;
	int error;

	if (!xs_reply_matches(req, h))
		return (EINVAL);
	if (len > XENSTORE_PAYLOAD_MAX)
		return (EBADMSG);
	if (h->type == XS_ERROR)
		return (xs_reply_error(p, len));
	if (h->type != req->type)
		return (EBADMSG);
	switch (h->type) {
	case XS_WRITE:
	case XS_MKDIR:
	case XS_RM:
	case XS_WATCH:
	case XS_UNWATCH:
	case XS_TRANSACTION_END:
	case XS_SET_PERMS:
	case XS_RESET_WATCHES:
		return (xs_reply_ok(p, len));
	case XS_DIRECTORY:
		return (xs_reply_directory(p, len, NULL, 0, &count));
	case XS_GET_PERMS:
		error = xs_reply_directory(p, len, NULL, 0, &count);
		if (error != 0)
			return (error);
		if (count == 0)
			return (EBADMSG);
		for (off = 0; off < len; off += strlen(perm) + 1) {
			perm = p + off;
			if (xs_parse_perm(perm, &mode, &domid) != 0)
				return (EBADMSG);
		}
		return (0);
	case XS_TRANSACTION_START:
		return (xs_reply_tx_id(p, len, &tx_id));
	case XS_READ:
	default:
		/* Raw bytes; the caller decides what they must look like. */
		return (0);
	}
}

/*
 * The errno an XS_ERROR payload ("ENAME\0") carries.  A name we do not
 * know is still an error: EIO.  A payload that is not one NUL-terminated
 * name is EBADMSG.
 */
int
xs_reply_error(const char *p, size_t len)
{
	int error;

	if (len < 2 || p[len - 1] != '\0' || strnlen(p, len) != len - 1)
		return (EBADMSG);
	error = xs_errno_from_name(p);
	return (error != 0 ? error : EIO);
}

/* Write, mkdir, rm, watch and friends answer exactly "OK\0". */
int
xs_reply_ok(const char *p, size_t len)
{
	if (len != 3 || memcmp(p, "OK", 3) != 0)
		return (EBADMSG);
	return (0);
}

/*
 * A read reply used as a string: the value is not NUL-terminated on the
 * wire; copy it into buf with a NUL.  An embedded NUL would make the string
 * silently shorter than the value, so it is refused (EINVAL).
 */
int
xs_reply_string(const char *p, size_t len, char *buf, size_t size)
{
	if (len > XENSTORE_PAYLOAD_MAX)
		return (EBADMSG);
	if (strnlen(p, len) != len)
		return (EINVAL);
	if (buf == NULL || size < len + 1)
		return (ENOSPC);
	memcpy(buf, p, len);
	buf[len] = '\0';
	return (0);
}

/*
 * A directory (or permissions) reply: names, each NUL-terminated.  Counts
 * them into *countp and, if vec is not NULL, points up to nvec entries of
 * vec at them (into p).  ENOSPC if vec is too short (*countp says how long
 * it must be); EBADMSG for a missing final NUL or an empty name.  An empty
 * payload, or a lone NUL, is an empty directory.
 */
int
xs_reply_directory(const char *p, size_t len, const char **vec, u_int nvec,
    u_int *countp)
{
	size_t n, off;
	u_int count;

	*countp = 0;
	if (len > XENSTORE_PAYLOAD_MAX)
		return (EBADMSG);
	if (len == 0 || (len == 1 && p[0] == '\0'))
		return (0);
	if (p[len - 1] != '\0')
		return (EBADMSG);
	count = 0;
	for (off = 0; off < len; off += n + 1) {
		/* The final NUL bounds this: n < len - off. */
		n = strnlen(p + off, len - off);
		if (n == 0)
			return (EBADMSG);
		if (vec != NULL && count < nvec)
			vec[count] = p + off;
		count++;
	}
	*countp = count;
	if (vec != NULL && count > nvec)
		return (ENOSPC);
	return (0);
}

/* XS_TRANSACTION_START's reply: a decimal id, non-zero, then a NUL. */
int
xs_reply_tx_id(const char *p, size_t len, uint32_t *txp)
{
	u_long v;

	if (len < 2 || len > XENSTORE_PAYLOAD_MAX || p[len - 1] != '\0' ||
	    strnlen(p, len) != len - 1)
		return (EBADMSG);
	if (xs_parse_ulong(p, XS_U32_MAX, &v) != 0 || v == 0)
		return (EBADMSG);
	*txp = (uint32_t)v;
	return (0);
}

/*
 * XS_WATCH_EVENT: "path\0token\0", both non-empty and nothing after.
 * *pathp and *tokenp point into p.
 */
int
xs_watch_event_parse(const char *p, size_t len, const char **pathp,
    const char **tokenp)
{
	size_t plen, tlen;

	if (len < 4 || len > XENSTORE_PAYLOAD_MAX || p[len - 1] != '\0')
		return (EBADMSG);
	plen = strnlen(p, len);
	if (plen == 0 || plen + 1 >= len)
		return (EBADMSG);
	tlen = strnlen(p + plen + 1, len - plen - 1);
	if (tlen == 0 || plen + 1 + tlen + 1 != len)
		return (EBADMSG);
	*pathp = p;
	*tokenp = p + plen + 1;
	return (0);
}

/*
 * Errno names and numbers.
 */

/* Our errno for an xenstored error name, or 0 if the name is unknown. */
int
xs_errno_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(xsd_errors); i++)
		if (strcmp(name, xsd_errors[i].errstring) == 0)
			return (xsd_errors[i].errnum);
	return (0);
}

/* The name xenstored uses for an errno, or NULL. */
const char *
xs_errno_name(int error)
{
	size_t i;

	for (i = 0; i < nitems(xsd_errors); i++)
		if (xsd_errors[i].errnum == error)
			return (xsd_errors[i].errstring);
	return (NULL);
}

/*
 * Numeric node values are plain decimal: digits only (no sign, no blanks,
 * no base prefix), at least one, and no trailing junk (EINVAL); a value
 * above max is ERANGE.  Junk wins over range so that "99999999999x" reads
 * as what it is.
 */
int
xs_parse_ulong(const char *s, u_long max, u_long *vp)
{
	const char *c;
	u_long v, d;
	bool over;

	if (s == NULL || *s == '\0')
		return (EINVAL);
	v = 0;
	over = false;
	for (c = s; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			return (EINVAL);
		d = (u_long)(*c - '0');
		if (over || d > max || v > (max - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (over)
		return (ERANGE);
	*vp = v;
	return (0);
}

/* As xs_parse_ulong(), with one optional leading '-', into [min, max]. */
int
xs_parse_int(const char *s, int min, int max, int *vp)
{
	u_long mag;
	long v;
	bool neg;
	int error;

	if (s == NULL || min > max)
		return (EINVAL);
	neg = (*s == '-');
	if (neg)
		s++;
	/* 2^31 covers every int magnitude, INT_MIN's included. */
	error = xs_parse_ulong(s, 0x80000000UL, &mag);
	if (error != 0)
		return (error);
	v = neg ? -(long)mag : (long)mag;
	if (v < min || v > max)
		return (ERANGE);
	*vp = (int)v;
	return (0);
}

/* One permission entry: a mode letter (r, w, b, n) and a domain id. */
int
xs_parse_perm(const char *s, char *modep, u_int *domidp)
{
	u_long domid;
	int error;

	if (s == NULL)
		return (EINVAL);
	switch (s[0]) {
	case 'r':
	case 'w':
	case 'b':
	case 'n':
		break;
	default:
		return (EINVAL);
	}
	if ((error = xs_parse_ulong(s + 1, XS_DOMID_MAX, &domid)) != 0)
		return (error);
	*modep = s[0];
	*domidp = (u_int)domid;
	return (0);
}
