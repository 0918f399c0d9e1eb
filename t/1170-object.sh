#!/bin/sh
test_description='OBJECT ENCODING, REFCOUNT, IDLETIME and FREQ'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start codis-server' '
    start_server
'

test_expect_success 'OBJECT ENCODING names each type' '
    cli set s hello >/dev/null &&
    cli set n 12 >/dev/null &&
    cli rpush l a >/dev/null &&
    cli hset h f v >/dev/null &&
    cli sadd st m >/dev/null &&
    cli zadd z 1 m >/dev/null &&
    for k in s n l h st z nokey; do cli object encoding $k; done >actual &&
    cat >expect <<-\EOT &&
	embstr
	int
	quicklist
	listpack
	hashtable
	listpack

	EOT
    test_cmp expect actual
'

# Idle time counts whole seconds, and a busy machine may take seconds
# between two commands: so the test lets the key idle 5 s, then checks
# that a use brings the count below what it had grown to (not to 0).
test_expect_success 'OBJECT IDLETIME grows without access and resets on use' '
    wait_until "test \$(cli object idletime l) -ge 5" 30 &&
    cli lrange l 0 -1 >/dev/null &&
    test "$(cli object idletime l)" -lt 5
'

test_expect_success 'OBJECT REFCOUNT of a stored value' '
    cli object refcount h >actual &&
    echo 1 >expect &&
    test_cmp expect actual
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

test_expect_success REDIS_REF 'OBJECT errors match redis-server' '
    cat >object.txt <<-\EOT &&
	set k v
	object freq k
	object idletime nokey
	object encoding nokey
	object bogus k
	object encoding
	object idletime k extra
	EOT
    compare_with_ref object.txt
'

test_done
