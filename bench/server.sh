#!/bin/sh
# bench/server.sh: codis-server against Debian's redis-server, side by side.
#
# Starts both on free 127.0.0.1 ports without persistence, then runs the
# same redis-benchmark (-n 100000 -c 50, tests set,get,incr,lpush,lpop,
# sadd,hset,mset, then EVALSHA of a script making one redis.call, INCR of
# its key, then the commands of CUSTOM: PFADD of random elements, PFCOUNT,
# BITCOUNT of a 1 kB bitmap, SETBIT, BITFIELD, GEOADD and GEOSEARCH of a
# 1000-member geo set, FCALL of a one-call function) against each,
# without pipelining (-P 1) and with -P 16, test by test with the two
# servers alternating (so both see the same machine load), for 3 rounds.
# Prints the median requests per second of each server and codis/redis
# per test, and the median server CPU time per request (read from /proc
# around each run; steadier than the rates on a loaded machine) with
# redis/codis. Both servers are stopped by PID at the end.
#
#   sh bench/server.sh              (make bench runs it)
#   ROUNDS=1 REQUESTS=20000 sh bench/server.sh   (a quicker look)
#   TESTS=none ROUNDS=5 sh bench/server.sh  (only EVALSHA and CUSTOM)
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
codis_server=${CODIS_SERVER:-$here/bin/codis-server}
rounds=${ROUNDS:-3}
requests=${REQUESTS:-100000}
clients=${CLIENTS:-50}
tests=${TESTS:-set,get,incr,lpush,lpop,sadd,hset,mset}
# Commands redis-benchmark has no test for, ';' between them.
custom=${CUSTOM:-PFADD bench:hll ele:__rand_int__;PFCOUNT bench:hll;BITCOUNT bench:bits;SETBIT bench:setbits __rand_int__ 1;BITFIELD bench:bf INCRBY u8 __rand_int__ 1 GET i16 0;GEOADD bench:geoadd 13.__rand_int__ 38.5 m:__rand_int__;GEOSEARCH bench:geo FROMLONLAT 13.5 38.5 BYRADIUS 20 km ASC COUNT 10;FCALL bench_incr 1 counter}

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

. "$(dirname "$0")/lib/common.sh"


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

# The bitmap BITCOUNT counts, the same bytes on both servers; a geo set
# of 1000 members around (13.5, 38.5); the function FCALL calls.
bits=$(head -c 1024 /dev/urandom | base64 -w0)
geo=$(python3 -c 'import random
r = random.Random(1)
print(" ".join("%.6f %.6f g%d" % (r.uniform(13, 14), r.uniform(38, 39), i)
               for i in range(1000)))')
for port in "$codis_port" "$redis_port"; do
    redis-cli -p "$port" set bench:bits "$bits" >/dev/null
    # shellcheck disable=SC2086
    redis-cli -p "$port" geoadd bench:geo $geo >/dev/null
    redis-cli -p "$port" function load "#!lua name=bench
redis.register_function('bench_incr', function(keys)
    return redis.call('incr', keys[1])
end)" >/dev/null
done

echo "redis-benchmark -t $tests + '$custom' -n $requests -c $clients, $rounds rounds"
echo "codis-server $codis_port (pid $codis_pid), $(redis-server --version | cut -d' ' -f1-3) $redis_port (pid $redis_pid)"

# The script of the evalsha test, loaded on both servers (same sha).
script="return redis.call('incr', KEYS[1])"
sha=$(redis-cli -p "$codis_port" script load "$script") &&
test "$sha" = "$(redis-cli -p "$redis_port" script load "$script")" || {
    echo "bench/server.sh: SCRIPT LOAD failed" >&2
    exit 1
}

# cpu_ticks NAME: user+system clock ticks the server NAME has used so far.
cpu_ticks() {
    if [ "$1" = codis ]; then
        awk '{ print $14 + $15 }' "/proc/$codis_pid/stat"
    else
        awk '{ print $14 + $15 }' "/proc/$redis_pid/stat"
    fi
}

# run_cmd NAME PORT PIPELINE ROUND LABEL ARGS...: one redis-benchmark
# run with ARGS (-t TEST, or a command line), each CSV line tagged with
# LABEL (or its test name when LABEL is -) and the server's CPU time per
# request in microseconds, which the machine's other load disturbs far
# less than requests per second.
run_cmd() {
    run_name=$1 run_port=$2 run_p=$3 run_round=$4 run_label=$5
    shift 5
    run_t0=$(cpu_ticks "$run_name")
    redis-benchmark -p "$run_port" -n "$requests" -c "$clients" \
        -P "$run_p" --csv "$@" 2>/dev/null >"$work/csv"
    run_t1=$(cpu_ticks "$run_name")
    awk -F, -v name="$run_name" -v p="$run_p" -v r="$run_round" \
        -v label="$run_label" -v ticks=$((run_t1 - run_t0)) \
        -v hz="$(getconf CLK_TCK)" -v n="$requests" \
        'NR > 1 { gsub(/"/, ""); if (label != "-") $1 = label
                  print name "|" p "|" r "|" $1 "|" $2 "|" \
                        ticks * 1e6 / hz / n }' "$work/csv" >>"$work/results"
}

# run NAME PORT PIPELINE ROUND TEST: one redis-benchmark test.
run() {
    run_cmd "$1" "$2" "$3" "$4" - -t "$5"
}

: >"$work/results"
for round in $(seq 1 "$rounds"); do
    for pipeline in 1 16; do
        for test in $(echo "$tests" | tr ',' ' '); do
            [ "$test" != none ] || continue
            run codis "$codis_port" $pipeline "$round" "$test"
            run redis "$redis_port" $pipeline "$round" "$test"
        done
        for name_port in codis:$codis_port redis:$redis_port; do
            run_cmd "${name_port%%:*}" "${name_port#*:}" $pipeline "$round" \
                EVALSHA evalsha "$sha" 1 counter
        done
        # each CUSTOM line, split into words on purpose, random integers
        # up to 1e6 in __rand_int__, labelled by its first word; the two
        # servers alternate command by command
        echo "$custom" | tr ';' '\n' >"$work/custom"
        while read -r cmd; do
            [ -n "$cmd" ] || continue
            for name_port in codis:$codis_port redis:$redis_port; do
                # shellcheck disable=SC2086
                run_cmd "${name_port%%:*}" "${name_port#*:}" $pipeline \
                    "$round" "${cmd%% *}" -r 1000000 $cmd
            done
        done <"$work/custom"
    done
done

python3 - "$work/results" <<'PYEOF'
import sys, statistics
rates = {}
order = []
cpu = {}
for line in open(sys.argv[1]):
    name, p, rnd, test, rps, us = line.strip().split("|")
    key = (int(p), test)
    if key not in order:
        order.append(key)
    rates.setdefault((name,) + key, []).append(float(rps))
    cpu.setdefault((name,) + key, []).append(float(us))
# ratio: codis/redis requests per second; cpu ratio: redis/codis CPU
# time per request (above 1: codis spends less).
print("%-12s %3s %12s %12s %6s %10s %10s %6s" % (
    "test", "-P", "codis req/s", "redis req/s", "ratio", "codis us/r",
    "redis us/r", "cpu x"))
for p, test in sorted(order, key=lambda k: (k[0], order.index(k))):
    c = statistics.median(rates.get(("codis", p, test), [0]))
    r = statistics.median(rates.get(("redis", p, test), [0]))
    cu = statistics.median(cpu.get(("codis", p, test), [0]))
    ru = statistics.median(cpu.get(("redis", p, test), [0]))
    print("%-12s %3d %12.0f %12.0f %6.2f %10.2f %10.2f %6.2f" % (
        test, p, c, r, c / r if r else 0, cu, ru, ru / cu if cu else 0))
PYEOF
