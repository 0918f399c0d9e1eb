#!/bin/sh
test_description='lists: quicklist nodes bounded by list-max-listpack-size

Redis 7.0 names every list encoding "quicklist"; OBJECT ENCODING and the
replies of the list commands are compared with Debian'"'"'s redis-server
across node boundaries: with the default 8 KB nodes, with nodes of 3
entries and 1 entry, with inner nodes compressed (list-compress-depth 1
and 2), after CONFIG SET of both settings and the list-max-ziplist-size
alias at run time.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

# list_script KEY: commands exercising every list command on KEY (and
# KEY:dst), with elements long enough to fill several 4 KB nodes.
list_script() {
    k=$1
    pad=$(printf "%0100d" 0)
    i=0
    while [ $i -lt 120 ]; do
        echo "rpush $k e$i-$pad" && i=$((i + 1)) || return 1
    done
    cat <<-EOT
	object encoding $k
	llen $k
	lpush $k h1 h2 h3
	rpush $k t1 t2 t3
	lindex $k 0
	lindex $k 60
	lindex $k -1
	lindex $k 500
	lrange $k 58 64
	lrange $k -5 -1
	lset $k 61 replaced-$pad-$pad
	lset $k -2 tail-replaced
	lset $k 900 no
	linsert $k before e30-$pad inserted-before
	linsert $k after e90-$pad inserted-after
	linsert $k after nope x
	lrange $k 28 34
	lrange $k 90 96
	rpush $k dup dup mid dup
	lpush $k dup
	lpos $k dup
	lpos $k dup rank -1
	lpos $k dup rank 2 count 0
	lpos $k dup count 2 maxlen 50
	lrem $k -1 dup
	lrem $k 1 dup
	lrange $k -4 -1
	lrange $k 0 1
	lrem $k 0 dup
	lmove $k $k:dst left right
	lmove $k $k:dst right left
	lmove $k $k left right
	rpoplpush $k $k:dst
	lrange $k:dst 0 -1
	lpop $k 3
	rpop $k 2
	lpop $k
	ltrim $k 10 -10
	llen $k
	lrange $k 0 2
	lrange $k -3 -1
	ltrim $k 5 4
	exists $k
	rpush $k a b c
	lrange $k 0 -1
	object encoding $k
	EOT
}

test_expect_success REDIS_REF 'list commands with the default 8 KB nodes' '
    list_script d >default.txt &&
    compare_with_ref default.txt
'

test_expect_success REDIS_REF 'CONFIG SET of list-max-listpack-size and list-compress-depth' '
    cat >config.txt <<-\EOT &&
	config set list-max-ziplist-size 3
	config get list-max-listpack-size
	config set list-compress-depth 1
	config get list-compress-depth
	config set list-max-listpack-size 0
	config get list-max-ziplist-size
	EOT
    compare_with_ref config.txt
'

test_expect_success REDIS_REF 'list commands over 3-entry nodes, depth 1' '
    cli config set list-max-listpack-size 3 >/dev/null &&
    redis-cli -p $REF_PORT config set list-max-listpack-size 3 >/dev/null &&
    list_script c3 >c3.txt &&
    compare_with_ref c3.txt
'

test_expect_success REDIS_REF 'list commands over 1-entry nodes, depth 2' '
    for p in $SERVER_PORT $REF_PORT; do
        redis-cli -p $p config set list-max-listpack-size 1 >/dev/null &&
        redis-cli -p $p config set list-compress-depth 2 >/dev/null ||
        return 1
    done &&
    list_script c1 >c1.txt &&
    compare_with_ref c1.txt
'

test_expect_success REDIS_REF 'list commands over 4 KB nodes, depth 1' '
    for p in $SERVER_PORT $REF_PORT; do
        redis-cli -p $p config set list-max-listpack-size -1 >/dev/null &&
        redis-cli -p $p config set list-compress-depth 1 >/dev/null ||
        return 1
    done &&
    list_script k4 >k4.txt &&
    compare_with_ref k4.txt
'

test_done
