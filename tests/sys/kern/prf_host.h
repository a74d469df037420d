/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Included first (cc -include) when sys/kern/subr_prf.c is compiled for
 * the host test printf_test: the host shim (host_kernel.h), and the
 * kernel's formatting functions renamed, before the kernel's <sys/systm.h>
 * declares them, so that they live beside the C library's (printf_test
 * compares the two).  printf and vprintf write through msglog() and
 * cnwrite(), which the test supplies to see the chunks.
 */
#ifndef _PRF_HOST_H_
#define	_PRF_HOST_H_

#include "host_kernel.h"
#include <stdarg.h>

#define	printf		kern_printf
#define	vprintf		kern_vprintf
#define	snprintf	kern_snprintf
#define	vsnprintf	kern_vsnprintf

#endif /* !_PRF_HOST_H_ */
