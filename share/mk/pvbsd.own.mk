#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Where things are.  SRCTOP and OBJTOP come from the top-level Makefile; a
# directory built alone finds them from its own path.

.if !defined(SRCTOP)
SRCTOP!=	cd ${.PARSEDIR}/../.. && pwd
.endif
OBJTOP?=	${SRCTOP}/obj
RELDIR=		${.CURDIR:S,^${SRCTOP},,:S,^/,,}
.if empty(RELDIR)
RELDIR=		.
.endif

PVBSD_VERSION?=	0.1
XEN_INCLUDE?=	/usr/include/xen
