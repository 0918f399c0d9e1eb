#!/bin/sh
test_description='pub/sub: subscriptions, messages, patterns, PUBSUB and
the subscribed-mode rules of RESP2, compared with redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

cat >pubsub.py <<\EOF
sub, psub, pub = Conn(port), Conn(port), Conn(port)
print(sub.call("SUBSCRIBE", "news", "sport"))
print(sub.read())
print(sub.call("SUBSCRIBE", "news"))
print(psub.call("PSUBSCRIBE", "n*", "s?ort"))
print(psub.read())
print(pub.call("PUBLISH", "news", "hello"))
print(sub.read())
print(psub.read())
print(pub.call("PUBLISH", "sport", "goal"))
print(sub.read())
print(psub.read())
print(pub.call("PUBLISH", "nobody", "x"))
print(psub.read())
print(pub.call("PUBLISH", "quiet", "x"))
print(pub.call("PUBSUB", "NUMSUB", "news", "sport", "none"))
print(pub.call("PUBSUB", "NUMPAT"))
print(sorted(eval(pub.call("PUBSUB", "CHANNELS").replace("[", "['").replace("]", "']").replace(", ", "', '"))))
print(pub.call("PUBSUB", "CHANNELS", "n*"))
print(pub.call("PUBSUB", "BOGUS"))
print(pub.call("PUBSUB", "NUMPAT", "x"))
print(sub.call("GET", "k"))
print(sub.call("SET", "k", "v"))
print(sub.call("PING"))
print(sub.call("PING", "hi"))
print(sub.call("UNSUBSCRIBE", "news"))
print(sub.call("UNSUBSCRIBE", "notsubscribed"))
print(sub.call("UNSUBSCRIBE"))
print(sub.call("UNSUBSCRIBE"))
print(sub.call("PING"))
print(sub.call("GET", "k"))
print(psub.call("PUNSUBSCRIBE", "n*"))
print(psub.call("PUNSUBSCRIBE"))
print(pub.call("PUBSUB", "NUMPAT"))
print(pub.call("PUBLISH", "news", "gone"))
print(pub.call("SUBSCRIBE"))
print(pub.call("PUBLISH", "a"))
EOF

test_expect_success REDIS_REF 'subscribe, publish and subscribed mode like Redis' '
    scenario_with_ref pubsub.py
'

test_expect_success 'messages reach a redis-cli subscriber' '
    redis-cli -p "$SERVER_PORT" subscribe chan >sub.out &
    sub_pid=$! &&
    test_when_finished "kill $sub_pid" &&
    wait_until "test \"\$(cli pubsub numsub chan | tail -n 1)\" = 1" &&
    cli publish chan first >actual &&
    cli publish chan second >>actual &&
    wait_until "grep -q second sub.out" &&
    cat >expect <<-\EOT &&
	1
	1
	subscribe
	chan
	1
	message
	chan
	first
	message
	chan
	second
	EOT
    cat sub.out >>actual &&
    test_cmp expect actual
'

test_expect_success 'a subscriber that disconnects is forgotten' '
    wait_until "test \"\$(cli pubsub numsub chan | tail -n 1)\" = 0" &&
    cli publish chan lost >actual &&
    echo 0 >expect &&
    test_cmp expect actual &&
    cli info stats | grep -q "^pubsub_channels:0"
'

test_expect_success 'CLIENT LIST and CLIENT KILL know the pubsub type' '
    redis-cli -p "$SERVER_PORT" subscribe typed >typed.out &
    wait_until "test \"\$(cli pubsub numsub typed | tail -n 1)\" = 1" &&
    cli client list type pubsub | grep "^id=" >list &&
    test_line_count = 1 list &&
    grep -q "flags=P db=0 sub=1 psub=0" list &&
    cli client list type normal >normal &&
    ! grep -q "flags=P" normal &&
    cli client kill type pubsub >actual &&
    echo 1 >expect &&
    test_cmp expect actual &&
    wait_until "test \"\$(cli pubsub numsub typed | tail -n 1)\" = 0"
'

test_expect_success REDIS_REF 'CLIENT LIST and KILL refuse a bad TYPE or ID like Redis' '
    cat >clienttype.txt <<-\EOT &&
	client list type bogus
	client list type
	client list id x
	client kill type bogus
	client kill id x
	client kill type
	EOT
    compare_with_ref clienttype.txt
'

test_expect_success 'an idle subscriber outlives the client timeout' '
    start_server --timeout 1 &&
    python3 - "$SERVER_PORT" <<-\EOT >idle.out &&
	import os, sys, time
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
	port = int(sys.argv[1])
	sub, idle, probe = Conn(port), Conn(port), Conn(port)
	print(sub.call("SUBSCRIBE", "tick"))
	idle.call("PING")
	# wait for the idle client to be closed by the timeout
	deadline = time.time() + 20
	while time.time() < deadline:
	    if idle.pending(0.2):
	        break
	try:
	    idle.read()
	    print("idle client still open")
	except EOFError:
	    print("idle client closed")
	probe = Conn(port)
	print(probe.call("PUBLISH", "tick", "still here"))
	print(sub.read())
	EOT
    cat >expect <<-\EOT &&
	[subscribe, tick, 1]
	idle client closed
	1
	[message, tick, still here]
	EOT
    test_cmp expect idle.out
'

test_done
