#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# The in-kernel tests (ktest=all) run under real Xen in a 32 MiB domU; one
# case per kernel test, each matching its exact PASS line.

. "$(atf_get_srcdir)/lab.subr"

# ktest_case NAME DESCRIPTION: a case that needs "ktest: NAME: PASS"
ktest_case() {
	eval "atf_test_case $1
	$1_head() { atf_set descr \"$2\"; }
	$1_body() { lab_scenario ktest; lab_expect_line 'ktest: $1: PASS'; }"
}

ktest_case vm_page_all_twice "every free page can be allocated and freed, twice"
ktest_case pmap_protect_fault "a write to a write-protected kernel page faults and is caught"
ktest_case pmap_bulk "bulk mapping makes at least 32 mmu_update operations per hypercall"
ktest_case malloc_sizes "malloc and free of every size class balance the type's counters"
ktest_case malloc_exhaustion "M_NOWAIT returns NULL at exhaustion and empty slabs go back"
ktest_case callout_200ms "a 200 ms callout fires on time: never early, at most 150 ms late (timecounter)"
ktest_case callout_order "callouts run in deadline order and callout_stop cancels"
ktest_case sched_pingpong "two threads ping-pong 10000 times through sleep and wakeup"
ktest_case fpu_separate "the FPU state of two threads stays separate (lazy switch)"
ktest_case mutex_exclusion "a sleep mutex excludes three threads that yield while holding it"
ktest_case sleep_timeout "tsleep with a timeout returns EWOULDBLOCK after 50 ms"
ktest_case thread_exit_reaps "exited threads give back their stacks and memory"
ktest_case evtchn_loopback "a loopback event channel pair counts every notification exactly once"
ktest_case gnttab_exhaust "grants to dom0 grow the table to its maximum, then all are revoked"
ktest_case gnttab_reserve "100 reserved references are all claimed while another consumer exhausts the table"
ktest_case gnttab_buffer "a buffer spanning pages gets one reference per page, each with its page's frame"

atf_test_case callout_vs_dom0
callout_vs_dom0_head() {
	atf_set descr "the 200 ms callout agrees with dom0's clock"
}
callout_vs_dom0_body() {
	lab_scenario clock
	lab_expect_line 'ktest: callout_200ms: PASS'
	# The guest's wall clock (from shared_info) against dom0's date.
	guest=$(sed -n 's/^ktest: callout_200ms: armed at wall clock \([0-9]*\)\..*/\1/p' "$CONSOLE")
	dom0=$(sed -n 's/^dom0_wall //p' "$SCEN_DIR/results")
	[ -n "$guest" ] && [ -n "$dom0" ] || atf_fail "no wall clock readings ($guest, $dom0)"
	diff=$((guest - dom0)); [ $diff -lt 0 ] && diff=$((-diff))
	[ $diff -le 3 ] || atf_fail "guest wall clock $guest, dom0 $dom0"
	# dom0 saw "armed" and "fired" in order, not far apart.  It finds
	# the lines by polling the console log under TCG, which adds up to
	# a second or so, so this only bounds the interval coarsely; the
	# precise check is the timecounter's, in callout_200ms.
	ms=$(sed -n 's/^dom0_interval_ms //p' "$SCEN_DIR/results")
	[ -n "$ms" ] || atf_fail "dom0 did not time the callout"
	[ "$ms" -ge 0 ] && [ "$ms" -le 3000 ] ||
	    atf_fail "dom0 measured $ms ms between armed and fired"
}

atf_test_case all_passed
all_passed_head() {
	atf_set descr "no in-kernel test failed and the domain powered off"
}
all_passed_body() {
	lab_scenario ktest
	lab_expect_match 'ktest: [1-9][0-9]* passed, 0 failed'
	lab_expect_end poweroff
}

atf_test_case pmap_boot
pmap_boot_head() {
	atf_set descr "the direct map is built and the p2m published at boot"
}
pmap_boot_body() {
	lab_scenario ktest
	lab_expect_match 'pmap: direct map of 8192 pages at 0xffff880000000000, [0-9]+ table pages; bootstrap area [0-9]+ pages, [0-9]+ unmapped'
	lab_expect_match 'pmap: p2m published for the toolstack \(16 frames, 1 lists\)'
}

atf_init_test_cases() {
	atf_add_test_case vm_page_all_twice
	atf_add_test_case pmap_protect_fault
	atf_add_test_case pmap_bulk
	atf_add_test_case malloc_sizes
	atf_add_test_case malloc_exhaustion
	atf_add_test_case callout_200ms
	atf_add_test_case callout_order
	atf_add_test_case sched_pingpong
	atf_add_test_case fpu_separate
	atf_add_test_case mutex_exclusion
	atf_add_test_case sleep_timeout
	atf_add_test_case thread_exit_reaps
	atf_add_test_case evtchn_loopback
	atf_add_test_case gnttab_exhaust
	atf_add_test_case gnttab_reserve
	atf_add_test_case gnttab_buffer
	atf_add_test_case callout_vs_dom0
	atf_add_test_case all_passed
	atf_add_test_case pmap_boot
}
