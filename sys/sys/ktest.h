/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_KTEST_H_
#define	_SYS_KTEST_H_

#include <sys/linker_set.h>

/*
 * In-kernel tests: named functions collected in the linker set of a test
 * module (boot/ktest/<name>.ko in the preload image, sources in sys/tests)
 * and run at the end of boot when the kernel argument ktest= names them
 * ("all", or a comma-separated list); the kernel itself holds only the
 * runner (sys/kern/kern_ktest.c), which loads the modules.  Each test
 * prints exactly one result line,
 *
 *	ktest: <name>: PASS
 *	ktest: <name>: FAIL: <reason> (error <errno>)
 *
 * which the lab tests match.  A test flagged KTEST_CRASHES ends the domain
 * on purpose (it checks fault reporting), one flagged KTEST_EXPLICIT needs
 * dom0 to play its part (a lab scenario); both run only when named.
 */
struct ktest {
	const char	*kt_name;
	const char	*kt_desc;
	int		(*kt_func)(void);	/* 0: pass, else errno */
	int		 kt_flags;
};

#define	KTEST_CRASHES	0x01	/* ends the domain on purpose */
#define	KTEST_EXPLICIT	0x02	/* needs the other end's help: only by name */

#define	KTEST(name, desc, flags)					\
	static int ktest_fn_##name(void);				\
	static struct ktest ktest_##name = {				\
		#name, desc, ktest_fn_##name, flags			\
	};								\
	DATA_SET(ktest_set, ktest_##name);				\
	static int ktest_fn_##name(void)

void	ktest_fail(const char *, ...) __printflike(1, 2);
int	ktest_run(const char *);

#endif /* !_SYS_KTEST_H_ */
