#!/bin/sh
test_description='codis-proxy when a backend dies and comes back on the same port, and when a client sends bad RESP'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

# pq ARGS...: redis-cli to the proxy, given 10 s at most (a hang fails),
# without the blank line redis-cli adds after an error.
pq() {
    timeout 10 redis-cli -p $PROXY_PORT "$@" >pq.out 2>&1
    pq_rc=$?
    sed -e '/^$/d' pq.out
    test $pq_rc != 124
}

test_expect_success 'two servers behind a proxy, a key on each' '
    pt_start --cpu=2 &&
    KA=$(pt keys a ka 1) && KB=$(pt keys b kb 1) &&
    pcli set $KA va >out && pcli set $KB vb >out &&
    pcli mget $KA $KB >out && printf "va\nvb\n" >expect && test_cmp expect out
'

test_expect_success 'server B is killed' '
    kill -9 $PID_B && wait $PID_B;
    ! kill -0 $PID_B 2>/dev/null
'

test_expect_success 'commands for the slots of B fail at once with an error' '
    for i in 1 2 3 4 5; do
        pq get $KB >out || return 1
        grep "^ERR handle response, backend.*127.0.0.1:$PORT_B\|^ERR handle response, backend conn failure" out ||
            { cat out; return 1; }
    done
'

test_expect_success 'TIME answers while the server of slot 0 (B here) is down' '
    pt slots $PORT_B $PORT_A >slots-b0.json &&
    start_other_proxy --fillslots=slots-b0.json --cpu=1 &&
    P0_PORT=$OTHER_PORT &&
    for port in $P0_PORT $P0_PORT $P0_PORT $PROXY_PORT; do
        timeout 10 redis-cli -p $port time >out &&
        test_line_count = 2 out &&
        test $(grep -cx "[0-9][0-9]*" out) = 2 || { cat out; return 1; }
    done &&
    timeout 10 redis-cli -p $P0_PORT get $KA >out &&
    grep "^ERR handle response" out &&
    timeout 10 redis-cli -p $P0_PORT get $KB >out &&
    test_line_count = 1 out && ! grep ERR out
'

test_expect_success 'TIME when every server of the table is down: an error saying why' '
    pt slots $PORT_B $PORT_B >slots-b.json &&
    start_other_proxy --fillslots=slots-b.json --cpu=1 &&
    PB_PORT=$OTHER_PORT &&
    for i in 1 2 3; do
        timeout 10 redis-cli -p $PB_PORT time >out &&
        grep "^ERR handle .*Connection refused" out || { cat out; return 1; }
    done
'

test_expect_success 'the slots of A keep working' '
    for i in 1 2 3; do
        pq get $KA >out && echo va >expect && test_cmp expect out ||
        return 1
    done &&
    pq set $KA va2 >out && echo OK >expect && test_cmp expect out
'

test_expect_success 'a split command touching B fails as a whole (the part on A is done), DBSIZE too' '
    pq mget $KA $KB >out && grep "^ERR handle response" out &&
    pq mset $KA x $KB y >out && grep "^ERR handle response" out &&
    pq del $KA $KB >out && grep "^ERR handle response" out &&
    pq dbsize >out && grep "^ERR handle response" out
'

test_expect_success 'a pipeline mixing both servers: each command answered, in order' '
    pq set $KA va2 >out && echo OK >expect && test_cmp expect out &&
    praw "GET $KA\r\nGET $KB\r\nPING\r\nGET $KA\r\n" >out
    tr -d "\r" <out >lines &&
    sed -n 1,2p lines >got && printf "\$3\nva2\n" >expect && test_cmp expect got &&
    sed -n 3p lines | grep "^-ERR handle response" &&
    sed -n 4,6p lines >got && printf "+PONG\n\$3\nva2\n" >expect && test_cmp expect got
'

test_expect_success 'B restarts on the same port: its slots work again' '
    restart_server $PORT_B && PID_B=$SERVER_PID &&
    wait_until "pq set $KB again >out && grep -x OK out" 20 &&
    pq get $KB >out && echo again >expect && test_cmp expect out &&
    redis-cli -p $PORT_B get $KB >out && test_cmp expect out &&
    pq mget $KA $KB >out && printf "va2\nagain\n" >expect && test_cmp expect out &&
    pq dbsize >out && echo 2 >expect && test_cmp expect out
'

test_expect_success 'B closes the idle connections of the proxy: the next commands work' '
    for i in 1 2 3 4; do
        pq get $KB >out && echo again >expect && test_cmp expect out ||
        return 1
    done &&
    grep -c "is down: connection closed by the backend" $PROXY_LOG >before;
    redis-cli -p $PORT_B client kill type normal >killed &&
    test "$(cat killed)" -ge 2 &&
    wait_until "test \$(grep -c \"is down: connection closed by the backend\" $PROXY_LOG) -ge \$((\$(cat before) + 2))" &&
    for i in 1 2 3 4; do
        pq get $KB >out && echo again >expect && test_cmp expect out ||
        return 1
    done
'

test_expect_success 'B dies with requests waiting on it: they fail, nothing hangs' '
    kill -STOP $PID_B &&
    "$PY" - $PROXY_PORT $KA $KB $PID_B <<-\EOF
	import os, signal, sys, time
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
	port, ka, kb, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
	c = Conn(port)
	for i in range(50):
	    c.send("GET", kb)
	c.send("GET", ka)
	assert not c.pending(0.3), "a reply came from a stopped server"
	os.kill(pid, signal.SIGKILL)
	c.sock.settimeout(10)
	for i in range(50):
	    got = c.read()
	    assert got.startswith("(error) ERR handle response"), got
	assert c.read() == "va2"
	assert c.call("GET", ka) == "va2"
	EOF
    ok=$?
    kill -9 $PID_B 2>/dev/null; wait $PID_B
    test $ok = 0 &&
    pq get $KA >out && echo va2 >expect && test_cmp expect out
'

test_expect_success 'B back once more' '
    restart_server $PORT_B && PID_B=$SERVER_PID &&
    wait_until "pq set $KB fourth >out && grep -x OK out" 20
'

test_expect_success 'clients that leave with requests still pending do no harm' '
    "$PY" - $PROXY_PORT $KA $KB <<-\EOF
	import os, socket, sys
	port, ka, kb = int(sys.argv[1]), sys.argv[2], sys.argv[3]
	batch = b""
	for i in range(500):
	    batch += b"*3\r\n$4\r\nMGET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (
	        len(ka), ka.encode(), len(kb), kb.encode())
	for n in range(40):
	    s = socket.create_connection(("127.0.0.1", port))
	    s.sendall(batch)
	    s.close()
	EOF
    pq mget $KA $KB >out && printf "va2\nfourth\n" >expect && test_cmp expect out &&
    kill -0 $PROXY_PID
'

test_expect_success 'bad RESP: an error, then the connection is closed' '
    praw "PING\r\n*2\r\n\$3\r\nGET\r\n\$x\r\n" >out &&
    printf "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n" >expect &&
    test_cmp expect out &&
    praw "*abc\r\n" >out &&
    printf -- "-ERR Protocol error: invalid multibulk length\r\n" >expect &&
    test_cmp expect out &&
    praw "*2\r\n\$3\r\nGET\r\n:1\r\n" >out && grep "^-ERR Protocol error" out &&
    praw "*1\r\n\$3\r\nGETXX\r\n" >out && grep "^-ERR Protocol error" out &&
    praw "*99999999999\r\n" >out && grep "^-ERR Protocol error" out &&
    praw "*1\r\n\$999999999999\r\n" >out && grep "^-ERR Protocol error" out &&
    praw "*1\r\n\$-1\r\n" >out && grep "^-ERR Protocol error" out &&
    line=$(head -c 70000 /dev/zero | tr "\0" a) &&
    praw "$line" >out &&
    printf -- "-ERR Protocol error: too big inline request\r\n" >expect &&
    test_cmp expect out
'

test_expect_success 'the proxy stays alive and serves clients connected before and after' '
    "$PY" - $PROXY_PORT $KA <<-\EOF
	import os, sys
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
	port, key = int(sys.argv[1]), sys.argv[2]
	before = Conn(port)
	assert before.call("GET", key) == "va2"
	bad = Conn(port)
	bad.sock.sendall(b"*1\r\n$zz\r\n")
	assert bad.read().startswith("(error) ERR Protocol error")
	try:
	    bad.read()
	    raise SystemExit("the bad connection is still open")
	except EOFError:
	    pass
	assert before.call("GET", key) == "va2"
	assert Conn(port).call("PING") == "PONG"
	EOF
    kill -0 $PROXY_PID && pq ping >out && echo PONG >expect && test_cmp expect out
'

test_done
