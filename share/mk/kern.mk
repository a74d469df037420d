#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Building the kernel: compile SRCS for a freestanding amd64 PV guest and
# link them with ${LDSCRIPT} into ${KERNEL}, which is then installed as
# ${OBJTOP}/boot/kernel/${KERNEL}.
#
# The flags are the PV rules: no red zone (Xen writes bounce frames right
# below %rsp), no SSE/x87 in kernel code (it would clobber the user's FPU
# state; the kernel switches the FPU lazily), the kernel code model for an
# image in the top 2 GiB, no PIC.  Xen's public headers come from the
# system (libxen-dev) through ${OBJTOP}/include/xen; <machine/...> is
# sys/amd64/include.

.include "pvbsd.own.mk"

KERNEL?=	kernel
IDENT?=		PVBSD
OBJS=		${SRCS:N*.h:R:S/$/.o/}

.include "kern.flags.mk"

CFLAGS=		${KERN_CFLAGS} ${COPTS}
AFLAGS=		-D__ASSEMBLY__

KERN_LDFLAGS=	-nostdlib -static -z max-page-size=4096 -z norelro \
		--build-id=none -T ${LDSCRIPT}

all: ${KERNEL} ${OBJTOP}/boot/kernel/${KERNEL}

# Headers in SRCS are generated (kobj.mk): build them before compiling.
${OBJS}: ${KERN_INCLUDE}/.links ${SRCS:M*.h}

${KERNEL}: ${OBJS} ${LDSCRIPT}
	${LD} ${KERN_LDFLAGS} -o ${.TARGET} ${OBJS}

${OBJTOP}/boot/kernel/${KERNEL}: ${KERNEL}
	@mkdir -p ${.TARGET:H}
	cp -f ${KERNEL} ${.TARGET}

clean:
	rm -f ${KERNEL} ${OBJS} ${OBJS:.o=.d}

.for _d in ${OBJS:.o=.d}
.sinclude "${_d}"
.endfor

.include "kobj.mk"
