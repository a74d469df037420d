/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _XEN_XENSTORE_XS_WIRE_H_
#define	_XEN_XENSTORE_XS_WIRE_H_

/*
 * The xenstore message layer: requests built into caller buffers, replies
 * and watch events put back together from the ring's byte stream, and
 * strict parsers for every reply payload.  See xs_wire.c for the rules and
 * xenstore(9) for the interface.  Needs <xen/io/xs_wire.h> (and, through
 * it, uint32_t) and bool; includes the former itself.
 */
#include <xen/io/xs_wire.h>

struct xs_ring;

#define	XS_HDR_LEN	sizeof(struct xsd_sockmsg)
#define	XS_MSG_MAX	(XS_HDR_LEN + XENSTORE_PAYLOAD_MAX)

/*
 * One message as received: header, then len payload bytes, then a NUL that
 * is ours (the payload itself may lack one; parsers never rely on it).
 */
struct xs_msg {
	struct xsd_sockmsg xm_hdr;
	char		xm_body[XENSTORE_PAYLOAD_MAX + 1];
};

/*
 * Incremental assembler for the response stream.  A complete message stays
 * valid until the next call that feeds the assembler.  Once a header is
 * refused the stream cannot be framed again: xa_error stays EBADMSG until
 * xs_asm_init() (after a connection reset).
 */
struct xs_asm {
	struct xs_msg	xa_msg;		/* message being assembled */
	size_t		xa_have;	/* bytes of it received so far */
	int		xa_error;	/* 0 or EBADMSG, sticky */
	bool		xa_done;	/* xa_msg is complete, handed out */
	uint64_t	xa_nmsgs;	/* complete messages */
};

/* Building requests; each writes header + payload, total to *lenp. */
int	xs_req_path(void *, size_t, size_t *, uint32_t, uint32_t, uint32_t,
	    const char *);
int	xs_req_write(void *, size_t, size_t *, uint32_t, uint32_t,
	    const char *, const void *, size_t);
int	xs_req_watch(void *, size_t, size_t *, uint32_t, uint32_t,
	    const char *, const char *);
int	xs_req_transaction_start(void *, size_t, size_t *, uint32_t);
int	xs_req_transaction_end(void *, size_t, size_t *, uint32_t, uint32_t,
	    bool);
int	xs_req_reset_watches(void *, size_t, size_t *, uint32_t);
int	xs_req_set_perms(void *, size_t, size_t *, uint32_t, uint32_t,
	    const char *, const char *const *, u_int);

/* Reassembling the response stream. */
bool	xs_type_known(uint32_t);
void	xs_asm_init(struct xs_asm *);
int	xs_asm_feed(struct xs_asm *, const void *, size_t, size_t *,
	    const struct xs_msg **);
int	xs_asm_pull(struct xs_asm *, struct xs_ring *,
	    const struct xs_msg **);

/* Replies. */
bool	xs_reply_matches(const struct xsd_sockmsg *,
	    const struct xsd_sockmsg *);
int	xs_reply_check(const struct xsd_sockmsg *, const struct xs_msg *);
int	xs_reply_error(const char *, size_t);
int	xs_reply_ok(const char *, size_t);
int	xs_reply_string(const char *, size_t, char *, size_t);
int	xs_reply_directory(const char *, size_t, const char **, u_int,
	    u_int *);
int	xs_reply_tx_id(const char *, size_t, uint32_t *);
int	xs_watch_event_parse(const char *, size_t, const char **,
	    const char **);

/* Errno names and numeric node values. */
int	xs_errno_from_name(const char *);
const char *xs_errno_name(int);
int	xs_parse_ulong(const char *, u_long, u_long *);
int	xs_parse_int(const char *, int, int, int *);
int	xs_parse_perm(const char *, char *, u_int *);

#endif /* !_XEN_XENSTORE_XS_WIRE_H_ */
