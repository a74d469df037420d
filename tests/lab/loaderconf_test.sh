#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Variables from boot/loader.conf in a real domU, driven from dom0 by
# scenarios/loaderconf.sh (loader.conf(5), kern_getenv(9)): xn(4) loaded
# at boot takes its address from loader.conf's ifconfig_xn0 and answers
# dom0's ping, again after kldunload and kldload; the command line wins
# over loader.conf; malformed lines are reported and skipped.

. "$(atf_get_srcdir)/lab.subr"

# The prompt may precede a line printed while it was showing.
P='(pvbsd> )?'

atf_test_case ifconfig_from_loader_conf
ifconfig_from_loader_conf_head() {
	atf_set descr "ifconfig_xn0 in loader.conf configures xn0 at boot and at a later kldload; dom0 pings it"
}
ifconfig_from_loader_conf_body() {
	lab_scenario loaderconf
	lab_expect_end poweroff
	lab_expect_match 'kld: xn\.ko loaded from the preload image \(id [0-9]+\)'
	n=$(lab_count "${P}xn0: configured from ifconfig_xn0: inet 10\\.99\\.0\\.9/24")
	[ "$n" = 2 ] || atf_fail "xn0 configured from loader.conf $n times, expected 2 (boot, kldload)"
	lab_result_is dom0_ping_boot ok
	lab_result_is dom0_ping_reload ok
	lab_expect_line 'ifconfig_xn0="inet 10.99.0.9/24" (loader.conf)'
}

atf_test_case command_line_wins
command_line_wins_head() {
	atf_set descr "a variable set on the command line keeps its value over loader.conf's"
}
command_line_wins_body() {
	lab_scenario loaderconf
	lab_expect_match "kenv: boot/loader\\.conf:[0-9]+: kenvtest is set on the command line; the command line's value is kept"
	lab_expect_line 'kenvtest="from the command line" (command line)'
}

atf_test_case bad_lines_skipped
bad_lines_skipped_head() {
	atf_set descr "malformed loader.conf lines are reported with their number and skipped; the lines after them are read"
}
bad_lines_skipped_body() {
	lab_scenario loaderconf
	lab_expect_match 'kenv: boot/loader\.conf:[0-9]+: control or non-ASCII character in the value'
	lab_expect_match 'kenv: boot/loader\.conf:[0-9]+: a FreeBSD loader module directive pvbsd does not have; ignored'
	lab_expect_line 'kenv: boot/loader.conf: 2 lines skipped'
	lab_expect_line 'kenv: unable to find bad_value'
	# The last line of the file, after the bad ones.
	lab_expect_line 'loader.conf'
}

atf_init_test_cases() {
	atf_add_test_case ifconfig_from_loader_conf
	atf_add_test_case command_line_wins
	atf_add_test_case bad_lines_skipped
}
