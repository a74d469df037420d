# xenbus hot-plug with no block driver in the kernel: a disk attached
# with xl appears as an unattached child and goes again when detached.
# While the guest watches, dom0 plants malformed device nodes: each must
# be reported and left out, without a panic.
lab_create hotplug 'extra="ktest=xenbus_hotplug"'
if lab_wait_console hotplug 'xenbus_hotplug: waiting for a vbd' 60; then
	id=$(lab_domid hotplug)
	dd if=/dev/zero of=/tmp/hotplug.img bs=1024 count=1024 2>/dev/null
	lab_block_attach hotplug /tmp/hotplug.img xvdb
	lab_wait_console hotplug 'xenbus_hotplug: .* appeared' 60
	d=/local/domain/$id/device/vbd
	b=/local/domain/0/backend/vbd/$id
	xenstore-write $d/999/backend $b/999 $d/999/backend-id abc
	long=/local/domain/$(printf '%0300d' 0)
	xenstore-write $d/998/backend "$long" $d/998/backend-id 0
	# A backend gives its frontend read access; so does this fake one.
	xenstore-write $b/997/state 1
	xenstore-chmod $b/997 n0 r$id
	xenstore-chmod $b/997/state n0 r$id
	xenstore-write $d/997/backend $b/997 $d/997/backend-id 0
	sleep 2
	xenstore-write $b/997/state 99
	sleep 2
	xenstore-rm $d/999 $d/998 $d/997
	xenstore-rm $b/997
	# With no frontend driver to close it, only a forced detach goes.
	lab_dom0 xl block-detach --force hotplug xvdb
fi
lab_wait_end hotplug 120
