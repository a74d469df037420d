/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * A small module for the kernel linker's tests (tests/sys/kern/linker):
 * not loaded by the kernel yet.  It has one of everything a driver module
 * has -- initialised data, bss, a read-only string, functions calling the
 * kernel, a kernel variable read from code and pointed to from data, and a
 * SYSINIT -- so that the compiler emits the relocations real modules need.
 * The host test loads the built .ko and checks every relocated word, so
 * the names and values below are part of that test.
 *
 * Relocations provoked (see `llvm-readelf -r ktest_example.ko'):
 *	R_X86_64_64	pointers in ktest_example_ptrs[] and the SYSINIT
 *	R_X86_64_PC32	loads of hz and ktest_example_counter from code
 *	R_X86_64_PLT32	the call to printf
 *	R_X86_64_32S	addresses as immediates and indexed tables
 *			(-mcmodel=kernel: the module runs in the top 2 GiB)
 *	GOTPCREL kinds and R_X86_64_PC64 only come from assembly under our
 *	flags; ktest_example_got.S has them.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>

int	ktest_example_bump(int);
int	ktest_example_hz(void);
int	ktest_example_lookup(int);
int	ktest_example_nsysinit(void);
const char *ktest_example_message(void);

/* Initialised data and bss. */
int ktest_example_counter = 42;
static int ktest_example_calls;
static const char ktest_example_msg[] = "ktest_example: hello from a module";
static const int ktest_example_table[8] = { 2, 3, 5, 7, 11, 13, 17, 19 };

/* Pointers into the kernel and into the module itself: R_X86_64_64. */
void *ktest_example_ptrs[] = {
	&hz,					/* kernel data */
	(void *)ktest_example_bump,		/* module text */
	&ktest_example_counter,			/* module data */
	(void *)(ktest_example_msg + 3),	/* module rodata, addend */
	(void *)printf,				/* kernel text */
};

int
ktest_example_bump(int by)
{
	ktest_example_calls++;
	ktest_example_counter += by;
	return (ktest_example_counter);
}

/* A kernel variable read from code: R_X86_64_PC32 with addend -4. */
int
ktest_example_hz(void)
{
	return (hz + ktest_example_calls);
}

/* An indexed table: the array's address is an R_X86_64_32S immediate. */
int
ktest_example_lookup(int i)
{
	return (ktest_example_table[i & 7]);
}

const char *
ktest_example_message(void)
{
	return (ktest_example_msg);
}

/* The module's own linker set, bounded by __start/__stop symbols. */
SET_DECLARE(sysinit_set, struct sysinit);

int
ktest_example_nsysinit(void)
{
	return (SET_COUNT(sysinit_set));
}

static void
ktest_example_init(void *arg)
{
	printf("%s (hz %d, %d sysinit)\n", ktest_example_msg,
	    ktest_example_hz(), ktest_example_nsysinit());
	(void)ktest_example_bump(1);
}
SYSINIT(ktest_example, SI_SUB_KTEST, SI_ORDER_ANY, ktest_example_init, NULL);
