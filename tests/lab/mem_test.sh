#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Memory at its smallest and boot time from the guest's side: pvbsd boots
# in a 4 MiB domain (scenario mem4) to the prompt and powers off; in 4 and
# 32 MiB (scenario boot) the kernel reports how long it took from its
# first instruction to the prompt, which must be more than nothing and
# less than what dom0 measured from xl create to the prompt.

. "$(atf_get_srcdir)/lab.subr"

atf_test_case mem4_prompt
mem4_prompt_head() {
	atf_set descr "a 4 MiB domain with the preload image reaches the prompt and powers off from it"
}
mem4_prompt_body() {
	lab_scenario mem4
	lab_expect_match 'memory: 1024 pages \(4 MiB\), p2m list at 0xffffffff8[0-9a-f]+'
	lab_expect_line 'p2m: 1024 entries agree with the m2p'
	lab_expect_match 'pmap: direct map of 1024 pages at 0xffff880000000000, 4 table pages; bootstrap area 1024 pages, [0-9]+ unmapped'
	lab_expect_line 'hw.physmem: 4194304'
	lab_expect_line 'pvbsd: boot sequence complete'
	lab_expect_line 'pvbsd> shutdown -p'
	lab_expect_line 'Powering off...'
	lab_expect_end poweroff
}

# boot_time SCENARIO: the boot line and sysctl agree, and the value lies
# between 0 and dom0's xl-create-to-prompt time.
boot_time() {
	lab_scenario "$1"
	lab_expect_match 'boot: [0-9]+\.[0-9]{3} ms from first instruction to prompt'
	ms=$(sed -n 's/^boot: \([0-9]*\)\.\([0-9]*\) ms from first instruction to prompt$/\1\2/p' "$CONSOLE")
	us=$(sed -n 's/^kern\.boot_to_prompt_us: \([0-9]*\)$/\1/p' "$CONSOLE")
	dom0=$(sed -n 's/^create_to_prompt_ms //p' "$SCEN_DIR/results")
	[ -n "$ms" ] && [ -n "$us" ] && [ -n "$dom0" ] ||
	    atf_fail "no readings: dmesg '$ms' us, sysctl '$us' us, dom0 '$dom0' ms"
	echo "$1: guest $us us from first instruction to prompt; dom0 $dom0 ms from xl create"
	[ "$ms" -eq "$us" ] || atf_fail "dmesg says $ms us, sysctl $us us"
	[ "$us" -gt 0 ] || atf_fail "boot took $us us"
	[ "$us" -lt $((dom0 * 1000)) ] ||
	    atf_fail "guest says $us us, more than dom0's $dom0 ms from xl create"
}

atf_test_case boot_time_4
boot_time_4_head() {
	atf_set descr "4 MiB: the guest's boot time is reported and below dom0's xl-create-to-prompt time"
}
boot_time_4_body() {
	boot_time mem4
}

atf_test_case boot_time_32
boot_time_32_head() {
	atf_set descr "32 MiB: the guest's boot time is reported and below dom0's xl-create-to-prompt time"
}
boot_time_32_body() {
	boot_time boot
}

atf_init_test_cases() {
	atf_add_test_case mem4_prompt
	atf_add_test_case boot_time_4
	atf_add_test_case boot_time_32
}
