#!/bin/sh
test_description='Codis slot migration: SLOTSMGRT* on the source, SLOTSRESTORE on the target'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis.sh"

# src / dst ARGS...: redis-cli against the source / the target.
src() {
    redis-cli -p "$SRC_PORT" "$@"
}
dst() {
    redis-cli -p "$DST_PORT" "$@"
}

# py SCRIPT-ARGS...: run python3-redis code from stdin with the ports.
py() {
    "$KEYS_PYTHON" - "$SRC_PORT" "$DST_PORT" "$@"
}

test_expect_success PYREDIS 'start a source and a target' '
    start_server && SRC_PORT=$SERVER_PORT &&
    start_server && DST_PORT=$SERVER_PORT
'

test_expect_success PYREDIS 'fill slot 100 and other slots, some keys with TTLs' '
    py <<-\PYEOF
	import sys, zlib, redis
	r = redis.Redis(port=int(sys.argv[1]))
	p = r.pipeline(transaction=False)
	n = i = 0
	while n < 500:
	    key = "slot100:%d" % i
	    i += 1
	    if zlib.crc32(key.encode()) % 1024 != 100:
	        continue
	    p.set(key, "value-%d" % n)
	    if n % 5 == 0:
	        p.pexpire(key, 600000)
	    n += 1
	for j in range(300):
	    key = "other:%d" % j
	    if zlib.crc32(key.encode()) % 1024 != 100:
	        p.set(key, j)
	p.execute()
	PYEOF
    src slotsinfo 100 1 >info &&
    printf "100\n500\n" >expect &&
    test_cmp expect info &&
    src dbsize >before-size
'

test_expect_success PYREDIS 'SLOTSMGRTSLOT moves every key of the slot while others write' '
    py >writer.out <<-\PYEOF &
	import os, sys, zlib, redis
	r = redis.Redis(port=int(sys.argv[1]))
	r.set("writer-started", 1)
	n = 0
	while not os.path.exists("stop-writer"):
	    key = "w:%d" % n
	    if zlib.crc32(key.encode()) % 1024 != 100:
	        r.set(key, n)
	    n += 1
	print(n)
	PYEOF
    WRITER=$! &&
    test_when_finished "touch stop-writer; wait $WRITER" &&
    wait_until "test \"\$(src exists writer-started)\" = 1" &&
    py >moves <<-\PYEOF &&
	import sys, redis
	r = redis.Redis(port=int(sys.argv[1]))
	dst = int(sys.argv[2])
	calls = 0
	while True:
	    moved, left = r.execute_command("SLOTSMGRTSLOT", "127.0.0.1", dst,
	                                    1000, 100)
	    calls += 1
	    assert moved == 1, (moved, left)
	    if left == 0:
	        break
	print(calls)
	PYEOF
    touch stop-writer && wait $WRITER &&
    echo 500 >expect &&
    test_cmp expect moves &&
    src slotsinfo 100 1 >info &&
    test -z "$(cat info)" &&
    dst slotsinfo >info &&
    printf "100\n500\n" >expect &&
    test_cmp expect info
'

test_expect_success PYREDIS 'values and TTLs arrived intact; nothing else moved' '
    py <<-\PYEOF
	import sys, zlib, redis
	s = redis.Redis(port=int(sys.argv[1]))
	d = redis.Redis(port=int(sys.argv[2]))
	keys = d.keys("*")
	assert len(keys) == 500, len(keys)
	with_ttl = 0
	for k in keys:
	    assert k.startswith(b"slot100:"), k
	    assert d.get(k).startswith(b"value-")
	    ttl = d.pttl(k)
	    if ttl > 0:
	        with_ttl += 1
	        assert 300000 < ttl <= 600000, ttl
	    assert s.exists(k) == 0
	assert with_ttl == 100, with_ttl
	others = s.keys("other:*")
	assert len(others) == len([j for j in range(300) if
	    zlib.crc32(b"other:%d" % j) % 1024 != 100])
	PYEOF
'

test_expect_success PYREDIS 'the writer lost nothing' '
    py $(cat writer.out) <<-\PYEOF
	import sys, zlib, redis
	s = redis.Redis(port=int(sys.argv[1]))
	n = int(sys.argv[3])
	want = [i for i in range(n) if zlib.crc32(b"w:%d" % i) % 1024 != 100]
	assert n > 0 and len(s.keys("w:*")) == len(want), (n, len(want))
	PYEOF
'

test_expect_success 'SLOTSCHECK agrees on both sides' '
    src slotscheck >out && dst slotscheck >>out &&
    printf "OK\nOK\n" >expect &&
    test_cmp expect out
'

test_expect_success 'SLOTSMGRTTAGONE moves the keys sharing a tag, not others' '
    src set "{user1000}.following" a &&
    src set "{user1000}.followers" b &&
    src set "x{user1000}y" c &&
    src pexpire "x{user1000}y" 500000 &&
    src_expire=$(src pexpiretime "x{user1000}y") &&
    src set user1000 untagged &&
    src slotsmgrttagone 127.0.0.1 $DST_PORT 1000 "{user1000}.following" >out &&
    echo 3 >expect &&
    test_cmp expect out &&
    dst get "x{user1000}y" >out && echo c >expect && test_cmp expect out &&
    test "$(dst pexpiretime "x{user1000}y")" -ge $((src_expire - 1)) &&
    test "$(dst pttl "x{user1000}y")" -le 500000 &&
    test "$(src exists "{user1000}.followers")" = 0 &&
    test "$(src get user1000)" = untagged &&
    src slotsmgrttagone 127.0.0.1 $DST_PORT 1000 nosuchkey >out &&
    echo 0 >expect &&
    test_cmp expect out
'

test_expect_success 'SLOTSMGRTTAGSLOT empties a slot of tagged and untagged keys' '
    for i in 1 2 3 4 5 6; do src set "{user1000}:$i" $i || return 1; done &&
    src slotsinfo 870 1 >info &&
    test "$(sed -n 1p info)" = 870 &&
    total=$(( $(sed -n 2p info) + 3 )) &&
    src slotsmgrttagslot 127.0.0.1 $DST_PORT 0 870 >first &&
    left=$(sed -n 2p first) &&
    while test "$left" != 0; do
        src slotsmgrttagslot 127.0.0.1 $DST_PORT 0 870 >out &&
        left=$(sed -n 2p out) || return 1
    done &&
    src slotsinfo 870 1 >info &&
    test -z "$(cat info)" &&
    dst slotsinfo 870 1 >info &&
    printf "870\n$total\n" >expect &&
    test_cmp expect info &&
    src slotsmgrttagslot 127.0.0.1 $DST_PORT 0 870 >out &&
    printf "0\n0\n" >expect &&
    test_cmp expect out
'

test_expect_success 'SLOTSMGRTONE of a missing key is 0; bad arguments fail' '
    src slotsmgrtone 127.0.0.1 $DST_PORT 100 nokey >out &&
    echo 0 >expect && test_cmp expect out &&
    src slotsmgrtslot 127.0.0.1 $DST_PORT 100 1024 >out &&
    grep "ERR invalid slot number = 1024" out &&
    src slotsmgrtslot 127.0.0.1 $DST_PORT -1 1 >out &&
    grep "ERR invalid timeout = -1" out &&
    src set lonely 1 &&
    src slotsmgrtone 127.0.0.1 $(free_port) 100 lonely >out &&
    grep "ERR Can.t connect to target node" out &&
    test "$(src get lonely)" = 1
'

test_expect_success PYREDIS 'the batched -ASYNC commands move a slot in batches' '
    py <<-\PYEOF
	import sys, zlib, redis
	s = redis.Redis(port=int(sys.argv[1]))
	d = redis.Redis(port=int(sys.argv[2]))
	dst = int(sys.argv[2])
	keys = [k for k in ("b:%d" % i for i in range(200000))
	        if zlib.crc32(k.encode()) % 1024 == 7][:250]
	for k in keys:
	    s.set(k, k)
	s.pexpire(keys[0], 300000)
	s.set("{bt}x", 1)
	s.set("{bt}y", 2)
	before = s.execute_command("SLOTSINFO", 7, 1)[0][1]
	assert before >= len(keys) > 150, (before, len(keys))
	moved, left = s.execute_command("SLOTSMGRTSLOT-ASYNC", "127.0.0.1",
	                                dst, 0, 0, 0, 7, 100)
	# a scan step takes a whole bucket, so a batch may pass numkeys a little
	assert 100 <= moved < 110 and left == before - moved, (moved, left)
	while left:
	    moved, left = s.execute_command("SLOTSMGRTSLOT-ASYNC", "127.0.0.1",
	                                    dst, 0, 0, 300, 7, 0)
	for k in keys:
	    assert d.get(k) == k.encode() and not s.exists(k)
	assert 290000 < d.pttl(keys[0]) <= 300000
	n = s.execute_command("SLOTSMGRTTAGONE-ASYNC", "127.0.0.1", dst, 0, 0,
	                      0, "{bt}x", "nokey")
	assert n == 2 and d.get("{bt}y") == b"2", n
	assert s.execute_command("SLOTSMGRT-ASYNC-FENCE") in (b"OK", True)
	assert s.execute_command("SLOTSMGRT-ASYNC-STATUS") is None
	assert s.execute_command("SLOTSMGRT-ASYNC-CANCEL") == 0
	for bad, field in (([0, 0, 0, 0], "port"), ([dst, -1, 0, 0], "timeout"),
	                   ([dst, 0, 600000, 0], "maxbulks")):
	    try:
	        s.execute_command("SLOTSMGRTONE-ASYNC", "127.0.0.1", *bad, "k")
	        assert False, field
	    except redis.ResponseError as e:
	        assert str(e).startswith("invalid value of " + field), str(e)
	PYEOF
'

test_expect_success PYREDIS 'big values move in chunks while the source keeps serving' '
    py <<-\PYEOF
	import sys, redis
	s = redis.Redis(port=int(sys.argv[1]))
	d = redis.Redis(port=int(sys.argv[2]))
	dst = int(sys.argv[2])
	s.rpush("{big}list", *range(5000))
	s.pexpire("{big}list", 700000)
	s.hset("{big}hash", mapping={"f%d" % i: "v%d" % i for i in range(3000)})
	s.sadd("{big}set", *("m%d" % i for i in range(3000)))
	s.zadd("{big}zset", {"z%d" % i: i / 7 for i in range(3000)})
	s.zadd("{big}zset", {"lo": float("-inf"), "hi": float("inf")})
	s.set("{big}str", "small")
	want = (s.lrange("{big}list", 0, -1), s.hgetall("{big}hash"),
	        s.smembers("{big}set"), s.zrange("{big}zset", 0, -1, withscores=True),
	        s.get("{big}str"))
	n = s.execute_command("SLOTSMGRTTAGONE-ASYNC", "127.0.0.1", dst, 5000,
	                      100, 0, "{big}list")
	assert n == 5, n
	got = (d.lrange("{big}list", 0, -1), d.hgetall("{big}hash"),
	       d.smembers("{big}set"), d.zrange("{big}zset", 0, -1, withscores=True),
	       d.get("{big}str"))
	assert got == want
	assert 690000 < d.pttl("{big}list") <= 700000, d.pttl("{big}list")
	assert d.pttl("{big}hash") == -1
	assert s.exists("{big}list", "{big}hash", "{big}set", "{big}zset") == 0
	assert s.execute_command("SLOTSMGRT-ASYNC-STATUS") is None
	PYEOF
'

test_expect_success PYREDIS 'a write during a background move fails the move and keeps the key' '
    FAKE_PORT=$(free_port) &&
    { "$KEYS_PYTHON" "$TEST_DIRECTORY/lib-fake-target.py" $FAKE_PORT gate \
        >fake.out 2>&1 & } &&
    FAKE_PID=$! &&
    test_atexit "kill $FAKE_PID" &&
    wait_until "grep -q ready fake.out" &&
    py $FAKE_PORT <<-\PYEOF
	import os, sys, threading, time, redis
	s = redis.Redis(port=int(sys.argv[1]))
	fake = int(sys.argv[3])
	s.rpush("{slow}list", *range(1000))
	result = {}
	def migrate(name):
	    c = redis.Redis(port=int(sys.argv[1]))
	    try:
	        result[name] = c.execute_command("SLOTSMGRTONE-ASYNC", "127.0.0.1",
	                                         fake, 5000, 10, 0, "{slow}list")
	    except redis.ResponseError as e:
	        result[name] = str(e)
	def fence():
	    c = redis.Redis(port=int(sys.argv[1]))
	    try:
	        result["fence"] = c.execute_command("SLOTSMGRT-ASYNC-FENCE")
	    except redis.ResponseError as e:
	        result["fence"] = str(e)
	t = threading.Thread(target=migrate, args=("first",))
	t.start()
	while s.execute_command("SLOTSMGRT-ASYNC-STATUS") is None:
	    time.sleep(0.01)
	status = s.execute_command("SLOTSMGRT-ASYNC-STATUS")
	assert status[0] == b"host" and status[7] == 1, status
	try:
	    s.execute_command("SLOTSMGRTONE-ASYNC", "127.0.0.1", fake, 5000, 10, 0,
	                      "{slow}list")
	    assert False
	except redis.ResponseError as e:
	    assert "being migrated" in str(e), str(e)
	f = threading.Thread(target=fence)
	f.start()
	# the fence must be waiting before the write below ends the move
	while not any(c["cmd"] == "slotsmgrt-async-fence" for c in s.client_list()):
	    time.sleep(0.01)
	assert s.ping()
	def wrap(*args):
	    code, reply = s.execute_command("SLOTSMGRT-EXEC-WRAPPER", *args)
	    return code, reply
	code, reply = wrap("{slow}list", "RPUSH", "{slow}list", "refused")
	assert code == 1 and "being migrated" in str(reply), (code, reply)
	assert wrap("{slow}list", "LLEN", "{slow}list") == (2, 1000)
	assert wrap("{other}x", "GET", "{other}x")[0] == 0
	assert wrap("{slow}list", "NOSUCHCMD")[0] == -1
	s.rpush("{slow}list", "written meanwhile")
	open("gate", "w").close()
	t.join()
	f.join()
	assert "a key changed while it was being migrated" in result["first"], result
	assert "a key changed" in str(result["fence"]), result
	assert s.llen("{slow}list") == 1001
	assert s.execute_command("SLOTSMGRT-ASYNC-STATUS") is None
	PYEOF
'

test_expect_success PYREDIS 'the -ASYNC-DUMP commands show the messages of a move' '
    py <<-\PYEOF
	import sys, redis
	s = redis.Redis(port=int(sys.argv[1]))
	s.rpush("{dump}l", 1, 2, 3, 4, 5)
	s.set("{dump}s", "v")
	msgs = s.execute_command("SLOTSMGRTTAGONE-ASYNC-DUMP", 1000, 2, "{dump}l")
	kinds = sorted(m[1] for m in msgs)
	assert kinds == [b"delete", b"delete", b"expire", b"list", b"list",
	                 b"list", b"object"], kinds
	chunks = [m for m in msgs if m[1] == b"list"]
	assert [m[5:] for m in chunks] == [[b"1", b"2"], [b"3", b"4"], [b"5"]]
	assert all(m[3] == b"3000" and m[4] == b"5" for m in chunks), chunks
	one = s.execute_command("SLOTSMGRTONE-ASYNC-DUMP", 0, 0, "{dump}s", "no")
	assert [m[1] for m in one] == [b"delete", b"object"], one
	assert s.exists("{dump}l", "{dump}s") == 2
	PYEOF
'

test_expect_success PYREDIS 'SLOTSMGRT-EXEC-WRAPPER runs the command as itself' '
    src set wrapped 1 &&
    src slotsmgrt-exec-wrapper wrapped incrby wrapped 5 >out &&
    printf "2\n6\n" >expect &&
    test_cmp expect out &&
    src slotsmgrt-exec-wrapper wrapped get >out &&
    grep -- "-1" out &&
    grep "wrong number of arguments for .get. command" out
'

test_expect_success PYREDIS 'SLOTSMGRT-ASYNC-CANCEL stops a stuck background move' '
    rm -f gate &&
    py $FAKE_PORT <<-\PYEOF
	import sys, threading, time, redis
	s = redis.Redis(port=int(sys.argv[1]))
	fake = int(sys.argv[3])
	result = {}
	def migrate():
	    c = redis.Redis(port=int(sys.argv[1]))
	    try:
	        result["r"] = c.execute_command("SLOTSMGRTONE-ASYNC", "127.0.0.1",
	                                        fake, 30000, 10, 0, "{slow}list")
	    except redis.ResponseError as e:
	        result["r"] = str(e)
	t = threading.Thread(target=migrate)
	t.start()
	while s.execute_command("SLOTSMGRT-ASYNC-STATUS") is None:
	    time.sleep(0.01)
	assert s.execute_command("SLOTSMGRT-ASYNC-CANCEL") == 1
	t.join()
	assert result["r"] == "interrupted: canceled", result
	assert s.llen("{slow}list") == 1001
	assert s.execute_command("SLOTSMGRT-ASYNC-CANCEL") == 0
	PYEOF
'

test_expect_success PYREDIS 'SLOTSRESTORE checks every payload before writing any' '
    py <<-\PYEOF
	import sys, redis
	s = redis.Redis(port=int(sys.argv[1]))
	d = redis.Redis(port=int(sys.argv[2]))
	s.set("p", "payload")
	good = s.dump("p")
	def err(*args):
	    try:
	        d.execute_command("SLOTSRESTORE", *args)
	    except redis.ResponseError as e:
	        return str(e)
	    return "no error"
	assert err("a", -1, good) == "invalid ttl value, must be >= 0"
	assert err("a", 0, good, "b", 0, b"junk") == \
	    "dump payload version or checksum are wrong"
	assert d.exists("a") == 0
	assert "wrong number of arguments" in err("a", 0)
	d.set("c", "newer")
	assert d.execute_command("SLOTSRESTORE", "c", 0, good, "e", 5000, good)
	# the target keeps its own copy of a key (t/7040)
	assert d.get("c") == b"newer" and 0 < d.pttl("e") <= 5000
	PYEOF
'

test_expect_success PYREDIS 'replicas of source and target follow a migration' '
    start_server && SRC_PORT=$SERVER_PORT &&
    start_server && DST_PORT=$SERVER_PORT &&
    start_server --slaveof 127.0.0.1 $SRC_PORT && SRC_REPLICA=$SERVER_PORT &&
    start_server --slaveof 127.0.0.1 $DST_PORT && DST_REPLICA=$SERVER_PORT &&
    for port in $SRC_REPLICA $DST_REPLICA; do
        wait_until "redis-cli -p $port info replication |
                    grep -q master_link_status:up" || return 1
    done &&
    src set "{r}a" 1 && src set "{r}b" 2 && src rpush "{r}list" $(seq 1 50) &&
    src set plain 3 && src rpush big $(seq 1 100) &&
    wait_until "test \"\$(redis-cli -p $SRC_REPLICA dbsize)\" = 5" &&
    src slotsmgrttagone 127.0.0.1 $DST_PORT 1000 "{r}a" >out &&
    echo 3 >expect && test_cmp expect out &&
    py <<-\PYEOF &&
	import sys, redis
	s = redis.Redis(port=int(sys.argv[1]))
	n = s.execute_command("SLOTSMGRTONE-ASYNC", "127.0.0.1", int(sys.argv[2]),
	                      1000, 0, 0, "plain")
	assert n == 1, n
	# more than maxbulks elements: moved in chunks by a child
	n = s.execute_command("SLOTSMGRTONE-ASYNC", "127.0.0.1", int(sys.argv[2]),
	                      1000, 10, 0, "big")
	assert n == 1, n
	PYEOF
    wait_until "test \"\$(redis-cli -p $SRC_REPLICA dbsize)\" = 0" &&
    wait_until "test \"\$(redis-cli -p $DST_REPLICA dbsize)\" = 5" &&
    test "$(redis-cli -p $DST_REPLICA llen "{r}list")" = 50 &&
    test "$(redis-cli -p $DST_REPLICA llen big)" = 100 &&
    test "$(redis-cli -p $DST_REPLICA ttl big)" = -1
'

test_expect_success PYREDIS 'migration authenticates when both sides need a password' '
    start_server --requirepass secret && SRC_PORT=$SERVER_PORT &&
    start_server --requirepass secret && DST_PORT=$SERVER_PORT &&
    src -a secret --no-auth-warning set "{a}1" one &&
    src -a secret --no-auth-warning set "{a}2" two &&
    src -a secret --no-auth-warning slotsmgrttagone 127.0.0.1 $DST_PORT 1000 "{a}1" >out &&
    echo 2 >expect && test_cmp expect out &&
    dst -a secret --no-auth-warning get "{a}2" >out &&
    echo two >expect && test_cmp expect out
'

test_done
