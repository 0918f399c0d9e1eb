#!/bin/sh
test_description='one snapshot child at a time: BGSAVE, BGREWRITEAOF and
full syncs answer and wait as redis-server does'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

# slow_children PORT: 200 keys saved 50 ms apart: a child lasts 10 s,
# long after the commands below run.
slow_children() {
    for i in $(seq 1 200); do
        echo "set key:$i $i"
    done >fill.txt &&
    redis-cli -p "$1" <fill.txt >/dev/null &&
    redis-cli -p "$1" config set rdb-key-save-delay 50000 >/dev/null
}

test_expect_success 'start codis-server' '
    start_server &&
    slow_children $SERVER_PORT
'

test_expect_success 'BGSAVE and BGREWRITEAOF never run together' '
    cli bgrewriteaof >out &&
    grep "rewriting started" out &&
    cli bgsave >out 2>&1 &&
    grep "Another child process is active" out &&
    cli info persistence >info &&
    grep "^aof_rewrite_in_progress:1" info &&
    grep "^rdb_bgsave_in_progress:0" info
'

test_expect_success 'a scheduled BGSAVE starts when the rewrite ends' '
    cli bgsave schedule >out &&
    echo "Background saving scheduled" >expect &&
    test_cmp expect out &&
    cli config set rdb-key-save-delay 0 &&
    wait_until "cli info persistence | grep -q ^aof_rewrite_in_progress:0" &&
    wait_until "grep -q \"background saving started\" $SERVER_LOG" &&
    wait_until "cli info persistence | grep -q ^rdb_bgsave_in_progress:0" &&
    cli info persistence >info &&
    grep "^rdb_last_bgsave_status:ok" info &&
    grep "^aof_last_bgrewrite_status:ok" info
'

test_expect_success 'a BGREWRITEAOF during a BGSAVE is scheduled' '
    cli config set rdb-key-save-delay 50000 &&
    cli bgsave >out &&
    grep "Background saving started" out &&
    cli bgrewriteaof >out &&
    echo "Background append only file rewriting scheduled" >expect &&
    test_cmp expect out &&
    cli info persistence >info &&
    grep "^aof_rewrite_scheduled:1" info &&
    cli config set rdb-key-save-delay 0 &&
    wait_until "cli info persistence | grep -q ^aof_rewrite_scheduled:0" &&
    wait_until "cli info persistence | grep -q ^aof_rewrite_in_progress:0" &&
    cli info persistence >info &&
    grep "^aof_last_bgrewrite_status:ok" info
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref &&
    slow_children $REF_PORT &&
    slow_children $SERVER_PORT
'

# SAVE beside a running rewrite child saves in the foreground: with the
# key delay back to 0 it takes no time, while the forked child keeps the
# delay it was born with and still runs.
test_expect_success REDIS_REF 'the replies match redis-server while children run' '
    cat >children.txt <<-\EOT &&
	bgrewriteaof
	bgsave
	bgrewriteaof
	bgsave schedule
	bgsave
	config set rdb-key-save-delay 0
	save
	EOT
	compare_with_ref children.txt &&
	cli info persistence >info &&
	grep "^aof_rewrite_in_progress:1" info
'

test_expect_success 'a replica waits for the BGSAVE, then syncs' '
    cli config set rdb-key-save-delay 20000 &&
    wait_until "cli info persistence | grep -q ^aof_rewrite_in_progress:0" &&
    wait_until "cli info persistence | grep -q ^rdb_bgsave_in_progress:0" &&
    # a BGSAVE scheduled by an earlier test may start meanwhile: wait it out
    wait_until "cli bgsave | grep -q \"Background saving started\"" 60 &&
    master_port=$SERVER_PORT &&
    master_pid=$SERVER_PID &&
    master_log=$SERVER_LOG &&
    start_server --replicaof 127.0.0.1 $master_port &&
    replica_port=$SERVER_PORT &&
    SERVER_PORT=$master_port &&
    cli config set rdb-key-save-delay 0 &&
    wait_until "redis-cli -p $replica_port info replication |
                grep -q ^master_link_status:up" &&
    redis-cli -p $replica_port dbsize >out &&
    echo 200 >expect &&
    test_cmp expect out &&
    grep -n "background saving terminated" $master_log >a &&
    grep -n "started the RDB for replicas" $master_log >b &&
    test $(cut -d: -f1 a | tail -n 1) -lt $(cut -d: -f1 b | tail -n 1)
'

test_done
