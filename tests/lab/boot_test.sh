#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# First boot: pvbsd started by xl as a PV domU of real Xen in the lab.
# Each case reads one scenario's console and end reason; the scenarios run
# in two lab boots side by side (see run_scenarios.sh).

. "$(atf_get_srcdir)/lab.subr"

atf_test_case banner
banner_head() {
	atf_set descr "the kernel prints its banner and powers off cleanly from the monitor"
}
banner_body() {
	lab_scenario boot
	lab_expect_match 'pvbsd [0-9]+\.[0-9]+ \(PVBSD\) amd64 on Xen 4\.17(\.[0-9]+)?'
	lab_expect_end poweroff
}

atf_test_case start_info
start_info_head() {
	atf_set descr "start_info facts: magic, memory, p2m checked against the m2p"
}
start_info_body() {
	lab_scenario boot
	lab_expect_match 'start_info: "xen-3\.0-x86_64", flags 0x[0-9a-f]+|start_info: "xen-3\.0-x86_64", flags 0'
	lab_expect_match 'memory: 8192 pages \(32 MiB\), p2m list at 0xffffffff8[0-9a-f]+'
	lab_expect_line 'p2m: 8192 entries agree with the m2p'
	lab_expect_match 'console: mfn 0x[0-9a-f]+, event channel [1-9][0-9]*'
	lab_expect_match 'ksyms: [1-9][0-9]* symbols, [1-9][0-9]* bytes of strings'
}

atf_test_case cmdline
cmdline_head() {
	atf_set descr "xl's extra= arrives as the kernel command line"
}
cmdline_body() {
	lab_scenario boot
	lab_expect_line 'command line: "lab.marker=hello-from-the-lab"'
}

atf_test_case console_drained
console_drained_head() {
	atf_set descr "the console ring is drained before the domain powers off"
}
console_drained_body() {
	lab_scenario boot
	lab_expect_line 'pvbsd: boot sequence complete'
	lab_expect_line 'pvbsd> shutdown -p'
	last=$(tail -n 1 "$CONSOLE")
	if [ "$last" != "Powering off..." ]; then
		lab_show_console
		atf_fail "last console line is '$last'"
	fi
}

atf_test_case pagefault
pagefault_head() {
	atf_set descr "a kernel page fault is reported with a backtrace, then the domain crashes"
}
pagefault_body() {
	lab_scenario pagefault
	lab_expect_line 'Fatal trap 14: page fault while in kernel mode'
	lab_expect_match 'fault virtual address[[:space:]]+= 0xffff8a0000001000 \(read, page not present\)'
	lab_expect_match '#0 0xffffffffc[0-9a-f]+ at trap_test_touch\+0x[0-9a-f]+ \[ktest_trap\.ko\]'
	lab_expect_match '#[1-9] 0xffffffff8[0-9a-f]+ at ktest_run\+0x[0-9a-f]+'
	lab_expect_line 'panic: page fault'
	lab_expect_end crash
}

atf_test_case breakpoint
breakpoint_head() {
	atf_set descr "an unexpected int3 in the kernel is reported, then the domain crashes"
}
breakpoint_body() {
	lab_scenario breakpoint
	lab_expect_line 'Fatal trap 3: breakpoint instruction fault while in kernel mode'
	lab_expect_line 'panic: breakpoint instruction fault'
	lab_expect_end crash
}

atf_test_case lab_run
lab_run_head() {
	atf_set descr "the lab run that holds every scenario exited 0, and every scenario ran and ended as expected"
}
lab_run_body() {
	lab_setup
	rc=$(cat "$LAB_OUT/exit" 2>/dev/null)
	if [ "$rc" != 0 ]; then
		tail -n 40 "$LAB_OUT/lab.log"
		atf_fail "the lab exited ${rc:-(no status)}; see $LAB_OUT/lab.log"
	fi
	for s in "$SRCTOP"/tests/lab/scenarios/*.sh; do
		s=$(basename "$s" .sh)
		code=$(cat "$LAB_OUT/$s/code" 2>/dev/null)
		[ "$code" = 0 ] ||
		    atf_fail "scenario $s: lab status ${code:-missing}"
	done
}

atf_init_test_cases() {
	atf_add_test_case lab_run
	atf_add_test_case banner
	atf_add_test_case start_info
	atf_add_test_case cmdline
	atf_add_test_case console_drained
	atf_add_test_case pagefault
	atf_add_test_case breakpoint
}
