#!/bin/sh
test_description='codis-proxy with node-redis and ioredis from npm, default settings (ioredis opens with HELLO 3 and falls back to RESP2 on -NOPROTO): SET/GET, pipelines, pub/sub across two proxies'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

# The packages are installed once into a cache outside the sources
# (build/npm of the checkout unless CODIS_NPM_DIR says otherwise).
NPM_DIR=${CODIS_NPM_DIR:-$TEST_DIRECTORY/../build/npm}
command -v node >/dev/null 2>&1 || skip_all 'node is missing'
command -v npm >/dev/null 2>&1 || skip_all 'npm is missing'
if ! [ -f "$NPM_DIR/node_modules/ioredis/package.json" ] ||
   ! [ -f "$NPM_DIR/node_modules/redis/package.json" ]; then
    mkdir -p "$NPM_DIR" &&
    (cd "$NPM_DIR" && timeout 300 npm install --no-audit --no-fund \
        --silent ioredis@6.1.0 redis@4.7.1) >"$TRASH_DIRECTORY/npm.log" 2>&1 ||
        skip_all "npm registry unreachable: cannot install ioredis and redis ($(tail -n 1 "$TRASH_DIRECTORY/npm.log"))"
fi
NODE_MODULES=$(cd "$NPM_DIR/node_modules" && pwd)

test_expect_success 'two groups behind two proxies' '
    pt_start --cpu=2 && P1=$PROXY_PORT &&
    start_proxy --fillslots=slots.json && P2=$PROXY_PORT
'

test_expect_success 'ioredis 6.1 with defaults: commands, pipeline, pub/sub' '
    node "$TEST_DIRECTORY/lib-npm-ioredis.js" "$NODE_MODULES" $P1 $P2 >out 2>&1 ||
    { cat out; false; } &&
    grep "^ioredis done" out
'

test_expect_success 'ioredis opened with HELLO (its RESP3 handshake) and went on in RESP2' '
    curl -sf "http://$PROXY_HTTP/debug/vars" >vars &&
    "$PY" - vars <<-\EOF
	import json, sys
	v = json.load(open(sys.argv[1]))
	def find(o):
	    if isinstance(o, dict):
	        if o.get("cmd") == "HELLO":
	            return o
	        for x in o.values():
	            r = find(x)
	            if r:
	                return r
	    if isinstance(o, list):
	        for x in o:
	            r = find(x)
	            if r:
	                return r
	h = find(v)
	assert h and h["calls"] >= 1, h
	EOF
'

test_expect_success 'node-redis 4.7 with defaults: commands, pipeline, pub/sub' '
    node "$TEST_DIRECTORY/lib-npm-node-redis.js" "$NODE_MODULES" $P1 $P2 >out 2>&1 ||
    { cat out; false; } &&
    grep "^node-redis done" out
'

test_done
