#!/bin/sh
test_description='maxmemory-policy allkeys-lfu / volatile-lfu: OBJECT
FREQ, lfu-log-factor, RESTORE FREQ and IDLETIME, eviction keeps the keys
used most, compared with redis-server where replies are deterministic'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

cat >lfu.py <<\EOF_PY
c = Conn(port)
print(c.call("FLUSHALL"))
print(c.call("OBJECT", "FREQ", "nokey"))
c.call("SET", "k", "v")
print(c.call("OBJECT", "FREQ", "k"))
for policy in ("volatile-lfu", "allkeys-lfu"):
    print(c.call("CONFIG", "SET", "maxmemory-policy", policy))
    print(c.call("CONFIG", "GET", "maxmemory-policy"))
print(c.call("CONFIG", "SET", "lfu-log-factor", "0"))
print(c.call("CONFIG", "GET", "lfu-log-factor"))
print(c.call("CONFIG", "GET", "lfu-decay-time"))
c.call("SET", "f", "v")
print(c.call("OBJECT", "FREQ", "f"))
for i in range(10):
    c.call("GET", "f")
print(c.call("OBJECT", "FREQ", "f"))
for i in range(300):
    c.call("GET", "f")
print(c.call("OBJECT", "FREQ", "f"))
print(c.call("OBJECT", "IDLETIME", "f"))
c.send("DUMP", "f")
payload = c._reply().encode("latin-1")
c.send("RESTORE", "r1", "0", payload, "FREQ", "100")
print(c.read())
print(c.call("OBJECT", "FREQ", "r1"))
c.send("RESTORE", "r2", "0", payload, "IDLETIME", "1000")
print(c.read())
print(c.call("OBJECT", "FREQ", "r2"))
c.send("RESTORE", "r3", "0", payload, "FREQ", "256")
print(c.read())
c.send("RESTORE", "r3", "0", payload, "FREQ", "1", "IDLETIME", "1")
print(c.read())
print(c.call("CONFIG", "SET", "lfu-log-factor", "10"))
print(c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"))
c.send("RESTORE", "r4", "0", payload, "IDLETIME", "1000")
print(c.read())
idle = int(c.call("OBJECT", "IDLETIME", "r4"))
print(1000 <= idle <= 1002)
print(c.call("CONFIG", "SET", "maxmemory-policy", "noeviction"))
EOF_PY

test_expect_success REDIS_REF 'OBJECT FREQ, RESTORE FREQ / IDLETIME: as redis-server' '
    scenario_with_ref lfu.py
'

cat >evict.py <<\EOF_PY
c = Conn(port)
c.call("FLUSHALL")
c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
c.call("CONFIG", "SET", "lfu-log-factor", "0")
for i in range(10):
    c.call("SET", "hot:%d" % i, "x" * 100)
    for j in range(100):
        c.call("GET", "hot:%d" % i)
used = int([l for l in c.call("INFO", "memory").split("\r\n")
            if l.startswith("used_memory:")][0].split(":")[1])
c.call("CONFIG", "SET", "maxmemory", str(used + 300000))
for i in range(5000):
    c.call("SET", "cold:%d" % i, "x" * 100)
evicted = int([l for l in c.call("INFO", "stats").split("\r\n")
               if l.startswith("evicted_keys:")][0].split(":")[1])
hot = sum(int(c.call("EXISTS", "hot:%d" % i)) for i in range(10))
c.call("CONFIG", "SET", "maxmemory", "0")
c.call("CONFIG", "SET", "maxmemory-policy", "noeviction")
print("evicted", evicted > 1000, "hot kept", hot)
EOF_PY

test_expect_success 'allkeys-lfu evicts cold keys, keeps the used ones' '
    scenario evict.py "$SERVER_PORT" >evict.out 2>&1 &&
    echo "evicted True hot kept 10" >evict.expect &&
    test_cmp evict.expect evict.out
'

test_done
