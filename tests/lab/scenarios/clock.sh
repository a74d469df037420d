# The 200 ms callout, timed by dom0 too.  callout_dom0 waits for "go" on
# the console and runs 30 200 ms callouts in a row, printing a line
# before the first (with the guest's wall clock), after the first and
# after the last.  dom0 reads xenconsoled's log of the console as it
# grows, through one open descriptor and without starting a process (the
# lab's machine is slow and busy: a fork can take longer than a
# callout), notes its uptime when each line shows up, and its wall clock
# when the first did.
lab_create clock 'extra="ktest=callout_200ms,callout_dom0"'

# clock_watch: from the end of the log, the arrival times (centiseconds
# of dom0's uptime) of the three lines, as "ARMING FIRST LAST"; 1 if they
# do not all come within 30 s.
clock_watch() {
	local l part u now end a f
	exec 5<"$log"
	while IFS= read -r l <&5; do :; done	# what is there already
	part=$l
	lab_send clock go &
	read -r u _ </proc/uptime
	end=$(( ${u%.*} * 100 + 1${u#*.} - 100 + 3000 ))
	a= f=
	while :; do
		read -r u _ </proc/uptime
		now=$(( ${u%.*} * 100 + 1${u#*.} - 100 ))
		[ $now -ge $end ] && break
		if ! IFS= read -r l <&5; then
			part=$part$l	# a line not finished yet
			lab__nap 0.01
			continue
		fi
		l=$part$l
		part=
		case "$l" in
		"ktest: callout_dom0: arming "*) a=$now ;;
		"ktest: callout_dom0: the first fired"*) f=$now ;;
		"ktest: callout_dom0: "*" callouts fired"*)
			exec 5<&-
			[ -n "$a" ] && [ -n "$f" ] || return 1
			echo "$a $f $now"
			return 0
			;;
		esac
	done
	exec 5<&-
	return 1
}
log=$(lab_console_log clock)
if lab_wait_console clock 'callout_dom0: type "go" to start' 60; then
	if t=$(clock_watch); then
		set -- $t
		# dom0's wall clock when "arming" (with the guest's) came
		lab_result dom0_wall $(( $(date +%s) - ($(lab_now) - $1) / 100 ))
		lab_result dom0_first_ms $(( ($2 - $1) * 10 ))
		lab_result dom0_chain_ms $(( ($3 - $1) * 10 ))
	else
		lab_log "dom0 did not see callout_dom0's lines"
	fi
fi
lab_wait_end clock 60
