#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd authors
#
# mkguest.sh: build the lab's Linux PV test guest from Debian's kernel.
#
# Output, under $LAB_OBJ/linux-guest (default <repo>/obj/lab/linux-guest):
#	vmlinux		the kernel as a plain ELF, cut out of the bzImage
#			(xl loads it much faster than a compressed one)
#	initrd.cpio	busybox, the frontend modules, tools/lab/guest/init and
#			labperf (the bench's disk and UDP load)
#	labperf		the same program, static, for dom0 (bench.sh ships it)
#	stamp		hash of the inputs; rebuilt only when they change
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
obj=${LAB_OBJ:-${OBJDIR:-$top/obj}/lab}
out=$obj/linux-guest
kver=${LAB_GUEST_KVER:-$(ls /lib/modules | sort -V | tail -n 1)}
bz=/boot/vmlinuz-$kver
[ -f "$bz" ] || { echo "lab: no $bz" >&2; exit 1; }

hash=$( { cat "$0" "$here/guest/init" "$here/guest/labperf.c"; echo "$kver";
    ls -l --time-style=+%s "$bz" /bin/busybox; } | sha256sum | cut -c1-16)
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$hash" ]; then
	exit 0
fi
echo "lab: building Linux test guest ($kver) in $out" >&2
# Build beside the cache, rename in, stamp last (see mkdom0.sh).
final=$out
out=$obj/linux-guest.new.$$
trap 'rm -rf "$out"' EXIT
rm -rf "$out"
mkdir -p "$out" "$final"

# The bzImage's payload: find a compressed stream that unpacks to an ELF.
for magic in '\xfd7zXZ\x00:xz -dcq' '\x28\xb5\x2f\xfd:zstd -dcq' \
    '\x1f\x8b\x08:gzip -dcq' '\x02\x21\x4c\x18:lz4 -dcq' 'BZh:bzip2 -dcq'; do
	m=${magic%%:*}
	cmd=${magic#*:}
	for off in $(LC_ALL=C grep -obUaP "$m" "$bz" | cut -d: -f1); do
		tail -c +$((off + 1)) "$bz" | $cmd >"$out/vmlinux" 2>/dev/null || true
		if [ "$(head -c 4 "$out/vmlinux" | od -An -c | tr -d ' ')" = \
		    '177ELF' ]; then
			break 2
		fi
	done
done
[ "$(head -c 4 "$out/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ] ||
    { echo "lab: cannot unpack $bz" >&2; exit 1; }

root=$out/root
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" \
    "$root/lib/modules"
mknod -m 600 "$root/dev/console" c 5 1
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
: >"$root/modules.list"
for m in xen-blkfront xen-netfront; do
	modprobe --show-depends -S "$kver" "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	b=$(basename "$ko")
	case "$ko" in
	*.xz) xz -dc "$ko" >"$root/lib/modules/${b%.xz}"; b=${b%.xz} ;;
	*.zst) zstd -qdc "$ko" >"$root/lib/modules/${b%.zst}"; b=${b%.zst} ;;
	*) cp "$ko" "$root/lib/modules/$b" ;;
	esac
	echo "/lib/modules/$b" >>"$root/modules.list"
done
install -m 755 "$here/guest/init" "$root/init"
${HOST_CC:-clang} -O2 -static -Wall -Wextra -Werror -o "$out/labperf" \
    "$here/guest/labperf.c"
install -m 755 "$out/labperf" "$root/bin/labperf"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
    cpio -o -H newc -R 0:0 --quiet) >"$out/initrd.cpio"
rm -rf "$root"
echo "$hash" >"$out/stamp"
for f in vmlinux initrd.cpio labperf stamp; do
	mv -f "$out/$f" "$final/$f"
done
