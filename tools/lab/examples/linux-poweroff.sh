# The smallest scenario: a Linux guest that prints its marker and powers off.
lab_create plain
lab_wait_console plain 'LAB-GUEST: linux domU up' || lab_fail "no marker"
lab_wait_end plain
