/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * disk(9) and bio(9) on the host: sys/kern/subr_disk.c over a memory
 * disk driver of the test's own.  The driver either completes in its
 * strategy method or queues requests for the test (or the sleep hook,
 * standing in for the event handler) to complete later.  Checked: the
 * description disk_create accepts, names, opens and EROFS, destroy
 * refusing while open or in flight, every request the layer must refuse
 * (and that the driver then never sees), splitting at d_maxsize with the
 * first error kept, the synchronous helper, disk_gone, and the counters
 * in sysctl kern.disk.
 */

#include <atf-c.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <sys/queue.h>
#include <sys/sysctl.h>
#include <sys/bio.h>
#include <sys/disk.h>

#include "kernel_host.h"
#include "malloc_host.h"

SYSCTL_ROOT_NODE(kern, "the machine-independent kernel");

/* The memory disk. */
#define	MD_SIZE		(64 * 1024)
static uint8_t md_store[MD_SIZE];
static int md_deferred;			/* queue requests, do not complete */
static int md_fail_nth = -1;		/* fail this request (EIO) */
static uint64_t md_latency = 1000;	/* ns the clock moves per request */
static u_int md_calls;
static size_t md_maxlen;
static TAILQ_HEAD(, bio) md_queue = TAILQ_HEAD_INITIALIZER(md_queue);

static void
md_run(struct bio *bp)
{
	struct disk *dp = bp->bio_disk;

	if ((int)md_calls - 1 == md_fail_nth) {
		bp->bio_error = EIO;
		bp->bio_resid = bp->bio_length;
	} else if (bp->bio_cmd == BIO_READ)
		memcpy(bp->bio_data, md_store + bp->bio_offset,
		    bp->bio_length);
	else if (bp->bio_cmd == BIO_WRITE)
		memcpy(md_store + bp->bio_offset, bp->bio_data,
		    bp->bio_length);
	else if (bp->bio_cmd == BIO_DELETE)
		memset(md_store + bp->bio_offset, 0, bp->bio_length);
	if (bp->bio_cmd == BIO_READ || bp->bio_cmd == BIO_WRITE)
		ATF_REQUIRE(bp->bio_length <= dp->d_maxsize);
	kh_now_ns += md_latency;
	biodone(bp);
}

static void
md_strategy(struct bio *bp)
{
	md_calls++;
	if (bp->bio_length > md_maxlen)
		md_maxlen = bp->bio_length;
	if (md_deferred) {
		/* Remember which call this was for md_fail_nth. */
		bp->bio_driver1 = (void *)(uintptr_t)md_calls;
		TAILQ_INSERT_TAIL(&md_queue, bp, bio_queue);
		return;
	}
	md_run(bp);
}

/* Complete everything queued ("the backend answered"). */
static void
md_drain(void)
{
	struct bio *bp;
	u_int saved = md_calls;

	while ((bp = TAILQ_FIRST(&md_queue)) != NULL) {
		TAILQ_REMOVE(&md_queue, bp, bio_queue);
		md_calls = (u_int)(uintptr_t)bp->bio_driver1;
		md_run(bp);
	}
	md_calls = saved;
}

static void
md_sleep_hook(const void *chan)
{
	md_drain();
}

static struct disk *
md_new(const char *name, int unit, u_int flags, size_t maxsize)
{
	struct disk *dp = disk_alloc();

	dp->d_name = name;
	dp->d_unit = unit;
	dp->d_descr = "memory disk";
	dp->d_sectorsize = 512;
	dp->d_mediasize = MD_SIZE;
	dp->d_maxsize = maxsize;
	dp->d_flags = flags;
	dp->d_strategy = md_strategy;
	return (dp);
}

static void
md_reset(void)
{
	md_deferred = 0;
	md_fail_nth = -1;
	md_calls = 0;
	md_maxlen = 0;
	kh_sleep_hook = md_sleep_hook;
	for (size_t i = 0; i < MD_SIZE; i++)
		md_store[i] = (uint8_t)(i * 7 + 3);
}

static int done_calls;

static void
count_done(struct bio *bp)
{
	done_calls++;
}

static size_t last_resid;

/* One request through bio_submit; returns its error (it must be done). */
static int
submit(struct disk *dp, int cmd, off_t off, size_t len, void *data)
{
	struct bio b;

	memset(&b, 0, sizeof(b));
	b.bio_cmd = cmd;
	b.bio_offset = off;
	b.bio_length = len;
	b.bio_data = data;
	b.bio_done = count_done;
	done_calls = 0;
	bio_submit(dp, &b);
	ATF_REQUIRE_EQ(done_calls, 1);
	ATF_REQUIRE((b.bio_flags & BIOF_DONE) != 0);
	last_resid = b.bio_resid;
	if (b.bio_error != 0)
		ATF_REQUIRE(b.bio_resid <= len && (len == 0 || b.bio_resid > 0));
	else
		ATF_REQUIRE_EQ(b.bio_resid, 0);
	return (b.bio_error);
}

static char sysout[16384];

static void
collect(const char *name, const char *value, void *arg)
{
	size_t len = strlen(sysout);

	snprintf(sysout + len, sizeof(sysout) - len, "%s=%s\n", name, value);
}

static const char *
sysq(const char *name)
{
	sysout[0] = '\0';
	(void)sysctl_query(name, collect, NULL);
	return (sysout);
}

static _Alignas(4096) uint8_t buf[MD_SIZE + 4096];

ATF_TC_WITHOUT_HEAD(create_checks);
ATF_TC_BODY(create_checks, tc)
{
	struct disk *dp, *dup;

	md_reset();
	dp = md_new("md", 0, 0, 4096);
	dp->d_sectorsize = 768;
	ATF_CHECK_EQ(disk_create(dp), EINVAL);
	dp->d_sectorsize = 256;
	ATF_CHECK_EQ(disk_create(dp), EINVAL);
	dp->d_sectorsize = 4096;
	dp->d_mediasize = 4096 * 3 + 512;
	ATF_CHECK_EQ(disk_create(dp), EINVAL);
	dp->d_mediasize = MD_SIZE;
	dp->d_maxsize = 2048;
	ATF_CHECK_EQ(disk_create(dp), EINVAL);
	dp->d_maxsize = 8192;
	dp->d_strategy = NULL;
	ATF_CHECK_EQ(disk_create(dp), EINVAL);
	dp->d_strategy = md_strategy;
	dp->d_unit = -1;
	ATF_CHECK_EQ(disk_create(dp), EINVAL);
	dp->d_unit = 0;
	ATF_REQUIRE_EQ(disk_create(dp), 0);
	ATF_CHECK_STREQ(dp->d_nameunit, "md0");

	dup = md_new("md", 0, 0, 4096);
	ATF_CHECK_EQ(disk_create(dup), EEXIST);
	disk_free(dup);
	ATF_CHECK_EQ(disk_destroy(dp), 0);
	ATF_CHECK_EQ(kern_malloc_live, 0);
}

ATF_TC_WITHOUT_HEAD(open_close);
ATF_TC_BODY(open_close, tc)
{
	struct disk *dp, *ro, *got;

	md_reset();
	dp = md_new("md", 0, 0, 4096);
	ro = md_new("md", 1, DISKFLAG_WRITE_PROTECT, 4096);
	ATF_REQUIRE_EQ(disk_create(dp), 0);
	ATF_REQUIRE_EQ(disk_create(ro), 0);
	ATF_CHECK_EQ(disk_open("md2", DISK_READ, &got), ENOENT);
	ATF_CHECK_EQ(disk_open("md", DISK_READ, &got), ENOENT);
	ATF_CHECK_EQ(disk_open("md0", 0, &got), EINVAL);
	ATF_CHECK_EQ(disk_open("md0", 8, &got), EINVAL);
	ATF_CHECK_EQ(disk_open("md1", DISK_READ | DISK_WRITE, &got), EROFS);
	ATF_REQUIRE_EQ(disk_open("md1", DISK_READ, &got), 0);
	ATF_CHECK(got == ro);
	ATF_CHECK_EQ(submit(ro, BIO_WRITE, 0, 512, buf), EROFS);
	ATF_CHECK_EQ(submit(ro, BIO_READ, 0, 512, buf), 0);
	ATF_CHECK_EQ(disk_destroy(ro), EBUSY);
	disk_close(ro, DISK_READ);
	ATF_CHECK_EQ(disk_destroy(ro), 0);

	ATF_REQUIRE_EQ(disk_open("md0", DISK_READ | DISK_WRITE, &got), 0);
	ATF_REQUIRE_EQ(disk_open("md0", DISK_READ, &got), 0);
	ATF_CHECK_EQ(dp->d_opens, 2);
	ATF_CHECK_EQ(dp->d_writers, 1);
	disk_close(dp, DISK_READ | DISK_WRITE);
	ATF_CHECK_EQ(disk_destroy(dp), EBUSY);
	disk_close(dp, DISK_READ);
	ATF_CHECK_EQ(dp->d_opens, 0);
	ATF_CHECK_EQ(dp->d_writers, 0);
	disk_gone(dp);
	ATF_CHECK_EQ(disk_open("md0", DISK_READ, &got), ENXIO);
	ATF_CHECK_EQ(submit(dp, BIO_READ, 0, 512, buf), ENXIO);
	ATF_CHECK_EQ(md_calls, 1);	/* only ro's read */
	ATF_CHECK_EQ(disk_destroy(dp), 0);
	ATF_CHECK_EQ(kern_malloc_live, 0);
}

ATF_TC_WITHOUT_HEAD(refused_requests);
ATF_TC_BODY(refused_requests, tc)
{
	struct disk *dp;

	md_reset();
	dp = md_new("md", 0, 0, 4096);
	ATF_REQUIRE_EQ(disk_create(dp), 0);
	ATF_CHECK_EQ(submit(dp, BIO_READ, 1, 512, buf), EINVAL);
	ATF_CHECK_EQ(submit(dp, BIO_READ, 0, 511, buf), EINVAL);
	ATF_CHECK_EQ(submit(dp, BIO_READ, 0, 0, buf), EINVAL);
	ATF_CHECK_EQ(submit(dp, BIO_READ, 0, 512, NULL), EINVAL);
	ATF_CHECK_EQ(submit(dp, BIO_READ, 0, 512, buf + 8), EINVAL);
	ATF_CHECK_EQ(submit(dp, BIO_READ, -512, 512, buf), EINVAL);
	ATF_CHECK_EQ(submit(dp, BIO_READ, MD_SIZE, 512, buf), EINVAL);
	ATF_CHECK_EQ(submit(dp, BIO_READ, MD_SIZE - 512, 1024, buf), EINVAL);
	/* Offset + length wraps around. */
	ATF_CHECK_EQ(submit(dp, BIO_WRITE, 512, (size_t)-512, buf), EINVAL);
	ATF_CHECK_EQ(submit(dp, BIO_FLUSH, 0, 0, NULL), EOPNOTSUPP);
	ATF_CHECK_EQ(submit(dp, BIO_DELETE, 0, 512, NULL), EOPNOTSUPP);
	ATF_CHECK_EQ(submit(dp, 0, 0, 512, buf), EINVAL);
	ATF_CHECK_EQ(submit(dp, 5, 0, 512, buf), EINVAL);
	ATF_CHECK_EQ(md_calls, 0);
	/* The last sector is fine. */
	ATF_CHECK_EQ(submit(dp, BIO_READ, MD_SIZE - 512, 512, buf), 0);
	ATF_CHECK_EQ(md_calls, 1);
	ATF_CHECK_EQ(dp->d_stats[BIO_READ - 1].ds_errors, 8);
	ATF_CHECK_EQ(dp->d_stats[BIO_READ - 1].ds_ops, 1);
	ATF_CHECK_EQ(dp->d_stats[BIO_WRITE - 1].ds_errors, 1);
	ATF_CHECK_EQ(dp->d_stats[BIO_FLUSH - 1].ds_errors, 1);
	ATF_CHECK_EQ(dp->d_stats[BIO_DELETE - 1].ds_errors, 1);
	ATF_CHECK_EQ(dp->d_inflight, 0);
	ATF_CHECK_EQ(disk_destroy(dp), 0);

	/* Flush and delete where supported; delete and flush need no data. */
	md_reset();
	dp = md_new("md", 0, DISKFLAG_CANFLUSHCACHE | DISKFLAG_CANDELETE,
	    4096);
	dp->d_sectorsize = 4096;
	ATF_REQUIRE_EQ(disk_create(dp), 0);
	ATF_CHECK_EQ(submit(dp, BIO_FLUSH, 0, 0, NULL), 0);
	ATF_CHECK_EQ(submit(dp, BIO_FLUSH, 0, 4096, NULL), EINVAL);
	ATF_CHECK_EQ(submit(dp, BIO_DELETE, 4096, 8192, NULL), 0);
	ATF_CHECK_EQ(md_store[4096], 0);
	ATF_CHECK_EQ(submit(dp, BIO_DELETE, 512, 4096, NULL), EINVAL);
	/* A 4096-byte-sector disk wants 4096-aligned buffers and ranges. */
	ATF_CHECK_EQ(submit(dp, BIO_READ, 0, 512, buf), EINVAL);
	ATF_CHECK_EQ(submit(dp, BIO_READ, 0, 4096, buf + 512), EINVAL);
	ATF_CHECK_EQ(submit(dp, BIO_READ, 4096, 4096, buf), 0);
	ATF_CHECK_EQ(md_calls, 3);
	ATF_CHECK_EQ(disk_destroy(dp), 0);
	ATF_CHECK_EQ(kern_malloc_live, 0);
}

ATF_TC_WITHOUT_HEAD(read_write_split);
ATF_TC_BODY(read_write_split, tc)
{
	struct disk *dp;
	size_t len = 3 * 4096 + 1536;

	md_reset();
	dp = md_new("md", 0, 0, 4096);
	ATF_REQUIRE_EQ(disk_create(dp), 0);
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i ^ 0x5a);
	ATF_REQUIRE_EQ(submit(dp, BIO_WRITE, 1024, len, buf), 0);
	ATF_CHECK_EQ(md_calls, 4);
	ATF_CHECK_EQ(md_maxlen, 4096);
	ATF_CHECK(memcmp(md_store + 1024, buf, len) == 0);
	ATF_CHECK_EQ(md_store[1023], (uint8_t)(1023 * 7 + 3));
	ATF_CHECK_EQ(md_store[1024 + len], (uint8_t)((1024 + len) * 7 + 3));
	memset(buf, 0, len);
	ATF_REQUIRE_EQ(submit(dp, BIO_READ, 1024, len, buf), 0);
	ATF_CHECK(memcmp(md_store + 1024, buf, len) == 0);
	ATF_CHECK_EQ(dp->d_stats[BIO_WRITE - 1].ds_ops, 1);
	ATF_CHECK_EQ(dp->d_stats[BIO_WRITE - 1].ds_bytes, len);
	ATF_CHECK_EQ(dp->d_stats[BIO_READ - 1].ds_bytes, len);

	/* The third piece fails: the request fails, with its bytes unread. */
	md_reset();
	md_fail_nth = 2;
	ATF_CHECK_EQ(submit(dp, BIO_READ, 0, len, buf), EIO);
	ATF_CHECK_EQ(last_resid, 4096);
	ATF_CHECK_EQ(md_calls, 4);
	ATF_CHECK_EQ(dp->d_stats[BIO_READ - 1].ds_errors, 1);
	ATF_CHECK_EQ(dp->d_inflight, 0);

	/* No memory for the pieces: ENOMEM, and nothing went out. */
	md_reset();
	kern_malloc_fail_after = 3;
	ATF_CHECK_EQ(submit(dp, BIO_READ, 0, len, buf), ENOMEM);
	ATF_CHECK_EQ(last_resid, len);
	kern_malloc_fail_after = -1;
	ATF_CHECK_EQ(md_calls, 0);
	ATF_CHECK_EQ(dp->d_inflight, 0);
	ATF_CHECK_EQ(disk_destroy(dp), 0);
	ATF_CHECK_EQ(kern_malloc_live, 0);
}

ATF_TC_WITHOUT_HEAD(deferred_and_wait);
ATF_TC_BODY(deferred_and_wait, tc)
{
	struct disk *dp, *got;
	struct bio b[3];
	int i;

	md_reset();
	dp = md_new("md", 0, 0, 8192);
	ATF_REQUIRE_EQ(disk_create(dp), 0);
	md_deferred = 1;
	memset(b, 0, sizeof(b));
	done_calls = 0;
	for (i = 0; i < 3; i++) {
		b[i].bio_cmd = BIO_READ;
		b[i].bio_offset = 8192 * i;
		b[i].bio_length = 16384;	/* two pieces each */
		b[i].bio_data = buf + 16384 * i;
		b[i].bio_done = count_done;
		bio_submit(dp, &b[i]);
	}
	ATF_CHECK_EQ(done_calls, 0);
	ATF_CHECK_EQ(dp->d_inflight, 6);
	/* In flight: the disk cannot go, even when nobody has it open. */
	ATF_CHECK_EQ(disk_destroy(dp), EBUSY);
	ATF_CHECK_EQ(disk_open("md0", DISK_READ, &got), 0);
	disk_close(dp, DISK_READ);
	md_drain();
	ATF_CHECK_EQ(done_calls, 3);
	ATF_CHECK_EQ(dp->d_inflight, 0);
	for (i = 0; i < 3; i++)
		ATF_CHECK(memcmp(buf + 16384 * i, md_store + 8192 * i,
		    16384) == 0);

	/* The synchronous helper sleeps until the "event" completes it. */
	memset(&b[0], 0, sizeof(b[0]));
	b[0].bio_cmd = BIO_WRITE;
	b[0].bio_offset = 512;
	b[0].bio_length = 1024;
	b[0].bio_data = buf;
	kh_sleeps = 0;
	ATF_CHECK_EQ(bio_submit_wait(dp, &b[0]), 0);
	ATF_CHECK(kh_sleeps >= 1);
	ATF_CHECK_EQ(kh_masked, 0);
	ATF_CHECK(memcmp(md_store + 512, buf, 1024) == 0);
	/* A refused one returns at once, without sleeping. */
	kh_sleeps = 0;
	b[0].bio_offset = 100;
	ATF_CHECK_EQ(bio_submit_wait(dp, &b[0]), EINVAL);
	ATF_CHECK_EQ(kh_sleeps, 0);
	ATF_CHECK_EQ(disk_destroy(dp), 0);
	ATF_CHECK_EQ(kern_malloc_live, 0);
}

ATF_TC_WITHOUT_HEAD(statistics_sysctl);
ATF_TC_BODY(statistics_sysctl, tc)
{
	struct disk *dp;
	const char *out;

	md_reset();
	dp = md_new("md", 3, DISKFLAG_CANFLUSHCACHE, 4096);
	ATF_REQUIRE_EQ(disk_create(dp), 0);
	md_latency = 250;
	ATF_REQUIRE_EQ(submit(dp, BIO_WRITE, 0, 8192, buf), 0);
	ATF_REQUIRE_EQ(submit(dp, BIO_READ, 0, 512, buf), 0);
	ATF_REQUIRE_EQ(submit(dp, BIO_READ, 0, 1024, buf), 0);
	ATF_REQUIRE_EQ(submit(dp, BIO_READ, 1, 1024, buf), EINVAL);
	ATF_REQUIRE_EQ(submit(dp, BIO_FLUSH, 0, 0, NULL), 0);
	md_latency = 1000;
	out = sysq("kern.disk.md3");
	ATF_CHECK(strstr(out, "kern.disk.md3.descr=memory disk\n") != NULL);
	ATF_CHECK(strstr(out, "kern.disk.md3.sectorsize=512\n") != NULL);
	ATF_CHECK(strstr(out, "kern.disk.md3.mediasize=65536\n") != NULL);
	ATF_CHECK(strstr(out, "kern.disk.md3.opens=0\n") != NULL);
	ATF_CHECK(strstr(out, "kern.disk.md3.read.ops=2\n") != NULL);
	ATF_CHECK(strstr(out, "kern.disk.md3.read.bytes=1536\n") != NULL);
	ATF_CHECK(strstr(out, "kern.disk.md3.read.errors=1\n") != NULL);
	ATF_CHECK(strstr(out, "kern.disk.md3.read.time_ns=500\n") != NULL);
	ATF_CHECK(strstr(out, "kern.disk.md3.write.ops=1\n") != NULL);
	ATF_CHECK(strstr(out, "kern.disk.md3.write.bytes=8192\n") != NULL);
	/* Two pieces of 250 ns, one after the other. */
	ATF_CHECK(strstr(out, "kern.disk.md3.write.time_ns=500\n") != NULL);
	ATF_CHECK(strstr(out, "kern.disk.md3.flush.ops=1\n") != NULL);
	ATF_CHECK(strstr(out, "kern.disk.md3.delete.ops=0\n") != NULL);
	out = sysq("kern.disk.md3.write.bytes");
	ATF_CHECK_STREQ(out, "kern.disk.md3.write.bytes=8192\n");
	ATF_CHECK_EQ(disk_destroy(dp), 0);
	ATF_CHECK_STREQ(sysq("kern.disk.md3"), "");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, create_checks);
	ATF_TP_ADD_TC(tp, open_close);
	ATF_TP_ADD_TC(tp, refused_requests);
	ATF_TP_ADD_TC(tp, read_write_split);
	ATF_TP_ADD_TC(tp, deferred_and_wait);
	ATF_TP_ADD_TC(tp, statistics_sysctl);
	return (atf_no_error());
}
