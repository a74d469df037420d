/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _FAKE_XS_H_
#define	_FAKE_XS_H_

void	fake_xs_set(const char *, const char *);
void	fake_xs_rm(const char *);
void	fake_xs_reset(void);
int	fake_xs_deliver(void);
int	fake_xs_nwatches(void);

#endif /* !_FAKE_XS_H_ */
