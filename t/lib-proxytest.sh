# t/lib-proxytest.sh: what the proxy data-plane scripts (t/400x) share.
#
#   . "$TEST_DIRECTORY/lib-proxytest.sh"   (sources lib-server.sh, lib-proxy.sh,
#                                          lib-redis-ref.sh)
#
# It skips the script when curl or python3-redis is missing, and defines:
#   pt_servers     start servers A and B and write slots.json (slots
#                  0-511 on A, 512-1023 on B) for start_proxy --fillslots
#   pt_start ARGS  pt_servers, then a proxy over them (start_proxy ARGS)
#   pt ARGS...     t/lib-proxytest.py (slot hashing, slots.json, key
#                  pickers, scenarios) with a python3 that has redis
#   ca/cb ARGS...  redis-cli straight to server A / B (PORT_A, PORT_B)
#   perr ARGS...   redis-cli to the proxy, its reply without the blank
#                  line redis-cli adds after an error
#   praw BYTES     raw_send (t/lib-server.sh) to the proxy
#   refused NAME ARGS...  the proxy refuses ARGS as keys of several slots
#   talk PORT <cmds       t/lib-talk.py: the escaped reply bytes
#   talk_same CMDS        the proxy answers as redis-server (REF_PORT)
#   need_open_files N     raise the open file limit to N, or skip_all

. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_have_prereq CURL || skip_all 'curl is missing'
for PY in /usr/bin/python3 python3; do
    "$PY" -c 'import redis' 2>/dev/null && break
done
"$PY" -c 'import redis' 2>/dev/null || skip_all 'python3-redis is missing'

pt() {
    "$PY" "$TEST_DIRECTORY/lib-proxytest.py" "$@"
}

ca() {
    redis-cli -p $PORT_A "$@"
}

cb() {
    redis-cli -p $PORT_B "$@"
}

perr() {
    pcli "$@" >perr.out 2>&1
    sed -e '/^$/d' perr.out
}

praw() {
    SERVER_PORT=$PROXY_PORT raw_send "$1"
}

# pt_servers: start server A (PORT_A, PID_A, DIR_A) and server B (PORT_B,
# PID_B, DIR_B) and write slots.json with slots 0-511 on A and 512-1023
# on B, for start_proxy --fillslots=slots.json.
pt_servers() {
    start_server && PORT_A=$SERVER_PORT PID_A=$SERVER_PID DIR_A=$SERVER_DIR &&
    start_server && PORT_B=$SERVER_PORT PID_B=$SERVER_PID DIR_B=$SERVER_DIR &&
    pt slots $PORT_A $PORT_B >slots.json
}

# refused NAME ARGS...: the proxy refuses the command ARGS because its
# keys do not share a slot, naming NAME.
refused() {
    refused_name=$1
    shift
    perr "$@" >out &&
    echo "ERR handle request, keys of '$refused_name' must all hash to one slot (use a {hash tag})" >expect &&
    test_cmp expect out
}

# talk PORT <commands: the reply bytes of the commands, escaped.
talk() {
    "$PY" "$TEST_DIRECTORY/lib-talk.py" "$@"
}

# pt_start [ARGS...]: pt_servers, then start_proxy --fillslots=slots.json
# ARGS.
pt_start() {
    pt_servers && start_proxy --fillslots=slots.json "$@"
}

# talk_same CMDS: the proxy answers the commands of file CMDS (one a
# line, for t/lib-talk.py) with the bytes the reference redis-server on
# REF_PORT sends.
talk_same() {
    talk $REF_PORT <"$1" >"$1.expect" &&
    talk $PROXY_PORT <"$1" >"$1.actual" &&
    test_cmp "$1.expect" "$1.actual"
}

# need_open_files N: raise the open file limit to N (for N clients at
# once) or skip the script.
need_open_files() {
    if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$1" ]; then
        ulimit -n "$1" 2>/dev/null ||
            skip_all "cannot raise the open file limit to $1"
    fi
}
