#!/bin/sh
test_description='transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH,
compared with redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

cat >multi.py <<\EOF
a, b = Conn(port), Conn(port)
a.call("FLUSHALL")
# a plain transaction
print(a.call("MULTI"))
print(a.call("SET", "k", "1"))
print(a.call("INCR", "k"))
print(a.call("LPUSH", "l", "x"))
print(a.call("INCR", "l"))
print(a.call("GET", "k"))
print(a.call("EXEC"))
# errors outside and inside
print(a.call("EXEC"))
print(a.call("DISCARD"))
print(a.call("MULTI"))
print(a.call("MULTI"))
print(a.call("WATCH", "k"))
print(a.call("EXEC"))
print(a.call("MULTI"))
print(a.call("SET", "k", "2"))
print(a.call("NOSUCHCOMMAND"))
print(a.call("GET"))
print(a.call("EXEC"))
print(a.call("GET", "k"))
# DISCARD drops the queue
print(a.call("MULTI"))
print(a.call("SET", "k", "3"))
print(a.call("DISCARD"))
print(a.call("GET", "k"))
# WATCH: another client's change aborts EXEC
print(a.call("WATCH", "k", "other"))
print(b.call("SET", "k", "changed"))
print(a.call("MULTI"))
print(a.call("SET", "k", "mine"))
print(a.call("EXEC"))
print(a.call("GET", "k"))
# WATCH: untouched keys let EXEC run; EXEC unwatches
print(a.call("WATCH", "k"))
print(b.call("SET", "unrelated", "1"))
print(a.call("MULTI"))
print(a.call("SET", "k", "mine"))
print(a.call("EXEC"))
print(b.call("SET", "k", "after"))
print(a.call("MULTI"))
print(a.call("GET", "k"))
print(a.call("EXEC"))
# UNWATCH forgets; a change by the same client also counts
print(a.call("WATCH", "k"))
print(a.call("UNWATCH"))
print(b.call("SET", "k", "x"))
print(a.call("MULTI"))
print(a.call("EXEC"))
print(a.call("WATCH", "k"))
print(a.call("SET", "k", "self"))
print(a.call("MULTI"))
print(a.call("EXEC"))
# changes of every type and deletions are seen
print(a.call("WATCH", "h", "s", "z", "l"))
print(b.call("HSET", "h", "f", "v"))
print(a.call("MULTI"))
print(a.call("EXEC"))
print(a.call("WATCH", "l"))
print(b.call("RPOP", "l"))
print(a.call("MULTI"))
print(a.call("EXEC"))
print(a.call("SADD", "s", "m"))
print(a.call("WATCH", "s"))
print(b.call("DEL", "s"))
print(a.call("MULTI"))
print(a.call("EXEC"))
print(a.call("WATCH", "z"))
print(b.call("FLUSHDB"))
print(a.call("MULTI"))
print(a.call("EXEC"))
# blocking commands do not block inside a transaction
print(a.call("MULTI"))
print(a.call("BLPOP", "empty", "0"))
print(a.call("RPUSH", "full", "v"))
print(a.call("BLPOP", "full", "0"))
print(a.call("EXEC"))
# a watched key that expires makes EXEC fail
print(a.call("SET", "ex", "v", "PX", "100"))
print(a.call("WATCH", "ex"))
t0 = __import__("time").time()
while b.call("PTTL", "ex") != "-2" and __import__("time").time() < t0 + 10:
    __import__("time").sleep(0.02)
print(a.call("MULTI"))
print(a.call("EXEC"))
# an empty transaction
print(a.call("MULTI"))
print(a.call("EXEC"))
# RESET leaves MULTI, forgets WATCH and subscriptions, selects db 0
print(a.call("SELECT", "2"))
print(a.call("WATCH", "k"))
print(a.call("MULTI"))
print(a.call("SET", "x", "1"))
print(a.call("RESET"))
print(b.call("SET", "k", "touched"))
print(a.call("EXEC"))
print(a.call("MULTI"))
print(a.call("EXEC"))
print(a.call("GET", "x"))
print(a.call("SUBSCRIBE", "ch"))
print(a.call("RESET"))
print(a.call("PING"))
print(b.call("PUBSUB", "NUMSUB", "ch"))
EOF

test_expect_success REDIS_REF 'transactions behave like Redis' '
    scenario_with_ref multi.py
'

test_expect_success 'EXEC replies each queued result in order (redis-cli)' '
    printf "MULTI\nSET a 1\nINCRBY a 5\nGET a\nEXEC\n" | cli >actual &&
    cat >expect <<-\EOT &&
	OK
	QUEUED
	QUEUED
	QUEUED
	OK
	6
	6
	EOT
    test_cmp expect actual
'

test_expect_success 'a client that quits inside MULTI leaves no trace' '
    printf "WATCH a\nMULTI\nSET a 2\n" | cli >/dev/null &&
    cli get a >actual &&
    echo 6 >expect &&
    test_cmp expect actual &&
    server_alive
'

test_expect_success 'CLIENT LIST shows MULTI, subscriptions and blocking' '
    python3 - "$SERVER_PORT" <<-\EOT >actual &&
	import os, re, sys, time
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
	port = int(sys.argv[1])
	a, s, b, probe = Conn(port), Conn(port), Conn(port), Conn(port)
	ids = [c.call("CLIENT", "ID") for c in (a, s, b)]
	a.call("WATCH", "w")
	a.call("MULTI")
	a.call("SET", "k", "v")
	a.call("GET", "k")
	probe.call("SET", "w", "changed")
	s.call("SUBSCRIBE", "c1", "c2")
	s.read()
	s.call("PSUBSCRIBE", "p*")
	b.send("BLPOP", "nothing", "0")
	deadline = time.time() + 20
	while "blocked_clients:1" not in probe.call("INFO", "clients"):
	    if time.time() > deadline:
	        sys.exit("the BLPOP never blocked")
	    time.sleep(0.05)
	listing = probe.call("CLIENT", "LIST")
	for i in ids:
	    line = [l for l in listing.split("\n") if l.startswith("id=%s " % i)][0]
	    print(" ".join(f for f in line.split() if re.match("(flags|sub|psub|multi)=", f)))
	EOT
    cat >expect <<-\EOT &&
	flags=xd sub=0 psub=0 multi=2
	flags=P sub=2 psub=1 multi=-1
	flags=b sub=0 psub=0 multi=-1
	EOT
    test_cmp expect actual
'

test_done
