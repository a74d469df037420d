/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The xenstore ring's index arithmetic (sys/xen/xenstore/xs_ring.c) against
 * a ring page in host memory, with this test playing xenstored: consuming
 * requests, producing responses, and sometimes lying about its indices.
 */

#include <atf-c.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <errno.h>
#include <xen/io/xs_wire.h>
#include "xs_ring.h"

static struct xenstore_domain_interface page;

static void
fresh(struct xs_ring *xr, uint32_t start)
{
	memset(&page, 0, sizeof(page));
	page.req_prod = page.req_cons = start;
	page.rsp_prod = page.rsp_cons = start;
	xs_ring_init(xr, &page);
}

/* xenstored consumes up to n request bytes into out. */
static size_t
srv_take(char *out, size_t n)
{
	size_t i;

	for (i = 0; i < n && page.req_cons != page.req_prod; i++)
		out[i] = page.req[MASK_XENSTORE_IDX(page.req_cons++)];
	return (i);
}

/* xenstored produces n response bytes. */
static void
srv_put(const char *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		page.rsp[MASK_XENSTORE_IDX(page.rsp_prod++)] = in[i];
}

ATF_TC_WITHOUT_HEAD(write_simple);
ATF_TC_BODY(write_simple, tc)
{
	struct xs_ring xr;
	size_t done, space;

	fresh(&xr, 0);
	ATF_CHECK_EQ(0, xs_ring_space(&xr, &space));
	ATF_CHECK_EQ(1024, space);
	ATF_CHECK_EQ(0, xs_ring_write(&xr, "hello", 5, &done));
	ATF_CHECK_EQ(5, done);
	ATF_CHECK_EQ(5, page.req_prod);
	ATF_CHECK(memcmp(page.req, "hello", 5) == 0);
	ATF_CHECK_EQ(0, xs_ring_space(&xr, &space));
	ATF_CHECK_EQ(1019, space);
	page.req_cons = 5;
	ATF_CHECK_EQ(0, xs_ring_space(&xr, &space));
	ATF_CHECK_EQ(1024, space);
	ATF_CHECK_EQ(0, xr.xr_errors);
}

/* A full ring takes nothing and says so; it is not an error. */
ATF_TC_WITHOUT_HEAD(write_full);
ATF_TC_BODY(write_full, tc)
{
	struct xs_ring xr;
	char buf[1100];
	size_t done;

	memset(buf, 'x', sizeof(buf));
	fresh(&xr, 100);
	ATF_CHECK_EQ(0, xs_ring_write(&xr, buf, sizeof(buf), &done));
	ATF_CHECK_EQ(1024, done);
	ATF_CHECK_EQ(100 + 1024, page.req_prod);
	ATF_CHECK_EQ(0, xs_ring_write(&xr, buf, sizeof(buf), &done));
	ATF_CHECK_EQ(0, done);
	ATF_CHECK_EQ(0, xr.xr_errors);
}

/*
 * A message bigger than the ring goes out in pieces as xenstored makes
 * room, across the 2^32 wrap of the indices.
 */
ATF_TC_WITHOUT_HEAD(write_msg_streams);
ATF_TC_BODY(write_msg_streams, tc)
{
	static char payload[XENSTORE_PAYLOAD_MAX];
	static char got[16 + XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg hdr = { XS_WRITE, 7, 0, XENSTORE_PAYLOAD_MAX };
	struct xs_ring xr;
	size_t off, n, total = sizeof(hdr) + XENSTORE_PAYLOAD_MAX;
	int i, calls;

	for (i = 0; i < XENSTORE_PAYLOAD_MAX; i++)
		payload[i] = (char)(i * 7 + 3);
	fresh(&xr, 0xfffffc00u);
	off = n = 0;
	for (calls = 0; off < total && calls < 100; calls++) {
		ATF_REQUIRE_EQ(0, xs_ring_write_msg(&xr, &hdr, payload, &off));
		/* xenstored reads an odd amount each time. */
		n += srv_take(got + n, 333);
	}
	n += srv_take(got + n, sizeof(got) - n);
	ATF_CHECK_EQ(total, off);
	ATF_CHECK_EQ(total, n);
	ATF_CHECK(memcmp(got, &hdr, sizeof(hdr)) == 0);
	ATF_CHECK(memcmp(got + sizeof(hdr), payload, sizeof(payload)) == 0);
	ATF_CHECK_EQ((uint32_t)(0xfffffc00u + total), page.req_prod);
	ATF_CHECK_EQ(0, xr.xr_errors);
	/* Done means done: another call writes nothing. */
	ATF_CHECK_EQ(0, xs_ring_write_msg(&xr, &hdr, payload, &off));
	ATF_CHECK_EQ(total, off);
}

/* The header alone may be split too: resume inside it. */
ATF_TC_WITHOUT_HEAD(write_msg_split_header);
ATF_TC_BODY(write_msg_split_header, tc)
{
	struct xsd_sockmsg hdr = { XS_READ, 1, 2, 3 };
	char got[19];
	struct xs_ring xr;
	size_t off;

	fresh(&xr, 0);
	/* Leave only 5 bytes of room. */
	xr.xr_req_prod = page.req_prod = 1019;
	page.req_cons = 0;
	off = 0;
	ATF_REQUIRE_EQ(0, xs_ring_write_msg(&xr, &hdr, "a/\0", &off));
	ATF_CHECK_EQ(5, off);
	/* xenstored has not read those 5 yet: still no room. */
	ATF_REQUIRE_EQ(0, xs_ring_write_msg(&xr, &hdr, "a/\0", &off));
	ATF_CHECK_EQ(5, off);
	page.req_cons = 1019;
	ATF_REQUIRE_EQ(0, xs_ring_write_msg(&xr, &hdr, "a/\0", &off));
	ATF_CHECK_EQ(19, off);
	ATF_CHECK_EQ(19, srv_take(got, sizeof(got)));
	ATF_CHECK(memcmp(got, &hdr, 16) == 0);
	ATF_CHECK(memcmp(got + 16, "a/", 3) == 0);
}

ATF_TC_WITHOUT_HEAD(write_msg_bad_args);
ATF_TC_BODY(write_msg_bad_args, tc)
{
	struct xsd_sockmsg hdr = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
	struct xs_ring xr;
	size_t off = 0;

	fresh(&xr, 0);
	ATF_CHECK_EQ(EMSGSIZE, xs_ring_write_msg(&xr, &hdr, "", &off));
	hdr.len = 0;
	off = 17;
	ATF_CHECK_EQ(EINVAL, xs_ring_write_msg(&xr, &hdr, "", &off));
	ATF_CHECK_EQ(0, page.req_prod);
}

ATF_TC_WITHOUT_HEAD(read_wraps_index);
ATF_TC_BODY(read_wraps_index, tc)
{
	struct xs_ring xr;
	char in[1024], out[1024];
	size_t avail, done;
	int i;

	for (i = 0; i < 1024; i++)
		in[i] = (char)(i ^ 0x5a);
	fresh(&xr, 0xffffff00u);
	ATF_CHECK_EQ(0, xs_ring_read(&xr, out, sizeof(out), &done));
	ATF_CHECK_EQ(0, done);
	srv_put(in, 1024);		/* exactly a full ring: legal */
	ATF_CHECK_EQ(0, xs_ring_avail(&xr, &avail));
	ATF_CHECK_EQ(1024, avail);
	ATF_CHECK_EQ(0, xs_ring_read(&xr, out, 300, &done));
	ATF_CHECK_EQ(300, done);
	ATF_CHECK_EQ((uint32_t)(0xffffff00u + 300), page.rsp_cons);
	ATF_CHECK_EQ(0, xs_ring_read(&xr, out + 300, 2000, &done));
	ATF_CHECK_EQ(724, done);
	ATF_CHECK(memcmp(in, out, sizeof(in)) == 0);
	ATF_CHECK_EQ(page.rsp_prod, page.rsp_cons);
	ATF_CHECK_EQ(0, xr.xr_errors);
}

/* req_cons ahead of our producer: counted once, EIO from then on. */
ATF_TC_WITHOUT_HEAD(hostile_req_cons);
ATF_TC_BODY(hostile_req_cons, tc)
{
	struct xs_ring xr;
	size_t done, space, off = 0;
	struct xsd_sockmsg hdr = { XS_READ, 1, 0, 0 };

	fresh(&xr, 0xfffffff0u);
	ATF_CHECK_EQ(0, xs_ring_write(&xr, "abc", 3, &done));
	page.req_cons = page.req_prod + 1;
	ATF_CHECK_EQ(EIO, xs_ring_space(&xr, &space));
	ATF_CHECK_EQ(0, space);
	ATF_CHECK_EQ(EIO, xs_ring_write(&xr, "abc", 3, &done));
	ATF_CHECK_EQ(0, done);
	ATF_CHECK_EQ(EIO, xs_ring_write_msg(&xr, &hdr, "", &off));
	ATF_CHECK_EQ(0, off);
	ATF_CHECK_EQ(1, xr.xr_errors);
	ATF_CHECK(xr.xr_flags & XSRF_BROKEN);
	/* Putting the index back does not make the stream trustworthy. */
	page.req_cons = page.req_prod;
	ATF_CHECK_EQ(EIO, xs_ring_write(&xr, "abc", 3, &done));
	ATF_CHECK_EQ(1, xr.xr_errors);
	/* A reset (re-init) does. */
	xs_ring_init(&xr, &page);
	ATF_CHECK_EQ(0, xs_ring_write(&xr, "abc", 3, &done));
	ATF_CHECK_EQ(3, done);
}

/* req_cons so far behind that more than a ring would be in flight. */
ATF_TC_WITHOUT_HEAD(hostile_req_cons_behind);
ATF_TC_BODY(hostile_req_cons_behind, tc)
{
	struct xs_ring xr;
	size_t space;

	fresh(&xr, 5);
	page.req_cons = (uint32_t)(5 - 1025);
	ATF_CHECK_EQ(EIO, xs_ring_space(&xr, &space));
	ATF_CHECK_EQ(1, xr.xr_errors);
}

ATF_TC_WITHOUT_HEAD(hostile_rsp_prod);
ATF_TC_BODY(hostile_rsp_prod, tc)
{
	static const uint32_t bad[] = { 1025, 0xffffffffu, 0x80000000u, 2048 };
	struct xs_ring xr;
	char out[8];
	size_t avail, done;
	unsigned i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fresh(&xr, 0xfffffffeu);
		page.rsp_prod = 0xfffffffeu + bad[i];
		memset(out, 0, sizeof(out));
		ATF_CHECK_EQ(EIO, xs_ring_read(&xr, out, sizeof(out), &done));
		ATF_CHECK_EQ(0, done);
		ATF_CHECK_EQ(0xfffffffeu, page.rsp_cons);
		ATF_CHECK_EQ(EIO, xs_ring_avail(&xr, &avail));
		ATF_CHECK_EQ(1, xr.xr_errors);
	}
}

/* Only our private copies count: scribbling over our indices is ignored. */
ATF_TC_WITHOUT_HEAD(own_indices_private);
ATF_TC_BODY(own_indices_private, tc)
{
	struct xs_ring xr;
	char out[4];
	size_t done;

	fresh(&xr, 0);
	srv_put("wxyz", 4);
	page.rsp_cons = 3;		/* xenstored lies about our consumer */
	ATF_CHECK_EQ(0, xs_ring_read(&xr, out, 4, &done));
	ATF_CHECK_EQ(4, done);
	ATF_CHECK(memcmp(out, "wxyz", 4) == 0);
	page.req_prod = 999;
	ATF_CHECK_EQ(0, xs_ring_write(&xr, "q", 1, &done));
	ATF_CHECK_EQ(1, page.req_prod);
	ATF_CHECK_EQ(0, xr.xr_errors);
}

/* Rings inherited with non-zero indices are taken as found. */
ATF_TC_WITHOUT_HEAD(init_takes_indices);
ATF_TC_BODY(init_takes_indices, tc)
{
	struct xs_ring xr;

	memset(&page, 0, sizeof(page));
	page.req_prod = page.req_cons = 77;
	page.rsp_prod = page.rsp_cons = 0xabcdef01u;
	xs_ring_init(&xr, &page);
	ATF_CHECK_EQ(77, xr.xr_req_prod);
	ATF_CHECK_EQ(0xabcdef01u, xr.xr_rsp_cons);
}

ATF_TC_WITHOUT_HEAD(reset_fields);
ATF_TC_BODY(reset_fields, tc)
{
	struct xs_ring xr;

	fresh(&xr, 0);
	page.error = XENSTORE_ERROR_RINGIDX;
	/* error means nothing until xenstored says it is valid */
	ATF_CHECK_EQ(XENSTORE_ERROR_NONE, xs_ring_server_error(&xr));
	page.server_features = XENSTORE_SERVER_FEATURE_RECONNECTION |
	    XENSTORE_SERVER_FEATURE_ERROR;
	ATF_CHECK_EQ(3, xs_ring_server_features(&xr));
	ATF_CHECK_EQ(XENSTORE_ERROR_RINGIDX, xs_ring_server_error(&xr));
	ATF_CHECK_EQ(XENSTORE_CONNECTED, xs_ring_connection(&xr));
	xs_ring_set_connection(&xr, XENSTORE_RECONNECT);
	ATF_CHECK_EQ(XENSTORE_RECONNECT, page.connection);
	ATF_CHECK_EQ(XENSTORE_RECONNECT, xs_ring_connection(&xr));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, write_simple);
	ATF_TP_ADD_TC(tp, write_full);
	ATF_TP_ADD_TC(tp, write_msg_streams);
	ATF_TP_ADD_TC(tp, write_msg_split_header);
	ATF_TP_ADD_TC(tp, write_msg_bad_args);
	ATF_TP_ADD_TC(tp, read_wraps_index);
	ATF_TP_ADD_TC(tp, hostile_req_cons);
	ATF_TP_ADD_TC(tp, hostile_req_cons_behind);
	ATF_TP_ADD_TC(tp, hostile_rsp_prod);
	ATF_TP_ADD_TC(tp, own_indices_private);
	ATF_TP_ADD_TC(tp, init_takes_indices);
	ATF_TP_ADD_TC(tp, reset_fields);
	return (atf_no_error());
}
