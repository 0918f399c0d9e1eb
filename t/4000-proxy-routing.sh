#!/bin/sh
test_description='codis-proxy data plane over two groups (--fillslots): keys routed by slot, {tag}s kept together, a 10k-command pipeline answered in order'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two servers behind a proxy: slots 0-511 on A, 512-1023 on B' '
    pt_start --cpu=2 &&
    pcli ping >out && echo PONG >expect && test_cmp expect out
'

test_expect_success 'the proxy hashes keys as Codis does (SLOTSHASHKEY)' '
    pt slot foo user:1000 "{user:1000}.x" "a{}b" "{" "x{y" >expect &&
    pcli slotshashkey foo user:1000 "{user:1000}.x" "a{}b" "{" "x{y" >out &&
    test_cmp expect out &&
    printf "289\n995\n" >known && head -n 2 out >first && test_cmp known first
'

test_expect_success 'each key lands on the server owning its slot; {tag} keys stay together' '
    pt routing $PORT_A $PORT_B $PROXY_PORT
'

test_expect_success 'a key of A and a key of B read back through the proxy' '
    KA=$(pt keys a ka 1) && KB=$(pt keys b kb 1) &&
    pcli set $KA on-a >out && echo OK >expect && test_cmp expect out &&
    pcli set $KB on-b >out && test_cmp expect out &&
    redis-cli -p $PORT_A get $KA >out && echo on-a >expect && test_cmp expect out &&
    redis-cli -p $PORT_B get $KB >out && echo on-b >expect && test_cmp expect out &&
    redis-cli -p $PORT_A exists $KB >out && echo 0 >expect && test_cmp expect out &&
    redis-cli -p $PORT_B exists $KA >out && test_cmp expect out
'

test_expect_success 'a pipeline of 10000 mixed commands is answered in order' '
    pt pipeline $PROXY_PORT 10000
'

test_expect_success 'redis-cli --pipe: 10000 commands, no errors, all answered' '
    python3 -c "
import sys
out = []
for i in range(10000):
    if i % 2 == 0:
        args = [b\"SET\", b\"rp:%d\" % i, b\"x\" * (i % 50)]
    else:
        args = [b\"INCR\", b\"rpc:%d\" % (i % 17)]
    out.append(b\"*%d\r\n\" % len(args) + b\"\".join(
        b\"\$%d\r\n%s\r\n\" % (len(a), a) for a in args))
sys.stdout.buffer.write(b\"\".join(out))
" >pipe.resp &&
    redis-cli -p $PROXY_PORT --pipe <pipe.resp >out 2>&1 &&
    cat out &&
    grep "errors: 0, replies: 10000" out &&
    pcli get rpc:0 >out && echo 294 >expect && test_cmp expect out &&
    pcli strlen rp:9998 >out && echo 48 >expect && test_cmp expect out
'

test_expect_success 'large values go through intact both ways' '
    KA=$(pt keys a big 1) &&
    head -c 90000 /dev/urandom | base64 -w0 >big.txt &&
    pcli -x set $KA <big.txt >out && echo OK >expect && test_cmp expect out &&
    redis-cli -p $PORT_A --raw get $KA >got && echo >>big.txt &&
    test_cmp big.txt got &&
    pcli --raw get $KA >got && test_cmp big.txt got
'

test_done
