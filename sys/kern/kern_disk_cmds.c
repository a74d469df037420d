/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The console monitor's disk commands (monitor(8)), so a person can use a
 * disk(9) before there is a userland: diskinfo, diskread (hex dump),
 * diskwrite and diskverify (a pattern), diskflush and diskbench.
 *
 * Everything goes through the disk layer: a command opens the disk by
 * name, sends bio(9) requests and closes it again, so it works for any
 * disk driver and exercises the same path a file system would.  The
 * commands run in the monitor's thread and wait for their requests;
 * their requests complete because the driver completes every request it
 * accepts (with EIO when its device goes away).
 *
 * The pattern: every 16-byte unit of the disk at byte offset o holds the
 * text "%04x%011x\n" of (seed, o), so a pattern written here can be made
 * with awk in dom0 and compared byte for byte, and the other way round.
 *
 * diskbench prints one figure per line as "diskbench DISK MODE KEY VALUE"
 * (a fixed format for scripts; see monitor(8)).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/timetc.h>
#include <sys/bio.h>
#include <sys/disk.h>
#include <sys/monitor.h>
#include <machine/cpufunc.h>

static MALLOC_DEFINE(M_DISKCMD, "diskcmd", "the monitor's disk commands");

#define	DC_U64MAX	(~(uint64_t)0)
#define	DC_MAXIO	(1024 * 1024)	/* one request, at most */
#define	DC_MAXDUMP	4096		/* diskread prints at most this */
#define	DC_MAXQD	64
#define	DC_MAXOPS	65536		/* diskbench requests per run */
#define	DC_MAXBUF	(8 * 1024 * 1024) /* diskbench buffers, in all */

/* A number: decimal or 0x hex, with an optional k, m or g (binary). */
static int
dc_number(const char *s, uint64_t *vp)
{
	uint64_t v = 0, mult = 1, d;
	u_int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return (EINVAL);
	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (v > (DC_U64MAX - d) / base)
			return (ERANGE);
		v = v * base + d;
	}
	switch (*s) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1024;
		break;
	case 'm': case 'M':
		mult = 1024 * 1024;
		break;
	case 'g': case 'G':
		mult = 1024 * 1024 * 1024;
		break;
	default:
		return (EINVAL);
	}
	if (*s != '\0' && s[1] != '\0')
		return (EINVAL);
	if (v > DC_U64MAX / mult)
		return (ERANGE);
	*vp = v * mult;
	return (0);
}

/* "usage: diskread disk offset length" and EINVAL. */
static int
dc_usage(const char *cmd)
{
	const struct mon_cmd *mc = mon_lookup(cmd);

	if (mc != NULL)
		mon_printf("usage: %s %s\n", mc->mc_name, mc->mc_usage);
	return (EINVAL);
}

static int
dc_open(const char *name, int mode, struct disk **dpp)
{
	int error;

	if ((error = disk_open(name, mode, dpp)) != 0)
		mon_printf("%s: cannot open: error %d\n", name, error);
	return (error);
}

/* A buffer for n bytes, page-aligned (so aligned to any sector size). */
static void *
dc_alloc(size_t n)
{
	return (malloc(round_page(n), M_DISKCMD, M_WAITOK | M_ZERO));
}

/* One synchronous request; prints what failed. */
static int
dc_io(struct disk *dp, int cmd, uint64_t off, size_t len, void *data)
{
	struct bio b;
	int error;

	memset(&b, 0, sizeof(b));
	b.bio_cmd = cmd;
	b.bio_offset = (off_t)off;
	b.bio_length = len;
	b.bio_data = data;
	if ((error = bio_submit_wait(dp, &b)) != 0)
		mon_printf("%s: %s of %lu bytes at %lu: error %d\n",
		    dp->d_nameunit, bio_cmdname(cmd), (u_long)len, (u_long)off,
		    error);
	return (error);
}

/* The 16-byte pattern unit at disk offset o (a multiple of 16). */
static void
dc_pattern(char *p, u_int seed, uint64_t o)
{
	char tmp[20];

	snprintf(tmp, sizeof(tmp), "%04x%011lx\n", seed & 0xffff,
	    (u_long)(o & 0xfffffffffffUL));
	memcpy(p, tmp, 16);
}

static int
dc_print_disk(struct disk *dp, void *arg)
{
	const char *want = arg;
	int opens;

	if (want != NULL && strcmp(want, dp->d_nameunit) != 0)
		return (0);
	mtx_lock_spin(&dp->d_mtx);
	opens = dp->d_opens;
	mtx_unlock_spin(&dp->d_mtx);
	mon_printf("%s: <%s> %ld bytes (%ld MiB), %ld sectors of %u, "
	    "max request %lu%s%s%s, open %d\n", dp->d_nameunit, dp->d_descr,
	    (long)dp->d_mediasize, (long)(dp->d_mediasize >> 20),
	    (long)(dp->d_mediasize / dp->d_sectorsize), dp->d_sectorsize,
	    (u_long)dp->d_maxsize,
	    (dp->d_flags & DISKFLAG_WRITE_PROTECT) != 0 ? ", read-only" : "",
	    (dp->d_flags & DISKFLAG_CANFLUSHCACHE) != 0 ? ", flush" : "",
	    (dp->d_flags & DISKFLAG_CANDELETE) != 0 ? ", delete" : "",
	    opens);
	return (want != NULL ? 1 : 0);
}

MONITOR_COMMAND(diskinfo, "[disk]", "describe the disks, or one disk")
{
	if (argc > 2)
		return (dc_usage(argv[0]));
	if (disk_foreach(dc_print_disk, argc == 2 ? argv[1] : NULL) == 0 &&
	    argc == 2) {
		mon_printf("%s: no such disk\n", argv[1]);
		return (ENOENT);
	}
	return (0);
}

/* Parse "disk offset length" (argv[1..3]); length at most max. */
static int
dc_range(char **argv, uint64_t max, uint64_t *offp, uint64_t *lenp)
{
	if (dc_number(argv[2], offp) != 0 || dc_number(argv[3], lenp) != 0 ||
	    *lenp == 0 || *lenp > max) {
		mon_printf("bad offset or length (at most %lu bytes)\n",
		    (u_long)max);
		return (EINVAL);
	}
	return (0);
}

MONITOR_COMMAND(diskread, "disk offset length",
    "print a range of a disk in hex")
{
	struct disk *dp;
	uint64_t off, len, i, j, start, end;
	uint8_t *buf, *p;
	char line[80];
	int error, n;

	if (argc != 4)
		return (dc_usage(argv[0]));
	if ((error = dc_range(argv, DC_MAXDUMP, &off, &len)) != 0)
		return (error);
	if ((error = dc_open(argv[1], DISK_READ, &dp)) != 0)
		return (error);
	/* Whole sectors around the range; only the range is shown. */
	start = rounddown(off, (uint64_t)dp->d_sectorsize);
	end = roundup(off + len, (uint64_t)dp->d_sectorsize);
	buf = dc_alloc(end - start);
	if ((error = dc_io(dp, BIO_READ, start, end - start, buf)) == 0) {
		p = buf + (off - start);
		for (i = 0; i < len; i += 16) {
			n = snprintf(line, sizeof(line), "%08lx ",
			    (u_long)(off + i));
			for (j = i; j < i + 16; j++)
				n += snprintf(line + n, sizeof(line) - n,
				    j < len ? " %02x" : "   ", p[j]);
			n += snprintf(line + n, sizeof(line) - n, "  |");
			for (j = i; j < i + 16 && j < len; j++)
				line[n++] = p[j] >= ' ' && p[j] <= '~' ?
				    p[j] : '.';
			line[n++] = '|';
			line[n] = '\0';
			mon_printf("%s\n", line);
		}
	}
	free(buf, M_DISKCMD);
	disk_close(dp, DISK_READ);
	return (error);
}

/* Write or check the pattern over [off, off+len), a request at a time. */
static int
dc_pattern_range(struct disk *dp, bool write, uint64_t off, uint64_t len,
    u_int seed, uint64_t *badp)
{
	uint64_t done, o, chunk;
	uint8_t *buf;
	char want[16];
	size_t i;
	int error = 0;

	*badp = DC_U64MAX;
	chunk = MIN(len, (uint64_t)DC_MAXIO);
	buf = dc_alloc(chunk);
	for (done = 0; done < len && error == 0; done += chunk) {
		chunk = MIN(len - done, (uint64_t)DC_MAXIO);
		if (write) {
			for (o = 0; o < chunk; o += 16)
				dc_pattern((char *)buf + o, seed, off + done + o);
			error = dc_io(dp, BIO_WRITE, off + done, chunk, buf);
			continue;
		}
		if ((error = dc_io(dp, BIO_READ, off + done, chunk, buf)) != 0)
			break;
		for (o = 0; o < chunk; o += 16) {
			dc_pattern(want, seed, off + done + o);
			if (memcmp(buf + o, want, 16) == 0)
				continue;
			for (i = 0; i < 16 && buf[o + i] == (uint8_t)want[i];
			    i++)
				;
			*badp = off + done + o + i;
			error = EIO;
			break;
		}
	}
	free(buf, M_DISKCMD);
	return (error);
}

/* Parse "disk offset length seed" for the pattern commands. */
static int
dc_pattern_args(int argc, char **argv, uint64_t *offp, uint64_t *lenp,
    u_int *seedp)
{
	uint64_t seed;

	if (argc != 5)
		return (dc_usage(argv[0]));
	if (dc_range(argv, (uint64_t)1 << 40, offp, lenp) != 0)
		return (EINVAL);
	if (dc_number(argv[4], &seed) != 0 || seed > 0xffff ||
	    *offp % 16 != 0 || *lenp % 16 != 0) {
		mon_printf("the seed is 0-0xffff; offset and length are "
		    "multiples of 16\n");
		return (EINVAL);
	}
	*seedp = (u_int)seed;
	return (0);
}

MONITOR_COMMAND(diskwrite, "disk offset length seed",
    "write the test pattern of seed over a range")
{
	struct disk *dp;
	uint64_t off, len, bad;
	u_int seed;
	int error;

	if ((error = dc_pattern_args(argc, argv, &off, &len, &seed)) != 0)
		return (error);
	if ((error = dc_open(argv[1], DISK_READ | DISK_WRITE, &dp)) != 0)
		return (error);
	error = dc_pattern_range(dp, true, off, len, seed, &bad);
	disk_close(dp, DISK_READ | DISK_WRITE);
	if (error == 0)
		mon_printf("diskwrite: %s: wrote %lu bytes at %lu, seed 0x%04x\n",
		    argv[1], (u_long)len, (u_long)off, seed);
	return (error);
}

MONITOR_COMMAND(diskverify, "disk offset length seed",
    "check a range against the test pattern of seed")
{
	struct disk *dp;
	uint64_t off, len, bad;
	u_int seed;
	int error;

	if ((error = dc_pattern_args(argc, argv, &off, &len, &seed)) != 0)
		return (error);
	if ((error = dc_open(argv[1], DISK_READ, &dp)) != 0)
		return (error);
	error = dc_pattern_range(dp, false, off, len, seed, &bad);
	disk_close(dp, DISK_READ);
	if (error == 0)
		mon_printf("diskverify: %s: %lu bytes at %lu match seed "
		    "0x%04x\n", argv[1], (u_long)len, (u_long)off, seed);
	else if (bad != DC_U64MAX)
		mon_printf("diskverify: %s: mismatch at byte %lu\n", argv[1],
		    (u_long)bad);
	return (error);
}

MONITOR_COMMAND(diskflush, "disk", "flush a disk's write cache")
{
	struct disk *dp;
	int error;

	if (argc != 2)
		return (dc_usage(argv[0]));
	if ((error = dc_open(argv[1], DISK_READ | DISK_WRITE, &dp)) != 0)
		return (error);
	error = dc_io(dp, BIO_FLUSH, 0, 0, NULL);
	disk_close(dp, DISK_READ | DISK_WRITE);
	if (error == 0)
		mon_printf("diskflush: %s: flushed\n", argv[1]);
	return (error);
}

/*
 * diskbench: keep qd requests of bs bytes in flight until ops have been
 * sent; sequential ones walk the disk from offset 0 (wrapping), random
 * ones go to bs-aligned offsets from a fixed generator.  Completions
 * (event context) record each request's latency and hand its slot back.
 * A total of 0 means "until a request fails": the run goes on, with no
 * bound, until its disk goes away under it (a detach test's load); the
 * latencies of its first DC_MAXOPS requests are kept.
 */
struct dc_bench {
	struct disk	*db_disk;
	struct bio	 db_bio[DC_MAXQD];
	uint64_t	 db_t0[DC_MAXQD];
	u_int		 db_free[DC_MAXQD];	/* [e] free slots */
	u_int		 db_nfree;		/* [e] */
	u_int		*db_lat;		/* [e] per request, us */
	u_int		 db_nlat;		/* [e] */
	u_int		 db_maxlat;		/* [I] room in db_lat */
	u_int		 db_errors;		/* [e] */
	int		 db_first_error;	/* [e] */
};

static void
dc_bench_done(struct bio *bp)
{
	struct dc_bench *db = bp->bio_caller1;
	u_int slot = (u_int)(uintptr_t)bp->bio_caller2;
	uint64_t us = (nanouptime_ns() - db->db_t0[slot]) / 1000;

	if (bp->bio_error != 0) {
		if (db->db_errors++ == 0)
			db->db_first_error = bp->bio_error;
	}
	if (db->db_nlat < db->db_maxlat)
		db->db_lat[db->db_nlat++] = us > UINT_MAX ? UINT_MAX :
		    (u_int)us;
	db->db_free[db->db_nfree++] = slot;
	wakeup(db);
}

static void
dc_sift(u_int *a, u_int i, u_int n)
{
	u_int c, t;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && a[c + 1] > a[c])
			c++;
		if (a[i] >= a[c])
			break;
		t = a[i];
		a[i] = a[c];
		a[c] = t;
		i = c;
	}
}

static void
dc_sort(u_int *a, u_int n)
{
	u_int i, t;

	for (i = n / 2; i > 0; i--)
		dc_sift(a, i - 1, n);
	for (i = n; i > 1; i--) {
		t = a[0];
		a[0] = a[i - 1];
		a[i - 1] = t;
		dc_sift(a, 0, i - 1);
	}
}

static u_int
dc_pct(const u_int *a, u_int n, u_int pct)
{
	u_int i;

	if (n == 0)
		return (0);
	i = (u_int)(((uint64_t)n * pct + 99) / 100);
	return (a[i == 0 ? 0 : i - 1]);
}

MONITOR_COMMAND(diskbench, "disk seqread|seqwrite|randread|randwrite "
    "bs qd total|0", "measure a disk: MB/s, IOPS, latency percentiles")
{
	struct dc_bench *db;
	struct disk *dp;
	const char *mode;
	uint64_t bs, qd, total, nops, sent, off, span, rnd, t0, ns;
	uint8_t *bufs;
	bool write, seq, untilerr;
	register_t s;
	u_int slot, i;
	int error, omode;

	if (argc != 6)
		return (dc_usage(argv[0]));
	mode = argv[2];
	if (strcmp(mode, "seqread") == 0 || strcmp(mode, "seqwrite") == 0)
		seq = true;
	else if (strcmp(mode, "randread") == 0 ||
	    strcmp(mode, "randwrite") == 0)
		seq = false;
	else
		return (dc_usage(argv[0]));
	write = strcmp(mode + (seq ? 3 : 4), "write") == 0;
	if (dc_number(argv[3], &bs) != 0 || dc_number(argv[4], &qd) != 0 ||
	    dc_number(argv[5], &total) != 0 || bs == 0 || bs > DC_MAXIO ||
	    qd == 0 || qd > DC_MAXQD || (total != 0 && total < bs)) {
		mon_printf("diskbench: bs 1..%u bytes, qd 1..%u, total >= bs "
		    "or 0\n", DC_MAXIO, DC_MAXQD);
		return (EINVAL);
	}
	if (round_page(bs) * qd > DC_MAXBUF) {
		mon_printf("diskbench: bs * qd at most %u bytes\n", DC_MAXBUF);
		return (EINVAL);
	}
	untilerr = total == 0;
	nops = untilerr ? DC_U64MAX : total / bs;
	if (!untilerr && nops > DC_MAXOPS) {
		mon_printf("diskbench: at most %u requests a run\n",
		    DC_MAXOPS);
		return (EINVAL);
	}
	omode = write ? DISK_READ | DISK_WRITE : DISK_READ;
	if ((error = dc_open(argv[1], omode, &dp)) != 0)
		return (error);
	if (bs % dp->d_sectorsize != 0 || (uint64_t)dp->d_mediasize < bs) {
		mon_printf("diskbench: bs must be a multiple of %u and fit\n",
		    dp->d_sectorsize);
		disk_close(dp, omode);
		return (EINVAL);
	}
	db = malloc(sizeof(*db), M_DISKCMD, M_WAITOK | M_ZERO);
	db->db_maxlat = untilerr ? DC_MAXOPS : (u_int)nops;
	db->db_lat = malloc(db->db_maxlat * sizeof(u_int), M_DISKCMD,
	    M_WAITOK);
	bufs = dc_alloc(round_page(bs) * qd);
	db->db_disk = dp;
	for (i = 0; i < qd; i++)
		db->db_free[db->db_nfree++] = (u_int)(qd - 1 - i);
	span = (uint64_t)dp->d_mediasize / bs;
	rnd = 0x9e3779b97f4a7c15ULL;
	t0 = nanouptime_ns();
	s = intr_disable();
	for (sent = 0;;) {
		if (untilerr && db->db_errors != 0)
			nops = sent;	/* the disk failed: wind down */
		if (sent == nops && db->db_nfree == qd)
			break;
		if (sent == nops || db->db_nfree == 0) {
			(void)tsleep(db, 0, "diskbench", 0);
			continue;
		}
		slot = db->db_free[--db->db_nfree];
		if (seq)
			off = (sent % span) * bs;
		else {
			rnd ^= rnd << 13;
			rnd ^= rnd >> 7;
			rnd ^= rnd << 17;
			off = (rnd % span) * bs;
		}
		sent++;
		intr_restore(s);
		memset(&db->db_bio[slot], 0, sizeof(struct bio));
		db->db_bio[slot].bio_cmd = write ? BIO_WRITE : BIO_READ;
		db->db_bio[slot].bio_offset = (off_t)off;
		db->db_bio[slot].bio_length = bs;
		db->db_bio[slot].bio_data = bufs + round_page(bs) * slot;
		db->db_bio[slot].bio_done = dc_bench_done;
		db->db_bio[slot].bio_caller1 = db;
		db->db_bio[slot].bio_caller2 = (void *)(uintptr_t)slot;
		db->db_t0[slot] = nanouptime_ns();
		bio_submit(dp, &db->db_bio[slot]);
		s = intr_disable();
	}
	intr_restore(s);
	ns = nanouptime_ns() - t0;
	if (ns == 0)
		ns = 1;
	dc_sort(db->db_lat, db->db_nlat);
#define	DB_LINE(key, fmt, ...)						\
	mon_printf("diskbench %s %s " key " " fmt "\n", argv[1], mode,	\
	    __VA_ARGS__)
	DB_LINE("bs", "%lu", (u_long)bs);
	DB_LINE("qd", "%lu", (u_long)qd);
	DB_LINE("ops", "%lu", (u_long)nops);
	DB_LINE("bytes", "%lu", (u_long)(nops * bs));
	DB_LINE("errors", "%u", db->db_errors);
	DB_LINE("first_error", "%d", db->db_first_error);
	DB_LINE("time_us", "%lu", (u_long)(ns / 1000));
	/* MB/s = 10^6 bytes a second, with two decimals. */
	DB_LINE("MBps", "%lu.%02lu",
	    (u_long)(nops * bs * 1000 / ns),
	    (u_long)(nops * bs * 100000 / ns % 100));
	DB_LINE("IOPS", "%lu", (u_long)(nops * 1000000000ULL / ns));
	DB_LINE("lat_p50_us", "%u", dc_pct(db->db_lat, db->db_nlat, 50));
	DB_LINE("lat_p90_us", "%u", dc_pct(db->db_lat, db->db_nlat, 90));
	DB_LINE("lat_p99_us", "%u", dc_pct(db->db_lat, db->db_nlat, 99));
	DB_LINE("lat_max_us", "%u", dc_pct(db->db_lat, db->db_nlat, 100));
#undef DB_LINE
	error = db->db_errors != 0 ? db->db_first_error : 0;
	free(bufs, M_DISKCMD);
	free(db->db_lat, M_DISKCMD);
	free(db, M_DISKCMD);
	disk_close(dp, omode);
	return (error);
}

/*
 * diskstress: cover [offset, offset+length) with pieces of random size (1
 * to 32 sectors), write the pattern into them in random order with qd
 * requests in flight, then read them back in another random order, again
 * qd deep, and check each.  Buffers start at random sector offsets in
 * their pages, so requests cross page boundaries.  The pattern depends
 * only on the disk offset, so the order of completion does not matter.
 */
struct dc_piece {
	uint64_t	 dp_off;
	uint32_t	 dp_len;
};

struct dc_stress {
	struct bio	 ds_bio[DC_MAXQD];
	u_int		 ds_done[DC_MAXQD];	/* [e] finished slots */
	u_int		 ds_ndone;		/* [e] */
};

static void
dc_stress_done(struct bio *bp)
{
	struct dc_stress *ds = bp->bio_caller1;

	ds->ds_done[ds->ds_ndone++] = (u_int)(uintptr_t)bp->bio_caller2;
	wakeup(ds);
}

static uint64_t
dc_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

/* One pass over the pieces; returns the errors, *badp the first bad byte. */
static u_int
dc_stress_pass(struct disk *dp, struct dc_stress *ds, struct dc_piece *pc,
    u_int n, u_int qd, bool write, u_int seed, uint8_t **bufs,
    uint64_t *badp, u_int *mismatchp)
{
	struct bio *bp;
	register_t s;
	u_int next = 0, inflight = 0, slot, i, errors = 0, k;
	uint64_t o;
	char want[16];

	for (slot = 0; slot < qd; slot++)
		ds->ds_done[slot] = slot;
	ds->ds_ndone = qd;
	s = intr_disable();
	while (next < n || inflight > 0) {
		if (ds->ds_ndone == 0) {
			(void)tsleep(ds, 0, "diskstress", 0);
			continue;
		}
		slot = ds->ds_done[--ds->ds_ndone];
		intr_restore(s);
		bp = &ds->ds_bio[slot];
		if (bp->bio_cmd != 0) {
			/* A finished request: check it. */
			inflight--;
			if (bp->bio_error != 0)
				errors++;
			else if (bp->bio_cmd == BIO_READ) {
				for (o = 0; o < bp->bio_length; o += 16) {
					dc_pattern(want, seed,
					    (uint64_t)bp->bio_offset + o);
					if (memcmp(bufs[slot] + o, want, 16) == 0)
						continue;
					for (k = 0; k < 16 &&
					    bufs[slot][o + k] == (uint8_t)want[k];
					    k++)
						;
					if ((*mismatchp)++ == 0)
						*badp = (uint64_t)bp->bio_offset +
						    o + k;
					break;
				}
			}
			bp->bio_cmd = 0;
		}
		if (next < n) {
			i = next++;
			memset(bp, 0, sizeof(*bp));
			bp->bio_cmd = write ? BIO_WRITE : BIO_READ;
			bp->bio_offset = (off_t)pc[i].dp_off;
			bp->bio_length = pc[i].dp_len;
			bp->bio_data = bufs[slot];
			bp->bio_done = dc_stress_done;
			bp->bio_caller1 = ds;
			bp->bio_caller2 = (void *)(uintptr_t)slot;
			if (write)
				for (o = 0; o < pc[i].dp_len; o += 16)
					dc_pattern((char *)bufs[slot] + o, seed,
					    pc[i].dp_off + o);
			else
				memset(bufs[slot], 0, pc[i].dp_len);
			inflight++;
			bio_submit(dp, bp);
		}
		s = intr_disable();
	}
	intr_restore(s);
	return (errors);
}

static void
dc_shuffle(struct dc_piece *pc, u_int n, uint64_t *rnd)
{
	struct dc_piece t;
	u_int i, j;

	for (i = n; i > 1; i--) {
		j = (u_int)(dc_rand(rnd) % i);
		t = pc[i - 1];
		pc[i - 1] = pc[j];
		pc[j] = t;
	}
}

MONITOR_COMMAND(diskstress, "disk offset length qd seed",
    "write the pattern in random pieces qd deep, read back and check")
{
	struct dc_stress *ds;
	struct dc_piece *pc;
	struct disk *dp;
	uint64_t off, len, qd, seed, rnd, o, bad = 0, slotsz, piece;
	uint8_t *mem, *bufs[DC_MAXQD];
	u_int n, maxn, i, werr, rerr, mismatch = 0, ss;
	int error;

	if (argc != 6)
		return (dc_usage(argv[0]));
	if (dc_range(argv, (uint64_t)1 << 30, &off, &len) != 0 ||
	    dc_number(argv[4], &qd) != 0 || qd == 0 || qd > DC_MAXQD ||
	    dc_number(argv[5], &seed) != 0 || seed > 0xffff)
		return (dc_usage(argv[0]));
	if ((error = dc_open(argv[1], DISK_READ | DISK_WRITE, &dp)) != 0)
		return (error);
	ss = dp->d_sectorsize;
	slotsz = 32 * (uint64_t)ss;
	if (off % ss != 0 || len % ss != 0 || (slotsz + PAGE_SIZE) * qd >
	    DC_MAXBUF) {
		mon_printf("diskstress: offset and length in whole %u-byte "
		    "sectors; qd * %lu bytes at most %u\n", ss,
		    (u_long)(slotsz + PAGE_SIZE), DC_MAXBUF);
		disk_close(dp, DISK_READ | DISK_WRITE);
		return (EINVAL);
	}
	maxn = (u_int)(len / ss);
	pc = malloc(maxn * sizeof(*pc), M_DISKCMD, M_WAITOK);
	ds = malloc(sizeof(*ds), M_DISKCMD, M_WAITOK | M_ZERO);
	mem = dc_alloc((slotsz + PAGE_SIZE) * qd);
	rnd = 0x2545f4914f6cdd1dULL ^ (seed << 17);
	for (i = 0; i < qd; i++)
		/* Somewhere in its first page, on a sector boundary. */
		bufs[i] = mem + (slotsz + PAGE_SIZE) * i +
		    (ss < PAGE_SIZE ? (dc_rand(&rnd) % (PAGE_SIZE / ss)) * ss :
		    0);
	for (n = 0, o = off; o < off + len; n++) {
		/* Drawn once: MIN() evaluates its arguments twice. */
		piece = (1 + dc_rand(&rnd) % 32) * ss;
		pc[n].dp_off = o;
		pc[n].dp_len = (uint32_t)MIN(off + len - o, piece);
		o += pc[n].dp_len;
	}
	dc_shuffle(pc, n, &rnd);
	werr = dc_stress_pass(dp, ds, pc, n, (u_int)qd, true, (u_int)seed,
	    bufs, &bad, &mismatch);
	dc_shuffle(pc, n, &rnd);
	rerr = dc_stress_pass(dp, ds, pc, n, (u_int)qd, false, (u_int)seed,
	    bufs, &bad, &mismatch);
	disk_close(dp, DISK_READ | DISK_WRITE);
	free(mem, M_DISKCMD);
	free(ds, M_DISKCMD);
	free(pc, M_DISKCMD);
	if (werr + rerr + mismatch == 0) {
		mon_printf("diskstress: %s: %u pieces written and read back "
		    "at random, %lu deep: ok\n", argv[1], n, (u_long)qd);
		return (0);
	}
	mon_printf("diskstress: %s: %u write errors, %u read errors, %u "
	    "mismatches", argv[1], werr, rerr, mismatch);
	if (mismatch > 0)
		mon_printf(" (first at byte %lu)", (u_long)bad);
	mon_printf("\n");
	return (EIO);
}
