# t/lib.sh: a small TAP test library in the style of git's test-lib.
#
# A test script sets test_description, sources this file, runs one
# test_expect_success per behaviour and ends with test_done:
#
#   test_description='what this script checks'
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'title' '
#       codis-server --help >out &&
#       grep usage out
#   '
#   test_done
#
# Each script works in its own scratch directory t/trash.<script>, removed
# when every test passed and kept otherwise. Bodies run in the script's
# shell (so they can set variables); their output is hidden unless -v (or
# TEST_VERBOSE=1) is given. Daemons are started by helpers in t/lib-*.sh,
# which register a stop-by-PID with test_atexit.
#
# Options: -v (show output), -x (trace bodies), -i (stop at first failure).

TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd)
TEST_NAME=$(basename "$0" .sh)
TRASH_DIRECTORY="$TEST_DIRECTORY/trash.$TEST_NAME"
CODIS_BIN_DIR=${CODIS_BIN_DIR:-$TEST_DIRECTORY/../bin}
PATH="$CODIS_BIN_DIR:$PATH"
export PATH CODIS_BIN_DIR TEST_DIRECTORY TRASH_DIRECTORY

test_count=0
test_failed=0
test_verbose=${TEST_VERBOSE:-}
test_trace=
test_immediate=
test_atexit_cmds=
test_when_finished_cmds=
test_prereqs=" "

for arg in "$@"; do
    case "$arg" in
    -v|--verbose) test_verbose=t ;;
    -x) test_trace=t ;;
    -i|--immediate) test_immediate=t ;;
    esac
done

rm -rf "$TRASH_DIRECTORY"
mkdir -p "$TRASH_DIRECTORY" || { echo "Bail out! cannot make $TRASH_DIRECTORY"; exit 1; }
cd "$TRASH_DIRECTORY" || exit 1

# python3 is Debian's when there is one (python3-redis is installed for
# it): a version manager's shim first on PATH, such as pyenv's, costs
# about 0.1 CPU-s a start, and the suite starts python a great many times.
# A symlink first on PATH, not a shell function: "python3 x.py &" must
# leave python's own PID in $!.
if [ -x /usr/bin/python3 ]; then
    mkdir -p "$TRASH_DIRECTORY/.bin" &&
    ln -sf /usr/bin/python3 "$TRASH_DIRECTORY/.bin/python3" &&
    PATH="$TRASH_DIRECTORY/.bin:$PATH"
fi

if [ -n "$test_verbose" ]; then
    exec 4>&2 3>&1
else
    exec 4>"$TRASH_DIRECTORY/.test-output" 3>&4
fi

say() {
    echo "# $*"
}

# test_atexit CMD: run CMD when the script ends, however it ends (newest
# first). Used to stop daemons by PID.
test_atexit() {
    test_atexit_cmds="$1
$test_atexit_cmds"
}

test_run_atexit() {
    if [ -n "$test_atexit_cmds" ]; then
        eval "$test_atexit_cmds" >&3 2>&4
        test_atexit_cmds=
    fi
}

trap 'test_run_atexit' EXIT
trap 'exit 130' INT TERM HUP

# test_when_finished CMD: run CMD after the current test, pass or fail.
test_when_finished() {
    test_when_finished_cmds="$1
$test_when_finished_cmds"
}

# test_set_prereq NAME: mark a prerequisite as present.
test_set_prereq() {
    test_prereqs="$test_prereqs$1 "
}

# test_have_prereq NAME[,NAME...]: true if all are present.
test_have_prereq() {
    for p in $(echo "$1" | tr ',' ' '); do
        case "$test_prereqs" in
        *" $p "*) ;;
        *) return 1 ;;
        esac
    done
    return 0
}

test_run_body() {
    if [ -n "$test_trace" ]; then
        set -x
    fi
    eval "$1"
    test_eval_ret=$?
    set +x
    return $test_eval_ret
}

# test_expect_success [PREREQ] TITLE BODY
test_expect_success() {
    if [ $# = 3 ]; then
        test_prereq=$1
        shift
    else
        test_prereq=
    fi
    test_count=$((test_count + 1))
    if [ -n "$test_prereq" ] && ! test_have_prereq "$test_prereq"; then
        echo "ok $test_count # skip $1 (missing $test_prereq)"
        return 0
    fi
    echo "# test $test_count: $1" >&3
    test_when_finished_cmds=
    test_run_body "$2" >&3 2>&4
    test_ret=$?
    if [ -n "$test_when_finished_cmds" ]; then
        eval "$test_when_finished_cmds" >&3 2>&4
        test_when_finished_cmds=
    fi
    if [ $test_ret = 0 ]; then
        echo "ok $test_count - $1"
    else
        test_failed=$((test_failed + 1))
        echo "not ok $test_count - $1"
        echo "$2" | sed -e 's/^/#	/'
        if [ -z "$test_verbose" ]; then
            tail -n 20 "$TRASH_DIRECTORY/.test-output" | sed -e 's/^/#> /'
        fi
        if [ -n "$test_immediate" ]; then
            test_done
        fi
    fi
}

# skip_all REASON: skip the whole script (call before any test).
skip_all() {
    echo "1..0 # SKIP $1"
    test_run_atexit
    rm -rf "$TRASH_DIRECTORY"
    exit 0
}

test_done() {
    test_run_atexit
    echo "1..$test_count"
    if [ $test_failed = 0 ]; then
        cd "$TEST_DIRECTORY" && rm -rf "$TRASH_DIRECTORY"
        exit 0
    fi
    say "failed $test_failed of $test_count; scratch kept in $TRASH_DIRECTORY"
    exit 1
}

# test_must_fail CMD...: CMD (one of ours) must fail cleanly: a non-zero
# exit that is not a crash (signal) and not "command not found".
test_must_fail() {
    "$@"
    test_exit_code=$?
    if [ $test_exit_code = 0 ]; then
        echo "test_must_fail: command succeeded: $*" >&2
        return 1
    elif [ $test_exit_code -gt 128 ] && [ $test_exit_code -le 192 ]; then
        echo "test_must_fail: died by signal $((test_exit_code - 128)): $*" >&2
        return 1
    elif [ $test_exit_code = 127 ]; then
        echo "test_must_fail: command not found: $*" >&2
        return 1
    fi
    return 0
}

# test_expect_code CODE CMD...: CMD must exit with CODE.
test_expect_code() {
    want=$1
    shift
    "$@"
    got=$?
    if [ "$got" != "$want" ]; then
        echo "test_expect_code: expected exit $want, got $got: $*" >&2
        return 1
    fi
    return 0
}

# test_cmp EXPECT ACTUAL: the files must be equal; show a diff if not.
test_cmp() {
    diff -u "$1" "$2"
}

# test_line_count OP N FILE: the line count of FILE compares to N.
test_line_count() {
    got=$(wc -l < "$3")
    if ! [ "$got" "$1" "$2" ]; then
        echo "test_line_count: $3 has $got lines, expected $1 $2" >&2
        return 1
    fi
}

# wait_until CMD [SECONDS]: poll CMD until it succeeds or SECONDS
# (default 20) pass. Fails on timeout. The pause between polls grows from
# 50 ms to 400 ms: a short wait ends soon, and a long one does not spend
# a busy machine's CPU on polling (each poll starts processes).
wait_until() {
    wait_deadline=$(( $(date +%s) + ${2:-20} ))
    wait_pause_ms=50
    while ! eval "$1" >/dev/null 2>&1; do
        if [ "$(date +%s)" -ge "$wait_deadline" ]; then
            echo "wait_until: timed out waiting for: $1" >&2
            return 1
        fi
        sleep "0.$(printf %03d $wait_pause_ms)"
        if [ $wait_pause_ms -lt 400 ]; then
            wait_pause_ms=$((wait_pause_ms * 2))
        fi
    done
    return 0
}

. "$TEST_DIRECTORY/lib-port.sh"

# seq_lines N FORMAT: print FORMAT once for each i = 0 .. N-1, every %d in
# it replaced by i (e.g. the commands of a load: seq_lines 512 "sadd s %d").
seq_lines() {
    awk -v n="$1" -v f="$2" \
        'BEGIN { for (i = 0; i < n; i++) { s = f; gsub(/%d/, i, s); print s } }'
}

# stop_pid PID: stop a process we started (TERM, then KILL after 10 s).
stop_pid() {
    kill "$1" 2>/dev/null || return 0
    stop_deadline=$(( $(date +%s) + 10 ))
    while kill -0 "$1" 2>/dev/null; do
        if [ "$(date +%s)" -ge "$stop_deadline" ]; then
            kill -9 "$1" 2>/dev/null
            break
        fi
        sleep 0.05
    done
    wait "$1" 2>/dev/null
    return 0
}

for tool in redis-cli python3 curl; do
    if command -v $tool >/dev/null 2>&1; then
        test_set_prereq "$(echo $tool | tr 'a-z-' 'A-Z_')"
    fi
done
