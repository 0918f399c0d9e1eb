#!/bin/sh
# bench/server.sh: codis-server against Debian's redis-server, side by side.
#
# Starts both on free 127.0.0.1 ports without persistence, then runs the
# same redis-benchmark (-n 100000 -c 50, tests set,get,incr,lpush,lpop,
# sadd,hset,mset, then EVALSHA of a script making one redis.call, INCR of
# its key) against each, without pipelining (-P 1) and with -P 16,
# test by test with the two servers alternating (so both see the same
# machine load), for 3 rounds. Prints the median requests per second of
# each server and codis/redis per test. Both servers are stopped by PID at
# the end.
#
#   sh bench/server.sh              (make bench runs it)
#   ROUNDS=1 REQUESTS=20000 sh bench/server.sh   (a quicker look)
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
codis_server=${CODIS_SERVER:-$here/bin/codis-server}
rounds=${ROUNDS:-3}
requests=${REQUESTS:-100000}
clients=${CLIENTS:-50}
tests=${TESTS:-set,get,incr,lpush,lpop,sadd,hset,mset}

for tool in redis-server redis-benchmark redis-cli python3; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "bench/server.sh: $tool is not installed, skipping" >&2
        exit 0
    fi
done
if [ ! -x "$codis_server" ]; then
    echo "bench/server.sh: $codis_server not built (run make)" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/codis-bench.XXXXXX") || exit 1
pids=
cleanup() {
    for pid in $pids; do
        kill "$pid" 2>/dev/null
    done
    for pid in $pids; do
        wait "$pid" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_ready PORT PID: PING until PONG (10 s), failing if PID died.
wait_ready() {
    tries=0
    while ! redis-cli -p "$1" ping 2>/dev/null | grep -q PONG; do
        if ! kill -0 "$2" 2>/dev/null || [ $tries -ge 200 ]; then
            echo "bench/server.sh: server on port $1 did not start" >&2
            exit 1
        fi
        tries=$((tries + 1))
        sleep 0.05
    done
}

codis_port=$(free_port)
mkdir -p "$work/codis" "$work/redis"
"$codis_server" --port "$codis_port" --bind 127.0.0.1 --save '' \
    --dir "$work/codis" >"$work/codis.log" 2>&1 &
codis_pid=$!
pids="$pids $codis_pid"
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' \
    --appendonly no --dir "$work/redis" >"$work/redis.log" 2>&1 &
redis_pid=$!
pids="$pids $redis_pid"
wait_ready "$codis_port" "$codis_pid"
wait_ready "$redis_port" "$redis_pid"

echo "redis-benchmark -t $tests -n $requests -c $clients, $rounds rounds"
echo "codis-server $codis_port (pid $codis_pid), $(redis-server --version | cut -d' ' -f1-3) $redis_port (pid $redis_pid)"

# The script of the evalsha test, loaded on both servers (same sha).
script="return redis.call('incr', KEYS[1])"
sha=$(redis-cli -p "$codis_port" script load "$script") &&
test "$sha" = "$(redis-cli -p "$redis_port" script load "$script")" || {
    echo "bench/server.sh: SCRIPT LOAD failed" >&2
    exit 1
}

# run_cmd NAME PORT PIPELINE ROUND LABEL CMD...: benchmark one command
# line, its CSV line tagged with LABEL.
run_cmd() {
    run_name=$1 run_port=$2 run_p=$3 run_round=$4 run_label=$5
    shift 5
    redis-benchmark -p "$run_port" -n "$requests" -c "$clients" \
        -P "$run_p" --csv "$@" 2>/dev/null |
        awk -F, -v name="$run_name" -v p="$run_p" -v r="$run_round" \
            -v label="$run_label" \
            'NR > 1 { gsub(/"/, ""); print name "|" p "|" r "|" label "|" $2 }' \
            >>"$work/results"
}

# run NAME PORT PIPELINE ROUND TEST: one benchmark, CSV lines tagged.
run() {
    redis-benchmark -p "$2" -n "$requests" -c "$clients" -P "$3" \
        -t "$5" --csv 2>/dev/null |
        awk -F, -v name="$1" -v p="$3" -v r="$4" \
            'NR > 1 { gsub(/"/, ""); print name "|" p "|" r "|" $1 "|" $2 }' \
            >>"$work/results"
}

: >"$work/results"
for round in $(seq 1 "$rounds"); do
    for pipeline in 1 16; do
        for test in $(echo "$tests" | tr ',' ' '); do
            run codis "$codis_port" $pipeline "$round" "$test"
            run redis "$redis_port" $pipeline "$round" "$test"
        done
        for name_port in codis:$codis_port redis:$redis_port; do
            run_cmd "${name_port%%:*}" "${name_port#*:}" $pipeline "$round" \
                EVALSHA evalsha "$sha" 1 counter
        done
    done
done

python3 - "$work/results" <<'PYEOF'
import sys, statistics
rates = {}
order = []
for line in open(sys.argv[1]):
    name, p, rnd, test, rps = line.strip().split("|")
    key = (int(p), test)
    if key not in order:
        order.append(key)
    rates.setdefault((name,) + key, []).append(float(rps))
print("%-22s %5s %14s %14s %8s" % ("test", "-P", "codis req/s",
                                     "redis req/s", "ratio"))
for p, test in sorted(order, key=lambda k: (k[0], order.index(k))):
    c = statistics.median(rates.get(("codis", p, test), [0]))
    r = statistics.median(rates.get(("redis", p, test), [0]))
    print("%-22s %5d %14.0f %14.0f %8.2f" % (test, p, c, r,
                                            c / r if r else 0))
PYEOF
