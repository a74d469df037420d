# A Linux guest that gets a disk hot-plugged and unplugged while it runs.
# lab-timeout: 90
# The image is made in dom0 (host files come with "lab -f FILE" or a
# "# lab-image: FILE" line, and are found with lab_img).
img=/tmp/hotplug.img
dd if=/dev/zero of=$img bs=1M count=4 2>/dev/null
echo LAB-HOTPLUG-MARKER | dd of=$img conv=notrunc 2>/dev/null
lab_create hp 'extra="console=hvc0 quiet labmode=hotplug"'
lab_wait_console hp 'waiting for xvdb' 60 || lab_fail "guest did not start"
lab_block_attach hp $img xvdb || lab_fail "block-attach"
lab_wait_console hp 'xvdb says: LAB-HOTPLUG-MARKER' 30 ||
    lab_fail "guest did not read the hot-plugged disk"
lab_dom0 xenstore-ls "/local/domain/0/backend/vbd/$(lab_domid hp)"
lab_block_detach hp xvdb || lab_fail "block-detach"
lab_wait_console hp 'xvdb gone' 30 || lab_fail "xvdb did not go away"
lab_wait_end hp
