/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Host stand-in for <sys/malloc.h>: the kernel's header, with malloc and
 * free renamed to the counting emulation (tests/sys/kern/malloc_host.c).
 */
#ifndef _HOST_SYS_MALLOC_H_
#define	_HOST_SYS_MALLOC_H_

#include <stdlib.h>
#define	malloc	kern_malloc
#define	free	kern_free
#include_next <sys/malloc.h>
#include "malloc_host.h"

#endif /* !_HOST_SYS_MALLOC_H_ */
