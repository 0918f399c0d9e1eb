#!/bin/sh
test_description='INFO of forks and replication: a snapshot child reports
its progress and copy-on-write size to the parent; bytes to and from
replicas are counted apart from the clients'"'"' bytes'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

# field PORT SECTION FIELD: FIELD of INFO SECTION on PORT.
field() {
    redis-cli -p "$1" info "$2" | tr -d '\r' | sed -n "s/^$3://p"
}

test_expect_success 'start a master with 2048 keys' '
    start_server --enable-debug-command yes &&
    M=$SERVER_PORT &&
    cli debug populate 2048 >/dev/null &&
    test "$(cli dbsize)" = 2048
'

test_expect_success 'a BGSAVE child reports keys written and its cow size' '
    cli config set rdb-key-save-delay 500 >/dev/null &&
    cli bgsave >/dev/null &&
    wait_until "test \$(field $M persistence current_save_keys_processed) -gt 0" &&
    test "$(field $M persistence rdb_bgsave_in_progress)" = 1 &&
    test "$(field $M persistence current_save_keys_total)" = 2048 &&
    field $M persistence current_fork_perc >perc &&
    grep -q "^[1-9][0-9]*\.[0-9][0-9]$" perc &&
    test "$(field $M persistence current_cow_size)" -gt 0 &&
    test "$(field $M persistence current_cow_peak)" -ge \
        "$(field $M persistence current_cow_size)" &&
    # writes in the parent while the child runs: its pages stay private
    # to the child, which counts them as copied
    cli debug populate 2048 other >/dev/null &&
    cli config set rdb-key-save-delay 0 >/dev/null &&
    wait_until "test \$(field $M persistence rdb_bgsave_in_progress) = 0" &&
    test "$(field $M persistence rdb_last_bgsave_status)" = ok &&
    test "$(field $M persistence rdb_last_cow_size)" -gt 0 &&
    test "$(field $M persistence current_save_keys_total)" = 0 &&
    test "$(field $M persistence current_cow_size)" = 0 &&
    test "$(field $M persistence current_fork_perc)" = 0.00
'

test_expect_success 'an AOF rewrite child reports its cow size' '
    test "$(field $M persistence aof_last_cow_size)" = 0 &&
    cli bgrewriteaof >/dev/null &&
    wait_until "test \$(field $M persistence aof_rewrite_in_progress) = 0" &&
    wait_until "test \$(field $M persistence aof_rewrites) = 1" &&
    test "$(field $M persistence aof_last_cow_size)" -gt 0 &&
    test "$(field $M persistence aof_rewrites_consecutive_failures)" = 0
'

test_expect_success 'a disk-based full sync counts the RDB as replication output' '
    cli config set repl-diskless-sync no >/dev/null &&
    test "$(field $M stats total_net_repl_output_bytes)" = 0 &&
    before_out=$(field $M stats total_net_output_bytes) &&
    start_server &&
    R1=$SERVER_PORT &&
    cli replicaof 127.0.0.1 $M >/dev/null &&
    wait_until "test \"\$(field $R1 replication master_link_status)\" = up" &&
    wait_until "test \$(redis-cli -p $R1 dbsize) = 4096" &&
    out=$(field $M stats total_net_repl_output_bytes) &&
    in=$(field $R1 stats total_net_repl_input_bytes) &&
    test "$out" -gt 40000 &&
    test "$in" -gt 40000 &&
    # both count the RDB; the replica also counts the replies to its
    # handshake, sent before the master knew it as a replica
    test $((in - out)) -lt 1000 && test $((out - in)) -lt 1000 &&
    # the RDB is not counted as output to clients
    test $(( $(field $M stats total_net_output_bytes) - before_out )) \
        -lt 10000
'

test_expect_success 'a write reaches the replica as replication bytes' '
    out=$(field $M stats total_net_repl_output_bytes) &&
    in=$(field $R1 stats total_net_repl_input_bytes) &&
    redis-cli -p $M set fresh "$(printf %01000d 7)" >/dev/null &&
    wait_until "test \"\$(redis-cli -p $R1 strlen fresh)\" = 1000" &&
    test "$(field $M stats total_net_repl_output_bytes)" -gt $((out + 1000)) &&
    wait_until "test \$(field $R1 stats total_net_repl_input_bytes) -gt $((in + 1000))"
'

test_expect_success 'a diskless child reports the bytes it sent to a replica' '
    redis-cli -p $M config set repl-diskless-sync yes >/dev/null &&
    redis-cli -p $M config set repl-diskless-sync-delay 0 >/dev/null &&
    out=$(field $M stats total_net_repl_output_bytes) &&
    start_server &&
    R2=$SERVER_PORT &&
    cli replicaof 127.0.0.1 $M >/dev/null &&
    wait_until "test \"\$(field $R2 replication master_link_status)\" = up" &&
    wait_until "test \$(redis-cli -p $R2 dbsize) = 4097" &&
    wait_until "test \$(field $M stats total_net_repl_output_bytes) -gt $((out + 40000))" &&
    test "$(field $R2 stats total_net_repl_input_bytes)" -gt 40000 &&
    test "$(field $M persistence rdb_last_cow_size)" -gt 0
'

test_expect_success 'a diskless sync waits for more replicas (one fork for two)' '
    redis-cli -p $M config set repl-diskless-sync-delay 100 >/dev/null &&
    redis-cli -p $M config set repl-diskless-sync-max-replicas 2 >/dev/null &&
    forks=$(field $M stats total_forks) &&
    start_server --replicaof 127.0.0.1 $M &&
    R3=$SERVER_PORT &&
    wait_until "redis-cli -p $M info replication | grep -q \"port=$R3,state=wait_bgsave\"" &&
    test "$(field $M stats total_forks)" = "$forks" &&
    start_server --replicaof 127.0.0.1 $M &&
    R4=$SERVER_PORT &&
    wait_until "test \"\$(field $R3 replication master_link_status)\" = up" &&
    wait_until "test \"\$(field $R4 replication master_link_status)\" = up" &&
    test "$(field $M stats total_forks)" = $((forks + 1))
'

test_expect_success 'CONFIG RESETSTAT zeroes the replication byte counters' '
    redis-cli -p $M config resetstat >/dev/null &&
    test "$(field $M stats total_net_repl_output_bytes)" -lt 1000
'

cat >data.txt <<\EOF_CMDS
SET s hello
SET n 12345
RPUSH l a b c
SADD st x y
SADD is 1 2 3
ZADD z 1.5 a -inf b 2 c
HSET h f1 v1 f2 v2
SET e 1 EX 1000
XADD x 1-1 f v
XGROUP CREATE x g 0
SELECT 2
SET other 1
EOF_CMDS

cat >reads.txt <<\EOF_CMDS
DBSIZE
GET s
GET n
LRANGE l 0 -1
SORT st ALPHA
OBJECT ENCODING is
ZRANGE z 0 -1 WITHSCORES
HGET h f2
TTL x
XRANGE x - +
XINFO GROUPS x
FCALL f1 0
SELECT 2
GET other
EOF_CMDS

test_expect_success REDIS_REF 'aof-use-rdb-preamble no: a base of commands redis-server loads' '
    start_server --appendonly yes --aof-use-rdb-preamble no &&
    A=$SERVER_PORT && A_DIR=$SERVER_DIR && A_PID=$SERVER_PID &&
    wait_until "test \$(field $A persistence aof_rewrite_in_progress) = 0" &&
    rewrites=$(field $A persistence aof_rewrites) &&
    cli <data.txt >/dev/null &&
    cli function load "#!lua name=lib1
redis.register_function(\"f1\", function() return 1 end)" >/dev/null &&
    cli bgrewriteaof >/dev/null &&
    wait_until "test \$(field $A persistence aof_rewrites) = $((rewrites + 1))" &&
    test "$(field $A persistence aof_last_bgrewrite_status)" = ok &&
    base=$(ls "$A_DIR"/appendonlydir/*.base.aof) &&
    head -c 1 "$base" >first && printf "*" >star && test_cmp star first &&
    grep -q "base.aof seq" "$A_DIR"/appendonlydir/*.manifest &&
    cli <reads.txt >expect &&
    mkdir -p copy && cp -r "$A_DIR/appendonlydir" copy/ &&
    start_redis_ref --dir "$TRASH_DIRECTORY/copy" --appendonly yes &&
    redis-cli -p "$REF_PORT" <reads.txt >actual &&
    test_cmp expect actual &&
    grep -q "^hello$" actual
'

test_expect_success 'the base of commands loads back into codis-server' '
    redis-cli -p $A shutdown nosave >/dev/null 2>&1
    wait_until "! kill -0 $A_PID" &&
    codis-server --port $A --bind 127.0.0.1 --dir "$A_DIR" --save "" \
        --appendonly yes --aof-use-rdb-preamble no >>"$A_DIR.log" 2>&1 &
    A_PID=$!
    test_atexit "stop_pid $A_PID" &&
    server_wait_ready $A_PID $A "$A_DIR.log" &&
    redis-cli -p $A <reads.txt >again &&
    test_cmp expect again
'

test_done
