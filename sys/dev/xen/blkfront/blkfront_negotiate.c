/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xbd(4): blkif feature negotiation.
 *
 * Two reads from the backend's xenstore directory frame the connection.
 * In InitWait (Linux blkback writes these when it probes) we read what
 * it offers -- max-ring-page-order, multi-queue-max-queues,
 * feature-max-indirect-segments -- choose what to use against our own
 * limits (xbd_choose: the smaller of the two, each with a fallback when
 * the key is absent: one page, one queue, no indirect requests), and
 * build the keys we publish (xbd_make_keys: ring-page-order and
 * ring-refN, or a lone ring-ref; queue-N/... for several queues;
 * event-channel; protocol; feature-persistent).  At Connected we read
 * the disk: sectors, sector-size, physical-sector-size, info and the
 * feature-* flags (flush, barrier, discard with its granularity and
 * alignment, persistent).
 *
 * Every value is untrusted and parsed strictly (xenbus_read_ulong() and
 * xenbus_read_feature(), xenbus(9): decimal digits only, no sign, no
 * blanks, no overflow; flags are exactly 0 or 1; here, sizes are powers
 * of two in range and consistent with each other).  An absent optional
 * key takes its documented default; a present but bad one fails the
 * connection with a message naming the key, which the driver passes to
 * the console and to xenbus_dev_fatal.
 *
 * Context: thread context (xenstore reads sleep).  The file uses only the
 * xenstore client and xenbus_keys.c, so tests/sys/xen/
 * blkfront_negotiate_test.c runs it over a fake xenstore.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/queue.h>
#include <sys/bus.h>

#include <xen/io/protocols.h>
#include <xen/xenstore/xenstorevar.h>
#include <xen/xenbus/xenbusvar.h>

#include <dev/xen/blkfront/blkfront_ring.h>
#include <dev/xen/blkfront/blkfront_negotiate.h>

#define	XBD_U32_MAX	0xffffffffUL

int
xbd_read_offer(const char *be, struct xbd_offer *o, char *err, size_t errlen)
{
	u_long v;
	int error;

	memset(o, 0, sizeof(*o));
	v = 0;
	if ((error = xenbus_read_ulong(be, "max-ring-page-order",
	    XBD_U32_MAX, &v, &o->bo_ring_order, err, errlen)) != 0)
		return (error);
	o->bo_max_ring_order = (u_int)v;
	v = 1;
	if ((error = xenbus_read_ulong(be, "multi-queue-max-queues",
	    XBD_U32_MAX, &v, &o->bo_mq, err, errlen)) != 0)
		return (error);
	if (v == 0) {
		snprintf(err, errlen, "backend's multi-queue-max-queues is 0");
		return (EINVAL);
	}
	o->bo_max_queues = (u_int)v;
	v = 0;
	if ((error = xenbus_read_ulong(be, "feature-max-indirect-segments",
	    XBD_U32_MAX, &v, NULL, err, errlen)) != 0)
		return (error);
	o->bo_max_indirect = (u_int)v;
	return (0);
}

void
xbd_choose(const struct xbd_offer *o, const struct xbd_limits *l,
    struct xbd_params *p)
{
	memset(p, 0, sizeof(*p));
	p->xp_order_key = o->bo_ring_order;
	p->xp_ring_order = o->bo_ring_order ?
	    MIN(MIN(o->bo_max_ring_order, l->bl_ring_order),
	    XBD_MAX_RING_ORDER) : 0;
	p->xp_nqueues = o->bo_mq ? MAX(1, MIN(MIN(o->bo_max_queues,
	    l->bl_queues), XBD_MAX_QUEUES)) : 1;
	/* Indirect only pays when it carries more than a plain request. */
	p->xp_indirect = MIN(MIN(o->bo_max_indirect, l->bl_indirect),
	    XBD_MAX_INDIRECT_SEGS);
	if (p->xp_indirect <= BLKIF_MAX_SEGMENTS_PER_REQUEST)
		p->xp_indirect = 0;
	p->xp_maxsegs = p->xp_indirect != 0 ? p->xp_indirect :
	    BLKIF_MAX_SEGMENTS_PER_REQUEST;
	p->xp_persistent = l->bl_persistent;
}

static int
xbd_key_add(struct xbd_key *keys, u_int *np, const char *prefix,
    const char *name, unsigned long value, const char *svalue)
{
	struct xbd_key *k;
	int n;

	if (*np >= XBD_MAXKEYS)
		return (E2BIG);
	k = &keys[(*np)++];
	n = snprintf(k->k_name, sizeof(k->k_name), "%s%s", prefix, name);
	if (n < 0 || (size_t)n >= sizeof(k->k_name))
		return (ENAMETOOLONG);
	if (svalue != NULL)
		strlcpy(k->k_value, svalue, sizeof(k->k_value));
	else
		snprintf(k->k_value, sizeof(k->k_value), "%lu", value);
	return (0);
}

/*
 * The keys to publish: refs[q * pages + i] is queue q's ring page i,
 * ports[q] its event channel.  Fills keys (XBD_MAXKEYS of them), *np.
 */
int
xbd_make_keys(const struct xbd_params *p, const uint32_t *refs,
    const uint32_t *ports, struct xbd_key *keys, u_int *np)
{
	char prefix[16], name[16];
	u_int q, i, pages = 1U << p->xp_ring_order;
	int error = 0;

	*np = 0;
	if (p->xp_nqueues > 1)
		error = xbd_key_add(keys, np, "", "multi-queue-num-queues",
		    p->xp_nqueues, NULL);
	if (error == 0 && p->xp_order_key)
		error = xbd_key_add(keys, np, "", "ring-page-order",
		    p->xp_ring_order, NULL);
	for (q = 0; q < p->xp_nqueues && error == 0; q++) {
		if (p->xp_nqueues > 1)
			snprintf(prefix, sizeof(prefix), "queue-%u/", q);
		else
			prefix[0] = '\0';
		for (i = 0; i < pages && error == 0; i++) {
			if (p->xp_order_key)
				snprintf(name, sizeof(name), "ring-ref%u", i);
			else
				strlcpy(name, "ring-ref", sizeof(name));
			error = xbd_key_add(keys, np, prefix, name,
			    refs[q * pages + i], NULL);
		}
		if (error == 0)
			error = xbd_key_add(keys, np, prefix, "event-channel",
			    ports[q], NULL);
	}
	if (error == 0)
		error = xbd_key_add(keys, np, "", "protocol", 0,
		    XEN_IO_PROTO_ABI_X86_64);
	if (error == 0)
		error = xbd_key_add(keys, np, "", "feature-persistent",
		    p->xp_persistent ? 1 : 0, NULL);
	return (error);
}

int
xbd_read_diskinfo(const char *be, struct xbd_diskinfo *di, char *err,
    size_t errlen)
{
	u_long v;
	bool present;
	int error;

	memset(di, 0, sizeof(*di));
	/* Bytes must fit in an off_t: at most 2^54 sectors of 512. */
	if ((error = xenbus_read_ulong(be, "sectors", 1UL << 54, &v, &present,
	    err, errlen)) != 0)
		return (error);
	if (!present || v == 0) {
		snprintf(err, errlen, "backend's sectors is %s",
		    present ? "0" : "missing");
		return (EINVAL);
	}
	di->di_sectors = v;
	v = 512;
	if ((error = xenbus_read_ulong(be, "sector-size", XBD_U32_MAX, &v,
	    NULL, err, errlen)) != 0)
		return (error);
	if (v < 512 || v > PAGE_SIZE || !powerof2(v)) {
		snprintf(err, errlen, "backend's sector-size %lu is not a "
		    "power of 2 from 512 to %lu", v, (u_long)PAGE_SIZE);
		return (EINVAL);
	}
	di->di_sectorsize = (u_int)v;
	if ((di->di_sectors * 512) % di->di_sectorsize != 0) {
		snprintf(err, errlen, "backend's sectors (%lu) is not a whole "
		    "number of %u-byte sectors", (u_long)di->di_sectors,
		    di->di_sectorsize);
		return (EINVAL);
	}
	v = di->di_sectorsize;
	if ((error = xenbus_read_ulong(be, "physical-sector-size", XBD_U32_MAX,
	    &v, NULL, err, errlen)) != 0)
		return (error);
	if (v < di->di_sectorsize || v > 1024 * 1024 || !powerof2(v)) {
		snprintf(err, errlen, "backend's physical-sector-size %lu is "
		    "not a power of 2 from %u to 1048576", v,
		    di->di_sectorsize);
		return (EINVAL);
	}
	di->di_physsectorsize = (u_int)v;
	v = 0;
	if ((error = xenbus_read_ulong(be, "info", XBD_U32_MAX, &v, NULL, err,
	    errlen)) != 0)
		return (error);
	di->di_info = (u_int)v;
	if ((error = xenbus_read_feature(be, "feature-flush-cache",
	    &di->di_flush, err, errlen)) != 0 ||
	    (error = xenbus_read_feature(be, "feature-barrier",
	    &di->di_barrier, err, errlen)) != 0 ||
	    (error = xenbus_read_feature(be, "feature-discard",
	    &di->di_discard, err, errlen)) != 0 ||
	    (error = xenbus_read_feature(be, "feature-persistent",
	    &di->di_persistent, err, errlen)) != 0)
		return (error);
	if (!di->di_discard)
		return (0);
	v = di->di_sectorsize;
	if ((error = xenbus_read_ulong(be, "discard-granularity",
	    XBD_U32_MAX, &v, NULL, err, errlen)) != 0)
		return (error);
	if (v == 0)
		v = di->di_sectorsize;
	if (v % di->di_sectorsize != 0) {
		snprintf(err, errlen, "backend's discard-granularity %lu is "
		    "not a multiple of %u", v, di->di_sectorsize);
		return (EINVAL);
	}
	di->di_discard_gran = (u_int)v;
	v = 0;
	if ((error = xenbus_read_ulong(be, "discard-alignment",
	    XBD_U32_MAX, &v, NULL, err, errlen)) != 0)
		return (error);
	if (v % 512 != 0 || v >= di->di_discard_gran) {
		snprintf(err, errlen, "backend's discard-alignment %lu is not "
		    "a multiple of 512 below the granularity %u", v,
		    di->di_discard_gran);
		return (EINVAL);
	}
	di->di_discard_align = (u_int)v;
	return (xenbus_read_feature(be, "discard-secure",
	    &di->di_discard_secure, err, errlen));
}
