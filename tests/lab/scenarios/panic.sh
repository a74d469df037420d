# A deliberate panic(9), not from a trap: message, backtrace from panic()
# up through the test, then xl sees a crash.
lab_expect crash
lab_create panic 'extra="ktest=panic_backtrace"'
lab_wait_end panic 60
