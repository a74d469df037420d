#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# kern_reboot(9), driven from the monitor: shutdown -r with the
# shutdown_test module loaded (scenarios/shutdown.sh), shutdown -p
# (scenarios/boot.sh) and shutdown -h (scenarios/halt.sh); and panic(9)
# outside a trap (scenarios/panic.sh).  The console
# must end with exactly the lines each step prints, in order, and xl must
# see the end asked for.

. "$(atf_get_srcdir)/lab.subr"

atf_test_case reboot
reboot_head() {
	atf_set descr "shutdown -r runs the handlers, DEVICE_SHUTDOWN and MOD_SHUTDOWN in order, then xl sees a reboot"
}
reboot_body() {
	lab_scenario shutdown
	lab_expect_end reboot
	lab_expect_ending \
	    'pvbsd> shutdown -r' \
	    'shutdown_test: shutdown_pre_sync \(priority first\), howto 0' \
	    'shutdown_test: shutdown_pre_sync \(priority last\), howto 0' \
	    'Shutting down devices\.\.\.' \
	    'shutdown_test0: DEVICE_SHUTDOWN' \
	    'shutdown_test: shutdown_post_sync, howto 0' \
	    'Shutting down modules\.\.\.' \
	    'shutdown_test: MOD_SHUTDOWN' \
	    'Uptime: ([0-9]+d)?([0-9]+h)?([0-9]+m)?[0-9]+s' \
	    'shutdown_test: shutdown_final, howto 0' \
	    'Rebooting\.\.\.'
}

atf_test_case deregistered
deregistered_head() {
	atf_set descr "a module unloaded and loaded again leaves no stale handler: each line once"
}
deregistered_body() {
	lab_scenario shutdown
	lab_expect_line 'pvbsd> kldunload shutdown_test'
	n=$(lab_count 'shutdown_test0: <shutdown test device> on root0')
	[ "$n" -eq 2 ] || { lab_show_console; atf_fail "attached $n times"; }
	for l in 'shutdown_pre_sync \(priority first\)' \
	    'shutdown_pre_sync \(priority last\)' 'shutdown_post_sync' \
	    'shutdown_final'; do
		n=$(lab_count "shutdown_test: $l, howto 0")
		[ "$n" -eq 1 ] || { lab_show_console; atf_fail "$l ran $n times"; }
	done
	n=$(lab_count 'shutdown_test: MOD_SHUTDOWN')
	[ "$n" -eq 1 ] || { lab_show_console; atf_fail "MOD_SHUTDOWN $n times"; }
}

atf_test_case poweroff
poweroff_head() {
	atf_set descr "shutdown -p shuts devices and modules down, prints the uptime, powers off"
}
poweroff_body() {
	lab_scenario boot
	lab_expect_end poweroff
	lab_expect_ending \
	    'pvbsd> shutdown -p' \
	    'Shutting down devices\.\.\.' \
	    'Shutting down modules\.\.\.' \
	    'Uptime: ([0-9]+d)?([0-9]+h)?([0-9]+m)?[0-9]+s' \
	    'Powering off\.\.\.'
}

atf_test_case halt
halt_head() {
	atf_set descr "shutdown -h halts: the domain stays, blocked, using no CPU, until destroyed"
}
halt_body() {
	lab_scenario halt
	lab_expect_end timeout
	lab_expect_ending \
	    'pvbsd> shutdown -h' \
	    'Shutting down devices\.\.\.' \
	    'Shutting down modules\.\.\.' \
	    'Uptime: ([0-9]+d)?([0-9]+h)?([0-9]+m)?[0-9]+s' \
	    'The operating system has halted\.'
	before=$(awk '$1 == "halt_before" { print $2 }' "$SCEN_DIR/results")
	after=$(awk '$1 == "halt_after" { print $2 }' "$SCEN_DIR/results")
	[ -n "$before" ] && [ -n "$after" ] ||
	    atf_fail "no xl list samples (domain gone?): '$before' '$after'"
	# State: blocked, not running, not shut down.
	case "${after%/*}" in
	-b----) ;;
	*) atf_fail "state after halt is '${after%/*}', expected -b----" ;;
	esac
	# CPU time over two seconds: less than 0.2 s.
	awk -v a="${before#*/}" -v b="${after#*/}" \
	    'BEGIN { exit !(b - a < 0.2) }' ||
	    atf_fail "halted domain used CPU: ${before#*/} s -> ${after#*/} s"
}

atf_test_case panic
panic_head() {
	atf_set descr "panic() prints its message and a backtrace from panic() up, runs no shutdown step, and the domain crashes"
}
panic_body() {
	lab_scenario panic
	lab_expect_end crash
	lab_expect_line 'panic: ktest: deliberate panic 42'
	# The backtrace follows the message and starts in panic() itself.
	after=$(grep -A2 -xF 'panic: ktest: deliberate panic 42' "$CONSOLE")
	printf '%s\n' "$after" | sed -n 2p | grep -qxF 'backtrace:' ||
	    { lab_show_console; atf_fail "no backtrace after the message"; }
	printf '%s\n' "$after" | sed -n 3p |
	    grep -qxE '#0 0xffffffff8[0-9a-f]+ at panic\+0x[0-9a-f]+' ||
	    { lab_show_console; atf_fail "frame #0 is not in panic()"; }
	lab_expect_match '#1 0xffffffffc[0-9a-f]+ at panic_test_call\+0x[0-9a-f]+ \[ktest_kern\.ko\]'
	# No handler, device or module is called on a panic.
	n=$(lab_count 'Shutting down devices\.\.\.')
	[ "$n" -eq 0 ] || { lab_show_console; atf_fail "panic ran kern_reboot's steps"; }
}

atf_init_test_cases() {
	atf_add_test_case reboot
	atf_add_test_case deregistered
	atf_add_test_case poweroff
	atf_add_test_case halt
	atf_add_test_case panic
}
