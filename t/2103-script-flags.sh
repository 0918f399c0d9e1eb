#!/bin/sh
test_description='script flags: shebangs and register_function flags

EVAL, EVAL_RO, FCALL and FCALL_RO with every flag (no-writes, allow-oom,
allow-stale, no-cluster, allow-cross-slot-keys), bad shebangs and bad
flags, out of memory and on a read-only replica: replies are compared
byte for byte with redis-server 7.0.15.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start codis-server' '
    start_server
'

test_expect_success 'EVAL_RO refuses a shebang script without no-writes' '
    cli eval_ro "#!lua
return 1" 0 >actual &&
    cli eval_ro "#!lua flags=no-writes
return 1" 0 >>actual &&
    cat >expect <<-\EOT &&
	ERR Can not execute a script with write flag using *_ro command.

	1
	EOT
    test_cmp expect actual
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

test_expect_success REDIS_REF 'every flag case answers as redis-server' '
    script_diff_with_ref "$TEST_DIRECTORY/lib-script-flag-cases.txt"
'

test_done
