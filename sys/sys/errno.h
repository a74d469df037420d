/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * BSD errno values.  Xen reports errors with Linux numbering (see
 * <xen/errno.h>); xen_errno() in <machine/hypercall.h> translates.
 */
#ifndef _SYS_ERRNO_H_
#define	_SYS_ERRNO_H_

#define	EPERM		1
#define	ENOENT		2
#define	ESRCH		3
#define	EINTR		4
#define	EIO		5
#define	ENXIO		6
#define	E2BIG		7
#define	ENOEXEC		8
#define	EBADF		9
#define	ENOMEM		12
#define	EACCES		13
#define	EFAULT		14
#define	EBUSY		16
#define	EEXIST		17
#define	ENODEV		19
#define	ENOTDIR		20
#define	EISDIR		21
#define	EINVAL		22
#define	ENFILE		23
#define	ENOSPC		28
#define	EPIPE		32
#define	EROFS		30
#define	ERANGE		34
#define	EAGAIN		35
#define	EWOULDBLOCK	EAGAIN
#define	EINPROGRESS	36
#define	EALREADY	37
#define	EMSGSIZE	40
#define	EOPNOTSUPP	45
#define	EAFNOSUPPORT	47
#define	EADDRINUSE	48
#define	EADDRNOTAVAIL	49
#define	ENETDOWN	50
#define	ENETUNREACH	51
#define	ENOBUFS		55
#define	ENOTSUP		EOPNOTSUPP
#define	EISCONN		56
#define	ENOTCONN	57
#define	ETIMEDOUT	60
#define	ELOOP		62
#define	ENAMETOOLONG	63
#define	EHOSTDOWN	64
#define	EHOSTUNREACH	65
#define	ENOTEMPTY	66
#define	ENOSYS		78
#define	EFTYPE		79
#define	EBADMSG		89
#define	EOVERFLOW	84
#define	EPROTO		92

#endif /* !_SYS_ERRNO_H_ */
