#!/bin/sh
test_description='make run: a whole local cluster from a clean clone, make stop, and again'
. "$(dirname "$0")/lib.sh"

# make run uses the tutorial's fixed ports; a cluster of the developer's
# own (or anything else) on them makes this test meaningless.
port_busy() {
    python3 -c 'import socket, sys
s = socket.socket()
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}
for port in 19000 18087 11000 26379 26380 26479 26480; do
    if port_busy $port; then
        skip_all "port $port is in use (is a 'make run' cluster up?)"
    fi
done
git -C "$TEST_DIRECTORY/.." rev-parse --git-dir >/dev/null 2>&1 ||
    skip_all "not a git checkout: no clean clone to make"

RUN="$TRASH_DIRECTORY/run"

# The clone builds every source from scratch, without optimisation: what
# this test is about is that a clean checkout has all it needs and that
# make run/stop work; the optimised build of the same sources with the
# same warnings as errors is the one under test everywhere else, and
# -O0 costs a third of its CPU.
CLONE_OPT=-O0

# pid_gone PID: no such process, or only its zombie (the roles are
# children of the init process once `codis demo` exits, and it may reap
# them late).
pid_gone() {
    ! kill -0 "$1" 2>/dev/null || ps -o stat= -p "$1" | grep -q Z
}

test_expect_success 'make run from a clean clone starts the cluster' '
    git clone -q "$TEST_DIRECTORY/.." clone &&
    test_atexit "make -C \"$TRASH_DIRECTORY/clone\" stop RUN_DIR=\"$RUN\" >/dev/null 2>&1" &&
    make -C clone run OPT=$CLONE_OPT RUN_DIR="$RUN" >run.out 2>&1 &&
    grep "codis is up" run.out &&
    grep "redis-cli -p 19000" run.out &&
    grep "make stop" run.out
'

test_expect_success 'a SET/GET round trip through the proxy on :19000' '
    redis-cli -p 19000 set hello world | grep OK &&
    test "$(redis-cli -p 19000 get hello)" = world
'

test_expect_success 'keys land on both groups, and their slaves follow' '
    i=0 &&
    while [ $i -lt 200 ]; do
        printf "SET key:%d %d\r\n" $i $i
        i=$((i + 1))
    done | redis-cli -p 19000 >/dev/null &&
    test "$(redis-cli -p 19000 get key:199)" = 199 &&
    g1=$(redis-cli -p 26379 dbsize) &&
    g2=$(redis-cli -p 26479 dbsize) &&
    test "$g1" -gt 0 && test "$g2" -gt 0 &&
    test $((g1 + g2)) = 201 &&
    wait_until "test \"\$(redis-cli -p 26380 dbsize)\" = $g1" &&
    wait_until "test \"\$(redis-cli -p 26480 dbsize)\" = $g2"
'

test_expect_success 'the dashboard answers: API and page' '
    curl -sf http://127.0.0.1:18087/api/overview >overview &&
    grep codis-demo overview &&
    curl -sf -o page.html http://127.0.0.1:18087/admin/ &&
    grep -i "<html" page.html
'

# The clone's binary (bin/ or, under make asan, build-asan/bin/), as the
# running dashboard shows it; demo status only owns up to its own processes.
test_expect_success 'codis demo status lists every process as running' '
    CLONE_CODIS=$(readlink "/proc/$(cat "$RUN/dashboard.pid")/exe") &&
    "$CLONE_CODIS" demo status --dir="$RUN" >status &&
    test_line_count = 7 status &&
    ! grep stopped status &&
    grep "^server-26480 *running" status
'

test_expect_success 'make run again says the cluster is already up' '
    make -C clone run OPT=$CLONE_OPT RUN_DIR="$RUN" >run2.out 2>&1 &&
    grep "already up" run2.out
'

test_expect_success 'make stop leaves no process behind' '
    for f in "$RUN"/*.pid; do cat "$f"; done >pids &&
    test_line_count = 7 pids &&
    make -C clone stop RUN_DIR="$RUN" >stop.out 2>&1 &&
    for pid in $(cat pids); do
        wait_until "pid_gone $pid" || return 1
    done &&
    ! ls "$RUN"/*.pid 2>/dev/null &&
    ! redis-cli -p 19000 ping 2>/dev/null &&
    test_expect_code 1 "$CLONE_CODIS" demo status \
        --dir="$RUN" >status &&
    grep "^dashboard *stopped" status
'

test_expect_success 'make run works again (no stale registration) and keeps the data' '
    make -C clone run OPT=$CLONE_OPT RUN_DIR="$RUN" >run3.out 2>&1 &&
    grep "codis is up" run3.out &&
    redis-cli -p 19000 set again yes | grep OK &&
    test "$(redis-cli -p 19000 get hello)" = world
'

test_expect_success 'make stop stops every process after a rebuild replaced the binary' '
    rm clone/bin/codis &&
    make -C clone all OPT=$CLONE_OPT >build.out 2>&1 &&
    make -C clone stop RUN_DIR="$RUN" >stop2.out 2>&1 &&
    test "$(grep -c "^stopped" stop2.out)" = 7 &&
    ! redis-cli -p 19000 ping 2>/dev/null &&
    ! redis-cli -p 26379 ping 2>/dev/null
'

test_done
