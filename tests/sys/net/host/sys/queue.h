/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/* The kernel's queue(3) macros (the C library's lack some) on the host. */
#include "../../../../../sys/sys/queue.h"
