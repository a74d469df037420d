/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * <machine/md_var.h> for host tests: the kernel's own declarations;
 * kernel_host.c defines the hand-over variables a test links against.
 */
#include "../../../../../sys/amd64/include/md_var.h"
