#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Building a loadable kernel module: compile SRCS exactly as the kernel's
# own sources are compiled (kern.flags.mk), plus -DKLD_MODULE, and combine
# the objects with `ld.lld -r' into ${KMOD}.ko, an ELF relocatable object
# that the kernel linker (sys/kern/link_elf_obj.c) lays out, relocates and
# links against the kernel at load time.  The result is installed as
# ${OBJTOP}/${KMODDIR}/${KMOD}.ko: next to the kernel (boot/kernel), or,
# for a module of in-kernel tests, in boot/ktest, where ktest= finds it
# (ktest(9)).
#
#   KMOD=	name of the module (the file is ${KMOD}.ko)
#   KMODDIR=	its directory in the boot tree (default boot/kernel)
#   SRCS=	its sources; generated foo_if.h / foo_if.c as in kobj.mk
#
# Nothing is resolved at build time: references to the kernel stay
# undefined symbols in the .ko, and -fno-common keeps tentative
# definitions out of SHN_COMMON, which the loader refuses.

.include "pvbsd.own.mk"

.if !defined(KMOD)
.error kmod.mk: KMOD is not set
.endif

KMODDIR?=	boot/kernel
OBJS=		${SRCS:N*.h:R:S/$/.o/}
CFLAGS=		${KERN_CFLAGS} -DKLD_MODULE ${COPTS}
AFLAGS=		-D__ASSEMBLY__
KMOD_LDFLAGS=	-r --build-id=none

.include "kern.flags.mk"

all: ${KMOD}.ko ${OBJTOP}/${KMODDIR}/${KMOD}.ko

# Headers in SRCS are generated (kobj.mk): build them before compiling.
${OBJS}: ${KERN_INCLUDE}/.links ${SRCS:M*.h}

${KMOD}.ko: ${OBJS}
	${LD} ${KMOD_LDFLAGS} -o ${.TARGET} ${OBJS}

${OBJTOP}/${KMODDIR}/${KMOD}.ko: ${KMOD}.ko
	@mkdir -p ${.TARGET:H}
	cp -f ${KMOD}.ko ${.TARGET}

clean:
	rm -f ${KMOD}.ko ${OBJS} ${OBJS:.o=.d}

.for _d in ${OBJS:.o=.d}
.sinclude "${_d}"
.endfor

.include "kobj.mk"
