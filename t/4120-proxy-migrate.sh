#!/bin/sh
test_description='codis-proxy on a migrating slot: SLOTSMGRTTAGONE to the source, then the command to the target'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

test_have_prereq CURL || skip_all 'curl is missing'

start_server || exit 1
SRC=$SERVER_PORT SRC_PID=$SERVER_PID
start_server || exit 1
DST=$SERVER_PORT
redis-cli -p $SRC slotsmgrttagone 127.0.0.1 $DST 1000 nokey >probe.out 2>&1
grep -qx 0 probe.out ||
    skip_all "codis server lacks SLOTSMGRTTAGONE ($(head -c 80 probe.out))"

# slots_json: every slot owned by DST, migrating from SRC.
slots_json() {
    python3 -c 'import json, sys
print(json.dumps([{"id": i, "backend_addr": "127.0.0.1:" + sys.argv[2],
                   "migrate_from": "127.0.0.1:" + sys.argv[1]}
                  for i in range(1024)]))' $SRC $DST >slots.json
}

test_expect_success 'keys on the source, a proxy that migrates every slot to the target' '
    redis-cli -p $SRC set foo v1 >out && echo OK >expect && test_cmp expect out &&
    redis-cli -p $SRC set "{t}a" 1 >out && test_cmp expect out &&
    redis-cli -p $SRC set "{t}b" 2 >out && test_cmp expect out &&
    redis-cli -p $SRC set k1 x1 >out && test_cmp expect out &&
    redis-cli -p $SRC set k2 x2 >out && test_cmp expect out &&
    slots_json &&
    start_proxy --fillslots=slots.json --cpu=1
'

test_expect_success 'a read moves the key first and is answered by the target' '
    pcli get foo >out && echo v1 >expect && test_cmp expect out &&
    redis-cli -p $SRC exists foo >out && echo 0 >expect && test_cmp expect out &&
    redis-cli -p $DST get foo >out && echo v1 >expect && test_cmp expect out
'

test_expect_success 'keys with the same tag move together' '
    pcli get "{t}a" >out && echo 1 >expect && test_cmp expect out &&
    redis-cli -p $DST get "{t}b" >out && echo 2 >expect && test_cmp expect out &&
    redis-cli -p $SRC exists "{t}b" >out && echo 0 >expect && test_cmp expect out
'

test_expect_success 'a write of a new key lands on the target' '
    pcli set fresh new >out && echo OK >expect && test_cmp expect out &&
    redis-cli -p $DST get fresh >out && echo new >expect && test_cmp expect out &&
    redis-cli -p $SRC exists fresh >out && echo 0 >expect && test_cmp expect out
'

test_expect_success 'a split MGET migrates each of its keys' '
    pcli mget k1 k2 nokey >out && printf "x1\nx2\n\n" >expect &&
    test_cmp expect out &&
    redis-cli -p $DST mget k1 k2 >out && printf "x1\nx2\n" >expect &&
    test_cmp expect out &&
    curl -sf http://$PROXY_HTTP/debug/vars | tr -d " \t\n" >vars &&
    grep "\"slotsmgrt\":[1-9]" vars
'

test_expect_success 'a source that is down fails the request, the proxy lives' '
    stop_pid $SRC_PID &&
    pcli get k3 >out &&
    grep -E "^ERR handle request, bad slotsmgrt resp: .*(is down|conn failure)" out &&
    kill -0 $PROXY_PID
'

test_done
