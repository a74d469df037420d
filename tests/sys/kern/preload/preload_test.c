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

#include <sys/kenv.h>
#include <sys/preload.h>

/* init_main.c's, which kern_environment.c sets. */
int bootverbose;

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
	char	env[2048];
	char	complaints[2048];
};

static void
conf_load(void *arg, const char *name)
{
	struct conf *c = arg;

	append(c->loaded, sizeof(c->loaded), name);
	append(c->loaded, sizeof(c->loaded), " ");
}

static void
conf_setenv(void *arg, int line, const char *name, const char *value)
{
	struct conf *c = arg;
	char buf[256];

	snprintf(buf, sizeof(buf), "%d:%s=[%s]|", line, name, value);
	append(c->env, sizeof(c->env), buf);
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
	static const struct preload_conf_ops ops = {
		.pc_load = conf_load,
		.pc_setenv = conf_setenv,
		.pc_complain = conf_complain,
	};

	memset(c, 0, sizeof(*c));
	return (preload_conf_parse(text, len, &ops, c));
}

static int
conf_str(struct conf *c, const char *text)
{
	return (conf(c, text, strlen(text)));
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
	ATF_CHECK_STREQ(c.env, "");

	ATF_CHECK_EQ(conf(&c, bad_conf, sizeof(bad_conf) - 1), 5);
	ATF_CHECK_STREQ(c.loaded, "a e ");
	ATF_CHECK_STREQ(c.complaints,
	    "2:expected '=' after the variable name|"
	    "3:expected a variable name|"
	    "4:unterminated quoted value|"
	    "5:unexpected text after the value|"
	    "6:the value of a _load variable must be YES or NO|");
	/* Not a _load line: a variable; "_load" alone is a name too. */
	ATF_CHECK_STREQ(c.env, "7:kern.hz=[100]|8:_load=[YES]|");

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

/* loader.conf variables: the syntax, and what is set. */
ATF_TC_WITHOUT_HEAD(loader_conf_env);
ATF_TC_BODY(loader_conf_env, tc)
{
	static const char good[] =
	    "ifconfig_xn0=\"inet 10.99.0.5/24\"\n"
	    "  defaultrouter = 10.99.0.1   # the bridge\n"
	    "hw.xbd.max_queues=2\r\n"
	    "empty=\"\"\n"
	    "bare=\n"
	    "hash=\"a # b\"  # a comment after a quoted #\n"
	    "xn_load=\"YES\"\n"
	    "punct=\"~!@$%^&*()'=\"\n"
	    "last=\"value\"";
	struct conf c;

	ATF_CHECK_EQ(conf(&c, good, sizeof(good) - 1), 0);
	ATF_CHECK_STREQ(c.complaints, "");
	ATF_CHECK_STREQ(c.loaded, "xn ");
	ATF_CHECK_STREQ(c.env,
	    "1:ifconfig_xn0=[inet 10.99.0.5/24]|"
	    "2:defaultrouter=[10.99.0.1]|"
	    "3:hw.xbd.max_queues=[2]|"
	    "4:empty=[]|"
	    "5:bare=[]|"
	    "6:hash=[a # b]|"
	    "8:punct=[~!@$%^&*()'=]|"
	    "9:last=[value]|");
}

/* Hostile lines: each refused whole, with a reason; the rest still read. */
ATF_TC_WITHOUT_HEAD(loader_conf_hostile);
ATF_TC_BODY(loader_conf_hostile, tc)
{
	static const struct {
		const char	*line;
		const char	*why;
	} bad[] = {
		{ "a=\"x\ty\"", "control or non-ASCII character in the value" },
		{ "a=\"x\033[2Jy\"",
		    "control or non-ASCII character in the value" },
		{ "a=\"caf\xc3\xa9\"",
		    "control or non-ASCII character in the value" },
		{ "a=x\x7fy", "control or non-ASCII character in the value" },
		{ "a=\x01", "control or non-ASCII character in the value" },
		{ "a=\"x\" \"y\"", "unexpected text after the value" },
		{ "a=x\"y\"", "unexpected text after the value" },
		{ "a=\"x", "unterminated quoted value" },
		{ "a=\"x\\\"y\"", "unexpected text after the value" },
		{ "a b=1", "expected '=' after the variable name" },
		{ "a$=1", "expected '=' after the variable name" },
		{ "\"a\"=1", "expected a variable name" },
		{ "xn_name=\"if_xn\"",
		    "a FreeBSD loader module directive pvbsd does not have; "
		    "ignored" },
		{ "xn_flags=\"-v\"",
		    "a FreeBSD loader module directive pvbsd does not have; "
		    "ignored" },
		{ "xn_before=\"x\"",
		    "a FreeBSD loader module directive pvbsd does not have; "
		    "ignored" },
	};
	struct conf c;
	char text[4096], buf[256], name[64], val[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "ok1=1\n%s\nok2=2\n",
		    bad[i].line);
		ATF_CHECK_EQ_MSG(conf_str(&c, text), 1, "%s", bad[i].line);
		snprintf(buf, sizeof(buf), "2:%s|", bad[i].why);
		ATF_CHECK_STREQ_MSG(c.complaints, buf, "%s", bad[i].line);
		ATF_CHECK_STREQ_MSG(c.env, "1:ok1=[1]|3:ok2=[2]|", "%s",
		    bad[i].line);
	}

	/* Names: 31 characters fit, 32 do not. */
	memset(name, 'n', sizeof(name));
	name[KENV_MNAMELEN - 1] = '\0';
	snprintf(text, sizeof(text), "%s=1\n", name);
	ATF_CHECK_EQ(conf_str(&c, text), 0);
	ATF_CHECK_EQ(strlen(c.env), strlen("1:=[1]|") + KENV_MNAMELEN - 1);
	name[KENV_MNAMELEN - 1] = 'n';
	name[KENV_MNAMELEN] = '\0';
	snprintf(text, sizeof(text), "%s=1\nok=1\n", name);
	ATF_CHECK_EQ(conf_str(&c, text), 1);
	ATF_CHECK_STREQ(c.complaints, "1:variable name too long|");
	ATF_CHECK_STREQ(c.env, "2:ok=[1]|");

	/* Values: 127 characters fit, 128 do not, quoted or not. */
	memset(val, 'v', sizeof(val));
	val[KENV_MVALLEN - 1] = '\0';
	snprintf(text, sizeof(text), "a=\"%s\"\nb=%s\n", val, val);
	ATF_CHECK_EQ(conf_str(&c, text), 0);
	ATF_CHECK_EQ(strlen(c.env), 2 * (strlen("1:a=[]|") +
	    KENV_MVALLEN - 1));
	val[KENV_MVALLEN - 1] = 'v';
	val[KENV_MVALLEN] = '\0';
	snprintf(text, sizeof(text), "a=\"%s\"\nb=%s\nc=3\n", val, val);
	ATF_CHECK_EQ(conf_str(&c, text), 2);
	ATF_CHECK_STREQ(c.complaints, "1:value too long|2:value too long|");
	ATF_CHECK_STREQ(c.env, "3:c=[3]|");

	/* Lines: a comment of PRELOAD_CONFLINELEN characters is too long. */
	memset(text, '#', PRELOAD_CONFLINELEN);
	strcpy(text + PRELOAD_CONFLINELEN, "\nok=1\n");
	ATF_CHECK_EQ(conf_str(&c, text), 1);
	ATF_CHECK_STREQ(c.complaints, "1:line too long|");
	ATF_CHECK_STREQ(c.env, "2:ok=[1]|");
	text[0] = 'x';
	text[1] = '=';
	text[PRELOAD_CONFLINELEN - 1] = '\n';
	text[PRELOAD_CONFLINELEN] = '\0';
	ATF_CHECK_EQ(conf_str(&c, text), 0);
	ATF_CHECK_STREQ(c.env, "1:x=[]|");

	/* A comment may hold anything but NUL. */
	ATF_CHECK_EQ(conf_str(&c, "# caf\xc3\xa9 \x01\x7f\na=1 # \xff\n"), 0);
	ATF_CHECK_STREQ(c.env, "2:a=[1]|");
	ATF_CHECK_STREQ(c.complaints, "");
}

/*
 * The kernel environment: the command line first, then loader.conf,
 * which cannot override it; limits and the full table.
 */
ATF_TC_WITHOUT_HEAD(kenv_precedence);
ATF_TC_BODY(kenv_precedence, tc)
{
	static const char cmdline[] =
	    "ktest=all ifconfig_xn0=\"inet 10.0.0.1/8\" x=1 x=2 flag";
	const char *name, *value;
	char big[KENV_MVALLEN + 1], key[16];
	int i, n, origin;

	kenv_init(cmdline, sizeof(cmdline));
	ATF_CHECK_STREQ(kern_getenv("ifconfig_xn0"), "inet 10.0.0.1/8");
	ATF_CHECK_STREQ(kern_getenv("x"), "2");
	ATF_CHECK_STREQ(kern_getenv("flag"), "1");

	/* The command line wins over loader.conf. */
	ATF_CHECK_EQ(kenv_setloader("ifconfig_xn0", "inet 10.99.0.5/24"),
	    EEXIST);
	ATF_CHECK_STREQ(kern_getenv("ifconfig_xn0"), "inet 10.0.0.1/8");
	ATF_CHECK_EQ(kenv_setloader("x", "3"), EEXIST);
	ATF_CHECK_STREQ(kern_getenv("x"), "2");

	/* A new variable; a later loader.conf line replaces it. */
	ATF_CHECK_EQ(kenv_setloader("defaultrouter", "10.99.0.1"), 0);
	ATF_CHECK_EQ(kenv_setloader("defaultrouter", "10.99.0.2"), 0);
	ATF_CHECK_STREQ(kern_getenv("defaultrouter"), "10.99.0.2");
	n = 0;
	for (i = 0; kenv_entry(i, &name, &value, &origin) == 0; i++) {
		if (strcmp(name, "defaultrouter") == 0) {
			n++;
			ATF_CHECK_EQ(origin, KENV_LOADER);
		}
		if (strcmp(name, "ktest") == 0)
			ATF_CHECK_EQ(origin, KENV_CMDLINE);
	}
	ATF_CHECK_EQ(n, 1);
	ATF_CHECK_EQ(i, 6);
	ATF_CHECK_EQ(kenv_entry(-1, &name, &value, &origin), ENOENT);

	/* kern_setenv() replaces anything. */
	ATF_CHECK_EQ(kern_setenv("x", "4"), 0);
	ATF_CHECK_STREQ(kern_getenv("x"), "4");

	/* What the table cannot hold is refused, never cut. */
	memset(big, 'v', sizeof(big));
	big[KENV_MVALLEN] = '\0';
	ATF_CHECK_EQ(kenv_setloader("big", big), ENAMETOOLONG);
	ATF_CHECK_EQ(kern_getenv("big"), NULL);
	big[KENV_MVALLEN - 1] = '\0';
	ATF_CHECK_EQ(kenv_setloader("big", big), 0);
	ATF_CHECK_EQ(strlen(kern_getenv("big")), KENV_MVALLEN - 1);
	ATF_CHECK_EQ(kenv_setloader("bad name", "1"), EINVAL);
	ATF_CHECK_EQ(kenv_setloader("", "1"), EINVAL);
	ATF_CHECK_EQ(kenv_setloader("ctl", "a\nb"), EINVAL);
	ATF_CHECK_EQ(kenv_setloader("nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", "1"),
	    ENAMETOOLONG);
	for (i = 0; ; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		if (kenv_setloader(key, "1") != 0)
			break;
	}
	ATF_CHECK_EQ(kenv_setloader("one_more", "1"), ENOMEM);
	ATF_CHECK_EQ(i, KENV_MAXVARS - 7);
	ATF_CHECK_EQ(kenv_setloader("k0", "2"), 0);	/* replacing fits */
	ATF_CHECK_STREQ(kern_getenv("k0"), "2");
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
	ATF_TP_ADD_TC(tp, loader_conf_env);
	ATF_TP_ADD_TC(tp, loader_conf_hostile);
	ATF_TP_ADD_TC(tp, kenv_precedence);
	return (atf_no_error());
}
