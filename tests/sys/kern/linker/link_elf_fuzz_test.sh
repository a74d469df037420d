#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# A short libFuzzer run of the kernel linker's object loader
# (fuzz/link_elf_fuzz.c) on every `make test', from the real
# ktest_example.ko.
# The run itself is tests/fuzz.subr's.

atf_test_case brief
brief_head()
{
	atf_set "descr" "link_elf_fuzz finds nothing in a short run"
	atf_set "timeout" "120"
}
brief_body()
{
	srctop=$(atf_config_get srctop)
	. "$srctop/tests/fuzz.subr"
	fuzz_brief link_elf_fuzz 16384 "-t x1" "$(atf_get_srcdir)/seeds"
}

atf_init_test_cases()
{
	atf_add_test_case brief
}
