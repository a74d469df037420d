# A plain boot: banner, start_info facts, the console monitor's prompt,
# and a clean poweroff asked for there.  The marker word checks that xl's
# extra= reaches the kernel's command line.
lab_create boot 'extra="lab.marker=hello-from-the-lab"'
if lab_wait_console boot '^pvbsd> ' 60; then
	lab_send boot 'shutdown -p'
fi
lab_wait_end boot 60
