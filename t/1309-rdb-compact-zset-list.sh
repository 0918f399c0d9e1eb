#!/bin/sh
test_description='compact RDB types: ZSET_LISTPACK and LIST_QUICKLIST_2

Small sorted sets are saved as ZSET_LISTPACK (type 17), big ones as
ZSET_2; lists as LIST_QUICKLIST_2 node by node, here with small nodes
and inner nodes compressed (list-compress-depth 1) on both servers.
redis-server loads our RDB file and we load its file, DUMP payloads go
both ways through RESTORE; values and OBJECT ENCODING read the same.'
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

SETTINGS="--list-max-listpack-size 4 --list-compress-depth 1"

test_expect_success 'start codis-server with the values' '
    start_server $SETTINGS &&
    {
        echo "zadd z 1 a 2.5 b -3 c 0.1 d 1e300 e -inf f +inf g 12345678901 h" &&
        echo "zadd zlong 1 a 2 $(printf "%070d" 1)" &&
        i=0 &&
        while [ $i -lt 200 ]; do
            echo "zadd zbig $i.5 m$i" &&
            echo "rpush l item-$((i % 7))-abcabcabcabc" &&
            i=$((i + 1)) || return 1
        done &&
        echo "rpush ls a 1 -2 3000000000"
    } >data.txt &&
    cli <data.txt >/dev/null &&
    cat >check.txt <<-\EOT
	zrange z 0 -1 withscores
	object encoding z
	zrange zlong 0 -1 withscores
	object encoding zlong
	zcard zbig
	zrange zbig 100 103 withscores
	object encoding zbig
	llen l
	lrange l 0 5
	lrange l 98 104
	lrange l -3 -1
	object encoding l
	lrange ls 0 -1
	EOT
'

test_expect_success 'values are dumped in the compact types' '
    dump_types_are z 11 zlong 05 zbig 05 l 12 ls 12
'

test_rdb_with_ref check.txt "z zlong zbig l ls" $SETTINGS

test_expect_success REDIS_REF 'a loaded blob converts by entries, not by member length' '
    "$PY" - $REF_PORT $SERVER_PORT >loaded.out <<-\PYEOF &&
	import sys, redis
	ref = redis.Redis(port=int(sys.argv[1]))
	ref.config_set("zset-max-listpack-value", 100)
	ref.zadd("lz", {"x" * 70: 1, "y": 2})
	blob = ref.dump("lz")
	ref.config_set("zset-max-listpack-value", 64)
	ref.config_set("zset-max-listpack-entries", 1)
	ref.zadd("sk", {"a": 1, "b": 2})
	skip = ref.dump("sk")
	ref.config_set("zset-max-listpack-entries", 128)
	for port in sys.argv[1:]:
	    r = redis.Redis(port=int(port))
	    r.restore("r1", 0, blob, replace=True)
	    r.restore("r3", 0, skip, replace=True)
	    r.config_set("zset-max-listpack-entries", 1)
	    r.restore("r2", 0, blob, replace=True)
	    r.config_set("zset-max-listpack-entries", 128)
	    print(port == sys.argv[1], [r.object("encoding", k) for k in
	                                ("r1", "r2", "r3")], r.zrange("r1", 0, -1))
	PYEOF
    cut -d" " -f2- loaded.out | uniq >encodings &&
    test_line_count = 1 encodings &&
    grep -q "listpack.*skiplist.*listpack" encodings
'

test_done
