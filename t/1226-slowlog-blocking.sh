#!/bin/sh
test_description='the slow log of blocking commands: a blocked command is
logged with its own arguments when data serves it, after the write that
woke it; a timeout or CLIENT UNBLOCK logs no entry for it; compared with
redis-server 7.0 (entries of other commands filtered out)'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success REDIS_REF 'start both servers' '
    start_redis_ref &&
    start_server
'

cat >block.py <<\EOT
import time
c0, c1 = Conn(port), Conn(port)
c0.call("CONFIG", "SET", "slowlog-log-slower-than", "0")
c0.call("SLOWLOG", "RESET")
def blocked(n):
    deadline = time.time() + 20
    while time.time() < deadline:
        c0.send("INFO", "clients")
        if ("blocked_clients:%d" % n) in c0._reply():
            return
        time.sleep(0.05)
    raise SystemExit("client never blocked")
myid = c1.call("CLIENT", "ID")
me = [l for l in c1.call("CLIENT", "INFO").split(" ")
      if l.startswith("addr=")][0][5:]
def case(block, wake):
    c1.send(*block)
    blocked(1)
    print(wake[0], "->", c0.call(*wake))
    print(" ".join(block), "->", c1.read())
case(("BLPOP", "q", "0"), ("LPUSH", "q", "x"))
case(("BZPOPMIN", "z", "0"), ("ZADD", "z", "1", "a"))
case(("BLMOVE", "a", "b", "LEFT", "RIGHT", "0"), ("RPUSH", "a", "1"))
case(("BLPOP", "q3", "0"), ("CLIENT", "UNBLOCK", str(myid), "ERROR"))
case(("BLPOP", "q4", "0"), ("CLIENT", "UNBLOCK", str(myid)))
print("timeout ->", c1.call("BLPOP", "q2", "0.05"))
c0.send("SLOWLOG", "GET", "-1")
keep = ("blpop", "lpush", "bzpopmin", "zadd", "blmove", "rpush")
for e in c0._reply():
    args = e[3]
    if not args or args[0].lower() in keep:
        print("entry", " ".join(args), e[2] >= 0, e[4] == me)
    elif args[0].lower() == "client" and args[1].lower() == "unblock":
        print("entry CLIENT UNBLOCK", e[4] == me)
EOT

test_expect_success REDIS_REF 'served blocked commands are logged after their writes' '
    scenario_with_ref block.py &&
    grep -q "^entry BLPOP q 0 True" block.py.actual
'

test_done
