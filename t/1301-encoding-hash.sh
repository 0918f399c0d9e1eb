#!/bin/sh
test_description='hash encodings: listpack until a threshold, then hashtable

OBJECT ENCODING and the replies of every hash command are compared with
Debian'"'"'s redis-server across the crossings of hash-max-listpack-entries
and hash-max-listpack-value, also after CONFIG SET of both (and of their
hash-max-ziplist-* aliases).'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

test_expect_success REDIS_REF 'a small hash is a listpack, in insertion order' '
    cat >small.txt <<-\EOT &&
	hset h f v
	object encoding h
	hset h f2 v2 f3 v3
	hgetall h
	hkeys h
	hvals h
	hdel h f2
	hset h f v9 f2 again
	hgetall h
	hincrby h n 5
	hincrbyfloat h x 1.5
	hsetnx h f3 no
	hgetall h
	hscan h 0
	hscan h 0 match f*
	hscan h 0 count 1
	hrandfield h 100 withvalues
	hrandfield h 0 withvalues
	hlen h
	hstrlen h f3
	hexists h f3
	hmget h f f3 nope
	hdel h f f2 f3 n x
	exists h
	EOT
    compare_with_ref small.txt
'

test_expect_success REDIS_REF 'a long value converts, and a delete does not convert back' '
    {
        echo "hset h1 long $(printf "%064d" 1)" &&
        echo "object encoding h1" &&
        echo "hset h1 long $(printf "%065d" 1)" &&
        echo "object encoding h1" &&
        echo "hdel h1 long" &&
        echo "hset h1 a b" &&
        echo "object encoding h1" &&
        echo "hset h2 $(printf "%065d" 2) v" &&
        echo "object encoding h2" &&
        echo "hincrbyfloat h3 f 1" &&
        echo "hset h3 f $(printf "%065d" 3)" &&
        echo "object encoding h3"
    } >long.txt &&
    compare_with_ref long.txt
'

test_expect_success REDIS_REF 'the entries threshold converts at 513 fields' '
    {
        seq_lines 512 "hset big f%d v%d" &&
        echo "object encoding big" &&
        echo "hlen big" &&
        echo "hset big f512 v" &&
        echo "object encoding big" &&
        echo "hget big f100"
    } >entries.txt &&
    compare_with_ref entries.txt
'

test_expect_success REDIS_REF 'CONFIG SET of the thresholds and their aliases' '
    cat >config.txt <<-\EOT &&
	config set hash-max-ziplist-entries 3
	config get hash-max-listpack-entries
	hset c a 1 b 2 c 3
	object encoding c
	hset c d 4
	object encoding c
	config set hash-max-listpack-value 2
	config get hash-max-ziplist-value
	hsetnx c2 abc 1
	object encoding c2
	hset c3 ab 1
	object encoding c3
	hincrbyfloat c4 f 1.25
	object encoding c4
	config set hash-max-listpack-entries 0
	hset c5 a b
	object encoding c5
	config set hash-max-listpack-entries 512
	config set hash-max-listpack-value 64
	EOT
    compare_with_ref config.txt
'

test_expect_success REDIS_REF 'HRANDFIELD on a listpack picks distinct fields' '
    cli del r >/dev/null &&
    cli hset r a 1 b 2 c 3 d 4 e 5 >/dev/null &&
    cli hrandfield r 3 >picked &&
    test_line_count = 3 picked &&
    sort -u picked >uniq &&
    test_line_count = 3 uniq &&
    cli hrandfield r -20 >many &&
    test_line_count = 20 many &&
    ! grep -v "^[a-e]$" many
'

test_done
