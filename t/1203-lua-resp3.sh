#!/bin/sh
test_description='Lua under redis.setresp(3): RESP3 replies to Lua values
and Lua values to RESP3 replies, compared with redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

cat >lua.txt <<\EOF
HELLO 3
HSET hh a 1
ZADD zz 1.5 a
SADD ss m
SET str v
EVAL "redis.setresp(3); local r = redis.call('hgetall','hh'); return type(r.map) .. ':' .. r.map.a" 0
EVAL "redis.setresp(3); local r = redis.call('smembers','ss'); return tostring(r.set.m)" 0
EVAL "redis.setresp(3); local r = redis.call('zscore','zz','a'); return type(r) .. ':' .. tostring(r.double)" 0
EVAL "redis.setresp(3); local r = redis.call('get','nope'); return type(r)" 0
EVAL "redis.setresp(2); local r = redis.call('get','nope'); return type(r)" 0
EVAL "redis.setresp(3); return redis.call('hgetall','hh')" 0
EVAL "redis.setresp(3); return redis.call('smembers','ss')" 0
EVAL "redis.setresp(3); return redis.call('zscore','zz','a')" 0
EVAL "redis.setresp(3); return redis.call('get','nope')" 0
EVAL "redis.setresp(3); return redis.call('info','keyspace')" 0
EVAL "redis.setresp(3); local r = redis.call('info','keyspace'); return type(r)" 0
EVAL "redis.setresp(3); return redis.call('exists','nope', 'str')" 0
EVAL "redis.setresp(3); return {redis.call('zscore','zz','a'), 1}" 0
EVAL "return {double=3.14}" 0
EVAL "return {double=1/0}" 0
EVAL "return {map={a=1}}" 0
EVAL "return {set={a=true}}" 0
EVAL "return {big_number='12345678901234567890'}" 0
EVAL "return {verbatim_string={format='txt', string='hello'}}" 0
EVAL "return true" 0
EVAL "return false" 0
EVAL "return nil" 0
EVAL "redis.setresp(3); return redis.call('zrange','zz',0,-1,'withscores')" 0
EVAL "redis.setresp(3); return redis.call('hrandfield','nope')" 0
EVAL "redis.setresp(3); local t = redis.call('zrange','zz',0,-1,'withscores'); return t[1][2].double" 0
HELLO 2
EVAL "redis.setresp(3); return redis.call('hgetall','hh')" 0
EVAL "return {double=3.14}" 0
EVAL "return {map={a=1}}" 0
EVAL "return {set={a=true}}" 0
EVAL "return true" 0
EVAL "return {big_number='123'}" 0
EVAL "return {verbatim_string={format='txt', string='hello'}}" 0
EVAL "redis.setresp(3); return redis.call('get','nope')" 0
HELLO 3
EVAL "redis.setresp(3); return true" 0
EVAL "redis.setresp(3); return false" 0
EVAL "redis.setresp(3); return {true, false, 1}" 0
EVAL "redis.setresp(3); return redis.call('exists','x') == 0" 0
EVAL "redis.setresp(3); return {map={a=true}}" 0
EVAL "redis.setresp(2); return true" 0
EVAL "return redis.setresp(4)" 0
EVAL "return redis.setresp()" 0
HELLO 2
EVAL "redis.setresp(3); return true" 0
EVAL "redis.setresp(3); return false" 0
EOF

test_expect_success REDIS_REF 'conversions both ways, for RESP2 and RESP3 callers' '
    replay_with_ref lua.txt
'

test_done
