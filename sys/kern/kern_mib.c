/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The top of the sysctl(9) tree: its root nodes, which every other part
 * of the kernel hangs its variables under, and the kernel's identity
 * (kern.ostype, kern.osrelease, kern.ident, kern.version).  The names
 * follow FreeBSD's, so a BSD user finds them where expected.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/sysctl.h>

SYSCTL_ROOT_NODE(kern, "the machine-independent kernel");
SYSCTL_ROOT_NODE(vm, "virtual memory");
SYSCTL_ROOT_NODE(hw, "the (virtual) hardware and Xen");
SYSCTL_ROOT_NODE(machdep, "the machine-dependent (PV) layer");
SYSCTL_ROOT_NODE(dev, "devices and event channels");

SYSCTL_STRING(_kern, ostype, "pvbsd", "operating system");
SYSCTL_STRING(_kern, osrelease, PVBSD_VERSION, "release");
SYSCTL_STRING(_kern, ident, PVBSD_IDENT, "kernel configuration");
SYSCTL_STRING(_kern, version, "pvbsd " PVBSD_VERSION " (" PVBSD_IDENT
    ") amd64", "version");
SYSCTL_UINT(_kern, sysctl_oids, &sysctl_noids, "oids in the sysctl tree");
