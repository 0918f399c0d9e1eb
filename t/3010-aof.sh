#!/bin/sh
test_description='append-only file: durability, rewrite, truncated tails'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

# run_server DIR ARGS...: start codis-server on a free port in DIR (kept
# across restarts); sets SERVER_PORT, SERVER_PID, SERVER_LOG.
run_server() {
    run_dir=$1
    shift
    SERVER_PORT=$(free_port) || return 1
    SERVER_LOG="$TRASH_DIRECTORY/$(basename "$run_dir")-$SERVER_PORT.log"
    mkdir -p "$run_dir" || return 1
    codis-server --port "$SERVER_PORT" --bind 127.0.0.1 --dir "$run_dir" \
        --save "" --repl-diskless-sync-delay 0 "$@" >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    test_atexit "stop_pid $SERVER_PID"
    server_wait_ready "$SERVER_PID" "$SERVER_PORT" "$SERVER_LOG"
}

# refused LOG ARGS...: codis-server with the AOF of everysec/ (and ARGS)
# refuses to start: exit 1, its output in LOG.
refused() {
    refused_log=$1
    shift
    test_expect_code 1 codis-server --port "$(free_port)" --bind 127.0.0.1 \
        --dir "$TRASH_DIRECTORY/everysec" --save "" --appendonly yes "$@" \
        >"$refused_log" 2>&1
}

# crash: kill -9 the server, as a power cut would (for the process).
crash() {
    kill -9 "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null
    return 0
}

# last_incr DIR: the path of the newest incremental AOF file in DIR.
last_incr() {
    sed -n "s/^file \(.*\.incr\.aof\) seq .* type i$/\1/p" \
        "$1/appendonlydir/appendonly.aof.manifest" | tail -n 1 |
        sed "s|^|$1/appendonlydir/|"
}

# aof_bytes DIR: total size of the AOF files in DIR.
aof_bytes() {
    cat "$1"/appendonlydir/appendonly.aof.* | wc -c
}

# write_keys PREFIX N: N acknowledged SETs, one connection each.
write_keys() {
    i=0
    while [ $i -lt "$2" ]; do
        test "$(cli set "$1:$i" "v$i")" = OK || return 1
        i=$((i + 1))
    done
}

# check_keys PREFIX N: every key of write_keys is there.
check_keys() {
    i=0
    while [ $i -lt "$2" ]; do
        test "$(cli get "$1:$i")" = "v$i" || {
            echo "missing $1:$i" >&2
            return 1
        }
        i=$((i + 1))
    done
}

test_expect_success 'appendonly yes creates the multi-part AOF' '
    run_server "$TRASH_DIRECTORY/always" --appendonly yes \
        --appendfsync always &&
    wait_until "test -f always/appendonlydir/appendonly.aof.manifest" &&
    grep "^file appendonly.aof.1.incr.aof seq 1 type i$" \
        always/appendonlydir/appendonly.aof.manifest &&
    cli info persistence | tr -d "\r" >info &&
    grep "^aof_enabled:1$" info &&
    grep "^aof_last_write_status:ok$" info
'

test_expect_success 'kill -9 keeps every acknowledged write (appendfsync always)' '
    write_keys always 50 &&
    cli -n 4 set other-db yes >/dev/null &&
    cli set expiring v EX 5000 >/dev/null &&
    cli pexpiretime expiring >expiretime &&
    cli incrby counter 7 >/dev/null &&
    cli set doomed 1 >/dev/null &&
    cli del doomed >/dev/null &&
    crash &&
    run_server "$TRASH_DIRECTORY/always" --appendonly yes &&
    check_keys always 50 &&
    test "$(cli exists doomed)" = 0 &&
    test "$(cli -n 4 get other-db)" = yes &&
    test "$(cli get counter)" = 7 &&
    cli pexpiretime expiring >actual &&
    test_cmp expiretime actual &&
    grep "loaded .* commands from" "$SERVER_LOG"
'

test_expect_success 'concurrent writers lose no acknowledged write to kill -9' '
    cat >writers.py <<-\EOF &&
	import socket, sys, threading
	port, per = int(sys.argv[1]), int(sys.argv[2])
	acked = []
	def writer(n):
	    s = socket.create_connection(("127.0.0.1", port))
	    f = s.makefile("rb")
	    best = 0
	    try:
	        for _ in range(per):
	            s.sendall(b"*2\r\n$4\r\nINCR\r\n$4\r\nhits\r\n")
	            line = f.readline()
	            if not line.startswith(b":"):
	                break
	            best = max(best, int(line[1:]))
	    except OSError:
	        pass
	    acked.append(best)
	threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
	for t in threads:
	    t.start()
	for t in threads:
	    t.join()
	print(max(acked))
	EOF
    python3 writers.py $SERVER_PORT 100000 >acked &
    writers=$! &&
    wait_until "test \"\$(cli get hits)\" -gt 2000" &&
    crash &&
    wait $writers &&
    run_server "$TRASH_DIRECTORY/always" --appendonly yes &&
    echo "acknowledged $(cat acked), after restart $(cli get hits)" &&
    test "$(cli get hits)" -ge "$(cat acked)"
'

test_expect_success 'kill -9 keeps acknowledged writes with appendfsync everysec' '
    crash &&
    run_server "$TRASH_DIRECTORY/everysec" --appendonly yes \
        --appendfsync everysec &&
    wait_until "test -f everysec/appendonlydir/appendonly.aof.manifest" &&
    write_keys sec 40 &&
    crash &&
    run_server "$TRASH_DIRECTORY/everysec" --appendonly yes &&
    check_keys sec 40
'

test_expect_success 'BGREWRITEAOF shrinks the files and keeps the data' '
    seq_lines 400 "INCR hits" >incr.txt &&
    cli <incr.txt >/dev/null &&
    test "$(cli get hits)" = 400 &&
    before=$(aof_bytes everysec) &&
    test "$(cli bgrewriteaof)" = "Background append only file rewriting started" &&
    wait_until "cli info persistence | grep -q \"^aof_rewrites:1\"" &&
    after=$(aof_bytes everysec) &&
    echo "AOF bytes before $before, after $after" &&
    test "$after" -lt "$before" &&
    grep "type b$" everysec/appendonlydir/appendonly.aof.manifest &&
    cli set after-rewrite 1 >/dev/null &&
    crash &&
    run_server "$TRASH_DIRECTORY/everysec" --appendonly yes &&
    test "$(cli get hits)" = 400 &&
    test "$(cli get after-rewrite)" = 1 &&
    check_keys sec 40
'

test_expect_success 'every data type survives a rewrite and a crash' '
    cli rpush list a b c >/dev/null &&
    cli hset hash f1 v1 f2 v2 >/dev/null &&
    cli sadd set x y >/dev/null &&
    cli zadd zset 1 one 2 two >/dev/null &&
    rewrites=$(cli info persistence | tr -d "\r" |
               sed -n "s/^aof_rewrites://p") &&
    test "$(cli bgrewriteaof)" = "Background append only file rewriting started" &&
    wait_until "cli info persistence | grep -q \"^aof_rewrites:$((rewrites + 1))\"" &&
    cli rpush list d >/dev/null &&
    cli hdel hash f1 >/dev/null &&
    cli zincrby zset 10 one >/dev/null &&
    for cmd in "lrange list 0 -1" "hmget hash f1 f2" "smismember set x y" \
               "zrange zset 0 -1 withscores"; do
        cli $cmd >>expect.types || return 1
    done &&
    crash &&
    run_server "$TRASH_DIRECTORY/everysec" --appendonly yes &&
    for cmd in "lrange list 0 -1" "hmget hash f1 f2" "smismember set x y" \
               "zrange zset 0 -1 withscores"; do
        cli $cmd >>actual.types || return 1
    done &&
    test_cmp expect.types actual.types
'

test_expect_success 'the AOF takes precedence over the RDB file' '
    cli set only-before-save 1 >/dev/null &&
    test "$(cli save)" = OK &&
    test -f everysec/dump.rdb &&
    cli del only-before-save >/dev/null &&
    crash &&
    run_server "$TRASH_DIRECTORY/everysec" --appendonly yes &&
    test "$(cli exists only-before-save)" = 0 &&
    test "$(cli get hits)" = 400
'

test_expect_success 'a truncated tail is refused with aof-load-truncated no' '
    crash &&
    incr=$(last_incr everysec) &&
    good=$(wc -c <"$incr") &&
    printf "*3\r\n\$3\r\nSET\r\n\$4\r\nhalf" >>"$incr" &&
    refused refused.log --aof-load-truncated no &&
    grep "is truncated at byte $good" refused.log &&
    grep "aof-load-truncated yes" refused.log
'

test_expect_success 'a truncated tail is cut with aof-load-truncated yes' '
    run_server "$TRASH_DIRECTORY/everysec" --appendonly yes \
        --aof-load-truncated yes &&
    grep "dropping the 21 bytes of a partial command" "$SERVER_LOG" &&
    test "$(wc -c <"$incr")" = "$good" &&
    test "$(cli get hits)" = 400 &&
    test "$(cli exists half)" = 0 &&
    cli set after-cut 1 >/dev/null &&
    crash &&
    run_server "$TRASH_DIRECTORY/everysec" --appendonly yes \
        --aof-load-truncated no &&
    test "$(cli get after-cut)" = 1
'

test_expect_success 'a transaction without EXEC at the end is refused or cut' '
    crash &&
    incr=$(last_incr everysec) &&
    good=$(wc -c <"$incr") &&
    printf "*1\r\n\$5\r\nMULTI\r\n*3\r\n\$3\r\nSET\r\n\$8\r\nin-multi\r\n\$1\r\n1\r\n" >>"$incr" &&
    refused multi.log --aof-load-truncated no &&
    grep "truncated at byte $good (a transaction without EXEC follows)" \
        multi.log &&
    run_server "$TRASH_DIRECTORY/everysec" --appendonly yes &&
    test "$(wc -c <"$incr")" = "$good" &&
    test "$(cli exists in-multi)" = 0 &&
    test "$(cli get after-cut)" = 1 &&
    printf "MULTI\nSET in-multi 2\nEXEC\n" >multi.txt &&
    cli <multi.txt >/dev/null &&
    crash &&
    run_server "$TRASH_DIRECTORY/everysec" --appendonly yes \
        --aof-load-truncated no &&
    test "$(cli get in-multi)" = 2
'

test_expect_success 'a corrupt AOF is refused' '
    crash &&
    incr=$(last_incr everysec) &&
    cp "$incr" saved.aof &&
    printf "*2\r\n\$3\r\nGET\r\nxx\r\n" >>"$incr" &&
    refused corrupt.log &&
    grep "bad file format reading the append only file" corrupt.log &&
    cp saved.aof "$incr"
'

test_expect_success 'a bad AOF manifest is refused' '
    manifest="$TRASH_DIRECTORY/everysec/appendonlydir/appendonly.aof.manifest" &&
    cp "$manifest" saved.manifest &&
    for line in "not a manifest line" "file ../../etc/passwd seq 1 type i" \
                "file appendonly.aof.1.incr.aof seq 1 type x"; do
        printf "%s\n" "$line" >>"$manifest" &&
        refused manifest.log &&
        grep "bad AOF manifest .* line $(( $(wc -l <saved.manifest) + 1 ))$" \
            manifest.log &&
        cp saved.manifest "$manifest" || return 1
    done
'

test_expect_success 'CONFIG SET appendonly yes at run time writes a base first' '
    run_server "$TRASH_DIRECTORY/runtime" &&
    write_keys rt 20 &&
    test ! -d runtime/appendonlydir &&
    test "$(cli config set appendonly yes)" = OK &&
    wait_until "cli info persistence | grep -q \"^aof_rewrites:1\"" &&
    grep "type b$" runtime/appendonlydir/appendonly.aof.manifest &&
    cli set after-enable 1 >/dev/null &&
    crash &&
    run_server "$TRASH_DIRECTORY/runtime" --appendonly yes &&
    check_keys rt 20 &&
    test "$(cli get after-enable)" = 1
'

test_expect_success 'CONFIG SET appendonly no stops writing the AOF' '
    test "$(cli config set appendonly no)" = OK &&
    cli info persistence | tr -d "\r" >info &&
    grep "^aof_enabled:0$" info &&
    size=$(aof_bytes runtime) &&
    cli set not-logged 1 >/dev/null &&
    test "$(aof_bytes runtime)" = "$size" &&
    test "$(cli config get appendonly | tail -n 1)" = no
'

test_expect_success 'a replica with appendonly rewrites its AOF after a full sync' '
    start_server &&
    M=$SERVER_PORT &&
    M_PID=$SERVER_PID &&
    write_keys fromsync 30 &&
    run_server "$TRASH_DIRECTORY/replica" --appendonly yes \
        --appendfsync always --slaveof 127.0.0.1 $M &&
    wait_until "cli info replication | grep -q \"^master_link_status:up\"" &&
    wait_until "cli info persistence | grep -q \"^aof_rewrites:[1-9]\"" &&
    redis-cli -p $M set streamed 1 >/dev/null &&
    wait_until "test \"\$(cli get streamed)\" = 1" &&
    crash &&
    stop_pid $M_PID &&
    run_server "$TRASH_DIRECTORY/replica" --appendonly yes &&
    check_keys fromsync 30 &&
    test "$(cli get streamed)" = 1
'

test_done
