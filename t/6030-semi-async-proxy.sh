#!/bin/sh
test_description='semi-async migration through proxies: SLOTSMGRT-EXEC-WRAPPER forwarding, reads checked against acknowledged writes, a big key written while it moves'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

test_have_prereq CURL || skip_all 'curl is missing'
test_have_prereq PYTHON3 || skip_all 'python3 is missing'

start_server || exit 1
SRC=$SERVER_PORT
start_server || exit 1
DST=$SERVER_PORT
redis-cli -p $SRC slotsmgrt-exec-wrapper nokey get nokey >probe.out 2>&1
grep -q "doesn't exist" probe.out ||
    skip_all "codis server lacks SLOTSMGRT-EXEC-WRAPPER ($(head -c 80 probe.out))"

# Every slot is owned by DST and migrating from SRC: slots 0-511
# semi-async (forward_method 1, as Codis 3.2's dashboard pushes it),
# 512-1023 sync.
python3 -c 'import json, sys
print(json.dumps([{"id": i, "backend_addr": "127.0.0.1:" + sys.argv[2],
                   "migrate_from": "127.0.0.1:" + sys.argv[1],
                   "forward_method": 1 if i < 512 else 0}
                  for i in range(1024)]))' $SRC $DST >slots.json

# slot_of KEY: the slot of KEY (no hash tags in the names used here).
slot_of() {
    python3 -c 'import sys, zlib; print(zlib.crc32(sys.argv[1].encode()) % 1024)' "$1"
}

test_expect_success 'two proxies migrating every slot from SRC to DST' '
    test $(slot_of foo) -lt 512 && test $(slot_of hello) -ge 512 &&
    start_proxy --fillslots=slots.json --cpu=1 &&
    P1=$PROXY_PORT && P1_HTTP=$PROXY_HTTP &&
    start_proxy --fillslots=slots.json --cpu=1 &&
    P2=$PROXY_PORT
'

test_expect_success 'semi-async: a read of a key on the source is answered there, the key stays' '
    redis-cli -p $SRC set foo v1 >out && echo OK >expect && test_cmp expect out &&
    redis-cli -p $P1 get foo >out && echo v1 >expect && test_cmp expect out &&
    redis-cli -p $SRC exists foo >out && echo 1 >expect && test_cmp expect out &&
    redis-cli -p $DST exists foo >out && echo 0 >expect && test_cmp expect out
'

test_expect_success 'semi-async: a write of a key on the source runs there, a new key goes to the target' '
    redis-cli -p $P2 append foo 2 >out && echo 3 >expect && test_cmp expect out &&
    redis-cli -p $SRC get foo >out && echo v12 >expect && test_cmp expect out &&
    redis-cli -p $P1 set fresh new >out && echo OK >expect && test_cmp expect out &&
    redis-cli -p $DST get fresh >out && echo new >expect && test_cmp expect out &&
    redis-cli -p $SRC exists fresh >out && echo 0 >expect && test_cmp expect out &&
    redis-cli -p $P2 mget foo fresh nokey >out &&
    printf "v12\nnew\n\n" >expect && test_cmp expect out
'

test_expect_success 'semi-async: errors of the command come back as they are' '
    redis-cli -p $P1 llen foo >out &&
    grep "^WRONGTYPE" out &&
    redis-cli -p $P1 incr foo >out &&
    grep -x "ERR value is not an integer or out of range" out
'

test_expect_success 'sync slot: the key moves first (SLOTSMGRTTAGONE), then the target answers' '
    redis-cli -p $SRC set hello world >out && echo OK >expect && test_cmp expect out &&
    redis-cli -p $P1 get hello >out && echo world >expect && test_cmp expect out &&
    redis-cli -p $SRC exists hello >out && echo 0 >expect && test_cmp expect out &&
    redis-cli -p $DST get hello >out && echo world >expect && test_cmp expect out &&
    curl -sf http://$P1_HTTP/debug/vars | tr -d " \t\n" >vars &&
    grep "\"slotsmgrt\":[1-9]" vars
'

# rw.py P1 P2 KEYS...: two threads; each owns half of KEYS and, over and
# over until ./stop exists, writes a new value to one of its keys through
# one proxy and then reads every key it owns through the other, each read
# checked against the last acknowledged write of that key; lists "Lb0" and "Lb1" get
# RPUSHes, checked by LLEN and the pushed tail. Prints "ops N bad M".
cat >rw.py <<'EOF_PY'
import os, sys, threading
exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
p1, p2 = int(sys.argv[1]), int(sys.argv[2])
keys = sys.argv[3:]
ops = [0]
bad = []
def work(mine, wport, rport, tid):
    w, r = Conn(wport), Conn(rport)
    w.sock.settimeout(60)
    r.sock.settimeout(60)
    last = {}
    llen = int(r.call("LLEN", "L" + tid))
    seq = 0
    while not os.path.exists("stop"):
        seq += 1
        k = mine[seq % len(mine)]
        got = w.call("SET", k, "%s:%d" % (k, seq))
        if got != "OK":
            bad.append("SET %s: %r" % (k, got))
        last[k] = "%s:%d" % (k, seq)
        got = w.call("RPUSH", "L" + tid, seq)
        if got != str(llen + 1):
            bad.append("RPUSH L%s: %r, expected %d" % (tid, got, llen + 1))
        llen += 1
        for k2, v in last.items():
            got = r.call("GET", k2)
            if got != v:
                bad.append("GET %s: %r, expected %r" % (k2, got, v))
        got = r.call("LINDEX", "L" + tid, -1)
        if got != str(seq):
            bad.append("LINDEX L%s -1: %r, expected %d" % (tid, got, seq))
        ops[0] += len(last) + 3
threads = [threading.Thread(target=work, args=(keys[0::2], p1, p2, "b0")),
           threading.Thread(target=work, args=(keys[1::2], p2, p1, "b1"))]
for t in threads:
    t.start()
for t in threads:
    t.join()
for b in bad[:20]:
    print(b)
print("ops %d bad %d" % (ops[0], len(bad)))
EOF_PY

# mover.py SRC DST SLOT...: empty each slot of SRC into DST with
# SLOTSMGRTTAGSLOT-ASYNC (maxbulks 50, so the lists move in chunks),
# then create ./stop. Prints "moved N".
cat >mover.py <<'EOF_PY'
import os, sys
exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
src, dst = int(sys.argv[1]), sys.argv[2]
c = Conn(src)
c.sock.settimeout(60)
moved = 0
for slot in sys.argv[3:]:
    left = 1
    while left:
        got = c.call("SLOTSMGRTTAGSLOT-ASYNC", "127.0.0.1", dst, 30000, 50,
                     0, slot, 20)
        if not got.startswith("["):
            print("SLOTSMGRTTAGSLOT-ASYNC %s: %s" % (slot, got))
            open("stop", "w").close()
            sys.exit(1)
        m, left = (int(x) for x in got.strip("[]").split(", "))
        moved += m
open("stop", "w").close()
print("moved %d" % moved)
EOF_PY

test_expect_success 'keys and two lists of 400 elements on the source, in semi-async slots' '
    python3 -c "import zlib
keys = [k for k in (\"w%d\" % i for i in range(400))
        if zlib.crc32(k.encode()) % 1024 < 512][:120]
print(\" \".join(keys))" >keys &&
    for k in $(cat keys); do echo "SET $k $k:0"; done >load.txt &&
    redis-cli -p $SRC <load.txt >load.out &&
    test $(grep -c OK load.out) = 120 &&
    test $(slot_of Lb0) -lt 512 && test $(slot_of Lb1) -lt 512 &&
    redis-cli -p $SRC rpush Lb0 $(seq 400) >out && echo 400 >expect &&
    test_cmp expect out &&
    redis-cli -p $SRC rpush Lb1 $(seq 400) >out && test_cmp expect out
'

test_expect_success 'reads and writes through two proxies while the slots move: every read sees the last acknowledged write' '
    rm -f stop &&
    { python3 rw.py $P1 $P2 $(cat keys) >rw.out 2>&1 & } &&
    rw=$! &&
    python3 -c "import zlib
print(\" \".join(sorted({str(zlib.crc32(k.encode()) % 1024)
                        for k in open(\"keys\").read().split() + [\"Lb0\", \"Lb1\"]},
                       key=int)))" >slots &&
    python3 mover.py $SRC $DST $(cat slots) >mover.out 2>&1 &&
    wait $rw &&
    cat mover.out rw.out &&
    grep "^moved [1-9]" mover.out &&
    grep "^ops [1-9][0-9]* bad 0$" rw.out
'

test_expect_success 'afterwards the keys live on the target only' '
    redis-cli -p $SRC exists $(cat keys) Lb0 Lb1 >out && echo 0 >expect &&
    test_cmp expect out &&
    redis-cli -p $DST exists $(cat keys) Lb0 Lb1 >out && echo 122 >expect &&
    test_cmp expect out &&
    redis-cli -p $P2 llen Lb0 >out && test "$(cat out)" -gt 400
'

# relay.py PORT DST GATE: a TCP relay to DST that holds what the client
# sends until the file GATE exists (a target that is slow to answer).
cat >relay.py <<'EOF_PY'
import os, socket, sys, threading, time
port, dst, gate = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(4)
print("ready", flush=True)
def pipe(a, b, gated):
    held = b""
    a.settimeout(0.02)
    while True:
        try:
            data = a.recv(65536)
            if not data:
                break
            held += data
        except socket.timeout:
            pass
        if held and (not gated or os.path.exists(gate)):
            b.sendall(held)
            held = b""
    b.close()
while True:
    c, _ = ls.accept()
    d = socket.create_connection(("127.0.0.1", dst))
    threading.Thread(target=pipe, args=(c, d, True), daemon=True).start()
    threading.Thread(target=pipe, args=(d, c, False), daemon=True).start()
EOF_PY

# start_relay GATE: start relay.py to DST on a free port, RELAY.
start_relay() {
    RELAY=$(free_port) &&
    { python3 relay.py $RELAY $DST $1 >$1.relay 2>&1 & } &&
    test_atexit "kill $!" &&
    wait_until "grep -q ready $1.relay"
}

wrapper_calls() {
    redis-cli -p $SRC info commandstats |
        sed -n "s/^cmdstat_slotsmgrt-exec-wrapper:calls=\([0-9]*\),.*/\1/p"
}

test_expect_success 'a big key written while it moves: the write waits, nothing is lost' '
    test $(slot_of big1) -lt 512 &&
    redis-cli -p $SRC rpush big1 $(seq 3000) >out && echo 3000 >expect &&
    test_cmp expect out &&
    start_relay gate &&
    { redis-cli -p $SRC slotsmgrtone-async 127.0.0.1 $RELAY 30000 100 0 \
        big1 >move.out 2>&1 & } &&
    move=$! &&
    wait_until "redis-cli -p $SRC slotsmgrt-async-status | grep -q keys" &&
    before=$(wrapper_calls) &&
    { redis-cli -p $P1 rpush big1 x >push.out 2>&1 & } &&
    push=$! &&
    wait_until "test \$(wrapper_calls) -ge \$((before + 3))" &&
    redis-cli -p $P2 llen big1 >out && echo 3000 >expect && test_cmp expect out &&
    test ! -s push.out &&
    touch gate &&
    wait $move && wait $push &&
    echo 1 >expect && test_cmp expect move.out &&
    echo 3001 >expect && test_cmp expect push.out &&
    redis-cli -p $SRC exists big1 >out && echo 0 >expect && test_cmp expect out &&
    redis-cli -p $DST llen big1 >out && echo 3001 >expect && test_cmp expect out &&
    redis-cli -p $DST lrange big1 0 2 >out && printf "1\n2\n3\n" >expect &&
    test_cmp expect out &&
    redis-cli -p $DST lindex big1 -1 >out && echo x >expect && test_cmp expect out &&
    redis-cli -p $DST ttl big1 >out && echo -1 >expect && test_cmp expect out
'

# Two big lists in two slots below 512; the first batch moves through a
# gated relay, so the second, on another connection, must wait for it;
# a small key of the first slot stays out of the big batch, so a write to
# it through the proxy does not wait.
test_expect_success 'a second big batch waits for the one in flight; a small key of the slot does not' '
    python3 -c "import zlib
seen = set()
for i in range(1000):
    k = \"g%d\" % i
    s = zlib.crc32(k.encode()) % 1024
    if s < 512 and s not in seen:
        seen.add(s)
        print(k, s)
    if len(seen) == 2:
        break" >two &&
    read K1 SLOT1 <two && sed -n 2p two >two2 && read K2 SLOT2 <two2 &&
    python3 -c "import sys, zlib
print(next(k for k in (\"n%d\" % i for i in range(100000))
           if zlib.crc32(k.encode()) % 1024 == int(sys.argv[1])))" $SLOT1 >small &&
    SMALL=$(cat small) &&
    redis-cli -p $SRC set $SMALL s0 >out && echo OK >expect &&
    test_cmp expect out &&
    redis-cli -p $SRC rpush $K1 $(seq 500) >out && echo 500 >expect &&
    test_cmp expect out &&
    redis-cli -p $SRC rpush $K2 $(seq 500) >out && test_cmp expect out &&
    start_relay gate2 &&
    { redis-cli -p $SRC slotsmgrttagslot-async 127.0.0.1 $RELAY 30000 100 0 \
        $SLOT1 10 >first.out 2>&1 & } &&
    first=$! &&
    wait_until "redis-cli -p $SRC slotsmgrt-async-status | grep -q keys" &&
    { redis-cli -p $SRC slotsmgrttagslot-async 127.0.0.1 $DST 30000 100 0 \
        $SLOT2 10 >second.out 2>&1 & } &&
    second=$! &&
    wait_until "redis-cli -p $SRC slotsmgrt-async-status >st &&
                sed -n \"/blocked_clients/{n;p}\" st | grep -qx 2" &&
    test ! -s second.out &&
    redis-cli -p $P1 set $SMALL s1 >out && echo OK >expect &&
    test_cmp expect out &&
    redis-cli -p $SRC get $SMALL >out && echo s1 >expect &&
    test_cmp expect out &&
    touch gate2 &&
    wait $first && wait $second &&
    printf "1\n1\n" >expect && test_cmp expect first.out &&
    printf "0\n1\n" >expect && test_cmp expect second.out &&
    redis-cli -p $SRC slotsmgrttagslot-async 127.0.0.1 $DST 30000 100 0 \
        $SLOT2 10 >out && printf "1\n0\n" >expect && test_cmp expect out &&
    redis-cli -p $SRC slotsmgrttagslot-async 127.0.0.1 $DST 30000 100 0 \
        $SLOT1 10 >out && printf "1\n0\n" >expect && test_cmp expect out &&
    redis-cli -p $P2 get $SMALL >out && echo s1 >expect && test_cmp expect out &&
    redis-cli -p $DST get $SMALL >out && test_cmp expect out &&
    redis-cli -p $DST llen $K1 >out && echo 500 >expect && test_cmp expect out &&
    redis-cli -p $DST llen $K2 >out && test_cmp expect out &&
    redis-cli -p $SRC exists $K1 $K2 >out && echo 0 >expect && test_cmp expect out
'

test_expect_success 'a part of a split DEL waits for its key being moved' '
    python3 -c "import zlib
print(next(t for t in (\"s%d\" % i for i in range(1000))
           if zlib.crc32(t.encode()) % 1024 < 512))" >tag &&
    T=$(cat tag) &&
    redis-cli -p $SRC rpush "{$T}l" $(seq 300) >out && echo 300 >expect &&
    test_cmp expect out &&
    redis-cli -p $SRC set "{$T}s" v >out && echo OK >expect &&
    test_cmp expect out &&
    start_relay gate3 &&
    { redis-cli -p $SRC slotsmgrttagone-async 127.0.0.1 $RELAY 30000 100 0 \
        "{$T}l" >move3.out 2>&1 & } &&
    move=$! &&
    wait_until "redis-cli -p $SRC slotsmgrt-async-status | grep -q keys" &&
    before=$(wrapper_calls) &&
    { redis-cli -p $P1 del "{$T}s" nokey >del.out 2>&1 & } &&
    del=$! &&
    wait_until "test \$(wrapper_calls) -ge \$((before + 3))" &&
    test ! -s del.out &&
    touch gate3 &&
    wait $move && wait $del &&
    echo 2 >expect && test_cmp expect move3.out &&
    echo 1 >expect && test_cmp expect del.out &&
    redis-cli -p $DST exists "{$T}s" >out && echo 0 >expect && test_cmp expect out &&
    redis-cli -p $DST llen "{$T}l" >out && echo 300 >expect && test_cmp expect out
'

test_done
