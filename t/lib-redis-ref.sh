# t/lib-redis-ref.sh: compare codis-server with Debian's redis-server.
#
#   . "$TEST_DIRECTORY/lib-redis-ref.sh"
#   start_redis_ref                 # sets REF_PORT; skips if not installed
#   compare_with_ref commands.txt   # same replies from both servers?
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

if command -v redis-server >/dev/null 2>&1; then
    test_set_prereq REDIS_REF
fi
