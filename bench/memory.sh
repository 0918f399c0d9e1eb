#!/bin/sh
# bench/memory.sh: memory footprint of codis-server against Debian's
# redis-server, side by side.
#
# For each shape below, starts a fresh pair of servers on free 127.0.0.1
# ports without persistence, loads the same commands into both with
# redis-cli --pipe, and reads used_memory before and after (bytes per
# key, or per element for the big collections), the process RSS
# (/proc/PID/status VmRSS) at the end and again after MEMORY PURGE (the
# freed pages an allocator still holds right after a load differ between
# the two: see issue 14), and the size of the RDB file SAVE writes.
# Prints one table: each figure for both servers and the
# codis/redis ratios. Both servers are stopped by PID after each shape.
#
#   string   KEYS keys: SET k:i vi
#   hash     KEYS keys: HSET h:i f0 v0 ... f9 v9
#   hash-int KEYS keys: HSET h:i f0 N0 ... f9 N9, integer values
#   set      KEYS keys: SADD s:i of 10 small integers
#   zset     KEYS keys: ZADD z:i of 10 members with integer scores
#   list     KEYS keys: RPUSH l:i of 10 short items
#   bighash  one hash of BIG fields
#   bigzset  one sorted set of BIG members
#   biglist  one list of BIG items
#   biglist-int  one list of the BIG integers 0 .. BIG-1
#
# Where a key's bytes go (jemalloc size classes 8, 16, 32, 48...), for
# SET k:123456 v123456, codis-server as of issue 14 against redis-server:
#   keyspace entry (key, value, next: 24 B)        32       32
#   key string (1-byte header under 32 bytes)      16       16 (sdshdr5)
#   value object + embedded string (16+3+7+1)      32       32 (embstr)
#   bucket pointer at a load factor of 0.5..1     ~11      ~11
#   slot index                                      0        -
# Before, the key string had an 8-byte header (17 B: the 32-byte class)
# and every key also had a 16-byte entry and a bucket in a per-slot index
# table (~27 B): 130 B/key against 90. The keyspace is now one table per
# slot (struct db in redis/server.h), so the index costs nothing. A
# hashtable-encoded hash field takes 32 (entry) + 16 + 16 (field, value
# strings under 32 bytes) + a bucket, as in Redis.
#
#   sh bench/memory.sh                      (200000 keys, 1000000 elements)
#   KEYS=20000 BIG=100000 SHAPES="hash set" sh bench/memory.sh
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
codis_server=${CODIS_SERVER:-$here/bin/codis-server}
keys=${KEYS:-200000}
big=${BIG:-1000000}
shapes=${SHAPES:-string hash hash-int set zset list bighash bigzset biglist \
biglist-int}

for tool in redis-server redis-cli python3; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "bench/memory.sh: $tool is not installed, skipping" >&2
        exit 0
    fi
done
if [ ! -x "$codis_server" ]; then
    echo "bench/memory.sh: $codis_server not built (run make)" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/codis-bench-mem.XXXXXX") || exit 1
pids=
stop_servers() {
    for pid in $pids; do
        kill "$pid" 2>/dev/null
    done
    for pid in $pids; do
        wait "$pid" 2>/dev/null
    done
    pids=
}
cleanup() {
    stop_servers
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

. "$(dirname "$0")/lib/common.sh"


# used_memory PORT: the used_memory field of INFO memory.
used_memory() {
    redis-cli -p "$1" info memory | tr -d '\r' |
        awk -F: '$1 == "used_memory" { print $2 }'
}

# rss PID: resident set size in bytes.
rss() {
    awk '$1 == "VmRSS:" { print $2 * 1024 }' "/proc/$1/status"
}

# The commands of shape $1 in RESP, written to $2 (python: the same bytes
# go to both servers).
gen() {
    python3 - "$1" "$keys" "$big" >"$2" <<'PYEOF'
import sys
shape, keys, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
out = sys.stdout.buffer
def cmd(*args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    out.write(b"".join(parts))
if shape == "string":
    for i in range(keys):
        cmd("SET", "k:%d" % i, "v%d" % i)
elif shape == "hash":
    for i in range(keys):
        args = ["HSET", "h:%d" % i]
        for j in range(10):
            args += ["f%d" % j, "v%d" % j]
        cmd(*args)
elif shape == "hash-int":
    for i in range(keys):
        args = ["HSET", "h:%d" % i]
        for j in range(10):
            args += ["f%d" % j, i * 10 + j]
        cmd(*args)
elif shape == "set":
    for i in range(keys):
        cmd("SADD", "s:%d" % i, *[(i + j * 7) % 1000 for j in range(10)])
elif shape == "zset":
    for i in range(keys):
        args = ["ZADD", "z:%d" % i]
        for j in range(10):
            args += [j, "m%d" % j]
        cmd(*args)
elif shape == "list":
    for i in range(keys):
        cmd("RPUSH", "l:%d" % i, *["item%d" % j for j in range(10)])
else:
    step = 100
    for i in range(0, big, step):
        r = range(i, min(i + step, big))
        if shape == "bighash":
            args = ["HSET", "bighash"]
            for j in r:
                args += ["field:%d" % j, "value:%d" % j]
        elif shape == "bigzset":
            args = ["ZADD", "bigzset"]
            for j in r:
                args += [j, "member:%d" % j]
        elif shape == "biglist-int":
            args = ["RPUSH", "biglist"] + list(r)
        else:
            args = ["RPUSH", "biglist"] + ["item:%d" % j for j in r]
        cmd(*args)
PYEOF
}

echo "bench/memory.sh: $keys keys per small shape, $big elements per big one"
echo "codis: $codis_server; redis: $(redis-server --version | cut -d' ' -f1-3)"
: >"$work/results"
for shape in $shapes; do
    gen "$shape" "$work/$shape.resp"
    case $shape in
    big*) count=$big ;;
    *) count=$keys ;;
    esac
    line=$shape
    for name in codis redis; do
        port=$(free_port)
        dir="$work/$name-$shape"
        mkdir -p "$dir"
        if [ $name = codis ]; then
            "$codis_server" --port "$port" --bind 127.0.0.1 --save '' \
                --dir "$dir" >"$dir.log" 2>&1 &
        else
            redis-server --port "$port" --bind 127.0.0.1 --save '' \
                --appendonly no --dir "$dir" >"$dir.log" 2>&1 &
        fi
        pid=$!
        pids="$pids $pid"
        wait_ready "$port" "$pid"
        before=$(used_memory "$port")
        if ! redis-cli -p "$port" --pipe <"$work/$shape.resp" \
            >"$dir.pipe" 2>&1 || ! grep -q "errors: 0," "$dir.pipe"; then
            echo "bench/memory.sh: loading $shape into $name failed:" >&2
            cat "$dir.pipe" >&2
            exit 1
        fi
        after=$(used_memory "$port")
        resident=$(rss "$pid")
        redis-cli -p "$port" memory purge >/dev/null
        purged=$(rss "$pid")
        redis-cli -p "$port" save >/dev/null
        rdb=$(stat -c %s "$dir/dump.rdb" 2>/dev/null || echo 0)
        line="$line $((after - before)) $resident $rdb $purged"
        stop_servers
    done
    echo "$line $count" >>"$work/results"
done

python3 - "$work/results" <<'PYEOF'
import sys
print("%-11s %9s %9s %6s  %9s %9s %6s  %10s %10s %6s  %6s" % (
    "shape", "codis B", "redis B", "ratio", "codis RSS", "redis RSS",
    "ratio", "codis RDB", "redis RDB", "ratio", "purged"))
def r(a, b):
    return a / b if b else 0.0
for line in open(sys.argv[1]):
    s, cu, cr, cd, cp, ru, rr, rd, rp, n = line.split()
    cu, cr, cd, cp, ru, rr, rd, rp, n = map(
        int, (cu, cr, cd, cp, ru, rr, rd, rp, n))
    print("%-11s %9.1f %9.1f %6.2f  %8.1fM %8.1fM %6.2f  %10d %10d %6.2f"
          "  %6.2f" % (
        s, cu / n, ru / n, r(cu, ru), cr / 1048576, rr / 1048576, r(cr, rr),
        cd, rd, r(cd, rd), r(cp, rp)))
print("(B: used_memory growth per key, or per element for big*; purged:"
      " the RSS ratio after MEMORY PURGE on both, without the freed pages"
      " the allocator still held)")
PYEOF
