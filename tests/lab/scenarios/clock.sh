# The 200 ms callout, timed by dom0 too: dom0 notes its own uptime when the
# guest prints "armed" and "fired", and its wall clock.
lab_create clock 'extra="ktest=callout_200ms"'
if lab_wait_console clock 'callout_200ms: armed' 60; then
	t0=$(lab_now)
	lab_result dom0_wall "$(date +%s)"
	if lab_wait_console clock 'callout_200ms: fired' 10; then
		lab_result dom0_interval_ms $(( ($(lab_now) - t0) * 10 ))
	fi
fi
lab_wait_end clock 60
