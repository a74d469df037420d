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

# lab_line_no ERE: the number of the first console line matching the ERE
lab_line_no() {
	grep -nxE -- "$1" "$CONSOLE" | head -n 1 | cut -d: -f1
}

atf_test_case attach_sleeps
attach_sleeps_head() {
	atf_set descr "an attach that sleeps 500 ms runs in the bus's task thread and does not stall the watch thread"
}
attach_sleeps_body() {
	lab_scenario xbtest
	lab_expect_line 'xbtest0: <xenbus hot-plug test device> at device/xbtest/1 on xenbusb_front0'
	lab_expect_line 'xbtest0: attach start (device/xbtest/1) in thread xenbusb_front0'
	lab_expect_line 'xbtest0: planting device/xbtest/2'
	lab_expect_match 'xbtest0: attach end after (4[5-9][0-9]|[5-9][0-9]{2}|[0-9]{4,}) ms'
	lab_expect_line 'xenbusb_front0: device/xbtest/2 appeared, attach queued'
	lab_expect_line 'xbtest1: attach start (device/xbtest/2) in thread xenbusb_front0'
	# The watch thread saw the second device while the first attach
	# slept; had attach run in the watch thread, it could not have.
	seen=$(lab_line_no 'xenbusb_front0: device/xbtest/2 appeared, attach queued')
	planting=$(lab_line_no 'xbtest0: planting device/xbtest/2')
	end0=$(lab_line_no 'xbtest0: attach end after [0-9]+ ms')
	start1=$(lab_line_no 'xbtest1: attach start .*')
	echo "planting at line $planting, seen at $seen, first attach ended at $end0, second started at $start1"
	if [ "$seen" -le "$planting" ] || [ "$seen" -ge "$end0" ]; then
		lab_show_console
		atf_fail "device/xbtest/2 was not seen during the first attach"
	fi
	if [ "$start1" -le "$end0" ]; then
		lab_show_console
		atf_fail "the second attach began before the first ended"
	fi
	# (after the prompt, if the monitor had printed one)
	lab_expect_match '(pvbsd> )?xbtest0: detached'
	lab_expect_match '(pvbsd> )?xbtest1: detached'
	lab_expect_end poweroff
}

atf_init_test_cases() {
	atf_add_test_case attach_sleeps
	atf_add_test_case bus_attaches
	atf_add_test_case hotplug
	atf_add_test_case malformed
}
