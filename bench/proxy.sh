#!/bin/sh
# bench/proxy.sh: codis-proxy beside redis-server and nutcracker
# (twemproxy), side by side, in one run.
#
# Two redis-server backends; nutcracker and codis-proxy each spread keys
# over both (nutcracker: fnv1a_64 + ketama; codis-proxy: --fillslots with
# slots 0-511 on the first backend, 512-1023 on the second), codis-proxy
# once with --cpu=1 and once with --cpu=2. "direct" is redis-benchmark
# against the first backend alone (no proxy). For each target, each
# pipeline depth (-P 1, -P 100) and each of GET, SET, MSET it runs
#   redis-benchmark -t <test> -d 256 -r 100000 -c 50 -n 200000 -P <p>
# interleaving the targets, ROUNDS times (default 3). Printed per row: the
# median requests/s, and requests per CPU-second of the proxy process
# (utime+stime from /proc/<pid>/stat before and after each run), with
# codis-proxy's ratio to nutcracker for both.
#
#   sh bench/proxy.sh             # needs bin/codis (make), redis-server,
#                                 # redis-benchmark, nutcracker
#   ROUNDS=1 REQUESTS=50000 sh bench/proxy.sh     # a quick look
set -u

ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-200000}
CLIENTS=${CLIENTS:-50}
BIN=${CODIS_BIN_DIR:-$(cd "$(dirname "$0")/.." && pwd)/bin}

for tool in redis-server redis-benchmark redis-cli nutcracker python3; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "bench/proxy.sh: '$tool' is missing (make deps installs it)" >&2
        exit 1
    fi
done
if ! [ -x "$BIN/codis" ]; then
    echo "bench/proxy.sh: '$BIN/codis' is missing: run make first" >&2
    exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/codis-bench.XXXXXX")
PIDS=
cleanup() {
    for pid in $PIDS; do
        kill "$pid" 2>/dev/null
    done
    for pid in $PIDS; do
        wait "$pid" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. "$(dirname "$0")/lib/common.sh"

# cpu_ticks PID: utime + stime of PID in clock ticks.
cpu_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

B1=$(free_port)
B2=$(free_port)
for port in $B1 $B2; do
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize no --logfile "$WORK/redis-$port.log" &
    PIDS="$PIDS $!"
    wait_ready "$port" $!
done

NC=$(free_port)
cat >"$WORK/nutcracker.yml" <<EOF_YML
bench:
  listen: 127.0.0.1:$NC
  hash: fnv1a_64
  distribution: ketama
  redis: true
  auto_eject_hosts: false
  preconnect: true
  servers:
   - 127.0.0.1:$B1:1 b1
   - 127.0.0.1:$B2:1 b2
EOF_YML
nutcracker -c "$WORK/nutcracker.yml" -s "$(free_port)" -a 127.0.0.1 \
    -o "$WORK/nutcracker.log" &
NC_PID=$!
PIDS="$PIDS $NC_PID"
wait_ready "$NC" "$NC_PID"

python3 - "$B1" "$B2" >"$WORK/slots.json" <<'EOF_PY'
import json, sys
b1, b2 = sys.argv[1], sys.argv[2]
print(json.dumps([{"id": i, "backend_addr": "127.0.0.1:" + (b1 if i < 512 else b2)}
                  for i in range(1024)]))
EOF_PY

# start_codis CPUS: a codis-proxy with CPUS workers; sets its port var.
start_codis() {
    port=$(free_port)
    "$BIN/codis" proxy --fillslots="$WORK/slots.json" --cpu="$1" \
        --addr="127.0.0.1:$port" --http-addr="127.0.0.1:$(free_port)" \
        -L "$WORK/codis-$1.log" --log-level=warn &
    pid=$!
    PIDS="$PIDS $pid"
    wait_ready "$port" "$pid"
    eval "CODIS$1=$port CODIS$1_PID=$pid"
}
start_codis 1
start_codis 2

# target name, port, pid of the process whose CPU is counted ("-": none)
TARGETS="direct:$B1:- nutcracker:$NC:$NC_PID"
TARGETS="$TARGETS codis-cpu1:$CODIS1:$CODIS1_PID codis-cpu2:$CODIS2:$CODIS2_PID"
TICKS=$(getconf CLK_TCK)

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# redis-benchmark -d 256 -r 100000 -c $CLIENTS -n $REQUESTS, $ROUNDS rounds"
RESULTS="$WORK/results"
: >"$RESULTS"
round=1
while [ $round -le "$ROUNDS" ]; do
    for pipe in 1 100; do
        for test in get set mset; do
            for t in $TARGETS; do
                name=${t%%:*}
                rest=${t#*:}
                port=${rest%%:*}
                pid=${rest#*:}
                before=0
                if [ "$pid" != - ]; then
                    before=$(cpu_ticks "$pid")
                fi
                rps=$(redis-benchmark -p "$port" -t "$test" -d 256 \
                      -r 100000 -c "$CLIENTS" -n "$REQUESTS" -P "$pipe" \
                      --csv 2>/dev/null |
                      awk -F'"' 'NR > 1 && $2 != "" { print $4; exit }')
                ticks=-
                if [ "$pid" != - ]; then
                    ticks=$(( $(cpu_ticks "$pid") - before ))
                fi
                echo "$name $pipe $test ${rps:-0} $ticks" >>"$RESULTS"
            done
        done
    done
    echo "# round $round done" >&2
    round=$((round + 1))
done

# Medians per (target, pipeline, test); requests per CPU-second from the
# summed ticks of all rounds; ratios of codis to nutcracker.
awk -v n="$REQUESTS" -v hz="$TICKS" -v rounds="$ROUNDS" '
function median(list,   a, k, i, j, t) {
    k = split(list, a, " ")
    for (i = 1; i <= k; i++)
        for (j = i + 1; j <= k; j++)
            if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
{
    key = $1 " " $2 " " $3
    if (!(key in rps)) { order[++nkeys] = key }
    rps[key] = rps[key] " " $4
    if ($5 != "-") { ticks[key] += $5 }
}
END {
    printf "%-12s %4s %-5s %12s %14s %10s %10s\n", "target", "-P", "test",
           "req/s", "req/cpu-sec", "rps/nc", "cpu/nc"
    for (i = 1; i <= nkeys; i++) {
        split(order[i], f, " ")
        m[order[i]] = median(rps[order[i]])
        if (order[i] in ticks && ticks[order[i]] > 0)
            eff[order[i]] = n * rounds / (ticks[order[i]] / hz)
    }
    for (i = 1; i <= nkeys; i++) {
        key = order[i]
        split(key, f, " ")
        nc = "nutcracker " f[2] " " f[3]
        e = (key in eff) ? sprintf("%.0f", eff[key]) : "-"
        r1 = "-"; r2 = "-"
        if (f[1] ~ /^codis/ && m[nc] > 0) r1 = sprintf("%.2fx", m[key] / m[nc])
        if (f[1] ~ /^codis/ && (key in eff) && (nc in eff))
            r2 = sprintf("%.2fx", eff[key] / eff[nc])
        printf "%-12s %4s %-5s %12.0f %14s %10s %10s\n", f[1], f[2], f[3],
               m[key], e, r1, r2
    }
}' "$RESULTS"

# Idle clients: 2000 connections opened (a PING on every 100th) and
# closed, 5 rounds, against nutcracker and codis-proxy --cpu=1; the
# proxies' RSS (VmRSS) before, after one round and after five.
rss_kb() {
    sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"
}
idle_rounds() {
    python3 - "$1" "$2" <<'EOF_PY'
import socket, sys
port, rounds = int(sys.argv[1]), int(sys.argv[2])
for _ in range(rounds):
    conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(2000)]
    for c in conns[::100]:
        c.sendall(b"*1\r\n$4\r\nPING\r\n")
        c.recv(16)
    for c in conns:
        c.close()
EOF_PY
}
ulimit -n 4096 2>/dev/null || true
echo
printf "%-12s %12s %14s %15s\n" "idle 2000" "RSS start kB" "after 1 round" "after 5 rounds"
for t in "nutcracker:$NC:$NC_PID" "codis-cpu1:$CODIS1:$CODIS1_PID"; do
    name=${t%%:*} rest=${t#*:}
    port=${rest%%:*} pid=${rest#*:}
    start=$(rss_kb "$pid")
    idle_rounds "$port" 1
    one=$(rss_kb "$pid")
    idle_rounds "$port" 4
    sleep 1 # let the proxy's next tick give memory back
    printf "%-12s %12s %14s %15s\n" "$name" "$start" "$one" "$(rss_kb "$pid")"
done
