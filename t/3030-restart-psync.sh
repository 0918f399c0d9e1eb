#!/bin/sh
test_description='a restarted replica continues with PSYNC from its RDB (repl-id, repl-offset, repl-stream-db)'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

# restart_replica DIR PORT MASTER_PORT: start codis-server again in DIR
# on PORT as a replica of MASTER_PORT; sets SERVER_PID.
restart_replica() {
    SERVER_PORT=$2
    SERVER_LOG="$1.restart.log"
    codis-server --port "$2" --bind 127.0.0.1 --dir "$1" --save "" \
        --repl-diskless-sync-delay 0 \
        --slaveof 127.0.0.1 "$3" >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    test_atexit "stop_pid $SERVER_PID"
    server_wait_ready "$SERVER_PID" "$2" "$SERVER_LOG"
}

# start_redis_server NAME [ARGS...]: a Debian redis-server in directory
# NAME on a free port, stopped at exit; sets REDIS_PORT and REDIS_PID.
start_redis_server() {
    redis_dir="$TRASH_DIRECTORY/$1"
    shift
    REDIS_PORT=$(free_port) || return 1
    mkdir -p "$redis_dir" || return 1
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$redis_dir" \
        --save "" --repl-diskless-sync-delay 0 "$@" >"$redis_dir.log" 2>&1 &
    REDIS_PID=$!
    test_atexit "stop_pid $REDIS_PID"
    server_wait_ready "$REDIS_PID" "$REDIS_PORT" "$redis_dir.log"
}

# shutdown_save PORT PID: SHUTDOWN SAVE the server and wait for its exit.
shutdown_save() {
    redis-cli -p "$1" shutdown save >/dev/null 2>&1
    wait_until "! kill -0 $2 2>/dev/null"
}

# restart_cycle MASTER: with a replica R (dir RDIR, pid RPID) in sync,
# stop it with a save, write more on MASTER (in db 5, the db its stream
# last selected, so no SELECT precedes it), restart R from its RDB and
# check it continued: one more partial resync, no full one, every key.
restart_cycle() {
    M=$1 &&
    wait_until "same_offset $M $R" &&
    full=$(server_info $M stats sync_full) &&
    partial=$(server_info $M stats sync_partial_ok) &&
    shutdown_save $R $RPID &&
    test -f "$RDIR/dump.rdb" &&
    redis-cli -p $M -n 5 set while-down 1 >/dev/null &&
    redis-cli -p $M -n 0 set down-db0 2 >/dev/null &&
    redis-cli -p $M -n 5 set down-db5 3 >/dev/null &&
    restart_replica "$RDIR" $R $M &&
    wait_until "link_up $R" &&
    wait_until "same_offset $M $R" &&
    test "$(server_info $M stats sync_full)" = "$full" &&
    test "$(server_info $M stats sync_partial_ok)" = $((partial + 1)) &&
    grep -q "partial resync accepted" "$SERVER_LOG" &&
    test "$(redis-cli -p $R -n 5 get while-down)" = 1 &&
    test "$(redis-cli -p $R -n 0 get down-db0)" = 2 &&
    test "$(redis-cli -p $R -n 5 get down-db5)" = 3 &&
    test "$(redis-cli -p $R -n 0 exists while-down)" = 0 &&
    test "$(redis-cli -p $R dbsize)" = "$(redis-cli -p $M dbsize)" &&
    test "$(redis-cli -p $R -n 5 dbsize)" = "$(redis-cli -p $M -n 5 dbsize)"
}

# fill PORT: 200 keys in db 0, then a few in db 5 (selected last).
fill() {
    seq_lines 200 "SET key:%d value-%d" >load.txt &&
    redis-cli -p "$1" <load.txt >/dev/null &&
    redis-cli -p "$1" -n 5 set in-db-5 five >/dev/null &&
    redis-cli -p "$1" -n 5 rpush list a b c >/dev/null
}

test_expect_success 'a codis master and a replica with data' '
    start_server --repl-backlog-size 1mb &&
    M=$SERVER_PORT &&
    fill $M &&
    start_server --slaveof 127.0.0.1 $M &&
    R=$SERVER_PORT RPID=$SERVER_PID RDIR=$SERVER_DIR &&
    wait_until "link_up $R" &&
    wait_until "same_offset $M $R" &&
    test "$(redis-cli -p $R dbsize)" = 200
'

test_expect_success 'the replica saves its replication position in its RDB' '
    redis-cli -p $R save >/dev/null &&
    redis-check-rdb "$RDIR/dump.rdb" >check.out 2>&1 &&
    grep -q "repl-id" check.out || {
        cat check.out; false; }
'

test_expect_success 'restarted from its RDB, the replica continues with PSYNC' '
    restart_cycle $M
'

test_expect_success 'and again (the restarted replica saves it again)' '
    RPID=$SERVER_PID &&
    restart_cycle $M
'

test_expect_success 'restarted as the replica of another master, it syncs in full' '
    start_server &&
    M2=$SERVER_PORT &&
    redis-cli -p $M2 set only-on-m2 1 >/dev/null &&
    shutdown_save $R $RPID &&
    restart_replica "$RDIR" $R $M2 &&
    RPID=$SERVER_PID &&
    wait_until "link_up $R" &&
    test "$(server_info $M2 stats sync_full)" = 1 &&
    test "$(server_info $M2 stats sync_partial_ok)" = 0 &&
    test "$(redis-cli -p $R dbsize)" = 1 &&
    test "$(redis-cli -p $R get only-on-m2)" = 1 &&
    shutdown_save $R $RPID &&
    restart_replica "$RDIR" $R $M &&
    wait_until "link_up $R" &&
    wait_until "same_offset $M $R" &&
    test "$(redis-cli -p $R dbsize)" = "$(redis-cli -p $M dbsize)"
'

test_expect_success 'redis-server loads the RDB with the replication fields' '
    mkdir -p ref &&
    cp "$RDIR/dump.rdb" ref/dump.rdb &&
    start_redis_server ref &&
    P=$REDIS_PORT &&
    test "$(redis-cli -p $P dbsize)" = "$(redis-cli -p $R dbsize)" &&
    test "$(redis-cli -p $P -n 5 lindex list 2)" = c &&
    stop_pid $REDIS_PID
'

test_expect_success 'a replica of the restarted replica gets the stream in its db' '
    redis-cli -p $M -n 5 set chain-before 1 >/dev/null &&
    wait_until "same_offset $M $R" &&
    start_server --slaveof 127.0.0.1 $R &&
    C=$SERVER_PORT &&
    wait_until "link_up $C" &&
    wait_until "same_offset $M $C" &&
    redis-cli -p $M -n 5 set chain-after 1 >/dev/null &&
    wait_until "same_offset $M $C" &&
    test "$(redis-cli -p $C -n 5 get chain-after)" = 1 &&
    test "$(redis-cli -p $C -n 0 exists chain-after)" = 0 &&
    stop_pid $SERVER_PID
'

test_expect_success 'with redis-server as the master' '
    start_redis_server rmaster &&
    RM=$REDIS_PORT &&
    fill $RM &&
    start_server --slaveof 127.0.0.1 $RM &&
    R=$SERVER_PORT RPID=$SERVER_PID RDIR=$SERVER_DIR &&
    wait_until "link_up $R" &&
    restart_cycle $RM
'

# The stream redis-server (RR) passes on selected db 5 before C syncs, so
# nothing in it says SELECT after C's payload: only the RDB says so.
test_expect_success 'a replica of a redis-server replica: the stream goes to the db of its RDB' '
    start_redis_server rreplica --replicaof 127.0.0.1 $RM &&
    RR=$REDIS_PORT &&
    wait_until "link_up $RR" &&
    redis-cli -p $RM -n 5 set redis-chain-before 1 >/dev/null &&
    wait_until "same_offset $RM $RR" &&
    start_server --slaveof 127.0.0.1 $RR &&
    C=$SERVER_PORT &&
    wait_until "link_up $C" &&
    test "$(redis-cli -p $C -n 5 get redis-chain-before)" = 1 &&
    redis-cli -p $RM -n 5 set redis-chain-after 1 >/dev/null &&
    wait_until "test \"\$(redis-cli -p $C -n 5 get redis-chain-after)\" = 1" &&
    test "$(redis-cli -p $C -n 0 exists redis-chain-after)" = 0 &&
    stop_pid $SERVER_PID
'

test_done
