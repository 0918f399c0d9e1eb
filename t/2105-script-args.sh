#!/bin/sh
test_description='scripting, PF, bit and GEO commands with bad arguments

SCRIPT and FUNCTION subcommands with wrong argument counts and options,
EVAL/EVALSHA/FCALL with bad key counts, every redis.* helper with bad
arguments, the libraries and the sandbox, and bad arguments of the PF*,
BIT* and GEO* commands: replies compared byte for byte with
redis-server 7.0.15.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

test_expect_success REDIS_REF 'every case answers as redis-server' '
    script_diff_with_ref "$TEST_DIRECTORY/lib-script-misc-cases.txt"
'

test_done
