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
	atf_set descr "a transaction commits both of its writes; an aborted one's write is not there"
}
transaction_body() {
	lab_scenario xenstore
	lab_expect_line 'ktest: xenstore_transaction: PASS'
}

atf_test_case transaction_isolation
transaction_isolation_head() {
	atf_set descr "dom0 changes a node a transaction read: the commit fails with EAGAIN, the retry commits"
}
transaction_isolation_body() {
	lab_scenario xenstore
	lab_expect_line 'ktest: xenstore_tx_dom0: transaction read tx-x = guest-0; waiting for dom0 to change it'
	lab_expect_line "ktest: xenstore_tx_dom0: commit after dom0's write: EAGAIN"
	lab_expect_line 'ktest: xenstore_tx_dom0: the retry read tx-x = dom0-changed'
	lab_expect_line 'ktest: xenstore_tx_dom0: retry: committed'
	lab_expect_line 'ktest: xenstore_tx_dom0: PASS'
	v=$(sed -n 's/^tx_committed //p' "$SCEN_DIR/results")
	[ "$v" = "dom0-changed" ] || atf_fail "dom0 read tx-y = '$v'"
}

atf_test_case transaction_abort
transaction_abort_head() {
	atf_set descr "an aborted transaction's write is visible neither to the guest nor to dom0"
}
transaction_abort_body() {
	lab_scenario xenstore
	lab_expect_line "ktest: xenstore_tx_dom0: aborted transaction's write is not there"
	v=$(sed -n 's/^tx_aborted //p' "$SCEN_DIR/results")
	[ "$v" = "absent" ] || atf_fail "dom0 finds tx-z: '$v'"
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
	atf_add_test_case transaction_isolation
	atf_add_test_case transaction_abort
	atf_add_test_case guest_to_dom0
	atf_add_test_case dom0_to_guest
}
