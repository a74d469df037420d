/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Force-included into sys/amd64/xen/mmu_batch.c for mmu_batch_test: the
 * host shim, and the kernel's printf renamed so that the test sees the
 * messages the batch prints.
 */
#ifndef _MMU_HOST_H_
#define	_MMU_HOST_H_

#include "host_kernel.h"

#define	printf		mmu_test_printf

#endif /* !_MMU_HOST_H_ */
