#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Run every scenario in tests/lab/scenarios in ONE lab boot (dom0 boots
# once) and leave the results in OBJTOP/lab/tests/<scenario>/.  The lab
# tests call this; the first call of a test run does the work, later calls
# find the stamp (a hash of the kernel, the scenarios and the lab) and
# return at once.  tools/runtests.sh removes the stamp so that every
# `make test' boots afresh.  Usage: run_scenarios.sh SRCTOP OBJTOP

set -u
SRCTOP=$1
OBJTOP=$2
out=$OBJTOP/lab/tests
kernel=$OBJTOP/boot/kernel/kernel
# The preload image (modules, loader.conf) is every guest's ramdisk.
preload=$OBJTOP/boot/preload.cpio
# dom0's tool for scenarios/xn.sh (tests/lab/Makefile).
labtool=$OBJTOP/tests/lab/xn_labtool
# ... and its hostile block backend for scenarios/xbd.sh.
xbdtool=$OBJTOP/tests/lab/xbd_labtool
# ... and a preload image that loads xbd(4) at boot (scenarios/xbd.sh).
preload_xbd=$OBJTOP/boot/preload-xbd.cpio
# ... and one that loads xn(4) with variables from loader.conf
# (scenarios/loaderconf.sh).
preload_net=$OBJTOP/boot/preload-net.cpio
mkdir -p "$OBJTOP/lab"

stamp() {
	cat "$kernel" "$preload" "$SRCTOP"/tests/lab/scenarios/*.sh "$labtool" \
	    "$xbdtool" "$SRCTOP/tests/lab/xbd.subr" \
	    "$preload_xbd" "$preload_net" \
	    "$SRCTOP"/tools/lab/lab "$SRCTOP"/tools/lab/dom0/* 2>/dev/null |
	    sha256sum | cut -c1-16
}

exec 9>"$OBJTOP/lab/tests.lock"
flock 9
want=$(stamp)
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$want" ]; then
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
set --
for s in "$SRCTOP"/tests/lab/scenarios/*.sh; do
	set -- "$@" -s "$s"
done
if [ -f "$labtool" ]; then
	set -- -f "$labtool" "$@"
fi
[ -f "$xbdtool" ] && set -- -f "$xbdtool" "$@"
[ -f "$preload_xbd" ] && set -- -f "$preload_xbd" "$@"
[ -f "$preload_net" ] && set -- -f "$preload_net" "$@"
if [ -f "$preload" ]; then
	set -- -r "$preload" "$@"
else
	set -- -r "" "$@"
fi
# 120 s for each scenario: on a loaded machine, QEMU's emulation takes a
# minute for what takes seconds when it is idle (most need far less).
# A scenario that declares more with "# lab-timeout:" gets that (xn.sh).
"$SRCTOP/tools/lab/lab" -k "$kernel" -o "$out" -t 120 "$@" \
    >"$out/lab.log" 2>&1
echo $? >"$out/exit"
echo "$want" >"$out/stamp"
