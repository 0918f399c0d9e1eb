#!/bin/sh
test_description='SORT and SORT_RO over lists, sets and sorted sets,
compared with redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

test_expect_success REDIS_REF 'SORT replies and errors match redis-server' '
    cat >sort.txt <<-\EOT &&
	flushall
	rpush nums 3 1 2 10 -5 2.5
	sort nums
	sort nums desc
	sort nums limit 1 2
	sort nums limit 4 10
	sort nums limit 10 2
	sort nums limit -1 2
	sort nums alpha
	sort nums alpha desc limit 0 3
	rpush words banana apple cherry
	sort words
	sort words alpha
	mset w_apple 3 w_banana 1 w_cherry 2
	sort words by w_*
	sort words by w_* desc get #
	sort words by nosort
	sort words by w_* get w_* get # get nokey_*
	hset h_apple f 30 h_banana f 10
	sort words by h_*->f
	sort words by h_*->f get h_*->f
	sort words by w_* alpha
	sort words by h_*->f alpha
	sort words alpha store out
	lrange out 0 -1
	sort words by w_* get # get w_* store out2
	lrange out2 0 -1
	sort nokey
	sort nokey store out3
	exists out3
	sadd s 5 3 9 1
	sort s
	sort s desc limit 0 2
	zadd z 1 c 2 a 3 b
	sort z alpha
	sort z by nosort
	sort z by nosort desc limit 0 2
	sort z by nosort limit 1 1
	sort s by nosort store sstore
	lrange sstore 0 -1
	sort words limit
	sort words bogus
	sort words limit x 1
	set str v
	sort str
	sort_ro nums desc
	sort_ro nums store x
	sort
	EOT
    compare_with_ref sort.txt
'

test_expect_success 'SORT of a large list matches sort(1)' '
    seq 1 2000 | awk "{ print (\$1 * 7919) % 2003 }" >values &&
    sed "s/^/rpush big /" values | cli >/dev/null &&
    cli sort big >actual &&
    sort -n values >expect &&
    test_cmp expect actual
'

test_expect_success 'every key is still in the slot index' '
    cli slotscheck >actual &&
    echo OK >expect &&
    test_cmp expect actual
'

test_done
