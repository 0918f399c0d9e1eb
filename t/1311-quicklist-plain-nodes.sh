#!/bin/sh
test_description='plain quicklist nodes for large list elements

With DEBUG QUICKLIST-PACKED-THRESHOLD lowered to 100 bytes on both
servers, elements of 100 bytes or more get plain nodes of their own:
pushes at both ends, LINSERT beside and between small elements, LSET
from small to large and back, pops and trims read the same as on
redis-server, with the same MEMORY USAGE. Plain nodes go through RDB as
QUICKLIST_NODE_CONTAINER_PLAIN both ways, and through DUMP/RESTORE.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

SETTINGS="--enable-debug-command yes --list-max-listpack-size 4"

big() {
    printf "%s%0${2:-120}d" "$1" 0
}

test_expect_success REDIS_REF 'large elements, the same values on both' '
    start_server $SETTINGS &&
    start_redis_ref $SETTINGS &&
    cli debug quicklist-packed-threshold 100 >/dev/null &&
    redis-cli -p $REF_PORT debug quicklist-packed-threshold 100 >/dev/null &&
    cat >data.txt <<-EOT &&
	rpush l a b c d e f g
	rpush l $(big B1)
	lpush l $(big B2)
	rpush l h i
	linsert l before c $(big B3)
	linsert l after $(big B1) j
	linsert l before $(big B2) k
	lset l 4 $(big B4)
	lset l 0 small
	lset l 1 $(big B5 200)
	lset l 1 tiny
	rpush l2 $(big C1) $(big C2) $(big C3)
	lset l2 1 mid
	rpush l3 $(big D1)
	rpush l3 x y z
	EOT
    cli <data.txt >data.out &&
    redis-cli -p $REF_PORT <data.txt >data.expect &&
    test_cmp data.expect data.out &&
    cat >check.txt <<-\EOT
	llen l
	lrange l 0 -1
	lindex l 4
	lrange l2 0 -1
	lrange l3 0 -1
	memory usage l samples 0
	memory usage l2 samples 0
	memory usage l3 samples 0
	EOT
'

test_expect_success REDIS_REF 'values and MEMORY USAGE read the same' '
    compare_with_ref check.txt
'

test_expect_success REDIS_REF 'pops and trims across plain nodes' '
    cat >pop.txt <<-\EOT &&
	rpop l3
	lpop l3
	lrange l3 0 -1
	lpop l2
	lrange l2 0 -1
	ltrim l 2 -2
	lrange l 0 -1
	EOT
    compare_with_ref pop.txt &&
    compare_with_ref check.txt
'

test_expect_success REDIS_REF 'redis-server loads our plain nodes from RDB' '
    cli save >/dev/null &&
    mkdir theirs &&
    cp "$SERVER_DIR/dump.rdb" theirs/ &&
    start_redis_ref --dir "$PWD/theirs" $SETTINGS &&
    compare_with_ref check.txt
'

test_expect_success REDIS_REF 'we load the plain nodes of redis-server' '
    redis-cli -p $REF_PORT save >/dev/null &&
    mkdir ours &&
    cp theirs/dump.rdb ours/ &&
    start_server --dir "$PWD/ours" $SETTINGS &&
    compare_with_ref check.txt
'

test_expect_success REDIS_REF 'DUMP and RESTORE both ways' '
    python3 - $SERVER_PORT $REF_PORT <<-\PYEOF &&
	import socket, sys
	def call(port, *args):
	    s = socket.create_connection(("127.0.0.1", int(port)))
	    out = b"*%d\r\n" % len(args)
	    for a in args:
	        out += b"$%d\r\n%s\r\n" % (len(a), a)
	    s.sendall(out)
	    f = s.makefile("rb")
	    line = f.readline()
	    if line[:1] == b"$":
	        n = int(line[1:])
	        return f.read(n + 2)[:-2]
	    if line[:1] == b"-":
	        raise SystemExit(line.decode())
	    return line
	ours, ref = sys.argv[1], sys.argv[2]
	for k in (b"l", b"l2", b"l3"):
	    call(ref, b"RESTORE", k + b"o", b"0", call(ours, b"DUMP", k))
	    call(ours, b"RESTORE", k + b"o", b"0", call(ref, b"DUMP", k))
	PYEOF
    sed "s/ l\([23]\?\)\( \|$\)/ l\1o\2/" check.txt >checko.txt &&
    compare_with_ref checko.txt
'

test_done
