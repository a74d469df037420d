/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/* <machine/pcb.h> for host tests: <sys/proc.h> only needs the type. */
#ifndef _HOSTINC_MACHINE_PCB_H_
#define	_HOSTINC_MACHINE_PCB_H_

#include <stdint.h>

struct pcb {
	uint64_t	pcb_regs[8];
};

#endif
