# The console monitor (monitor(8)): type commands at the prompt, each once
# the prompt is back, then power off from it.  Line editing: an edited
# command (Ctrl-U, backspaces, DEL) and an overlong line.
lab_create monitor
mon() {
	lab_send monitor "$1" && lab_wait_console monitor '^pvbsd> ' 30
}
monraw() {
	lab_sendraw monitor "$1" && lab_wait_console monitor '^pvbsd> ' 30
}
if lab_wait_console monitor '^pvbsd> ' 60; then
	mon help &&
	mon 'sysctl vm.stats' &&
	mon 'sysctl dev.evtchn' &&
	mon 'sysctl -a' &&
	mon 'sysctl vm.nosuch' &&
	mon dmesg &&
	mon devinfo &&
	mon frobnicate &&
	mon shutdown &&
	monraw 'garbage\025sysctl kern.ostyXX\b\177pe\n' &&
	monraw "$(printf '%0200d' 0)\\n" &&
	lab_send monitor 'shutdown -p'
fi
lab_wait_end monitor 60
