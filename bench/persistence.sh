#!/bin/sh
# bench/persistence.sh: what the AOF and replication cost, codis-server
# beside Debian's redis-server.
#
#   sh bench/persistence.sh [KEYS]      (default 300000)
#
# 1. SET throughput with appendonly no, appendfsync everysec and always:
#    redis-benchmark -t set -n 100000 -c 20 -P 16, then -c 50 -P 1, on a
#    fresh server of each kind per row (the AOF lives in a temp dir, so
#    the numbers depend on that disk's fsync).
# 2. Full resync time: a master holding KEYS keys of 100 bytes, a fresh
#    replica of the same kind, from SLAVEOF to master_link_status:up.
set -e
KEYS=${1:-300000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OURS=$ROOT/bin/codis-server
WORK=$(mktemp -d /tmp/codis-bench-persistence.XXXXXX)

. "$(dirname "$0")/lib/common.sh"
# The servers' pids go to $WORK/pids: start runs in $(...) subshells.
trap stop_work EXIT INT TERM

# start KIND NAME ARGS...: start codis-server (ours) or redis-server
# (redis) in $WORK/NAME on a free port; prints the port, or fails with
# the server's log if it exits before answering.
start() {
    kind=$1
    name=$2
    shift 2
    port=$(free_port)
    mkdir -p "$WORK/$name"
    if [ "$kind" = ours ]; then
        bin=$OURS
    else
        bin=redis-server
    fi
    "$bin" --port "$port" --bind 127.0.0.1 --dir "$WORK/$name" --save "" \
        "$@" >"$WORK/$name.log" 2>&1 &
    pid=$!
    echo "$pid" >>"$WORK/pids"
    until redis-cli -p "$port" ping >/dev/null 2>&1; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "bench/persistence.sh: $bin on port $port did not start:" >&2
            cat "$WORK/$name.log" >&2
            exit 1
        fi
        sleep 0.05
    done
    echo "$port"
}

# rps PORT ARGS...: requests per second of one redis-benchmark SET run.
rps() {
    port=$1
    shift
    redis-benchmark -p "$port" -t set -q "$@" 2>/dev/null | tr '\r' '\n' |
        sed -n 's/^SET: \([0-9.]*\) requests per second.*/\1/p' | tail -n 1
}

echo "SET requests/s        codis -P16   redis -P16   codis -P1   redis -P1"
for mode in no everysec always; do
    line=$(printf "%-20s" "appendfsync $mode")
    for pipe in 16 1; do
        for kind in ours redis; do
            if [ "$mode" = no ]; then
                port=$(start $kind "$kind-$mode-$pipe")
            else
                port=$(start $kind "$kind-$mode-$pipe" --appendonly yes \
                       --appendfsync "$mode")
            fi
            if [ "$pipe" = 16 ]; then
                r=$(rps "$port" -n 100000 -c 20 -P 16)
            else
                r=$(rps "$port" -n 20000 -c 50)
            fi
            line="$line $(printf "%12s" "$r")"
        done
    done
    echo "$line"
done

for kind in ours redis; do
    if [ "$kind" = ours ]; then
        m=$(start $kind "$kind-master")
    else
        m=$(start $kind "$kind-master" --repl-diskless-sync-delay 0)
    fi
    redis-benchmark -p "$m" -t set -n "$KEYS" -r "$KEYS" -d 100 -P 32 -q \
        >/dev/null 2>&1
    keys=$(redis-cli -p "$m" dbsize)
    r=$(start $kind "$kind-replica")
    t0=$(date +%s%N)
    redis-cli -p "$r" slaveof 127.0.0.1 "$m" >/dev/null
    until redis-cli -p "$r" info replication | grep -q "link_status:up"; do
        sleep 0.02
    done
    t1=$(date +%s%N)
    echo "full resync, $kind: $keys keys in $(( (t1 - t0) / 1000000 )) ms"
done
