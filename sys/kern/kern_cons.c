/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The console switch.  Until a console device attaches, output is held in
 * a small early buffer and replayed on attach, so nothing printed before
 * the console ring is found is lost.  Line ends become "\r\n" here: xl's
 * console is a raw terminal.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/cons.h>

static struct consdev *cn_dev;
static char cn_early[1024];
static size_t cn_early_len;

static void
cn_output(const char *buf, size_t len)
{
	size_t i, start;

	if (cn_dev == NULL) {
		len = MIN(len, sizeof(cn_early) - cn_early_len);
		memcpy(cn_early + cn_early_len, buf, len);
		cn_early_len += len;
		return;
	}
	for (i = start = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i > start)
			cn_dev->cn_write(buf + start, i - start);
		cn_dev->cn_write("\r\n", 2);
		start = i + 1;
	}
	if (len > start)
		cn_dev->cn_write(buf + start, len - start);
}

void
cnattach(struct consdev *cn)
{
	cn_dev = cn;
	if (cn_early_len > 0) {
		cn_output(cn_early, cn_early_len);
		cn_early_len = 0;
	}
}

void
cnwrite(const char *buf, size_t len)
{
	cn_output(buf, len);
}

int
cngetc(void)
{
	if (cn_dev == NULL || cn_dev->cn_getc == NULL)
		return (-1);
	return (cn_dev->cn_getc());
}

void
cnflush(void)
{
	if (cn_dev != NULL && cn_dev->cn_flush != NULL)
		cn_dev->cn_flush();
}
