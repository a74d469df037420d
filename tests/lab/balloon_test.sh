#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# balloon(4) in the lab (scenario balloon: memory=32 maxmem=64): the pfn
# space covers maxmem, xl mem-set 16 and 48 move the guest's free pages
# by the pages that moved and show in xl list, a target below the floor
# is refused and clamped, 20 cycles lose no page, garbage targets are
# refused, and the module loads and unloads cleanly.

. "$(atf_get_srcdir)/lab.subr"

# res KEY: a value the scenario recorded
res() {
	awk -v k="$1" '$1 == k { print $2 }' "$SCEN_DIR/results"
}

# near A B TOL WHAT: |A - B| <= TOL
near() {
	[ -n "$1" ] && [ -n "$2" ] || atf_fail "$4: no reading ('$1', '$2')"
	d=$(($1 - $2))
	[ $d -lt 0 ] && d=$((-d))
	[ $d -le $3 ] || atf_fail "$4: $1, expected $2 (within $3)"
}

# Pages that may move between two readings of vm.stats.free besides the
# balloon's own (the monitor's and the console's buffers).
SLACK=16

atf_test_case attach
attach_head() {
	atf_set descr "the pfn space covers maxmem; kldload attaches balloon0 with 8192 pages unbacked"
}
attach_body() {
	lab_scenario balloon
	lab_expect_line 'pmap: pfn space 16384 pages (memory map 16384, boot 8192)'
	lab_expect_match 'pmap: 8192 pages above the boot memory start unbacked \(p2m moved to pfn 0x[0-9a-f]+, 32 pages\)'
	lab_expect_match '(pvbsd> )?balloon0: <Xen memory balloon> on root0'
	lab_expect_match '(pvbsd> )?balloon0: 32768 KiB now, 65536 KiB at most, floor [0-9]+ KiB \(in use \+ 2048 KiB free\); 8192 pages unbacked'
	[ "$(res m32_current)" = 32768 ] ||
	    atf_fail "hw.balloon.current $(res m32_current), not 32768"
	[ "$(res m32_xl)" = 32 ] || atf_fail "xl list says $(res m32_xl) MiB"
}

atf_test_case mem_set
mem_set_head() {
	atf_set descr "xl mem-set 32 -> 16 -> 48: free pages move by 4096 and 8192, xl list shows 16 and 48"
}
mem_set_body() {
	lab_scenario balloon
	lab_expect_match '(pvbsd> )?balloon0: gave back 4096 pages in [0-9]+\.[0-9]{3} ms \([0-9]+ pages/s\); now 16384 KiB'
	lab_expect_match '(pvbsd> )?balloon0: took 8192 pages in [0-9]+\.[0-9]{3} ms \([0-9]+ pages/s\); now 49152 KiB'
	[ "$(res m16_current)" = 16384 ] ||
	    atf_fail "at 16 MiB hw.balloon.current is $(res m16_current)"
	[ "$(res m48_current)" = 49152 ] ||
	    atf_fail "at 48 MiB hw.balloon.current is $(res m48_current)"
	near $(($(res m32_free) - $(res m16_free))) 4096 $SLACK \
	    "free pages given back for 16 MiB"
	near $(($(res m48_free) - $(res m16_free))) 8192 $SLACK \
	    "free pages gained for 48 MiB"
	[ "$(res m16_xl)" = 16 ] || atf_fail "xl list says $(res m16_xl) MiB, not 16"
	[ "$(res m48_xl)" = 48 ] || atf_fail "xl list says $(res m48_xl) MiB, not 48"
	# Within a bound: each move, xl mem-set to the guest's line, < 60 s
	# on a loaded TCG lab.
	[ "$(res down16_cs)" -lt 6000 ] || atf_fail "32 -> 16 took $(res down16_cs) cs"
	[ "$(res up48_cs)" -lt 6000 ] || atf_fail "16 -> 48 took $(res up48_cs) cs"
	echo "rate: $(res rate_down) pages/s down, $(res rate_up) pages/s up;" \
	    "xl mem-set to done: $(res down16_cs) cs down 4096, $(res up48_cs) cs up 8192"
	[ "$(res rate_down)" -gt 0 ] && [ "$(res rate_up)" -gt 0 ] ||
	    atf_fail "no rate: down '$(res rate_down)', up '$(res rate_up)'"
}

atf_test_case floor
floor_head() {
	atf_set descr "xl mem-set 2 is refused below the floor with a message; the domain stops at the floor"
}
floor_body() {
	lab_scenario balloon
	lab_expect_match '(pvbsd> )?balloon0: refusing to go below the floor of [0-9]+ KiB \(memory/target 2048 KiB\)'
	said=$(sed -n 's/.*balloon0: refusing to go below the floor of \([0-9]*\) KiB (memory\/target 2048 KiB)$/\1/p' "$CONSOLE" | head -n 1)
	cur=$(res floor_current)
	low=$(res floor_low)
	[ -n "$said" ] && [ -n "$cur" ] && [ -n "$low" ] ||
	    atf_fail "no readings: said '$said', current '$cur', low '$low'"
	[ "$cur" -ge "$low" ] || atf_fail "below the floor: $cur KiB < $low KiB"
	[ "$cur" -ge 2048 ] && [ "$cur" -lt 16384 ] ||
	    atf_fail "at the floor the domain has $cur KiB"
	near "$cur" "$said" 64 "the domain's size at the floor (KiB)"
	[ "$(res before_current)" = 32768 ] ||
	    atf_fail "back at 32 MiB hw.balloon.current is $(res before_current)"
}

atf_test_case cycles
cycles_head() {
	atf_set descr "20 cycles 32 -> 24 -> 32 MiB leave the free pages where they were"
}
cycles_body() {
	lab_scenario balloon
	[ "$(res cycles)" = 20 ] || atf_fail "$(res cycles) cycles ran"
	n=$(grep -cE 'balloon0: gave back 2048 pages in .*; now 24576 KiB$' "$CONSOLE")
	[ "$n" -ge 20 ] || atf_fail "$n moves down to 24 MiB seen"
	[ "$(res after_current)" = 32768 ] ||
	    atf_fail "after the cycles hw.balloon.current is $(res after_current)"
	near "$(res after_free)" "$(res before_free)" 4 \
	    "free pages after 20 cycles"
}

atf_test_case garbage
garbage_head() {
	atf_set descr "garbage, negative, empty, huge targets in memory/target are refused and change nothing"
}
garbage_body() {
	lab_scenario balloon
	for v in abc -4096 0x4000 '16384 '; do
		lab_expect_match "(pvbsd> )?balloon0: refusing memory/target \"$v\": not a decimal number of KiB"
	done
	lab_expect_match '(pvbsd> )?balloon0: refusing memory/target "": empty'
	lab_expect_match '(pvbsd> )?balloon0: refusing memory/target "99999999999999999999": too large'
	lab_expect_match '(pvbsd> )?balloon0: refusing memory/target 99999999 KiB: above the most this domain can hold, 65536 KiB'
	[ "$(res refused)" = 7 ] || atf_fail "hw.balloon.refused is $(res refused)"
	[ "$(res garbage_current)" = 32768 ] ||
	    atf_fail "after garbage hw.balloon.current is $(res garbage_current)"
	near "$(res garbage_free)" "$(res after_free)" $SLACK \
	    "free pages after garbage targets"
}

atf_test_case unload
unload_head() {
	atf_set descr "kldunload gives the held pages back as far as Xen's cap allows; reload and unload again"
}
unload_body() {
	lab_scenario balloon
	lab_expect_match '(pvbsd> )?balloon0: detached: took back [0-9]+ of [0-9]+ pages.*; now [0-9]+ KiB'
	n=$(grep -cE 'balloon0: detached: ' "$CONSOLE")
	[ "$n" = 2 ] || atf_fail "$n detach lines, expected 2"
	n=$(grep -cE 'balloon0: [0-9]+ KiB now, 65536 KiB at most' "$CONSOLE")
	[ "$n" = 2 ] || atf_fail "$n attach lines, expected 2"
	lab_expect_line 'pvbsd> shutdown -p'
	lab_expect_end poweroff
}

atf_init_test_cases() {
	atf_add_test_case attach
	atf_add_test_case mem_set
	atf_add_test_case floor
	atf_add_test_case cycles
	atf_add_test_case garbage
	atf_add_test_case unload
}
