/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_KENV_H_
#define	_SYS_KENV_H_

void		 kenv_init(const char *, size_t);
const char	*kern_getenv(const char *);
int		 getenv_long(const char *, long *);

#endif /* !_SYS_KENV_H_ */
