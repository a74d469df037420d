#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Build the preload image, the cpio "newc" archive xl gives pvbsd as its
# ramdisk (see kld(4)):
#
#	boot/loader.conf		the modules to load at boot
#	boot/kernel/<name>.ko		every module built next to the kernel
#	boot/ktest/<name>.ko		the in-kernel test modules (ktest(9))
#	boot/kernel/kld_dep_copy.ko	kld_dep.ko under another name: once
#					kld_dep is loaded, the kernel linker
#					refuses it (EEXIST)
#	boot/corrupt/<fault>.ko		damaged copies of ktest_example.ko,
#					for the kernel linker's lab tests:
#	    truncated.ko		the first half of the file
#	    badmagic.ko			"XELF" instead of "\177ELF"
#	    badreloc.ko			relocation 0 of the first section of
#					relocations for loaded code or data
#					has type 200, which no one knows
#
# The archive is reproducible (fixed times and inode numbers, sorted) and
# is only replaced when its contents change.
#
# Usage: mkpreload.sh BOOTDIR LOADER.CONF OUTPUT

set -eu
if [ $# != 3 ]; then
	echo "usage: mkpreload.sh bootdir loader.conf output" >&2
	exit 2
fi
boot=$1
conf=$2
out=$3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/boot/kernel" "$tmp/boot/ktest" "$tmp/boot/corrupt"
cp "$conf" "$tmp/boot/loader.conf"
for dir in kernel ktest; do
	for ko in "$boot/$dir"/*.ko; do
		[ -f "$ko" ] && cp "$ko" "$tmp/boot/$dir/"
	done
done

if [ -f "$boot/kernel/kld_dep.ko" ]; then
	cp "$boot/kernel/kld_dep.ko" "$tmp/boot/kernel/kld_dep_copy.ko"
fi

src=$boot/kernel/ktest_example.ko
if [ -f "$src" ]; then
	c=$tmp/boot/corrupt
	size=$(wc -c <"$src")
	head -c $((size / 2)) "$src" >"$c/truncated.ko"
	{ printf 'X'; tail -c +2 "$src"; } >"$c/badmagic.ko"

	f=$c/badreloc.ko
	cp "$src" "$f"
	# rd OFFSET BYTES: a little-endian unsigned number from $f
	rd() { od -An -t "u$2" -j "$1" -N "$2" "$f" | tr -d ' \n'; }
	shoff=$(rd 40 8)
	shentsize=$(rd 58 2)
	shnum=$(rd 60 2)
	rela=
	i=1
	while [ "$i" -lt "$shnum" ]; do
		sh=$((shoff + i * shentsize))
		if [ "$(rd $((sh + 4)) 4)" = 4 ]; then	# SHT_RELA
			target=$(rd $((sh + 44)) 4)	# sh_info
			flags=$(rd $((shoff + target * shentsize + 8)) 8)
			if [ $((flags & 2)) != 0 ]; then	# SHF_ALLOC
				rela=$(rd $((sh + 24)) 8)	# sh_offset
				break
			fi
		fi
		i=$((i + 1))
	done
	if [ -z "$rela" ]; then
		echo "mkpreload: no relocations in $src" >&2
		exit 1
	fi
	# r_info of relocation 0: the type is its low 32 bits.
	printf '\310\000\000\000' |
	    dd of="$f" bs=1 seek=$((rela + 8)) conv=notrunc 2>/dev/null
fi

find "$tmp/boot" -exec touch -h -d @0 {} +
(cd "$tmp" && find boot | LC_ALL=C sort |
    cpio -o -H newc -R 0:0 --reproducible --quiet) >"$tmp/preload.cpio"
if ! cmp -s "$tmp/preload.cpio" "$out"; then
	mkdir -p "$(dirname "$out")"
	cp "$tmp/preload.cpio" "$out.tmp"
	mv -f "$out.tmp" "$out"
	echo "mkpreload: $out: $(wc -c <"$out") bytes"
fi
