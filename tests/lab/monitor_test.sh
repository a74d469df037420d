#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# The console monitor, driven from dom0 by scenarios/monitor.sh: commands
# typed on the PV console, their answers, line editing, and the poweroff
# asked for at the prompt.

. "$(atf_get_srcdir)/lab.subr"

atf_test_case prompt
prompt_head() {
	atf_set descr "boot ends at the monitor's prompt and echoes what is typed"
}
prompt_body() {
	lab_scenario monitor
	lab_expect_line 'pvbsd: boot sequence complete'
	lab_expect_line 'pvbsd> help'
	lab_expect_line 'pvbsd> dmesg'
}

atf_test_case help
help_head() {
	atf_set descr "help lists the built-in commands"
}
help_body() {
	lab_scenario monitor
	lab_expect_match '  devinfo +print the device tree'
	lab_expect_match '  dmesg +print the kernel message buffer'
	lab_expect_match '  help +list the commands'
	lab_expect_match '  shutdown -p \| -r \| -h +power off \(-p\), reboot \(-r\) or halt \(-h\)'
	lab_expect_match '  sysctl \[-a\] \[name \.\.\.\] +print kernel variables'
}

atf_test_case dmesg
dmesg_head() {
	atf_set descr "dmesg prints the boot messages again, from the first line"
}
dmesg_body() {
	lab_scenario monitor
	banner='pvbsd [0-9]+\.[0-9]+ \(PVBSD\) amd64 on Xen 4\.17(\.[0-9]+)?'
	n=$(lab_count "$banner")
	[ "$n" -eq 2 ] || { lab_show_console; atf_fail "banner seen $n times"; }
	n=$(lab_count 'pvbsd: boot sequence complete')
	[ "$n" -eq 2 ] || { lab_show_console; atf_fail "end of boot seen $n times"; }
}

atf_test_case devinfo
devinfo_head() {
	atf_set descr "devinfo prints the device tree, attached and unattached children indented"
}
devinfo_body() {
	lab_scenario monitor
	lab_expect_line 'root0 <System root bus>'
	lab_expect_line '  xenbusb_front0 <Xen frontend devices>'
	lab_expect_line '  xencons0 <Xen PV console>'
	lab_expect_line '    unknown <vbd> (unattached)'
}

atf_test_case sysctl
sysctl_head() {
	atf_set descr "sysctl prints the counters, by subtree and all of them"
}
sysctl_body() {
	lab_scenario monitor
	lab_expect_line 'pvbsd> sysctl vm.stats'
	lab_expect_line 'vm.stats.npages: 8192'
	lab_expect_match 'vm\.stats\.free: [1-9][0-9]{3}'
	lab_expect_match 'vm\.stats\.reserved: [1-9][0-9]*'
	lab_expect_match 'vm\.stats\.ptable: [1-9][0-9]*'
	lab_expect_match 'vm\.stats\.allocs: [1-9][0-9]*'
	lab_expect_line 'vm.stats.failures: 0'
	lab_expect_line 'pvbsd> sysctl dev.evtchn'
	lab_expect_match 'dev\.evtchn\.upcalls: [1-9][0-9]*'
	lab_expect_match 'dev\.evtchn\.spurious: [0-9]+'
	lab_expect_match 'dev\.evtchn\.bound: [3-9]'
	lab_expect_match 'dev\.evtchn\.port\.[1-9][0-9]*\.name: xencons'
	lab_expect_match 'dev\.evtchn\.port\.[1-9][0-9]*\.name: xenstore'
	lab_expect_match 'dev\.evtchn\.port\.[1-9][0-9]*\.name: timer'
	lab_expect_match 'dev\.evtchn\.port\.[1-9][0-9]*\.count: [1-9][0-9]*'
	# sysctl -a
	lab_expect_line 'hw.physmem: 33554432'
	lab_expect_line 'kern.osrelease: 0.1'
	lab_expect_line 'kern.version: pvbsd 0.1 (PVBSD) amd64'
	lab_expect_match 'kern\.console\.rx_bytes: [1-9][0-9]*'
	lab_expect_line 'kern.console.rx_overruns: 0'
	lab_expect_match 'kern\.malloc\.thread\.calls: [1-9][0-9]*'
	lab_expect_match 'kern\.malloc\.evtchn\.memuse: [1-9][0-9]*'
	lab_expect_match 'kern\.sched\.switches: [1-9][0-9]*'
	lab_expect_match 'kern\.sched\.preemptions: [0-9]+'
	lab_expect_match 'machdep\.hypercalls\.mmu_update: [1-9][0-9]*'
	lab_expect_match 'machdep\.hypercalls\.event_channel_op: [1-9][0-9]*'
	lab_expect_match 'vm\.mmu\.updates: [1-9][0-9]*'
	# No frontend has granted anything yet: the table is as Xen gave it.
	lab_expect_line 'hw.xen.gnttab.frames: 1'
	lab_expect_line 'hw.xen.gnttab.entries: 512'
	lab_expect_line 'hw.xen.gnttab.inuse: 0'
	lab_expect_line 'hw.xen.gnttab.reserved: 0'
	lab_expect_line 'hw.xen.gnttab.free: 504'
	lab_expect_line 'hw.xen.gnttab.exhausted: 0'
	lab_expect_match 'vm\.mmu\.hypercalls: [1-9][0-9]*'
	lab_expect_line 'vm.mmu.errors: 0'
	lab_expect_match 'vm\.pmap\.tables: [1-9][0-9]*'
	lab_expect_match 'vm\.pmap\.qenter: [1-9][0-9]*'
	lab_expect_match 'hw\.xen\.xenstore\.requests: [1-9][0-9]*'
	lab_expect_match 'hw\.xen\.xenstore\.replies: [1-9][0-9]*'
	lab_expect_line 'hw.xen.xenstore.timeouts: 0'
	lab_expect_line 'sysctl: unknown oid '"'"'vm.nosuch'"'"
}

atf_test_case errors
errors_head() {
	atf_set descr "an unknown command and a bare shutdown are refused with a message"
}
errors_body() {
	lab_scenario monitor
	lab_expect_line 'frobnicate: command not found'
	lab_expect_line 'usage: shutdown -p | -r | -h'
}

atf_test_case editing
editing_head() {
	atf_set descr "Ctrl-U, backspace and DEL edit the line; an overlong line is refused"
}
editing_body() {
	lab_scenario monitor
	e="$(printf '\b') $(printf '\b')"
	lab_expect_line "pvbsd> garbage$e$e$e$e$e$e${e}sysctl kern.ostyXX$e${e}pe"
	lab_expect_line 'kern.ostype: pvbsd'
	lab_expect_line 'monitor: line too long (more than 128 characters); ignored'
}

atf_test_case poweroff
poweroff_head() {
	atf_set descr "shutdown -p at the prompt powers the domain off"
}
poweroff_body() {
	lab_scenario monitor
	lab_expect_end poweroff
	last=$(tail -n 1 "$CONSOLE")
	if [ "$last" != "Powering off..." ]; then
		lab_show_console
		atf_fail "last console line is '$last'"
	fi
}

atf_init_test_cases() {
	atf_add_test_case prompt
	atf_add_test_case help
	atf_add_test_case dmesg
	atf_add_test_case devinfo
	atf_add_test_case sysctl
	atf_add_test_case errors
	atf_add_test_case editing
	atf_add_test_case poweroff
}
