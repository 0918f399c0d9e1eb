#!/bin/sh
test_description='COPY [DB] [REPLACE] for every type, SWAPDB with its
effect on WATCH and blocked clients, and LCS, compared with redis-server
7.0'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success REDIS_REF 'start both servers' '
    start_redis_ref &&
    start_server
'

cat >copy.txt <<\EOT
SET s v
PEXPIREAT s 99999999999999
RPUSH l a b c
HSET h f v g w
SADD set 3 1 2
SADD hset a b
ZADD z 1 a 2 b
XADD x 1-0 f v
XGROUP CREATE x g 0
XREADGROUP GROUP g alice STREAMS x >
COPY s s2
PEXPIRETIME s2
GET s2
COPY l l2
LRANGE l2 0 -1
COPY h h2
HMGET h2 f g
COPY set set2
SMEMBERS set2
OBJECT ENCODING set2
COPY hset hset2
SCARD hset2
COPY z z2
ZRANGE z2 0 -1 WITHSCORES
COPY x x2
XRANGE x2 - +
XINFO GROUPS x2
XPENDING x2 g
COPY s s2
COPY s s2 REPLACE
COPY s s
COPY nokey k
COPY s s DB 1
COPY s s DB 16
COPY s s DB -1
COPY s s DB 99999999999
COPY s s DB x
COPY s s FOO
COPY s s DB
COPY s
SELECT 1
GET s
PEXPIRETIME s
SELECT 0
COPY l s DB 1
COPY l s DB 1 REPLACE
SELECT 1
LRANGE s 0 -1
SELECT 0
RPUSH l d
LRANGE l2 0 -1
EOT

test_expect_success REDIS_REF 'COPY replies and copies as Redis does' '
    compare_with_ref copy.txt
'

cat >swapdb.py <<\EOT
import time
p = port
a, b, w = Conn(p), Conn(p), Conn(p)
print(a.call("FLUSHALL"))
print(a.call("SET", "k", "in0"), a.call("SELECT", "1"),
      a.call("SET", "k", "in1"), a.call("SET", "only1", "x"))
print(a.call("SELECT", "0"), a.call("WATCH", "only1"))
print(w.call("SWAPDB", "0", "1"))
print(a.call("MULTI"), a.call("GET", "k"), a.call("EXEC"))
print(a.call("WATCH", "nothere"))
print(w.call("SWAPDB", "0", "1"))
print(a.call("MULTI"), a.call("GET", "k"), a.call("EXEC"))
print(b.call("SELECT", "0"))
b.send("BLPOP", "list", "0")
for _ in range(2000):
    if "blocked_clients:1\r" in w.call("INFO", "clients"):
        break
    time.sleep(0.01)
print(w.call("SELECT", "2"), w.call("RPUSH", "list", "v"))
print(w.call("SWAPDB", "2", "0"))
print(b.read())
print(w.call("SWAPDB", "0", "0"), w.call("SWAPDB", "0", "16"),
      w.call("SWAPDB", "x", "1"), w.call("SWAPDB", "1", "y"),
      w.call("SWAPDB", "-1", "1"), w.call("SWAPDB", "0", "99999999999"))
print(w.call("SELECT", "0"), w.call("DBSIZE"), w.call("GET", "k"))
EOT

test_expect_success REDIS_REF 'SWAPDB swaps, tells watchers and wakes blocked clients' '
    scenario_with_ref swapdb.py &&
    grep "^OK QUEUED (nil)$" swapdb.py.actual &&
    grep "^\[list, v\]$" swapdb.py.actual
'

cat >lcs.txt <<\EOT
SET a ohmytext
SET b mynewtext
LCS a b
LCS a b LEN
LCS a b IDX
LCS a b IDX MINMATCHLEN 4
LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN
LCS a b IDX WITHMATCHLEN MINMATCHLEN -3
LCS a b IDX LEN
LCS a b FOO
LCS a b MINMATCHLEN
LCS a b MINMATCHLEN x
LCS a nokey
LCS nokey nokey2 IDX
SET n1 1234567
SET n2 912345
LCS n1 n2 IDX WITHMATCHLEN
RPUSH l x
LCS a l
LCS l a LEN
SET x1 abcabcabcxyzabc
SET x2 xabcyzabcaabc
LCS x1 x2
LCS x1 x2 IDX WITHMATCHLEN
LCS x2 x1 IDX
LCS a
EOT

test_expect_success REDIS_REF 'LCS replies as Redis does' '
    compare_with_ref lcs.txt &&
    python3 - $REF_PORT $SERVER_PORT <<-\PYEOF
	import os, random, sys
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
	ref, ours = Conn(int(sys.argv[1])), Conn(int(sys.argv[2]))
	r = random.Random(7)
	for n in range(300):
	    a = "".join(r.choice("abc") for _ in range(r.randint(0, 30)))
	    b = "".join(r.choice("abcd") for _ in range(r.randint(0, 30)))
	    for c in (ref, ours):
	        c.call("MSET", "ra", a, "rb", b)
	    for opts in ([], ["LEN"], ["IDX", "WITHMATCHLEN"],
	                 ["IDX", "MINMATCHLEN", "2"]):
	        want = ref.call("LCS", "ra", "rb", *opts)
	        got = ours.call("LCS", "ra", "rb", *opts)
	        if want != got:
	            sys.exit("LCS %r %r %s: %s / %s" % (a, b, opts, want, got))
	PYEOF
'

test_done
