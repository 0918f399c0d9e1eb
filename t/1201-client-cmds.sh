#!/bin/sh
test_description='CLIENT PAUSE, REPLY, NO-EVICT, LIST/INFO fields and the
CLIENT errors, compared with redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

test_expect_success REDIS_REF 'CLIENT subcommand errors and arities' '
    cat >errors.txt <<-\EOF &&
	CLIENT PAUSE
	CLIENT PAUSE abc
	CLIENT PAUSE -1
	CLIENT PAUSE 10 FOO
	CLIENT UNPAUSE x
	CLIENT REPLY
	CLIENT REPLY foo
	CLIENT NO-EVICT
	CLIENT NO-EVICT maybe
	CLIENT NO-EVICT on
	CLIENT NO-EVICT off
	CLIENT GETREDIR x
	CLIENT GETREDIR
	CLIENT CACHING yes
	CLIENT CACHING foo
	CLIENT TRACKING foo
	CLIENT TRACKING on REDIRECT 99999
	CLIENT KILL 1.2.3.4:5
	CLIENT KILL ID abc
	CLIENT KILL ID 0
	CLIENT KILL ADDR x
	CLIENT KILL foo bar
	CLIENT KILL foo
	CLIENT LIST TYPE foo
	CLIENT LIST ID abc
	CLIENT LIST foo
	CLIENT UNBLOCK abc
	CLIENT UNBLOCK 1 foo
	CLIENT UNBLOCK 99999
	CLIENT INFO x
	CLIENT SETNAME "a b"
	CLIENT TRACKINGINFO x
	CLIENT TRACKINGINFO
	CLIENT foo
	EOF
    replay_with_ref errors.txt
'

test_expect_success REDIS_REF 'CLIENT LIST and INFO: fields, order, RESP3 text' '
	cat >list.txt <<-\EOF &&
	@conn 1
	SET a b
	@conn 0
	CLIENT SETNAME me
	@mask
	CLIENT INFO
	@mask
	CLIENT LIST
	CLIENT NO-EVICT on
	HELLO 3
	@mask
	CLIENT INFO
	CONFIG GET maxmemory
	@mask
	CLIENT LIST
	@mask
	CLIENT LIST TYPE normal
	EOF
    replay_with_ref list.txt
'

test_expect_success REDIS_REF 'CLIENT REPLY OFF, SKIP and ON' '
    cat >reply.txt <<-\EOF &&
	!CLIENT REPLY SKIP
	!SET r 1
	GET r
	!CLIENT REPLY OFF
	!SET r 2
	!GET r
	!CLIENT REPLY SKIP
	CLIENT REPLY ON
	GET r
	EOF
    replay_with_ref reply.txt
'

test_expect_success REDIS_REF 'CLIENT REPLY OFF still delivers pushes' '
    cat >reply3.txt <<-\EOF &&
	HELLO 3
	SUBSCRIBE c
	!CLIENT REPLY OFF
	@conn 1
	PUBLISH c m
	@conn 0
	@push
	CLIENT REPLY ON
	EOF
    replay_with_ref reply3.txt
'

cat >pause.py <<\EOF
admin, writer, reader = Conn(port), Conn(port), Conn(port)
print(admin.call("FLUSHALL"))
print(admin.call("CLIENT", "PAUSE", "1000000", "WRITE"))
writer.send("SET", "p", "1")
# Reads go on during a WRITE pause; the held SET has not run.
print(reader.call("GET", "p"))
print(reader.call("EXISTS", "p"))
print(admin.call("CLIENT", "UNPAUSE"))
print(writer.read())
print(reader.call("GET", "p"))
# ALL holds every command, CLIENT UNPAUSE too: the pause ends with its
# time.
print(admin.call("CLIENT", "PAUSE", "300", "ALL"))
writer.send("SET", "p", "2")
print(writer.read())
print(reader.call("GET", "p"))
EOF

test_expect_success 'CLIENT PAUSE WRITE|ALL holds commands until its end' '
    scenario pause.py "$SERVER_PORT" >actual &&
    cat >expect <<-\EOF &&
	OK
	OK
	(nil)
	0
	OK
	OK
	1
	OK
	OK
	2
	EOF
    test_cmp expect actual
'

test_expect_success REDIS_REF 'CLIENT PAUSE replay matches Redis' '
    scenario_with_ref pause.py
'

test_done
