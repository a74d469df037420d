/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The kernel message buffer.
 *
 * printf(9) hands every chunk it prints to msglog(), which appends it to
 * a static 32 KiB ring; the ring needs no setup, so the first line of
 * boot is in it.  When full, new output overwrites the oldest.  A reader
 * (the monitor's dmesg) walks from msgbuf_first() -- the oldest byte
 * still held, or after a wrap the start of the first whole line -- to the
 * write position with msgbuf_read(), which copies in chunks and skips
 * ahead if output overwrote what it was about to read.  Writers may be in
 * any context, interrupt handlers included: msglog masks events around
 * the copy.
 *
 * The unit tests in tests/sys/kern build this file on the host, with
 * event masking from their kernel shim (kernel_host.c).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <machine/cpufunc.h>

#include <sys/msgbuf.h>

void
msgbuf_init(struct msgbuf *mb, char *ptr, size_t size)
{
	mb->msg_ptr = ptr;
	mb->msg_size = size;
	mb->msg_wseq = 0;
}

void
msgbuf_addstr(struct msgbuf *mb, const char *buf, size_t len)
{
	size_t off, n;

	/* Only the last msg_size bytes of a long string can survive. */
	if (len > mb->msg_size) {
		mb->msg_wseq += len - mb->msg_size;
		buf += len - mb->msg_size;
		len = mb->msg_size;
	}
	while (len > 0) {
		off = mb->msg_wseq % mb->msg_size;
		n = mb->msg_size - off;
		if (n > len)
			n = len;
		memcpy(mb->msg_ptr + off, buf, n);
		mb->msg_wseq += n;
		buf += n;
		len -= n;
	}
}

static uint64_t
msgbuf_oldest(struct msgbuf *mb)
{
	return (mb->msg_wseq > mb->msg_size ? mb->msg_wseq - mb->msg_size :
	    0);
}

/*
 * Where a reader starts: the oldest byte held or, once the ring has
 * wrapped (the oldest line is cut), just after the first newline.
 */
uint64_t
msgbuf_first(struct msgbuf *mb)
{
	uint64_t seq;

	seq = msgbuf_oldest(mb);
	if (seq == 0)
		return (0);
	for (; seq < mb->msg_wseq; seq++)
		if (mb->msg_ptr[seq % mb->msg_size] == '\n')
			return (seq + 1);
	return (msgbuf_oldest(mb));	/* one huge line: show what is left */
}

/*
 * Copy up to len bytes from *seqp on; advance *seqp.  A position that has
 * been overwritten meanwhile moves to the oldest byte still held.
 * Returns 0 at the write position.
 */
size_t
msgbuf_read(struct msgbuf *mb, uint64_t *seqp, char *buf, size_t len)
{
	size_t off, n, done;
	uint64_t seq;

	seq = *seqp;
	if (seq < msgbuf_oldest(mb))
		seq = msgbuf_oldest(mb);
	if (seq > mb->msg_wseq)
		seq = mb->msg_wseq;
	if (len > mb->msg_wseq - seq)
		len = mb->msg_wseq - seq;
	for (done = 0; done < len; done += n) {
		off = (seq + done) % mb->msg_size;
		n = mb->msg_size - off;
		if (n > len - done)
			n = len - done;
		memcpy(buf + done, mb->msg_ptr + off, n);
	}
	*seqp = seq + len;
	return (len);
}

static char msgbuf_data[MSGBUF_SIZE];
static struct msgbuf msgbuf_kernel = {
	.msg_ptr = msgbuf_data,
	.msg_size = sizeof(msgbuf_data),
};
struct msgbuf *msgbufp = &msgbuf_kernel;

/* printf(9)'s copy into the message buffer; any context. */
void
msglog(const char *buf, size_t len)
{
	register_t s;

	s = intr_disable();
	msgbuf_addstr(msgbufp, buf, len);
	intr_restore(s);
}
