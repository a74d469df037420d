# A plain boot: banner, start_info facts, a clean poweroff.  The marker
# word checks that xl's extra= reaches the kernel's command line.
lab_create boot 'extra="lab.marker=hello-from-the-lab"'
lab_wait_end boot 60
