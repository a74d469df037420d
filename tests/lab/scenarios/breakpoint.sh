# An unexpected int3 in the kernel: fatal-trap report, then a crash.
lab_expect crash
lab_create breakpoint 'extra="ktest=trap_breakpoint"'
lab_wait_end breakpoint 60
