#!/bin/sh
test_description='RDB snapshots: SAVE, BGSAVE, restart, save rules, exchange with redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis.sh"

# The dataset: every type when the server has them, else strings only.
DATASET=strings

test_expect_success PYREDIS 'fill a server with every kind of value' '
    start_server &&
    FIRST_DIR=$SERVER_DIR && FIRST_PID=$SERVER_PID &&
    if cli rpush probe x | grep -q "^1$"; then
        DATASET=all && cli del probe
    fi &&
    keys_tool fill $SERVER_PORT $DATASET &&
    keys_tool dump $SERVER_PORT >before &&
    test_line_count -gt 4000 before &&
    cli pexpiretime s:ttl >expiretime &&
    test "$(cat expiretime)" -gt 0
'

test_expect_success PYREDIS 'SAVE writes a file redis-check-rdb accepts' '
    cli save >out &&
    echo OK >expect &&
    test_cmp expect out &&
    redis-check-rdb "$FIRST_DIR/dump.rdb" >check &&
    grep "RDB looks OK" check &&
    cli lastsave >lastsave &&
    test "$(cat lastsave)" -gt 0 &&
    cli info persistence >info &&
    grep "^rdb_changes_since_last_save:0" info
'

test_expect_success PYREDIS 'a restart loads every value and TTL back' '
    stop_pid $FIRST_PID &&
    start_server --dir "$FIRST_DIR" --enable-debug-command local &&
    keys_tool dump $SERVER_PORT >after &&
    test_cmp before after &&
    cli pexpiretime s:ttl >after-expiretime &&
    test_cmp expiretime after-expiretime &&
    grep "loaded .* keys" "$SERVER_LOG"
'

test_expect_success PYREDIS 'DEBUG RELOAD keeps the dataset' '
    cli debug reload >out &&
    echo OK >expect &&
    test_cmp expect out &&
    keys_tool dump $SERVER_PORT >after &&
    test_cmp before after
'

test_expect_success PYREDIS 'a value larger than the write buffer saves and loads whole' '
    head -c 300000 /dev/urandom | base64 -w 0 >bigval &&
    redis-cli -p "$SERVER_PORT" -x set rdb:bigval <bigval >out &&
    echo OK >expect &&
    test_cmp expect out &&
    cli save &&
    redis-check-rdb "$FIRST_DIR/dump.rdb" >check &&
    grep "RDB looks OK" check &&
    cli debug reload &&
    cli --no-raw strlen rdb:bigval >len &&
    echo "(integer) $(wc -c <bigval)" >expect &&
    test_cmp expect len &&
    cli get rdb:bigval >got &&
    echo >>bigval &&
    test_cmp bigval got &&
    cli del rdb:bigval
'

test_expect_success PYREDIS 'BGSAVE saves in a child and reports success' '
    cli set bg:new value &&
    keys_tool dump $SERVER_PORT >before &&
    cli bgsave >out &&
    grep "Background saving started" out &&
    wait_until "cli info persistence | grep -q rdb_bgsave_in_progress:0" &&
    wait_until "cli info persistence | grep -q rdb_changes_since_last_save:0" &&
    cli info persistence >info &&
    grep "rdb_last_bgsave_status:ok" info &&
    grep "background saving terminated with success" "$SERVER_LOG" &&
    ! ls "$FIRST_DIR"/temp-*.rdb
'

test_expect_success PYREDIS,REDIS_SERVER 'redis-server loads our file' '
    mkdir theirs &&
    cp "$FIRST_DIR/dump.rdb" theirs/ &&
    start_redis "$PWD/theirs" &&
    keys_tool dump $REDIS_PORT >redis-view &&
    test_cmp before redis-view
'

test_expect_success PYREDIS,REDIS_SERVER 'we load the file of redis-server' '
    rcli flushall &&
    keys_tool fill $REDIS_PORT $DATASET &&
    keys_tool dump $REDIS_PORT >redis-before &&
    rcli save &&
    mkdir -p ours &&
    cp theirs/dump.rdb ours/ &&
    start_server --dir "$PWD/ours" &&
    keys_tool dump $SERVER_PORT >ours-view &&
    test_cmp redis-before ours-view
'

corrupt() {
    python3 - "$1" "$2" <<-\PYEOF
	import sys
	path, how = sys.argv[1], sys.argv[2]
	data = bytearray(open(path, "rb").read())
	if how == "checksum":
	    data[-1] ^= 0x55
	elif how == "truncate":
	    data = data[: len(data) // 2]
	else:
	    data[0:5] = b"HELLO"
	open(path, "wb").write(data)
	PYEOF
}

for how in checksum truncate signature; do
    test_expect_success PYREDIS "a corrupt file ($how) stops the start with exit 1" "
        mkdir -p bad-$how &&
        cp '$FIRST_DIR/dump.rdb' bad-$how/ &&
        corrupt bad-$how/dump.rdb $how &&
        test_expect_code 1 codis-server --port \$(free_port) --bind 127.0.0.1 \
            --dir \"\$PWD/bad-$how\" --save '' >bad-$how.log 2>&1 &&
        grep 'cannot load the RDB file' bad-$how.log
    "
done

test_expect_success PYREDIS 'the log says what is wrong with the file' '
    grep "wrong RDB checksum" bad-checksum.log &&
    grep "unexpected end of data" bad-truncate.log &&
    grep "wrong signature" bad-signature.log
'

test_expect_success 'save rules start a BGSAVE after enough changes' '
    start_server --save "1 1" &&
    cli set rule:key v &&
    wait_until "cli info persistence | grep -q rdb_changes_since_last_save:0" 10 &&
    test -f "$SERVER_DIR/dump.rdb" &&
    cli config set save "" &&
    cli config get save >out &&
    test "$(sed -n 2p out)" = ""
'

test_expect_success 'SHUTDOWN saves when save rules are set, NOSAVE does not' '
    start_server --save "3600 1" &&
    DIR1=$SERVER_DIR PID1=$SERVER_PID PORT1=$SERVER_PORT &&
    cli set kept yes &&
    cli shutdown ;
    wait_until "! kill -0 $PID1" &&
    test -f "$DIR1/dump.rdb" &&
    start_server --dir "$DIR1" --save "3600 1" &&
    test "$(cli get kept)" = yes &&
    cli set dropped yes &&
    PID2=$SERVER_PID &&
    cli shutdown nosave ;
    wait_until "! kill -0 $PID2" &&
    start_server --dir "$DIR1" &&
    test "$(cli get kept)" = yes &&
    test -z "$(cli get dropped)"
'

test_expect_success 'SIGTERM saves too when save rules are set' '
    start_server --save "3600 1" &&
    cli set by-signal yes &&
    stop_pid $SERVER_PID &&
    DIR3=$SERVER_DIR &&
    start_server --dir "$DIR3" &&
    test "$(cli get by-signal)" = yes
'

test_done
