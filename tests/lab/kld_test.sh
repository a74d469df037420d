#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# The kernel linker in a real domU, driven from dom0 by scenarios/kld.sh:
# the preload image and loader.conf at boot, kldload/kldstat/kldunload of
# the test module and the dependency it pulls in, refusals (a dependency
# in use, a busy device, a missing dependency, damaged files), and the
# 100-cycle leak test (scenarios/kldcycle.sh, ktest=kld_cycle).

. "$(atf_get_srcdir)/lab.subr"

# lab_count ERE: how many console lines match the whole-line ERE
lab_count() {
	grep -cxE -- "$1" "$CONSOLE"
}

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
	# Everything but free and page-table pages is exactly the same.
	strip() {
		echo "$1" | sed -e 's/[0-9]* free pages, [0-9]* page-table pages, //'
	}
	[ "$(strip "$before")" = "$(strip "$after")" ] ||
	    atf_fail "before: $before; after: $after"
	lab_expect_match 'ktest: kld_cycle: [0-9]+ page tables added for kmem, 0 free pages otherwise'
	lab_expect_match 'ktest: kld_cycle: loaded: .* 1 grants, [0-9]+ ports, [0-9]+ watches'
	lab_expect_end poweroff
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
	atf_add_test_case cycle_leaks
}
