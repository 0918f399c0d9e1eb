# t/lib-proxytest.sh: what the proxy data-plane scripts (t/400x) share.
#
#   . "$TEST_DIRECTORY/lib-proxytest.sh"   (after lib-server.sh, lib-proxy.sh)
#
# It skips the script when curl or python3-redis is missing, and defines:
#   pt ARGS...     t/lib-proxytest.py (slot hashing, slots.json, key
#                  pickers, scenarios) with a python3 that has redis
#   ca/cb ARGS...  redis-cli straight to server A / B (PORT_A, PORT_B)
#   perr ARGS...   redis-cli to the proxy, its reply without the blank
#                  line redis-cli adds after an error
#   praw BYTES     raw_send (t/lib-server.sh) to the proxy

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
