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
    script_diff_with_ref "$TEST_DIRECTORY/lib-script-cases.txt"
'

test_expect_success REDIS_REF 'generated scripts and bad arguments like Redis' '
    redis-cli -p $REF_PORT flushall >/dev/null &&
    cli flushall >/dev/null &&
    python3 "$TEST_DIRECTORY/lib-script-gen.py" 12 800 >gen.txt &&
    test_line_count = 800 gen.txt &&
    script_diff_with_ref gen.txt
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
    grep -q "Attempt to modify a readonly table" out &&
    test "$(cli eval "return rawget(_G, \"x\") == nil" 0)" = 1
'

# busy_py: the scenario of the busy tests in Python (several clients).
cat >busy.py <<'PYEOF'
import os, sys, time
exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
port, script = int(sys.argv[1]), sys.argv[2]
a, b = Conn(port), Conn(port)
a.send("EVAL", script, "0")
deadline = time.time() + 30
while True:
    r = b.call("PING")
    if isinstance(r, str) and r.startswith("(error) BUSY"):
        break
    assert time.time() < deadline, "never busy: %r" % r
print(r)
print(b.call("GET", "x"))
print(b.call("FUNCTION", "KILL"))
print(b.call("SCRIPT", "KILL"))
if sys.argv[3] == "kill":
    a.sock.settimeout(30)
    print(a.read())
    print(b.call("PING"))
else:
    try:
        print(b.call("SHUTDOWN", "NOSAVE"))
    except EOFError:
        print("closed")
PYEOF

test_expect_success 'a long script makes others wait: -BUSY, then SCRIPT KILL' '
    cli config set lua-time-limit 50 >/dev/null &&
    test "$(cli config get busy-reply-threshold | tail -1)" = 50 &&
    python3 busy.py $OUR_PORT "local i = 0 while true do i = i + 1 end" \
        kill >out &&
    cat >expect <<-\EOT &&
	(error) BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.
	(error) BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.
	(error) BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.
	OK
	(error) ERR Script killed by user with SCRIPT KILL... script: 5a8c1d3f3d3b5e5b2a1c7a7e0c9e4ba5c27c6c7c, on @user_script:1.
	PONG
	EOT
    sed "s/script: [0-9a-f]*,/script: SHA,/" out >out.sha &&
    sed "s/script: [0-9a-f]*,/script: SHA,/" expect >expect.sha &&
    test_cmp expect.sha out.sha &&
    test "$(cli script kill)" = "NOTBUSY No scripts in execution right now."
'

test_expect_success 'a script that wrote is unkillable; SHUTDOWN NOSAVE ends it' '
    python3 busy.py $OUR_PORT \
        "redis.call(\"set\", \"w\", 1) while true do end" shutdown >out &&
    cat >expect <<-\EOT &&
	(error) BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.
	(error) BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.
	(error) BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.
	(error) UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.
	closed
	EOT
    test_cmp expect out &&
    wait_until "! kill -0 $SERVER_PID 2>/dev/null"
'

test_done
