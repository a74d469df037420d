/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The xenstore message layer (sys/xen/xenstore/xs_wire.c): request
 * building and its limits, the assembler fed in every possible split and
 * through a ring page whose indices wrap at 2^32, and each reply parser on
 * well-formed and hostile payloads.  Error numbers are pvbsd's (BSD), not
 * the host's.
 */

#include <atf-c.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <errno.h>
#include <xen/io/xs_wire.h>
#include "xs_ring.h"
#include "xs_wire.h"

#define	LIT(s)	(s), (sizeof(s) - 1)	/* payload bytes, NULs included */

static char buf[XS_MSG_MAX + 64];

static struct xsd_sockmsg
hdr_of(const void *b)
{
	struct xsd_sockmsg h;

	memcpy(&h, b, sizeof(h));
	return (h);
}

/* A message as xenstored would send it; returns its total length. */
static size_t
mkmsg(char *out, uint32_t type, uint32_t req_id, uint32_t tx_id,
    const char *payload, size_t len)
{
	struct xsd_sockmsg h = { type, req_id, tx_id, (uint32_t)len };

	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), payload, len);
	return (sizeof(h) + len);
}

static char *
filled(size_t n, char c)
{
	static char s[2 * XENSTORE_PAYLOAD_MAX];

	memset(s, c, n);
	s[n] = '\0';
	return (s);
}

/*
 * Building requests.
 */

ATF_TC_WITHOUT_HEAD(req_path_types);
ATF_TC_BODY(req_path_types, tc)
{
	static const uint32_t ok[] = { XS_DIRECTORY, XS_READ, XS_GET_PERMS,
	    XS_MKDIR, XS_RM };
	struct xsd_sockmsg h;
	size_t len;
	unsigned i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ATF_REQUIRE_EQ(0, xs_req_path(buf, sizeof(buf), &len, ok[i],
		    42, 9, "device/vbd"));
		h = hdr_of(buf);
		ATF_CHECK_EQ(ok[i], h.type);
		ATF_CHECK_EQ(42, h.req_id);
		ATF_CHECK_EQ(9, h.tx_id);
		ATF_CHECK_EQ(11, h.len);
		ATF_CHECK_EQ(16 + 11, len);
		ATF_CHECK(memcmp(buf + 16, "device/vbd", 11) == 0);
	}
	ATF_CHECK_EQ(EINVAL, xs_req_path(buf, sizeof(buf), &len, XS_WRITE,
	    1, 0, "a"));
	ATF_CHECK_EQ(EINVAL, xs_req_path(buf, sizeof(buf), &len, XS_ERROR,
	    1, 0, "a"));
	ATF_CHECK_EQ(EINVAL, xs_req_path(buf, sizeof(buf), &len, XS_READ,
	    1, 0, ""));
	ATF_CHECK_EQ(EINVAL, xs_req_path(buf, sizeof(buf), &len, XS_READ,
	    1, 0, NULL));
}

ATF_TC_WITHOUT_HEAD(req_path_limits);
ATF_TC_BODY(req_path_limits, tc)
{
	char path[XENSTORE_ABS_PATH_MAX + 2];
	size_t len;

	/* Absolute: 3072 bytes fit, 3073 do not. */
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[XENSTORE_ABS_PATH_MAX] = '\0';
	ATF_CHECK_EQ(0, xs_req_path(buf, sizeof(buf), &len, XS_READ, 1, 0,
	    path));
	ATF_CHECK_EQ(16 + XENSTORE_ABS_PATH_MAX + 1, len);
	path[XENSTORE_ABS_PATH_MAX] = 'a';
	path[XENSTORE_ABS_PATH_MAX + 1] = '\0';
	ATF_CHECK_EQ(ENAMETOOLONG, xs_req_path(buf, sizeof(buf), &len,
	    XS_READ, 1, 0, path));
	/* Relative: 2048 fit, 2049 do not. */
	ATF_CHECK_EQ(0, xs_req_path(buf, sizeof(buf), &len, XS_READ, 1, 0,
	    filled(XENSTORE_REL_PATH_MAX, 'r')));
	ATF_CHECK_EQ(ENAMETOOLONG, xs_req_path(buf, sizeof(buf), &len,
	    XS_READ, 1, 0, filled(XENSTORE_REL_PATH_MAX + 1, 'r')));
	/* Unterminated-looking huge strings are bounded, not walked off. */
	ATF_CHECK_EQ(ENAMETOOLONG, xs_req_path(buf, sizeof(buf), &len,
	    XS_READ, 1, 0, filled(2 * XENSTORE_PAYLOAD_MAX - 1, 'r')));
}

ATF_TC_WITHOUT_HEAD(req_buffer_small);
ATF_TC_BODY(req_buffer_small, tc)
{
	size_t len = 12345;

	ATF_CHECK_EQ(ENOSPC, xs_req_path(buf, 16 + 3, &len, XS_READ, 1, 0,
	    "abc"));
	ATF_CHECK_EQ(12345, len);
	ATF_CHECK_EQ(0, xs_req_path(buf, 16 + 4, &len, XS_READ, 1, 0, "abc"));
	ATF_CHECK_EQ(20, len);
	ATF_CHECK_EQ(ENOSPC, xs_req_transaction_start(buf, 16, &len, 1));
}

ATF_TC_WITHOUT_HEAD(req_write);
ATF_TC_BODY(req_write, tc)
{
	struct xsd_sockmsg h;
	size_t len;
	char *v;

	ATF_REQUIRE_EQ(0, xs_req_write(buf, sizeof(buf), &len, 3, 5,
	    "device/vif/0/state", "4", 1));
	h = hdr_of(buf);
	ATF_CHECK_EQ(XS_WRITE, h.type);
	ATF_CHECK_EQ(3, h.req_id);
	ATF_CHECK_EQ(5, h.tx_id);
	ATF_CHECK_EQ(19 + 1, h.len);
	ATF_CHECK_EQ(16 + 20, len);
	ATF_CHECK(memcmp(buf + 16, "device/vif/0/state\0" "4", 20) == 0);
	/* Empty value: just the path. */
	ATF_REQUIRE_EQ(0, xs_req_write(buf, sizeof(buf), &len, 3, 0,
	    "control/shutdown", NULL, 0));
	ATF_CHECK_EQ(17, hdr_of(buf).len);
	ATF_CHECK_EQ(EINVAL, xs_req_write(buf, sizeof(buf), &len, 3, 0,
	    "a", NULL, 1));
	/* Payload limit: path "p\0" + 4094 bytes is exactly 4096. */
	v = filled(XENSTORE_PAYLOAD_MAX - 2, 'v');
	ATF_CHECK_EQ(0, xs_req_write(buf, sizeof(buf), &len, 1, 0, "p", v,
	    strlen(v)));
	ATF_CHECK_EQ(XS_MSG_MAX, len);
	ATF_CHECK_EQ(EMSGSIZE, xs_req_write(buf, sizeof(buf), &len, 1, 0,
	    "p", v, strlen(v) + 1));
	ATF_CHECK_EQ(EMSGSIZE, xs_req_write(buf, sizeof(buf), &len, 1, 0,
	    "p", v, (size_t)-1));
	ATF_CHECK_EQ(ENAMETOOLONG, xs_req_write(buf, sizeof(buf), &len, 1, 0,
	    filled(XENSTORE_REL_PATH_MAX + 1, 'q'), "x", 1));
}

ATF_TC_WITHOUT_HEAD(req_watch);
ATF_TC_BODY(req_watch, tc)
{
	struct xsd_sockmsg h;
	size_t len;

	ATF_REQUIRE_EQ(0, xs_req_watch(buf, sizeof(buf), &len, XS_WATCH, 8,
	    "backend/vbd", "tok1"));
	h = hdr_of(buf);
	ATF_CHECK_EQ(XS_WATCH, h.type);
	ATF_CHECK_EQ(8, h.req_id);
	ATF_CHECK_EQ(0, h.tx_id);
	ATF_CHECK_EQ(12 + 5, h.len);
	ATF_CHECK(memcmp(buf + 16, "backend/vbd\0tok1", 17) == 0);
	ATF_CHECK_EQ(0, xs_req_watch(buf, sizeof(buf), &len, XS_UNWATCH, 8,
	    "@releaseDomain", "t"));
	ATF_CHECK_EQ(EINVAL, xs_req_watch(buf, sizeof(buf), &len, XS_READ, 8,
	    "a", "t"));
	ATF_CHECK_EQ(EINVAL, xs_req_watch(buf, sizeof(buf), &len, XS_WATCH, 8,
	    "a", ""));
	ATF_CHECK_EQ(EINVAL, xs_req_watch(buf, sizeof(buf), &len, XS_WATCH, 8,
	    "a", NULL));
	/* "a\0" + token + "\0": a 4093-byte token is the most that fits. */
	ATF_CHECK_EQ(EMSGSIZE, xs_req_watch(buf, sizeof(buf), &len, XS_WATCH,
	    8, "a", filled(XENSTORE_PAYLOAD_MAX - 2, 't')));
	ATF_CHECK_EQ(0, xs_req_watch(buf, sizeof(buf), &len, XS_WATCH,
	    8, "a", filled(XENSTORE_PAYLOAD_MAX - 3, 't')));
	ATF_CHECK_EQ(XS_MSG_MAX, len);
}

ATF_TC_WITHOUT_HEAD(req_transactions);
ATF_TC_BODY(req_transactions, tc)
{
	struct xsd_sockmsg h;
	size_t len;

	ATF_REQUIRE_EQ(0, xs_req_transaction_start(buf, sizeof(buf), &len, 4));
	h = hdr_of(buf);
	ATF_CHECK_EQ(XS_TRANSACTION_START, h.type);
	ATF_CHECK_EQ(0, h.tx_id);
	ATF_CHECK_EQ(1, h.len);
	ATF_CHECK_EQ(17, len);
	ATF_CHECK_EQ('\0', buf[16]);
	ATF_REQUIRE_EQ(0, xs_req_transaction_end(buf, sizeof(buf), &len, 5,
	    77, true));
	h = hdr_of(buf);
	ATF_CHECK_EQ(XS_TRANSACTION_END, h.type);
	ATF_CHECK_EQ(77, h.tx_id);
	ATF_CHECK_EQ(2, h.len);
	ATF_CHECK(memcmp(buf + 16, "T", 2) == 0);
	ATF_REQUIRE_EQ(0, xs_req_transaction_end(buf, sizeof(buf), &len, 5,
	    77, false));
	ATF_CHECK(memcmp(buf + 16, "F", 2) == 0);
	ATF_CHECK_EQ(EINVAL, xs_req_transaction_end(buf, sizeof(buf), &len,
	    5, 0, true));
	ATF_REQUIRE_EQ(0, xs_req_reset_watches(buf, sizeof(buf), &len, 6));
	h = hdr_of(buf);
	ATF_CHECK_EQ(XS_RESET_WATCHES, h.type);
	ATF_CHECK_EQ(1, h.len);
}

ATF_TC_WITHOUT_HEAD(req_set_perms);
ATF_TC_BODY(req_set_perms, tc)
{
	const char *good[] = { "n0", "r5" };
	const char *bad1[] = { "x0" };
	const char *bad2[] = { "r" };
	const char *bad3[] = { "r65536" };
	size_t len;

	ATF_REQUIRE_EQ(0, xs_req_set_perms(buf, sizeof(buf), &len, 1, 2, "a/b",
	    good, 2));
	ATF_CHECK_EQ(XS_SET_PERMS, hdr_of(buf).type);
	ATF_CHECK_EQ(10, hdr_of(buf).len);
	ATF_CHECK(memcmp(buf + 16, "a/b\0n0\0r5", 10) == 0);
	ATF_CHECK_EQ(EINVAL, xs_req_set_perms(buf, sizeof(buf), &len, 1, 2,
	    "a", bad1, 1));
	ATF_CHECK_EQ(EINVAL, xs_req_set_perms(buf, sizeof(buf), &len, 1, 2,
	    "a", bad2, 1));
	ATF_CHECK_EQ(EINVAL, xs_req_set_perms(buf, sizeof(buf), &len, 1, 2,
	    "a", bad3, 1));
	ATF_CHECK_EQ(EINVAL, xs_req_set_perms(buf, sizeof(buf), &len, 1, 2,
	    "a", good, 0));
}

/*
 * The assembler.
 */

/* Feed everything; collect the messages completed, in order. */
static int
feed_all(struct xs_asm *xa, const char *in, size_t len, int *nmsgs,
    uint32_t *types, size_t ntypes)
{
	const struct xs_msg *m;
	size_t used;
	int error;

	while (len > 0) {
		error = xs_asm_feed(xa, in, len, &used, &m);
		if (error != 0)
			return (error);
		ATF_REQUIRE(used <= len);
		ATF_REQUIRE(used > 0);
		in += used;
		len -= used;
		if (m != NULL) {
			if (*nmsgs < (int)ntypes)
				types[*nmsgs] = m->xm_hdr.type;
			(*nmsgs)++;
		}
	}
	return (0);
}

ATF_TC_WITHOUT_HEAD(asm_whole);
ATF_TC_BODY(asm_whole, tc)
{
	struct xs_asm xa;
	const struct xs_msg *m;
	char in[64];
	size_t n, used;

	xs_asm_init(&xa);
	n = mkmsg(in, XS_READ, 5, 6, "value", 5);
	ATF_REQUIRE_EQ(0, xs_asm_feed(&xa, in, n, &used, &m));
	ATF_CHECK_EQ(n, used);
	ATF_REQUIRE(m != NULL);
	ATF_CHECK_EQ(XS_READ, m->xm_hdr.type);
	ATF_CHECK_EQ(5, m->xm_hdr.req_id);
	ATF_CHECK_EQ(6, m->xm_hdr.tx_id);
	ATF_CHECK_EQ(5, m->xm_hdr.len);
	ATF_CHECK(memcmp(m->xm_body, "value", 6) == 0);	/* our NUL */
	ATF_CHECK_EQ(1, xa.xa_nmsgs);
	/* Empty input: nothing happens. */
	ATF_CHECK_EQ(0, xs_asm_feed(&xa, in, 0, &used, &m));
	ATF_CHECK_EQ(0, used);
	ATF_CHECK(m == NULL);
}

/* Two messages in one buffer: the first call stops at the boundary. */
ATF_TC_WITHOUT_HEAD(asm_back_to_back);
ATF_TC_BODY(asm_back_to_back, tc)
{
	struct xs_asm xa;
	const struct xs_msg *m;
	char in[128];
	size_t n, n1, used;

	xs_asm_init(&xa);
	n1 = mkmsg(in, XS_WATCH_EVENT, 0, 0, LIT("a/b\0tok\0"));
	n = n1 + mkmsg(in + n1, XS_WRITE, 9, 0, LIT("OK\0"));
	ATF_REQUIRE_EQ(0, xs_asm_feed(&xa, in, n, &used, &m));
	ATF_CHECK_EQ(n1, used);
	ATF_REQUIRE(m != NULL);
	ATF_CHECK_EQ(XS_WATCH_EVENT, m->xm_hdr.type);
	ATF_REQUIRE_EQ(0, xs_asm_feed(&xa, in + used, n - used, &used, &m));
	ATF_CHECK_EQ(n - n1, used);
	ATF_REQUIRE(m != NULL);
	ATF_CHECK_EQ(XS_WRITE, m->xm_hdr.type);
	ATF_CHECK_EQ(9, m->xm_hdr.req_id);
}

/* Zero-length payloads complete with the header. */
ATF_TC_WITHOUT_HEAD(asm_empty_payload);
ATF_TC_BODY(asm_empty_payload, tc)
{
	struct xs_asm xa;
	const struct xs_msg *m;
	char in[64];
	size_t n, used;

	xs_asm_init(&xa);
	n = mkmsg(in, XS_DIRECTORY, 1, 0, "", 0);
	n += mkmsg(in + n, XS_READ, 2, 0, "", 0);
	ATF_REQUIRE_EQ(0, xs_asm_feed(&xa, in, n, &used, &m));
	ATF_CHECK_EQ(16, used);
	ATF_REQUIRE(m != NULL);
	ATF_CHECK_EQ(0, m->xm_hdr.len);
	ATF_CHECK_EQ('\0', m->xm_body[0]);
	ATF_REQUIRE_EQ(0, xs_asm_feed(&xa, in + 16, 16, &used, &m));
	ATF_REQUIRE(m != NULL);
	ATF_CHECK_EQ(2, m->xm_hdr.req_id);
}

/*
 * A stream of three messages (one of maximum size) cut into two pieces at
 * every byte boundary, then fed one byte at a time: always the same three
 * messages.
 */
ATF_TC_WITHOUT_HEAD(asm_every_split);
ATF_TC_BODY(asm_every_split, tc)
{
	static char in[3 * 16 + 32 + XENSTORE_PAYLOAD_MAX];
	struct xs_asm xa;
	uint32_t types[4];
	size_t cut, i, n;
	int nmsgs;

	n = mkmsg(in, XS_ERROR, 1, 0, LIT("ENOENT\0"));
	n += mkmsg(in + n, XS_READ, 2, 0, filled(XENSTORE_PAYLOAD_MAX, 'z'),
	    XENSTORE_PAYLOAD_MAX);
	n += mkmsg(in + n, XS_WATCH_EVENT, 0, 0, LIT("x\0y\0"));
	for (cut = 0; cut <= n; cut++) {
		xs_asm_init(&xa);
		nmsgs = 0;
		ATF_REQUIRE_EQ(0, feed_all(&xa, in, cut, &nmsgs, types, 4));
		ATF_REQUIRE_EQ(0, feed_all(&xa, in + cut, n - cut, &nmsgs,
		    types, 4));
		ATF_REQUIRE_EQ_MSG(3, nmsgs, "cut at %zu", cut);
		ATF_REQUIRE_EQ(XS_ERROR, types[0]);
		ATF_REQUIRE_EQ(XS_READ, types[1]);
		ATF_REQUIRE_EQ(XS_WATCH_EVENT, types[2]);
		/* Last message is still intact after the split. */
		ATF_REQUIRE(memcmp(xa.xa_msg.xm_body, "x\0y\0", 5) == 0);
	}
	xs_asm_init(&xa);
	nmsgs = 0;
	for (i = 0; i < n; i++)
		ATF_REQUIRE_EQ(0, feed_all(&xa, in + i, 1, &nmsgs, types, 4));
	ATF_CHECK_EQ(3, nmsgs);
	ATF_CHECK_EQ(3, xa.xa_nmsgs);
}

/* A truncated stream simply waits: no message, no error. */
ATF_TC_WITHOUT_HEAD(asm_truncated);
ATF_TC_BODY(asm_truncated, tc)
{
	struct xs_asm xa;
	uint32_t types[1];
	char in[64];
	size_t n, cut;
	int nmsgs;

	n = mkmsg(in, XS_READ, 2, 0, "abcdef", 6);
	for (cut = 0; cut < n; cut++) {
		xs_asm_init(&xa);
		nmsgs = 0;
		ATF_REQUIRE_EQ(0, feed_all(&xa, in, cut, &nmsgs, types, 1));
		ATF_REQUIRE_EQ(0, nmsgs);
		ATF_REQUIRE_EQ(cut, xa.xa_have);
	}
}

ATF_TC_WITHOUT_HEAD(asm_oversized);
ATF_TC_BODY(asm_oversized, tc)
{
	struct xsd_sockmsg h = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
	struct xs_asm xa;
	const struct xs_msg *m;
	char in[64];
	size_t used, n;

	xs_asm_init(&xa);
	/* Header in two pieces: refused when it completes. */
	ATF_CHECK_EQ(0, xs_asm_feed(&xa, &h, 10, &used, &m));
	ATF_CHECK_EQ(EBADMSG, xs_asm_feed(&xa, (char *)&h + 10, 6, &used,
	    &m));
	ATF_CHECK(m == NULL);
	ATF_CHECK_EQ(EBADMSG, xa.xa_error);
	/* Sticky: a good message after it is not accepted. */
	n = mkmsg(in, XS_READ, 2, 0, "ok", 2);
	ATF_CHECK_EQ(EBADMSG, xs_asm_feed(&xa, in, n, &used, &m));
	ATF_CHECK_EQ(0, used);
	ATF_CHECK(m == NULL);
	/* Until a reset. */
	xs_asm_init(&xa);
	ATF_CHECK_EQ(0, xs_asm_feed(&xa, in, n, &used, &m));
	ATF_CHECK(m != NULL);
	/* And huge lengths are no better than 4097. */
	h.len = 0xffffffffu;
	xs_asm_init(&xa);
	ATF_CHECK_EQ(EBADMSG, xs_asm_feed(&xa, &h, 16, &used, &m));
}

ATF_TC_WITHOUT_HEAD(asm_unknown_type);
ATF_TC_BODY(asm_unknown_type, tc)
{
	static const uint32_t bad[] = { XS_CONTROL, XS_INTRODUCE, XS_RELEASE,
	    XS_IS_DOMAIN_INTRODUCED, XS_RESUME, XS_SET_TARGET,
	    XS_SET_TARGET + 1, XS_TYPE_COUNT, XS_INVALID, 0xffffffffu };
	struct xs_asm xa;
	const struct xs_msg *m;
	char in[64];
	size_t n, used;
	unsigned i;
	uint32_t t;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		xs_asm_init(&xa);
		n = mkmsg(in, bad[i], 1, 0, "OK", 3);
		ATF_CHECK_EQ_MSG(EBADMSG, xs_asm_feed(&xa, in, n, &used, &m),
		    "type %u", bad[i]);
		ATF_CHECK_EQ(16, used);
		ATF_CHECK(m == NULL);
	}
	for (t = 0; t < 64; t++) {
		bool known = t == XS_DIRECTORY || t == XS_READ ||
		    t == XS_GET_PERMS || t == XS_WATCH || t == XS_UNWATCH ||
		    t == XS_TRANSACTION_START || t == XS_TRANSACTION_END ||
		    t == XS_GET_DOMAIN_PATH || t == XS_WRITE || t == XS_MKDIR ||
		    t == XS_RM || t == XS_SET_PERMS || t == XS_WATCH_EVENT ||
		    t == XS_ERROR || t == XS_RESET_WATCHES ||
		    t == XS_DIRECTORY_PART;
		ATF_CHECK_EQ_MSG(known, xs_type_known(t), "type %u", t);
	}
}

/*
 * The assembler pulling from a ring page, with xenstored producing in
 * chunks of every size from 1 to 40 bytes, indices crossing 2^32, replies
 * and watch events interleaved.
 */
static struct xenstore_domain_interface page;

static void
srv_put(const char *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		page.rsp[MASK_XENSTORE_IDX(page.rsp_prod++)] = in[i];
}

ATF_TC_WITHOUT_HEAD(pull_from_ring);
ATF_TC_BODY(pull_from_ring, tc)
{
	static char in[4 * 16 + 64 + 2000];
	struct xs_ring xr;
	struct xs_asm xa;
	const struct xs_msg *m;
	const char *path, *token;
	uint32_t ids[8];
	size_t chunk, n, put, room;
	int got;

	n = mkmsg(in, XS_WATCH_EVENT, 0, 0, LIT("device/vbd\0tk\0"));
	n += mkmsg(in + n, XS_READ, 11, 0, filled(2000, 'r'), 2000);
	n += mkmsg(in + n, XS_WATCH_EVENT, 0, 0, LIT("backend\0tk2\0"));
	n += mkmsg(in + n, XS_WRITE, 12, 0, LIT("OK\0"));
	for (chunk = 1; chunk <= 40; chunk++) {
		memset(&page, 0, sizeof(page));
		page.rsp_prod = page.rsp_cons = 0xfffffe00u + (uint32_t)chunk;
		xs_ring_init(&xr, &page);
		xs_asm_init(&xa);
		got = 0;
		for (put = 0; put < n || got < 4;) {
			room = 1024 - (page.rsp_prod - page.rsp_cons);
			if (put < n && room > 0) {
				room = room < chunk ? room : chunk;
				room = room < n - put ? room : n - put;
				srv_put(in + put, room);
				put += room;
			}
			ATF_REQUIRE_EQ(0, xs_asm_pull(&xa, &xr, &m));
			if (m == NULL) {
				ATF_REQUIRE(put < n);
				continue;
			}
			ATF_REQUIRE(got < 8);
			ids[got++] = m->xm_hdr.req_id;
			if (m->xm_hdr.type == XS_WATCH_EVENT)
				ATF_REQUIRE_EQ(0, xs_watch_event_parse(
				    m->xm_body, m->xm_hdr.len, &path, &token));
		}
		ATF_REQUIRE_EQ(4, got);
		ATF_CHECK_EQ(0, ids[0]);
		ATF_CHECK_EQ(11, ids[1]);
		ATF_CHECK_EQ(0, ids[2]);
		ATF_CHECK_EQ(12, ids[3]);
		ATF_CHECK_EQ(page.rsp_prod, page.rsp_cons);
		ATF_CHECK_EQ(0, xr.xr_errors);
	}
}

ATF_TC_WITHOUT_HEAD(pull_hostile_ring);
ATF_TC_BODY(pull_hostile_ring, tc)
{
	struct xs_ring xr;
	struct xs_asm xa;
	const struct xs_msg *m;

	memset(&page, 0, sizeof(page));
	xs_ring_init(&xr, &page);
	xs_asm_init(&xa);
	page.rsp_prod = 5000;
	ATF_CHECK_EQ(EIO, xs_asm_pull(&xa, &xr, &m));
	ATF_CHECK(m == NULL);
	ATF_CHECK_EQ(1, xr.xr_errors);
	ATF_CHECK_EQ(0, xa.xa_have);
}

ATF_TC_WITHOUT_HEAD(pull_bad_header);
ATF_TC_BODY(pull_bad_header, tc)
{
	struct xs_ring xr;
	struct xs_asm xa;
	const struct xs_msg *m;
	char in[32];
	size_t n;

	memset(&page, 0, sizeof(page));
	xs_ring_init(&xr, &page);
	xs_asm_init(&xa);
	n = mkmsg(in, 99, 1, 0, "x", 1);
	srv_put(in, n);
	ATF_CHECK_EQ(EBADMSG, xs_asm_pull(&xa, &xr, &m));
	ATF_CHECK_EQ(EBADMSG, xs_asm_pull(&xa, &xr, &m));
	ATF_CHECK(m == NULL);
}

/*
 * Replies.
 */

ATF_TC_WITHOUT_HEAD(error_names);
ATF_TC_BODY(error_names, tc)
{
	static const struct {
		const char *name;
		int error;
	} map[] = {
		{ "EINVAL", EINVAL }, { "EACCES", EACCES }, { "EEXIST", EEXIST },
		{ "EISDIR", EISDIR }, { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM },
		{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "ENOTEMPTY", ENOTEMPTY },
		{ "ENOSYS", ENOSYS }, { "EROFS", EROFS }, { "EBUSY", EBUSY },
		{ "EAGAIN", EAGAIN }, { "EISCONN", EISCONN }, { "E2BIG", E2BIG },
		{ "EPERM", EPERM },
	};
	char p[32];
	size_t len;
	unsigned i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		len = strlen(map[i].name) + 1;
		memcpy(p, map[i].name, len);
		ATF_CHECK_EQ_MSG(map[i].error, xs_reply_error(p, len), "%s",
		    map[i].name);
		ATF_CHECK_EQ(map[i].error, xs_errno_from_name(map[i].name));
		ATF_CHECK_STREQ(map[i].name, xs_errno_name(map[i].error));
		/* Without its NUL the same name is malformed. */
		ATF_CHECK_EQ(EBADMSG, xs_reply_error(p, len - 1));
	}
	ATF_CHECK_EQ(EIO, xs_reply_error(LIT("EWHATEVER\0")));
	ATF_CHECK_EQ(EIO, xs_reply_error(LIT("einval\0")));
	ATF_CHECK_EQ(EBADMSG, xs_reply_error(LIT("")));
	ATF_CHECK_EQ(EBADMSG, xs_reply_error(LIT("\0")));
	ATF_CHECK_EQ(EBADMSG, xs_reply_error(LIT("ENOENT\0junk")));
	ATF_CHECK_EQ(EBADMSG, xs_reply_error(LIT("ENOENT\0\0")));
	ATF_CHECK_EQ(EBADMSG, xs_reply_error(LIT("ENO\0ENT\0")));
	ATF_CHECK_EQ(0, xs_errno_from_name("ENOTTY"));
	ATF_CHECK(xs_errno_name(0) == NULL);
	ATF_CHECK(xs_errno_name(ETIMEDOUT) == NULL);
}

ATF_TC_WITHOUT_HEAD(reply_ok);
ATF_TC_BODY(reply_ok, tc)
{
	ATF_CHECK_EQ(0, xs_reply_ok(LIT("OK\0")));
	ATF_CHECK_EQ(EBADMSG, xs_reply_ok(LIT("OK")));
	ATF_CHECK_EQ(EBADMSG, xs_reply_ok(LIT("OK\0x")));
	ATF_CHECK_EQ(EBADMSG, xs_reply_ok(LIT("ok\0")));
	ATF_CHECK_EQ(EBADMSG, xs_reply_ok(LIT("")));
}

ATF_TC_WITHOUT_HEAD(reply_string);
ATF_TC_BODY(reply_string, tc)
{
	char out[8];

	memset(out, 'X', sizeof(out));
	ATF_CHECK_EQ(0, xs_reply_string(LIT("4"), out, sizeof(out)));
	ATF_CHECK_STREQ("4", out);
	ATF_CHECK_EQ(0, xs_reply_string(LIT(""), out, sizeof(out)));
	ATF_CHECK_STREQ("", out);
	ATF_CHECK_EQ(0, xs_reply_string(LIT("1234567"), out, sizeof(out)));
	ATF_CHECK_STREQ("1234567", out);
	ATF_CHECK_EQ(ENOSPC, xs_reply_string(LIT("12345678"), out,
	    sizeof(out)));
	ATF_CHECK_EQ(EINVAL, xs_reply_string(LIT("ab\0cd"), out,
	    sizeof(out)));
	ATF_CHECK_EQ(EINVAL, xs_reply_string(LIT("abc\0"), out, sizeof(out)));
	ATF_CHECK_EQ(EINVAL, xs_reply_string(LIT("\0"), out, sizeof(out)));
	ATF_CHECK_EQ(EBADMSG, xs_reply_string("x", XENSTORE_PAYLOAD_MAX + 1,
	    out, sizeof(out)));
}

ATF_TC_WITHOUT_HEAD(reply_directory);
ATF_TC_BODY(reply_directory, tc)
{
	const char *vec[4];
	u_int count;

	ATF_CHECK_EQ(0, xs_reply_directory(LIT("0\0" "51712\0" "x\0"), NULL,
	    0, &count));
	ATF_CHECK_EQ(3, count);
	ATF_CHECK_EQ(0, xs_reply_directory(LIT("0\0" "51712\0" "x\0"), vec,
	    4, &count));
	ATF_CHECK_EQ(3, count);
	ATF_CHECK_STREQ("0", vec[0]);
	ATF_CHECK_STREQ("51712", vec[1]);
	ATF_CHECK_STREQ("x", vec[2]);
	/* Too short a vector: ENOSPC, the count says how long. */
	ATF_CHECK_EQ(ENOSPC, xs_reply_directory(LIT("a\0b\0c\0"), vec, 2,
	    &count));
	ATF_CHECK_EQ(3, count);
	ATF_CHECK_STREQ("b", vec[1]);
	/* Empty directory, both spellings. */
	ATF_CHECK_EQ(0, xs_reply_directory(LIT(""), vec, 4, &count));
	ATF_CHECK_EQ(0, count);
	ATF_CHECK_EQ(0, xs_reply_directory(LIT("\0"), vec, 4, &count));
	ATF_CHECK_EQ(0, count);
	/* Missing final NUL, empty names. */
	ATF_CHECK_EQ(EBADMSG, xs_reply_directory(LIT("a\0b"), vec, 4,
	    &count));
	ATF_CHECK_EQ(0, count);
	ATF_CHECK_EQ(EBADMSG, xs_reply_directory(LIT("a"), vec, 4, &count));
	ATF_CHECK_EQ(EBADMSG, xs_reply_directory(LIT("a\0\0b\0"), vec, 4,
	    &count));
	ATF_CHECK_EQ(EBADMSG, xs_reply_directory(LIT("\0a\0"), vec, 4,
	    &count));
	ATF_CHECK_EQ(EBADMSG, xs_reply_directory(LIT("a\0\0"), vec, 4,
	    &count));
}

ATF_TC_WITHOUT_HEAD(watch_event);
ATF_TC_BODY(watch_event, tc)
{
	const char *path, *token;

	ATF_REQUIRE_EQ(0, xs_watch_event_parse(LIT("device/vbd/51712\0tok\0"),
	    &path, &token));
	ATF_CHECK_STREQ("device/vbd/51712", path);
	ATF_CHECK_STREQ("tok", token);
	ATF_CHECK_EQ(0, xs_watch_event_parse(LIT("a\0b\0"), &path, &token));
	ATF_CHECK_EQ(EBADMSG, xs_watch_event_parse(LIT(""), &path, &token));
	ATF_CHECK_EQ(EBADMSG, xs_watch_event_parse(LIT("path"), &path,
	    &token));
	ATF_CHECK_EQ(EBADMSG, xs_watch_event_parse(LIT("path\0"), &path,
	    &token));
	ATF_CHECK_EQ(EBADMSG, xs_watch_event_parse(LIT("path\0tok"), &path,
	    &token));
	ATF_CHECK_EQ(EBADMSG, xs_watch_event_parse(LIT("\0tok\0"), &path,
	    &token));
	ATF_CHECK_EQ(EBADMSG, xs_watch_event_parse(LIT("path\0\0"), &path,
	    &token));
	ATF_CHECK_EQ(EBADMSG, xs_watch_event_parse(LIT("path\0tok\0x\0"),
	    &path, &token));
	ATF_CHECK_EQ(EBADMSG, xs_watch_event_parse(LIT("path\0tok\0\0"),
	    &path, &token));
	ATF_CHECK_EQ(EBADMSG, xs_watch_event_parse(LIT("\0\0\0\0"), &path,
	    &token));
}

ATF_TC_WITHOUT_HEAD(tx_id);
ATF_TC_BODY(tx_id, tc)
{
	uint32_t tx = 0;

	ATF_CHECK_EQ(0, xs_reply_tx_id(LIT("42\0"), &tx));
	ATF_CHECK_EQ(42, tx);
	ATF_CHECK_EQ(0, xs_reply_tx_id(LIT("4294967295\0"), &tx));
	ATF_CHECK_EQ(4294967295u, tx);
	tx = 7;
	ATF_CHECK_EQ(EBADMSG, xs_reply_tx_id(LIT("4294967296\0"), &tx));
	ATF_CHECK_EQ(EBADMSG, xs_reply_tx_id(LIT("0\0"), &tx));
	ATF_CHECK_EQ(EBADMSG, xs_reply_tx_id(LIT("-1\0"), &tx));
	ATF_CHECK_EQ(EBADMSG, xs_reply_tx_id(LIT("+1\0"), &tx));
	ATF_CHECK_EQ(EBADMSG, xs_reply_tx_id(LIT(" 1\0"), &tx));
	ATF_CHECK_EQ(EBADMSG, xs_reply_tx_id(LIT("1 \0"), &tx));
	ATF_CHECK_EQ(EBADMSG, xs_reply_tx_id(LIT("12a\0"), &tx));
	ATF_CHECK_EQ(EBADMSG, xs_reply_tx_id(LIT("\0"), &tx));
	ATF_CHECK_EQ(EBADMSG, xs_reply_tx_id(LIT(""), &tx));
	ATF_CHECK_EQ(EBADMSG, xs_reply_tx_id(LIT("12"), &tx));
	ATF_CHECK_EQ(EBADMSG, xs_reply_tx_id(LIT("1\0\0"), &tx));
	ATF_CHECK_EQ(EBADMSG, xs_reply_tx_id(LIT("1\0" "2\0"), &tx));
	ATF_CHECK_EQ(7, tx);
}

ATF_TC_WITHOUT_HEAD(parse_ulong);
ATF_TC_BODY(parse_ulong, tc)
{
	u_long v;

	ATF_CHECK_EQ(0, xs_parse_ulong("0", 10, &v));
	ATF_CHECK_EQ(0, v);
	ATF_CHECK_EQ(0, xs_parse_ulong("51712", 65535, &v));
	ATF_CHECK_EQ(51712, v);
	ATF_CHECK_EQ(0, xs_parse_ulong("007", 10, &v));
	ATF_CHECK_EQ(7, v);
	ATF_CHECK_EQ(0, xs_parse_ulong("65535", 65535, &v));
	ATF_CHECK_EQ(ERANGE, xs_parse_ulong("65536", 65535, &v));
	ATF_CHECK_EQ(0, xs_parse_ulong("18446744073709551615", ~0UL, &v));
	ATF_CHECK_EQ(~0UL, v);
	ATF_CHECK_EQ(ERANGE, xs_parse_ulong("18446744073709551616", ~0UL,
	    &v));
	ATF_CHECK_EQ(ERANGE, xs_parse_ulong("99999999999999999999999999",
	    ~0UL, &v));
	ATF_CHECK_EQ(ERANGE, xs_parse_ulong("1", 0, &v));
	ATF_CHECK_EQ(0, xs_parse_ulong("0", 0, &v));
	v = 123;
	ATF_CHECK_EQ(EINVAL, xs_parse_ulong("", ~0UL, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_ulong(NULL, ~0UL, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_ulong("-1", ~0UL, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_ulong("+1", ~0UL, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_ulong(" 1", ~0UL, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_ulong("1 ", ~0UL, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_ulong("1\n", ~0UL, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_ulong("0x10", ~0UL, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_ulong("12abc", ~0UL, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_ulong("99999999999999999999999x",
	    ~0UL, &v));
	ATF_CHECK_EQ(123, v);
}

ATF_TC_WITHOUT_HEAD(parse_int);
ATF_TC_BODY(parse_int, tc)
{
	int v;

	ATF_CHECK_EQ(0, xs_parse_int("4", 0, 8, &v));
	ATF_CHECK_EQ(4, v);
	ATF_CHECK_EQ(0, xs_parse_int("-1", -2, 2, &v));
	ATF_CHECK_EQ(-1, v);
	ATF_CHECK_EQ(0, xs_parse_int("-2147483648", -2147483647 - 1,
	    2147483647, &v));
	ATF_CHECK_EQ(-2147483647 - 1, v);
	ATF_CHECK_EQ(0, xs_parse_int("2147483647", -2147483647 - 1,
	    2147483647, &v));
	ATF_CHECK_EQ(2147483647, v);
	v = 99;
	ATF_CHECK_EQ(ERANGE, xs_parse_int("2147483648", -2147483647 - 1,
	    2147483647, &v));
	ATF_CHECK_EQ(ERANGE, xs_parse_int("-2147483649", -2147483647 - 1,
	    2147483647, &v));
	ATF_CHECK_EQ(ERANGE, xs_parse_int("99999999999999999999", 0, 10,
	    &v));
	ATF_CHECK_EQ(ERANGE, xs_parse_int("9", 0, 8, &v));
	ATF_CHECK_EQ(ERANGE, xs_parse_int("-1", 0, 8, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_int("-", -5, 5, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_int("", -5, 5, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_int("--1", -5, 5, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_int("+1", -5, 5, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_int(" 1", -5, 5, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_int("- 1", -5, 5, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_int("1x", -5, 5, &v));
	ATF_CHECK_EQ(EINVAL, xs_parse_int("1", 5, -5, &v));
	ATF_CHECK_EQ(99, v);
}

ATF_TC_WITHOUT_HEAD(parse_perm);
ATF_TC_BODY(parse_perm, tc)
{
	u_int domid;
	char mode;

	ATF_CHECK_EQ(0, xs_parse_perm("n0", &mode, &domid));
	ATF_CHECK_EQ('n', mode);
	ATF_CHECK_EQ(0, domid);
	ATF_CHECK_EQ(0, xs_parse_perm("b32752", &mode, &domid));
	ATF_CHECK_EQ('b', mode);
	ATF_CHECK_EQ(32752, domid);
	ATF_CHECK_EQ(EINVAL, xs_parse_perm("", &mode, &domid));
	ATF_CHECK_EQ(EINVAL, xs_parse_perm("r", &mode, &domid));
	ATF_CHECK_EQ(EINVAL, xs_parse_perm("R1", &mode, &domid));
	ATF_CHECK_EQ(EINVAL, xs_parse_perm("r-1", &mode, &domid));
	ATF_CHECK_EQ(ERANGE, xs_parse_perm("r65536", &mode, &domid));
}

static void
mkreply(struct xs_msg *m, uint32_t type, uint32_t req_id, const char *p,
    size_t len)
{
	m->xm_hdr.type = type;
	m->xm_hdr.req_id = req_id;
	m->xm_hdr.tx_id = 0;
	m->xm_hdr.len = (uint32_t)len;
	memcpy(m->xm_body, p, len);
	m->xm_body[len] = '\0';
}

ATF_TC_WITHOUT_HEAD(reply_matching);
ATF_TC_BODY(reply_matching, tc)
{
	static struct xs_msg m;
	struct xsd_sockmsg req = { XS_WRITE, 17, 3, 10 };

	mkreply(&m, XS_WRITE, 17, LIT("OK\0"));
	ATF_CHECK(xs_reply_matches(&req, &m.xm_hdr));
	ATF_CHECK_EQ(0, xs_reply_check(&req, &m));
	/* Another request's reply. */
	mkreply(&m, XS_WRITE, 18, LIT("OK\0"));
	ATF_CHECK(!xs_reply_matches(&req, &m.xm_hdr));
	ATF_CHECK_EQ(EINVAL, xs_reply_check(&req, &m));
	/* A watch event is never a reply, even with a matching id. */
	mkreply(&m, XS_WATCH_EVENT, 17, LIT("a\0b\0"));
	ATF_CHECK(!xs_reply_matches(&req, &m.xm_hdr));
	/* An error reply carries the errno. */
	mkreply(&m, XS_ERROR, 17, LIT("EACCES\0"));
	ATF_CHECK(xs_reply_matches(&req, &m.xm_hdr));
	ATF_CHECK_EQ(EACCES, xs_reply_check(&req, &m));
	mkreply(&m, XS_ERROR, 17, LIT("EACCES"));
	ATF_CHECK_EQ(EBADMSG, xs_reply_check(&req, &m));
	/* The wrong type, or the right type with the wrong shape. */
	mkreply(&m, XS_MKDIR, 17, LIT("OK\0"));
	ATF_CHECK_EQ(EBADMSG, xs_reply_check(&req, &m));
	mkreply(&m, XS_WRITE, 17, LIT("OK"));
	ATF_CHECK_EQ(EBADMSG, xs_reply_check(&req, &m));
}

ATF_TC_WITHOUT_HEAD(reply_check_types);
ATF_TC_BODY(reply_check_types, tc)
{
	static struct xs_msg m;
	struct xsd_sockmsg req = { 0, 1, 0, 0 };

	req.type = XS_TRANSACTION_START;
	mkreply(&m, XS_TRANSACTION_START, 1, LIT("12\0"));
	ATF_CHECK_EQ(0, xs_reply_check(&req, &m));
	mkreply(&m, XS_TRANSACTION_START, 1, LIT("12"));
	ATF_CHECK_EQ(EBADMSG, xs_reply_check(&req, &m));
	req.type = XS_DIRECTORY;
	mkreply(&m, XS_DIRECTORY, 1, LIT("a\0b\0"));
	ATF_CHECK_EQ(0, xs_reply_check(&req, &m));
	mkreply(&m, XS_DIRECTORY, 1, LIT("a\0b"));
	ATF_CHECK_EQ(EBADMSG, xs_reply_check(&req, &m));
	req.type = XS_GET_PERMS;
	mkreply(&m, XS_GET_PERMS, 1, LIT("n0\0r1\0"));
	ATF_CHECK_EQ(0, xs_reply_check(&req, &m));
	mkreply(&m, XS_GET_PERMS, 1, LIT("n0\0x1\0"));
	ATF_CHECK_EQ(EBADMSG, xs_reply_check(&req, &m));
	mkreply(&m, XS_GET_PERMS, 1, LIT(""));
	ATF_CHECK_EQ(EBADMSG, xs_reply_check(&req, &m));
	req.type = XS_READ;
	mkreply(&m, XS_READ, 1, LIT("any\0bytes"));
	ATF_CHECK_EQ(0, xs_reply_check(&req, &m));
	req.type = XS_TRANSACTION_END;
	mkreply(&m, XS_ERROR, 1, LIT("EAGAIN\0"));
	ATF_CHECK_EQ(EAGAIN, xs_reply_check(&req, &m));
	/* A hand-made message with an impossible length is refused. */
	mkreply(&m, XS_READ, 1, LIT(""));
	m.xm_hdr.len = XENSTORE_PAYLOAD_MAX + 1;
	req.type = XS_READ;
	ATF_CHECK_EQ(EBADMSG, xs_reply_check(&req, &m));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, req_path_types);
	ATF_TP_ADD_TC(tp, req_path_limits);
	ATF_TP_ADD_TC(tp, req_buffer_small);
	ATF_TP_ADD_TC(tp, req_write);
	ATF_TP_ADD_TC(tp, req_watch);
	ATF_TP_ADD_TC(tp, req_transactions);
	ATF_TP_ADD_TC(tp, req_set_perms);
	ATF_TP_ADD_TC(tp, asm_whole);
	ATF_TP_ADD_TC(tp, asm_back_to_back);
	ATF_TP_ADD_TC(tp, asm_empty_payload);
	ATF_TP_ADD_TC(tp, asm_every_split);
	ATF_TP_ADD_TC(tp, asm_truncated);
	ATF_TP_ADD_TC(tp, asm_oversized);
	ATF_TP_ADD_TC(tp, asm_unknown_type);
	ATF_TP_ADD_TC(tp, pull_from_ring);
	ATF_TP_ADD_TC(tp, pull_hostile_ring);
	ATF_TP_ADD_TC(tp, pull_bad_header);
	ATF_TP_ADD_TC(tp, error_names);
	ATF_TP_ADD_TC(tp, reply_ok);
	ATF_TP_ADD_TC(tp, reply_string);
	ATF_TP_ADD_TC(tp, reply_directory);
	ATF_TP_ADD_TC(tp, watch_event);
	ATF_TP_ADD_TC(tp, tx_id);
	ATF_TP_ADD_TC(tp, parse_ulong);
	ATF_TP_ADD_TC(tp, parse_int);
	ATF_TP_ADD_TC(tp, parse_perm);
	ATF_TP_ADD_TC(tp, reply_matching);
	ATF_TP_ADD_TC(tp, reply_check_types);
	return (atf_no_error());
}
