# t/lib-proxy.sh: start codis-proxy for a test script.
#
#   . "$TEST_DIRECTORY/lib-proxy.sh"
#   start_proxy [ARGS...]      # e.g. -c proxy.ini, or --fillslots=slots.json
#   pcli get foo               # redis-cli against it
#
# start_proxy takes two free ports on 127.0.0.1 (clients, HTTP), runs
# `codis proxy ARGS` with its log in proxy-<port>.log, polls /debug/vars
# until it answers (failing fast, with the log, if the process died) and
# registers a stop by PID at exit. It sets PROXY_PORT, PROXY_ADDR,
# PROXY_HTTP, PROXY_PID and PROXY_LOG. Set PROXY_WANT_PORT beforehand to
# listen on that port instead (it is cleared).

# start_proxy [ARGS...]: start a proxy; fail if it does not come up.
start_proxy() {
    PROXY_PORT=${PROXY_WANT_PORT:-$(free_port)} &&
    PROXY_HTTP=127.0.0.1:$(free_port) || return 1
    PROXY_WANT_PORT=
    PROXY_ADDR=127.0.0.1:$PROXY_PORT
    PROXY_LOG="$TRASH_DIRECTORY/proxy-$PROXY_PORT.log"
    codis proxy --addr="$PROXY_ADDR" --http-addr="$PROXY_HTTP" \
        -L "$PROXY_LOG" "$@" >"$PROXY_LOG.out" 2>&1 &
    PROXY_PID=$!
    test_atexit "stop_pid $PROXY_PID"
    proxy_deadline=$(( $(date +%s) + 20 ))
    while ! curl -sf "http://$PROXY_HTTP/debug/vars" >/dev/null 2>&1; do
        if ! kill -0 "$PROXY_PID" 2>/dev/null; then
            echo "start_proxy: proxy died:" >&2
            cat "$PROXY_LOG.out" "$PROXY_LOG" >&2 2>/dev/null
            return 1
        fi
        if [ "$(date +%s)" -ge "$proxy_deadline" ]; then
            echo "start_proxy: no answer on $PROXY_HTTP" >&2
            return 1
        fi
        sleep 0.05
    done
}

# start_other_proxy ARGS...: start_proxy ARGS, but keep PROXY_PORT,
# PROXY_ADDR, PROXY_PID, PROXY_HTTP and PROXY_LOG of the current proxy
# (pcli still talks to it); the new proxy's port is OTHER_PORT.
start_other_proxy() {
    other_saved="$PROXY_PORT $PROXY_ADDR $PROXY_PID $PROXY_HTTP $PROXY_LOG"
    start_proxy "$@"
    other_rc=$?
    OTHER_PORT=$PROXY_PORT
    set -- $other_saved
    PROXY_PORT=$1 PROXY_ADDR=$2 PROXY_PID=$3 PROXY_HTTP=$4 PROXY_LOG=$5
    return $other_rc
}

# pcli ARGS...: redis-cli against the last started proxy.
pcli() {
    redis-cli -p "$PROXY_PORT" "$@"
}

# proxy_wait_exit PID: wait (up to 20 s) for our child PID to exit and
# set PROXY_EXIT to its exit status. Not in a subshell: only the shell
# that started PID can collect its status.
proxy_wait_exit() {
    wait_until "! kill -0 $1" 20 || return 1
    wait "$1"
    PROXY_EXIT=$?
}

# The coordinator-mode scripts (t/41xx) share a cluster shape, built with
# t/lib-server.sh and t/lib-dashboard.sh (source them first):
#
#   proxy_first_server          # before any test: S1, or skip_all
#   test_expect_success '...' '
#       write_dashboard_config && start_dashboard && ok_json &&
#       proxy_two_groups &&         # S2; group 1: S1, group 2: S2
#       proxy_online p1 --cpu=2     # proxy p1 online (PROXY_PORT ...)
#   '

# proxy_first_server: start the first codis server and set S1 to its
# port; skip the script without curl or python3 (the dashboard's API and
# free ports need them) or if the server lacks SLAVEOF, which the
# dashboard sends to a server added as a master.
proxy_first_server() {
    test_have_prereq CURL || skip_all 'curl is missing'
    test_have_prereq PYTHON3 || skip_all 'python3 is missing'
    start_codis_server || exit 1
    test_have_prereq SLAVEOF ||
        skip_all "codis server lacks SLAVEOF, which the dashboard sends to a new master"
    S1=$SERVER_PORT
}

# proxy_two_groups: start a second server (S2), add group 1 with S1 and
# group 2 with S2 as masters, and put slots 0-511 online on group 1 and
# 512-1023 on group 2. Needs the dashboard up and expect_ok (ok_json).
proxy_two_groups() {
    start_server && S2=$SERVER_PORT &&
    config_ok server add-group 1 && config_ok server add-group 2 &&
    config_ok server add 1 127.0.0.1:$S1 master &&
    config_ok server add 2 127.0.0.1:$S2 master &&
    slots_split_online
}

# proxy_online ID [ARGS...]: start proxy ID (start_proxy -c ID.ini ARGS)
# on the filesystem coordinator of write_dashboard_config, put it online
# with codis-config (needs expect_ok) and wait until it answers PING.
proxy_online() {
    printf "coordinator=filesystem\nzk=%s\nproduct=test\nproxy_id=%s\n" \
        "$TRASH_DIRECTORY/coord" "$1" >"$1.ini" &&
    proxy_online_id=$1 && shift &&
    start_proxy -c "$proxy_online_id.ini" "$@" &&
    config_ok proxy online "$proxy_online_id" &&
    wait_until "redis-cli -p $PROXY_PORT ping | grep -q PONG"
}
