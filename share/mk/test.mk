#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Test programs, run by Kyua (see tests/README).
#
#   ATF_TESTS_C=	foo_test	host ATF-C program from foo_test.c plus
#					SRCS.foo_test (kernel sources built for
#					the host, without _KERNEL)
#   CFLAGS.foo_test=		flags for all of its sources
#   CFLAGS.foo_test.bar=	flags for its source bar.c only (say, a
#				host shim to force-include)
#   ATF_TESTS_SH=	bar_test	ATF-sh program from bar_test.sh
#   TEST_TIMEOUT.bar_test=	seconds Kyua allows the program
#
# foo_if.h / foo_if.c in SRCS.foo_test are generated from foo_if.m (see
# kobj.mk); the object directory is on the include path.
#   TEST_FILES=	files copied next to the programs (found with
#			atf_get_srcdir in ATF-sh tests)
#
# A Kyuafile listing them is written next to the programs.  Host programs
# are built with AddressSanitizer and UBSan: kernel code under test must
# not read or write outside its buffers, even on hostile input.

.include "pvbsd.own.mk"

HOST_CC?=	clang
HOST_CFLAGS?=	-std=gnu11 -O1 -g -Wall -Wextra -Werror \
		-Wno-unused-parameter -Wno-sign-compare \
		-fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-D__XEN_INTERFACE_VERSION__=0x00040e00
HOST_LDFLAGS?=	-fsanitize=address,undefined
HOST_LIBS?=	-latf-c

_TESTS=		${ATF_TESTS_C} ${ATF_TESTS_SH}
_OBJS=

all: ${_TESTS} ${TEST_FILES:U:S,^,${.OBJDIR}/,} Kyuafile

.for _f in ${TEST_FILES:U}
${.OBJDIR}/${_f}: ${.CURDIR}/${_f}
	cp -f ${.CURDIR}/${_f} ${.TARGET}
.endfor

.PATH: ${SRCTOP}/tests/sys/common

.for _t in ${ATF_TESTS_C}
_SRCS.${_t}=	${_t}.c ${SRCS.${_t}:N*.h} atf_lsan.c
_OBJS.${_t}=	${_SRCS.${_t}:R:S/$/.ho/:S/^/${_t}./}
_OBJS+=		${_OBJS.${_t}}
.for _s in ${_SRCS.${_t}}
# Headers in SRCS are generated (kobj.mk): build them before compiling.
${_t}.${_s:R}.ho: ${_s} ${SRCS.${_t}:M*.h}
	${HOST_CC} ${HOST_CFLAGS} -I${.OBJDIR} ${CFLAGS.${_t}} \
	    ${CFLAGS.${_t}.${_s:R}} -MD -MP \
	    -c ${.ALLSRC:M*.c:[1]} -o ${.TARGET}
.endfor
${_t}: ${_OBJS.${_t}}
	${HOST_CC} ${HOST_LDFLAGS} -o ${.TARGET} ${.ALLSRC:M*.ho:O:u} ${HOST_LIBS}
.endfor

.for _t in ${ATF_TESTS_SH}
${_t}: ${_t}.sh
	@{ echo '#!/usr/bin/env atf-sh'; cat ${.ALLSRC}; } > ${.TARGET}.tmp
	@chmod +x ${.TARGET}.tmp && mv -f ${.TARGET}.tmp ${.TARGET}
.endfor

Kyuafile: .PHONY
	@{ echo 'syntax(2)'; echo 'test_suite("pvbsd")'; } > ${.TARGET}.tmp
.for _t in ${_TESTS}
	@echo 'atf_test_program{name="${_t}", timeout=${TEST_TIMEOUT.${_t}:U300}}' \
	    >> ${.TARGET}.tmp
.endfor
	@mv -f ${.TARGET}.tmp ${.TARGET}

clean:
	rm -f ${_TESTS} ${_OBJS} ${_OBJS:.ho=.d} Kyuafile

.for _d in ${_OBJS:.ho=.d}
.sinclude "${_d}"
.endfor

.sinclude "kobj.mk"
