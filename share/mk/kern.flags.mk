#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# How kernel code is compiled, shared by the kernel (kern.mk) and its
# loadable modules (kmod.mk): a module's objects must be built exactly like
# the kernel's, since it runs in the same address space under the same
# rules (see kern.mk for why each flag is there).  ${KERN_INCLUDE} holds
# the machine/ and xen/ links that the <machine/...> and <xen/...> includes
# resolve through.

KERN_INCLUDE=	${OBJTOP}/include
KERN_CFLAGS=	-target x86_64-unknown-none-elf -std=gnu11 -O2 \
		-ffreestanding -nostdinc -fno-common -fno-strict-aliasing \
		-mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-avx \
		-msoft-float -mcmodel=kernel -fno-pic -fno-pie \
		-fno-stack-protector -fno-omit-frame-pointer \
		-fno-asynchronous-unwind-tables \
		-Wall -Wextra -Werror -Wno-unused-parameter \
		-Wno-sign-compare -Wmissing-prototypes -Wstrict-prototypes \
		-Wno-missing-field-initializers \
		-D_KERNEL -DINVARIANTS \
		-D__XEN_INTERFACE_VERSION__=0x00040e00 \
		-DPVBSD_VERSION=\"${PVBSD_VERSION}\" -DPVBSD_IDENT=\"${IDENT}\" \
		-I${.OBJDIR} -I${SRCTOP}/sys -I${KERN_INCLUDE}

${KERN_INCLUDE}/.links: .NOTMAIN
	@mkdir -p ${KERN_INCLUDE}
	ln -sfn ${SRCTOP}/sys/amd64/include ${KERN_INCLUDE}/machine
	ln -sfn ${XEN_INCLUDE} ${KERN_INCLUDE}/xen
	@touch ${.TARGET}
