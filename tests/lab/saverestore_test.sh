#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Suspend and resume in the lab (scenarios/saverestore.sh, xen_suspend(9)):
# xl save -c resumes the domain in place; xl save and xl restore, ten
# times in a row, each saving the domain the previous restore made, with
# xbd(4), xn(4) and balloon(4) loaded, a disk stress started before each
# save (at least one in flight across it) and one ping from dom0 running across them all: each stress
# verifies every piece, the ping answers again after each restore, uptime
# never goes back, and kldstat, devinfo and the grant, port and watch
# counters are what they were; after a restore xl mem-set still moves
# the balloon and the free pages.

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

# median: the median of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# near A B TOL WHAT: |A - B| <= TOL
near() {
	[ -n "$1" ] && [ -n "$2" ] || atf_fail "$4: no reading ('$1', '$2')"
	d=$(($1 - $2))
	[ $d -lt 0 ] && d=$((-d))
	[ $d -le $3 ] || atf_fail "$4: $1, expected $2 (within $3)"
}

atf_test_case save_cancelled
save_cancelled_head() {
	atf_set descr "xl save -c: the suspend is cancelled, the domain resumes in place with its disk and network"
}
save_cancelled_body() {
	lab_scenario saverestore
	lab_expect_line 'xen_suspend: suspend cancelled, resuming in place'
	lab_expect_line 'hw.xen.suspend.cancelled: 1'
	[ "$(lab_result_of replies_c)" -gt "$(lab_result_of replies_0)" ] ||
	    atf_fail "dom0's ping had no answer after xl save -c"
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
	atf_set descr "ten xl save and xl restore in a row, each saving the domain the previous restore made"
}
save_restore_cycles_body() {
	lab_scenario saverestore
	n=$(cycles)
	[ "$n" -ge 10 ] || atf_fail "the scenario runs $n cycles, not 10"
	lab_result_is sr_cycles "$n"
	[ "$(grep -cE '^(pvbsd> )?xen_suspend: resumed in a new domain' "$CONSOLE")" = "$n" ] ||
	    atf_fail "not $n resumes in a new domain"
	[ "$(grep -cE '^(pvbsd> )?xbd0: reconnected to /local/domain/0/backend/vbd/' "$CONSOLE")" = "$n" ] ||
	    atf_fail "xbd0 did not reconnect $n times"
	[ "$(grep -cE '^(pvbsd> )?xn0: reconnected to /local/domain/0/backend/vif/' "$CONSOLE")" = "$n" ] ||
	    atf_fail "xn0 did not reconnect $n times"
	lab_expect_line "hw.xen.suspend.resumed: $n"
	lab_expect_line "hw.xen.suspend.suspends: $((n + 1))"
	lab_expect_end poweroff
	# The times, for the record (xl save, xl restore: dom0's seconds;
	# the guest's own microseconds; restore to xen_suspend done and
	# whole cycles: dom0's centiseconds).
	echo "medians over $n cycles:" \
	    "xl save $(lab_result_of save_secs | sed 1d | median) s," \
	    "xl restore $(lab_result_of restore_secs | median) s," \
	    "guest suspend $(sed -n 's/.*xen_suspend: done (guest: \([0-9]*\) us to suspend, .*/\1/p' "$CONSOLE" | sed 1d | median) us," \
	    "guest resume $(sed -n 's/.*xen_suspend: done (guest: [0-9]* us to suspend, \([0-9]*\) us to resume)$/\1/p' "$CONSOLE" | sed 1d | median) us," \
	    "restore to resumed $(for i in $(seq "$n"); do lab_result_of resume_cs_$i; done | median) cs," \
	    "cycle $(for i in $(seq "$n"); do lab_result_of cycle_cs_$i; done | median) cs"
}

atf_test_case stress_survives
stress_survives_head() {
	atf_set descr "a disk write/verify stress in flight at each save verifies every piece after the restore"
}
stress_survives_body() {
	lab_scenario saverestore
	n=$(cycles)
	# Each over the whole disk: one a cycle, two in each cycle after
	# one that ended before its save.
	runs=$(lab_result_of stress_runs)
	[ -n "$runs" ] && [ "$runs" -ge "$n" ] ||
	    atf_fail "the scenario ran '$runs' stresses in $n cycles"
	grep -qE '^(pvbsd> )?xbd0: 16MB <Virtual Block Device> ' "$CONSOLE" ||
	    atf_fail "xbd0 is not the 16 MiB disk the stresses cover"
	[ "$(grep -cE '^(pvbsd> )?diskstress xbd0 0 16m 16 0x' "$CONSOLE")" = "$runs" ] ||
	    atf_fail "not $runs stress commands over the whole disk"
	[ "$(grep -c '^diskstress: xbd0: [0-9]* pieces written and read back at random, 16 deep: ok$' "$CONSOLE")" = "$runs" ] ||
	    atf_fail "not $runs stress runs ended ok"
	grep '^diskstress: ' "$CONSOLE" | grep -v ': ok$' &&
	    atf_fail "a stress run failed"
	# The saves that began while their stress was running, the stress
	# ending after the domain resumed in a new domain.  The guest runs
	# the stress at its pace, dom0 starts xl save at its own: one that
	# ends before its save makes the scenario run two, one after the
	# other, in each of the next cycles.
	# Since the I/O got faster most stresses end before their save (5
	# of 10 in one run), so this asks for at least one that did not: a
	# stress that runs for a set time would let it ask for all (see
	# issue 11's note).
	c=$(awk '/^(pvbsd> )?diskstress xbd0 / { run = 1; s = 0; r = 0 }
	    /^(pvbsd> )?xen_suspend: suspending devices/ && run { s = 1 }
	    /^(pvbsd> )?xen_suspend: resumed in a new domain/ && s { r = 1 }
	    /^diskstress: / { if (run && s && r) hit++; run = 0 }
	    END { print hit + 0 }' "$CONSOLE")
	echo "$c of $n stress runs were in flight across their save and restore"
	[ "$c" -ge 1 ] ||
	    atf_fail "only $c of $n stress runs were in flight across their save and restore"
}

atf_test_case ping_answers
ping_answers_head() {
	atf_set descr "one ping from dom0 runs across every cycle and answers again after each restore; the guest pings dom0 after each"
}
ping_answers_body() {
	lab_scenario saverestore
	n=$(cycles)
	for i in $(seq "$n"); do
		t=$(lab_result_of pingback_cs_$i)
		[ -n "$t" ] ||
		    atf_fail "dom0's ping had no answer after restore $i"
	done
	# One ping (the same seq series) across everything.
	[ "$(grep -c '^PING ' "$SCEN_DIR/bgping.log")" = 1 ] ||
	    atf_fail "not one ping from dom0"
	got=$(grep -c 'bytes from 10.99.0.7: seq=' "$SCEN_DIR/bgping.log")
	[ "$got" = "$(lab_result_of replies_end)" ] && [ "$got" -ge $((2 * n)) ] ||
	    atf_fail "dom0's ping: $got answers"
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
	n=$(cycles)
	set -- $(sed -n 's/^kern\.uptime_ns: //p' "$CONSOLE")
	[ $# = $((n + 2)) ] || atf_fail "uptime printed $# times, not $((n + 2))"
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
	n=$(cycles)
	for cmd in kldstat devinfo; do
		blocks "$cmd" | awk -v cmd="$cmd" -v want=$((n + 1)) 'BEGIN { k = 0 }
		    $0 == "--" { k++; next } { b[k] = b[k] $0 "\n" }
		    END { if (k != want) { print cmd ": printed " k + 1 " times"; exit 1 }
			for (i = 1; i <= k; i++) if (b[i] != b[0]) {
			    printf "%s differs after resume %d:\n%s--- first:\n%s",
				cmd, i, b[i], b[0]; exit 1 } }' ||
		    atf_fail "$cmd differs"
	done
	blocks kldstat | grep -q ' balloon\.ko$' ||
	    atf_fail "balloon.ko was not loaded in the saved domain"
	# Ports and watches exactly; grant references as the total held
	# (in use + reserved): xbd's persistent pool claims references
	# from its reservation as I/O needs pages, so the split moves.
	blocks 'sysctl hw.xen.gnttab.inuse hw.xen.gnttab.reserved hw.xen.xenstore.watches dev.evtchn.bound' |
	    awk -v want=$((n + 1)) 'BEGIN { k = 0 }
		$0 == "--" { k++; next }
		/^hw\.xen\.gnttab\.(inuse|reserved): / { g[k] += $2; next }
		{ o[k] = o[k] $0 "\n" }
		END { if (k != want) { print "counters printed " k + 1 " times"; exit 1 }
		    for (i = 1; i <= k; i++)
			if (g[i] != g[0] || o[i] != o[0] || g[0] == 0) {
			    printf "after resume %d: %d refs held, %s; first: %d, %s\n",
				i, g[i], o[i], g[0], o[0]; exit 1 } }' ||
	    atf_fail "grant, port or watch counters differ"
}

# Pages that may move between two readings of vm.stats.free besides the
# balloon's own (the monitor's and the console's buffers).
SLACK=16

atf_test_case balloon_after_restore
balloon_after_restore_head() {
	atf_set descr "after the first and the last restore, xl mem-set 16, 40, 32 moves the balloon and the free pages by the pages that moved"
}
balloon_after_restore_body() {
	lab_scenario saverestore
	n=$(cycles)
	for i in 1 "$n"; do
		t=balloon_$i
		lab_result_is ${t}_m32_current 32768
		lab_result_is ${t}_m16_current 16384
		lab_result_is ${t}_m16_target 16384
		lab_result_is ${t}_m16_xl 16
		lab_result_is ${t}_m40_current 40960
		lab_result_is ${t}_m40_target 40960
		lab_result_is ${t}_m40_xl 40
		lab_result_is ${t}_back_current 32768
		lab_result_is ${t}_back_xl 32
		f32=$(lab_result_of ${t}_m32_free)
		f16=$(lab_result_of ${t}_m16_free)
		f40=$(lab_result_of ${t}_m40_free)
		fb=$(lab_result_of ${t}_back_free)
		near $((f32 - f16)) 4096 $SLACK "restore $i: free pages given back for 16 MiB"
		near $((f40 - f16)) 6144 $SLACK "restore $i: free pages gained for 40 MiB"
		near $((f40 - fb)) 2048 $SLACK "restore $i: free pages given back for 32 MiB"
	done
	for re in 'gave back 4096 pages in .*; now 16384 KiB' \
	    'took 6144 pages in .*; now 40960 KiB' \
	    'gave back 2048 pages in .*; now 32768 KiB'; do
		c=$(grep -cE "^(pvbsd> )?balloon0: $re\$" "$CONSOLE")
		[ "$c" = 2 ] || atf_fail "$c balloon lines /$re/, expected 2"
	done
}

atf_init_test_cases() {
	atf_add_test_case save_cancelled
	atf_add_test_case save_restore_cycles
	atf_add_test_case stress_survives
	atf_add_test_case ping_answers
	atf_add_test_case time_monotonic
	atf_add_test_case state_matches
	atf_add_test_case balloon_after_restore
}
