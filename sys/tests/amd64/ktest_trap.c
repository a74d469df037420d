/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * In-kernel tests of the trap path.  Both end the domain on purpose: the
 * lab test checks the fatal-trap report on the console and that xl sees
 * the domain crash, and that the backtrace names the faulting function
 * in this module.  The test module ktest_trap.ko (sys/modules/ktest_trap,
 * ktest(9)); its tests run only when named.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/ktest.h>
#include <sys/module.h>

MODULE_VERSION(ktest_trap, 1);

static volatile u_long *volatile ktest_bad_ptr =
    (volatile u_long *)0xffff8a0000001000UL;

static __noinline int
trap_test_touch(void)
{
	/* Unmapped kernel address: a #PF the kernel does not handle. */
	return ((int)*ktest_bad_ptr);
}

KTEST(trap_pagefault, "kernel page fault gives a panic report",
    KTEST_CRASHES)
{
	trap_test_touch();
	ktest_fail("read of %p did not fault", ktest_bad_ptr);
	return (EFAULT);
}

KTEST(trap_breakpoint, "unexpected int3 gives a panic report",
    KTEST_CRASHES)
{
	__asm __volatile("int3");
	ktest_fail("int3 returned");
	return (EFAULT);
}
