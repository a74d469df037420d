/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Host tests of the preload image parser and the loader.conf reader
 * (sys/kern/subr_preload.c): archives written entry by entry here, each
 * fault class the parser must refuse with its message, the real image the
 * build makes (obj/boot/preload.cpio), and loader.conf lines good and bad.
 */

#include <sys/types.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include <sys/preload.h>

#ifndef EFTYPE
#define	EFTYPE	79		/* as in subr_preload.c on the host */
#endif

#define	REG	0100644
#define	DIR	0040755
#define	LNK	0120777

/* An archive being written. */
struct ar {
	unsigned char	buf[8192];
	size_t		len;
};

/* Append one entry; returns its offset. */
static size_t
put(struct ar *a, const char *magic, const char *name, uint32_t mode,
    const char *data, size_t len)
{
	char hdr[128];
	uint32_t sum;
	size_t namesz, off, i;

	off = a->len;
	namesz = strlen(name) + 1;
	sum = 0;
	for (i = 0; i < len; i++)
		sum += (unsigned char)data[i];
	snprintf(hdr, sizeof(hdr), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X"
	    "%08X%08X%08X%08X", magic, 1u, mode, 0u, 0u, 1u, 0u,
	    (unsigned)len, 0u, 0u, 0u, 0u, (unsigned)namesz,
	    strcmp(magic, "070702") == 0 ? sum : 0u);
	ATF_REQUIRE(a->len + 110 + namesz + len + 8 < sizeof(a->buf));
	memcpy(a->buf + a->len, hdr, 110);
	a->len += 110;
	memcpy(a->buf + a->len, name, namesz);
	a->len += namesz;
	while (a->len % 4 != 0)
		a->buf[a->len++] = 0;
	memcpy(a->buf + a->len, data, len);
	a->len += len;
	while (a->len % 4 != 0)
		a->buf[a->len++] = 0;
	return (off);
}

static void
file(struct ar *a, const char *name, const char *data)
{
	(void)put(a, "070701", name, REG, data, strlen(data));
}

static void
trailer(struct ar *a)
{
	(void)put(a, "070701", "TRAILER!!!", 0, "", 0);
}

/* A small, good archive. */
static void
good(struct ar *a)
{
	memset(a, 0, sizeof(*a));
	(void)put(a, "070701", "boot", DIR, "", 0);
	(void)put(a, "070701", "boot/kernel", DIR, "", 0);
	file(a, "boot/kernel/foo.ko", "FOO-MODULE");
	file(a, "./boot/loader.conf", "foo_load=\"YES\"\n");
	file(a, "boot/empty", "");
	trailer(a);
}

/* The archive must be refused, with 'msg' in the message. */
static void
refused(struct ar *a, const char *msg)
{
	struct preload_image pi;
	struct preload_file pf;

	ATF_CHECK_EQ(preload_parse(&pi, a->buf, a->len), EFTYPE);
	ATF_CHECK_MSG(strstr(pi.pi_errmsg, msg) != NULL,
	    "message \"%s\" lacks \"%s\"", pi.pi_errmsg, msg);
	ATF_CHECK(!pi.pi_valid);
	ATF_CHECK_EQ(preload_find(&pi, "boot/kernel/foo.ko", &pf), ENOENT);
}

ATF_TC_WITHOUT_HEAD(lookup);
ATF_TC_BODY(lookup, tc)
{
	struct preload_image pi;
	struct preload_file pf;
	struct ar a;

	good(&a);
	ATF_REQUIRE_EQ_MSG(preload_parse(&pi, a.buf, a.len), 0, "%s",
	    pi.pi_errmsg);
	ATF_CHECK_EQ(pi.pi_nfiles, 5);
	ATF_REQUIRE_EQ(preload_find(&pi, "boot/kernel/foo.ko", &pf), 0);
	ATF_CHECK_EQ(pf.pf_size, 10);
	ATF_CHECK(memcmp(pf.pf_data, "FOO-MODULE", 10) == 0);
	ATF_CHECK_EQ((uintptr_t)pf.pf_data % 4, 0);
	/* Leading "/" and "./", asked for or in the archive. */
	ATF_CHECK_EQ(preload_find(&pi, "/boot/kernel/foo.ko", &pf), 0);
	ATF_CHECK_EQ(preload_find(&pi, "./boot/kernel/foo.ko", &pf), 0);
	ATF_CHECK_EQ(preload_find(&pi, "./boot/loader.conf", &pf), 0);
	ATF_REQUIRE_EQ(preload_find(&pi, "boot/loader.conf", &pf), 0);
	ATF_CHECK_EQ(pf.pf_size, 15);
	ATF_CHECK_EQ(preload_find(&pi, "boot/empty", &pf), 0);
	ATF_CHECK_EQ(pf.pf_size, 0);
	/* Directories and missing names are not files. */
	ATF_CHECK_EQ(preload_find(&pi, "boot/kernel", &pf), ENOENT);
	ATF_CHECK_EQ(preload_find(&pi, "boot/kernel/bar.ko", &pf), ENOENT);
	ATF_CHECK_EQ(preload_find(&pi, "boot/kernel/foo", &pf), ENOENT);
	ATF_CHECK_EQ(preload_find(&pi, "TRAILER!!!", &pf), ENOENT);
	ATF_REQUIRE_EQ(preload_entry(&pi, 1, &pf), 0);
	ATF_CHECK_STREQ(pf.pf_name, "boot/kernel");
	ATF_CHECK_EQ(preload_entry(&pi, 5, &pf), ENOENT);

	/* NUL padding after the trailer, as cpio writes whole blocks. */
	a.len += 512;
	ATF_CHECK_EQ(preload_parse(&pi, a.buf, a.len), 0);

	/* Lower-case hex digits and the checksummed format are fine. */
	memset(&a, 0, sizeof(a));
	(void)put(&a, "070702", "sum", REG, "abc", 3);
	trailer(&a);
	a.buf[6] = 'a';		/* in c_ino: "0000000a" */
	ATF_CHECK_EQ_MSG(preload_parse(&pi, a.buf, a.len), 0, "%s",
	    pi.pi_errmsg);
}

ATF_TC_WITHOUT_HEAD(header_faults);
ATF_TC_BODY(header_faults, tc)
{
	struct ar a;
	size_t off;

	good(&a);
	a.buf[0] = '1';
	refused(&a, "bad magic");

	good(&a);
	off = 116;		/* after "boot" and its padding */
	a.buf[off + 5] = '7';	/* "070771" */
	refused(&a, "entry 1 at offset 116: bad magic");

	good(&a);
	a.buf[6 + 8 + 3] = 'g';	/* c_mode */
	refused(&a, "header field 2 is not 8 hex digits");

	good(&a);
	a.buf[6 + 8 * 12 + 7] = ' ';	/* c_check */
	refused(&a, "header field 13 is not 8 hex digits");

	/* Too short for one header; nothing at all. */
	good(&a);
	a.len = 100;
	refused(&a, "header runs past the end");
	a.len = 0;
	refused(&a, "no TRAILER!!! entry");
}

ATF_TC_WITHOUT_HEAD(name_faults);
ATF_TC_BODY(name_faults, tc)
{
	char longname[300];
	struct ar a;

	/* c_namesize 1: only the NUL. */
	memset(&a, 0, sizeof(a));
	(void)put(&a, "070701", "x", REG, "", 0);
	memcpy(a.buf + 6 + 8 * 11, "00000001", 8);
	trailer(&a);
	refused(&a, "empty name");

	/* c_namesize beyond the archive. */
	memset(&a, 0, sizeof(a));
	(void)put(&a, "070701", "x", REG, "", 0);
	memcpy(a.buf + 6 + 8 * 11, "00010000", 8);
	refused(&a, "runs past the end of the archive");

	/* No NUL where the name should end. */
	memset(&a, 0, sizeof(a));
	(void)put(&a, "070701", "abc", REG, "", 0);
	memcpy(a.buf + 6 + 8 * 11, "00000003", 8);
	trailer(&a);
	refused(&a, "name not NUL-terminated");

	/* A NUL inside. */
	memset(&a, 0, sizeof(a));
	(void)put(&a, "070701", "abcde", REG, "", 0);
	a.buf[112] = '\0';
	trailer(&a);
	refused(&a, "NUL inside the name");

	memset(longname, 'n', sizeof(longname));
	longname[sizeof(longname) - 1] = '\0';
	memset(&a, 0, sizeof(a));
	file(&a, longname, "");
	trailer(&a);
	refused(&a, "name longer than 255 bytes");
}

ATF_TC_WITHOUT_HEAD(data_faults);
ATF_TC_BODY(data_faults, tc)
{
	struct ar a;
	size_t off;

	/* Data past the end: c_filesize larger than what is left. */
	memset(&a, 0, sizeof(a));
	(void)put(&a, "070701", "f", REG, "0123", 4);
	memcpy(a.buf + 6 + 8 * 6, "00000100", 8);
	refused(&a, "256 bytes of data run past the end");

	/* Padding that is not NULs, after the name and after the data. */
	memset(&a, 0, sizeof(a));
	(void)put(&a, "070701", "fg", REG, "012", 3);
	trailer(&a);
	a.buf[113] = 'x';	/* "fg\0" ends at 113 */
	refused(&a, "entry 0 (fg): bad padding after the name");
	a.buf[113] = 0;
	a.buf[116 + 3] = 'x';
	refused(&a, "entry 0 (fg): bad padding after the data");

	/* A symbolic link; a directory with data. */
	memset(&a, 0, sizeof(a));
	(void)put(&a, "070701", "l", LNK, "target", 6);
	trailer(&a);
	refused(&a, "neither a regular file nor a directory");
	memset(&a, 0, sizeof(a));
	(void)put(&a, "070701", "d", DIR, "data", 4);
	trailer(&a);
	refused(&a, "directory with data");

	/* A checksum that does not match. */
	memset(&a, 0, sizeof(a));
	off = put(&a, "070702", "s", REG, "abc", 3);
	trailer(&a);
	a.buf[off + 112] = 'b';	/* "abc" becomes "bbc" */
	refused(&a, "checksum");
}

ATF_TC_WITHOUT_HEAD(archive_faults);
ATF_TC_BODY(archive_faults, tc)
{
	struct ar a;

	/* No trailer. */
	memset(&a, 0, sizeof(a));
	file(&a, "a", "1");
	refused(&a, "no TRAILER!!! entry at the end");

	/* A trailer with data, anything but NULs after it. */
	memset(&a, 0, sizeof(a));
	(void)put(&a, "070701", "TRAILER!!!", 0, "x", 1);
	refused(&a, "trailer with data");
	good(&a);
	a.buf[a.len + 7] = 'x';
	a.len += 8;
	refused(&a, "data after the trailer");

	/* The same name twice, also spelt "./name" or "/name". */
	memset(&a, 0, sizeof(a));
	file(&a, "boot/a", "1");
	file(&a, "boot/b", "2");
	file(&a, "./boot/a", "3");
	trailer(&a);
	refused(&a, "entry 2 (./boot/a): the same name as entry 0");
	memset(&a, 0, sizeof(a));
	file(&a, "/boot/b", "1");
	file(&a, ".//./boot/b", "2");
	trailer(&a);
	refused(&a, "entry 1 (.//./boot/b): the same name as entry 0");
}

/* The image the build puts next to the kernel, if there is one. */
ATF_TC_WITHOUT_HEAD(built_image);
ATF_TC_BODY(built_image, tc)
{
	struct preload_image pi;
	struct preload_file pf;
	unsigned char *buf;
	FILE *f;
	long size;

	f = fopen(PRELOAD_PATH, "rb");
	if (f == NULL)
		atf_tc_skip("no %s: make builds it", PRELOAD_PATH);
	ATF_REQUIRE(fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0);
	rewind(f);
	buf = malloc(size);
	ATF_REQUIRE(buf != NULL && fread(buf, 1, size, f) == (size_t)size);
	fclose(f);
	ATF_REQUIRE_EQ_MSG(preload_parse(&pi, buf, size), 0, "%s",
	    pi.pi_errmsg);
	ATF_CHECK_EQ(preload_find(&pi, "boot/loader.conf", &pf), 0);
	ATF_CHECK_EQ(preload_find(&pi, "boot/kernel/ktest_example.ko", &pf),
	    0);
	ATF_CHECK_EQ(preload_find(&pi, "boot/kernel/ktest_mod.ko", &pf), 0);
	ATF_CHECK_EQ(preload_find(&pi, "boot/kernel/kld_dep.ko", &pf), 0);
	ATF_CHECK_EQ(preload_find(&pi, "boot/kernel/kld_res.ko", &pf), 0);
	ATF_CHECK_EQ(preload_find(&pi, "boot/kernel/needs_missing.ko", &pf),
	    0);
	ATF_CHECK_EQ(preload_find(&pi, "boot/corrupt/truncated.ko", &pf), 0);
	ATF_CHECK_EQ(preload_find(&pi, "boot/corrupt/badmagic.ko", &pf), 0);
	ATF_CHECK_EQ(preload_find(&pi, "boot/corrupt/badreloc.ko", &pf), 0);
	free(buf);
}

/* loader.conf: what was loaded and what was complained about. */
static void
append(char *buf, size_t size, const char *s)
{
	size_t len;

	len = strlen(buf);
	snprintf(buf + len, size - len, "%s", s);
}

struct conf {
	char	loaded[256];
	char	complaints[1024];
};

static void
conf_load(void *arg, const char *name)
{
	struct conf *c = arg;

	append(c->loaded, sizeof(c->loaded), name);
	append(c->loaded, sizeof(c->loaded), " ");
}

static void
conf_complain(void *arg, int line, const char *why)
{
	struct conf *c = arg;
	char buf[128];

	snprintf(buf, sizeof(buf), "%d:%s|", line, why);
	append(c->complaints, sizeof(c->complaints), buf);
}

static int
conf(struct conf *c, const char *text, size_t len)
{
	memset(c, 0, sizeof(*c));
	return (preload_conf_parse(text, len, conf_load, conf_complain, c));
}

ATF_TC_WITHOUT_HEAD(loader_conf);
ATF_TC_BODY(loader_conf, tc)
{
	static const char good_conf[] =
	    "# modules to load at boot\n"
	    "\n"
	    "a_load=\"YES\"\n"
	    "  b_load = YES   # spaces and a comment\n"
	    "c_load=\"NO\"\n"
	    "d_load=\"yes\"\r\n"
	    "e-f.g_load=Yes\n"
	    "\t\n"
	    "h_load=\"YES\"";		/* no newline at the end */
	static const char bad_conf[] =
	    "a_load=\"YES\"\n"
	    "just words\n"
	    "=\"YES\"\n"
	    "b_load=\"YES\n"
	    "c_load=\"YES\" junk\n"
	    "d_load=\"MAYBE\"\n"
	    "kern.hz=\"100\"\n"
	    "_load=\"YES\"\n"
	    "e_load=\"YES\"\n";
	struct conf c;
	char nul[] = "a_load=YES\nb\0_load=YES\nc_load=YES\n";
	char longname[200];

	ATF_CHECK_EQ(conf(&c, good_conf, sizeof(good_conf) - 1), 0);
	ATF_CHECK_STREQ(c.loaded, "a b d e-f.g h ");
	ATF_CHECK_STREQ(c.complaints, "");

	ATF_CHECK_EQ(conf(&c, bad_conf, sizeof(bad_conf) - 1), 7);
	ATF_CHECK_STREQ(c.loaded, "a e ");
	ATF_CHECK_STREQ(c.complaints,
	    "2:expected '=' after the variable name|"
	    "3:expected a variable name|"
	    "4:unterminated quoted value|"
	    "5:unexpected text after the value|"
	    "6:the value of a _load variable must be YES or NO|"
	    "7:not a <module>_load variable; ignored|"
	    "8:not a <module>_load variable; ignored|");

	ATF_CHECK_EQ(conf(&c, nul, sizeof(nul) - 1), 1);
	ATF_CHECK_STREQ(c.loaded, "a c ");
	ATF_CHECK_STREQ(c.complaints, "2:NUL character in the line|");

	memset(longname, 'm', sizeof(longname));
	memcpy(longname + 100, "_load=YES\n", 11);
	ATF_CHECK_EQ(conf(&c, longname, strlen(longname)), 1);
	ATF_CHECK_STREQ(c.complaints, "1:module name empty or too long|");

	ATF_CHECK_EQ(conf(&c, "", 0), 0);
	ATF_CHECK_STREQ(c.loaded, "");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, lookup);
	ATF_TP_ADD_TC(tp, header_faults);
	ATF_TP_ADD_TC(tp, name_faults);
	ATF_TP_ADD_TC(tp, data_faults);
	ATF_TP_ADD_TC(tp, archive_faults);
	ATF_TP_ADD_TC(tp, built_image);
	ATF_TP_ADD_TC(tp, loader_conf);
	return (atf_no_error());
}
