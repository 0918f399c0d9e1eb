#!/bin/sh
test_description='what writes propagate (read from the AOF, which gets the
replication stream) and when EXEC aborts, compared with redis-server 7.0:
GETDEL as DEL, GETEX EXAT in the past as DEL, RESTORE with a TTL as
RESTORE ... ABSTTL, one write in MULTI without MULTI/EXEC, EXECABORT on
OOM and NOREPLICAS'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

# incr DIR: the incremental AOF files of DIR, with millisecond times
# (absolute TTLs) masked
incr() {
    cat "$1"/appendonlydir/*.incr.aof | tr -d "\r" |
    sed "s/^[0-9]\{12,\}\$/<ms>/"
}

test_expect_success REDIS_REF 'start both servers with an AOF' '
    mkdir -p ours &&
    start_server --dir "$PWD/ours" --appendonly yes --appendfsync always &&
    start_redis_ref --appendonly yes --appendfsync always
'

cat >writes.py <<\EOT
import os, sys
exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
c = Conn(int(sys.argv[1]))
script = [
    ("SET", "k1", "v1"), ("GETDEL", "k1"), ("GETDEL", "k1"),
    ("SET", "k2", "v2"), ("GETEX", "k2", "EXAT", "1"),
    ("SET", "k3", "v3"), ("GETEX", "k3", "PXAT", "99999999999999"),
    ("GETEX", "k3", "PERSIST"), ("GETEX", "k3", "EX", "100"),
    ("MULTI",), ("SET", "a", "1"), ("EXEC",),
    ("MULTI",), ("SET", "a", "1"), ("GET", "a"), ("INCR", "n"), ("EXEC",),
    ("MULTI",), ("GET", "a"), ("EXEC",),
    ("MULTI",), ("GETDEL", "a"), ("EXEC",),
    ("SADD", "s", "only"), ("SPOP", "s"),
    ("SET", "src", "payload"),
]
for cmd in script:
    print(c.call(*cmd))
c.send("DUMP", "src")
payload = c._reply().encode("latin-1")
for args in (("r1", "100000", payload), ("r2", "0", payload),
             ("r3", "99999999999999", payload, "ABSTTL"),
             ("r1", "5000", payload, "REPLACE"),
             ("r4", "1", payload, "ABSTTL")):
    c.send("RESTORE", *args)
    print(c._reply())
print(c.call("SET", "done", "1"))
EOT

test_expect_success REDIS_REF 'writes propagate as Redis propagates them' '
    python3 writes.py $REF_PORT >reply.expect &&
    python3 writes.py $SERVER_PORT >reply.actual &&
    test_cmp reply.expect reply.actual &&
    wait_until "incr \"$TRASH_DIRECTORY/ref\" | grep -q ^done\$" &&
    wait_until "incr ours | grep -q ^done\$" &&
    incr "$TRASH_DIRECTORY/ref" >aof.expect &&
    incr ours >aof.actual &&
    test_cmp aof.expect aof.actual &&
    grep -c "^ABSTTL\$" aof.actual >n && echo 3 >expect && test_cmp expect n &&
    ! grep "^GETDEL\$" aof.actual
'

cat >abort.py <<\EOT
import os, sys
exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
p = int(sys.argv[1])
a, b = Conn(p), Conn(p)
print(a.call("SET", "x", "1"))
print(a.call("MULTI"), a.call("SET", "a", "b"), a.call("GET", "a"))
print(b.call("CONFIG", "SET", "maxmemory", "1"))
print(a.call("EXEC"))
print(a.call("MULTI"), a.call("GET", "x"))
print(a.call("EXEC"))
print(a.call("GET", "x"))
print(b.call("CONFIG", "SET", "maxmemory", "0"))
print(a.call("MULTI"), a.call("SET", "a", "b"))
print(b.call("CONFIG", "SET", "min-replicas-to-write", "1"))
print(a.call("EXEC"))
print(a.call("MULTI"), a.call("GET", "a"))
print(a.call("EXEC"))
print(a.call("MULTI"), a.call("SET", "a", "b"))
print(a.call("EXEC"))
print(b.call("CONFIG", "SET", "min-replicas-to-write", "0"))
print(a.call("GET", "a"))
EOT

test_expect_success REDIS_REF 'EXEC aborts when memory or replicas ran short after MULTI' '
    python3 abort.py $REF_PORT >abort.expect &&
    python3 abort.py $SERVER_PORT >abort.actual &&
    test_cmp abort.expect abort.actual &&
    grep "EXECABORT Transaction discarded because of: OOM" abort.actual &&
    grep "EXECABORT Transaction discarded because of: NOREPLICAS" abort.actual
'

test_done
