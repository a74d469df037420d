/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xenbus_read_ulong(), xenbus_read_feature() and xenbus_parse_ulong()
 * (sys/xen/xenbus/xenbus_keys.c, xenbus(9)) over a fake xenstore: absent
 * keys keep the default, good values are read, and hostile values (signs,
 * blanks, leading zeros, overflow, junk) are refused with a message that
 * names the key.  xbd(4) and xn(4) read their backends through these.
 */

#include <atf-c.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "malloc_host.h"
#define	malloc	kern_malloc
#define	free	kern_free
#include <sys/malloc.h>
#undef malloc
#undef free
#include <sys/queue.h>
#include <sys/kobj.h>
#include <sys/bus.h>
#include <xen/xen.h>
#include <xen/io/xenbus.h>
#include <xen/xenbus/xenbusvar.h>
#include "fake_xs.h"

#define	BE	"/local/domain/0/backend/vif/5/0"

static char err[128];

static void
be_set(const char *key, const char *value)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", BE, key);
	fake_xs_set(path, value);
}

ATF_TC_WITHOUT_HEAD(parse);
ATF_TC_BODY(parse, tc)
{
	u_long v;

	ATF_CHECK_EQ(xenbus_parse_ulong("0", 8, &v), 0);
	ATF_CHECK_EQ(v, 0);
	ATF_CHECK_EQ(xenbus_parse_ulong("8", 8, &v), 0);
	ATF_CHECK_EQ(v, 8);
	ATF_CHECK_EQ(xenbus_parse_ulong("9", 8, &v), ERANGE);
	ATF_CHECK_EQ(xenbus_parse_ulong("08", 8, &v), EINVAL);
	ATF_CHECK_EQ(xenbus_parse_ulong("00", 8, &v), EINVAL);
	ATF_CHECK_EQ(xenbus_parse_ulong("-1", 8, &v), EINVAL);
	ATF_CHECK_EQ(xenbus_parse_ulong("+1", 8, &v), EINVAL);
	ATF_CHECK_EQ(xenbus_parse_ulong("1 ", 8, &v), EINVAL);
	ATF_CHECK_EQ(xenbus_parse_ulong(" 1", 8, &v), EINVAL);
	ATF_CHECK_EQ(xenbus_parse_ulong("", 8, &v), EINVAL);
	ATF_CHECK_EQ(xenbus_parse_ulong("0x8", 8, &v), EINVAL);
	ATF_CHECK_EQ(xenbus_parse_ulong("99999999999999999999", 8, &v),
	    ERANGE);
	ATF_CHECK_EQ(xenbus_parse_ulong("99999999999999999999x", 8, &v),
	    EINVAL);
	ATF_CHECK_EQ(xenbus_parse_ulong("18446744073709551615", ~0UL, &v), 0);
	ATF_CHECK_EQ(v, ~0UL);
	ATF_CHECK_EQ(xenbus_parse_ulong("18446744073709551616", ~0UL, &v),
	    ERANGE);
	v = 7;
	ATF_CHECK_EQ(xenbus_parse_ulong("x", 8, &v), EINVAL);
	ATF_CHECK_EQ(v, 7);
}

ATF_TC_WITHOUT_HEAD(read_ulong);
ATF_TC_BODY(read_ulong, tc)
{
	static const char *const bad[] = { "abc", "-1", " 4", "4 ", "+4",
	    "0x4", "", "4\n", "04", "99999999999999999999", "65536", "1.5" };
	u_long v;
	bool present;
	u_int i;

	fake_xs_reset();
	v = 42;
	present = true;
	ATF_CHECK_EQ(xenbus_read_ulong(BE, "multi-queue-max-queues", 65535,
	    &v, &present, err, sizeof(err)), 0);
	ATF_CHECK_EQ(v, 42);			/* the default stays */
	ATF_CHECK(!present);
	be_set("multi-queue-max-queues", "65535");
	ATF_CHECK_EQ(xenbus_read_ulong(BE, "multi-queue-max-queues", 65535,
	    &v, &present, err, sizeof(err)), 0);
	ATF_CHECK_EQ(v, 65535);
	ATF_CHECK(present);
	ATF_CHECK_EQ(xenbus_read_ulong(BE, "multi-queue-max-queues", 65535,
	    &v, NULL, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		be_set("multi-queue-max-queues", bad[i]);
		v = 42;
		err[0] = '\0';
		ATF_CHECK_MSG(xenbus_read_ulong(BE, "multi-queue-max-queues",
		    65535, &v, &present, err, sizeof(err)) != 0,
		    "\"%s\" accepted", bad[i]);
		ATF_CHECK_MSG(v == 42, "\"%s\" changed the value", bad[i]);
		ATF_CHECK(!present);
		ATF_CHECK_MSG(strstr(err, "multi-queue-max-queues") != NULL,
		    "message \"%s\" does not name the key", err);
	}
	be_set("multi-queue-max-queues", "65536");
	ATF_CHECK_EQ(xenbus_read_ulong(BE, "multi-queue-max-queues", 65535,
	    &v, NULL, err, sizeof(err)), ERANGE);
	be_set("multi-queue-max-queues", "4x");
	ATF_CHECK_EQ(xenbus_read_ulong(BE, "multi-queue-max-queues", 65535,
	    &v, NULL, err, sizeof(err)), EINVAL);
	ATF_CHECK_STREQ(err, "backend's multi-queue-max-queues is not a "
	    "number up to 65535 (error 22)");
}

ATF_TC_WITHOUT_HEAD(read_feature);
ATF_TC_BODY(read_feature, tc)
{
	static const char *const bad[] = { "2", "10", "", "yes", "01", "00",
	    "-0", "1 ", "true" };
	bool b;
	u_int i;

	fake_xs_reset();
	b = true;
	ATF_CHECK_EQ(xenbus_read_feature(BE, "feature-sg", &b, err,
	    sizeof(err)), 0);
	ATF_CHECK(!b);				/* absent: false */
	be_set("feature-sg", "1");
	ATF_CHECK_EQ(xenbus_read_feature(BE, "feature-sg", &b, err,
	    sizeof(err)), 0);
	ATF_CHECK(b);
	be_set("feature-sg", "0");
	ATF_CHECK_EQ(xenbus_read_feature(BE, "feature-sg", &b, err,
	    sizeof(err)), 0);
	ATF_CHECK(!b);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		be_set("feature-sg", bad[i]);
		b = true;
		ATF_CHECK_MSG(xenbus_read_feature(BE, "feature-sg", &b, err,
		    sizeof(err)) == EINVAL, "\"%s\" accepted", bad[i]);
		ATF_CHECK_MSG(b, "\"%s\" changed the flag", bad[i]);
		ATF_CHECK_STREQ(err, "backend's feature-sg is not 0 or 1");
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, parse);
	ATF_TP_ADD_TC(tp, read_ulong);
	ATF_TP_ADD_TC(tp, read_feature);
	return (atf_no_error());
}
