#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Install, from Debian's archive, whatever the build, the lab and the tests
# need and this machine lacks.  Idempotent and silent when nothing is
# missing; run by GNUmakefile before it hands over to bmake.

set -eu

PKGS="bmake clang lld llvm libxen-dev mandoc kyua atf-sh libatf-dev
    qemu-system-x86 xen-hypervisor-4.17-amd64 xen-utils-4.17 xenstore-utils
    linux-image-amd64 busybox-static cpio kmod gzip gnuplot-nox"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $missing >/dev/null
echo "deps: done"
