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
	atf_add_test_case all_passed
	atf_add_test_case pmap_boot
}
