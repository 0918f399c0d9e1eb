#!/bin/sh
test_description='INFO errorstats, total_error_replies and the
rejected_calls/failed_calls of commandstats after commands that fail
before and while running; tracking and throughput fields of INFO;
compared with redis-server 7.0 (times left out)'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success REDIS_REF 'start both servers' '
    start_redis_ref &&
    start_server
'

cat >errors.txt <<\EOT
config resetstat
nosuchcommand a
get
get a b
set s v
lpush s x
incr s
incr s
hset s f v
acl setuser e on nopass +get ~a*
auth e x
get b
get a
set a v
auth default x
multi
get
exec
xadd st 0-0 f v
EOT

# stats PORT: the error counters and each failing command's counts.
stats() {
    redis-cli -p "$1" info everything | tr -d "\r" |
    grep -E "^(errorstat_|total_error_replies|unexpected_error_replies|cmdstat_(get|set|lpush|incr|hset|exec|multi|xadd|nosuchcommand):)" |
    sed "s/usec=[0-9]*,usec_per_call=[0-9.]*,//" | sort
}

test_expect_success REDIS_REF 'errorstats and rejected/failed calls match Redis' '
    redis-cli -p "$REF_PORT" <errors.txt >ref.out 2>&1 &&
    redis-cli -p "$SERVER_PORT" <errors.txt >our.out 2>&1 &&
    test_cmp ref.out our.out &&
    stats "$REF_PORT" >expect &&
    stats "$SERVER_PORT" >actual &&
    test_cmp expect actual &&
    grep -q "^errorstat_WRONGTYPE:count=2" actual &&
    grep -q "^cmdstat_get:calls=1,rejected_calls=4,failed_calls=0" actual
'

test_expect_success REDIS_REF 'CONFIG RESETSTAT clears errorstats' '
    cli config resetstat >/dev/null &&
    cli info errorstats >after &&
    ! grep -q "^errorstat_" after &&
    cli info stats >stats.out &&
    grep -q "^total_error_replies:0" stats.out
'

test_expect_success 'tracking totals and throughput fields' '
    cat >track.txt <<-\EOF &&
	HELLO 3
	CLIENT TRACKING on
	GET t1
	GET t2
	MGET t2 t3
	@conn 1
	HELLO 3
	CLIENT TRACKING on BCAST PREFIX p PREFIX q
	@conn 2
	INFO everything
	EOF
    python3 "$TEST_DIRECTORY/lib-resp3.py" "$SERVER_PORT" <track.txt >track.out &&
    grep -o "tracking_[a-z_]*:[0-9]*" track.out >fields &&
    printf "%s\n" tracking_clients:2 tracking_total_keys:3 \
        tracking_total_items:3 tracking_total_prefixes:2 >fields.expect &&
    test_cmp fields.expect fields &&
    grep -q "instantaneous_input_kbps:[0-9]*\.[0-9][0-9]" track.out &&
    grep -q "instantaneous_output_kbps:[0-9]*\.[0-9][0-9]" track.out
'

test_expect_success 'BGSAVE counts a fork and its time' '
    cli info stats >before &&
    grep -q "^total_forks:0" before &&
    cli bgsave >/dev/null &&
    cli info stats >after &&
    grep -q "^total_forks:1" after &&
    ! grep -q "^latest_fork_usec:0" after
'

test_done
