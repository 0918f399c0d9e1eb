#!/bin/sh
test_description='SLOWLOG, LATENCY and MONITOR compared with redis-server:
entries and their truncation, redaction, the latency events and
histograms, the MONITOR line format with MULTI, scripts and SELECT'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

cat >slowlog.py <<\EOF_PY
import re
c = Conn(port)
def norm(r):
    # ports, times and durations differ between the servers
    return re.sub(r"127\.0\.0\.1:\d+", "ADDR", r)
print(c.call("CONFIG", "SET", "slowlog-log-slower-than", "0"))
print(c.call("CONFIG", "GET", "slowlog-log-slower-than"))
print(c.call("CONFIG", "GET", "slowlog-max-len"))
print(c.call("SLOWLOG", "RESET"))
c.call("CLIENT", "SETNAME", "tester")
c.call("SET", "k" * 200, "v")
c.call("RPUSH", "l", *range(40))
c.call("RPUSH", "l2", *range(31))
c.call("RPUSH", "l3", *range(30))
c.call("AUTH", "secret")
c.call("HELLO", "2", "AUTH", "default", "secret")
c.call("MULTI"); c.call("SET", "a", "1"); c.call("INCR", "a"); c.call("EXEC")
c.call("EVAL", "return redis.call('set', 'b', '2')", "0")
c.call("SET", "bin", "a\x00\n")
c.send("SLOWLOG", "GET", "-1")
r = c._reply()
print(len(r) == int(c.call("SLOWLOG", "LEN")) - 1)
for e in r:
    print([e[0] - r[-1][0], e[1] > 1600000000, e[2] >= 0, e[3],
           norm(e[4]), e[5]])
print(c.call("SLOWLOG", "GET", "-2"))
print(c.call("SLOWLOG", "GET", "x"))
print(c.call("SLOWLOG", "NOPE"))
print(c.call("SLOWLOG", "LEN", "1"))
print(c.call("CONFIG", "SET", "slowlog-max-len", "3"))
for i in range(5):
    c.call("PING")
print(c.call("SLOWLOG", "LEN"))
c.send("SLOWLOG", "GET")
print([e[3] for e in c._reply()])
print(c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1"))
print(c.call("SLOWLOG", "RESET"))
c.call("PING")
print(c.call("SLOWLOG", "LEN"))
print(c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000"))
print(c.call("CONFIG", "SET", "slowlog-max-len", "128"))
EOF_PY

test_expect_success REDIS_REF 'SLOWLOG: the same entries as redis-server' '
    scenario_with_ref slowlog.py
'

cat >monitor.py <<\EOF_PY
import re
m, c = Conn(port), Conn(port)
print(m.call("MONITOR"))
c.call("SET", "q", "a\"b\\c\n\r\t\x07\x08\x01\xff z")
c.call("MULTI"); c.call("SET", "a", "1"); c.call("GET", "a"); c.call("EXEC")
c.call("EVAL", "redis.call('set', 'x', '1') return redis.call('get', 'x')",
       "0")
c.call("SELECT", "3"); c.call("GET", "k"); c.call("SELECT", "0")
c.call("CONFIG", "GET", "maxmemory")
c.call("AUTH", "secret")
c.call("GET")
c.call("NOSUCHCOMMAND")
c.call("LPUSH", "q", "x")
c.call("PING", "end")
while True:
    line = m._line().decode("latin-1")
    line = re.sub(r"^\+\d+\.\d{6} ", "+TIME ", line)
    print(re.sub(r"127\.0\.0\.1:\d+", "ADDR", line))
    if '"end"' in line:
        break
EOF_PY

test_expect_success REDIS_REF 'MONITOR: the same lines as redis-server' '
    scenario_with_ref monitor.py
'

cat >latency.py <<\EOF_PY
c = Conn(port)
print(c.call("LATENCY", "RESET"))
print(c.call("LATENCY", "LATEST"))
print(c.call("LATENCY", "HISTORY", "command"))
print(c.call("LATENCY", "GRAPH", "command"))
print(c.call("CONFIG", "SET", "latency-monitor-threshold", "1"))
print(c.call("CONFIG", "GET", "latency-monitor-threshold"))
# a script slow enough to pass 1 ms on any machine
slow = "local i = 0 while i < 3000000 do i = i + 1 end return i"
print(c.call("EVAL", slow, "0"))
c.send("LATENCY", "LATEST")
latest = c._reply()
print([(e[0], e[2] >= 1, e[3] >= e[2]) for e in latest])
c.send("LATENCY", "HISTORY", "command")
hist = c._reply()
print(len(hist), hist[0][1] >= 1)
c.send("LATENCY", "GRAPH", "command")
print(c._reply().startswith("command - high"))
print(c.call("LATENCY", "RESET", "nosuch"))
print(c.call("LATENCY", "RESET", "command"))
print(c.call("LATENCY", "LATEST"))
print(c.call("CONFIG", "SET", "latency-monitor-threshold", "0"))
for i in range(3):
    c.call("SET", "h", i)
c.send("LATENCY", "HISTOGRAM", "set", "nosuch")
h = c._reply()
print(h[0], h[1][0], h[1][1], h[1][2], sorted(h[1][3][1::2])[-1])
print(c.call("LATENCY", "HISTORY"))
print(c.call("LATENCY", "NOPE"))
EOF_PY

test_expect_success REDIS_REF 'LATENCY: events, history, reset, histogram' '
    scenario_with_ref latency.py
'

test_expect_success 'LATENCY DOCTOR and HELP reply text' '
    cli latency doctor >doctor.out &&
    grep -q "latency" doctor.out &&
    cli latency help >help.out &&
    grep -q "^HISTOGRAM" help.out &&
    cli slowlog help >shelp.out &&
    grep -q "^GET" shelp.out
'

test_done
