#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd authors
#
# deps.sh: install the Debian packages the Xen lab needs, when missing.
#
# Idempotent and silent when everything is present; callable from the
# top-level build.  Only Debian's own registry is used, through apt-get.
# With -n it only reports what is missing (exit 1 if anything is).

LAB_PKGS="qemu-system-x86 xen-hypervisor-4.17-amd64 xen-utils-4.17
xenstore-utils linux-image-amd64 busybox-static cpio kmod coreutils
gzip xz-utils zstd"

check_only=0
[ "$1" = "-n" ] && check_only=1

missing=
for p in $LAB_PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ $check_only = 1 ]; then
	echo "lab: missing packages:$missing" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "lab: missing packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "lab: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -q >/dev/null 2>&1
	apt-get install -y -q --no-install-recommends $missing >&2 || exit 1
fi
exit 0
