#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Run every scenario in tests/lab/scenarios in two lab boots side by side
# (dom0 boots once in each; see below) and leave the results in
# OBJTOP/lab/tests/<scenario>/.  The lab
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

# Two lab boots side by side (LAB_BOOTS=1 for one): QEMU's TCG keeps one
# core busy per boot and the machines this runs on have two.  A scenario
# with "# lab-boot: 2" runs in the second boot, every other one in the
# first; each boot has its own directory (boot1, boot2) and every
# scenario's directory is linked from $out, where the tests look.
boots=${LAB_BOOTS:-2}
set1= set2=
for s in "$SRCTOP"/tests/lab/scenarios/*.sh; do
	if [ "$boots" -gt 1 ] &&
	    grep -q '^#[[:space:]]*lab-boot:[[:space:]]*2' "$s"; then
		set2="$set2 $s"
	else
		set1="$set1 $s"
	fi
done

# run_boot N SCRIPT...: one lab boot running SCRIPTs in order
run_boot() {
	local n=$1 s
	shift
	for s; do
		set -- "$@" -s "$s"
		shift
	done
	[ -f "$labtool" ] && set -- -f "$labtool" "$@"
	[ -f "$xbdtool" ] && set -- -f "$xbdtool" "$@"
	[ -f "$preload_xbd" ] && set -- -f "$preload_xbd" "$@"
	[ -f "$preload_net" ] && set -- -f "$preload_net" "$@"
	if [ -f "$preload" ]; then
		set -- -r "$preload" "$@"
	else
		set -- -r "" "$@"
	fi
	mkdir -p "$out/boot$n"
	# 120 s for each scenario: on a loaded machine, QEMU's emulation
	# takes a minute for what takes seconds when it is idle (most need
	# far less).  A scenario that declares more with "# lab-timeout:"
	# gets that (xn.sh).
	"$SRCTOP/tools/lab/lab" -k "$kernel" -o "$out/boot$n" -t 120 "$@" \
	    >"$out/boot$n/lab.log" 2>&1
	echo $? >"$out/boot$n/exit"
}

# shellcheck disable=SC2086
run_boot 1 $set1 &
pid1=$!
if [ -n "$set2" ]; then
	# shellcheck disable=SC2086
	run_boot 2 $set2 &
	wait $!
fi
wait $pid1
rc=0
: >"$out/lab.log"
for n in 1 2; do
	[ -d "$out/boot$n" ] || continue
	for d in "$out/boot$n"/*/; do
		[ -d "$d" ] && ln -s "boot$n/$(basename "$d")" "$out/$(basename "$d")"
	done
	echo "lab: ===== boot $n =====" >>"$out/lab.log"
	cat "$out/boot$n/lab.log" >>"$out/lab.log"
	e=$(cat "$out/boot$n/exit" 2>/dev/null || echo 1)
	[ "$e" = 0 ] || rc=$e
done
echo "$rc" >"$out/exit"
echo "$want" >"$out/stamp"
