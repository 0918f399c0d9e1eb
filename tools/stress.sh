#!/bin/sh
# Run a command while stress-ng keeps every core busy, as CI's machine
# often is: tests that pass here wait for conditions, not for time.
# Usage: tools/stress.sh COMMAND [ARGS...]; STRESS_CPU workers (default
# 4, twice the cores of our machines). stress-ng is stopped by its PID
# when the command ends, whatever its result; the command's exit status
# is this script's.
if ! command -v stress-ng >/dev/null 2>&1; then
    echo "stress: 'stress-ng' is missing (make deps installs it)" >&2
    exit 1
fi
stress-ng --cpu "${STRESS_CPU:-4}" --quiet &
stress_pid=$!
trap 'kill "$stress_pid" 2>/dev/null; wait "$stress_pid" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
echo "stress: stress-ng --cpu ${STRESS_CPU:-4} runs as pid $stress_pid"
"$@"
