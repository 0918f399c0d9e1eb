#!/bin/sh
test_description='MEMORY USAGE, STATS, MALLOC-STATS, PURGE'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

test_expect_success REDIS_REF 'MEMORY errors match redis-server' '
    cat >errors.txt <<-\EOT &&
	set k hello
	memory bogus
	memory usage
	memory usage nokey
	memory stats extra
	memory malloc-stats extra
	memory usage k samples
	memory usage k samples -1
	memory usage k foo 1
	memory purge
	EOT
    compare_with_ref errors.txt
'

test_expect_success 'MEMORY USAGE follows the encoding and the size' '
    cli hset small f v >/dev/null &&
    small=$(cli memory usage small) &&
    seq_lines 600 "hset big f%d value%d" >big.txt &&
    cli <big.txt >/dev/null &&
    test "$(cli object encoding big)" = hashtable &&
    big=$(cli memory usage big samples 0) &&
    test "$big" -gt $((small * 100)) &&
    cli set s $(printf "%0200d" 1) >/dev/null &&
    test "$(cli memory usage s)" -gt 200 &&
    test "$(cli memory usage nokey)" = ""
'

test_expect_success 'MEMORY STATS and MALLOC-STATS report the allocator' '
    cli memory stats >stats &&
    grep -A1 "^allocator.allocated$" stats >allocated &&
    test "$(sed -n 2p allocated)" -gt 0 &&
    grep "^keys.count$" stats &&
    cli memory malloc-stats >malloc &&
    if cli info memory | grep -q mem_allocator:jemalloc; then
        grep -q "jemalloc statistics" malloc
    else
        test -s malloc
    fi
'

test_done
