/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/* <machine/cpufunc.h> for host tests: event masking (kernel_host.c). */
#ifndef _HOSTINC_MACHINE_CPUFUNC_H_
#define	_HOSTINC_MACHINE_CPUFUNC_H_

#include <sys/types.h>

register_t	intr_disable(void);
void		intr_restore(register_t);

#endif
