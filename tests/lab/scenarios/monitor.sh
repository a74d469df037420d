# The console monitor (monitor(8)): type commands at the prompt, each once
# the prompt is back, then power off from it.  A disk is hot-plugged
# before devinfo, so that the tree has an unattached child.  Line
# editing: an edited command (Ctrl-U, backspaces, DEL) and an overlong
# line.
lab_create monitor
mon() {
	lab_send monitor "$1" && lab_wait_console monitor '^pvbsd> ' 30
}
monraw() {
	lab_sendraw monitor "$1" && lab_wait_console monitor '^pvbsd> ' 30
}
# The new disk's message lands on the prompt's line, which the waits have
# passed already: look for it in the whole log.
vbd_seen() {
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		grep -q 'at device/vbd/51728 (no driver attached)' \
		    "$(lab_console_log monitor)" && return 0
		sleep 1
	done
	return 1
}
if lab_wait_console monitor '^pvbsd> ' 60; then
	mon help &&
	mon 'sysctl vm.stats' &&
	mon 'sysctl dev.evtchn' &&
	mon 'sysctl -a' &&
	mon 'sysctl vm.nosuch' &&
	mon dmesg &&
	dd if=/dev/zero of=/tmp/monitor.img bs=1024 count=1024 2>/dev/null &&
	lab_block_attach monitor /tmp/monitor.img xvdb &&
	vbd_seen &&
	mon devinfo &&
	mon frobnicate &&
	mon shutdown &&
	monraw 'garbage\025sysctl kern.ostyXX\b\177pe\n' &&
	monraw "$(printf '%0200d' 0)\\n" &&
	lab_send monitor 'shutdown -p'
fi
lab_wait_end monitor 60
