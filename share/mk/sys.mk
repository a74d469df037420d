#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Read first by every bmake run in the tree (the top-level Makefile passes
# -m share/mk).  Only what every directory shares: tools and suffix rules.
# The kernel, module, program, test and man rules live in their own files.

.SUFFIXES: .c .S .o

CC?=		clang
LD?=		ld.lld
OBJCOPY?=	llvm-objcopy
NM?=		llvm-nm
AWK?=		awk
INSTALL?=	install

.c.o:
	${CC} ${CFLAGS} -MD -MP -c ${.IMPSRC} -o ${.TARGET}

.S.o:
	${CC} ${CFLAGS} ${AFLAGS} -MD -MP -c ${.IMPSRC} -o ${.TARGET}
