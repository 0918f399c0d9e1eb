#!/bin/sh
test_description='codis-proxy: PFCOUNT/PFMERGE with several keys, BITOP,
GEOSEARCHSTORE and GEORADIUS ... STORE work within one slot and are
refused with the multi-key error across slots'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two servers behind a proxy' '
    pt_start --cpu=2 &&
    set -- $(pt keys a ka 1) && A1=$1 &&
    set -- $(pt keys b kb 1) && B1=$1 &&
    test -n "$B1"
'

test_expect_success 'across slots: refused with the multi-key error' '
    refused PFCOUNT pfcount $A1 $B1 &&
    refused PFMERGE pfmerge $A1 $B1 &&
    refused BITOP bitop and $A1 $B1 &&
    refused BITOP bitop or "{t}d" "{t}s" $B1 &&
    refused GEOSEARCHSTORE geosearchstore $A1 $B1 fromlonlat 0 0 \
        byradius 10 km &&
    refused GEORADIUS georadius $A1 0 0 10 km store $B1 &&
    refused GEORADIUS georadius $A1 0 0 10 km storedist $B1 &&
    refused GEORADIUSBYMEMBER georadiusbymember $A1 m 10 km store $B1
'

test_expect_success 'within one slot: answered by the owner' '
    pcli pfadd "{t}h1" a b c >out &&
    pcli pfadd "{t}h2" c d >>out &&
    pcli pfcount "{t}h1" "{t}h2" >>out &&
    pcli pfmerge "{t}h3" "{t}h1" "{t}h2" >>out &&
    pcli pfcount "{t}h3" >>out &&
    pcli set "{t}b1" ab >>out &&
    pcli bitop xor "{t}b2" "{t}b1" "{t}none" >>out &&
    pcli geoadd "{t}g" 13.361389 38.115556 Palermo >>out &&
    pcli georadius "{t}g" 13 38 100 km store "{t}st" >>out &&
    pcli geosearchstore "{t}st2" "{t}g" frommember Palermo \
        byradius 1 km >>out &&
    pcli zcard "{t}st2" >>out &&
    printf "1\n1\n4\nOK\n4\nOK\n2\n1\n1\n1\n1\n" >expect &&
    test_cmp expect out
'

test_done
