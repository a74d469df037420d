/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_PRELOAD_H_
#define	_SYS_PRELOAD_H_

/*
 * The preload image (sys/kern/subr_preload.c): the cpio "newc" archive
 * the domain was booted with (xl's ramdisk), holding boot/kernel/<name>.ko
 * files and boot/loader.conf; see kld(4).  A struct preload_image is
 * checked once by preload_parse() and then only read.
 */
#define	PRELOAD_NAMELEN		256	/* longest entry name, with its NUL */
#define	PRELOAD_MODNAMELEN	60	/* longest module name in loader.conf */
#define	PRELOAD_ERRLEN		160
#define	PRELOAD_CONFLINELEN	1024	/* longest loader.conf line, with NUL */

struct preload_image {
	const unsigned char *pi_base;		/* the archive */
	size_t		 pi_size;
	size_t		 pi_nfiles;		/* entries before the trailer */
	bool		 pi_valid;		/* preload_parse() took it */
	char		 pi_errmsg[PRELOAD_ERRLEN];	/* why it did not */
};

struct preload_file {
	const char	*pf_name;		/* as in the archive */
	const void	*pf_data;
	size_t		 pf_size;
	uint32_t	 pf_mode;		/* st_mode bits */
};

int	preload_parse(struct preload_image *, const void *, size_t);
int	preload_find(const struct preload_image *, const char *,
	    struct preload_file *);
int	preload_entry(const struct preload_image *, size_t,
	    struct preload_file *);
/* What preload_conf_parse() calls for each kind of line; NULL skips. */
struct preload_conf_ops {
	void	(*pc_load)(void *, const char *);
	void	(*pc_setenv)(void *, int, const char *, const char *);
	void	(*pc_complain)(void *, int, const char *);
};

int	preload_conf_parse(const char *, size_t,
	    const struct preload_conf_ops *, void *);

extern struct preload_image preload_kernel;	/* the boot image */

#endif /* !_SYS_PRELOAD_H_ */
