#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# control(4), the answer to the toolstack, driven by scenarios/control.sh:
# the feature keys, xl sysrq (h, m, t, b, o, c), refused garbage in
# control/sysrq and control/shutdown, xl shutdown through kern_reboot(9)
# with the disks flushed and the last write in dom0's image, kldunload
# and kldload with a request left pending meanwhile, and xl reboot.

. "$(atf_get_srcdir)/lab.subr"

# The prompt may precede a line printed while it was showing.
P='(pvbsd> )?'

atf_test_case attach
attach_head() {
	atf_set descr "loader.conf loads control.ko at boot; it attaches on root0 and advertises poweroff, reboot and suspend (sysrq where it may)"
}
attach_body() {
	lab_scenario control
	lab_expect_match 'kld: control\.ko loaded from the preload image \(id [0-9]+\)'
	lab_expect_line 'control0: <Xen domain control> on root0'
	lab_expect_line 'control0: listening on control/shutdown (poweroff, halt, reboot, suspend) and control/sysrq'
	# libxl does not create control/feature-sysrq; the guest may not.
	lab_expect_line 'control0: cannot write control/feature-sysrq: error 13; not advertised'
	lab_result_is features_advertised ok
	lab_result_is feature_suspend ok
}

atf_test_case sysrq
sysrq_head() {
	atf_set descr "xl sysrq h, m and t print the documented lines; the node is cleared"
}
sysrq_body() {
	lab_scenario control
	lab_expect_match "${P}control0: sysrq h: help"
	lab_expect_line 'sysrq keys: b reboot, c crash, h help, m memory, o power off, t threads'
	lab_result_is sysrq_cleared ok
	lab_expect_match "${P}control0: sysrq m: memory"
	lab_expect_match 'memory: 8192 pages \(32768 KB\), [1-9][0-9]* free, [0-9]+ reserved, [0-9]+ page tables, 0 unbacked'
	lab_expect_match 'memory: [1-9][0-9]* page allocations, 0 refused'
	lab_expect_match "${P}control0: sysrq t: threads"
	lab_expect_line '  tid name state priority wait'
	lab_expect_match ' +0 thread0 (run|runq|sleep|lock) [0-9]+ .*'
	lab_expect_match ' +[0-9]+ xenwatch [a-z]+ [0-9]+ .*'
	lab_expect_match ' +[0-9]+ idle [a-z]+ [0-9]+ .*'
	lab_expect_match ' +[0-9]+ control run [0-9]+ -'
}

atf_test_case garbage_refused
garbage_refused_head() {
	atf_set descr "unknown, binary, long and unsupported requests are logged as refused, cleared, and not acted on"
}
garbage_refused_body() {
	lab_scenario control
	lab_expect_match "${P}control0: refused control/sysrq \"zz\" \\(2 bytes\\): too long"
	lab_expect_match "${P}control0: refused control/sysrq \"x\" \\(1 bytes\\): unknown request"
	lab_expect_match "${P}control0: refused control/shutdown \"garbage\" \\(7 bytes\\): unknown request"
	lab_result_is garbage_cleared ok
	lab_expect_match "${P}control0: refused control/shutdown \"POWEROFF\" \\(8 bytes\\): not a request word"
	lab_expect_match "${P}control0: refused control/shutdown \"pow\\\\x01\\\\x02\\\\xff\" \\(6 bytes\\): not a request word"
	lab_expect_match "${P}control0: refused control/shutdown: a NUL byte in the value"
	lab_expect_match "${P}control0: refused control/shutdown \"a{20,}\\.\\.\\.\" \\(3000 bytes\\): too long"
	# None of them was acted on: the domain went on to answer and the
	# only shutdown it saw is the xl shutdown at the end.
	lab_expect_line 'kern.ostype: pvbsd'
	n=$(lab_count "${P}control0: [a-z]+ requested by the toolstack")
	[ "$n" -eq 1 ] || { lab_show_console; atf_fail "$n shutdown requests acted on"; }
}

atf_test_case xl_shutdown
xl_shutdown_head() {
	atf_set descr "xl shutdown: kern_reboot flushes the disk and powers off within the bound; dom0 reads the last write"
}
xl_shutdown_body() {
	lab_scenario control
	lab_expect_end poweroff
	lab_expect_match 'diskwrite: xbd0: .*'
	lab_expect_ending \
	    "${P}control0: poweroff requested by the toolstack" \
	    'Flushing disk caches: xbd0 done' \
	    'Shutting down devices\.\.\.' \
	    'Shutting down modules\.\.\.' \
	    'Uptime: ([0-9]+d)?([0-9]+h)?([0-9]+m)?[0-9]+s' \
	    'Powering off\.\.\.'
	lab_result_is dom0_reads_last_write ok
	ms=$(sed -n 's/^shutdown_to_gone_ms //p' "$SCEN_DIR/results")
	[ -n "$ms" ] && [ "$ms" -le 30000 ] ||
	    atf_fail "xl shutdown to domain gone: '${ms}' ms"
	echo "xl shutdown to domain gone (dom0's clock): $ms ms"
}

atf_test_case unload_pending_reboot
unload_pending_reboot_head() {
	atf_set descr "kldunload withdraws the features and stops listening; kldload takes the pending xl reboot; the domain boots again"
}
unload_pending_reboot_body() {
	lab_scenario control
	lab_result_is features_withdrawn ok
	lab_result_is reboot_pending_while_unloaded ok
	lab_result_is rebooted_to_prompt ok
	CONSOLE=$SCEN_DIR/console-ctlrb.log
	lab_expect_match 'control0: detached; requests left to the toolstack \([0-9]+ taken, [0-9]+ refused\)'
	lab_expect_match "${P}control0: reboot requested by the toolstack"
	lab_expect_line 'Rebooting...'
	n=$(lab_count "${P}pvbsd: boot sequence complete")
	[ "$n" -eq 3 ] || { lab_show_console; atf_fail "booted $n times, not 3"; }
}

atf_test_case sysrq_reboot_poweroff
sysrq_reboot_poweroff_head() {
	atf_set descr "xl sysrq b reboots through kern_reboot, xl sysrq o powers off"
}
sysrq_reboot_poweroff_body() {
	lab_scenario control
	lab_result_is sysrq_b_rebooted_to_prompt ok
	lab_result_is ctlrb_reboots 2
	CONSOLE=$SCEN_DIR/console-ctlrb.log
	lab_expect_match "${P}control0: sysrq b: reboot"
	lab_expect_match "${P}control0: sysrq o: power off"
	lab_expect_line 'Powering off...'
	[ "$(cat "$SCEN_DIR/end-ctlrb")" = poweroff ] ||
	    atf_fail "ctlrb ended with '$(cat "$SCEN_DIR/end-ctlrb")'"
}

atf_test_case sysrq_crash
sysrq_crash_head() {
	atf_set descr "xl sysrq c panics the domain; xl sees a crash"
}
sysrq_crash_body() {
	lab_scenario control
	CONSOLE=$SCEN_DIR/console-ctlcrash.log
	lab_expect_match "${P}control0: sysrq c: crash"
	lab_expect_line 'panic: control: crash requested by the toolstack (sysrq c)'
	lab_result_is ctlcrash_end crash
	[ "$(cat "$SCEN_DIR/end-ctlcrash")" = crash ] ||
	    atf_fail "ctlcrash ended with '$(cat "$SCEN_DIR/end-ctlcrash")'"
}

atf_init_test_cases() {
	atf_add_test_case attach
	atf_add_test_case sysrq
	atf_add_test_case garbage_refused
	atf_add_test_case xl_shutdown
	atf_add_test_case unload_pending_reboot
	atf_add_test_case sysrq_reboot_poweroff
	atf_add_test_case sysrq_crash
}
