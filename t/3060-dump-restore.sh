#!/bin/sh
test_description='DUMP and RESTORE: round trips, payloads exchanged with redis-server, errors'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis.sh"

# move_keys FROM TO: DUMP every key of FROM (db 0) and RESTORE it on TO
# with its remaining TTL (REPLACE), through python3-redis.
move_keys() {
    "$KEYS_PYTHON" - "$1" "$2" <<-\PYEOF
	import sys, redis
	src = redis.Redis(port=int(sys.argv[1]))
	dst = redis.Redis(port=int(sys.argv[2]))
	for key in src.keys("*"):
	    ttl = max(src.pttl(key), 0)
	    dst.restore(key, ttl, src.dump(key), replace=True)
	PYEOF
}

# db0 FILE: the lines of a keys_tool dump about db 0.
db0() {
    grep "^0 " "$1"
}

# restore_errors PORT: run bad RESTOREs and print each reply.
restore_errors() {
    "$KEYS_PYTHON" - "$1" <<-\PYEOF
	import os, sys, redis
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-crc64.py").read())
	r = redis.Redis(port=int(sys.argv[1]))

	def payload(body, version=10):
	    head = body + bytes([version & 0xff, version >> 8])
	    return head + crc64(head).to_bytes(8, "little")

	good = payload(b"\x00\x05hello")
	cases = [
	    ("exists", 0, good),
	    ("fresh", -1, good),
	    ("fresh", 0, b"garbage"),
	    ("fresh", 0, good[:-1] + bytes([good[-1] ^ 1])),
	    ("fresh", 0, payload(b"\x00\x05hello", version=99)),
	    ("fresh", 0, payload(b"\x00\x3fshort")),
	    ("fresh", 0, payload(b"\x63\x05hello")),
	    ("fresh", "abc", good),
	]
	r.set("exists", "x")
	for key, ttl, data in cases:
	    try:
	        print(r.execute_command("RESTORE", key, ttl, data))
	    except redis.ResponseError as e:
	        print("error:", e)
	for opts in (["BOGUS"], ["IDLETIME", "-1"], ["FREQ", "300"],
	             ["IDLETIME", "5", "FREQ", "5"], ["IDLETIME"]):
	    try:
	        print(r.execute_command("RESTORE", "fresh", 0, good, *opts))
	    except redis.ResponseError as e:
	        print("error:", e)
	print(r.execute_command("RESTORE", "fresh", 0, good, "IDLETIME", "5"))
	print(r.get("fresh"))
	print(r.execute_command("RESTORE", "exists", 0, good, "REPLACE"))
	print(r.get("exists"))
	PYEOF
}

test_expect_success PYREDIS,REDIS_SERVER 'start two servers and redis-server' '
    start_server &&
    OTHER_PORT=$SERVER_PORT &&
    start_server &&
    start_redis "$PWD/redis" &&
    DATASET=strings &&
    if cli rpush probe x | grep -q "^1$"; then
        DATASET=all && cli del probe
    fi
'

test_expect_success PYREDIS 'DUMP of a missing key is nil' '
    cli dump nokey >out &&
    test "$(cat out)" = ""
'

test_expect_success PYREDIS 'every value survives DUMP and RESTORE between our servers' '
    keys_tool fill $SERVER_PORT $DATASET &&
    keys_tool dump $SERVER_PORT >before &&
    db0 before >expect &&
    move_keys $SERVER_PORT $OTHER_PORT &&
    keys_tool dump $OTHER_PORT >moved &&
    test_cmp expect moved
'

test_expect_success PYREDIS,REDIS_SERVER 'redis-server restores our payloads' '
    move_keys $SERVER_PORT $REDIS_PORT &&
    keys_tool dump $REDIS_PORT >redis-view &&
    test_cmp expect redis-view
'

test_expect_success PYREDIS,REDIS_SERVER 'we restore the payloads of redis-server' '
    rcli flushall &&
    keys_tool fill $REDIS_PORT $DATASET &&
    keys_tool dump $REDIS_PORT >redis-all &&
    db0 redis-all >expect &&
    redis-cli -p $OTHER_PORT flushall &&
    move_keys $REDIS_PORT $OTHER_PORT &&
    keys_tool dump $OTHER_PORT >ours &&
    test_cmp expect ours
'

test_expect_success PYREDIS,REDIS_SERVER 'bad RESTOREs fail as in redis-server' '
    cli flushall && rcli flushall &&
    restore_errors $REDIS_PORT >expect &&
    restore_errors $SERVER_PORT >actual &&
    test_cmp expect actual &&
    grep -c "^error:" actual >count &&
    test "$(cat count)" -ge 10 &&
    grep "BUSYKEY" actual &&
    grep "DUMP payload version or checksum are wrong" actual &&
    grep "Bad data format" actual
'

test_expect_success PYREDIS,REDIS_SERVER 'corrupt payloads with a valid checksum are refused, never fatal' '
    "$KEYS_PYTHON" - $SERVER_PORT $REDIS_PORT <<-\PYEOF
	import os, random, sys, redis
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-crc64.py").read())
	ours = redis.Redis(port=int(sys.argv[1]))
	ref = redis.Redis(port=int(sys.argv[2]))

	ref.flushall()
	ref.rpush("l", *range(20))
	ref.rpush("l2", "a" * 50, "b", 300000, -5)
	ref.hset("h", mapping={"f%d" % i: i for i in range(10)})
	ref.sadd("si", *range(10))
	ref.sadd("ss", "a", "b", "c")
	ref.zadd("z", {"m%d" % i: i / 3 for i in range(10)})
	ref.set("s", "x" * 100)
	# listpack, intset and LZF payloads from redis-server; plain ones
	# from us
	payloads = [ref.dump(k) for k in ref.keys("*")]
	payloads += [ours.dump(k) for k in ours.keys("*")[:20]]
	rnd = random.Random(7)
	refused = 0
	for _ in range(3000):
	    p = bytearray(rnd.choice(payloads)[:-10])
	    for _ in range(rnd.randint(1, 4)):
	        p[rnd.randrange(len(p))] = rnd.randrange(256)
	    if rnd.random() < 0.2:
	        p = p[:rnd.randrange(1, len(p))]
	    body = bytes(p) + b"\x0a\x00"
	    body += crc64(body).to_bytes(8, "little")
	    try:
	        ours.restore("fuzz", 0, body, replace=True)
	    except redis.ResponseError as e:
	        refused += 1
	        assert str(e) == "Bad data format", str(e)
	assert refused > 1000 and ours.ping(), refused
	PYEOF
'

test_expect_success PYREDIS 'TTL, ABSTTL and a TTL already past' '
    cli set src v &&
    "$KEYS_PYTHON" - $SERVER_PORT <<-\PYEOF
	import sys, time, redis
	r = redis.Redis(port=int(sys.argv[1]))
	p = r.dump("src")
	r.restore("rel", 50000, p)
	assert 49000 < r.pttl("rel") <= 50000, r.pttl("rel")
	when = int(time.time() * 1000) + 80000
	r.restore("abs", when, p, absttl=True)
	assert 79000 < r.pttl("abs") <= 80000, r.pttl("abs")
	assert r.restore("past", 1000, p, absttl=True) in (True, b"OK")
	assert r.exists("past") == 0
	r.restore("rel", 0, p, replace=True)
	assert r.pttl("rel") == -1
	PYEOF
'

test_done
