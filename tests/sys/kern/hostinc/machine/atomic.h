/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/* <machine/atomic.h> for host tests: the kernel's own builds on amd64. */
#include "../../../../../sys/amd64/include/atomic.h"
