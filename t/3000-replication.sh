#!/bin/sh
test_description='replication: full and partial resync, promotion, interop with redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis.sh"

# start_redis_server: a Debian redis-server on a free port, stopped at
# exit; sets REDIS_PORT.
start_redis_server() {
    REDIS_PORT=$(free_port) || return 1
    mkdir -p "redis-$REDIS_PORT" &&
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 \
        --dir "$TRASH_DIRECTORY/redis-$REDIS_PORT" --save "" \
        --repl-diskless-sync-delay 0 "$@" \
        >"redis-$REDIS_PORT.log" 2>&1 &
    REDIS_PID=$!
    test_atexit "stop_pid $REDIS_PID"
    server_wait_ready "$REDIS_PID" "$REDIS_PORT" "redis-$REDIS_PORT.log"
}

test_expect_success 'a master with a dataset in several dbs' '
    start_server &&
    M=$SERVER_PORT &&
    seq_lines 300 "SET key:%d value-%d" >load.txt &&
    redis-cli -p $M <load.txt >/dev/null &&
    redis-cli -p $M -n 3 set in-db-3 three >/dev/null &&
    redis-cli -p $M set counter 10 >/dev/null &&
    redis-cli -p $M set with-ttl x EX 1000 >/dev/null &&
    test "$(redis-cli -p $M dbsize)" = 302
'

test_expect_success 'SLAVEOF makes a replica that gets the whole dataset' '
    start_server &&
    R=$SERVER_PORT &&
    test "$(redis-cli -p $R slaveof 127.0.0.1 $M)" = OK &&
    wait_until "link_up $R" &&
    test "$(redis-cli -p $R dbsize)" = 302 &&
    test "$(redis-cli -p $R get key:123)" = value-123 &&
    test "$(redis-cli -p $R -n 3 get in-db-3)" = three &&
    redis-cli -p $M pexpiretime with-ttl >expect &&
    redis-cli -p $R pexpiretime with-ttl >actual &&
    test_cmp expect actual &&
    test "$(server_info $M stats sync_full)" = 1
'

test_expect_success 'the live stream reaches the replica, SELECT included' '
    redis-cli -p $M incrby counter 5 >/dev/null &&
    redis-cli -p $M del key:1 >/dev/null &&
    redis-cli -p $M -n 5 set in-db-5 five >/dev/null &&
    redis-cli -p $M set after-sync yes >/dev/null &&
    wait_until "same_offset $M $R" &&
    test "$(redis-cli -p $R get counter)" = 15 &&
    test "$(redis-cli -p $R exists key:1)" = 0 &&
    test "$(redis-cli -p $R -n 5 get in-db-5)" = five &&
    test "$(redis-cli -p $R get after-sync)" = yes
'

test_expect_success 'lists, hashes, sets, sorted sets and MULTI replicate' '
    redis-cli -p $M rpush list a b c >/dev/null &&
    redis-cli -p $M lpop list >/dev/null &&
    redis-cli -p $M hset hash f1 v1 f2 v2 >/dev/null &&
    redis-cli -p $M sadd set x y z >/dev/null &&
    redis-cli -p $M srem set y >/dev/null &&
    redis-cli -p $M zadd zset 1 one 2 two >/dev/null &&
    redis-cli -p $M zincrby zset 5 one >/dev/null &&
    printf "MULTI\nINCR counter\nRPUSH list d\nEXEC\n" >multi.txt &&
    redis-cli -p $M <multi.txt >/dev/null &&
    wait_until "same_offset $M $R" &&
    for cmd in "lrange list 0 -1" "hmget hash f1 f2" "smismember set x y z" \
               "zrange zset 0 -1 withscores" "get counter"; do
        redis-cli -p $M $cmd >expect &&
        redis-cli -p $R $cmd >actual &&
        test_cmp expect actual || return 1
    done
'

test_expect_success 'a list served to a blocked client replicates as a pop' '
    redis-cli -p $M blpop queue 10 >popped &
    pop_pid=$! &&
    wait_until "redis-cli -p $M info clients | grep -q \"^blocked_clients:1\"" &&
    redis-cli -p $M rpush queue job >/dev/null &&
    wait $pop_pid &&
    printf "queue\njob\n" >expect &&
    test_cmp expect popped &&
    wait_until "same_offset $M $R" &&
    test "$(redis-cli -p $R exists queue)" = 0
'

test_expect_success 'expired keys reach the replica as DEL' '
    redis-cli -p $M set short v PX 100 >/dev/null &&
    redis-cli -p $M set after-short v >/dev/null &&
    wait_until "test \"\$(redis-cli -p $R exists after-short)\" = 1" &&
    wait_until "test \"\$(redis-cli -p $M exists short)\" = 0" &&
    wait_until "test \"\$(redis-cli -p $R dbsize)\" = \"\$(redis-cli -p $M dbsize)\"" &&
    redis-cli -p $M del after-short >/dev/null
'

test_expect_success 'the replica refuses writes' '
    redis-cli -p $R set nope 1 >out 2>&1 &&
    grep "READONLY You can.t write against a read only replica." out &&
    test "$(redis-cli -p $R exists nope)" = 0
'

test_expect_success 'INFO replication and ROLE on both sides' '
    server_info $M replication role >role &&
    echo master >expect &&
    test_cmp expect role &&
    redis-cli -p $M info replication | tr -d "\r" >info &&
    grep "^connected_slaves:1$" info &&
    grep "^slave0:ip=127.0.0.1,port=$R,state=online,offset=[0-9]*,lag=[0-9]*$" info &&
    grep "^master_replid:[0-9a-f]\{40\}$" info &&
    grep "^repl_backlog_active:1$" info &&
    redis-cli -p $R info replication | tr -d "\r" >rinfo &&
    grep "^role:slave$" rinfo &&
    grep "^master_port:$M$" rinfo &&
    grep "^master_sync_in_progress:0$" rinfo &&
    grep "^master_last_io_seconds_ago:[0-9]*$" rinfo &&
    redis-cli -p $R role >rrole &&
    printf "slave\n127.0.0.1\n%s\nconnected\n" $M >expect &&
    head -n 4 rrole >got &&
    test_cmp expect got &&
    redis-cli -p $R config get slaveof >cfg &&
    printf "slaveof\n127.0.0.1 %s\n" $M >expect &&
    test_cmp expect cfg
'

test_expect_success 'WAIT counts the replicas that acknowledged' '
    redis-cli -p $M set waited 1 >/dev/null &&
    test "$(redis-cli -p $M wait 1 5000)" = 1 &&
    test "$(redis-cli -p $M wait 2 200)" = 1 &&
    printf "MULTI\nSET in-exec 1\nWAIT 2 0\nEXEC\nPING\n" >wait.txt &&
    redis-cli -p $M <wait.txt >wait.out &&
    # inside EXEC the SET is not sent yet (Redis 7 sends a transaction
    # when it ends), so WAIT counts the replica that acked "set waited"
    printf "OK\nQUEUED\nQUEUED\nOK\n1\nPONG\n" >expect &&
    test_cmp expect wait.out
'

test_expect_success 'bad WAIT and REPLCONF arguments are refused' '
    redis-cli -p $M wait one 0 >out 2>&1 &&
    grep "ERR value is not an integer or out of range" out &&
    redis-cli -p $M wait 1 soon >out 2>&1 &&
    grep "ERR timeout is not an integer or out of range" out &&
    redis-cli -p $M wait 1 -1 >out 2>&1 &&
    grep "ERR timeout is negative" out &&
    redis-cli -p $R wait 1 0 >out 2>&1 &&
    grep "ERR WAIT cannot be used with replica instances." out &&
    redis-cli -p $M replconf listening-port >out 2>&1 &&
    grep "ERR syntax error" out &&
    redis-cli -p $M replconf listening-port sixty >out 2>&1 &&
    grep "ERR value is not an integer or out of range" out &&
    test "$(redis-cli -p $M info replication | tr -d "\r" |
            grep -c "^slave[0-9]:")" = 1
'

test_expect_success 'min-replicas-to-write refuses writes without enough replicas' '
    test "$(redis-cli -p $M config set min-replicas-to-write 2)" = OK &&
    redis-cli -p $M set needs-two 1 >out 2>&1 &&
    grep "NOREPLICAS Not enough good replicas to write." out &&
    test "$(redis-cli -p $M config set min-replicas-to-write 1)" = OK &&
    test "$(redis-cli -p $M set needs-one 1)" = OK &&
    test "$(redis-cli -p $M config set min-replicas-to-write 0)" = OK
'

test_expect_success 'SYNC (redis-cli --rdb) gets an RDB that redis-check-rdb accepts' '
    redis-cli -p $M --rdb synced.rdb >out 2>&1 &&
    grep "Transfer finished with success" out &&
    test "$(head -c 5 synced.rdb)" = REDIS &&
    redis-check-rdb synced.rdb >check.out 2>&1 &&
    grep "RDB looks OK" check.out
'

test_expect_success 'a cut link resumes with a partial resync' '
    full=$(server_info $M stats sync_full) &&
    test "$(redis-cli -p $R client kill type master)" = 1 &&
    redis-cli -p $M set during-cut 1 >/dev/null &&
    redis-cli -p $M -n 5 set during-cut-5 1 >/dev/null &&
    wait_until "test \"\$(server_info $M stats sync_partial_ok)\" -ge 1" &&
    wait_until "same_offset $M $R" &&
    test "$(redis-cli -p $R get during-cut)" = 1 &&
    test "$(redis-cli -p $R -n 5 get during-cut-5)" = 1 &&
    test "$(server_info $M stats sync_full)" = "$full"
'

test_expect_success PYREDIS 'cuts under a write load leave the replica equal to the master' '
    redis-benchmark -p $M --dbnum 9 -r 2000 -n 300000 -c 4 -P 8 \
        -t incr,lpush,sadd,hset >/dev/null 2>&1 &
    bench=$! &&
    i=0 &&
    while [ $i -lt 3 ]; do
        wait_until "test \"\$(redis-cli -p $R client kill type master)\" = 1" ||
            return 1
        i=$((i + 1))
    done &&
    wait $bench &&
    wait_until "same_offset $M $R" &&
    keys_tool dump $M >master.dump &&
    keys_tool dump $R >replica.dump &&
    grep -c "^9 " master.dump &&
    test_cmp master.dump replica.dump
'

test_expect_success 'a replica stopped and continued catches up' '
    R_PID=$SERVER_PID &&
    kill -STOP $R_PID &&
    redis-cli -p $M set while-stopped 1 >/dev/null &&
    kill -CONT $R_PID &&
    wait_until "same_offset $M $R" &&
    test "$(redis-cli -p $R get while-stopped)" = 1
'

test_expect_success 'a replica of the replica gets the stream in the right db' '
    redis-cli -p $M -n 7 set chain-before 1 >/dev/null &&
    wait_until "same_offset $M $R" &&
    start_server --slaveof 127.0.0.1 $R &&
    C=$SERVER_PORT &&
    wait_until "link_up $C" &&
    test "$(redis-cli -p $C -n 7 get chain-before)" = 1 &&
    redis-cli -p $M -n 7 set chain-after 1 >/dev/null &&
    wait_until "same_offset $M $C" &&
    test "$(redis-cli -p $C -n 7 get chain-after)" = 1 &&
    test "$(redis-cli -p $C exists chain-after)" = 0 &&
    stop_pid $SERVER_PID &&
    wait_until "test \"\$(server_info $R replication connected_slaves)\" = 0"
'

test_expect_success 'a second replica, then SLAVEOF NO ONE promotes the first' '
    redis-cli -p $M -n 5 set before-second 1 >/dev/null &&
    start_server --slaveof 127.0.0.1 $M &&
    R2=$SERVER_PORT &&
    wait_until "link_up $R2" &&
    redis-cli -p $M -n 5 set after-second 1 >/dev/null &&
    wait_until "same_offset $M $R2" &&
    test "$(redis-cli -p $R2 -n 5 get after-second)" = 1 &&
    test "$(redis-cli -p $R2 exists after-second)" = 0 &&
    wait_until "same_offset $M $R" &&
    old_id=$(server_info $R replication master_replid) &&
    test "$(redis-cli -p $R slaveof no one)" = OK &&
    test "$(server_info $R replication role)" = master &&
    test "$(server_info $R replication master_replid2)" = "$old_id" &&
    test "$(server_info $R replication master_replid)" != "$old_id" &&
    test "$(redis-cli -p $R get during-cut)" = 1 &&
    test "$(redis-cli -p $R set promoted yes)" = OK
'

test_expect_success 'the sibling follows the promoted replica with a partial resync' '
    full=$(server_info $R stats sync_full) &&
    partial=$(server_info $R stats sync_partial_ok) &&
    test "$(redis-cli -p $R2 slaveof 127.0.0.1 $R)" = OK &&
    wait_until "link_up $R2" &&
    wait_until "same_offset $R $R2" &&
    test "$(redis-cli -p $R2 get promoted)" = yes &&
    test "$(server_info $R stats sync_partial_ok)" = $((partial + 1)) &&
    test "$(server_info $R stats sync_full)" = "$full" &&
    test "$(redis-cli -p $R2 dbsize)" = "$(redis-cli -p $R dbsize)"
'

test_expect_success 'CONFIG SET replicaof switches masters at run time' '
    test "$(redis-cli -p $R2 config set replicaof "127.0.0.1 $M")" = OK &&
    wait_until "link_up $R2" &&
    test "$(server_info $R2 replication master_port)" = $M &&
    redis-cli -p $M set via-config 1 >/dev/null &&
    wait_until "test \"\$(redis-cli -p $R2 get via-config)\" = 1" &&
    test "$(redis-cli -p $R2 config set replicaof "no one")" = OK &&
    test "$(server_info $R2 replication role)" = master &&
    test "$(redis-cli -p $R2 get via-config)" = 1 &&
    test "$(redis-cli -p $R2 slaveof 127.0.0.1 $R)" = OK &&
    wait_until "link_up $R2"
'

test_expect_success 'bad SLAVEOF arguments are refused' '
    redis-cli -p $R2 slaveof 127.0.0.1 notaport >out 2>&1 &&
    grep "ERR Invalid master port" out &&
    redis-cli -p $R2 slaveof 127.0.0.1 70000 >out 2>&1 &&
    grep "ERR Invalid master port" out &&
    redis-cli -p $R2 replconf bogus 1 >out 2>&1 &&
    grep "ERR Unrecognized REPLCONF option" out &&
    link_up $R2
'

test_expect_success 'a replica authenticates with masterauth' '
    start_server --requirepass s3cret &&
    P=$SERVER_PORT &&
    redis-cli -p $P -a s3cret --no-auth-warning set guarded 1 >/dev/null &&
    start_server --masterauth wrong --slaveof 127.0.0.1 $P &&
    RA=$SERVER_PORT &&
    wait_until "grep -q \"AUTH refused\" \"$SERVER_LOG\"" &&
    ! link_up $RA &&
    server_info $RA replication master_link_down_since_seconds >down &&
    test -s down &&
    test "$(redis-cli -p $RA config set masterauth s3cret)" = OK &&
    wait_until "link_up $RA" &&
    test "$(redis-cli -p $RA get guarded)" = 1
'

test_expect_success 'a link cut inside a transaction resumes before its MULTI' '
    redis-cli -p $R2 --rdb empty-ish.rdb >/dev/null 2>&1 &&
    cat >fake-master.py <<-\EOF &&
	# A master that cuts the link inside a MULTI, then takes PSYNC.
	import socket, sys
	rdb = open(sys.argv[2], "rb").read()
	srv = socket.socket()
	srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	srv.bind(("127.0.0.1", 0))
	srv.listen(1)
	with open(sys.argv[1], "w") as out:
	    out.write("%d\n" % srv.getsockname()[1])
	def resp(*words):
	    b = b"*%d\r\n" % len(words)
	    for w in words:
	        b += b"$%d\r\n%s\r\n" % (len(w), w)
	    return b
	def handshake(conn, f):
	    while True:
	        n = int(f.readline()[1:])
	        args = []
	        for _ in range(n):
	            size = int(f.readline()[1:])
	            args.append(f.read(size + 2)[:-2])
	        if args[0].upper() == b"PSYNC":
	            return args
	        conn.sendall(b"+PONG\r\n" if args[0].upper() == b"PING"
	                     else b"+OK\r\n")
	rid = b"f" * 40
	conn, _ = srv.accept()
	f = conn.makefile("rb")
	handshake(conn, f)
	conn.sendall(b"+FULLRESYNC " + rid + b" 0\r\n$%d\r\n" % len(rdb) + rdb)
	conn.sendall(resp(b"SET", b"before", b"1") + resp(b"MULTI") +
	             resp(b"SET", b"in-tx", b"1"))
	counted = len(resp(b"SET", b"before", b"1"))
	while b"ACK" not in f.readline():
	    pass
	conn.shutdown(socket.SHUT_RDWR)
	conn.close()
	conn, _ = srv.accept()
	f = conn.makefile("rb")
	args = handshake(conn, f)
	with open(sys.argv[1] + ".psync", "w") as out:
	    out.write("%s %d\n" % (args[2].decode(), counted + 1))
	conn.sendall(b"+CONTINUE " + rid + b"\r\n" + resp(b"NOSUCHCMD") +
	             resp(b"MULTI") +
	             resp(b"SET", b"in-tx", b"1") + resp(b"INCR", b"tx-runs") +
	             resp(b"EXEC"))
	while True:
	    if not f.readline():
	        break
	EOF
    python3 fake-master.py fake.port empty-ish.rdb &
    fake_pid=$! &&
    test_atexit "kill $fake_pid 2>/dev/null" &&
    wait_until "test -s fake.port" &&
    start_server &&
    RF=$SERVER_PORT &&
    redis-cli -p $RF replicaof 127.0.0.1 $(cat fake.port) >/dev/null &&
    wait_until "test -s fake.port.psync" &&
    read asked expected <fake.port.psync &&
    test "$asked" = "$expected" &&
    wait_until "test \"\$(redis-cli -p $RF get tx-runs)\" = 1" &&
    test "$(redis-cli -p $RF get before)" = 1 &&
    test "$(redis-cli -p $RF get in-tx)" = 1 &&
    grep "a command from the master failed: unknown command .NOSUCHCMD." \
        "$SERVER_LOG"
'

test_expect_success REDIS_SERVER 'our replica follows a redis-server master (diskless)' '
    start_redis_server --repl-diskless-sync yes &&
    D=$REDIS_PORT &&
    redis-cli -p $D <load.txt >/dev/null &&
    redis-cli -p $D -n 2 set in-db-2 two >/dev/null &&
    start_server &&
    R3=$SERVER_PORT &&
    redis-cli -p $R3 replicaof 127.0.0.1 $D >/dev/null &&
    wait_until "link_up $R3" &&
    test "$(redis-cli -p $R3 dbsize)" = 300 &&
    test "$(redis-cli -p $R3 -n 2 get in-db-2)" = two &&
    redis-cli -p $D set live-from-redis 1 >/dev/null &&
    redis-cli -p $D del key:7 >/dev/null &&
    wait_until "test \"\$(redis-cli -p $R3 get live-from-redis)\" = 1" &&
    test "$(redis-cli -p $R3 exists key:7)" = 0 &&
    wait_until "same_offset $D $R3"
'

test_expect_success REDIS_SERVER 'our replica of redis-server resumes with PSYNC' '
    test "$(redis-cli -p $R3 client kill type master)" = 1 &&
    redis-cli -p $D set after-cut 1 >/dev/null &&
    wait_until "test \"\$(server_info $D stats sync_partial_ok)\" -ge 1" &&
    wait_until "test \"\$(redis-cli -p $R3 get after-cut)\" = 1"
'

test_expect_success REDIS_SERVER 'a redis-server replica follows our master' '
    start_redis_server --replicaof 127.0.0.1 $M &&
    D2=$REDIS_PORT &&
    wait_until "link_up $D2" &&
    test "$(redis-cli -p $D2 dbsize)" = "$(redis-cli -p $M dbsize)" &&
    test "$(redis-cli -p $D2 -n 3 get in-db-3)" = three &&
    redis-cli -p $M set for-redis-replica 1 >/dev/null &&
    wait_until "test \"\$(redis-cli -p $D2 get for-redis-replica)\" = 1" &&
    test "$(redis-cli -p $M wait 1 5000)" -ge 1
'

test_expect_success REDIS_SERVER 'the redis-server replica resumes from our backlog' '
    ok=$(server_info $M stats sync_partial_ok) &&
    test "$(redis-cli -p $D2 client kill type master)" = 1 &&
    redis-cli -p $M set for-redis-after-cut 1 >/dev/null &&
    wait_until "test \"\$(server_info $M stats sync_partial_ok)\" -gt $ok" &&
    wait_until "test \"\$(redis-cli -p $D2 get for-redis-after-cut)\" = 1"
'

test_done
