#!/bin/sh
test_description='client-side caching of keys read by scripts: EVAL,
EVALSHA, EVAL_RO and FCALL that read remember the keys they declare (as
Redis 7.0 does), OPTIN/OPTOUT apply, writes and undeclared keys are not
remembered; invalidation pushes compared byte for byte with redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success REDIS_REF 'start both servers' '
    start_redis_ref &&
    start_server
'

test_expect_success REDIS_REF 'keys read by scripts are invalidated' '
    printf "%s\n" "#!lua name=tl" \
        "redis.register_function(\"rd\", function(keys) return redis.call(\"get\", keys[1]) end)" \
        >lib.lua &&
    redis-cli -p "$REF_PORT" -x function load <lib.lua >/dev/null &&
    redis-cli -p "$SERVER_PORT" -x function load <lib.lua >/dev/null &&
    cat >scripts.txt <<-\EOF &&
	HELLO 3
	CLIENT TRACKING on
	EVAL "return redis.call('"'"'get'"'"', KEYS[1])" 1 k1
	EVAL "return redis.call('"'"'get'"'"', '"'"'u1'"'"')" 0
	EVAL "redis.call('"'"'set'"'"', KEYS[1], '"'"'x'"'"') return 1" 1 k3
	EVAL "redis.call('"'"'get'"'"', '"'"'u2'"'"') return 1" 1 k8
	EVAL_RO "return redis.call('"'"'get'"'"', KEYS[1])" 1 k5
	@conn 1
	SET u1 v
	SET k3 v
	SET k1 v
	@conn 0
	@push
	PING
	@conn 1
	SET k5 v
	SET u2 v
	@conn 0
	@push
	PING
	@conn 1
	SET k8 v
	@conn 0
	@push
	PING
	FCALL rd 1 k4
	@conn 1
	SET k4 v
	@conn 0
	@push
	PING
	CLIENT TRACKING off
	CLIENT TRACKING on OPTIN
	CLIENT CACHING yes
	EVAL "return redis.call('"'"'get'"'"', KEYS[1])" 1 k6
	EVAL "return redis.call('"'"'get'"'"', KEYS[1])" 1 k7
	@conn 1
	SET k7 v
	SET k6 v
	@conn 0
	@push
	PING
	CLIENT TRACKING off
	CLIENT TRACKING on OPTOUT
	CLIENT CACHING no
	EVAL "return redis.call('"'"'get'"'"', KEYS[1])" 1 k9
	EVAL "return redis.call('"'"'get'"'"', KEYS[1])" 1 k10
	@conn 1
	SET k9 v
	SET k10 v
	@conn 0
	@push
	PING
	EOF
    replay_with_ref scripts.txt &&
    grep -c "invalidate" scripts.txt.actual >n &&
    echo 6 >expect && test_cmp expect n
'

test_done
