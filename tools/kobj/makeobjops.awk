#!/usr/bin/awk -f
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# makeobjops.awk -- turn a kobj interface file (foo_if.m) into the C that
# drivers compile against: foo_if.h (method descriptors, method typedefs,
# inline dispatchers FOO_METHOD(obj, ...)) and foo_if.c (the descriptors
# with their default implementations).
#
# Usage:  awk -f makeobjops.awk foo_if.m [-h] [-c] [-d outdir]
#
#   -h  write foo_if.h      -c  write foo_if.c      (neither: both)
#   -d  directory to write into (default: the current directory)
#
# The options come after the file name so that awk does not take them for
# its own.  The outputs are named after the input file, not the INTERFACE
# name.  Nothing is written if the input has an error; errors go to stderr
# as "file:line: message" and the exit status is 1.
#
# Input syntax (C comments may appear anywhere between items; a comment
# right before an item is copied in front of its output):
#
#   #include <sys/bus.h>		copied to foo_if.c
#   INTERFACE foo;			prefix of every generated name
#   CODE { C text };			copied to foo_if.c
#   HEADER { C text };			copied to foo_if.h
#   METHOD int bar {			one method: return type, name,
#	device_t dev;			  arguments, one per ';' (the first
#	int flags;			  is the object dispatched on)
#   } PROLOG { C } EPILOG { C }		  optional, run around the call
#     DEFAULT foo_null_bar;		  optional; else kobj_error_method
#   STATICMETHOD void baz { kobj_class_t cls; ... };
#					dispatched on a class, not an object
#
# The parser works on the whole file as one string: a cursor moves over
# it, skipping blanks and collecting comments; C blocks are copied
# verbatim up to their matching brace (braces inside comments, strings and
# character constants do not count).

BEGIN {
	progname = "makeobjops.awk"
	mode_h = 0
	mode_c = 0
	outdir = "."
	infile = ""
	nerr = 0
	for (i = 1; i < ARGC; i++) {
		a = ARGV[i]
		if (a == "-h")
			mode_h = 1
		else if (a == "-c")
			mode_c = 1
		else if (a == "-d") {
			if (i + 1 >= ARGC)
				usage()
			outdir = ARGV[++i]
		} else if (a ~ /^-/)
			usage()
		else if (infile == "")
			infile = a
		else
			usage()
	}
	if (infile == "")
		usage()
	if (!mode_h && !mode_c)
		mode_h = mode_c = 1

	S = ""
	nlines = 0
	while ((r = (getline line < infile)) > 0) {
		S = S line "\n"
		nlines++
	}
	if (r < 0) {
		printf("%s: cannot read %s\n", progname, infile) > "/dev/stderr"
		exit(1)
	}
	close(infile)
	N = length(S)

	base = infile
	sub(/.*\//, "", base)
	if (base !~ /\.m$/) {
		printf("%s: %s: name does not end in .m\n", progname,
		    infile) > "/dev/stderr"
		exit(1)
	}
	sub(/\.m$/, "", base)

	parse()
	if (nerr > 0)
		exit(1)
	if (mode_h)
		emit_h(outdir "/" base ".h")
	if (mode_c)
		emit_c(outdir "/" base ".c")
	exit(0)
}

function usage()
{
	printf("usage: awk -f %s file.m [-h] [-c] [-d outdir]\n",
	    progname) > "/dev/stderr"
	exit(1)
}

# Report an error at the cursor and stop: later errors would only echo it.
function error(msg,    ln, k)
{
	ln = 1
	for (k = 1; k < P && k <= N; k++)
		if (substr(S, k, 1) == "\n")
			ln++
	printf("%s:%d: %s\n", infile, ln, msg) > "/dev/stderr"
	nerr++
	exit(1)
}

function trim(s)
{
	sub(/^[ \t\n]+/, "", s)
	sub(/[ \t\n]+$/, "", s)
	return (s)
}

# Drop blank lines at either end of a C block, keep its indentation.
function trimlines(s)
{
	sub(/^([ \t]*\n)+/, "", s)
	sub(/[ \t\n]+$/, "", s)
	return (s)
}

# CODE and HEADER blocks are indented one tab inside their braces; take
# that tab away again if every line has it.
function dedent(s,    n, i, lines, out)
{
	n = split(s, lines, "\n")
	for (i = 1; i <= n; i++)
		if (lines[i] != "" && substr(lines[i], 1, 1) != "\t")
			return (s)
	out = ""
	for (i = 1; i <= n; i++)
		out = out (i > 1 ? "\n" : "") substr(lines[i], 2)
	return (out)
}

# Skip blanks and comments; comments are appended to 'pending' so that the
# next item can carry them.  Preprocessor lines are items of their own.
function skip(    c, e)
{
	while (P <= N) {
		c = substr(S, P, 1)
		if (c == " " || c == "\t" || c == "\n") {
			P++
		} else if (substr(S, P, 2) == "/*") {
			e = index(substr(S, P + 2), "*/")
			if (e == 0)
				error("unterminated comment")
			pending = pending (pending == "" ? "" : "\n") \
			    substr(S, P, e + 3) "\n"
			P += e + 3
		} else if (substr(S, P, 2) == "//") {
			e = index(substr(S, P), "\n")
			if (e == 0)
				e = N - P + 2
			pending = pending (pending == "" ? "" : "\n") \
			    substr(S, P, e - 1) "\n"
			P += e
		} else
			break
	}
}

function at_eof()
{
	skip()
	return (P > N)
}

function ident(what,    m)
{
	skip()
	if (!match(substr(S, P), /^[A-Za-z_][A-Za-z0-9_]*/))
		error("expected " what)
	m = substr(S, P, RLENGTH)
	P += RLENGTH
	return (m)
}

function expect(ch)
{
	skip()
	if (substr(S, P, 1) != ch)
		error("expected '" ch "'")
	P++
}

function accept(ch)
{
	skip()
	if (substr(S, P, 1) == ch) {
		P++
		return (1)
	}
	return (0)
}

# The cursor is just past a '{': return the text up to the matching '}'
# and leave the cursor after it.
function block(    depth, start, c, e, q)
{
	depth = 1
	start = P
	while (P <= N) {
		c = substr(S, P, 1)
		if (c == "/" && substr(S, P + 1, 1) == "*") {
			e = index(substr(S, P + 2), "*/")
			if (e == 0)
				error("unterminated comment")
			P += e + 3
		} else if (c == "/" && substr(S, P + 1, 1) == "/") {
			e = index(substr(S, P), "\n")
			P += (e == 0) ? N : e
		} else if (c == "\"" || c == "'") {
			q = c
			P++
			while (P <= N) {
				c = substr(S, P, 1)
				if (c == "\\")
					P += 2
				else if (c == q || c == "\n")
					break
				else
					P++
			}
			if (substr(S, P, 1) != q)
				error("unterminated string or character " \
				    "constant")
			P++
		} else if (c == "{") {
			depth++
			P++
		} else if (c == "}") {
			if (--depth == 0) {
				P++
				return (substr(S, start, P - 1 - start))
			}
			P++
		} else
			P++
	}
	error("unterminated block")
}

# Remove C comments from a declaration.
function uncomment(s,    a, e)
{
	while ((a = index(s, "/*")) > 0) {
		e = index(substr(s, a + 2), "*/")
		if (e == 0)
			return (substr(s, 1, a - 1))
		s = substr(s, 1, a - 1) " " substr(s, a + e + 3)
	}
	gsub(/\/\/[^\n]*/, "", s)
	return (s)
}

# "type name" from a declaration: the name is the last identifier, the
# type everything before it.  Sets decl_type and decl_name.
function split_decl(d)
{
	d = trim(uncomment(d))
	gsub(/[ \t\n]+/, " ", d)
	if (d ~ /[\[\]\(\)]/)
		error("unsupported declarator \"" d "\" (use a pointer)")
	if (!match(d, /[A-Za-z_][A-Za-z0-9_]*$/) || RSTART == 1)
		error("cannot split \"" d "\" into a type and a name")
	decl_name = substr(d, RSTART)
	decl_type = trim(substr(d, 1, RSTART - 1))
	if (decl_type == "")
		error("no type in \"" d "\"")
}

# "int" "x" -> "int x"; "char *" "p" -> "char *p".
function join_decl(t, n)
{
	return (t ~ /\*$/ ? t n : t " " n)
}

# One METHOD or STATICMETHOD; the cursor is after the keyword.
function parse_method(isstatic,    m, pos, args, nargs, parts, i, w, n)
{
	m = ++nmeth
	meth_doc[m] = pending
	pending = ""
	meth_static[m] = isstatic
	pos = index(substr(S, P), "{")
	if (pos == 0)
		error("expected '{' after METHOD")
	split_decl(substr(S, P, pos - 1))
	P += pos
	meth_ret[m] = decl_type
	meth_name[m] = decl_name
	for (i = 1; i < m; i++)
		if (meth_name[i] == decl_name)
			error("method " decl_name " declared twice")
	args = block()
	nargs = split(uncomment(args), parts, ";")
	n = 0
	for (i = 1; i <= nargs; i++) {
		if (trim(parts[i]) == "")
			continue
		split_decl(parts[i])
		n++
		arg_type[m, n] = decl_type
		arg_name[m, n] = decl_name
	}
	if (n == 0)
		error("method " meth_name[m] " has no arguments" \
		    " (the first one is the object)")
	meth_nargs[m] = n
	meth_prolog[m] = ""
	meth_epilog[m] = ""
	meth_default[m] = ""
	for (;;) {
		if (accept(";"))
			break
		w = ident("PROLOG, EPILOG, DEFAULT or ';'")
		if (w == "PROLOG") {
			expect("{")
			meth_prolog[m] = trimlines(block())
		} else if (w == "EPILOG") {
			expect("{")
			meth_epilog[m] = trimlines(block())
		} else if (w == "DEFAULT")
			meth_default[m] = ident("default function")
		else
			error("unexpected \"" w "\" after method " meth_name[m])
	}
}

function parse(    w, i)
{
	P = 1
	pending = ""
	iface = ""
	nincl = 0
	ncode = 0
	nhdr = 0
	nmeth = 0
	file_comment = ""
	first = 1
	while (!at_eof()) {
		if (substr(S, P, 1) == "#") {
			i = P
			while (P <= N) {
				w = index(substr(S, P), "\n")
				if (w == 0) {
					P = N + 1
					break
				}
				P += w
				if (substr(S, P - 2, 1) != "\\")
					break
			}
			incl[++nincl] = trimlines(substr(S, i, P - i))
			if (first)
				file_comment = pending
			else
				incl_comment[nincl] = pending
			pending = ""
			first = 0
			continue
		}
		if (first) {
			file_comment = pending
			pending = ""
			first = 0
		}
		w = ident("a keyword")
		if (w == "INTERFACE") {
			if (iface != "")
				error("second INTERFACE")
			iface = ident("interface name")
			expect(";")
			pending = ""
		} else if (w == "CODE" || w == "HEADER") {
			expect("{")
			if (w == "CODE") {
				code[++ncode] = dedent(trimlines(block()))
				code_comment[ncode] = pending
			} else {
				header[++nhdr] = dedent(trimlines(block()))
				header_comment[nhdr] = pending
			}
			pending = ""
			accept(";")
		} else if (w == "METHOD" || w == "STATICMETHOD") {
			if (iface == "")
				error("METHOD before INTERFACE")
			parse_method(w == "STATICMETHOD")
			pending = ""
		} else
			error("unknown keyword \"" w "\"")
	}
	if (iface == "")
		error("no INTERFACE statement")
	if (file_comment == "" && pending != "")
		file_comment = pending
}

function banner(f)
{
	printf("/*\n") > f
	printf(" * This file is generated from %s by " \
	    "tools/kobj/makeobjops.awk.\n", base ".m") > f
	printf(" * Do not edit it: change the interface file and " \
	    "rebuild.\n") > f
	printf(" */\n\n") > f
	if (file_comment != "")
		printf("%s\n", file_comment) > f
}

function arglist(m,    i, s)
{
	s = ""
	for (i = 1; i <= meth_nargs[m]; i++)
		s = s (i > 1 ? ", " : "") \
		    join_decl(arg_type[m, i], arg_name[m, i])
	return (s)
}

function argnames(m,    i, s)
{
	s = ""
	for (i = 1; i <= meth_nargs[m]; i++)
		s = s (i > 1 ? ", " : "") arg_name[m, i]
	return (s)
}

function emit_h(f,    guard, i, m, fn, ret, isvoid)
{
	banner(f)
	guard = "_" base "_h_"
	printf("#ifndef %s\n#define\t%s\n", guard, guard) > f
	for (i = 1; i <= nhdr; i++) {
		printf("\n") > f
		if (header_comment[i] != "")
			printf("%s", header_comment[i]) > f
		printf("%s\n", header[i]) > f
	}
	for (m = 1; m <= nmeth; m++) {
		fn = iface "_" meth_name[m]
		ret = meth_ret[m]
		isvoid = (ret == "void")
		printf("\n") > f
		if (meth_doc[m] != "")
			printf("%s", meth_doc[m]) > f
		printf("extern struct kobjop_desc %s_desc;\n", fn) > f
		printf("typedef %s;\n\n",
		    join_decl(ret, fn "_t(" arglist(m) ")")) > f
		printf("static __inline %s\n%s(%s)\n{\n", ret, toupper(fn),
		    arglist(m)) > f
		printf("\tkobjop_t _m;\n") > f
		if (!isvoid)
			printf("\t%s;\n", join_decl(ret, "_rv")) > f
		printf("\n") > f
		if (meth_prolog[m] != "")
			printf("%s\n", meth_prolog[m]) > f
		if (meth_static[m])
			printf("\t_m = kobj_class_method((kobj_class_t)%s, " \
			    "&%s_desc);\n", arg_name[m, 1], fn) > f
		else
			printf("\t_m = kobj_ops_lookup(((kobj_t)%s)->ops, " \
			    "&%s_desc);\n", arg_name[m, 1], fn) > f
		printf("\t%s((%s_t *)_m)(%s);\n", isvoid ? "" : "_rv = ", fn,
		    argnames(m)) > f
		if (meth_epilog[m] != "")
			printf("%s\n", meth_epilog[m]) > f
		if (!isvoid)
			printf("\treturn (_rv);\n") > f
		printf("}\n") > f
	}
	printf("\n#endif /* %s */\n", guard) > f
	close(f)
}

function emit_c(f,    i, m, fn)
{
	banner(f)
	printf("#include <sys/param.h>\n#include <sys/queue.h>\n") > f
	printf("#include <sys/kobj.h>\n") > f
	for (i = 1; i <= nincl; i++) {
		if (incl_comment[i] != "")
			printf("%s", incl_comment[i]) > f
		printf("%s\n", incl[i]) > f
	}
	printf("\n#include \"%s.h\"\n", base) > f
	for (i = 1; i <= ncode; i++) {
		printf("\n") > f
		if (code_comment[i] != "")
			printf("%s", code_comment[i]) > f
		printf("%s\n", code[i]) > f
	}
	for (m = 1; m <= nmeth; m++) {
		fn = iface "_" meth_name[m]
		printf("\nstruct kobjop_desc %s_desc = {\n", fn) > f
		if (meth_default[m] != "")
			printf("\t0, KOBJMETHOD(%s, %s)\n", fn,
			    meth_default[m]) > f
		else
			printf("\t0, { &%s_desc, " \
			    "(kobjop_t)kobj_error_method }\n", fn) > f
		printf("};\n") > f
	}
	close(f)
}
