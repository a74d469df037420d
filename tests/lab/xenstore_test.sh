#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# The xenstore client against dom0's real xenstored (scenario xenstore).

. "$(atf_get_srcdir)/lab.subr"

atf_test_case connect
connect_head() {
	atf_set descr "the kernel connects to xenstore and reads its domid"
}
connect_body() {
	lab_scenario xenstore
	lab_expect_match 'xenstore: ring at pfn 0x[0-9a-f]+, event channel [0-9]+, domain [1-9][0-9]*'
}

atf_test_case basic
basic_head() {
	atf_set descr "write, read, directory, rm, and errno values for xenstored's errors"
}
basic_body() {
	lab_scenario xenstore
	lab_expect_line 'ktest: xenstore_basic: PASS'
	lab_expect_match 'ktest: xenstore_basic: [0-9]+ us per read round trip \(100 reads\)'
}

atf_test_case transaction
transaction_head() {
	atf_set descr "a transaction commits both of its writes"
}
transaction_body() {
	lab_scenario xenstore
	lab_expect_line 'ktest: xenstore_transaction: PASS'
}

atf_test_case guest_to_dom0
guest_to_dom0_head() {
	atf_set descr "a value the guest writes is read by dom0's xenstore-read"
}
guest_to_dom0_body() {
	lab_scenario xenstore
	v=$(sed -n 's/^guest_wrote //p' "$SCEN_DIR/results")
	[ "$v" = "guest-says-hi" ] || atf_fail "dom0 read '$v'"
}

atf_test_case dom0_to_guest
dom0_to_guest_head() {
	atf_set descr "a value dom0 writes reaches the guest through a watch"
}
dom0_to_guest_body() {
	lab_scenario xenstore
	lab_expect_match 'ktest: xenstore_dom0: dom0 wrote "dom0-says-42" \([1-9][0-9]* watch events\)'
	lab_expect_line 'ktest: xenstore_dom0: PASS'
	lab_expect_end poweroff
}

atf_init_test_cases() {
	atf_add_test_case connect
	atf_add_test_case basic
	atf_add_test_case transaction
	atf_add_test_case guest_to_dom0
	atf_add_test_case dom0_to_guest
}
