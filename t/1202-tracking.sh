#!/bin/sh
test_description='client-side caching: CLIENT TRACKING modes, invalidation
pushes, RESP2 redirect, flushes, compared with redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

test_expect_success REDIS_REF 'TRACKING options, mode switches, TRACKINGINFO' '
    cat >modes.txt <<-\EOF &&
	CLIENT TRACKING on OPTIN BCAST
	CLIENT TRACKING on PREFIX a
	CLIENT TRACKING on BCAST PREFIX ab PREFIX a
	CLIENT TRACKING on OPTIN OPTOUT
	CLIENT TRACKING on BCAST PREFIX a
	CLIENT TRACKING on
	CLIENT TRACKING on BCAST PREFIX a PREFIX b
	CLIENT TRACKING on BCAST PREFIX c
	CLIENT TRACKINGINFO
	CLIENT GETREDIR
	CLIENT CACHING yes
	CLIENT CACHING foo
	CLIENT TRACKING off
	CLIENT TRACKING on OPTIN
	CLIENT TRACKING on OPTOUT
	CLIENT CACHING no
	CLIENT TRACKINGINFO
	CLIENT CACHING yes
	CLIENT TRACKINGINFO
	CLIENT TRACKING off
	CLIENT TRACKING on OPTOUT NOLOOP
	CLIENT CACHING no
	CLIENT TRACKINGINFO
	CLIENT TRACKING off
	CLIENT TRACKINGINFO
	CLIENT GETREDIR
	EOF
    replay_with_ref modes.txt
'

test_expect_success REDIS_REF 'RESP3 invalidations: default, NOLOOP, BCAST, OPTIN, flush' '
    cat >push.txt <<-\EOF &&
	FLUSHALL
	HELLO 3
	CLIENT TRACKING on
	GET k
	SET k v
	@push
	GET k
	@conn 1
	SET k w
	@conn 0
	@push
	GET k
	FLUSHALL
	@push
	MULTI
	GET k
	SET k 1
	GET k
	EXEC
	@push
	CLIENT TRACKING off
	CLIENT TRACKING on NOLOOP
	GET k
	SET k 2
	GET k
	@conn 1
	DEL k
	@conn 0
	@push
	CLIENT TRACKING off
	CLIENT TRACKING on BCAST PREFIX a PREFIX b
	MSET a1 1 b1 2 c 3 a2 4
	@push
	@push
	CLIENT TRACKING off
	CLIENT TRACKING on OPTIN
	GET x
	@conn 1
	SET x 1
	@conn 0
	CLIENT CACHING yes
	GET x
	@conn 1
	SET x 2
	@conn 0
	@push
	CLIENT TRACKING off
	CLIENT TRACKING on OPTOUT
	CLIENT CACHING no
	GET y
	GET z
	@conn 1
	MSET y 1 z 1
	@conn 0
	@push
	EOF
    replay_with_ref push.txt
'

test_expect_success REDIS_REF 'RESP2 redirect to __redis__:invalidate' '
    cat >redirect.txt <<-\EOF &&
	FLUSHALL
	@conn 2
	@mask
	CLIENT ID
	SUBSCRIBE __redis__:invalidate
	@conn 0
	CLIENT TRACKING on REDIRECT {last}
	GET r
	SET r 1
	@conn 2
	@push
	@conn 0
	FLUSHDB
	@conn 2
	@push
	@conn 0
	GET r2
	EXPIRE r2 100
	SET r2 x
	GET r2
	EXPIRE r2 100
	@conn 2
	@push
	@conn 0
	@mask
	CLIENT GETREDIR
	CLIENT TRACKING on BCAST
	EOF
    replay_with_ref redirect.txt
'

test_done
