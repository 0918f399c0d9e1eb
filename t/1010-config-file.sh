#!/bin/sh
test_description='redis.conf lines split into words as redis-server splits them'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

# masterauth_from SERVER CONF OUT: start SERVER (redis-server or
# codis-server) with config file CONF and write what CONFIG GET masterauth
# answers to OUT, then stop it.
masterauth_from() {
    port=$(free_port) || return 1
    mkdir -p "dir-$port" || return 1
    "$1" "$2" --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
        --dir "dir-$port" >"$1-$port.log" 2>&1 &
    pid=$!
    server_wait_ready "$pid" "$port" "$1-$port.log" &&
    redis-cli -p "$port" --raw config get masterauth >"$3"
    rc=$?
    stop_pid "$pid"
    return $rc
}

# same_as_redis VALUE: 'masterauth VALUE' gives the same password in both.
same_as_redis() {
    printf 'masterauth %s\n' "$1" >line.conf &&
    masterauth_from redis-server line.conf expect &&
    masterauth_from codis-server line.conf actual &&
    test_cmp expect actual
}

# refused_by_both VALUE: neither server starts with 'masterauth VALUE'
# (both exit 1 at once; 'timeout' only keeps a wrong acceptance from
# hanging the test).
refused_by_both() {
    printf 'masterauth %s\n' "$1" >bad.conf &&
    test_expect_code 1 timeout 30 redis-server bad.conf --port 0 \
        >ref.err 2>&1 &&
    test_expect_code 1 timeout 30 codis-server bad.conf --port 0 \
        2>err &&
    grep "line 1: unbalanced quotes" err
}

test_expect_success REDIS_REF 'backslash-x takes two hex digits, else is an x' '
    same_as_redis "\"a\\x41\\x4a\"" &&
    same_as_redis "\"a\\xzzb\"" &&
    same_as_redis "\"a\\x4\""
'

test_expect_success REDIS_REF 'backslash-b and -a are escapes in quotes' '
    same_as_redis "\"a\\bb\\a\""
'

test_expect_success REDIS_REF 'a quote inside a word opens a quoted part' '
    same_as_redis "foo\"bar baz\"" &&
    same_as_redis "a'"'"'b c'"'"'"
'

test_expect_success REDIS_REF 'single quotes take only an escaped quote' '
    same_as_redis "'"'"'it\\'"'"'s \\n'"'"'"
'

test_expect_success REDIS_REF 'unbalanced quotes are refused' '
    refused_by_both "\"unterminated" &&
    refused_by_both "\"closed\"x"
'


test_expect_success REDIS_REF 'a line longer than any buffer is one line' '
    long=$(printf "%070000d" 7) &&
    same_as_redis "$long"
'

test_done
