/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * <machine/pmap.h> for host tests: the kernel's own, for the layout of
 * kernel virtual memory and the pmap interface vm_kern.c calls (the test
 * supplies a fake pmap behind it).
 */
#include "../../../../../sys/amd64/include/pmap.h"
