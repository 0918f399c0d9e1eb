#!/bin/sh
# bench/migrate.sh: how fast Codis's slot migration commands move keys
# between two codis servers, and how long the source stalls meanwhile.
#
#   sh bench/migrate.sh [KEYS]      (default 1000000)
#
# Starts two `codis server`s on free ports (no snapshots), then for each
# of two datasets fills the source through redis-cli --pipe and empties
# all 1024 slots into the target, pipelining the migrate commands per slot:
#   untagged  KEYS keys "key:N" spread over all slots, SLOTSMGRTSLOT
#             (one key, so one round trip to the target, per call)
#   tagged    KEYS keys "{tN}:M", 10 per tag, SLOTSMGRTTAGSLOT (a tag
#             group per round trip)
# and the same two datasets with the batched SLOTSMGRTSLOT-ASYNC and
# SLOTSMGRTTAGSLOT-ASYNC (100 keys, or tag groups, per call), and prints
# keys/s, plus the longest PING latency seen by a second client during
# the run. The one-key-per-call SLOTSMGRTSLOT run is capped at 100000
# keys: it is bound by round trips and would take minutes.
# With list support it then moves one big list: 1M elements with the
# synchronous SLOTSMGRTONE, and BIG (default 10M) elements with
# SLOTSMGRTONE-ASYNC (chunks sent by a forked child), printing the
# longest PING seen during each; the last again with the source's malloc
# on transparent huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1).
# Needs redis-cli and python3-redis.
set -e
KEYS=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/bin/codis-server
WORK=$(mktemp -d /tmp/codis-bench-migrate.XXXXXX)
PY=/usr/bin/python3
"$PY" -c 'import redis' 2>/dev/null || PY=python3

# The servers' pids go to a file: start runs in $(...) subshells, where
# a variable set would be lost and the servers left running.
cleanup() {
    for pid in $(cat "$WORK/pids" 2>/dev/null); do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $(cat "$WORK/pids" 2>/dev/null); do
        while kill -0 "$pid" 2>/dev/null; do
            sleep 0.05
        done
    done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

. "$(dirname "$0")/lib/common.sh"

# start [ENV=VALUE]: start a server (with that environment), print its
# port; fail if it exits before answering.
start() {
    port=$(free_port)
    mkdir -p "$WORK/$port"
    env "$@" "$BIN" --port "$port" --bind 127.0.0.1 --dir "$WORK/$port" --save "" \
        >"$WORK/$port.log" 2>&1 &
    pid=$!
    echo "$pid" >>"$WORK/pids"
    until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "bench/migrate.sh: the server on port $port did not start:" >&2
            cat "$WORK/$port.log" >&2
            exit 1
        fi
        sleep 0.05
    done
    echo "$port"
}

# The longest PING latency a second client sees on a port while the
# benchmark works, for both Python parts below (PYTHONPATH=$WORK).
cat >"$WORK/pingwatch.py" <<'PYEOF'
import threading, time, redis

class PingWatch:
    """PING 'port' every millisecond in a thread until stop()."""
    def __init__(self, port):
        self.conn = redis.Redis(port=port)
        self.worst = 0.0
        self.running = True
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        while self.running:
            t = time.perf_counter()
            self.conn.ping()
            self.worst = max(self.worst, time.perf_counter() - t)
            time.sleep(0.001)

    def stop(self):
        """Stop and return the longest PING in ms."""
        self.running = False
        self.thread.join()
        return self.worst * 1000
PYEOF
export PYTHONPATH="$WORK"

SRC=$(start)
DST=$(start)

# run_case DATASET COMMAND [KEYS]: fill the source with DATASET (untagged
# or tagged), empty every slot into the target with COMMAND, report.
run_case() {
    redis-cli -p "$SRC" flushall >/dev/null
    redis-cli -p "$DST" flushall >/dev/null
    "$PY" - "$1" "${3:-$KEYS}" <<'PYEOF' | redis-cli -p "$SRC" --pipe >/dev/null
import sys
kind, n = sys.argv[1], int(sys.argv[2])
out = sys.stdout.buffer
chunk = []
for i in range(n):
    key = ("key:%d" % i) if kind == "untagged" else ("{t%d}:%d" % (i // 10, i))
    val = "v%d" % i
    chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" %
                 (len(key), key.encode(), len(val), val.encode()))
    if len(chunk) == 10000:
        out.write(b"".join(chunk))
        chunk = []
out.write(b"".join(chunk))
PYEOF
    "$PY" - "$SRC" "$DST" "$1" "$2" <<'PYEOF'
import sys, time, redis
from pingwatch import PingWatch
src, dst, kind, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
r = redis.Redis(port=src)
total = r.dbsize()
batched = cmd.endswith("-ASYNC")
watch = PingWatch(src)
start = time.perf_counter()
moved = 0
for slot in range(1024):
    left = 1
    while left > 0:
        pipe = r.pipeline(transaction=False)
        if batched:
            for _ in range(min(left // 100 + 1, 16)):
                pipe.execute_command(cmd, "127.0.0.1", dst, 1000, 0, 0,
                                     slot, 100)
        else:
            for _ in range(min(max(left, 1), 256)):
                pipe.execute_command(cmd, "127.0.0.1", dst, 1000, slot)
        for m, left in pipe.execute():
            moved += m
elapsed = time.perf_counter() - start
worst = watch.stop()
assert moved == total and r.dbsize() == 0, (moved, total, r.dbsize())
assert redis.Redis(port=dst).dbsize() == total
print("%-8s %-22s %8d keys in %6.2f s = %7.0f keys/s, longest PING %.1f ms"
      % (kind, cmd, moved, elapsed, moved / elapsed, worst))
PYEOF
}

SYNC_KEYS=$KEYS
if [ "$SYNC_KEYS" -gt 100000 ]; then
    SYNC_KEYS=100000
fi
run_case untagged SLOTSMGRTSLOT "$SYNC_KEYS"
run_case untagged SLOTSMGRTSLOT-ASYNC
run_case tagged SLOTSMGRTTAGSLOT
run_case tagged SLOTSMGRTTAGSLOT-ASYNC

# big_key ELEMENTS COMMAND [LABEL]: move one list of ELEMENTS with COMMAND
# and print how long the source stalled (longest PING) meanwhile.
big_key() {
    "$PY" - "$SRC" "$DST" "$1" "$2" "${3:-}" <<'PYEOF'
import sys, time, redis
from pingwatch import PingWatch
src, dst, n, cmd = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
label = sys.argv[5]
r = redis.Redis(port=src)
r.flushall()
redis.Redis(port=dst).flushall()
pipe = r.pipeline(transaction=False)
for i in range(0, n, 10000):
    pipe.rpush("biglist", *range(i, min(i + 10000, n)))
    if len(pipe) >= 50:
        pipe.execute()
pipe.execute()
watch = PingWatch(src)
time.sleep(0.2)
t = time.perf_counter()
if cmd == "SLOTSMGRTONE":
    moved = r.execute_command(cmd, "127.0.0.1", dst, 60000, "biglist")
else:
    moved = r.execute_command(cmd, "127.0.0.1", dst, 60000, 0, 0, "biglist")
elapsed = time.perf_counter() - t
time.sleep(0.2)
worst = watch.stop()
assert moved == 1 and redis.Redis(port=dst).llen("biglist") == n
assert r.exists("biglist") == 0
print("big list %9d elements %-19s %6.2f s, longest PING %.1f ms %s"
      % (n, cmd, elapsed, worst, label))
PYEOF
}

if redis-cli -p "$SRC" rpush probe x 2>/dev/null | grep -q '^1$'; then
    big_key 1000000 SLOTSMGRTONE
    big_key "${BIG:-10000000}" SLOTSMGRTONE-ASYNC
    # Transparent huge pages for malloc's heap make the fork of a big
    # server much cheaper (2 MiB pages: 512 times fewer page table
    # entries to copy), at the price of copying 2 MiB per page written
    # while the child lives.
    SRC=$(start GLIBC_TUNABLES=glibc.malloc.hugetlb=1)
    big_key "${BIG:-10000000}" SLOTSMGRTONE-ASYNC "(malloc on huge pages)"
fi
