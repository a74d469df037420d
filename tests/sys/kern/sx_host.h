/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SX_HOST_H_
#define	_SX_HOST_H_

/* Exclusive acquisitions of any sx lock so far (sx_host.c). */
extern unsigned long sx_host_xlocks;

#endif /* !_SX_HOST_H_ */
