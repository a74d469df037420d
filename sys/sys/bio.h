/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_BIO_H_
#define	_SYS_BIO_H_

#include <sys/queue.h>

/*
 * bio(9): one I/O request to a disk(9).  The submitter fills in the
 * command, the byte range and the buffer and a completion callback, and
 * hands it to bio_submit(); the disk layer checks it against the disk,
 * passes it to the driver's strategy method, and the driver calls
 * biodone() when it is finished -- possibly from an event handler, so
 * bio_done must not sleep.  Fields marked [s] are the submitter's, [d]
 * the driver's, [l] the disk layer's.
 */
struct disk;

struct bio {
	int		 bio_cmd;	/* [s] BIO_* */
	int		 bio_flags;	/* [l] BIOF_* */
	off_t		 bio_offset;	/* [s] bytes from the disk's start */
	size_t		 bio_length;	/* [s] bytes */
	void		*bio_data;	/* [s] buffer (none for flush, delete) */
	int		 bio_error;	/* [d] 0 or an errno value */
	size_t		 bio_resid;	/* [d] bytes not transferred */
	void		(*bio_done)(struct bio *);	/* [s] completion */
	void		*bio_caller1;	/* [s] */
	void		*bio_caller2;	/* [s] */
	void		*bio_driver1;	/* [d] */
	void		*bio_driver2;	/* [d] */
	struct disk	*bio_disk;	/* [l] where it was submitted */
	struct bio	*bio_parent;	/* [l] split: the original request */
	u_int		 bio_children;	/* [l] split: pieces not yet done */
	uint64_t	 bio_t0;	/* [l] submission time, ns of uptime */
	TAILQ_ENTRY(bio) bio_queue;	/* [d] the driver's queues */
};

#define	BIO_READ	1
#define	BIO_WRITE	2
#define	BIO_DELETE	3	/* discard: the range's contents may go */
#define	BIO_FLUSH	4	/* completed writes reach stable storage */
#define	BIO_NCMDS	4

#define	BIOF_DONE	0x0001	/* biodone() has run */
#define	BIOF_STARTED	0x0002	/* counted in the disk's statistics */

TAILQ_HEAD(bio_queue, bio);

const char *bio_cmdname(int);
void	bio_submit(struct disk *, struct bio *);
int	bio_submit_wait(struct disk *, struct bio *);
void	biodone(struct bio *);

#endif /* !_SYS_BIO_H_ */
