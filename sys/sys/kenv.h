/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_KENV_H_
#define	_SYS_KENV_H_

/*
 * The kernel environment (sys/kern/kern_environment.c, kern_getenv(9)):
 * name=value tunables from the xl command line and from boot/loader.conf
 * in the preload image.  The limits count the terminating NUL.
 */
#define	KENV_MAXVARS	64	/* variables, from both sources */
#define	KENV_MNAMELEN	32	/* longest name, with its NUL */
#define	KENV_MVALLEN	128	/* longest value, with its NUL */

/* Where a variable came from (kenv_entry()). */
#define	KENV_CMDLINE	1	/* the kernel command line */
#define	KENV_LOADER	2	/* boot/loader.conf */
#define	KENV_KERNEL	3	/* kern_setenv() */

void		 kenv_init(const char *, size_t);
const char	*kern_getenv(const char *);
int		 getenv_long(const char *, long *);
int		 kern_setenv(const char *, const char *);
int		 kenv_setloader(const char *, const char *);
int		 kenv_entry(int, const char **, const char **, int *);

#endif /* !_SYS_KENV_H_ */
