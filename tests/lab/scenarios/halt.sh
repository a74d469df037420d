# shutdown -h: the kernel halts and the domain stays, blocked in Xen and
# using no CPU, until it is destroyed.  The script samples xl list twice,
# two seconds apart, then lets the lab destroy the domain (end: timeout).
lab_expect timeout
lab_create halt
# xl list's State and Time(s) columns
xlstate() {
	xl list halt 2>/dev/null | awk 'NR == 2 { print $5, $6 }'
}
if lab_wait_console halt '^pvbsd> ' 60; then
	lab_send halt 'shutdown -h'
	if lab_wait_console halt '^The operating system has halted\.$' 30; then
		sleep 1
		s1=$(xlstate)
		sleep 2
		s2=$(xlstate)
		lab_result halt_before "$(echo "$s1" | tr ' ' '/')"
		lab_result halt_after "$(echo "$s2" | tr ' ' '/')"
	else
		lab_fail "no halt message"
	fi
fi
lab_wait_end halt 1
