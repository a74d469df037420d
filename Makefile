#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# pvbsd top-level Makefile (bmake).  On a fresh machine run `make' (GNU
# make): GNUmakefile installs what is missing and hands over to bmake.
#
#   all      the kernel, the modules and the host test programs
#   kernel   obj/boot/kernel/kernel only
#   boot     the kernel, the modules and obj/boot/preload.cpio
#   run      boot pvbsd in the Xen lab with the console on this terminal
#   test     every test (host unit tests, man lint, lab tests) through
#            Kyua; the last line printed is "N passed, N failed"
#   bench    pvbsd against the lab's Linux PV guest in one lab boot:
#            obj/bench/report.md and report.svg (bench/bench.sh);
#            BENCH_QUICK=1 runs one short round, BENCH_ROUNDS=N rounds
#   fuzz     run every libFuzzer target (share/mk/fuzz.mk) for FUZZ_TIME
#            seconds each (default 600); `make test' runs them briefly
#   clean    remove obj/

SRCTOP:=	${.CURDIR}
OBJTOP?=	${SRCTOP}/obj
.export SRCTOP OBJTOP

KERNEL_DIR=	sys/amd64/conf
# Loadable modules (share/mk/kmod.mk), installed next to the kernel, then
# the preload image made of them (obj/boot/preload.cpio, the lab's ramdisk).
# The in-kernel tests are modules too (boot/ktest, see ktest(9)): the
# kernel itself carries no test code.
MODULE_DIRS=	sys/modules/ktest_example sys/modules/ktest_mod \
		sys/modules/kld_dep sys/modules/kld_res sys/modules/needs_missing \
		sys/modules/ktest_kern sys/modules/ktest_pmap \
		sys/modules/ktest_trap sys/modules/ktest_xen \
		sys/modules/kld_fail sys/modules/kld_stuck sys/modules/crashme \
		sys/modules/xbtest \
		sys/modules/xn sys/modules/xbd sys/modules/shutdown_test \
		sys/modules/control sys/modules/balloon
PRELOAD_DIR=	tools/preload
TEST_DIRS=	tests/sys/kern tests/sys/kern/linker tests/sys/kern/preload \
		tests/sys/xen tests/sys/vm tests/sys/amd64 tests/sys/layers \
		tests/sys/net \
		tests/share/man tests/lab tests/bench
BOOT_DIRS=	${KERNEL_DIR} ${MODULE_DIRS} ${PRELOAD_DIR}
SUBDIRS=	${BOOT_DIRS} ${TEST_DIRS}

SUBMAKE=	${MAKE} -m ${SRCTOP}/share/mk

.MAIN: all

.for _t in all clean
${_t}: .PHONY
.for _d in ${SUBDIRS}
	@mkdir -p ${OBJTOP}/${_d}
	@echo "===> ${_d} (${_t})"
	@cd ${SRCTOP}/${_d} && MAKEOBJDIR=${OBJTOP}/${_d} ${SUBMAKE} ${_t}
.endfor
.endfor

kernel: .PHONY
	@mkdir -p ${OBJTOP}/${KERNEL_DIR}
	@cd ${SRCTOP}/${KERNEL_DIR} && MAKEOBJDIR=${OBJTOP}/${KERNEL_DIR} \
	    ${SUBMAKE} all

# The test suite: one Kyuafile over every test directory.
${OBJTOP}/tests/Kyuafile: .PHONY
	@mkdir -p ${.TARGET:H}
	@{ echo 'syntax(2)'; echo 'test_suite("pvbsd")'; \
	  for d in ${TEST_DIRS:S,^tests/,,}; do \
	    echo "include(\"$$d/Kyuafile\")"; done; } > ${.TARGET}

test: all ${OBJTOP}/tests/Kyuafile .PHONY
	@sh ${SRCTOP}/tools/runtests.sh ${OBJTOP}

# Longer fuzzing than `make test' does; stops at the first finding, which
# is left as crash-* in the fuzzer's object directory.
FUZZ_DIRS=	tests/sys/xen tests/sys/kern/linker tests/sys/kern/preload \
		tests/sys/net
FUZZ_TIME?=	600

fuzz: .PHONY
.for _d in ${FUZZ_DIRS}
	@mkdir -p ${OBJTOP}/${_d}
	@cd ${SRCTOP}/${_d} && MAKEOBJDIR=${OBJTOP}/${_d} \
	    ${SUBMAKE} FUZZ_TIME=${FUZZ_TIME} fuzz
.endfor

# What a domain boots: the kernel, the modules and the preload image.
boot: .PHONY
.for _d in ${BOOT_DIRS}
	@mkdir -p ${OBJTOP}/${_d}
	@cd ${SRCTOP}/${_d} && MAKEOBJDIR=${OBJTOP}/${_d} ${SUBMAKE} all
.endfor

run: boot .PHONY
	${SRCTOP}/tools/lab/lab -I ${LAB_ARGS}

# The benchmark (bench/bench.sh): not part of `make test'; its quick run is
# (tests/bench).
BENCH_ROUNDS?=	3
.if ${BENCH_QUICK:U0} != 0
_BENCH_ARGS=	-q
.else
_BENCH_ARGS=	-n ${BENCH_ROUNDS}
.endif

bench: boot .PHONY
	@sh ${SRCTOP}/bench/bench.sh ${_BENCH_ARGS} -o ${OBJTOP}/bench

clean-all: .PHONY
	rm -rf ${OBJTOP}
