#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# kobj interfaces.  A Makefile that lists foo_if.h or foo_if.c in SRCS (or,
# in a test directory, in SRCS.<test>) gets them generated in the object
# directory from foo_if.m by tools/kobj/makeobjops.awk.  foo_if.m is looked
# for in the directory's .PATH and then in sys/kern, where device_if.m and
# bus_if.m live.  Included by kern.mk and test.mk; their compile rules add
# the object directory to the include path and make every object depend on
# the generated headers.

MAKEOBJOPS?=	${SRCTOP}/tools/kobj/makeobjops.awk

_KOBJ_GEN=	${SRCS:M*_if.[ch]}
.for _t in ${ATF_TESTS_C}
_KOBJ_GEN+=	${SRCS.${_t}:M*_if.[ch]}
.endfor

.SUFFIXES: .m
.PATH.m: ${SRCTOP}/sys/kern

.for _g in ${_KOBJ_GEN:O:u}
${_g}: ${_g:R}.m ${MAKEOBJOPS} .NOTMAIN
	${AWK} -f ${MAKEOBJOPS} ${.ALLSRC:M*.m} -${_g:E}
.endfor

clean: _kobj_clean
_kobj_clean: .PHONY .NOTMAIN
	rm -f ${_KOBJ_GEN:O:u}
