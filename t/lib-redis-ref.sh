# t/lib-redis-ref.sh: compare codis-server with Debian's redis-server.
#
#   . "$TEST_DIRECTORY/lib-redis-ref.sh"
#   start_redis_ref                 # sets REF_PORT; skips if not installed
#   compare_with_ref commands.txt   # same replies from both servers?
#   move_dump FROM TO KEY...        # DUMP on one port, RESTORE on the other
#   dump_types_are KEY TYPE ...     # RDB type bytes of codis-server DUMPs
#   test_rdb_with_ref CHECKS KEYS   # RDB files and DUMPs both ways (tests)
#   both NAME SRC CMD...            # replies to a client from address SRC
#   scenario_with_ref FILE          # a t/lib-resp.py scenario on both
#   script_diff_with_ref CASES      # t/lib-script-diff.py on both
#
# The commands file holds one command per line, as redis-cli reads them
# from standard input. Both servers must start empty; each file should
# use its own keys (or FLUSHALL first).

# start_redis_ref [ARGS...]: start redis-server on a free port, no
# persistence; extra arguments go to redis-server as is.
start_redis_ref() {
    REF_PORT=$(free_port) || return 1
    mkdir -p "$TRASH_DIRECTORY/ref" || return 1
    redis-server --port "$REF_PORT" --bind 127.0.0.1 --save "" \
        --appendonly no --dir "$TRASH_DIRECTORY/ref" "$@" \
        >"$TRASH_DIRECTORY/ref.log" 2>&1 &
    REF_PID=$!
    test_atexit "stop_pid $REF_PID"
    server_wait_ready "$REF_PID" "$REF_PORT" "$TRASH_DIRECTORY/ref.log"
}

# restart_both ARGS...: stop codis-server and redis-server and start both
# again with ARGS.
restart_both() {
    stop_pid $SERVER_PID && stop_pid $REF_PID &&
    start_redis_ref "$@" &&
    start_server "$@"
}

# compare_with_ref FILE: run FILE's commands against both servers and
# show the difference (codis-server's output is 'actual').
compare_with_ref() {
    redis-cli -p "$REF_PORT" <"$1" >"$1.expect" 2>&1 &&
    redis-cli -p "$SERVER_PORT" <"$1" >"$1.actual" 2>&1 &&
    test_cmp "$1.expect" "$1.actual"
}

# replay_with_ref FILE: run FILE's commands through t/lib-resp3.py against
# both servers (raw sockets: RESP3, pushes, several connections) and
# compare the exact reply bytes; codis-server's are 'actual'.
replay_with_ref() {
    python3 "$TEST_DIRECTORY/lib-resp3.py" "$REF_PORT" <"$1" \
        >"$1.expect" 2>&1 &&
    python3 "$TEST_DIRECTORY/lib-resp3.py" "$SERVER_PORT" <"$1" \
        >"$1.actual" 2>&1 &&
    test_cmp "$1.expect" "$1.actual"
}

# move_dump FROM TO KEY...: DUMP each KEY on port FROM and RESTORE it on
# port TO under the same name (REPLACE, t/lib-dump-move.py); fails
# unless each RESTORE is OK.
move_dump() {
    python3 "$TEST_DIRECTORY/lib-dump-move.py" "$@" >move-dump.out ||
    { cat move-dump.out; false; }
}

# dump_types_are KEY TYPE ...: codis-server's DUMP of each KEY starts with
# the RDB type byte TYPE (two hex digits, as redis-cli --no-raw shows it).
dump_types_are() {
    while [ $# -ge 2 ]; do
        cli --no-raw dump "$1" >"dump.$1" &&
        grep -q "^\"\\\\x$2" "dump.$1" || {
            echo "dump_types_are: $1 is not of RDB type 0x$2:" >&2
            cat "dump.$1" >&2
            return 1
        }
        shift 2
    done
}

# test_rdb_with_ref CHECKS KEYS [ARGS...]: four REDIS_REF tests of the
# values that codis-server (already started) holds: redis-server loads
# its RDB file, codis-server loads redis-server's, and the DUMP payloads
# of KEYS (a space-separated list) RESTORE in each direction; after each,
# the commands of the file CHECKS answer the same on both servers. ARGS
# go to both servers (the settings the values were made with).
test_rdb_with_ref() {
    RDB_CHECKS=$1 RDB_KEYS=$2
    shift 2
    RDB_ARGS="$*"
    test_expect_success REDIS_REF 'redis-server loads our RDB file' '
        cli save &&
        mkdir theirs &&
        cp "$SERVER_DIR/dump.rdb" theirs/ &&
        start_redis_ref --dir "$PWD/theirs" $RDB_ARGS &&
        compare_with_ref $RDB_CHECKS
    '
    test_expect_success REDIS_REF 'we load the RDB file of redis-server' '
        redis-cli -p $REF_PORT save &&
        mkdir ours &&
        cp theirs/dump.rdb ours/ &&
        start_server --dir "$PWD/ours" $RDB_ARGS &&
        compare_with_ref $RDB_CHECKS
    '
    test_expect_success REDIS_REF 'DUMP payloads of redis-server RESTORE here' '
        cli flushall &&
        move_dump $REF_PORT $SERVER_PORT $RDB_KEYS &&
        compare_with_ref $RDB_CHECKS
    '
    test_expect_success REDIS_REF 'our DUMP payloads RESTORE in redis-server' '
        redis-cli -p $REF_PORT flushall &&
        move_dump $SERVER_PORT $REF_PORT $RDB_KEYS &&
        compare_with_ref $RDB_CHECKS
    '
}

# scenario_with_ref FILE [ARGS...]: run the Python scenario FILE
# (scenario of t/lib-server.sh) against redis-server (FILE.expect) and codis-server (FILE.actual), standard
# error included, and compare.
scenario_with_ref() {
    scenario_file=$1 && shift &&
    scenario "$scenario_file" "$REF_PORT" "$@" >"$scenario_file.expect" 2>&1 &&
    scenario "$scenario_file" "$SERVER_PORT" "$@" >"$scenario_file.actual" 2>&1 &&
    test_cmp "$scenario_file.expect" "$scenario_file.actual"
}

# script_diff_with_ref CASES: run the script cases of file CASES through
# t/lib-script-diff.py on redis-server and codis-server (SERVER_PORT);
# fails, showing the end of its report, when a reply differs.
script_diff_with_ref() {
    python3 "$TEST_DIRECTORY/lib-script-diff.py" $REF_PORT $SERVER_PORT \
        "$1" >script-diff.out 2>&1 ||
    { tail -n 60 script-diff.out; false; }
}

# from SRC PORT CMD...: one connection from address SRC ("local" for
# 127.0.0.1; 127.0.0.2 reaches 127.0.0.1 but is not loopback for Redis);
# print each command's reply (CMD split on spaces), or "closed" once the
# server closed the connection.
from() {
    python3 - "$@" <<\PYEOF
import os, sys
exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
src, port, cmds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
c = Conn(port, None if src == "local" else src)
for cmd in cmds:
    try:
        c.send(*cmd.split(" "))
    except OSError:
        pass  # closed by the server: its last words are still to read
    try:
        print(c.read())
    except (EOFError, OSError):
        print("closed")
        break
PYEOF
}

# both NAME SRC CMD...: run 'from' against redis-server (NAME.expect) and
# codis-server (NAME.actual) and compare.
both() {
    name=$1 && shift && src=$1 && shift &&
    from "$src" "$REF_PORT" "$@" >"$name.expect" &&
    from "$src" "$SERVER_PORT" "$@" >"$name.actual" &&
    test_cmp "$name.expect" "$name.actual"
}

if command -v redis-server >/dev/null 2>&1; then
    test_set_prereq REDIS_REF
fi

# test_start_both: the opening tests of a comparison script: start
# codis-server, then the reference redis-server (skipped without one).
test_start_both() {
    test_expect_success 'start codis-server' 'start_server'
    test_expect_success REDIS_REF 'start the reference redis-server' '
        start_redis_ref
    '
}
