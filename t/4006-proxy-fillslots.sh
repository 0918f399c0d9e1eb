#!/bin/sh
test_description='codis-proxy data plane with --fillslots: routing by slot, split commands, local and refused commands, errors'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

test_have_prereq CURL || skip_all 'curl is missing'

# Keys of known slots (codis-facts §1.2): foo 289, bar 170, hello 646,
# user:1000 995, {user1000}.x 870.

test_expect_success 'two servers, slots 0-511 on the first, 512-1023 on the second' '
    start_server && S1=$SERVER_PORT &&
    start_server && S2=$SERVER_PORT &&
    python3 -c "import json, sys
print(json.dumps([{\"id\": i, \"backend_addr\": \"127.0.0.1:\" +
                   (sys.argv[1] if i < 512 else sys.argv[2])}
                  for i in range(1024)]))" $S1 $S2 >slots.json &&
    start_proxy --fillslots=slots.json --cpu=2
'

test_expect_success 'single-key commands go to the owner of their slot' '
    pcli set foo 1 >out && echo OK >expect && test_cmp expect out &&
    pcli set hello 2 >out && test_cmp expect out &&
    redis-cli -p $S1 get foo >out && echo 1 >expect && test_cmp expect out &&
    redis-cli -p $S2 get hello >out && echo 2 >expect && test_cmp expect out &&
    redis-cli -p $S1 exists hello >out && echo 0 >expect && test_cmp expect out
'

test_expect_success 'MSET, MGET, DEL and EXISTS split over both servers' '
    pcli mset foo a bar b hello c user:1000 d >out &&
    echo OK >expect && test_cmp expect out &&
    redis-cli -p $S2 mget hello user:1000 >out && printf "c\nd\n" >expect &&
    test_cmp expect out &&
    pcli mget foo hello nokey user:1000 bar >out &&
    printf "a\nc\n\nd\nb\n" >expect && test_cmp expect out &&
    pcli exists foo hello nokey foo >out && echo 3 >expect &&
    test_cmp expect out &&
    pcli del foo hello nokey >out && echo 2 >expect && test_cmp expect out &&
    pcli mget foo hello bar >out && printf "\n\nb\n" >expect &&
    test_cmp expect out
'

test_expect_success 'a pipeline mixing servers gets its replies in order' '
    awk "BEGIN { for (i = 0; i < 500; i++) print \"SET k\" i \" v\" i
                 for (i = 0; i < 500; i++) print \"GET k\" i }" >pipe.txt &&
    redis-cli -p $PROXY_PORT <pipe.txt >out &&
    awk "BEGIN { for (i = 0; i < 500; i++) print \"OK\"
                 for (i = 0; i < 500; i++) print \"v\" i }" >expect &&
    test_cmp expect out
'

test_expect_success 'multi-key commands must stay in one slot' '
    pcli sadd "{user1000}.a" x >out && echo 1 >expect && test_cmp expect out &&
    pcli sadd "{user1000}.b" x y >out && echo 2 >expect && test_cmp expect out &&
    pcli sinter "{user1000}.a" "{user1000}.b" >out && echo x >expect &&
    test_cmp expect out &&
    pcli sinter foo hello >out &&
    grep "must all hash to one slot" out
'

test_expect_success 'local commands: PING, ECHO, SELECT 0, SLOTSHASHKEY' '
    pcli ping >out && echo PONG >expect && test_cmp expect out &&
    pcli echo hi >out && echo hi >expect && test_cmp expect out &&
    pcli select 0 >out && echo OK >expect && test_cmp expect out &&
    pcli select 16 >out && grep "DB index is out of range" out &&
    pcli slotshashkey foo "{user1000}.x" >out && printf "289\n870\n" >expect &&
    test_cmp expect out
'

test_expect_success 'refused commands say why; bad arity is an error; the proxy lives' '
    pcli slaveof no one >out &&
    grep "command .SLAVEOF. is not allowed" out &&
    pcli shutdown >out &&
    grep "not allowed: server administration" out &&
    pcli get >out &&
    grep "wrong number of arguments for .get. command" out &&
    pcli ping >out && echo PONG >expect && test_cmp expect out
'

test_expect_success 'inline commands work too' '
    python3 -c "import socket, sys
s = socket.create_connection((\"127.0.0.1\", int(sys.argv[1])))
s.sendall(b\"SET inl 42\r\nGET inl\r\n\")
out = b\"\"
while out.count(b\"\r\n\") < 3:
    out += s.recv(100)
sys.stdout.write(out.decode())" $PROXY_PORT >out &&
    printf "+OK\r\n\$2\r\n42\r\n" >expect && test_cmp expect out
'

test_expect_success 'a dead backend fails its requests, the other still serves' '
    stop_pid $SERVER_PID &&
    pcli get hello >out &&
    grep "^ERR handle response" out &&
    pcli get bar >out && echo b >expect && test_cmp expect out &&
    curl -sf http://$PROXY_HTTP/debug/vars | tr -d " \t\n" >vars &&
    grep "\"backend_failures\":[1-9]" vars
'

test_done
