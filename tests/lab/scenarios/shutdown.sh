# kern_reboot(9) from the monitor: shutdown -r with the shutdown_test
# module loaded, whose event handlers, device (DEVICE_SHUTDOWN) and
# MOD_SHUTDOWN each print a line.  It is loaded, unloaded and loaded
# again first: deregistered handlers must not run, so each line appears
# once.  xl must see a reboot.
lab_expect reboot
lab_create shutdown
mon() {
	lab_send shutdown "$1" && lab_wait_console shutdown '^pvbsd> ' 30
}
if lab_wait_console shutdown '^pvbsd> ' 60; then
	mon 'kldload shutdown_test' &&
	mon 'kldunload shutdown_test' &&
	mon 'kldload shutdown_test' &&
	lab_send shutdown 'shutdown -r'
fi
lab_wait_end shutdown 60
