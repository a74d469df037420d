/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _MODULES_KLD_DEP_H_
#define	_MODULES_KLD_DEP_H_

/*
 * What kld_dep.ko exports to the modules that depend on it (ktest_mod):
 * resolved by the kernel linker against the loaded dependency.
 */
int	kld_dep_answer(int);		/* counts its calls */
extern int kld_dep_calls;

#endif /* !_MODULES_KLD_DEP_H_ */
