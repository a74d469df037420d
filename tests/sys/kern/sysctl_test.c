/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * sysctl(9) on the host: sys/kern/kern_sysctl.c with a tree of the test's
 * own, declared with the kernel's macros into the same linker set.  Name
 * lookup by whole components, the order of output, handlers that print
 * families of names, run-time registration and its errors.
 */

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <sys/sysctl.h>

static char out[4096];

static void
collect(const char *name, const char *value, void *arg)
{
	size_t len = strlen(out);

	snprintf(out + len, sizeof(out) - len, "%s: %s\n", name, value);
	if (arg != NULL)
		(*(int *)arg)++;
}

/* Query and return what was printed, or "ENOENT". */
static const char *
query(const char *name)
{
	out[0] = '\0';
	if (sysctl_query(name, collect, NULL) == ENOENT)
		strcat(out, "ENOENT");
	return (out);
}

static int t_int = -7;
static u_int t_uint = 4000000000u;
static long t_long = -5000000000L;
static u_long t_ulong = 18446744073709551615UL;
static const char t_string[] = "pvbsd";

SYSCTL_ROOT_NODE(test, "the test tree");
SYSCTL_NODE(_test, num, "numbers");
SYSCTL_INT(_test_num, int, &t_int, "an int");
SYSCTL_UINT(_test_num, uint, &t_uint, "a u_int");
SYSCTL_LONG(_test_num, long, &t_long, "a long");
SYSCTL_ULONG(_test_num, ulong, &t_ulong, "a u_long");
SYSCTL_STRING(_test, ostype, t_string, "a string");
SYSCTL_NODE(_test, numbers, "a name that starts like another");
SYSCTL_INT(_test_numbers, one, &t_int, "an int again");
SYSCTL_NODE(_test, empty, "a node without children");

/* test.port.<n>.{name,count}: a family printed by a handler. */
static int
port_handler(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	static const char *names[] = { "xencons", "xenstore", "timer" };
	char sub[32];
	int i;

	ATF_CHECK_EQ(42, oidp->oid_arg2);
	for (i = 0; i < 3; i++) {
		snprintf(sub, sizeof(sub), "%d.name", i + 1);
		sysctl_emit(req, sub, "%s", names[i]);
		snprintf(sub, sizeof(sub), "%d.count", i + 1);
		sysctl_emit(req, sub, "%d", (i + 1) * 10);
	}
	return (0);
}
SYSCTL_PROC(_test, port, port_handler, NULL, 42, "per port");

static int
self_handler(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	return (sysctl_emit(req, NULL, "%d", *(int *)oidp->oid_arg1 * 2));
}
SYSCTL_PROC(_test, twice, self_handler, &t_int, 0, "computed");

ATF_TC_WITHOUT_HEAD(leaf);
ATF_TC_BODY(leaf, tc)
{
	ATF_CHECK_STREQ("test.num.int: -7\n", query("test.num.int"));
	ATF_CHECK_STREQ("test.num.uint: 4000000000\n", query("test.num.uint"));
	ATF_CHECK_STREQ("test.num.long: -5000000000\n", query("test.num.long"));
	ATF_CHECK_STREQ("test.num.ulong: 18446744073709551615\n",
	    query("test.num.ulong"));
	ATF_CHECK_STREQ("test.ostype: pvbsd\n", query("test.ostype"));
	ATF_CHECK_STREQ("test.twice: -14\n", query("test.twice"));
	/* Values are read at query time. */
	t_int = 3;
	ATF_CHECK_STREQ("test.twice: 6\n", query("test.twice"));
	t_int = -7;
}

ATF_TC_WITHOUT_HEAD(subtree);
ATF_TC_BODY(subtree, tc)
{
	/* Sorted by name; test.num does not take in test.numbers. */
	ATF_CHECK_STREQ(
	    "test.num.int: -7\n"
	    "test.num.long: -5000000000\n"
	    "test.num.uint: 4000000000\n"
	    "test.num.ulong: 18446744073709551615\n", query("test.num"));
	ATF_CHECK_STREQ("test.numbers.one: -7\n", query("test.numbers"));
	/* An empty node is known, and prints nothing. */
	ATF_CHECK_STREQ("", query("test.empty"));
	ATF_CHECK_STREQ(
	    "test.num.int: -7\n"
	    "test.num.long: -5000000000\n"
	    "test.num.uint: 4000000000\n"
	    "test.num.ulong: 18446744073709551615\n"
	    "test.numbers.one: -7\n"
	    "test.ostype: pvbsd\n"
	    "test.port.1.name: xencons\n"
	    "test.port.1.count: 10\n"
	    "test.port.2.name: xenstore\n"
	    "test.port.2.count: 20\n"
	    "test.port.3.name: timer\n"
	    "test.port.3.count: 30\n"
	    "test.twice: -14\n", query("test"));
}

ATF_TC_WITHOUT_HEAD(unknown);
ATF_TC_BODY(unknown, tc)
{
	/* Whole components only, no partial words, no stray dots. */
	ATF_CHECK_STREQ("ENOENT", query("test.nu"));
	ATF_CHECK_STREQ("ENOENT", query("tes"));
	ATF_CHECK_STREQ("ENOENT", query("test."));
	ATF_CHECK_STREQ("ENOENT", query(".test"));
	ATF_CHECK_STREQ("ENOENT", query("test..num"));
	ATF_CHECK_STREQ("ENOENT", query("test.num.int.x"));
	ATF_CHECK_STREQ("ENOENT", query("nosuch"));
	ATF_CHECK_STREQ("ENOENT", query("test.port.4"));
	ATF_CHECK_STREQ("ENOENT", query("test.port.1.nam"));
}

ATF_TC_WITHOUT_HEAD(handler_names);
ATF_TC_BODY(handler_names, tc)
{
	/* A query below a handler's oid selects among what it prints. */
	ATF_CHECK_STREQ(
	    "test.port.2.name: xenstore\n"
	    "test.port.2.count: 20\n", query("test.port.2"));
	ATF_CHECK_STREQ("test.port.3.count: 30\n", query("test.port.3.count"));
	ATF_CHECK_STREQ(
	    "test.port.1.name: xencons\n"
	    "test.port.1.count: 10\n"
	    "test.port.2.name: xenstore\n"
	    "test.port.2.count: 20\n"
	    "test.port.3.name: timer\n"
	    "test.port.3.count: 30\n", query("test.port"));
}

ATF_TC_WITHOUT_HEAD(everything);
ATF_TC_BODY(everything, tc)
{
	int n;

	n = 0;
	out[0] = '\0';
	ATF_CHECK_EQ(0, sysctl_query(NULL, collect, &n));
	ATF_CHECK_EQ(13, n);
	n = 0;
	out[0] = '\0';
	ATF_CHECK_EQ(0, sysctl_query("", collect, &n));
	ATF_CHECK_EQ(13, n);
}

static int d_value = 99;
static struct sysctl_oid d_node = {
	.oid_parent = &sysctl__test,
	.oid_name = "dyn",
	.oid_kind = CTLTYPE_NODE,
};
static struct sysctl_oid d_leaf = {
	.oid_parent = &d_node,
	.oid_name = "value",
	.oid_kind = CTLTYPE_INT,
	.oid_arg1 = &d_value,
};

ATF_TC_WITHOUT_HEAD(dynamic);
ATF_TC_BODY(dynamic, tc)
{
	struct sysctl_oid clash = {
		.oid_parent = &sysctl__test,
		.oid_name = "ostype",
		.oid_kind = CTLTYPE_INT,
		.oid_arg1 = &d_value,
	};
	struct sysctl_oid dotted = {
		.oid_parent = &sysctl__test,
		.oid_name = "a.b",
		.oid_kind = CTLTYPE_INT,
		.oid_arg1 = &d_value,
	};

	/* The child needs its parent first. */
	ATF_CHECK_EQ(ENOENT, sysctl_register_oid(&d_leaf));
	ATF_CHECK_EQ(0, sysctl_register_oid(&d_node));
	ATF_CHECK_EQ(0, sysctl_register_oid(&d_leaf));
	ATF_CHECK_EQ(EEXIST, sysctl_register_oid(&d_leaf));
	ATF_CHECK_EQ(EEXIST, sysctl_register_oid(&clash));
	ATF_CHECK_EQ(EINVAL, sysctl_register_oid(&dotted));
	ATF_CHECK_STREQ("test.dyn.value: 99\n", query("test.dyn"));
	/* Unregistering a node takes its children along. */
	sysctl_unregister_oid(&d_node);
	ATF_CHECK_STREQ("ENOENT", query("test.dyn"));
	ATF_CHECK_STREQ("ENOENT", query("test.dyn.value"));
	ATF_CHECK_EQ(0, sysctl_register_oid(&d_node));
	ATF_CHECK_EQ(0, sysctl_register_oid(&d_leaf));
	ATF_CHECK_STREQ("test.dyn.value: 99\n", query("test.dyn.value"));
	sysctl_unregister_oid(&d_node);
}

ATF_TC_WITHOUT_HEAD(fullname);
ATF_TC_BODY(fullname, tc)
{
	char buf[32];

	ATF_CHECK_EQ(0, sysctl_fullname(&sysctl__test_num, buf, sizeof(buf)));
	ATF_CHECK_STREQ("test.num", buf);
	ATF_CHECK_EQ(0, sysctl_fullname(&sysctl__test_num, buf, 9));
	ATF_CHECK_EQ(ENAMETOOLONG, sysctl_fullname(&sysctl__test_num, buf,
	    8));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, leaf);
	ATF_TP_ADD_TC(tp, subtree);
	ATF_TP_ADD_TC(tp, unknown);
	ATF_TP_ADD_TC(tp, handler_names);
	ATF_TP_ADD_TC(tp, everything);
	ATF_TP_ADD_TC(tp, dynamic);
	ATF_TP_ADD_TC(tp, fullname);
	return (atf_no_error());
}
