#!/bin/sh
# bench/migrate.sh: slot migration as an operator runs it, through the
# dashboard (codis-config slot migrate, never the raw commands), while
# redis-benchmark writes through a proxy:
#   (a) KEYS small keys in slots 0-511 move from group 1 to group 2:
#       keys/s end to end (from the migrate command until every task is
#       done and the slots are online on group 2)
#   (b) one slot holding a list of LIST elements, a hash of HASH fields
#       and a sorted set of ZSET members (plus small keys of other tags in
#       the same slot) moves with migration_method=semi-async: the
#       source's longest stall (a PING every 1 ms) and the slowest request
#       of a client reading and writing that slot's small keys (and
#       others) through the proxy
#   (c) the same slot moves back with migration_method=sync
# and prints a table. The dashboard gets migration_method in config.ini;
# one that does not know the key says so in its log (shown in the
# table), and migrates its own way.
#
#   sh bench/migrate.sh              KEYS=1000000 LIST=10000000
#                                    HASH=5000000 ZSET=5000000
#   SIZE=quick sh bench/migrate.sh   100000 keys, 500000/250000/250000
#                                    (about a minute)
#   KEYS=... LIST=... HASH=... ZSET=... override either.
#   DASH_CONF="key=value ..." adds lines to the dashboard's config.ini
#   (migration_parallel_slots, migration_async_numkeys ...).
#   KEYS=0 CASES=a moves 512 empty slots: the control loop's own cost.
#   NOBENCH=1 runs no redis-benchmark (the CPU counts are then the
#   migration's own).
#   CODIS_BIN_DIR=dir runs the binaries of dir (default bin/).
#   CASES=a (or b, or bc) runs only those cases; KEEP=1 keeps the work
#   directory (the servers' and the dashboard's logs).
# Needs redis-cli, redis-benchmark, curl and python3; about 3 GB of memory
# at full size.
set -e
if [ "${SIZE:-full}" = quick ]; then
    KEYS=${KEYS:-100000} LIST=${LIST:-500000}
    HASH=${HASH:-250000} ZSET=${ZSET:-250000}
else
    KEYS=${KEYS:-1000000} LIST=${LIST:-10000000}
    HASH=${HASH:-5000000} ZSET=${ZSET:-5000000}
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${CODIS_BIN_DIR:-$ROOT/bin}
CODIS=$BIN/codis
WORK=$(mktemp -d /tmp/codis-bench-migrate.XXXXXX)

. "$(dirname "$0")/lib/common.sh"
trap stop_work EXIT INT TERM
cd "$WORK"

# start_server: start a codis server, print its port.
start_server() {
    port=$(free_port)
    mkdir -p "$WORK/s$port"
    "$CODIS" server --port "$port" --bind 127.0.0.1 --dir "$WORK/s$port" \
        --save "" >"$WORK/s$port.log" 2>&1 &
    echo $! >>"$WORK/pids"
    echo $! >"$WORK/pid.$port"
    wait_ready "$port" $!
    echo "$port"
}

# start_dashboard METHOD: (re)start the dashboard with migration_method
# METHOD; sets DASH_PID.
DASH_PORT=$(free_port)
start_dashboard() {
    if [ -n "${DASH_PID:-}" ]; then
        kill "$DASH_PID"
        while kill -0 "$DASH_PID" 2>/dev/null; do
            sleep 0.05
        done
    fi
    cat >config.ini <<EOF
coordinator=filesystem
zk=$WORK/coord
product=bench
dashboard_addr=127.0.0.1:$DASH_PORT
action_timeout=15000
migration_method=$1
EOF
    # DASH_CONF: more config.ini lines, e.g. "migration_parallel_slots=512"
    printf '%s\n' ${DASH_CONF:-} >>config.ini
    "$CODIS" dashboard -c config.ini -L "dashboard-$1.log" \
        --addr=127.0.0.1:$DASH_PORT >"dashboard-$1.out" 2>&1 &
    DASH_PID=$!
    echo $DASH_PID >>"$WORK/pids"
    tries=0
    until curl -sf "http://127.0.0.1:$DASH_PORT/api/login" >/dev/null 2>&1; do
        if ! kill -0 $DASH_PID 2>/dev/null || [ $tries -ge 400 ]; then
            echo "bench/migrate.sh: the dashboard did not start:" >&2
            cat "dashboard-$1.out" "dashboard-$1.log" >&2
            exit 1
        fi
        tries=$((tries + 1))
        sleep 0.05
    done
    # what the dashboard makes of the key, for the table
    if grep -q "unknown key 'migration_method'" "dashboard-$1.log" \
            "dashboard-$1.out" 2>/dev/null; then
        METHOD="$1 (ignored: dashboard lacks it)"
    else
        METHOD=$1
    fi
}

config() {
    "$BIN/codis-config" -c config.ini "$@" >>config.out 2>&1 || {
        echo "bench/migrate.sh: codis-config $*:" >&2
        tail -3 config.out >&2
        exit 1
    }
}

# wait_moved SLOT_FROM SLOT_TO GROUP [SOURCE_PORT]: until no task is
# left and the slots are online on GROUP. Listing the tasks reads every
# task node under the coordinator's lock, which the migration needs too:
# with SOURCE_PORT (a source holding only the moving slots), wait for it
# to be empty first (a cheap DBSIZE), and list the tasks only then.
wait_moved() {
    if [ -n "${4:-}" ]; then
        until [ "$(redis-cli -p "$4" dbsize)" = 0 ]; do
            sleep 0.05
        done
    fi
    while :; do
        tasks=$(curl -sf "http://127.0.0.1:$DASH_PORT/api/migrate/tasks" |
                tr -d ' \n')
        if [ "$tasks" = "[]" ]; then
            ok=1
            for s in $1 $2; do
                curl -sf "http://127.0.0.1:$DASH_PORT/api/slot/$s" |
                    tr -d ' \n' >slot.json
                grep -q "\"group_id\":$3," slot.json &&
                    grep -q '"status":"online"' slot.json || ok=0
            done
            [ $ok = 1 ] && return 0
        fi
        sleep 0.1
    done
}

# cpu PID...: CPU seconds (user + system) the processes used so far.
cpu() {
    for pid in "$@"; do
        cat "/proc/$pid/stat"
    done | awk -v hz="$(getconf CLK_TCK)" \
        '{ sub(/^.*\) /, ""); t += $12 + $13 } END { printf "%.2f", t / hz }'
}

now() {
    python3 -c 'import time; print("%.3f" % time.time())'
}

# The watcher: PING the source every 1 ms, and through the proxy SET and
# GET small keys of the moving slot (and others) one after the other,
# until ./stop exists; print the longest PING, the slowest proxied
# request (ms) and the proxied requests that failed.
cat >watch.py <<'PYEOF'
import os, socket, sys, threading, time

class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.f = self.s.makefile("rb")
    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        line = self.f.readline()
        if line[:1] == b"$" and int(line[1:]) >= 0:
            return self.f.read(int(line[1:]) + 2)[:-2]
        return line.strip()

src, proxy = int(sys.argv[1]), int(sys.argv[2])
keys = sys.argv[3:]
worst = {"ping": 0.0, "proxy": 0.0}
errors = [0]
def pinger():
    c = Conn(src)
    while not os.path.exists("stop"):
        t = time.perf_counter()
        c.call("PING")
        worst["ping"] = max(worst["ping"], time.perf_counter() - t)
        time.sleep(0.001)
def prober():
    c = Conn(proxy)
    i = 0
    while not os.path.exists("stop"):
        k = keys[i % len(keys)]
        i += 1
        for args in (("SET", k, i), ("GET", k)):
            t = time.perf_counter()
            got = c.call(*args)
            worst["proxy"] = max(worst["proxy"], time.perf_counter() - t)
            if got[:1] == b"-":
                errors[0] += 1
threads = [threading.Thread(target=pinger), threading.Thread(target=prober)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("%.1f %.1f %d" % (worst["ping"] * 1000, worst["proxy"] * 1000,
                        errors[0]))
PYEOF

# keys.py SLOT_FROM SLOT_TO N PREFIX: N SET commands (RESP) of keys
# PREFIX<i> whose slot lies in SLOT_FROM..SLOT_TO.
cat >keys.py <<'PYEOF'
import sys, zlib
lo, hi, n, prefix = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
out = sys.stdout.buffer
buf = []
i = made = 0
while made < n:
    k = ("%s%d" % (prefix, i)).encode()
    i += 1
    if lo <= zlib.crc32(k) % 1024 <= hi:
        buf.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n" % (len(k), k))
        made += 1
        if len(buf) == 10000:
            out.write(b"".join(buf))
            buf = []
out.write(b"".join(buf))
PYEOF

S1=$(start_server)
S2=$(start_server)
PROXY=$(free_port)
start_dashboard semi-async
config server add-group 1
config server add-group 2
config server add 1 127.0.0.1:$S1 master
config server add 2 127.0.0.1:$S2 master
config slot init
config slot range-set 0 511 1 online
config slot range-set 512 1023 2 online
cat >proxy.ini <<EOF
coordinator=filesystem
zk=$WORK/coord
product=bench
proxy_id=p1
EOF
"$CODIS" proxy -c proxy.ini --addr=127.0.0.1:$PROXY \
    --http-addr=127.0.0.1:$(free_port) -L proxy.log >proxy.out 2>&1 &
PROXY_PID=$!
echo $! >>"$WORK/pids"
tries=0
until "$BIN/codis-config" -c config.ini proxy online p1 >>config.out 2>&1; do
    if [ $tries -ge 200 ]; then
        echo "bench/migrate.sh: the proxy did not register:" >&2
        tail -3 config.out proxy.log >&2
        exit 1
    fi
    tries=$((tries + 1))
    sleep 0.1
done
wait_ready "$PROXY" "$(tail -1 "$WORK/pids")"

# Load through the proxy for the whole run: redis-benchmark SETs random
# keys (all slots), a few clients.
# NOBENCH=1 leaves it out (to count the CPU the migration alone takes).
if [ -z "${NOBENCH:-}" ]; then
    redis-benchmark -p "$PROXY" -t set -r 1000000 -n 2000000000 -c 4 -q \
        >benchmark.out 2>&1 &
    echo $! >>"$WORK/pids"
fi

row() {
    printf '%-40s %-28s %9s %8s %9s %9s %9s\n' "$@"
}
row case method keys seconds keys/s "PING ms" "proxy ms" >table

CASES=${CASES:-abc}
case $CASES in *a*)
# (a) KEYS small keys over slots 0-511, group 1 -> group 2.
python3 keys.py 0 511 "$KEYS" k: | redis-cli -p "$S1" --pipe >/dev/null
CPU_PIDS="$(cat "pid.$S1") $(cat "pid.$S2") $DASH_PID $PROXY_PID"
c0=$(for p in $CPU_PIDS; do cpu $p; echo; done)
t0=$(now)
config slot migrate 0 511 2
wait_moved 0 511 2 "$S1"
t1=$(now)
c1=$(for p in $CPU_PIDS; do cpu $p; echo; done)
echo "$c0" >c0
echo "$c1" | paste c0 - | awk '{ printf "%.2f ", $2 - $1 }' >cpu.a
left=$(redis-cli -p "$S1" dbsize)
row "(a) $KEYS keys, 512 slots, g1->g2" "$METHOD" "$KEYS" \
    "$(python3 -c "print('%.2f' % ($t1 - $t0))")" \
    "$(python3 -c "print('%.0f' % ($KEYS / ($t1 - $t0)))")" - - >>table
[ "$left" = 0 ] || echo "(a): $left keys left on the source" >>table
set -- $(cat cpu.a)
echo "(a) CPU s: source $1, target $2, dashboard $3, proxy $4;" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)" >>table
;; esac
case $CASES in *b*|*c*)

# The big slot: the slot of tag {big}, owned by group 2; the big values
# filled on the server by a script, 1000 elements per command.
BIG=$(python3 -c 'import zlib; print(zlib.crc32(b"big") % 1024)')
python3 keys.py "$BIG" "$BIG" 100 p: | redis-cli -p "$S2" --pipe >/dev/null
PROBE="$(python3 keys.py "$BIG" "$BIG" 100 p: | tr -d '\r' |
         awk 'NR % 7 == 5') x:1 x:2 x:3"
fill_big() {
    for spec in "list $LIST" "hash $HASH" "zset $ZSET"; do
        set -- $spec
        from=0
        while [ $from -lt "$2" ]; do
            to=$((from + 500000))
            [ $to -gt "$2" ] && to=$2
            redis-cli -p "$S2" eval '
local kind, from, to = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
for i = from, to - 1, 1000 do
  local args = {}
  for j = i, math.min(i + 999, to - 1) do
    if kind == "list" then args[#args + 1] = j
    elseif kind == "hash" then
      args[#args + 1] = "f" .. j; args[#args + 1] = j
    else args[#args + 1] = j; args[#args + 1] = "m" .. j end
  end
  if kind == "list" then redis.call("rpush", KEYS[1], unpack(args))
  elseif kind == "hash" then redis.call("hset", KEYS[1], unpack(args))
  else redis.call("zadd", KEYS[1], unpack(args)) end
end
return 1' 1 "{big}$1" "$1" $from $to >/dev/null
            from=$to
        done
    done
}
fill_big

# big_case LABEL SRC GROUP: move slot BIG to GROUP, watching SRC.
big_case() {
    rm -f stop
    python3 watch.py "$2" "$PROXY" $PROBE >watch.out 2>&1 &
    watch=$!
    sleep 1 # the watchers' baseline before the move
    t0=$(now)
    config slot migrate "$BIG" "$BIG" "$3"
    wait_moved "$BIG" "$BIG" "$3"
    t1=$(now)
    touch stop
    wait $watch
    set -- "$1" $(cat watch.out)
    row "$1" "$METHOD" 3 \
        "$(python3 -c "print('%.2f' % ($t1 - $t0))")" - "$2" "$3" >>table
    [ "${4:-0}" = 0 ] || echo "$1: $4 proxied requests failed" >>table
}
case $CASES in *b*)
big_case "(b) big slot $LIST/$HASH/$ZSET, g2->g1" "$S2" 1
;; esac
case $CASES in *c*)
# (c) moves the slot back to group 2 if (b) moved it to group 1
start_dashboard sync
if grep -q '"group_id":1,' slot.json 2>/dev/null; then
    big_case "(c) big slot, g1->g2" "$S1" 2
else
    big_case "(c) big slot, g2->g1" "$S2" 1
fi
;; esac
for port in "$S1" "$S2"; do
    echo "server $port: $(redis-cli -p "$port" llen '{big}list') list," \
         "$(redis-cli -p "$port" hlen '{big}hash') hash," \
         "$(redis-cli -p "$port" zcard '{big}zset') zset" >>table
done
;; esac
cat table
