# bench/lib/common.sh: what every bench script needs to start servers
# (sourced, not run: `make bench` runs bench/*.sh only).

# free_port, as the tests have it.
. "$(dirname "$0")/../t/lib-port.sh"

# wait_ready PORT PID: PING until PONG (20 s), exiting if PID died.
wait_ready() {
    tries=0
    while ! redis-cli -p "$1" ping 2>/dev/null | grep -q PONG; do
        if ! kill -0 "$2" 2>/dev/null || [ $tries -ge 400 ]; then
            echo "$0: nothing answers on port $1 (pid $2)" >&2
            exit 1
        fi
        tries=$((tries + 1))
        sleep 0.05
    done
}

# stop_work: stop (TERM) every pid listed in $WORK/pids, wait until each
# is gone, then remove $WORK (kept, and said so, when KEEP is set).
# Scripts whose servers start in $(...) subshells record them there and
# `trap stop_work EXIT INT TERM`.
stop_work() {
    for pid in $(cat "$WORK/pids" 2>/dev/null); do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $(cat "$WORK/pids" 2>/dev/null); do
        while kill -0 "$pid" 2>/dev/null; do
            sleep 0.05
        done
    done
    if [ -n "${KEEP:-}" ]; then
        echo "$(basename "$0"): logs kept in $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
