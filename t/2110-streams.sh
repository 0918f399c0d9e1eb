#!/bin/sh
test_description='streams: every X command compared with redis-server 7.0
(fixed error cases and generated sequences), blocking reads, and streams
moving by DUMP/RESTORE, RDB files, AOF, replication and slot migration'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

# xdiff MODE ARGS...: t/lib-stream.py against codis-server and redis-server
xdiff() {
    mode=$1 && shift &&
    python3 "$TEST_DIRECTORY/lib-stream.py" "$mode" "$OURS" "$REF_PORT" "$@"
}

# start_replica ours|ref MASTER-PORT: a replica of MASTER-PORT (codis-server
# or redis-server) in its own directory; sets REPLICA_PORT.
start_replica() {
    REPLICA_PORT=$(free_port) &&
    mkdir -p "$TRASH_DIRECTORY/replica-$REPLICA_PORT" &&
    if [ "$1" = ours ]; then
        codis-server --port $REPLICA_PORT --bind 127.0.0.1 --save "" \
            --dir "$TRASH_DIRECTORY/replica-$REPLICA_PORT" \
            --slaveof 127.0.0.1 "$2" >"replica-$REPLICA_PORT.log" 2>&1 &
    else
        redis-server --port $REPLICA_PORT --bind 127.0.0.1 --save "" \
            --dir "$TRASH_DIRECTORY/replica-$REPLICA_PORT" \
            --replicaof 127.0.0.1 "$2" >"replica-$REPLICA_PORT.log" 2>&1 &
    fi
    test_atexit "stop_pid $!" &&
    wait_until "redis-cli -p $REPLICA_PORT info replication |
                grep -q link_status:up"
}

# fullinfo PORT KEY: XINFO STREAM KEY FULL, clock fields masked
fullinfo() {
    python3 "$TEST_DIRECTORY/lib-stream.py" info "$1" "$1" "$2"
}

test_expect_success REDIS_REF 'start codis-server and redis-server' '
    start_redis_ref &&
    start_server && OURS=$SERVER_PORT
'

cat >basic.txt <<\EOT
XADD s 1-1 a 1 b 2
XADD s 1-2 a 3 b 4
XADD s 1-* c x
XADD s 2 a 1
XADD s 1-1 a 1
XADD s 0-0 a 1
XADD s 0-1 a
XADD s MAXLEN 2 3-0 a 1
XRANGE s - +
XREVRANGE s + - COUNT 1
XRANGE s (2-0 +
XRANGE s - (3-0
XRANGE s ( +
XRANGE s (- +
XRANGE s - (0-0
XREVRANGE s (18446744073709551615-18446744073709551615 -
XRANGE s - + COUNT 0
XRANGE s - + COUNT -1
XRANGE s - + COUNT
XRANGE s - + FOO 1
XRANGE s x +
XRANGE s 012 +
XLEN s
XLEN nokey
XDEL s 2-0 9-9
XDEL s bad
XDEL nokey bad
XINFO STREAM s
XADD s NOMKSTREAM 5-0 a b
XADD t NOMKSTREAM 5-0 a b
XADD s LIMIT 10 6-0 a b
XADD s MAXLEN ~ 1 LIMIT 10 6-0 a b
XADD s MAXLEN = 1 LIMIT 10 6-0 a b
XADD s MAXLEN -1 6-0 a b
XADD s MAXLEN 1 MINID 1 6-0 a b
XADD s MAXLEN x 6-0 a b
XADD s MINID 5 7-0 a b
XRANGE s - +
XTRIM s MAXLEN 0
XTRIM s
XTRIM s FOO 1
XTRIM s MAXLEN ~ 0 LIMIT -1
XTRIM nokey FOO
XINFO STREAM s
XSETID s 1-0
XSETID s 100-0 ENTRIESADDED 1 MAXDELETEDID 200-0
XSETID s 100-0 ENTRIESADDED 10 MAXDELETEDID 50-0
XSETID s 100-0 ENTRIESADDED -1
XSETID s 100-0 FOO
XSETID nokey 1-0
XINFO STREAM s
SET str x
XADD str 1-0 a b
XRANGE str - +
XLEN str
XDEL str 1-0
XTRIM str MAXLEN 1
XINFO STREAM str
XINFO STREAM nokey
XINFO FOO
XINFO STREAM
XINFO STREAM s FULL COUNT
XINFO STREAM s FOO
XADD s 18446744073709551615-18446744073709551615 a b
XADD s 18446744073709551615-* a b
XADD s * a b
XADD s 012-3 a b
XADD s -5 a b
EOT

cat >groups.txt <<\EOT
XADD g 1-0 f v
XADD g 2-0 f v
XADD g 3-0 f v2 x y
XGROUP CREATE g grp 0
XGROUP CREATE g grp 0
XGROUP CREATE nokey grp 0
XGROUP CREATE nokey grp $ MKSTREAM
XGROUP CREATE g grp2 $ ENTRIESREAD 3
XGROUP CREATE g grp3 $ ENTRIESREAD -5
XGROUP CREATE g grp3 $ FOO
XGROUP CREATE g grp4 bad
XGROUP CREATE str grp 0
XGROUP FOO g grp
XGROUP CREATE g
XGROUP DESTROY g nogrp
XGROUP SETID g nogrp 0
XGROUP SETID g grp 0 ENTRIESREAD
XGROUP SETID g grp 0 FOO 1
XGROUP CREATECONSUMER g grp alice
XGROUP CREATECONSUMER g grp alice
XINFO GROUPS g
XREADGROUP GROUP grp bob COUNT 2 STREAMS g >
XREADGROUP GROUP grp bob STREAMS g 0
XREADGROUP GROUP grp bob STREAMS g $
XREADGROUP GROUP grp bob STREAMS g
XREADGROUP GROUP nogrp bob STREAMS g >
XREADGROUP GROUP grp bob STREAMS nokey >
XREADGROUP STREAMS g >
XREAD GROUP grp bob STREAMS g >
XREAD NOACK STREAMS g 0
XREAD STREAMS g >
XREAD COUNT 1 STREAMS g 0
XREAD STREAMS g nokey 0 0
XREAD STREAMS g $
XREAD COUNT -5 STREAMS g 1
XREAD BLOCK -1 STREAMS g 1
XREAD BLOCK abc STREAMS g 1
XREAD STREAMS str 0
XPENDING g grp
XPENDING g grp - + 10
XPENDING g grp - + 10 bob
XPENDING g grp - + 10 nobody
XPENDING g grp IDLE 0 - + 10
XPENDING g grp IDLE 0 - +
XPENDING g nogrp
XPENDING g grp - + x
XPENDING g grp (- + 1
XACK g grp 1-0 9-0
XACK g grp bad
XACK g nogrp 1-0
XACK nokey grp 1-0
XPENDING g grp
XINFO CONSUMERS g grp
XINFO CONSUMERS g nogrp
XREADGROUP GROUP grp carol NOACK STREAMS g >
XADD g 4-0 f v
XREADGROUP GROUP grp carol NOACK STREAMS g >
XINFO GROUPS g
XDEL g 2-0
XINFO GROUPS g
XCLAIM g grp dave 0 2-0
XCLAIM g grp dave 0 3-0 JUSTID
XCLAIM g grp dave 0 4-0 FORCE
XCLAIM g grp dave 0 1-0 RETRYCOUNT 7
XCLAIM g grp dave 0 1-0 FOO
XCLAIM g grp dave x 1-0
XCLAIM g grp dave 0 1-0 IDLE x
XCLAIM g grp dave 0 1-0 LASTID 10-0 JUSTID
XCLAIM g nogrp dave 0 1-0
XPENDING g grp
XAUTOCLAIM g grp eve 0 0 COUNT 1
XAUTOCLAIM g grp eve 0 0
XAUTOCLAIM g grp eve 0 0 JUSTID
XAUTOCLAIM g grp eve 0 0 COUNT 0
XAUTOCLAIM g grp eve x 0
XAUTOCLAIM g grp eve 0 bad
XAUTOCLAIM g grp eve 0 0 FOO
XAUTOCLAIM g nogrp eve 0 0
XINFO GROUPS g
XGROUP DELCONSUMER g grp eve
XGROUP DELCONSUMER g grp eve
XGROUP DESTROY g grp2
XINFO GROUPS g
XGROUP SETID g grp $ ENTRIESREAD 2
XINFO GROUPS g
XGROUP HELP
XINFO HELP
XINFO STREAM g FULL COUNT 0
XINFO STREAM g FULL
EOT

test_expect_success REDIS_REF 'fixed cases, errors included, reply as Redis does' '
    xdiff script basic.txt >out && cat out &&
    xdiff script groups.txt >out && cat out
'

test_expect_success REDIS_REF 'generated command sequences reply as Redis does' '
    cli flushall && redis-cli -p $REF_PORT flushall &&
    xdiff random 1 1500 >out1 && cat out1 &&
    xdiff random 2 1500 >out2 && cat out2 &&
    xdiff random 3 1500 >out3 && cat out3 &&
    test "$(cli xlen sa)" -gt 0
'

test_expect_success REDIS_REF 'streams move both ways by DUMP and RESTORE' '
    xdiff exchange sa sb "{sa}c" >out && cat out
'

test_expect_success REDIS_REF 'node layout and listpacks are as Redis has them, byte for byte' '
    python3 - >plain.txt <<-\PYEOF &&
	import random
	r = random.Random(5)
	ms = 1
	for i in range(900):
	    ms += r.choice([0, 1, 1000, 70000])
	    f = r.choice(["a 1 b 2", "a " + "x" * r.randint(1, 300),
	                  "n %d" % r.randint(-100000, 10**12), "a 1 b 3",
	                  "%d -%d" % (r.randint(0, 10**6), r.randint(0, 9))])
	    print("XADD plain %d-* %s" % (ms, f))
	    if r.random() < 0.1:
	        print("XDEL plain %d-0" % r.randint(0, ms))
	    if r.random() < 0.02:
	        print("XTRIM plain MAXLEN ~ %d" % r.randint(100, 600))
	    if r.random() < 0.01:
	        print("XTRIM plain MINID %d" % r.randint(0, ms // 50))
	PYEOF
    xdiff script plain.txt >out && cat out &&
    test "$(cli xinfo stream plain | sed -n 4p)" -gt 3 &&
    xdiff dump plain >out && cat out
'

cat >block.py <<\EOT
import os, sys, time
exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
port = int(sys.argv[1])
w, a, b = Conn(port), Conn(port), Conn(port)


def wait_blocked(n):
    for _ in range(2000):
        if "blocked_clients:%d\r" % n in w.call("INFO", "clients"):
            return
        time.sleep(0.01)
    raise SystemExit("clients did not block")


print(w.call("DEL", "bs"))
a.send("XREAD", "BLOCK", "0", "STREAMS", "bs", "$")
wait_blocked(1)
b.send("XREAD", "BLOCK", "0", "COUNT", "1", "STREAMS", "other", "bs", "$",
       "$")
wait_blocked(2)
print(w.call("XADD", "bs", "5-0", "f", "v"))
print(a.read())
print(b.read())
print(a.call("XREAD", "BLOCK", "20", "STREAMS", "bs", "$"))
cid = a.call("CLIENT", "ID")
a.send("XREAD", "BLOCK", "0", "STREAMS", "bs", "$")
wait_blocked(1)
print(w.call("CLIENT", "UNBLOCK", cid, "ERROR"))
print(a.read())
a.send("XREAD", "BLOCK", "0", "STREAMS", "bs", "$")
wait_blocked(1)
print(w.call("CLIENT", "UNBLOCK", cid))
print(a.read())
print(w.call("XGROUP", "CREATE", "bs", "g", "$"))
a.send("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "bs", ">")
wait_blocked(1)
b.send("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", "bs", ">")
wait_blocked(2)
print(w.call("XADD", "bs", "6-0", "f", "v"))
print(a.read())
print(w.call("XADD", "bs", "7-0", "f", "v"))
print(b.read())
print(w.call("XPENDING", "bs", "g"))
a.send("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "NOACK", "STREAMS",
       "bs", ">")
wait_blocked(1)
print(w.call("XADD", "bs", "8-0", "f", "v"))
print(a.read())
print(w.call("XPENDING", "bs", "g"))
a.send("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "bs", ">")
wait_blocked(1)
print(w.call("XGROUP", "DESTROY", "bs", "g"))
print(a.read())
print(w.call("MULTI"))
print(w.call("XREAD", "BLOCK", "0", "STREAMS", "bs", "$"))
print(w.call("EXEC"))
EOT

test_expect_success REDIS_REF 'blocked reads wake in order, time out, and unblock' '
    python3 block.py $REF_PORT >block.expect &&
    python3 block.py $OURS >block.actual &&
    test_cmp block.expect block.actual
'

test_expect_success REDIS_REF 'RDB files carry streams both ways' '
    cli save && redis-cli -p $REF_PORT save &&
    redis-check-rdb "$SERVER_DIR/dump.rdb" >check &&
    grep "RDB looks OK" check &&
    mkdir -p fromours fromref &&
    cp "$SERVER_DIR/dump.rdb" fromours/ &&
    cp "$TRASH_DIRECTORY/ref/dump.rdb" fromref/ &&
    for k in sa sb "{sa}c" g s plain; do
        fullinfo $OURS "$k" >"ours.$k" &&
        fullinfo $REF_PORT "$k" >"ref.$k" || return 1
    done &&
    stop_pid $SERVER_PID && stop_pid $REF_PID &&
    start_server --dir "$TRASH_DIRECTORY/fromref" && OURS=$SERVER_PORT &&
    start_redis_ref --dir "$TRASH_DIRECTORY/fromours" &&
    for k in sa sb "{sa}c" g s plain; do
        fullinfo $OURS "$k" >"ours2.$k" &&
        fullinfo $REF_PORT "$k" >"ref2.$k" &&
        test_cmp "ref.$k" "ours2.$k" &&
        test_cmp "ours.$k" "ref2.$k" || return 1
    done
'

cat >rep.txt <<\EOT
XADD rs 1-* a 1
XADD rs 2-* b 2
XADD rs MAXLEN ~ 1 2-* c 3
XGROUP CREATE rs g 0
XREADGROUP GROUP g alice COUNT 1 STREAMS rs >
XREADGROUP GROUP g bob NOACK STREAMS rs >
XCLAIM rs g carol 0 1-0
XAUTOCLAIM rs g dave 0 0
XGROUP CREATECONSUMER rs g erin
XACK rs g 1-0
XADD rs 3-* d 4
XREADGROUP GROUP g frank STREAMS rs >
XDEL rs 1-0
XTRIM rs MINID ~ 0
XADD rs MAXLEN ~ 0 LIMIT 1 4-* e 5
XSETID rs 999999999999999-0
SET done 1
EOT

test_expect_success REDIS_REF 'replicas, ours and Redis, follow stream writes' '
    start_replica ours $OURS && R1=$REPLICA_PORT &&
    start_replica ref $OURS && R2=$REPLICA_PORT &&
    cli <rep.txt >/dev/null &&
    wait_until "test \"\$(redis-cli -p $R1 get done)\" = 1" &&
    wait_until "test \"\$(redis-cli -p $R2 get done)\" = 1" &&
    for k in rs sa g plain; do
        fullinfo $R1 $k >r1.$k && fullinfo $R2 $k >r2.$k &&
        test_cmp r1.$k r2.$k || return 1
    done &&
    fullinfo $OURS sa >m.sa && test_cmp m.sa r1.sa &&
    grep "pending, \[\[[0-9]*-0, frank" r1.rs
'

test_expect_success REDIS_REF 'the AOF replays stream commands as Redis s does' '
    mkdir -p aof aofref &&
    start_server --dir "$PWD/aof" --appendonly yes --appendfsync always &&
    A=$SERVER_PORT && A_PID=$SERVER_PID &&
    start_redis_ref --dir "$PWD/aofref" --appendonly yes &&
    redis-cli -p $A <rep.txt >/dev/null &&
    redis-cli -p $REF_PORT <rep.txt >/dev/null &&
    fullinfo $A rs >aof.before && fullinfo $REF_PORT rs >aofref.before &&
    test_cmp aofref.before aof.before &&
    stop_pid $A_PID && stop_pid $REF_PID &&
    start_server --dir "$PWD/aof" --appendonly yes &&
    start_redis_ref --dir "$PWD/aofref" --appendonly yes &&
    fullinfo $SERVER_PORT rs >aof.after &&
    fullinfo $REF_PORT rs >aofref.after &&
    test_cmp aofref.after aof.after
'

test_expect_success REDIS_REF 'slot migration moves stream keys, sync and async' '
    SRC=$OURS && start_server && DST=$SERVER_PORT &&
    fullinfo $SRC sa >mig.sa && fullinfo $SRC plain >mig.plain &&
    redis-cli -p $SRC slotsmgrtone 127.0.0.1 $DST 1000 sa >out &&
    echo 1 >expect && test_cmp expect out &&
    redis-cli -p $SRC slotsmgrttagone-async 127.0.0.1 $DST 1000 3 100 \
        plain >out &&
    wait_until "test \"\$(redis-cli -p $SRC exists plain)\" = 0" &&
    fullinfo $DST sa >got.sa && test_cmp mig.sa got.sa &&
    fullinfo $DST plain >got.plain && test_cmp mig.plain got.plain
'

test_done
