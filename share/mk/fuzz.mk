#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# libFuzzer programs for kernel code that parses untrusted input.
#
#   FUZZERS=	foo_fuzz	host program from fuzz/foo_fuzz.c (next to
#					the Makefile) plus SRCS.foo_fuzz (kernel
#					sources built for the host, without
#					_KERNEL), with CFLAGS.foo_fuzz
#   FUZZ_SEEDS.foo_fuzz=	dir	seed corpus (default fuzz/corpus)
#   FUZZ_FLAGS.foo_fuzz=	flags	extra libFuzzer flags (-max_len=...)
#
# "all" builds them with clang -fsanitize=fuzzer,address,undefined.
# "fuzz" runs each one for FUZZ_TIME seconds (default 600), keeping what it
# learns in corpus.foo_fuzz in the object directory (the seed directory is
# only read) and leaving any crash-*/leak-*/timeout-* input there; it
# fails on the first problem.  A short run belongs in `make test' as an
# ATF-sh test that starts the built program (see
# tests/sys/xen/xs_fuzz_test.sh).  Include after test.mk.

.include "pvbsd.own.mk"

FUZZ_CC?=	clang
FUZZ_CFLAGS?=	-std=gnu11 -O1 -g -Wall -Wextra -Werror \
		-Wno-unused-parameter -Wno-sign-compare \
		-fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined \
		-D__XEN_INTERFACE_VERSION__=0x00040e00
FUZZ_LDFLAGS?=	-fsanitize=fuzzer,address,undefined
FUZZ_TIME?=	600

_FOBJS=

all: ${FUZZERS}

.PATH: ${.CURDIR}/fuzz

.for _f in ${FUZZERS}
FUZZ_SEEDS.${_f}?=	${.CURDIR}/fuzz/corpus
_FSRCS.${_f}=	${_f}.c ${SRCS.${_f}}
_FOBJS.${_f}=	${_FSRCS.${_f}:R:S/$/.fo/:S/^/${_f}./}
_FOBJS+=	${_FOBJS.${_f}}
.for _s in ${_FSRCS.${_f}}
${_f}.${_s:R}.fo: ${_s}
	${FUZZ_CC} ${FUZZ_CFLAGS} ${CFLAGS.${_f}} ${CFLAGS.${_f}.${_s:R}} -MD -MP \
	    -c ${.ALLSRC:M*.c:[1]} -o ${.TARGET}
.endfor
${_f}: ${_FOBJS.${_f}}
	${FUZZ_CC} ${FUZZ_LDFLAGS} -o ${.TARGET} ${.ALLSRC:M*.fo:O:u}
.endfor

fuzz: ${FUZZERS} .PHONY
.for _f in ${FUZZERS}
	@mkdir -p corpus.${_f}
	@echo "===> fuzzing ${_f} for ${FUZZ_TIME} s"
	./${_f} -max_total_time=${FUZZ_TIME} -print_final_stats=1 \
	    -artifact_prefix=./ ${FUZZ_FLAGS.${_f}} \
	    corpus.${_f} ${FUZZ_SEEDS.${_f}}
.endfor

clean: clean-fuzz
clean-fuzz: .PHONY
	rm -f ${FUZZERS} ${_FOBJS} ${_FOBJS:.fo=.d}

.for _d in ${_FOBJS:.fo=.d}
.sinclude "${_d}"
.endfor
