/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _XEN_XENSTORE_XENSTOREVAR_H_
#define	_XEN_XENSTORE_XENSTOREVAR_H_

#include <sys/queue.h>

/*
 * The xenstore client (xenstore(9)).  Paths are "dir/node" joined by the
 * client; a NULL or empty node means dir itself.  Values read are
 * malloc(M_XENSTORE)'d, NUL-terminated copies the caller frees.  Every
 * call may sleep (thread context only) and is bounded: a reply that does
 * not come within XS_TIMEOUT gives ETIMEDOUT.
 */
typedef uint32_t xs_tx_t;		/* 0: no transaction */

struct xs_watch;
typedef void xs_watch_cb_t(struct xs_watch *, const char *path);

struct xs_watch {
	LIST_ENTRY(xs_watch) xw_link;	/* [x] registered watches */
	char		*xw_node;	/* [I] watched path (a copy) */
	xs_watch_cb_t	*xw_callback;	/* [I] run by the watch thread */
	void		*xw_arg;	/* [I] the owner's */
	u_long		 xw_events;	/* [x] events delivered */
};

struct xs_stats {
	u_long	xs_requests;
	u_long	xs_replies;
	u_long	xs_errors;		/* XS_ERROR replies */
	u_long	xs_timeouts;
	u_long	xs_events;		/* watch events received */
	u_long	xs_orphans;		/* replies/events nobody wanted */
	u_long	xs_watches;		/* registered now */
	u_long	xs_resumes;		/* restarted after a restore */
};
extern struct xs_stats xs_stats;

MALLOC_DECLARE(M_XENSTORE);

int	xs_read(xs_tx_t, const char *, const char *, char **, size_t *);
int	xs_write(xs_tx_t, const char *, const char *, const char *);
int	xs_mkdir(xs_tx_t, const char *, const char *);
int	xs_rm(xs_tx_t, const char *, const char *);
int	xs_directory(xs_tx_t, const char *, const char *, u_int *,
	    const char ***);
int	xs_exists(xs_tx_t, const char *, const char *);
int	xs_read_ulong(xs_tx_t, const char *, const char *, u_long, u_long *);
int	xs_read_int(xs_tx_t, const char *, const char *, int, int, int *);
int	xs_transaction_start(xs_tx_t *);
int	xs_transaction_end(xs_tx_t, bool);
int	xs_watch_register(struct xs_watch *, const char *, xs_watch_cb_t *,
	    void *);
void	xs_watch_unregister(struct xs_watch *);
bool	xs_ready(void);
int	xs_suspend(void);
int	xs_resume(bool);
u_int	xs_domid(void);

#endif /* !_XEN_XENSTORE_XENSTOREVAR_H_ */
