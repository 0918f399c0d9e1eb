#!/bin/sh
test_description='HyperLogLog: PFADD, PFCOUNT, PFMERGE, PFDEBUG build the
same bytes and counts as redis-server, damaged values answer INVALIDOBJ,
and values move both ways by DUMP/RESTORE'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

# Ten million elements take minutes on a loaded machine: only with
# CODIS_TEST_LONG=1.
if [ -n "$CODIS_TEST_LONG" ] && test_have_prereq REDIS_REF; then
    test_set_prereq EXPENSIVE
fi

test_expect_success 'start codis-server' '
    start_server
'

test_expect_success 'PFSELFTEST passes' '
    cli pfselftest >actual &&
    echo OK >expect &&
    test_cmp expect actual
'

test_expect_success 'a new HyperLogLog is sparse with a stale cache' '
    cli pfadd h >actual &&
    cli pfdebug encoding h >>actual &&
    cli pfdebug decode h >>actual &&
    cli getrange h 0 4 >>actual &&
    printf "1\nsparse\nZ:16384\nHYLL\001\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'damaged HyperLogLogs answer INVALIDOBJ, server lives' '
    python3 - $SERVER_PORT >actual <<-\EOT &&
	import os, sys
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
	c = Conn(int(sys.argv[1]))
	hdr = b"HYLL\x01\x00\x00\x00" + b"\x00" * 7 + b"\x80"
	print(c.call("PFADD", "bad", "a", "b", "c"))
	# Opcodes that cover too many registers, too few, or end inside an
	# XZERO; a dense value whose cache is stale but whose length is wrong.
	for name, val in (("over", hdr + b"\xff\xff" + b"\x7f\xff"),
	                  ("under", hdr + b"\x00"),
	                  ("cut", hdr + b"\x7f"),
	                  ("short", b"HYLL\x00" + b"\x00" * 11 + b"\x01"),
	                  ("magic", b"HYLX\x01" + b"\x00" * 11)):
	    c.call("SET", name, val)
	    print(name, c.call("PFCOUNT", name), c.call("PFADD", name, "x"),
	          c.call("PFCOUNT", name, "bad"), c.call("PFMERGE", "m", name))
	print(c.call("PING"))
	EOT
    cat >expect <<-\EOT &&
	1
	over (error) INVALIDOBJ Corrupted HLL object detected 1 (error) INVALIDOBJ Corrupted HLL object detected (error) INVALIDOBJ Corrupted HLL object detected
	under (error) INVALIDOBJ Corrupted HLL object detected (error) INVALIDOBJ Corrupted HLL object detected (error) INVALIDOBJ Corrupted HLL object detected (error) INVALIDOBJ Corrupted HLL object detected
	cut (error) INVALIDOBJ Corrupted HLL object detected (error) INVALIDOBJ Corrupted HLL object detected (error) INVALIDOBJ Corrupted HLL object detected (error) INVALIDOBJ Corrupted HLL object detected
	short (error) WRONGTYPE Key is not a valid HyperLogLog string value. (error) WRONGTYPE Key is not a valid HyperLogLog string value. (error) WRONGTYPE Key is not a valid HyperLogLog string value. (error) WRONGTYPE Key is not a valid HyperLogLog string value.
	magic (error) WRONGTYPE Key is not a valid HyperLogLog string value. (error) WRONGTYPE Key is not a valid HyperLogLog string value. (error) WRONGTYPE Key is not a valid HyperLogLog string value. (error) WRONGTYPE Key is not a valid HyperLogLog string value.
	PONG
	EOT
    test_cmp expect actual &&
    server_alive
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

for seed in 1 2 3 4; do
    test_expect_success REDIS_REF "2000 random PF commands, seed $seed" '
        python3 "$TEST_DIRECTORY/lib-hll-fuzz.py" $REF_PORT $SERVER_PORT \
            $seed 2000
    '
done

for n in 1 10 1000 100000; do
    test_expect_success REDIS_REF "PFCOUNT of $n distinct elements as Redis" '
        cli config set hll-sparse-max-bytes 3000 &&
        redis-cli -p $REF_PORT config set hll-sparse-max-bytes 3000 &&
        python3 "$TEST_DIRECTORY/lib-hll-fuzz.py" $REF_PORT $SERVER_PORT \
            big $n
    '
done

test_expect_success EXPENSIVE 'PFCOUNT of 10M distinct elements as Redis' '
    python3 "$TEST_DIRECTORY/lib-hll-fuzz.py" $REF_PORT $SERVER_PORT \
        big 10000000
'

test_expect_success REDIS_REF 'sparse and dense values move both ways' '
    cli del s d &&
    cli pfadd s a b c &&
    cli pfadd d $(seq 1 3000) &&
    cli pfdebug encoding d >actual &&
    echo dense >expect &&
    test_cmp expect actual &&
    for k in s d; do
        python3 "$TEST_DIRECTORY/lib-dump-move.py" $SERVER_PORT \
            $REF_PORT $k &&
        redis-cli -p $REF_PORT pfadd $k more &&
        python3 "$TEST_DIRECTORY/lib-dump-move.py" $REF_PORT \
            $SERVER_PORT $k &&
        redis-cli -p $REF_PORT pfcount $k >expect &&
        cli pfcount $k >actual &&
        test_cmp expect actual || return 1
    done
'

test_done
