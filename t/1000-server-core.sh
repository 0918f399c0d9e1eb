#!/bin/sh
test_description='codis-server starts, speaks RESP and guards its input'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'codis-server --help prints usage and succeeds' '
    codis-server --help >out &&
    grep "usage: codis-server" out &&
    codis server --help >out2 &&
    test_cmp out out2
'

test_expect_success 'an unknown directive in the config file names file and line' '
    printf "port 7000\n# comment\nbogus-directive 1\n" >bad.conf &&
    test_expect_code 1 codis-server bad.conf 2>err &&
    grep "bad.conf'"'"' line 3: unknown directive '"'"'bogus-directive'"'"'" err
'

test_expect_success 'an unknown option on the command line fails' '
    test_expect_code 2 codis-server --no-such-thing 1 2>err &&
    grep "unknown directive '"'"'no-such-thing'"'"'" err &&
    test_expect_code 2 codis-server --maxmemory lots 2>err &&
    grep "must be a memory value" err
'

test_expect_success 'start a server' '
    start_server
'

test_expect_success 'PING, ECHO, SET, GET, DEL, EXISTS' '
    cli ping >actual &&
    cli ping hello >>actual &&
    cli echo "two words" >>actual &&
    cli set k1 v1 >>actual &&
    cli get k1 >>actual &&
    cli exists k1 k1 nokey >>actual &&
    cli del k1 nokey >>actual &&
    cli get k1 >>actual &&
    cat >expect <<-\EOT &&
	PONG
	hello
	two words
	OK
	v1
	2
	1

	EOT
    test_cmp expect actual
'

test_expect_success 'SELECT keeps databases apart' '
    cli set where db0 &&
    cli -n 3 set where db3 &&
    cli get where >actual &&
    cli -n 3 get where >>actual &&
    cli select 16 >>actual &&
    cli select x >>actual &&
    cat >expect <<-\EOT &&
	db0
	db3
	ERR DB index is out of range

	ERR value is not an integer or out of range

	EOT
    test_cmp expect actual
'

test_expect_success 'unknown commands and wrong arity get Redis errors' '
    cli nosuchcmd a b >actual &&
    cli get >>actual &&
    cli set k >>actual &&
    cli ping a b >>actual &&
    cat >expect <<-\EOT &&
	ERR unknown command '"'"'nosuchcmd'"'"', with args beginning with: '"'"'a'"'"' '"'"'b'"'"' 

	ERR wrong number of arguments for '"'"'get'"'"' command

	ERR wrong number of arguments for '"'"'set'"'"' command

	ERR wrong number of arguments for '"'"'ping'"'"' command

	EOT
    test_cmp expect actual
'

test_expect_success 'inline commands work (telnet style)' '
    raw_send "PING\r\nSET inl  hello\r\nGET inl\r\nQUIT\r\n" >actual &&
    printf "+PONG\r\n+OK\r\n\$5\r\nhello\r\n+OK\r\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'inline commands take quotes and escapes as Redis does' '
    raw_send "SET \"a b\" \"c\\\\x41\"\r\nECHO '"'"'it\\\\'"'"'s'"'"'\r\nECHO \"\\\\t\"\r\nQUIT\r\n" >actual &&
    printf "+OK\r\n\$4\r\nit'"'"'s\r\n\$1\r\n\t\r\n+OK\r\n" >expect &&
    test_cmp expect actual &&
    cli get "a b" >actual &&
    echo cA >expect &&
    test_cmp expect actual &&
    cli del "a b"
'

test_expect_success 'an unbalanced quote in an inline command closes the connection' '
    raw_send "SET \"q b\r\nPING\r\n" >actual &&
    printf "%s\r\n" "-ERR Protocol error: unbalanced quotes in request" >expect &&
    test_cmp expect actual &&
    raw_send "SET \"q\"b c\r\n" >actual &&
    test_cmp expect actual &&
    cli exists "\"q" "\"q\"b" >actual &&
    echo 0 >expect &&
    test_cmp expect actual &&
    server_alive
'

test_expect_success 'pipelined requests are answered in order' '
    raw_send "*3\r\n\$3\r\nSET\r\n\$1\r\np\r\n\$1\r\n1\r\n*2\r\n\$4\r\nINCR\r\n\$1\r\np\r\n*2\r\n\$3\r\nGET\r\n\$1\r\np\r\n*1\r\n\$4\r\nQUIT\r\n" >actual &&
    printf "+OK\r\n:2\r\n\$1\r\n2\r\n+OK\r\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'a request split into single bytes is parsed' '
    python3 - "$SERVER_PORT" <<-\EOT >actual &&
	import socket, sys, time
	s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
	for b in b"*2\r\n$4\r\nECHO\r\n$5\r\nsplit\r\n":
	    s.send(bytes([b]))
	    time.sleep(0.001)
	sys.stdout.write(s.recv(100).decode())
	EOT
    printf "\$5\r\nsplit\r\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'a protocol error is answered, the connection closed' '
    raw_send "*1\r\n\$4\r\nPING\r\n*x\r\n*1\r\n\$4\r\nPING\r\n" >actual &&
    printf "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n" >expect &&
    test_cmp expect actual &&
    raw_send "*1\r\nPING\r\n" >actual &&
    printf "%s\r\n" "-ERR Protocol error: expected '"'"'\$'"'"', got '"'"'P'"'"'" >expect &&
    test_cmp expect actual &&
    server_alive
'

test_expect_success 'a huge bulk length is refused and the server lives' '
    raw_send "*2\r\n\$3\r\nGET\r\n\$99999999999\r\n" >actual &&
    printf "%s\r\n" "-ERR Protocol error: invalid bulk length" >expect &&
    test_cmp expect actual &&
    raw_send "*99999999\r\n" >actual &&
    printf "%s\r\n" "-ERR Protocol error: invalid multibulk length" >expect &&
    test_cmp expect actual &&
    server_alive
'

test_expect_success 'a big value (1 MiB) round-trips' '
    python3 -c "print(\"x\" * 1048576, end=\"\")" >big &&
    cli -x set big <big &&
    cli strlen big >actual &&
    echo 1048576 >expect &&
    test_cmp expect actual &&
    cli --no-raw get big >got &&
    test $(wc -c <got) -ge 1048576
'

test_expect_success 'the server still answers after all of the above' '
    server_alive &&
    cli dbsize >actual &&
    echo 4 >expect &&
    test_cmp expect actual
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

test_expect_success REDIS_REF 'COMMAND GETKEYS finds keys as redis-server does' '
    cat >getkeys.txt <<-\EOT &&
	command getkeys get k
	command getkeys GET k
	command getkeys mset a 1 b 2
	command getkeys mset a 1 b
	command getkeys blpop a b 0
	command getkeys rename a b
	command getkeys object encoding k
	command getkeys zunionstore d 2 a b weights 1 2
	command getkeys zunionstore d 2 a
	command getkeys zunionstore d x a b
	command getkeys zunionstore d -1 a b
	command getkeys zunionstore d 1
	command getkeys zinter 0 a
	command getkeys lmpop 2 a left
	command getkeys lmpop 0 a left
	command getkeys blmpop 0 1 a left
	command getkeys sort k by w_* limit 0 1 get # store d
	command getkeys sort k limit 0 store by x store e
	command getkeys sort k store
	command getkeys ping x
	command getkeys keys x
	command getkeys get
	command getkeys get k extra
	command getkeys nosuchcommand a
	command getkeys
	command getkeys get
	EOT
	compare_with_ref getkeys.txt
'

# command_info PORT: name, arity, flags (without those of Redis features
# codis-server lacks: sentinel, monitor, slowlog, busy scripts, and the
# loading/stale pair it grants more widely) and key positions of a few
# commands, one line each.
command_info() {
    python3 - "$1" <<-\EOT
	import os, sys
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
	c = Conn(int(sys.argv[1]))
	skip = {"sentinel", "skip_monitor", "skip_slowlog", "may_replicate",
	        "allow_busy", "loading", "stale"}
	for name in ["get", "set", "mset", "blpop", "brpoplpush", "zunionstore",
	             "lmpop", "bzmpop", "sintercard", "ping", "hset", "del",
	             "rename", "sort", "auth"]:
	    c.send("COMMAND", "INFO", name)
	    i = c._reply()[0]
	    flags = [f for f in i[2] if f not in skip]
	    print(i[0], i[1], " ".join(flags), i[3], i[4], i[5])
	EOT
}

test_expect_success REDIS_REF 'COMMAND INFO flags and keys match redis-server' '
    command_info $REF_PORT >expect &&
    command_info $SERVER_PORT >actual &&
    test_cmp expect actual
'

test_expect_success 'redis-benchmark set,get,incr,mset at -P 1 and -P 100, no errors' '
    for pipe in 1 100; do
        cli del counter:__rand_int__ >/dev/null &&
        redis-benchmark -p $SERVER_PORT -t set,get,incr,mset -n 20000 \
            -P $pipe -q >bench-$pipe.out 2>&1 &&
        ! grep -i err bench-$pipe.out &&
        grep -o "[A-Z]*[^:]*: [0-9.]* requests per second" bench-$pipe.out \
            >rates &&
        test_line_count = 4 rates &&
        test "$(cli get counter:__rand_int__)" = 20000 || return 1
    done
'

test_expect_success 'SHUTDOWN stops the server, which exits 0 as redis-server' '
    cli shutdown nosave;
    wait $SERVER_PID &&
    ! kill -0 $SERVER_PID 2>/dev/null
'

test_expect_success 'an AOF command that fails on replay is skipped, not fatal' '
    start_server --appendonly yes &&
    cli set word text &&
    cli shutdown nosave;
    wait_until "! kill -0 $SERVER_PID" &&
    incr=$(sed -n "s/^file \(.*\.incr\.aof\) seq .* type i$/\1/p" \
        "$SERVER_DIR/appendonlydir/appendonly.aof.manifest" | tail -n 1) &&
    test -n "$incr" &&
    printf "*2\r\n\$4\r\nINCR\r\n\$4\r\nword\r\n*3\r\n\$3\r\nSET\r\n\$5\r\nafter\r\n\$2\r\nok\r\n" \
        >>"$SERVER_DIR/appendonlydir/$incr" &&
    codis-server --port "$SERVER_PORT" --bind 127.0.0.1 --dir "$SERVER_DIR" \
        --save "" --appendonly yes >>"$SERVER_LOG" 2>&1 &
    SERVER_PID=$! &&
    test_atexit "stop_pid $SERVER_PID" &&
    server_wait_ready "$SERVER_PID" "$SERVER_PORT" "$SERVER_LOG" &&
    test "$(cli get word)" = text &&
    test "$(cli get after)" = ok
'

test_done
