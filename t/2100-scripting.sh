#!/bin/sh
test_description='Lua scripting: EVAL, EVALSHA, their _RO forms and SCRIPT

Replies are compared byte for byte with Debian'"'"'s redis-server 7.0.15:
a fixed list of scripts covering every redis.* helper, the sandbox, the
libraries and the conversions both ways, then hundreds of generated
scripts with good and bad arguments. Then the script cache, INFO, and a
script running past busy-reply-threshold.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

# info_field SECTION FIELD: print FIELD of INFO SECTION of the server.
info_field() {
    cli info "$1" | tr -d '\r' | sed -n "s/^$2://p"
}

test_expect_success 'start codis-server' '
    start_server &&
    OUR_PORT=$SERVER_PORT
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

test_expect_success REDIS_REF 'helpers, sandbox, libraries and conversions like Redis' '
    python3 "$TEST_DIRECTORY/lib-script-diff.py" $REF_PORT $OUR_PORT \
        "$TEST_DIRECTORY/lib-script-cases.txt" >diff.out 2>&1 ||
    { cat diff.out; false; }
'

test_expect_success REDIS_REF 'generated scripts and bad arguments like Redis' '
    redis-cli -p $REF_PORT flushall >/dev/null &&
    cli flushall >/dev/null &&
    python3 "$TEST_DIRECTORY/lib-script-gen.py" 12 800 >gen.txt &&
    test_line_count = 800 gen.txt &&
    python3 "$TEST_DIRECTORY/lib-script-diff.py" $REF_PORT $OUR_PORT \
        gen.txt >gen.out 2>&1 ||
    { tail -40 gen.out; false; }
'

test_expect_success 'KEYS and ARGV, EVALSHA of a loaded script' '
    sha=$(cli script load "return {KEYS[1], ARGV[1], #KEYS, #ARGV}") &&
    test "$sha" = "$(printf %s "return {KEYS[1], ARGV[1], #KEYS, #ARGV}" |
                    sha1sum | cut -d" " -f1)" &&
    cli evalsha "$sha" 1 k a b >out &&
    printf "k\na\n1\n2\n" >expect &&
    test_cmp expect out &&
    cli evalsha_ro "$sha" 1 x >out &&
    echo x >expect &&
    test_cmp expect out
'

test_expect_success 'scripts write through redis.call and see their writes' '
    cli eval "redis.call(\"set\", KEYS[1], ARGV[1])
              return redis.call(\"incrby\", KEYS[1], 5)" 1 n 10 >out &&
    echo 15 >expect &&
    test_cmp expect out &&
    test "$(cli get n)" = 15
'

test_expect_success 'the cache is counted in INFO and SCRIPT FLUSH empties it' '
    cli script flush >/dev/null &&
    test "$(info_field memory number_of_cached_scripts)" = 0 &&
    cli script load "return 1" >/dev/null &&
    cli eval "return 2" 0 >/dev/null &&
    test "$(info_field memory number_of_cached_scripts)" = 2 &&
    cli eval "local t = {} for i = 1, 100000 do t[i] = tostring(i) end
              return #t" 0 >/dev/null &&
    big=$(info_field memory used_memory_lua) &&
    test "$big" -gt 100000 &&
    cli script flush async >/dev/null &&
    test "$(info_field memory number_of_cached_scripts)" = 0 &&
    small=$(info_field memory used_memory_lua) &&
    test "$small" -lt "$big" &&
    test "$(cli script exists e0e1f9fabfc9d4800c877a703b823ac0578ff8db)" = 0
'

test_expect_success 'a script cannot keep a global for the next one' '
    cli eval "x = 1" 0 >out 2>&1 &&
    grep "Attempt to modify a readonly table" out &&
    test "$(cli eval "return rawget(_G, \"x\") == nil" 0)" = 1
'

test_done
