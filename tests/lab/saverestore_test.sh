#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Suspend and resume in the lab (scenarios/saverestore.sh, xen_suspend(9)):
# xl save -c resumes the domain in place; xl save and xl restore, several
# times in a row, each saving the domain the previous restore made, with
# xbd(4) and xn(4) loaded, a disk stress and a ping running: the stress
# verifies every piece, ping answers again, uptime never goes back, and
# kldstat, devinfo and the grant, port and watch counters are what they
# were.

. "$(atf_get_srcdir)/lab.subr"

lab_result_of() {
	sed -n "s/^$1 //p" "$SCEN_DIR/results"
}

# blocks CMD: each block of output of monitor command CMD (its lines up to
# the next prompt), separated by a line "--"
blocks() {
	awk -v cmd="$1" '
	    $0 == "pvbsd> " cmd || $0 == cmd { on = 1; if (n++) print "--"; next }
	    /^pvbsd> / { on = 0 }
	    on { print }' "$CONSOLE"
}

# The number of save/restore cycles the scenario meant to run.
cycles() {
	sed -n 's/^SR_CYCLES=\${SR_CYCLES:-\([0-9]*\)}$/\1/p' \
	    "$SRCTOP/tests/lab/scenarios/saverestore.sh"
}

atf_test_case save_cancelled
save_cancelled_head() {
	atf_set descr "xl save -c: the suspend is cancelled, the domain resumes in place with its disk and network"
}
save_cancelled_body() {
	lab_scenario saverestore
	lab_expect_line 'xen_suspend: suspend cancelled, resuming in place'
	lab_expect_line 'hw.xen.suspend.cancelled: 1'
	[ "$(lab_result_of dom0_ping_c)" = ok ] ||
	    atf_fail "dom0 could not ping the guest after xl save -c"
	lab_expect_line 'diskverify: xbd0: 65536 bytes at 0 match seed 0x005c'
	# Nothing reconnected: no driver printed "reconnected" before the
	# first restore.
	first=$(grep -nE -m 1 '^(pvbsd> )?xen_suspend: resumed in a new domain' \
	    "$CONSOLE" | cut -d: -f1)
	[ -n "$first" ] || atf_fail "no restore happened"
	head -n "$first" "$CONSOLE" | grep -q 'reconnected to' &&
	    atf_fail "a driver reconnected after a cancelled suspend"
	return 0
}

atf_test_case save_restore_cycles
save_restore_cycles_head() {
	atf_set descr "xl save and xl restore in a row, each saving the domain the previous restore made"
}
save_restore_cycles_body() {
	lab_scenario saverestore
	n=$(cycles)
	[ "$(lab_result_of sr_cycles)" = "$n" ] ||
	    atf_fail "$(lab_result_of sr_cycles) of $n cycles ran"
	[ "$(grep -cE '^(pvbsd> )?xen_suspend: resumed in a new domain' "$CONSOLE")" = "$n" ] ||
	    atf_fail "not $n resumes in a new domain"
	[ "$(grep -cE '^(pvbsd> )?xbd0: reconnected to /local/domain/0/backend/vbd/' "$CONSOLE")" = "$n" ] ||
	    atf_fail "xbd0 did not reconnect $n times"
	[ "$(grep -cE '^(pvbsd> )?xn0: reconnected to /local/domain/0/backend/vif/' "$CONSOLE")" = "$n" ] ||
	    atf_fail "xn0 did not reconnect $n times"
	lab_expect_line "hw.xen.suspend.resumed: $n"
	lab_expect_end poweroff
}

atf_test_case stress_survives
stress_survives_head() {
	atf_set descr "a disk write/verify stress running across each save and restore verifies every piece"
}
stress_survives_body() {
	lab_scenario saverestore
	n=$(cycles)
	[ "$(grep -c '^diskstress: xbd0: [0-9]* pieces written and read back at random, 16 deep: ok$' "$CONSOLE")" = "$n" ] ||
	    atf_fail "not $n stress runs ended ok"
	grep '^diskstress: ' "$CONSOLE" | grep -v ': ok$' &&
	    atf_fail "a stress run failed"
	# At least one stress was still running when its save began.
	awk '/^diskstress xbd0 / || /> diskstress xbd0 / { run = 1 }
	    /^diskstress: / { run = 0 }
	    /^xen_suspend: suspending devices/ && run { hit = 1 }
	    END { exit !hit }' "$CONSOLE" ||
	    atf_fail "no save overlapped a stress run"
}

atf_test_case ping_answers
ping_answers_head() {
	atf_set descr "after every restore dom0 pings the guest and the guest pings dom0; the ping running across it answers again"
}
ping_answers_body() {
	lab_scenario saverestore
	n=$(cycles)
	i=1
	while [ $i -le "$n" ]; do
		[ "$(lab_result_of dom0_ping_$i)" = ok ] ||
		    atf_fail "dom0 could not ping the guest after restore $i"
		bg=$(lab_result_of bgping_$i)
		got=$(echo "$bg" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
		[ -n "$got" ] && [ "$got" -ge 10 ] ||
		    atf_fail "ping across restore $i: $bg"
		i=$((i + 1))
	done
	# 1 before, 1 after xl save -c, n after the restores.
	c=$(grep -c '^2 packets transmitted, 2 packets received, 0.0% packet loss$' "$CONSOLE")
	[ "$c" = $((n + 2)) ] ||
	    atf_fail "the guest's pings to dom0 succeeded $c times, expected $((n + 2))"
}

atf_test_case time_monotonic
time_monotonic_head() {
	atf_set descr "kern.uptime_ns never goes back across save/restore; the wall clock does not either"
}
time_monotonic_body() {
	lab_scenario saverestore
	set -- $(sed -n 's/^kern\.uptime_ns: //p' "$CONSOLE")
	[ $# -ge 3 ] || atf_fail "uptime printed $# times"
	prev=0
	for u; do
		[ "$u" -gt "$prev" ] || atf_fail "uptime went from $prev to $u"
		prev=$u
	done
	set -- $(sed -n 's/^kern\.wallclock: //p' "$CONSOLE")
	prev=0
	for w; do
		[ "$w" -ge "$prev" ] || atf_fail "wall clock went from $prev to $w"
		prev=$w
	done
}

atf_test_case state_matches
state_matches_head() {
	atf_set descr "kldstat, devinfo, ports, watches and grant references held after each resume equal those before"
}
state_matches_body() {
	lab_scenario saverestore
	for cmd in kldstat devinfo; do
		blocks "$cmd" | awk -v cmd="$cmd" 'BEGIN { k = 0 }
		    $0 == "--" { k++; next } { b[k] = b[k] $0 "\n" }
		    END { if (k < 2) { print cmd ": printed " k + 1 " times"; exit 1 }
			for (i = 1; i <= k; i++) if (b[i] != b[0]) {
			    printf "%s differs after resume %d:\n%s--- first:\n%s",
				cmd, i, b[i], b[0]; exit 1 } }' ||
		    atf_fail "$cmd differs"
	done
	# Ports and watches exactly; grant references as the total held
	# (in use + reserved): xbd's persistent pool claims references
	# from its reservation as I/O needs pages, so the split moves.
	blocks 'sysctl hw.xen.gnttab.inuse hw.xen.gnttab.reserved hw.xen.xenstore.watches dev.evtchn.bound' |
	    awk 'BEGIN { k = 0 }
		$0 == "--" { k++; next }
		/^hw\.xen\.gnttab\.(inuse|reserved): / { g[k] += $2; next }
		{ o[k] = o[k] $0 "\n" }
		END { if (k < 2) { print "counters printed " k + 1 " times"; exit 1 }
		    for (i = 1; i <= k; i++)
			if (g[i] != g[0] || o[i] != o[0] || g[0] == 0) {
			    printf "after resume %d: %d refs held, %s; first: %d, %s\n",
				i, g[i], o[i], g[0], o[0]; exit 1 } }' ||
	    atf_fail "grant, port or watch counters differ"
}

atf_init_test_cases() {
	atf_add_test_case save_cancelled
	atf_add_test_case save_restore_cycles
	atf_add_test_case stress_survives
	atf_add_test_case ping_answers
	atf_add_test_case time_monotonic
	atf_add_test_case state_matches
}
