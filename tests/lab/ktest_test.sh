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
ktest_case sched_upcall_preempt "a more urgent thread woken by an event handler runs on the upcall's way out, before the interrupted loop goes on"
ktest_case sched_idle_poll "a wakeup 2 ms after the vCPU goes idle is taken in the idle poll, 20 times without one block"
ktest_case fpu_separate "the FPU state of two threads stays separate (lazy switch)"
ktest_case mutex_exclusion "a sleep mutex excludes three threads that yield while holding it"
ktest_case sleep_timeout "tsleep with a timeout returns EWOULDBLOCK after 50 ms"
ktest_case thread_exit_reaps "exited threads give back their stacks and memory"
ktest_case evtchn_loopback "a loopback event channel pair counts every notification exactly once"
ktest_case gnttab_exhaust "grants to dom0 grow the table to its maximum, then all are revoked"
ktest_case gnttab_reserve "100 reserved references are all claimed while another consumer exhausts the table"
ktest_case gnttab_buffer "a buffer spanning pages gets one reference per page, each with its page's frame"
ktest_case taskq_event "a task enqueued from a callout runs once in the queue's own thread"
ktest_case taskq_drain "drain waits for a task that sleeps 100 ms; cancel, priorities, timeout tasks"
ktest_case taskq_free "freeing a queue runs its queued tasks, refuses more and reaps the thread"
ktest_case sx_shared "two readers hold an sx lock at once"
ktest_case sx_exclusive "writers sleeping under an sx lock exclude each other and readers"
ktest_case sx_fair "a writer is not starved by overlapping readers, nor readers by it"
ktest_case sx_try "sx try, upgrade and downgrade"
ktest_case xen_mem_balloon "64 pages go back to Xen and are populated again: Xen's count and ours move by 64, p2m and m2p agree"

atf_test_case gnttab_max_frames
gnttab_max_frames_head() {
	atf_set descr "at exhaustion the grant table has as many frames as GNTTABOP_query_size's maximum"
}
gnttab_max_frames_body() {
	lab_scenario ktest
	lab_expect_line 'ktest: gnttab_exhaust: PASS'
	lab_expect_match 'ktest: gnttab_exhaust: Xen says ([1-9][0-9]*) of at most \1 frames'
	lab_expect_match 'ktest: gnttab_exhaust: [0-9]+ grants in ([0-9]+) frames \([0-9]+ at boot, at most \1\) before 28'
}

atf_test_case callout_vs_dom0
callout_vs_dom0_head() {
	atf_set descr "the 200 ms callout agrees with dom0's clock: wall clock within 3 s, 30 callouts in a row timed by dom0 within 25%"
}
callout_vs_dom0_body() {
	lab_scenario clock
	lab_expect_line 'ktest: callout_200ms: PASS'
	# The guest's wall clock (from shared_info) against dom0's date.
	guest=$(sed -n 's/^ktest: callout_dom0: arming .* at wall clock \([0-9]*\)\..*/\1/p' "$CONSOLE")
	dom0=$(sed -n 's/^dom0_wall //p' "$SCEN_DIR/results")
	[ -n "$guest" ] && [ -n "$dom0" ] || atf_fail "no wall clock readings ($guest, $dom0)"
	diff=$((guest - dom0)); [ $diff -lt 0 ] && diff=$((-diff))
	[ $diff -le 3 ] || atf_fail "guest wall clock $guest, dom0 $dom0"
	lab_expect_line 'ktest: callout_dom0: PASS'
	# dom0 noted when the lines of callout_dom0 showed up in xenconsoled's
	# log, polling it: over 30 200 ms callouts in a row its interval and
	# the guest's must agree within 25%.  (Over the first callout alone
	# the polling is too coarse under emulation; that one is printed.)
	guest=$(sed -n 's/^ktest: callout_dom0: 30 callouts fired, \([0-9]*\) us since the line before$/\1/p' "$CONSOLE")
	first=$(sed -n 's/^ktest: callout_dom0: the first fired, \([0-9]*\) us since the line before$/\1/p' "$CONSOLE")
	ms=$(sed -n 's/^dom0_chain_ms //p' "$SCEN_DIR/results")
	one=$(sed -n 's/^dom0_first_ms //p' "$SCEN_DIR/results")
	[ -n "$guest" ] || atf_fail "the guest did not time its callouts"
	[ -n "$ms" ] || atf_fail "dom0 did not time the callouts"
	guest=$((guest / 1000))
	echo "30 callouts of 200 ms: guest $guest ms, dom0 $ms ms; the first: guest $((${first:-0} / 1000)) ms, dom0 ${one:-?} ms"
	[ "$guest" -ge 6000 ] || atf_fail "the guest measured $guest ms for 30 200 ms callouts"
	[ $((ms * 4)) -ge $((guest * 3)) ] && [ $((ms * 4)) -le $((guest * 5)) ] ||
	    atf_fail "dom0 measured $ms ms, the guest $guest ms: more than 25% apart"
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
	atf_add_test_case sched_upcall_preempt
	atf_add_test_case sched_idle_poll
	atf_add_test_case fpu_separate
	atf_add_test_case mutex_exclusion
	atf_add_test_case sleep_timeout
	atf_add_test_case thread_exit_reaps
	atf_add_test_case evtchn_loopback
	atf_add_test_case gnttab_exhaust
	atf_add_test_case gnttab_reserve
	atf_add_test_case gnttab_buffer
	atf_add_test_case gnttab_max_frames
	for t in taskq_event taskq_drain taskq_free sx_shared sx_exclusive \
	    sx_fair sx_try; do
		atf_add_test_case $t
	done
	atf_add_test_case xen_mem_balloon
	atf_add_test_case callout_vs_dom0
	atf_add_test_case all_passed
	atf_add_test_case pmap_boot
}
