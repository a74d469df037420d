#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# The kernel linker in a real domU, driven from dom0 by scenarios/kld.sh:
# the preload image and loader.conf at boot, kldload/kldstat/kldunload of
# the test module and the dependency it pulls in, refusals (a dependency
# in use, a busy device, a missing dependency, damaged files), and the
# 100-cycle leak test and the failed-load unwind test (scenarios/kldcycle.sh,
# ktest=kld_cycle,kld_fail), and, in scenarios/kldcrash.sh, a module
# already loaded in another file and a module that faults at load.

. "$(atf_get_srcdir)/lab.subr"

# lab_line_no LINE: the number of the first console line that is LINE
lab_line_no() {
	grep -nxF -- "$1" "$CONSOLE" | head -n 1 | cut -d: -f1
}

atf_test_case preload_boot
preload_boot_head() {
	atf_set descr "the preload image is read and loader.conf's module loads at boot"
}
preload_boot_body() {
	lab_scenario kld
	lab_expect_match 'preload: [0-9]+ entries in a cpio image of [0-9]+ bytes'
	lab_expect_line 'ktest_example: hello from a module (hz 1000, 1 sysinit)'
	lab_expect_line 'kld: ktest_example.ko loaded from the preload image (id 2)'
}

atf_test_case kldstat
kldstat_head() {
	atf_set descr "kldstat prints FreeBSD's columns: the kernel and the module loaded at boot"
}
kldstat_body() {
	lab_scenario kld
	lab_expect_line 'pvbsd> kldstat'
	lab_expect_line 'Id Refs Address                Size Name'
	lab_expect_match ' 1    2 0xffffffff80000000 +[0-9a-f]+ kernel'
	lab_expect_line ' 2    1 0xffffffffc0000000     3000 ktest_example.ko'
}

atf_test_case test_module
test_module_head() {
	atf_set descr "kldload of ktest_mod loads kld_dep first, attaches its device and passes its tests"
}
test_module_body() {
	lab_scenario kld
	lab_expect_line 'pvbsd> kldload -v ktest_mod'
	lab_expect_line 'kld_dep: version 2 loaded'
	lab_expect_line 'ktestdev0: <kernel linker test device> on root0'
	for t in kernel_calls dependency sysinit_order sections protection \
	    malloc_type driver sysctl linker_file; do
		lab_expect_line "ktest_mod: $t: PASS"
	done
	lab_expect_line 'ktest_mod: 9 passed, 0 failed'
	lab_expect_match 'Loaded ktest_mod\.ko, id 3, in [0-9]+\.[0-9]{3} ms'
	sed -n 's/^Loaded ktest_mod\.ko, id 3, in \(.*\)$/kldload time: \1/p' \
	    "$CONSOLE"
}

atf_test_case kldstat_v
kldstat_v_head() {
	atf_set descr "kldstat -v lists each file's path, references and modules"
}
kldstat_v_body() {
	lab_scenario kld
	t=$(printf '\t')
	lab_expect_line 'pvbsd> kldstat -v'
	lab_expect_match ' 1    5 0xffffffff80000000 +[0-9a-f]+ kernel'
	lab_expect_match ' 3    1 0xffffffffc[0-9a-f]{7} +[0-9a-f]+ ktest_mod\.ko \(boot/kernel/ktest_mod\.ko\)'
	lab_expect_match ' 4    1 0xffffffffc[0-9a-f]{7} +[0-9a-f]+ kld_dep\.ko \(boot/kernel/kld_dep\.ko\)'
	lab_expect_line "${t}Contains modules:"
	lab_expect_line "${t}${t} Id Name"
	lab_expect_line "${t}${t}  1 kernel"
	lab_expect_line "${t}${t}  3 root/xenbusb_front"
	lab_expect_match "${t}${t} +[0-9]+ root/ktestdev"
	lab_expect_match "${t}${t} +[0-9]+ ktest_mod"
	lab_expect_match "${t}${t} +[0-9]+ kld_dep"
}

atf_test_case module_sysctl_devinfo
module_sysctl_devinfo_head() {
	atf_set descr "the module's sysctl oids and device are there while it is loaded"
}
module_sysctl_devinfo_body() {
	lab_scenario kld
	lab_expect_line 'kern.ktest_mod.loads: 1'
	lab_expect_line 'kern.ktest_mod.trace: ABDCL'
	lab_expect_line '  ktestdev0 <kernel linker test device>'
}

atf_test_case unload_refused
unload_refused_head() {
	atf_set descr "kldunload refuses a dependency in use and a device that will not detach (EBUSY)"
}
unload_refused_body() {
	lab_scenario kld
	lab_expect_line 'kld: kld_dep.ko is needed by ktest_mod.ko'
	lab_expect_line 'kldunload: cannot unload kld_dep: Device busy'
	lab_expect_line 'kldload: cannot load ktest_mod: File exists'
	lab_expect_line 'ktestdev0: refusing to detach (once)'
	lab_expect_line 'kldunload: cannot unload ktest_mod: Device busy'
	lab_expect_line 'ktest_mod: loaded again'
}

atf_test_case unload
unload_head() {
	atf_set descr "kldunload detaches the device, runs SYSUNINITs in reverse and drops the dependency"
}
unload_body() {
	lab_scenario kld
	lab_expect_line 'Unloading ktest_mod.ko, id 3'
	lab_expect_line 'ktestdev0: detached'
	c=$(lab_line_no 'ktest_mod: SYSUNINIT C')
	a=$(lab_line_no 'ktest_mod: SYSUNINIT A')
	[ -n "$c" ] && [ -n "$a" ] && [ "$c" -lt "$a" ] ||
	    { lab_show_console; atf_fail "SYSUNINITs not in reverse order ($c, $a)"; }
	lab_expect_line 'kld_dep: unloaded after 1 calls'
	n=$(lab_count "sysctl: unknown oid 'kern\.ktest_mod'")
	[ "$n" -eq 1 ] || { lab_show_console; atf_fail "kern.ktest_mod unknown $n times"; }
}

atf_test_case missing_dependency
missing_dependency_head() {
	atf_set descr "a module whose dependency is absent is refused, naming it and the versions"
}
missing_dependency_body() {
	lab_scenario kld
	lab_expect_line 'kld: needs_missing.ko: module needs_missing needs module nosuchmod (version 1 to 1), which is not loaded and not in the preload image'
	lab_expect_line 'kldload: cannot load needs_missing: No such file or directory'
	n=$(lab_count 'needs_missing: loaded, which must not happen')
	[ "$n" -eq 0 ] || atf_fail "needs_missing's handler ran"
}

atf_test_case corrupt_files
corrupt_files_head() {
	atf_set descr "truncated, bad-magic and unknown-relocation files are refused with the reason"
}
corrupt_files_body() {
	lab_scenario kld
	lab_expect_match 'kld: truncated\.ko: section headers \(offset 0x[0-9a-f]+, [0-9]+ entries\) beyond end of file'
	lab_expect_line 'kldload: cannot load /boot/corrupt/truncated.ko: Inappropriate file type or format'
	lab_expect_line 'kld: badmagic.ko: not an ELF file'
	lab_expect_line 'kldload: cannot load /boot/corrupt/badmagic.ko: Exec format error'
	lab_expect_match 'kld: badreloc\.ko: section [0-9]+ \(\.rela\.text\): relocation 0: unknown type 200'
	lab_expect_line 'kldload: cannot load /boot/corrupt/badreloc.ko: Operation not supported'
}

atf_test_case kernel_goes_on
kernel_goes_on_head() {
	atf_set descr "after every refusal the kernel still loads and unloads, and powers off cleanly"
}
kernel_goes_on_body() {
	lab_scenario kld
	lab_expect_line 'kldload: cannot load nosuch: No such file or directory'
	lab_expect_line 'kldunload: cannot find file 9'
	lab_expect_line 'kldunload: cannot unload kernel: Operation not permitted'
	n=$(lab_count 'ktest_example: hello from a module \(hz 1000, 1 sysinit\)')
	[ "$n" -eq 2 ] || { lab_show_console; atf_fail "ktest_example ran $n times"; }
	# The last kldstat: the kernel and ktest_example only.
	last=$(awk '/^pvbsd> kldstat$/ { n = NR } { l[NR] = $0 }
	    END { for (i = n + 1; i <= NR && l[i] !~ /^pvbsd>/; i++)
	    print l[i] }' "$CONSOLE" | tr '\n' '|')
	case "$last" in
	'Id Refs Address                Size Name| 1    2 0xffffffff80000000 '*' kernel| 2    1 0xffffffffc0000000     3000 ktest_example.ko|') ;;
	*) lab_show_console; atf_fail "last kldstat: $last" ;;
	esac
	lab_expect_end poweroff
}

atf_test_case kept_loaded
kept_loaded_head() {
	atf_set descr "a failed load whose driver refuses to detach keeps the file loaded; a later kldunload takes it down"
}
kept_loaded_body() {
	lab_scenario kld
	lab_expect_line 'pvbsd> kldload kld_stuck'
	lab_expect_line 'kld_stuck0: <kernel linker keep-loaded test device> on root0'
	lab_expect_line 'kld_stuck: MOD_LOAD fails with ENXIO'
	lab_expect_line 'kld_stuck0: refusing to detach (once)'
	lab_expect_line 'kld: kld_stuck.ko: module root/kld_stuck refused to unload while its file is abandoned: error 16'
	lab_expect_line 'kld: kld_stuck.ko: kept loaded, as a module would not unload; kldunload it to try again'
	lab_expect_line 'kldload: cannot load kld_stuck: Device not configured'
	after=$(kldstat_around 'kldload kld_stuck' 1)
	case "$after" in
	*' 1 0xffffffffc'*' kld_stuck.ko|') ;;
	*) lab_show_console; atf_fail "kldstat after the failed load: $after" ;;
	esac
	lab_expect_line 'pvbsd> kldunload kld_stuck'
	lab_expect_line 'kld_stuck0: detached'
	n=$(lab_count 'kld_stuck: MOD_(UN)?LOAD.*')
	[ "$n" -eq 1 ] || { lab_show_console; atf_fail "kld_stuck's handler ran $n times"; }
}

atf_test_case cycle_leaks
cycle_leaks_head() {
	atf_set descr "100 load/unload cycles of kld_res leave malloc, pages, grants, ports and watches as before"
}
cycle_leaks_body() {
	lab_scenario kldcycle
	grep '^ktest: kld_cycle: ' "$CONSOLE"
	lab_expect_line 'ktest: kld_cycle: PASS'
	before=$(sed -n 's/^ktest: kld_cycle: before: //p' "$CONSOLE")
	after=$(sed -n 's/^ktest: kld_cycle: after: //p' "$CONSOLE")
	[ -n "$before" ] && [ -n "$after" ] || atf_fail "no counters printed"
	# Everything is exactly the same, free and page-table pages too.
	[ "$before" = "$after" ] ||
	    atf_fail "before: $before; after: $after"
	lab_expect_line 'ktest: kld_cycle: 0 page-table pages and 0 free pages more than before'
	lab_expect_match 'ktest: kld_cycle: loaded: .* 1 grants, [0-9]+ ports, [0-9]+ watches, [0-9]+ oids'
	lab_expect_end poweroff
}

# kldstat_around CMD WHICH: the lines of the kldstat just before (WHICH=-1)
# or just after (1) the first "pvbsd> CMD" line, joined by |
kldstat_around() {
	awk -v cmd="pvbsd> $1" -v which="$2" '
	    { l[NR] = $0 }
	    $0 == cmd && c == 0 { c = NR }
	    $0 == "pvbsd> kldstat" { if (c == 0) b = NR; else if (a == 0) a = NR }
	    END { n = which < 0 ? b : a
	    if (n == 0) exit
	    for (i = n + 1; i <= NR && l[i] !~ /^pvbsd>/; i++) print l[i] }' \
	    "$CONSOLE" | tr '\n' '|'
}

atf_test_case duplicate_module
duplicate_module_head() {
	atf_set descr "a second file carrying a loaded module is refused (EEXIST), naming module and file; kldstat unchanged"
}
duplicate_module_body() {
	lab_scenario kldcrash
	lab_expect_line 'pvbsd> kldload kld_dep'
	lab_expect_line 'kld_dep: version 2 loaded'
	lab_expect_line 'pvbsd> kldload kld_dep_copy'
	lab_expect_line 'kld: kld_dep_copy.ko: module kld_dep is already loaded, from boot/kernel/kld_dep.ko (id 4); not loading the file'
	lab_expect_line 'kldload: cannot load kld_dep_copy: File exists'
	n=$(lab_count 'kld_dep: version 2 loaded')
	[ "$n" -eq 1 ] || { lab_show_console; atf_fail "kld_dep's MOD_LOAD ran $n times"; }
	before=$(kldstat_around 'kldload kld_dep_copy' -1)
	after=$(kldstat_around 'kldload kld_dep_copy' 1)
	echo "kldstat before: $before"
	echo "kldstat after:  $after"
	[ -n "$before" ] && [ "$before" = "$after" ] ||
	    { lab_show_console; atf_fail "kldstat changed"; }
	case "$after" in
	*' kld_dep.ko|') ;;
	*) atf_fail "kld_dep.ko is not the last file listed: $after" ;;
	esac
}

atf_test_case load_failure_unwound
load_failure_unwound_head() {
	atf_set descr "a module whose MOD_LOAD fails is unwound: SYSUNINITs, driver, sysctl, memory; counters exactly as before"
}
load_failure_unwound_body() {
	lab_scenario kldcycle
	grep '^ktest: kld_fail: \|^kld_fail\|^kld: kld_fail' "$CONSOLE"
	lab_expect_line 'ktest: kld_fail: PASS'
	# Two loads, each: the SYSINIT took, MOD_LOAD failed, the kernel
	# detached the driver's device and ran the SYSUNINIT.
	for l in 'kld_fail: SYSINIT took memory, 4 kmem pages, grant [0-9]+, event channel [0-9]+ and a watch' \
	    'kld_fail: MOD_LOAD gave back what it took and fails with ENXIO' \
	    'module kld_fail: MOD_LOAD failed: error 6' \
	    'kld: kld_fail\.ko: a module failed to load \(error 6\); unloading the file' \
	    'kld_faildev0: detached' \
	    'kld_fail: SYSUNINIT gave back its memory, kmem, grant, event channel and watch'; do
		n=$(lab_count "$l")
		[ "$n" -eq 2 ] || { lab_show_console; atf_fail "$n lines: $l"; }
	done
	n=$(lab_count '.*must not happen')
	[ "$n" -eq 0 ] || { lab_show_console; atf_fail "$n lines say something ran that must not"; }
	took=$(grep -n '^kld_fail: SYSINIT took' "$CONSOLE" | tail -n 1 | cut -d: -f1)
	failed=$(grep -n '^kld_fail: MOD_LOAD gave' "$CONSOLE" | tail -n 1 | cut -d: -f1)
	detached=$(grep -n '^kld_faildev0: detached' "$CONSOLE" | tail -n 1 | cut -d: -f1)
	gave=$(grep -n '^kld_fail: SYSUNINIT gave' "$CONSOLE" | tail -n 1 | cut -d: -f1)
	[ "$took" -lt "$failed" ] && [ "$failed" -lt "$detached" ] &&
	    [ "$detached" -lt "$gave" ] ||
	    atf_fail "out of order: took $took, failed $failed, detached $detached, gave back $gave"
	before=$(sed -n 's/^ktest: kld_fail: before: //p' "$CONSOLE")
	after=$(sed -n 's/^ktest: kld_fail: after: //p' "$CONSOLE")
	[ -n "$before" ] && [ -n "$after" ] || atf_fail "no counters printed"
	[ "$before" = "$after" ] ||
	    atf_fail "before: $before; after: $after"
	lab_expect_end poweroff
}

atf_test_case module_fault_backtrace
module_fault_backtrace_head() {
	atf_set descr "a fault inside a loaded module is reported with the module's function+offset and .ko name"
}
module_fault_backtrace_body() {
	lab_scenario kldcrash
	lab_expect_line 'pvbsd> kldload crashme'
	lab_expect_line 'crashme: reading through a NULL pointer'
	lab_expect_line 'Fatal trap 14: page fault while in kernel mode'
	lab_expect_line 'fault virtual address	= 0 (read, page not present)'
	lab_expect_match '#0 0xffffffffc[0-9a-f]{7} at crashme_deref\+0x[0-9a-f]+ \[crashme\.ko\]'
	lab_expect_match '#1 0xffffffffc[0-9a-f]{7} at crashme_modevent\+0x[0-9a-f]+ \[crashme\.ko\]'
	# The kernel's frames below keep their plain form.
	lab_expect_match '#[2-9] 0xffffffff8[0-9a-f]{7} at module_register_init\+0x[0-9a-f]+'
	lab_expect_line 'panic: page fault'
	lab_expect_end crash
}

atf_init_test_cases() {
	atf_add_test_case preload_boot
	atf_add_test_case kldstat
	atf_add_test_case test_module
	atf_add_test_case kldstat_v
	atf_add_test_case module_sysctl_devinfo
	atf_add_test_case unload_refused
	atf_add_test_case unload
	atf_add_test_case missing_dependency
	atf_add_test_case corrupt_files
	atf_add_test_case kernel_goes_on
	atf_add_test_case kept_loaded
	atf_add_test_case cycle_leaks
	atf_add_test_case duplicate_module
	atf_add_test_case load_failure_unwound
	atf_add_test_case module_fault_backtrace
}
