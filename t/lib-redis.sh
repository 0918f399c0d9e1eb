# t/lib-redis.sh: Debian's redis-server and python3-redis as reference
# peers for persistence and migration tests.
#
#   . "$TEST_DIRECTORY/lib-redis.sh"
#   start_redis DIR          # redis-server on a free port, RDB in DIR
#   rcli get k               # redis-cli against it
#   keys_tool fill|dump PORT # t/lib-keys.py with a python that has redis
#
# start_redis sets REDIS_PORT and REDIS_PID, runs redis-server with --dir
# DIR --dbfilename dump.rdb --save '' (so it loads DIR/dump.rdb if there),
# waits for PING and registers a stop by PID. Prerequisites REDIS_SERVER
# and PYREDIS say whether each peer exists.

# start_redis DIR: start Debian's redis-server with its RDB in DIR.
start_redis() {
    REDIS_PORT=$(free_port) || return 1
    mkdir -p "$1" || return 1
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$1" \
        --dbfilename dump.rdb --save '' --appendonly no \
        >"$1/redis.log" 2>&1 &
    REDIS_PID=$!
    test_atexit "stop_pid $REDIS_PID"
    server_wait_ready "$REDIS_PID" "$REDIS_PORT" "$1/redis.log"
}

# rcli ARGS...: redis-cli against the last started redis-server.
rcli() {
    redis-cli -p "$REDIS_PORT" "$@"
}

# keys_tool ARGS...: run t/lib-keys.py with a python3 that has redis.
keys_tool() {
    "$KEYS_PYTHON" "$TEST_DIRECTORY/lib-keys.py" "$@"
}

if command -v redis-server >/dev/null 2>&1; then
    test_set_prereq REDIS_SERVER
fi
for KEYS_PYTHON in /usr/bin/python3 python3; do
    if "$KEYS_PYTHON" -c 'import redis' 2>/dev/null; then
        test_set_prereq PYREDIS
        break
    fi
done
