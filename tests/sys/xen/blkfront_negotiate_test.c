/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xbd(4)'s feature negotiation (sys/dev/xen/blkfront/blkfront_negotiate.c)
 * over a fake xenstore (fake_xs.c): every combination of offered
 * features present and absent, the choice against our limits with its
 * fallbacks, the exact keys published for one and several queues, the
 * disk description read at Connected with every combination of flags,
 * and hostile values for each key, each refused with a message naming
 * the key.
 */

#include <atf-c.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#ifndef PAGE_SIZE
#define	PAGE_SHIFT	12
#define	PAGE_SIZE	(1UL << PAGE_SHIFT)
#define	PAGE_MASK	(PAGE_SIZE - 1)
#endif
#include <dev/xen/blkfront/blkfront_ring.h>
#include <dev/xen/blkfront/blkfront_negotiate.h>
#include "fake_xs.h"
#include "malloc_host.h"

#ifndef nitems
#define	nitems(x)	(sizeof((x)) / sizeof((x)[0]))
#endif

#define	BE	"/local/domain/0/backend/vbd/5/51712"

static char err[XBD_ERRLEN];

static void
be_set(const char *key, const char *value)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", BE, key);
	fake_xs_set(path, value);
}

static int
offer(struct xbd_offer *o)
{
	err[0] = '\0';
	return (xbd_read_offer(BE, o, err, sizeof(err)));
}

static int
diskinfo(struct xbd_diskinfo *di)
{
	err[0] = '\0';
	return (xbd_read_diskinfo(BE, di, err, sizeof(err)));
}

ATF_TC_WITHOUT_HEAD(offer_combinations);
ATF_TC_BODY(offer_combinations, tc)
{
	struct xbd_limits lim = { 2, 4, 64, true };
	struct xbd_offer o;
	struct xbd_params p;
	u_int mask;

	for (mask = 0; mask < 8; mask++) {
		fake_xs_reset();
		be_set("state", "2");
		if (mask & 1)
			be_set("max-ring-page-order", "4");
		if (mask & 2)
			be_set("multi-queue-max-queues", "2");
		if (mask & 4)
			be_set("feature-max-indirect-segments", "256");
		ATF_REQUIRE_EQ_MSG(offer(&o), 0, "mask %u: %s", mask, err);
		ATF_CHECK_EQ(o.bo_ring_order, (mask & 1) != 0);
		ATF_CHECK_EQ(o.bo_mq, (mask & 2) != 0);
		xbd_choose(&o, &lim, &p);
		/* Ours is the smaller limit; absent: the fallback. */
		ATF_CHECK_EQ(p.xp_order_key, (mask & 1) != 0);
		ATF_CHECK_EQ(p.xp_ring_order, (mask & 1) ? 2 : 0);
		ATF_CHECK_EQ(p.xp_nqueues, (mask & 2) ? 2 : 1);
		ATF_CHECK_EQ(p.xp_indirect, (mask & 4) ? 64 : 0);
		ATF_CHECK_EQ(p.xp_maxsegs, (mask & 4) ? 64 : 11);
		ATF_CHECK(p.xp_persistent);
	}
}

ATF_TC_WITHOUT_HEAD(choose_limits);
ATF_TC_BODY(choose_limits, tc)
{
	struct xbd_offer o = { true, 1, true, 16, 8 };
	struct xbd_limits lim = { 4, 8, 4096, false };
	struct xbd_params p;

	xbd_choose(&o, &lim, &p);
	ATF_CHECK_EQ(p.xp_ring_order, 1);	/* the backend's is smaller */
	ATF_CHECK_EQ(p.xp_nqueues, 8);		/* ours is */
	ATF_CHECK_EQ(p.xp_indirect, 0);		/* 8 <= 11: not worth it */
	ATF_CHECK_EQ(p.xp_maxsegs, 11);
	ATF_CHECK(!p.xp_persistent);
	/* Huge offers are clamped to the protocol's and our maxima. */
	o.bo_max_ring_order = 4000000000U;
	o.bo_max_queues = 4000000000U;
	o.bo_max_indirect = 4000000000U;
	lim.bl_ring_order = 99;
	lim.bl_queues = 99;
	lim.bl_indirect = 100000;
	xbd_choose(&o, &lim, &p);
	ATF_CHECK_EQ(p.xp_ring_order, XBD_MAX_RING_ORDER);
	ATF_CHECK_EQ(p.xp_nqueues, XBD_MAX_QUEUES);
	ATF_CHECK_EQ(p.xp_indirect, 4096);
	/* Our limits of zero: one queue, order 0 (still written), none. */
	lim.bl_ring_order = 0;
	lim.bl_queues = 0;
	lim.bl_indirect = 0;
	xbd_choose(&o, &lim, &p);
	ATF_CHECK_EQ(p.xp_ring_order, 0);
	ATF_CHECK(p.xp_order_key);
	ATF_CHECK_EQ(p.xp_nqueues, 1);
	ATF_CHECK_EQ(p.xp_indirect, 0);
}

ATF_TC_WITHOUT_HEAD(offer_hostile);
ATF_TC_BODY(offer_hostile, tc)
{
	static const char *const keys[] = { "max-ring-page-order",
	    "multi-queue-max-queues", "feature-max-indirect-segments" };
	static const char *const bad[] = { "abc", "-1", " 4", "4 ", "+4",
	    "0x4", "", "4\n", "99999999999999999999", "4294967296", "1.5" };
	struct xbd_offer o;
	u_int k, b;

	for (k = 0; k < 3; k++)
		for (b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
			fake_xs_reset();
			be_set(keys[k], bad[b]);
			ATF_CHECK_MSG(offer(&o) != 0, "%s=\"%s\" accepted",
			    keys[k], bad[b]);
			ATF_CHECK_MSG(strstr(err, keys[k]) != NULL,
			    "message \"%s\" does not name %s", err, keys[k]);
		}
	fake_xs_reset();
	be_set("multi-queue-max-queues", "0");
	ATF_CHECK_EQ(offer(&o), EINVAL);
	ATF_CHECK(strstr(err, "multi-queue-max-queues") != NULL);
	/* The largest 32-bit values are numbers, clamped later. */
	fake_xs_reset();
	be_set("max-ring-page-order", "4294967295");
	ATF_CHECK_EQ(offer(&o), 0);
	ATF_CHECK_EQ(o.bo_max_ring_order, 4294967295U);
}

/* The keys as one "name=value;" string. */
static const char *
keystr(const struct xbd_params *p)
{
	static char out[4096];
	struct xbd_key keys[XBD_MAXKEYS];
	uint32_t refs[XBD_MAX_QUEUES * XBD_MAX_RING_PAGES];
	uint32_t ports[XBD_MAX_QUEUES];
	u_int i, n;

	for (i = 0; i < nitems(refs); i++)
		refs[i] = 100 + i;
	for (i = 0; i < nitems(ports); i++)
		ports[i] = 20 + i;
	ATF_REQUIRE_EQ(xbd_make_keys(p, refs, ports, keys, &n), 0);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(out, keys[i].k_name);
		strcat(out, "=");
		strcat(out, keys[i].k_value);
		strcat(out, ";");
	}
	return (out);
}

ATF_TC_WITHOUT_HEAD(published_keys);
ATF_TC_BODY(published_keys, tc)
{
	struct xbd_params p = { 0 };

	/* No multi-page offer: one ring-ref. */
	p.xp_nqueues = 1;
	p.xp_persistent = true;
	ATF_CHECK_STREQ(keystr(&p), "ring-ref=100;event-channel=20;"
	    "protocol=x86_64-abi;feature-persistent=1;");
	/* Offered but order 0: ring-page-order=0 and ring-ref0 (Linux
	   reads ring-refN whenever the order key exists). */
	p.xp_order_key = true;
	p.xp_persistent = false;
	ATF_CHECK_STREQ(keystr(&p), "ring-page-order=0;ring-ref0=100;"
	    "event-channel=20;protocol=x86_64-abi;feature-persistent=0;");
	p.xp_ring_order = 2;
	ATF_CHECK_STREQ(keystr(&p), "ring-page-order=2;ring-ref0=100;"
	    "ring-ref1=101;ring-ref2=102;ring-ref3=103;event-channel=20;"
	    "protocol=x86_64-abi;feature-persistent=0;");
	/* Two queues: everything per queue, nothing at the top level. */
	p.xp_ring_order = 1;
	p.xp_nqueues = 2;
	ATF_CHECK_STREQ(keystr(&p), "multi-queue-num-queues=2;"
	    "ring-page-order=1;queue-0/ring-ref0=100;queue-0/ring-ref1=101;"
	    "queue-0/event-channel=20;queue-1/ring-ref0=102;"
	    "queue-1/ring-ref1=103;queue-1/event-channel=21;"
	    "protocol=x86_64-abi;feature-persistent=0;");
	p.xp_order_key = false;
	p.xp_ring_order = 0;
	ATF_CHECK_STREQ(keystr(&p), "multi-queue-num-queues=2;"
	    "queue-0/ring-ref=100;queue-0/event-channel=20;"
	    "queue-1/ring-ref=101;queue-1/event-channel=21;"
	    "protocol=x86_64-abi;feature-persistent=0;");
	/* The most there can be fit. */
	p.xp_order_key = true;
	p.xp_ring_order = XBD_MAX_RING_ORDER;
	p.xp_nqueues = XBD_MAX_QUEUES;
	ATF_CHECK(strstr(keystr(&p), "queue-7/ring-ref15=227;") != NULL);
}

static void
good_disk(void)
{
	fake_xs_reset();
	be_set("sectors", "131072");
	be_set("sector-size", "512");
	be_set("info", "0");
}

ATF_TC_WITHOUT_HEAD(diskinfo_combinations);
ATF_TC_BODY(diskinfo_combinations, tc)
{
	static const char *const flags[] = { "feature-flush-cache",
	    "feature-barrier", "feature-discard", "feature-persistent",
	    "discard-secure" };
	struct xbd_diskinfo di;
	u_int mask, present, f;

	/* Each flag absent, "0" or "1", all combinations (3^5). */
	for (mask = 0; mask < 243; mask++) {
		good_disk();
		present = mask;
		for (f = 0; f < 5; f++, present /= 3)
			if (present % 3 != 0)
				be_set(flags[f], present % 3 == 2 ? "1" : "0");
		ATF_REQUIRE_EQ_MSG(diskinfo(&di), 0, "%u: %s", mask, err);
		present = mask;
		ATF_CHECK_EQ(di.di_flush, present % 3 == 2);
		present /= 3;
		ATF_CHECK_EQ(di.di_barrier, present % 3 == 2);
		present /= 3;
		ATF_CHECK_EQ(di.di_discard, present % 3 == 2);
		if (di.di_discard) {
			ATF_CHECK_EQ(di.di_discard_gran, 512);
			ATF_CHECK_EQ(di.di_discard_align, 0);
		}
		present /= 3;
		ATF_CHECK_EQ(di.di_persistent, present % 3 == 2);
		present /= 3;
		/* discard-secure counts only with discard. */
		ATF_CHECK_EQ(di.di_discard_secure,
		    di.di_discard && present % 3 == 2);
	}
	/* Only sectors: the defaults. */
	fake_xs_reset();
	be_set("sectors", "8");
	ATF_REQUIRE_EQ(diskinfo(&di), 0);
	ATF_CHECK_EQ(di.di_sectors, 8);
	ATF_CHECK_EQ(di.di_sectorsize, 512);
	ATF_CHECK_EQ(di.di_physsectorsize, 512);
	ATF_CHECK_EQ(di.di_info, 0);
	/* A 4K disk described in 512-byte sectors, with discard. */
	fake_xs_reset();
	be_set("sectors", "131072");
	be_set("sector-size", "4096");
	be_set("physical-sector-size", "4096");
	be_set("info", "4");
	be_set("feature-discard", "1");
	be_set("discard-granularity", "65536");
	be_set("discard-alignment", "4096");
	ATF_REQUIRE_EQ(diskinfo(&di), 0);
	ATF_CHECK_EQ(di.di_sectors, 131072);
	ATF_CHECK_EQ(di.di_sectorsize, 4096);
	ATF_CHECK_EQ(di.di_info, 4);
	ATF_CHECK_EQ(di.di_discard_gran, 65536);
	ATF_CHECK_EQ(di.di_discard_align, 4096);
}

ATF_TC_WITHOUT_HEAD(diskinfo_hostile);
ATF_TC_BODY(diskinfo_hostile, tc)
{
	static const struct {
		const char *key, *value, *named;
	} bad[] = {
		{ "sectors", NULL, "sectors" },		/* missing */
		{ "sectors", "0", "sectors" },
		{ "sectors", "12a", "sectors" },
		{ "sectors", "-5", "sectors" },
		{ "sectors", "18014398509481985", "sectors" },	/* 2^54+1 */
		{ "sectors", "99999999999999999999999", "sectors" },
		{ "sector-size", "0", "sector-size" },
		{ "sector-size", "256", "sector-size" },
		{ "sector-size", "768", "sector-size" },
		{ "sector-size", "8192", "sector-size" },
		{ "sector-size", "4096x", "sector-size" },
		{ "physical-sector-size", "256", "physical-sector-size" },
		{ "physical-sector-size", "1536", "physical-sector-size" },
		{ "physical-sector-size", "2097152", "physical-sector-size" },
		{ "info", "four", "info" },
		{ "info", "4294967296", "info" },
		{ "feature-flush-cache", "2", "feature-flush-cache" },
		{ "feature-barrier", "yes", "feature-barrier" },
		{ "feature-discard", "-0", "feature-discard" },
		{ "feature-persistent", "01x", "feature-persistent" },
	};
	struct xbd_diskinfo di;
	u_int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		good_disk();
		if (bad[i].value == NULL)
			fake_xs_rm(BE "/sectors");
		else
			be_set(bad[i].key, bad[i].value);
		ATF_CHECK_MSG(diskinfo(&di) != 0, "%s=%s accepted",
		    bad[i].key, bad[i].value ? bad[i].value : "(none)");
		ATF_CHECK_MSG(strstr(err, bad[i].named) != NULL,
		    "message \"%s\" does not name %s", err, bad[i].named);
	}
	/* A size that is no whole number of 4K sectors. */
	good_disk();
	be_set("sector-size", "4096");
	be_set("sectors", "9");
	ATF_CHECK_EQ(diskinfo(&di), EINVAL);
	ATF_CHECK(strstr(err, "sectors") != NULL);
	/* Discard parameters that make no sense. */
	good_disk();
	be_set("feature-discard", "1");
	be_set("discard-granularity", "1000");
	ATF_CHECK_EQ(diskinfo(&di), EINVAL);
	ATF_CHECK(strstr(err, "discard-granularity") != NULL);
	be_set("discard-granularity", "4096");
	be_set("discard-alignment", "4096");
	ATF_CHECK_EQ(diskinfo(&di), EINVAL);
	ATF_CHECK(strstr(err, "discard-alignment") != NULL);
	be_set("discard-alignment", "100");
	ATF_CHECK_EQ(diskinfo(&di), EINVAL);
	be_set("discard-alignment", "1024");
	be_set("discard-secure", "7");
	ATF_CHECK_EQ(diskinfo(&di), EINVAL);
	ATF_CHECK(strstr(err, "discard-secure") != NULL);
	be_set("discard-secure", "1");
	ATF_CHECK_EQ(diskinfo(&di), 0);
	/* Discard keys are not looked at without feature-discard. */
	be_set("feature-discard", "0");
	be_set("discard-granularity", "garbage");
	ATF_CHECK_EQ(diskinfo(&di), 0);
	ATF_CHECK_EQ(kern_malloc_live, 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, offer_combinations);
	ATF_TP_ADD_TC(tp, choose_limits);
	ATF_TP_ADD_TC(tp, offer_hostile);
	ATF_TP_ADD_TC(tp, published_keys);
	ATF_TP_ADD_TC(tp, diskinfo_combinations);
	ATF_TP_ADD_TC(tp, diskinfo_hostile);
	return (atf_no_error());
}
