#!/bin/sh
test_description='FUNCTION RESTORE is all or nothing, as in redis-server

Payloads of several libraries restored under FLUSH, APPEND, REPLACE (and
no policy, and a bad one) onto several starting sets of libraries, with
library and function name conflicts and damaged payloads: the replies and
the libraries afterwards equal redis-server'"'"'s; a failed restore changes
nothing.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start codis-server' '
    start_server
'

test_expect_success 'a conflicting APPEND keeps the libraries as they were' '
    python3 - $SERVER_PORT <<-\PYEOF >actual &&
	import os, sys
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-script-diff.py").read()
	     .split("def main")[0])
	c = Raw(int(sys.argv[1]))
	c.call("FUNCTION", "FLUSH")
	c.call("FUNCTION", "LOAD", "#!lua name=x\nredis.register_function("
	       "\"fx\", function() return 1 end)")
	c.call("FUNCTION", "LOAD", "#!lua name=y\nredis.register_function("
	       "\"fy\", function() return 2 end)")
	r = c.call("FUNCTION", "DUMP")
	both = r[r.index(b"\r\n") + 2:-2]
	c.call("FUNCTION", "DELETE", "y")
	# y is new but x exists: nothing may be added.
	print(c.call("FUNCTION", "RESTORE", both, "APPEND").decode().strip())
	print(c.call("FCALL", "fy", "0").decode().strip())
	print(c.call("FCALL", "fx", "0").decode().strip())
	print(c.call("FUNCTION", "RESTORE", both, "REPLACE").decode().strip())
	print(c.call("FCALL", "fy", "0").decode().strip())
	PYEOF
    cat >expect <<-\EOT &&
	-ERR Library x already exists
	-ERR Function not found
	:1
	+OK
	:2
	EOT
    test_cmp expect actual
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

test_expect_success REDIS_REF 'every policy on every start answers as redis-server' '
    python3 "$TEST_DIRECTORY/lib-function-restore.py" $REF_PORT $SERVER_PORT
'

test_done
