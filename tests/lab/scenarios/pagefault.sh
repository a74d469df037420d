# A deliberate kernel page fault: fatal-trap report, then xl sees a crash.
lab_expect crash
lab_create pagefault 'extra="ktest=trap_pagefault"'
lab_wait_end pagefault 60
