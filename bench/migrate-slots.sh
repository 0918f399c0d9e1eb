#!/bin/sh
# bench/migrate-slots.sh: end-to-end slot migration through the
# dashboard's control loop (not the raw commands: see bench/migrate.sh).
#
#   sh bench/migrate-slots.sh [SLOTS] [KEYS_PER_SLOT] [METHOD]
#       (defaults 256, 2000, semi-async)
#
# Starts a dashboard (filesystem coordinator), two codis servers as groups
# 1 and 2 and one proxy online, fills SLOTS slots of group 1 with
# KEYS_PER_SLOT small keys each, then migrates them to group 2 with
# `codis-config slot migrate` and times it until no task is left: slots/s,
# keys/s, and the control loop's cost per slot (what is left once the
# key movement of a run with keys is compared with one with empty slots
# is up to the reader). METHOD is the dashboard's migration_method.
set -e
SLOTS=${1:-256}
PER=${2:-2000}
METHOD=${3:-semi-async}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${CODIS_BIN_DIR:-$ROOT/bin}
WORK=$(mktemp -d /tmp/codis-bench-mslots.XXXXXX)
. "$(dirname "$0")/lib/common.sh"

cleanup() {
    for pid in $(cat "$WORK/pids" 2>/dev/null); do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $(cat "$WORK/pids" 2>/dev/null); do
        while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    done
    test -n "$KEEP" || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
cd "$WORK"

server() {
    port=$(free_port)
    mkdir -p "$WORK/s$port"
    "$BIN/codis-server" --port "$port" --bind 127.0.0.1 --dir "$WORK/s$port" \
        --save "" >"$WORK/s$port.log" 2>&1 &
    echo $! >>"$WORK/pids"
    wait_ready "$port" $!
    echo "$port"
}

DPORT=$(free_port)
cat >config.ini <<EOC
coordinator=filesystem
zk=$WORK/coord
product=bench
dashboard_addr=127.0.0.1:$DPORT
migration_method=$METHOD
migration_async_numkeys=${NUMKEYS:-500}
EOC
"$BIN/codis-dashboard" -c config.ini -L dashboard.log >dashboard.out 2>&1 &
echo $! >>pids
until curl -sf "http://127.0.0.1:$DPORT/api/login" >/dev/null 2>&1; do sleep 0.05; done
S1=$(server)
S2=$(server)
cfg() { "$BIN/codis-config" -c config.ini "$@" >/dev/null; }
cfg server add 1 127.0.0.1:$S1 master
cfg server add 2 127.0.0.1:$S2 master
cfg slot init
cfg slot range-set 0 1023 1 online
cp config.ini proxy.ini
echo proxy_id=p1 >>proxy.ini
PPORT=$(free_port)
"$BIN/codis-proxy" -c proxy.ini --addr=127.0.0.1:$PPORT \
    --http-addr=127.0.0.1:$(free_port) -L proxy.log >proxy.out 2>&1 &
echo $! >>pids
until test -f "$WORK/coord/tree/_zk/_codis/_db_bench/_proxy/_p1/@node"; do sleep 0.05; done
cfg proxy online p1
until redis-cli -p "$PPORT" ping 2>/dev/null | grep -q PONG; do sleep 0.05; done

python3 - "$SLOTS" "$PER" <<'PYEOF' | redis-cli -p "$S1" --pipe >/dev/null
import sys, zlib
slots, per = int(sys.argv[1]), int(sys.argv[2])
need = [per] * slots
left = slots * per
i = 0
out = sys.stdout.buffer
buf = []
while left:
    key = b"k:%d" % i
    s = zlib.crc32(key) % 1024
    if s < slots and need[s]:
        need[s] -= 1
        left -= 1
        buf.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n" % (len(key), key))
    i += 1
out.write(b"".join(buf))
PYEOF
TOTAL=$(redis-cli -p "$S1" dbsize)
start=$(date +%s.%N)
cfg slot migrate 0 $((SLOTS - 1)) 2
until curl -sf "http://127.0.0.1:$DPORT/api/migrate/tasks" | tr -d ' \n' | grep -qx '\[\]'; do
    sleep 0.05
done
end=$(date +%s.%N)
LEFT=$(redis-cli -p "$S1" dbsize)
MOVED=$(redis-cli -p "$S2" dbsize)
python3 -c "
import sys
t = $end - $start
print('%s: %d slots, %d keys (%d left on the source) in %.2f s = %.1f slots/s, %.0f keys/s'
      % ('$METHOD', $SLOTS, $MOVED, $LEFT, t, $SLOTS / t, $MOVED / t))"
test "$MOVED" = "$TOTAL"
