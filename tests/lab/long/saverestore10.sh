# Ten save/restore cycles in a row (the number), not part of
# `make test', which runs three (tests/lab/scenarios/saverestore.sh, the
# same script): each cycle takes about a minute under TCG.  Run it with
#	tools/lab/lab -s tests/lab/long/saverestore10.sh
# and read its console and results as saverestore_test.sh does.
# lab-image: ../scenarios/saverestore.sh
# lab-timeout: 2400
SR_CYCLES=10
. "$(lab_img saverestore.sh)"
