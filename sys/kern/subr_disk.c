/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The disk layer: disk(9) and bio(9).
 *
 * A disk driver (xbd) describes each disk it finds with a struct disk --
 * name and unit, sector size, media size, the largest request it takes,
 * what it supports (flush, delete, read-only) and its strategy method --
 * and registers it with disk_create().  Kernel code (the monitor's disk
 * commands today, a file system later) opens a disk by name and sends it
 * struct bio requests; it never sees the driver or Xen.
 *
 * Data path: bio_submit() checks a request against the disk (range and
 * alignment in whole sectors, the buffer aligned to the sector size, a
 * write to a read-only disk: EROFS, a flush or delete the disk cannot do:
 * EOPNOTSUPP, a disk going away: ENXIO) and fails a bad one at once
 * through its completion callback.  A read or write longer than d_maxsize
 * is split into pieces the driver takes, all allocated before the first
 * is sent, and the original completes when the last piece does, with the
 * first error any piece had.  Each request that reaches the driver is
 * counted in flight; biodone() -- called by the driver, often from its
 * event handler -- settles the count and the per-command statistics
 * (operations, bytes, errors, time in flight) and runs the callback.
 * bio_submit_wait() is the synchronous form for thread context.
 *
 * Locking: the list of disks is a sleep mutex (opens, lookups, create,
 * destroy, sysctl); each disk's counters are under its spin mutex, since
 * biodone runs in event context.  The driver guarantees that every
 * request it accepted is completed, including when the device goes away
 * (it fails them with EIO); disk_destroy() refuses while a request is in
 * flight or the disk is open, so the struct never goes while in use.
 *
 * Statistics are in sysctl kern.disk.<name>.*.  The file also builds on
 * the host for tests/sys/kern/disk_test.c.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/queue.h>
#include <sys/sysctl.h>
#include <sys/timetc.h>
#include <sys/bio.h>
#include <sys/disk.h>
#include <machine/cpufunc.h>

CTASSERT(DISK_NCMDS == BIO_NCMDS);

static MALLOC_DEFINE(M_DISK, "disk", "disk(9) and bio(9)");

static LIST_HEAD(, disk) disk_list = LIST_HEAD_INITIALIZER(disk_list);
static struct mtx disk_list_mtx = {
	.mtx_name = "disks",
	.mtx_flags = MTX_DEF,
	.mtx_waiters = TAILQ_HEAD_INITIALIZER(disk_list_mtx.mtx_waiters),
};

const char *
bio_cmdname(int cmd)
{
	switch (cmd) {
	case BIO_READ:
		return ("read");
	case BIO_WRITE:
		return ("write");
	case BIO_DELETE:
		return ("delete");
	case BIO_FLUSH:
		return ("flush");
	default:
		return ("invalid");
	}
}

struct disk *
disk_alloc(void)
{
	return (malloc(sizeof(struct disk), M_DISK, M_WAITOK | M_ZERO));
}

/* A disk that was never created, or has been destroyed. */
void
disk_free(struct disk *dp)
{
	free(dp, M_DISK);
}

static struct disk *
disk_lookup(const char *nameunit)
{
	struct disk *dp;

	mtx_assert(&disk_list_mtx, MA_OWNED);
	LIST_FOREACH(dp, &disk_list, d_link)
		if (strcmp(dp->d_nameunit, nameunit) == 0)
			return (dp);
	return (NULL);
}

/*
 * Register a disk the driver has described.  EINVAL for a description
 * that makes no sense, EEXIST if the name is taken.
 */
int
disk_create(struct disk *dp)
{
	int n, error;

	if (dp->d_name == NULL || dp->d_strategy == NULL || dp->d_unit < 0 ||
	    dp->d_sectorsize < 512 || !powerof2(dp->d_sectorsize) ||
	    dp->d_mediasize < 0 || dp->d_mediasize % dp->d_sectorsize != 0 ||
	    dp->d_maxsize < dp->d_sectorsize ||
	    dp->d_maxsize % dp->d_sectorsize != 0)
		return (EINVAL);
	n = snprintf(dp->d_nameunit, sizeof(dp->d_nameunit), "%s%d",
	    dp->d_name, dp->d_unit);
	if (n < 0 || (size_t)n >= sizeof(dp->d_nameunit))
		return (ENAMETOOLONG);
	if (dp->d_descr == NULL)
		dp->d_descr = "disk";
	mtx_init(&dp->d_mtx, "disk", MTX_SPIN);
	dp->d_opens = dp->d_writers = 0;
	dp->d_inflight = 0;
	dp->d_gone = false;
	memset(dp->d_stats, 0, sizeof(dp->d_stats));
	error = 0;
	mtx_lock(&disk_list_mtx);
	if (disk_lookup(dp->d_nameunit) != NULL)
		error = EEXIST;
	else
		LIST_INSERT_HEAD(&disk_list, dp, d_link);
	mtx_unlock(&disk_list_mtx);
	return (error);
}

/* No new requests from now on: they fail with ENXIO; so do opens. */
void
disk_gone(struct disk *dp)
{
	mtx_lock_spin(&dp->d_mtx);
	dp->d_gone = true;
	mtx_unlock_spin(&dp->d_mtx);
}

/*
 * Unregister and free a disk: EBUSY while it is open or a request is in
 * flight (the struct is then untouched and still registered).
 */
int
disk_destroy(struct disk *dp)
{
	int error = 0;

	mtx_lock(&disk_list_mtx);
	mtx_lock_spin(&dp->d_mtx);
	if (dp->d_opens > 0 || dp->d_inflight > 0)
		error = EBUSY;
	else
		dp->d_gone = true;
	mtx_unlock_spin(&dp->d_mtx);
	if (error == 0)
		LIST_REMOVE(dp, d_link);
	mtx_unlock(&disk_list_mtx);
	if (error == 0) {
		mtx_destroy(&dp->d_mtx);
		free(dp, M_DISK);
	}
	return (error);
}

/*
 * Open a disk by name for DISK_READ and/or DISK_WRITE.  ENOENT: no such
 * disk; ENXIO: it is going away; EROFS: writing a read-only disk.
 */
int
disk_open(const char *nameunit, int mode, struct disk **dpp)
{
	struct disk *dp;
	int error = 0;

	if ((mode & ~(DISK_READ | DISK_WRITE)) != 0 || mode == 0)
		return (EINVAL);
	mtx_lock(&disk_list_mtx);
	if ((dp = disk_lookup(nameunit)) == NULL)
		error = ENOENT;
	else {
		mtx_lock_spin(&dp->d_mtx);
		if (dp->d_gone)
			error = ENXIO;
		else if ((mode & DISK_WRITE) != 0 &&
		    (dp->d_flags & DISKFLAG_WRITE_PROTECT) != 0)
			error = EROFS;
		else {
			dp->d_opens++;
			if ((mode & DISK_WRITE) != 0)
				dp->d_writers++;
		}
		mtx_unlock_spin(&dp->d_mtx);
	}
	mtx_unlock(&disk_list_mtx);
	if (error == 0)
		*dpp = dp;
	return (error);
}

void
disk_close(struct disk *dp, int mode)
{
	mtx_lock_spin(&dp->d_mtx);
	KASSERT(dp->d_opens > 0, ("disk_close: %s not open",
	    dp->d_nameunit));
	dp->d_opens--;
	if ((mode & DISK_WRITE) != 0)
		dp->d_writers--;
	mtx_unlock_spin(&dp->d_mtx);
	/* A detach may be waiting for the last close. */
	wakeup(dp);
}

/* Call fn for each disk, with the list locked, until it returns nonzero. */
int
disk_foreach(int (*fn)(struct disk *, void *), void *arg)
{
	struct disk *dp;
	int error = 0;

	mtx_lock(&disk_list_mtx);
	LIST_FOREACH(dp, &disk_list, d_link)
		if ((error = fn(dp, arg)) != 0)
			break;
	mtx_unlock(&disk_list_mtx);
	return (error);
}

/* Is the request one this disk can take?  0 or the errno it fails with. */
static int
disk_check(struct disk *dp, struct bio *bp)
{
	uint64_t end;

	switch (bp->bio_cmd) {
	case BIO_FLUSH:
		if ((dp->d_flags & DISKFLAG_CANFLUSHCACHE) == 0)
			return (EOPNOTSUPP);
		if (bp->bio_length != 0)
			return (EINVAL);
		return (0);
	case BIO_DELETE:
		if ((dp->d_flags & DISKFLAG_CANDELETE) == 0)
			return (EOPNOTSUPP);
		break;
	case BIO_READ:
	case BIO_WRITE:
		if (bp->bio_data == NULL ||
		    (uintptr_t)bp->bio_data % dp->d_sectorsize != 0)
			return (EINVAL);
		break;
	default:
		return (EINVAL);
	}
	if (bp->bio_length == 0 || bp->bio_offset < 0 ||
	    bp->bio_length % dp->d_sectorsize != 0 ||
	    bp->bio_offset % dp->d_sectorsize != 0)
		return (EINVAL);
	end = (uint64_t)bp->bio_offset + bp->bio_length;
	if (end < bp->bio_length || end > (uint64_t)dp->d_mediasize)
		return (EINVAL);
	if (bp->bio_cmd != BIO_READ &&
	    (dp->d_flags & DISKFLAG_WRITE_PROTECT) != 0)
		return (EROFS);
	return (0);
}

/* The caller's request is finished: account for it, then tell the caller. */
static void
disk_finish(struct bio *bp)
{
	struct disk *dp = bp->bio_disk;
	struct disk_stats *ds;
	uint64_t now = nanouptime_ns();

	mtx_lock_spin(&dp->d_mtx);
	ds = &dp->d_stats[bp->bio_cmd - 1];
	if (bp->bio_error != 0)
		ds->ds_errors++;
	else
		ds->ds_ops++;
	if (bp->bio_resid <= bp->bio_length)
		ds->ds_bytes += bp->bio_length - bp->bio_resid;
	if ((bp->bio_flags & BIOF_STARTED) != 0 && now >= bp->bio_t0)
		ds->ds_time_ns += now - bp->bio_t0;
	bp->bio_flags |= BIOF_DONE;
	mtx_unlock_spin(&dp->d_mtx);
	if (bp->bio_done != NULL)
		bp->bio_done(bp);
}

/* Hand one request to the driver, unless the disk is going away. */
static void
disk_start(struct disk *dp, struct bio *bp)
{
	bool gone;

	mtx_lock_spin(&dp->d_mtx);
	gone = dp->d_gone;
	dp->d_inflight++;
	mtx_unlock_spin(&dp->d_mtx);
	if (gone) {
		bp->bio_error = ENXIO;
		bp->bio_resid = bp->bio_length;
		biodone(bp);
		return;
	}
	dp->d_strategy(bp);
}

/*
 * Split a read or write longer than d_maxsize.  Every piece is allocated
 * before the first goes out, so a failure leaves nothing half-sent.
 */
static void
disk_split(struct disk *dp, struct bio *bp)
{
	struct bio **kids;
	u_int i, n;
	size_t off;

	n = howmany(bp->bio_length, dp->d_maxsize);
	kids = malloc(n * sizeof(*kids), M_DISK, M_NOWAIT | M_ZERO);
	if (kids == NULL)
		goto nomem;
	for (i = 0; i < n; i++)
		if ((kids[i] = malloc(sizeof(struct bio), M_DISK,
		    M_NOWAIT | M_ZERO)) == NULL)
			goto nomem;
	bp->bio_children = n;
	for (i = 0, off = 0; i < n; i++, off += dp->d_maxsize) {
		kids[i]->bio_cmd = bp->bio_cmd;
		kids[i]->bio_offset = bp->bio_offset + (off_t)off;
		kids[i]->bio_length = MIN(dp->d_maxsize, bp->bio_length - off);
		kids[i]->bio_data = (char *)bp->bio_data + off;
		kids[i]->bio_disk = dp;
		kids[i]->bio_parent = bp;
	}
	for (i = 0; i < n; i++)
		disk_start(dp, kids[i]);
	free(kids, M_DISK);
	return;
nomem:
	if (kids != NULL) {
		for (i = 0; i < n; i++)
			free(kids[i], M_DISK);
		free(kids, M_DISK);
	}
	bp->bio_error = ENOMEM;
	bp->bio_resid = bp->bio_length;
	disk_finish(bp);
}

/*
 * Send a request to a disk (any context that may call the driver's
 * strategy method; not an event handler).  The outcome always comes
 * through bp->bio_done, possibly before bio_submit returns.
 */
void
bio_submit(struct disk *dp, struct bio *bp)
{
	int error;

	bp->bio_disk = dp;
	bp->bio_flags = 0;
	bp->bio_error = 0;
	bp->bio_resid = 0;
	bp->bio_parent = NULL;
	bp->bio_children = 0;
	if (bp->bio_cmd < 1 || bp->bio_cmd > BIO_NCMDS) {
		/* Nothing to count it under. */
		bp->bio_error = EINVAL;
		bp->bio_resid = bp->bio_length;
		bp->bio_flags |= BIOF_DONE;
		if (bp->bio_done != NULL)
			bp->bio_done(bp);
		return;
	}
	if ((error = disk_check(dp, bp)) != 0) {
		bp->bio_error = error;
		bp->bio_resid = bp->bio_length;
		disk_finish(bp);
		return;
	}
	bp->bio_t0 = nanouptime_ns();
	bp->bio_flags |= BIOF_STARTED;
	if ((bp->bio_cmd == BIO_READ || bp->bio_cmd == BIO_WRITE) &&
	    bp->bio_length > dp->d_maxsize)
		disk_split(dp, bp);
	else
		disk_start(dp, bp);
}

/*
 * The driver is done with a request it was given (any context; events
 * may be masked).  bio_error and bio_resid say how it went.
 */
void
biodone(struct bio *bp)
{
	struct disk *dp = bp->bio_disk;
	struct bio *parent = bp->bio_parent;
	bool last = false;

	mtx_lock_spin(&dp->d_mtx);
	KASSERT(dp->d_inflight > 0, ("biodone: %s: nothing in flight",
	    dp->d_nameunit));
	dp->d_inflight--;
	if (parent != NULL) {
		if (bp->bio_error != 0 && parent->bio_error == 0)
			parent->bio_error = bp->bio_error;
		if (bp->bio_resid <= bp->bio_length)
			parent->bio_resid += bp->bio_resid;
		else
			parent->bio_resid += bp->bio_length;
		last = --parent->bio_children == 0;
	}
	mtx_unlock_spin(&dp->d_mtx);
	if (parent == NULL) {
		disk_finish(bp);
		return;
	}
	free(bp, M_DISK);
	if (last)
		disk_finish(parent);
}

static void
bio_wait_done(struct bio *bp)
{
	wakeup(bp);
}

/*
 * Submit and sleep until the request is finished (thread context).  The
 * wait ends because the driver completes every request it accepts, also
 * when its device goes away.  Returns bio_error.
 */
int
bio_submit_wait(struct disk *dp, struct bio *bp)
{
	register_t s;

	bp->bio_done = bio_wait_done;
	bio_submit(dp, bp);
	/* Events masked: the completion cannot slip between test and sleep. */
	s = intr_disable();
	while ((bp->bio_flags & BIOF_DONE) == 0)
		(void)tsleep(bp, 0, "biowait", 0);
	intr_restore(s);
	return (bp->bio_error);
}

/* sysctl kern.disk.<name>.*: each disk's geometry, state and counters. */
static int
disk_sysctl(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	static const char *const stat_names[] = {
		"ops", "bytes", "errors", "time_ns"
	};
	struct disk_stats ds;
	struct disk *dp;
	char name[64];
	u_long v[4];
	int cmd, j, opens;
	u_int inflight;

	mtx_lock(&disk_list_mtx);
	LIST_FOREACH(dp, &disk_list, d_link) {
		snprintf(name, sizeof(name), "%s.descr", dp->d_nameunit);
		(void)sysctl_emit(req, name, "%s", dp->d_descr);
		snprintf(name, sizeof(name), "%s.sectorsize", dp->d_nameunit);
		(void)sysctl_emit(req, name, "%u", dp->d_sectorsize);
		snprintf(name, sizeof(name), "%s.mediasize", dp->d_nameunit);
		(void)sysctl_emit(req, name, "%ld", (long)dp->d_mediasize);
		snprintf(name, sizeof(name), "%s.maxsize", dp->d_nameunit);
		(void)sysctl_emit(req, name, "%lu", (u_long)dp->d_maxsize);
		snprintf(name, sizeof(name), "%s.flags", dp->d_nameunit);
		(void)sysctl_emit(req, name, "0x%x", dp->d_flags);
		mtx_lock_spin(&dp->d_mtx);
		opens = dp->d_opens;
		inflight = dp->d_inflight;
		mtx_unlock_spin(&dp->d_mtx);
		snprintf(name, sizeof(name), "%s.opens", dp->d_nameunit);
		(void)sysctl_emit(req, name, "%d", opens);
		snprintf(name, sizeof(name), "%s.inflight", dp->d_nameunit);
		(void)sysctl_emit(req, name, "%u", inflight);
		for (cmd = BIO_READ; cmd <= BIO_NCMDS; cmd++) {
			mtx_lock_spin(&dp->d_mtx);
			ds = dp->d_stats[cmd - 1];
			mtx_unlock_spin(&dp->d_mtx);
			v[0] = ds.ds_ops;
			v[1] = ds.ds_bytes;
			v[2] = ds.ds_errors;
			v[3] = ds.ds_time_ns;
			for (j = 0; j < 4; j++) {
				snprintf(name, sizeof(name), "%s.%s.%s",
				    dp->d_nameunit, bio_cmdname(cmd),
				    stat_names[j]);
				(void)sysctl_emit(req, name, "%lu", v[j]);
			}
		}
	}
	mtx_unlock(&disk_list_mtx);
	return (0);
}
SYSCTL_PROC(_kern, disk, disk_sysctl, NULL, 0,
    "disks: geometry, opens, requests in flight, per-command counters");
