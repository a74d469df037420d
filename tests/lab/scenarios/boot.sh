# A plain boot: banner, start_info facts, the console monitor's prompt,
# and a clean poweroff asked for there.  The marker word checks that xl's
# extra= reaches the kernel's command line.  dom0 times xl create to the
# prompt, for the guest's own boot time to be checked against.
t0=$(lab_now)
lab_create boot 'extra="lab.marker=hello-from-the-lab"'
if lab_wait_console boot '^pvbsd> ' 60; then
	lab_result create_to_prompt_ms $(( ($(lab_now) - t0) * 10 ))
	lab_send boot 'sysctl kern.boot_to_prompt_us vm.stats.free'
	lab_wait_console boot '^pvbsd> ' 30
	lab_send boot 'shutdown -p'
fi
lab_wait_end boot 60
