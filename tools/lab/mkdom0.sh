#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd authors
#
# mkdom0.sh: build the lab's dom0 boot files from installed Debian packages.
#
# Output, under $LAB_OBJ/dom0 (default <repo>/obj/lab/dom0):
#	xen		the uncompressed hypervisor (multiboot1 image for QEMU)
#	vmlinuz		dom0 kernel (a copy of /boot/vmlinuz-<kver>)
#	dom0.cpio	dom0 initramfs: busybox, xl and the daemons, their
#			shared libraries (found with ldd), backend modules
#			(ordered with modprobe --show-depends) and the lab's
#			own init, hotplug scripts and scenario library
#	stamp		hash of every input; the image is rebuilt only when
#			it changes (this script, tools/lab/dom0/*, package
#			versions, kernel version)
# The cpio is left uncompressed: the kernel unpacks it faster under TCG
# than it inflates a gzip'ed one, and the image is small.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
obj=${LAB_OBJ:-${OBJDIR:-$top/obj}/lab}
out=$obj/dom0
xenbin=/usr/lib/xen-4.17/bin

kver=${LAB_DOM0_KVER:-$(ls /lib/modules | sort -V | tail -n 1)}
[ -f "/boot/vmlinuz-$kver" ] || { echo "lab: no /boot/vmlinuz-$kver" >&2; exit 1; }

MODULES="xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-blkback
xen-netback loop bridge virtio_pci virtio_console"
XENPROGS="xl xenstored xenconsoled xen-init-dom0 libxl-save-helper xenconsole"
XSPROGS="xenstore-read xenstore-write xenstore-rm xenstore-ls xenstore-list
xenstore-exists xenstore-chmod xenstore-watch"

# Everything the image depends on, hashed into the stamp.
inputs() {
	cat "$0" "$here"/dom0/*
	echo "kver=$kver"
	dpkg-query -W -f='${Package} ${Version}\n' xen-utils-4.17 \
	    xen-hypervisor-4.17-amd64 xenstore-utils busybox-static libc6 \
	    "linux-image-$kver" 2>/dev/null || true
	ls -l --time-style=+%s "/boot/vmlinuz-$kver" /boot/xen-4.17-amd64.gz
}
# Two lab runs of one tree (make test runs two boots) build the image
# once: the second waits here and then finds the stamp.
mkdir -p "$obj"
exec 7>"$obj/dom0.lock"
flock 7
hash=$(inputs | sha256sum | cut -c1-16)
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$hash" ] &&
    [ -f "$out/dom0.cpio" ] && [ -f "$out/xen" ] && [ -f "$out/vmlinuz" ]; then
	exit 0
fi
echo "lab: building dom0 image ($kver) in $out" >&2

# Build beside the cache and rename the results in, stamp last: a lab run
# that is using the old image meanwhile keeps working.
new=$obj/dom0.new.$$
trap 'rm -rf "$new"' EXIT
rm -rf "$new"
mkdir -p "$new" "$out"
root=$new/root
mkdir -p "$root"
cd "$root"
mkdir -p bin sbin usr/bin usr/sbin lib lib64 etc/xen/scripts proc sys dev \
    run tmp var/lib/xen var/log/xen var/lock "usr/lib/xen-4.17" lab \
    root mnt
ln -s ../run var/run
mknod -m 600 dev/console c 5 1
mknod -m 666 dev/null c 1 3

# busybox with a link per applet
cp /bin/busybox bin/busybox
for a in $(/bin/busybox --list); do
	[ -e "bin/$a" ] || ln -s busybox "bin/$a"
done

# copy FILE to the same path inside the image, following symlinks
copy() {
	mkdir -p "$root$(dirname "$1")"
	cp -L "$1" "$root$1"
}
bins=
for p in $XENPROGS; do
	copy "$xenbin/$p"
	ln -sf "../lib/xen-4.17/bin/$p" "usr/sbin/$p"
	bins="$bins $xenbin/$p"
done
copy /usr/bin/xenstore
# util-linux's losetup beside busybox's: -b sets a loop device's logical
# sector size (xbd(4)'s 4096-byte-sector test)
copy /usr/sbin/losetup
mv usr/sbin/losetup usr/sbin/losetup-util
bins="$bins /usr/sbin/losetup"
for p in $XSPROGS; do
	ln -sf xenstore "usr/bin/$p"
done
bins="$bins /usr/bin/xenstore"

# shared libraries, plus libgcc_s (dlopen'ed by pthread_cancel)
libs=$(ldd $bins 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
    $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u)
for l in $libs; do
	copy "$l"
done
gcc_s=$(ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/ { print $NF; exit }')
[ -n "$gcc_s" ] && copy "$gcc_s"

# kernel modules, in load order, decompressed for busybox insmod
: > lab/modules.list
for m in $MODULES; do
	modprobe --show-depends -S "$kver" "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	dst=lib/modules/$kver/$(basename "$ko")
	mkdir -p "$(dirname "$dst")"
	case "$ko" in
	*.xz) xz -dc "$ko" >"${dst%.xz}"; dst=${dst%.xz} ;;
	*.zst) zstd -qdc "$ko" >"${dst%.zst}"; dst=${dst%.zst} ;;
	*.gz) gzip -dc "$ko" >"${dst%.gz}"; dst=${dst%.gz} ;;
	*) cp "$ko" "$dst" ;;
	esac
	echo "/$dst" >>lab/modules.list
done

# the lab's own files
install -m 755 "$here/dom0/init" init
install -m 644 "$here/dom0/lablib.sh" lab/lablib.sh
install -m 755 "$here/dom0/block" etc/xen/scripts/block
install -m 755 "$here/dom0/vif-bridge" etc/xen/scripts/vif-bridge
install -m 644 "$here/dom0/xl.conf" etc/xen/xl.conf
echo "root:x:0:0:root:/root:/bin/sh" >etc/passwd
echo "root:x:0:" >etc/group

find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet \
    >"$new/dom0.cpio"
cd "$new"
rm -rf "$root"
zcat /boot/xen-4.17-amd64.gz >"$new/xen"
cp "/boot/vmlinuz-$kver" "$new/vmlinuz"
echo "$kver" >"$new/kver"
echo "$hash" >"$new/stamp"
for f in xen vmlinuz kver dom0.cpio stamp; do
	mv -f "$new/$f" "$out/$f"
done
