#!/bin/sh
test_description='compact RDB types: HASH_LISTPACK, SET_INTSET, LIST_QUICKLIST_2

Small hashes, sets of integers and lists are saved in Redis 7'"'"'s compact
types, redis-server loads our file and we load its file, and DUMP
payloads go both ways through RESTORE; the values and their OBJECT
ENCODING read the same on both servers.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

PY=
for py in /usr/bin/python3 python3; do
    if "$py" -c "import redis" 2>/dev/null; then
        PY=$py
        break
    fi
done
if [ -z "$PY" ]; then
    skip_all "python3-redis is not installed"
fi

test_expect_success 'start codis-server with the values' '
    start_server &&
    {
        echo "hset h f1 v1 f2 22 f3 -5 f4 100000 f5 12345678901 f6 -0 f7 007" &&
        echo "hset hbig f $(printf "%070d" 1)" &&
        echo "sadd s 1 2 3 -70000 5000000000 -9223372036854775808" &&
        echo "sadd sbig a b c" &&
        echo "rpush l a b c 1 2 -3 4096" &&
        i=0 &&
        while [ $i -lt 2000 ]; do
            echo "rpush bl element-$i" && i=$((i + 1)) || return 1
        done
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
    for k in h s l bl hbig sbig; do
        cli --no-raw dump $k >dump.$k || return 1
    done &&
    grep -q "^\"\\\\x10" dump.h &&
    grep -q "^\"\\\\x0b" dump.s &&
    grep -q "^\"\\\\x12" dump.l &&
    grep -q "^\"\\\\x12" dump.bl &&
    grep -q "^\"\\\\x04" dump.hbig &&
    grep -q "^\"\\\\x02" dump.sbig
'

test_expect_success REDIS_REF 'redis-server loads our RDB file' '
    cli save &&
    mkdir theirs &&
    cp "$SERVER_DIR/dump.rdb" theirs/ &&
    start_redis_ref --dir "$PWD/theirs" &&
    compare_with_ref check.txt
'

test_expect_success REDIS_REF 'we load the RDB file of redis-server' '
    redis-cli -p $REF_PORT save &&
    mkdir ours &&
    cp theirs/dump.rdb ours/ &&
    start_server --dir "$PWD/ours" &&
    compare_with_ref check.txt
'

# move_dump FROM TO: DUMP each key on port FROM, RESTORE it on port TO
# under the same name (replacing it).
move_dump() {
    "$PY" - "$1" "$2" <<-\PYEOF
	import sys, redis
	src = redis.Redis(port=int(sys.argv[1]))
	dst = redis.Redis(port=int(sys.argv[2]))
	for k in [b"h", b"hbig", b"s", b"sbig", b"l", b"bl"]:
	    dst.restore(k, 0, src.dump(k), replace=True)
	PYEOF
}

test_expect_success REDIS_REF 'DUMP payloads of redis-server RESTORE here' '
    cli flushall &&
    move_dump $REF_PORT $SERVER_PORT &&
    compare_with_ref check.txt
'

test_expect_success REDIS_REF 'our DUMP payloads RESTORE in redis-server' '
    redis-cli -p $REF_PORT flushall &&
    move_dump $SERVER_PORT $REF_PORT &&
    compare_with_ref check.txt
'

test_done
