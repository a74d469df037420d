#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# The xenbus front bus in the lab (scenario hotplug).

. "$(atf_get_srcdir)/lab.subr"

atf_test_case bus_attaches
bus_attaches_head() {
	atf_set descr "xenbusb_front attaches under the root bus"
}
bus_attaches_body() {
	lab_scenario hotplug
	lab_expect_line 'xenbusb_front0: <Xen frontend devices> on root0'
}

atf_test_case hotplug
hotplug_head() {
	atf_set descr "xl block-attach adds an unattached vbd child; block-detach removes it"
}
hotplug_body() {
	lab_scenario hotplug
	lab_expect_match 'xenbusb_front0: <vbd> at device/vbd/51728 \(no driver attached\)'
	lab_expect_line 'ktest: xenbus_hotplug: device/vbd/51728 appeared, unattached'
	lab_expect_line 'ktest: xenbus_hotplug: device/vbd/51728 removed'
	lab_expect_line 'ktest: xenbus_hotplug: PASS'
	lab_expect_end poweroff
}

atf_test_case malformed
malformed_head() {
	atf_set descr "malformed device nodes from dom0 are reported and left out"
}
malformed_body() {
	lab_scenario hotplug
	lab_expect_line 'xenbusb_front0: ignoring device/vbd/999: bad backend-id (error 22)'
	lab_expect_line 'xenbusb_front0: ignoring device/vbd/998: bad backend path (error 22)'
	lab_expect_match 'xenbusb_front0: device/vbd/997: ignoring invalid state "99" of /local/domain/0/backend/vbd/[0-9]+/997 \(error (22|34)\)'
	if grep -q '^panic:' "$CONSOLE"; then
		lab_show_console
		atf_fail "the kernel panicked"
	fi
}

atf_init_test_cases() {
	atf_add_test_case bus_attaches
	atf_add_test_case hotplug
	atf_add_test_case malformed
}
