#!/bin/sh
test_description='set encodings: intset until a threshold, then hashtable

OBJECT ENCODING and the replies of the set commands are compared with
Debian'"'"'s redis-server: an intset replies in numeric order, a
non-integer or the member past set-max-intset-entries converts it for
good, CONFIG SET changes the threshold at run time.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

test_expect_success REDIS_REF 'an intset replies in numeric order' '
    cat >small.txt <<-\EOT &&
	sadd s 5 -3 100000 7 70000000000 0 -9223372036854775808
	object encoding s
	smembers s
	sadd s 5 12
	srem s 7 nope 8
	smembers s
	sismember s 12
	sismember s 012
	smismember s 5 6 x
	scard s
	sscan s 0
	sscan s 0 match 1*
	srandmember s 100
	srandmember s 0
	sadd t 1 2 3 4 5 6
	sinter s t
	sunion s t
	sdiff t s
	sinterstore d s t
	object encoding d
	sunionstore d2 s t
	object encoding d2
	smembers d2
	sintercard 2 s t
	smove t s 6
	smembers s
	object encoding s
	smove t s 3
	srem s 5 12 -3 100000 70000000000 0 -9223372036854775808 6
	smembers s
	exists s
	EOT
    compare_with_ref small.txt
'

test_expect_success REDIS_REF 'a non-integer or a 513th member converts for good' '
    {
        echo "sadd a 1 2 3" &&
        echo "sadd a x" &&
        echo "object encoding a" &&
        echo "srem a x" &&
        echo "object encoding a" &&
        echo "sadd b 01" &&
        echo "object encoding b" &&
        echo "sadd c 1 +2" &&
        echo "object encoding c" &&
        seq_lines 512 "sadd big %d" &&
        echo "object encoding big" &&
        echo "sadd big 0" &&
        echo "object encoding big" &&
        echo "sadd big 512" &&
        echo "object encoding big" &&
        echo "scard big"
    } >convert.txt &&
    compare_with_ref convert.txt
'

test_expect_success REDIS_REF 'CONFIG SET set-max-intset-entries' '
    cat >config.txt <<-\EOT &&
	config set set-max-intset-entries 3
	config get set-max-intset-entries
	sadd c3 1 2 3
	object encoding c3
	sadd c3 4
	object encoding c3
	sunionstore c4 c3
	object encoding c4
	config set set-max-intset-entries 512
	EOT
    compare_with_ref config.txt
'

test_expect_success 'SPOP and SRANDMEMBER of an intset draw distinct members' '
    cli sadd p 1 2 3 4 5 6 7 8 >/dev/null &&
    cli srandmember p 5 >picked &&
    sort -u picked >uniq &&
    test_line_count = 5 uniq &&
    cli srandmember p -20 >many &&
    test_line_count = 20 many &&
    cli spop p 3 >popped &&
    sort -u popped >uniq &&
    test_line_count = 3 uniq &&
    test "$(cli scard p)" = 5 &&
    for m in $(cat popped); do
        test "$(cli sismember p $m)" = 0 || return 1
    done &&
    cli spop p >one &&
    test "$(cli scard p)" = 4 &&
    test "$(cli object encoding p)" = intset
'

test_done
