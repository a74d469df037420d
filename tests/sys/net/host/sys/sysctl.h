/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/* Host stand-in for <sys/sysctl.h>: the declarations compile to nothing. */
#ifndef _SYS_SYSCTL_H_
#define	_SYS_SYSCTL_H_

struct sysctl_oid;
struct sysctl_req;

#define	SYSCTL_DECL(parent)	struct host_sysctl_unused
#define	SYSCTL_ROOT_NODE(name, descr) struct host_sysctl_unused
#define	SYSCTL_NODE(parent, name, descr) struct host_sysctl_unused
#define	SYSCTL_INT(parent, name, ptr, descr) struct host_sysctl_unused
#define	SYSCTL_UINT(parent, name, ptr, descr) struct host_sysctl_unused
#define	SYSCTL_LONG(parent, name, ptr, descr) struct host_sysctl_unused
#define	SYSCTL_ULONG(parent, name, ptr, descr) struct host_sysctl_unused
#define	SYSCTL_STRING(parent, name, str, descr) struct host_sysctl_unused
#define	SYSCTL_PROC(parent, name, h, a1, a2, descr)			\
	static __attribute__((__unused__)) int (*host_sysctl_##name)(	\
	    struct sysctl_oid *, struct sysctl_req *) = (h)

int	sysctl_emit(struct sysctl_req *, const char *, const char *, ...)
	    __printflike(3, 4);

#endif /* !_SYS_SYSCTL_H_ */
