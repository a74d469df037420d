/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * labperf: the block and UDP load of the bench's I/O rows
 * (bench/rows/60-io.sh), run in the lab's Linux PV test guest and in
 * dom0, where neither fio nor iperf is at hand.  It does what pvbsd's
 * monitor commands diskbench, udpsrc and udpsink do, the same way, so
 * the figures compare:
 *
 * labperf disk DEV seqread|seqwrite|randread|randwrite BS COUNT [QD]
 *	COUNT requests of BS bytes with O_DIRECT so the page cache is not
 *	measured: sequential from offset 0 (wrapping), or random BS-aligned
 *	offsets.  Writes write zeros.  QD (default 1) processes issue them,
 *	each one request at a time, so up to QD are in flight: process k
 *	takes requests k, k + QD, k + 2 QD, ... (sequential offsets
 *	interleave; random ones come from a generator seeded per process).
 *	Prints "labperf disk MODE bs=B ops=N us=T MBps=X.XX IOPS=N" (with
 *	" qd=Q" before "us=" when QD > 1), the time from the start of the
 *	first process to the end of the last (writes: and one fdatasync).
 * labperf udpsrc A.B.C.D PORT SIZE SECS
 *	Sends SIZE-byte datagrams as fast as the socket takes them for SECS
 *	seconds.  Prints "labperf udpsrc size=S datagrams=N errors=E".
 * labperf udpsink PORT SECS
 *	Counts datagrams on PORT for up to SECS seconds after the first
 *	(or until none came for 2 s).  Prints "labperf udpsink
 *	datagrams=N bytes=B us=T kbps=K pps=P", the rates over first to
 *	last datagram, like pvbsd's udpsink.
 *
 * Built statically by tools/lab/mkguest.sh with the host's compiler.
 */

#define	_GNU_SOURCE
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
}

static int
usage(void)
{
	fprintf(stderr, "usage: labperf disk DEV "
	    "seqread|seqwrite|randread|randwrite BS COUNT [QD]\n"
	    "       labperf udpsrc A.B.C.D PORT SIZE SECS\n"
	    "       labperf udpsink PORT SECS\n");
	return (2);
}

/*
 * Requests k, k + qd, ... below count, one at a time; 0 or 1 (and a line
 * saying why).  The caller syncs writes once, after every process.
 */
static int
disk_run(int fd, const char *mode, int wr, int seq, void *buf, size_t bs,
    uint64_t span, uint64_t count, uint64_t k, uint64_t qd)
{
	uint64_t i, off, rnd;
	ssize_t n;

	rnd = 0x9e3779b97f4a7c15ULL ^ (k * 0xbf58476d1ce4e5b9ULL);
	for (i = k; i < count; i += qd) {
		if (seq)
			off = (i % span) * bs;
		else {
			rnd ^= rnd << 13;
			rnd ^= rnd >> 7;
			rnd ^= rnd << 17;
			off = (rnd % span) * bs;
		}
		n = wr ? pwrite(fd, buf, bs, (off_t)off) :
		    pread(fd, buf, bs, (off_t)off);
		if (n != (ssize_t)bs) {
			printf("labperf disk %s: %s at %llu: %s\n", mode,
			    wr ? "write" : "read", (unsigned long long)off,
			    n < 0 ? strerror(errno) : "short");
			return (1);
		}
	}
	return (0);
}

static int
disk(char **argv, int argc)
{
	const char *dev = argv[0], *mode = argv[1];
	size_t bs = strtoul(argv[2], NULL, 0);
	uint64_t count = strtoull(argv[3], NULL, 0), qd = 1, k, span, t0, us;
	char qds[32];
	off_t size;
	pid_t pid;
	void *buf;
	int fd, wr, seq, st, bad;

	if (argc == 5)
		qd = strtoull(argv[4], NULL, 0);
	wr = strcmp(mode, "seqwrite") == 0 || strcmp(mode, "randwrite") == 0;
	seq = strncmp(mode, "seq", 3) == 0;
	if ((strcmp(mode, "seqread") != 0 && strcmp(mode, "seqwrite") != 0 &&
	    strcmp(mode, "randread") != 0 && strcmp(mode, "randwrite") != 0) ||
	    bs == 0 || bs % 512 != 0 || count == 0 || qd == 0 || qd > 256 ||
	    qd > count)
		return (usage());
	if ((fd = open(dev, (wr ? O_WRONLY : O_RDONLY) | O_DIRECT)) < 0) {
		printf("labperf disk %s: cannot open %s: %s\n", mode, dev,
		    strerror(errno));
		return (1);
	}
	if ((size = lseek(fd, 0, SEEK_END)) <= 0 || (uint64_t)size < bs) {
		printf("labperf disk %s: %s: size %lld\n", mode, dev,
		    (long long)size);
		return (1);
	}
	span = (uint64_t)size / bs;
	if (posix_memalign(&buf, 4096, bs) != 0)
		return (1);
	memset(buf, 0, bs);
	t0 = now_us();
	if (qd == 1) {
		if (disk_run(fd, mode, wr, seq, buf, bs, span, count, 0, 1) != 0)
			return (1);
	} else {
		bad = 0;
		for (k = 0; k < qd; k++) {
			if ((pid = fork()) < 0) {
				printf("labperf disk %s: fork: %s\n", mode,
				    strerror(errno));
				bad = 1;
				break;
			}
			if (pid == 0)
				_exit(disk_run(fd, mode, wr, seq, buf, bs, span,
				    count, k, qd));
		}
		while (wait(&st) > 0)
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				bad = 1;
		if (bad)
			return (1);
	}
	if (wr && fdatasync(fd) != 0 && errno != EINVAL) {
		printf("labperf disk %s: fdatasync: %s\n", mode,
		    strerror(errno));
		return (1);
	}
	us = now_us() - t0;
	if (us == 0)
		us = 1;
	qds[0] = '\0';
	if (qd > 1)
		snprintf(qds, sizeof(qds), " qd=%llu", (unsigned long long)qd);
	printf("labperf disk %s bs=%zu ops=%llu%s us=%llu MBps=%llu.%02llu "
	    "IOPS=%llu\n", mode, bs, (unsigned long long)count, qds,
	    (unsigned long long)us,
	    (unsigned long long)(count * bs / us),
	    (unsigned long long)(count * bs * 100 / us % 100),
	    (unsigned long long)(count * 1000000 / us));
	close(fd);
	return (0);
}

static int
udpsrc(char **argv)
{
	struct sockaddr_in sin;
	size_t size = strtoul(argv[2], NULL, 0);
	uint64_t end, n = 0, errs = 0;
	char *buf;
	int s;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(argv[1]));
	if (inet_pton(AF_INET, argv[0], &sin.sin_addr) != 1 || size == 0 ||
	    size > 65507)
		return (usage());
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    connect(s, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		printf("labperf udpsrc: socket: %s\n", strerror(errno));
		return (1);
	}
	if ((buf = calloc(1, size)) == NULL)
		return (1);
	end = now_us() + (uint64_t)atoi(argv[3]) * 1000000;
	while (now_us() < end) {
		if (send(s, buf, size, 0) == (ssize_t)size)
			n++;
		else
			errs++;
	}
	printf("labperf udpsrc size=%zu datagrams=%llu errors=%llu\n", size,
	    (unsigned long long)n, (unsigned long long)errs);
	return (0);
}

static int
udpsink(char **argv)
{
	struct sockaddr_in sin;
	struct timeval tv = { 2, 0 };
	uint64_t first = 0, last = 0, limit, n = 0, bytes = 0, us;
	static char buf[65536];
	ssize_t len;
	int s;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(argv[0]));
	limit = (uint64_t)atoi(argv[1]) * 1000000;
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		printf("labperf udpsink: socket: %s\n", strerror(errno));
		return (1);
	}
	/* Before the first datagram: wait up to the whole limit + 30 s. */
	tv.tv_sec = (time_t)(limit / 1000000 + 30);
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		if ((len = recv(s, buf, sizeof(buf), 0)) < 0)
			break;
		last = now_us();
		if (n++ == 0) {
			first = last;
			tv.tv_sec = 2;
			setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		}
		bytes += (uint64_t)len;
		if (last - first >= limit)
			break;
	}
	us = last - first;
	if (us == 0)
		us = 1;
	printf("labperf udpsink datagrams=%llu bytes=%llu us=%llu kbps=%llu "
	    "pps=%llu\n", (unsigned long long)n, (unsigned long long)bytes,
	    (unsigned long long)us,
	    (unsigned long long)(n > 1 ? bytes * 8000 / us : 0),
	    (unsigned long long)(n > 1 ? n * 1000000 / us : 0));
	return (n > 0 ? 0 : 1);
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((argc == 6 || argc == 7) && strcmp(argv[1], "disk") == 0)
		return (disk(argv + 2, argc - 2));
	if (argc == 6 && strcmp(argv[1], "udpsrc") == 0)
		return (udpsrc(argv + 2));
	if (argc == 4 && strcmp(argv[1], "udpsink") == 0)
		return (udpsink(argv + 2));
	return (usage());
}
