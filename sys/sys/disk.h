/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_DISK_H_
#define	_SYS_DISK_H_

#include <sys/queue.h>
#include <sys/mutex.h>

/*
 * disk(9): the disks the kernel knows, by name ("xbd0").  A driver
 * allocates a struct disk with disk_alloc(), fills in the fields marked
 * [D] and calls disk_create(); kernel code finds it with disk_open(),
 * sends it bio(9) requests and lets go with disk_close().  The driver
 * ends it with disk_gone() (no new requests: ENXIO) and disk_destroy(),
 * which refuses (EBUSY) while the disk is open or has requests in
 * flight.  Lock legend: [D] the driver's, set before disk_create and
 * immutable after; [m] d_mtx (a spin mutex: biodone runs in event
 * context); [L] the disk list lock.
 */
struct bio;
struct disk;

typedef void disk_strategy_t(struct bio *);

#define	DISK_NCMDS	4		/* statistics per BIO_* command */

struct disk_stats {
	u_long		 ds_ops;	/* requests completed */
	u_long		 ds_bytes;	/* bytes transferred */
	u_long		 ds_errors;	/* requests that failed */
	uint64_t	 ds_time_ns;	/* summed time in flight */
};

struct disk {
	/* The driver's part. */
	const char	*d_name;	/* [D] "xbd" */
	int		 d_unit;	/* [D] 0, 1, ... */
	const char	*d_descr;	/* [D] "Virtual Block Device" */
	u_int		 d_sectorsize;	/* [D] bytes, a power of 2 >= 512 */
	off_t		 d_mediasize;	/* [D] bytes, a multiple of it */
	size_t		 d_maxsize;	/* [D] largest request the driver takes */
	u_int		 d_flags;	/* [D] DISKFLAG_* */
	disk_strategy_t	*d_strategy;	/* [D] queue a request */
	void		*d_drv1;	/* [D] the driver's softc */

	/* The disk layer's part. */
	char		 d_nameunit[16]; /* [I] "xbd0" */
	LIST_ENTRY(disk) d_link;	/* [L] all disks */
	struct mtx	 d_mtx;
	int		 d_opens;	/* [m] open count */
	int		 d_writers;	/* [m] of which for writing */
	u_int		 d_inflight;	/* [m] requests in the driver */
	bool		 d_gone;	/* [m] disk_gone() was called */
	struct disk_stats d_stats[DISK_NCMDS]; /* [m] per BIO_* - 1 */
};

#define	DISKFLAG_CANFLUSHCACHE	0x0001	/* takes BIO_FLUSH */
#define	DISKFLAG_CANDELETE	0x0002	/* takes BIO_DELETE */
#define	DISKFLAG_WRITE_PROTECT	0x0004	/* read-only: writes get EROFS */

/* disk_open modes. */
#define	DISK_READ	0x0001
#define	DISK_WRITE	0x0002

struct disk *disk_alloc(void);
int	disk_create(struct disk *);
void	disk_gone(struct disk *);
int	disk_destroy(struct disk *);
void	disk_free(struct disk *);
int	disk_open(const char *, int, struct disk **);
void	disk_close(struct disk *, int);
int	disk_foreach(int (*)(struct disk *, void *), void *);

#endif /* !_SYS_DISK_H_ */
