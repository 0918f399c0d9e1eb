#!/bin/sh
test_description='Redis 7 functions: FUNCTION and FCALL

Replies are compared byte for byte with Debian'"'"'s redis-server 7.0.15;
FUNCTION DUMP payloads restore on the other server both ways; libraries
survive an RDB reload and are accepted by redis-check-rdb.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start codis-server' '
    start_server &&
    OUR_PORT=$SERVER_PORT
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

test_expect_success REDIS_REF 'LOAD, LIST, DELETE, FLUSH and FCALL like Redis' '
    script_diff_with_ref "$TEST_DIRECTORY/lib-function-cases.txt"
'

# dump_restore FROM TO: FUNCTION DUMP on port FROM, FUNCTION RESTORE on TO.
cat >dump_restore.py <<'PYEOF'
import os, sys
exec(open(os.environ["TEST_DIRECTORY"] + "/lib-script-diff.py").read()
     .split("def main")[0])
src, dst = Raw(int(sys.argv[1])), Raw(int(sys.argv[2]))
reply = src.call("FUNCTION", "DUMP")
payload = reply[reply.index(b"\r\n") + 2:-2]
sys.stdout.write(dst.call("FUNCTION", "RESTORE", payload, *sys.argv[3:])
                 .decode())
PYEOF

test_expect_success REDIS_REF 'a FUNCTION DUMP of redis-server restores here' '
    redis-cli -p $REF_PORT function flush >/dev/null &&
    cli function flush >/dev/null &&
    redis-cli -p $REF_PORT function load "#!lua name=mylib
local function helper(x) return x .. \"!\" end
redis.register_function(\"shout\", function(keys, args)
    return helper(args[1]) end)" >/dev/null &&
    python3 dump_restore.py $REF_PORT $OUR_PORT >out &&
    printf "+OK\r\n" >expect &&
    test_cmp expect out &&
    test "$(cli fcall shout 0 hey)" = "hey!" &&
    python3 dump_restore.py $REF_PORT $OUR_PORT >out &&
    grep -q "already exists" out &&
    python3 dump_restore.py $REF_PORT $OUR_PORT replace >out &&
    test_cmp expect out
'

test_expect_success REDIS_REF 'our FUNCTION DUMP restores on redis-server' '
    cli function load "#!lua name=ours
redis.register_function(\"twice\", function(keys, args)
    return args[1] * 2 end)" >/dev/null &&
    python3 dump_restore.py $OUR_PORT $REF_PORT flush >out &&
    printf "+OK\r\n" >expect &&
    test_cmp expect out &&
    test "$(redis-cli -p $REF_PORT fcall twice 0 21)" = 42 &&
    test "$(redis-cli -p $REF_PORT fcall shout 0 a)" = "a!"
'

test_expect_success 'libraries survive an RDB save and reload' '
    cli debug reload >/dev/null &&
    test "$(cli fcall twice 0 4)" = 8 &&
    cli save >/dev/null &&
    redis-check-rdb "$SERVER_DIR/dump.rdb" >check.out 2>&1 ||
    { cat check.out; false; }
'

test_expect_success 'a restarted server loads its libraries from the RDB' '
    cli shutdown save >/dev/null 2>&1;
    wait_until "! kill -0 $SERVER_PID" &&
    old_dir=$SERVER_DIR &&
    start_server --dir "$old_dir" --dbfilename dump.rdb &&
    test "$(cli fcall twice 0 5)" = 10 &&
    cli function list libraryname ours >out &&
    grep -q twice out
'

test_done
