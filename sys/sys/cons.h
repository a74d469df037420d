/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_CONS_H_
#define	_SYS_CONS_H_

/*
 * The system console: one active device that printf(9) writes through.
 */
struct consdev {
	const char	*cn_name;
	void		(*cn_write)(const char *, size_t);
	int		(*cn_getc)(void);	/* -1: nothing waiting */
	void		(*cn_flush)(void);	/* bounded drain */
};

void	cnattach(struct consdev *);
void	cnwrite(const char *, size_t);
int	cngetc(void);
void	cnflush(void);

#endif /* !_SYS_CONS_H_ */
