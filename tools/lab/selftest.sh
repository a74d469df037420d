#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd authors
#
# selftest.sh: check the lab end to end with the Linux PV test guest.
#
# usage: selftest.sh [TEST...]
# Tests: basic multi disk input timeout (the default set), crash reboot.
# Each boots the lab once (~40 s under TCG; multi runs four scenarios in
# one boot).  Output under obj/lab/selftest/<test>/.  Ends with
# "N passed, N failed"; exit status 0 iff none failed.

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
st=${OBJDIR:-$top/obj}/lab/selftest
lab=$here/lab
pass=0
fail=0
mkdir -p "$st"

# run TEST LAB-ARGS...: run the lab into $st/TEST, keep its status in rc
run() {
	t=$1
	shift
	d=$st/$t
	rm -rf "$d"
	mkdir -p "$d"
	echo "selftest: $t: lab $*"
	t0=$(date +%s)
	"$lab" -o "$d" "$@" >"$d/stdout" 2>"$d/stderr" </dev/null
	rc=$?
	secs=$(($(date +%s) - t0))
}

verdict() {
	if [ -z "$why" ]; then
		echo "selftest: $t: ok (${secs}s)"
		pass=$((pass + 1))
	else
		echo "selftest: $t: FAILED:$why (${secs}s)"
		sed 's/^/    /' "$d/stdout" | tail -n 15
		sed 's/^/    /' "$d/stderr" | tail -n 15
		fail=$((fail + 1))
	fi
}

expect_rc() { [ "$rc" = "$1" ] || why="$why exit $rc, not $1;"; }
expect_end() { [ "$(cat "$d/$1/end" 2>/dev/null)" = "$2" ] ||
    why="$why $1/end is '$(cat "$d/$1/end" 2>/dev/null)', not $2;"; }
expect_out() { grep -Eq -- "$1" "$d/stdout" || why="$why /$1/ not on stdout;"; }
expect_con() { grep -Eq -- "$2" "$d/$1/console.log" ||
    why="$why /$2/ not in $1/console.log;"; }

t_basic() {
	run basic -L -n basic
	why=
	expect_rc 0
	expect_end basic poweroff
	expect_out '^LAB-GUEST: linux domU up'
	expect_con basic '^LAB-GUEST: linux domU up'
	expect_out '^lab: dom0 ready after'
	expect_out '^lab: basic: poweroff \(xl create -> first console byte'
	verdict
}

t_multi() {
	run multi -L -n multi -s "$here/examples/linux-poweroff.sh" \
	    -s "$here/examples/linux-hotplug.sh" \
	    -s "$here/examples/linux-net.sh" \
	    -s "$here/examples/linux-nethotplug.sh"
	why=
	expect_rc 0
	for s in linux-poweroff linux-hotplug linux-net linux-nethotplug; do
		expect_end $s poweroff
	done
	expect_con linux-hotplug 'xvdb says: LAB-HOTPLUG-MARKER'
	expect_con linux-hotplug 'xvdb gone'
	expect_con linux-net 'ping ok'
	expect_con linux-nethotplug '^NET-HOTPLUG-OK'
	[ "$(grep -c 'dom0 ready' "$d/stdout")" = 1 ] || why="$why dom0 booted more than once;"
	verdict
}

t_disk() {
	mkdir -p "$st"
	img=$st/disk.img
	dd if=/dev/zero of="$img" bs=1M count=8 2>/dev/null
	echo "LAB-DISK-MARKER-$$" | dd of="$img" conv=notrunc 2>/dev/null
	run disk -L -n disk -d "$img" -N -e labmode=disk,net
	why=
	expect_rc 0
	expect_end disk poweroff
	expect_out "xvda says: LAB-DISK-MARKER-$$"
	expect_con disk "xvda says: LAB-DISK-MARKER-$$"
	expect_con disk 'ping ok'
	verdict
}

t_input() {
	printf '%s\n' 'echo typed-$((6*7))' '@@wait ^typed-42' \
	    'echo second-line' 'poweroff -f' >"$st/input.txt"
	run input -L -n input -e labmode=shell -i "$st/input.txt" -w 'shell ready'
	why=
	expect_rc 0
	expect_end input poweroff
	expect_con input '^typed-42'
	expect_con input '^second-line'
	verdict
}

t_timeout() {
	run timeout -L -n timeout -e labmode=hang -t 20
	why=
	expect_rc 4
	expect_end timeout timeout
	expect_out '^LAB-GUEST: hanging'
	[ "$secs" -lt 100 ] || why="$why took ${secs}s;"
	verdict
}

t_crash() {
	run crash -L -n crash -e labmode=crash
	why=
	expect_rc 3
	expect_end crash crash
	verdict
}

t_reboot() {
	run reboot -L -n reboot -e labmode=reboot
	why=
	expect_rc 5
	expect_end reboot reboot
	verdict
}

[ $# -gt 0 ] || set -- basic multi disk input timeout
for t; do
	case "$t" in
	basic|multi|disk|input|timeout|crash|reboot) "t_$t" ;;
	*) echo "selftest: no test $t" >&2; exit 2 ;;
	esac
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
