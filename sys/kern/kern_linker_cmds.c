/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * kldload, kldunload and kldstat as console-monitor commands (monitor(8),
 * kldload(8)), until there is a userland to run the real ones.  They call
 * the kernel linker (kern_linker.c) directly; what goes wrong inside the
 * linker is explained there, on the console, and the command itself ends
 * with one line in the style of FreeBSD's tools:
 *
 *	kldload: cannot load foo: No such file or directory
 *
 * Context: the monitor's thread; the linker's lock is taken inside.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/mutex.h>
#include <sys/timetc.h>
#include <sys/linker.h>
#include <sys/module.h>
#include <sys/monitor.h>

/* The errno texts the kernel linker's callers may see. */
static const char *
kld_strerror(int error)
{
	static const struct {
		int		 e;
		const char	*s;
	} tab[] = {
		{ EPERM, "Operation not permitted" },
		{ ENOENT, "No such file or directory" },
		{ E2BIG, "Argument list too long" },
		{ ENOEXEC, "Exec format error" },
		{ ENOMEM, "Cannot allocate memory" },
		{ EBUSY, "Device busy" },
		{ EEXIST, "File exists" },
		{ ENXIO, "Device not configured" },
		{ EINVAL, "Invalid argument" },
		{ ERANGE, "Result too large" },
		{ EOPNOTSUPP, "Operation not supported" },
		{ ELOOP, "Too many levels of symbolic links" },
		{ ENAMETOOLONG, "File name too long" },
		{ EFTYPE, "Inappropriate file type or format" },
		{ ETIMEDOUT, "Operation timed out" },
		{ EIO, "Input/output error" },
	};
	static char buf[24];
	u_int i;

	for (i = 0; i < nitems(tab); i++)
		if (tab[i].e == error)
			return (tab[i].s);
	snprintf(buf, sizeof(buf), "Unknown error: %d", error);
	return (buf);
}

/* kldload [-v] name|path */
MONITOR_COMMAND(kldload, "[-v] name | path",
    "load a module from the preload image")
{
	struct linker_file *lf;
	uint64_t t0, t1;
	bool verbose;
	int error, i;

	verbose = false;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") != 0)
			goto usage;
		verbose = true;
	}
	if (i != argc - 1)
		goto usage;
	t0 = nanouptime_ns();
	error = linker_load_file(argv[i], true, &lf);
	t1 = nanouptime_ns();
	if (error != 0) {
		mon_printf("kldload: cannot load %s: %s\n", argv[i],
		    kld_strerror(error));
		return (error);
	}
	if (verbose)
		mon_printf("Loaded %s, id %d, in %lu.%03lu ms\n", lf->lf_name,
		    lf->lf_id, (u_long)((t1 - t0) / 1000000),
		    (u_long)((t1 - t0) / 1000 % 1000));
	return (0);
usage:
	mon_printf("usage: kldload [-v] name | path\n");
	return (EINVAL);
}

static bool
kld_isnumber(const char *s, int *np)
{
	int n;

	n = 0;
	if (*s == '\0')
		return (false);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || n > 100000)
			return (false);
		n = n * 10 + (*s - '0');
	}
	*np = n;
	return (true);
}

/* kldunload [-v] name|id, kldunload [-v] -i id */
MONITOR_COMMAND(kldunload, "[-v] name | id | -i id",
    "unload a module file and the modules in it")
{
	struct linker_file *lf;
	char name[LINKER_NAMELEN];
	bool verbose, byid;
	int error, i, id;

	verbose = byid = false;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = true;
		else if (strcmp(argv[i], "-i") == 0)
			byid = true;
		else
			goto usage;
	}
	if (i != argc - 1)
		goto usage;
	if (byid && !kld_isnumber(argv[i], &id))
		goto usage;
	if (!byid && kld_isnumber(argv[i], &id))
		byid = true;

	mtx_lock(&kld_mtx);
	lf = byid ? linker_find_file_id(id) : linker_find_file(argv[i]);
	if (lf != NULL && (lf->lf_flags & LF_READY) == 0)
		lf = NULL;
	if (lf != NULL)
		strlcpy(name, lf->lf_name, sizeof(name));
	mtx_unlock(&kld_mtx);
	if (lf == NULL) {
		mon_printf("kldunload: cannot find file %s\n", argv[i]);
		return (ENOENT);
	}
	if (verbose)
		mon_printf("Unloading %s, id %d\n", name, lf->lf_id);
	/*
	 * Only the monitor unloads, from this one thread: the file found
	 * above is still there.
	 */
	error = linker_unload_file(lf);
	if (error != 0) {
		mon_printf("kldunload: cannot unload %s: %s\n", argv[i],
		    kld_strerror(error));
		return (error);
	}
	return (0);
usage:
	mon_printf("usage: kldunload [-v] name | id | -i id\n");
	return (EINVAL);
}

/* kldstat [-v]: FreeBSD's columns. */
MONITOR_COMMAND(kldstat, "[-v]", "list the loaded module files")
{
	struct linker_file *lf;
	module_t mod;
	bool verbose;

	verbose = false;
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-v") != 0)) {
		mon_printf("usage: kldstat [-v]\n");
		return (EINVAL);
	}
	if (argc == 2)
		verbose = true;
	mtx_lock(&kld_mtx);
	mon_printf("Id Refs %-18s %8s Name\n", "Address", "Size");
	for (lf = linker_file_first(); lf != NULL; lf = linker_file_next(lf)) {
		mon_printf("%2d %4d %#18lx %8zx %s", lf->lf_id, lf->lf_refs,
		    (u_long)lf->lf_address, lf->lf_size, lf->lf_name);
		if (verbose && lf != linker_kernel_file)
			mon_printf(" (%s)", lf->lf_path);
		mon_printf("\n");
		if (!verbose)
			continue;
		mon_printf("\tContains modules:\n");
		mon_printf("\t\t Id Name\n");
		for (mod = module_file_first(lf); mod != NULL;
		    mod = module_file_next(mod))
			mon_printf("\t\t%3d %s\n", module_getid(mod),
			    module_getname(mod));
	}
	mtx_unlock(&kld_mtx);
	return (0);
}
