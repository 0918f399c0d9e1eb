#!/bin/sh
test_description='keyspace notifications: notify-keyspace-events, the
__keyspace@N__ and __keyevent@N__ messages of every write command, new,
keymiss, expired and evicted, compared with redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

# notify_diff SEED COUNT FLAGS: the generated sequence on both servers,
# with the replies and the messages a PSUBSCRIBE __key*__:* got.
notify_diff() {
    python3 "$TEST_DIRECTORY/lib-notify-diff.py" "$REF_PORT" "$1" "$2" \
        "$3" >"notify-$1.expect" 2>&1 &&
    python3 "$TEST_DIRECTORY/lib-notify-diff.py" "$SERVER_PORT" "$1" "$2" \
        "$3" >"notify-$1.actual" 2>&1 &&
    test_cmp "notify-$1.expect" "notify-$1.actual"
}

test_expect_success REDIS_REF 'every class, both channels: same messages' '
    notify_diff 1 500 KEA &&
    notify_diff 2 500 AKE &&
    grep -q "expired" notify-1.actual
'

test_expect_success REDIS_REF 'new keys and key misses (n, m)' '
    notify_diff 3 400 KEAnm &&
    grep -q "keymiss" notify-3.actual &&
    grep -q ", new]" notify-3.actual
'

test_expect_success REDIS_REF 'some classes, one channel each' '
    notify_diff 4 400 "Kg\$" &&
    notify_diff 5 400 Elshzxt &&
    notify_diff 6 400 Kx
'

cat >config.txt <<\EOF_CMDS
CONFIG SET notify-keyspace-events KEA
CONFIG GET notify-keyspace-events
CONFIG SET notify-keyspace-events gsE$lhzxetdmnK
CONFIG GET notify-keyspace-events
CONFIG SET notify-keyspace-events EKd
CONFIG GET notify-keyspace-events
CONFIG SET notify-keyspace-events Q
CONFIG GET notify-keyspace-events
CONFIG SET notify-keyspace-events ""
CONFIG GET notify-keyspace-events
EOF_CMDS

test_expect_success REDIS_REF 'CONFIG SET / GET: the letters in Redis order' '
    compare_with_ref config.txt
'

cat >evict.py <<\EOF_PY
import os, sys
exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
port = int(sys.argv[1])
c, s = Conn(port), Conn(port)
c.call("FLUSHALL")
c.call("CONFIG", "SET", "notify-keyspace-events", "Ee")
s.call("SUBSCRIBE", "__keyevent@0__:evicted")
c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random")
used = int([l for l in c.call("INFO", "memory").split("\r\n")
            if l.startswith("used_memory:")][0].split(":")[1])
c.call("CONFIG", "SET", "maxmemory", str(used + 200000))
for i in range(3000):
    c.call("SET", "key:%d" % i, "x" * 200)
c.call("CONFIG", "SET", "maxmemory", "0")
evicted = int([l for l in c.call("INFO", "stats").split("\r\n")
               if l.startswith("evicted_keys:")][0].split(":")[1])
got = 0
while got < evicted:
    msg = s.read()
    assert msg.startswith("[message, __keyevent@0__:evicted, key:"), msg
    got += 1
print("evicted", evicted > 0, "messages", got == evicted,
      "more", s.pending(0.2))
EOF_PY

test_expect_success 'one "evicted" message per evicted key' '
    python3 evict.py "$SERVER_PORT" >evict.out 2>&1 &&
    echo "evicted True messages True more False" >evict.expect &&
    test_cmp evict.expect evict.out
'

test_done
