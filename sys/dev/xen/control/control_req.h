/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _DEV_XEN_CONTROL_CONTROL_REQ_H_
#define	_DEV_XEN_CONTROL_CONTROL_REQ_H_

/*
 * The requests the toolstack writes into our xenstore control/ directory,
 * checked before anything acts on them (control_req.c).  Pure functions
 * over a value and its length, so the host tests run them as they are
 * (tests/sys/xen/control_req_test.c).
 */

/* Longest request word we take ("poweroff" is 8). */
#define	CONTROL_WORD_MAX	15

/* What control_check_word and control_check_key found. */
#define	CONTROL_REQ_NONE	0	/* empty: no request pending */
#define	CONTROL_REQ_OK		1	/* well formed: look it up */
#define	CONTROL_REQ_UNKNOWN	2	/* well formed, not in the table */
#define	CONTROL_REQ_BADLEN	3	/* too long */
#define	CONTROL_REQ_BADCHAR	4	/* a byte no request has */

int	control_check_word(const char *, size_t);
int	control_check_key(const char *, size_t);
const char *control_req_strerror(int);
void	control_req_quote(const char *, size_t, char *, size_t);

#endif /* !_DEV_XEN_CONTROL_CONTROL_REQ_H_ */
