#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# The tree keeps its layers (DESIGN.md, STYLE.md): the machine-independent
# kernel (sys/kern, sys/vm) knows nothing of Xen, the kernel image
# carries no test code (the in-kernel tests are modules, ktest(9)), and a
# kernel source reads as kernel code only: host builds get their shims
# from tests/ (tests/sys/kern/host_kernel.h), never from an #ifdef _KERNEL
# in the file.  Each case lists every offender, not just the first.

layers_setup() {
	srctop=$(atf_config_get srctop)
	objtop=$(atf_config_get objtop)
	[ -d "$srctop/sys/kern" ] || atf_fail "no sys/kern under $srctop"
}

# uncomment FILE: FILE without its C comments, line numbers kept.
uncomment() {
	perl -0pe 's{/\*.*?\*/}{ ($& =~ tr/\n//) ? "\n" x ($& =~ tr/\n//) : " " }gse' "$1"
}

# scan MIN WHAT REGEX FILE...: every line of the FILEs (comments left out)
# that matches REGEX, as file:line:text on stderr; fails saying how many
# files WHAT, or if fewer than MIN files were given (a scan of nothing).
scan() {
	min=$1 what=$2 re=$3
	shift 3
	bad=0
	for f in "$@"; do
		hits=$(uncomment "$f" | grep -nE "$re" | sed "s|^|${f#$srctop/}:|")
		if [ -n "$hits" ]; then
			echo "$hits" >&2
			bad=$((bad + 1))
		fi
	done
	[ "$#" -gt "$min" ] || atf_fail "only $# files to scan"
	[ "$bad" -eq 0 ] || atf_fail "$bad $what"
}

atf_test_case mi_no_xen
mi_no_xen_head() {
	atf_set descr "sys/kern and sys/vm include no Xen header and use no xen_* or HYPERVISOR_* name"
	atf_set require.progs perl
}
mi_no_xen_body() {
	layers_setup
	scan 20 "machine-independent files reach into Xen" \
	    '#[[:space:]]*include[[:space:]]*<(xen/|machine/xen\.h)|(^|[^A-Za-z0-9_])(xen_[A-Za-z0-9_]+|HYPERVISOR_[A-Za-z0-9_]+)' \
	    $(find "$srctop/sys/kern" "$srctop/sys/vm" -type f \
	    \( -name '*.[chS]' -o -name '*.m' \) | sort)
}

atf_test_case kernel_no_ktest
kernel_no_ktest_head() {
	atf_set descr "the kernel image holds no in-kernel test: no ktest_set entry, no symbol of a test module"
	atf_set require.progs llvm-nm
}
kernel_no_ktest_body() {
	layers_setup
	kernel=$objtop/boot/kernel/kernel
	[ -f "$kernel" ] || atf_fail "kernel not built"
	set -- "$objtop"/boot/ktest/*.ko
	[ -f "$1" ] || atf_fail "no test modules in $objtop/boot/ktest"
	llvm-nm --defined-only "$kernel" | awk '{ print $3 }' | sort -u \
	    >kernel.syms
	bad=0
	if grep -E '^__(set|start_set|stop_set)_ktest_set' kernel.syms >&2; then
		echo "the kernel has a ktest_set" >&2
		bad=$((bad + 1))
	fi
	for ko in "$@"; do
		# Every test a module defines is a ktest_fn_<name>.
		n=$(llvm-nm --defined-only "$ko" | grep -c ' ktest_fn_')
		[ "$n" -gt 0 ] || atf_fail "${ko##*/} defines no test"
		llvm-nm --defined-only "$ko" | awk '$2 != "a" && $2 != "N" &&
		    $3 !~ /^(__set_|__start_|__stop_|\.)/ { print $3 }' |
		    sort -u >module.syms
		both=$(comm -12 kernel.syms module.syms)
		if [ -n "$both" ]; then
			echo "${ko##*/} and the kernel both define:" $both >&2
			bad=$((bad + 1))
		fi
	done
	[ "$bad" -eq 0 ] || atf_fail "test code in the kernel image"
}

atf_test_case kernel_no_host_switch
kernel_no_host_switch_head() {
	atf_set descr "no kernel .c file switches on _KERNEL for a host build"
	atf_set require.progs perl
}
kernel_no_host_switch_body() {
	layers_setup
	scan 50 "kernel files switch on _KERNEL" \
	    '^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)[[:space:]].*[^A-Za-z0-9_]?_KERNEL([^A-Za-z0-9_]|$)' \
	    $(find "$srctop/sys" -type f -name '*.c' | sort)
}

atf_init_test_cases() {
	atf_add_test_case mi_no_xen
	atf_add_test_case kernel_no_host_switch
	atf_add_test_case kernel_no_ktest
}
