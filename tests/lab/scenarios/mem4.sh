# The smallest domain Xen's builder makes: 4 MiB, with the default preload
# image as ramdisk.  pvbsd must reach its prompt and power off from it.
# dom0 times xl create to the prompt (an upper bound: it polls the
# console) for the guest's own boot time to be checked against.
t0=$(lab_now)
lab_create mem4 memory=4
if lab_wait_console mem4 '^pvbsd> ' 60; then
	lab_result create_to_prompt_ms $(( ($(lab_now) - t0) * 10 ))
	lab_send mem4 'sysctl kern.boot_to_prompt_us vm.stats.free hw.physmem'
	lab_wait_console mem4 '^pvbsd> ' 30
	lab_send mem4 'shutdown -p'
fi
lab_wait_end mem4 60
