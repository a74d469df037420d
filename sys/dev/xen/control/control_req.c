/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Checking the control requests the toolstack leaves in xenstore.
 *
 * control/shutdown holds a word ("poweroff", "reboot", "halt",
 * "suspend"), control/sysrq a single key ("b", "t", ...), and the empty
 * string once the guest has taken the request.  Anyone with write access
 * to those nodes -- the toolstack, but also anything in dom0 that runs
 * xenstore-write -- may put any bytes there, up to xenstore's 4096, so
 * the value is judged before any of it is believed: its length first,
 * then every byte (a request is lower-case ASCII letters; a key is one
 * printable character); only a value that passes is looked up in the
 * driver's table of actions.  The answer says which check failed, for
 * the refusal the driver logs; control_req_quote() makes a safe, bounded
 * copy of any value for that message.
 *
 * No kernel services: the driver (control.c) calls these from its task
 * thread, the host tests call them directly.
 */

#include <sys/types.h>

#include <dev/xen/control/control_req.h>

/*
 * A control/shutdown value: CONTROL_REQ_OK if it can be a request word
 * (1 to CONTROL_WORD_MAX lower-case letters), else why not.  The caller
 * then looks the word up in its table (CONTROL_REQ_UNKNOWN if absent).
 */
int
control_check_word(const char *val, size_t len)
{
	size_t i;

	if (len == 0)
		return (CONTROL_REQ_NONE);
	if (len > CONTROL_WORD_MAX)
		return (CONTROL_REQ_BADLEN);
	for (i = 0; i < len; i++)
		if (val[i] < 'a' || val[i] > 'z')
			return (CONTROL_REQ_BADCHAR);
	return (CONTROL_REQ_OK);
}

/*
 * A control/sysrq value: CONTROL_REQ_OK if it is exactly one printable,
 * non-blank ASCII character, else why not.
 */
int
control_check_key(const char *val, size_t len)
{
	if (len == 0)
		return (CONTROL_REQ_NONE);
	if (len > 1)
		return (CONTROL_REQ_BADLEN);
	if (val[0] <= ' ' || val[0] > '~')
		return (CONTROL_REQ_BADCHAR);
	return (CONTROL_REQ_OK);
}

/* Why a request was refused, for the log. */
const char *
control_req_strerror(int res)
{
	switch (res) {
	case CONTROL_REQ_NONE:
		return ("empty");
	case CONTROL_REQ_OK:
		return ("accepted");
	case CONTROL_REQ_UNKNOWN:
		return ("unknown request");
	case CONTROL_REQ_BADLEN:
		return ("too long");
	case CONTROL_REQ_BADCHAR:
		return ("not a request word");
	default:
		return ("invalid");
	}
}

/*
 * A printable copy of the first bytes of val for a log line: printable
 * ASCII as is except '"' and '\\', everything else as \xNN, and "..."
 * when the value did not fit.  buf is always NUL-terminated; size must
 * be at least 8.
 */
void
control_req_quote(const char *val, size_t len, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o;
	u_char c;

	o = 0;
	for (i = 0; i < len; i++) {
		c = (u_char)val[i];
		if (c >= ' ' && c <= '~' && c != '"' && c != '\\') {
			if (o + 1 + 4 > size)
				break;
			buf[o++] = c;
		} else {
			if (o + 4 + 4 > size)
				break;
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	if (i < len) {
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o] = '\0';
}
