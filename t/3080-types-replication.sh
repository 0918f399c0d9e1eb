#!/bin/sh
test_description='every data type command reaches a replica as the same
data: random pops, float increments, served blocking pops, transactions,
stores and SORT are propagated in a deterministic form'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis.sh"

# blocked PORT N: PORT has N blocked clients.
blocked() {
    test "$(server_info "$1" clients blocked_clients)" = "$2"
}

test_expect_success PYREDIS 'a master and its replica' '
    start_server &&
    M=$SERVER_PORT &&
    start_server &&
    R=$SERVER_PORT &&
    redis-cli -p $R slaveof 127.0.0.1 $M >/dev/null &&
    wait_until "synced $M $R"
'

test_expect_success PYREDIS 'lists, hashes, sets and sorted sets' '
    cat >work.txt <<-\EOT &&
	rpush l a b c d e f g
	lpop l 2
	linsert l before e E
	lrem l 1 f
	ltrim l 0 3
	lmove l l2 left right
	lmove l l right left
	lmpop 2 none l right count 2
	hset h a 1 b 2 c 3
	hincrbyfloat h a 0.1
	hincrbyfloat h f 1e-3
	hincrby h b 40
	hdel h c
	sadd s a b c d e f g h i j
	spop s
	spop s 3
	srandmember s 2
	smove s s2 a
	sadd t a b c x y
	sinterstore st s t
	sdiffstore sd t s
	sunionstore su s t
	zadd z 1 a 2 b 3 c 4 d 5 e
	zadd z incr 0.7 a
	zincrby z -2.5 e
	zadd z gt ch 10 b 0 c
	zpopmin z
	zmpop 1 z max count 1
	zremrangebyscore z (2 3
	zunionstore zu 2 z t weights 2.5 1 aggregate max
	zinterstore zi 2 z t
	zrangestore zr z 0 -1
	zadd lex 0 a 0 b 0 c 0 d
	zremrangebylex lex [b (d
	sadd ns 9 3 7 1
	sort ns by nosort store sorted-set
	mset w_a 3 w_b 1 w_x 2
	sort t by w_* store sorted-by
	rpush tmp x
	expire tmp 1000
	EOT
    redis-cli -p $M <work.txt >/dev/null &&
    wait_until "synced $M $R" &&
    keys_tool dump $M >master.dump &&
    keys_tool dump $R >replica.dump &&
    test_cmp master.dump replica.dump &&
    test_line_count -gt 15 master.dump
'

test_expect_success PYREDIS 'blocking pops served by later pushes' '
    redis-cli -p $M blpop bl 0 >/dev/null &
    wait_until "blocked $M 1" &&
    redis-cli -p $M brpoplpush bm bm-dst 0 >/dev/null &
    wait_until "blocked $M 2" &&
    redis-cli -p $M bzpopmax bz 0 >/dev/null &
    wait_until "blocked $M 3" &&
    redis-cli -p $M blmpop 0 1 bmp left count 2 >/dev/null &
    wait_until "blocked $M 4" &&
    redis-cli -p $M rpush bl one two >/dev/null &&
    redis-cli -p $M rpush bm x y >/dev/null &&
    redis-cli -p $M zadd bz 1 lo 9 hi 5 mid >/dev/null &&
    redis-cli -p $M rpush bmp 1 2 3 >/dev/null &&
    wait_until "blocked $M 0" &&
    wait_until "synced $M $R" &&
    keys_tool dump $M >master.dump &&
    keys_tool dump $R >replica.dump &&
    test_cmp master.dump replica.dump &&
    grep -q "b.bl. list \[b.two.\]" master.dump &&
    grep -q "b.bmp. list \[b.3.\]" master.dump
'

test_expect_success PYREDIS 'transactions, also across databases' '
    printf "%s\n" "MULTI" "RPUSH tx a b" "SPOP s" "SELECT 3" \
        "ZADD z3 1 one" "HINCRBYFLOAT h3 f 2.5" "SELECT 0" "LPOP tx" \
        "EXEC" | redis-cli -p $M >/dev/null &&
    printf "%s\n" "WATCH tx" "MULTI" "RPUSH tx never" "EXEC" |
        redis-cli -p $M >/dev/null &&
    wait_until "synced $M $R" &&
    keys_tool dump $M >master.dump &&
    keys_tool dump $R >replica.dump &&
    test_cmp master.dump replica.dump &&
    grep -q "^3 b.z3. zset" replica.dump
'

test_done
