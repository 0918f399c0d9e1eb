#!/bin/sh
test_description='compact RDB types: HASH_LISTPACK, SET_INTSET, LIST_QUICKLIST_2

Small hashes, sets of integers and lists are saved in Redis 7'"'"'s compact
types, redis-server loads our file and we load its file, and DUMP
payloads go both ways through RESTORE; the values and their OBJECT
ENCODING read the same on both servers.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start codis-server with the values' '
    start_server &&
    {
        echo "hset h f1 v1 f2 22 f3 -5 f4 100000 f5 12345678901 f6 -0 f7 007" &&
        echo "hset hbig f $(printf "%070d" 1)" &&
        echo "sadd s 1 2 3 -70000 5000000000 -9223372036854775808" &&
        echo "sadd sbig a b c" &&
        echo "rpush l a b c 1 2 -3 4096" &&
        seq_lines 2000 "rpush bl element-%d"
    } >data.txt &&
    cli <data.txt >/dev/null &&
    cat >check.txt <<-\EOT
	hgetall h
	object encoding h
	hget hbig f
	object encoding hbig
	smembers s
	object encoding s
	scard sbig
	sismember sbig b
	object encoding sbig
	lrange l 0 -1
	object encoding l
	llen bl
	lrange bl 0 2
	lrange bl 1000 1003
	lrange bl -2 -1
	EOT
'

test_expect_success 'small values are dumped in the compact types' '
    dump_types_are h 10 s 0b l 12 bl 12 hbig 04 sbig 02
'

test_rdb_with_ref check.txt "h hbig s sbig l bl"

test_done
