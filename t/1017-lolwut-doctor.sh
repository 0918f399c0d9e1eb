#!/bin/sh
test_description='LOLWUT (our drawings, Redis version line) and MEMORY
DOCTOR (Redis texts when empty or healthy), compared with redis-server 7.0'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success REDIS_REF 'start both servers' '
    start_redis_ref &&
    start_server
'

test_expect_success REDIS_REF 'LOLWUT without a drawing and its errors are Redis replies' '
    cat >lolwut.txt <<\EOT &&
LOLWUT
LOLWUT VERSION 7
LOLWUT VERSION 1
LOLWUT VERSION
LOLWUT foo
LOLWUT VERSION x
LOLWUT VERSION 5 x
LOLWUT VERSION 6 10 x
MEMORY DOCTOR
EOT
    compare_with_ref lolwut.txt
'

test_expect_success 'LOLWUT 5 and 6 draw, then end with the version line' '
    cli lolwut version 5 >five &&
    tail -1 five | grep -E "^.+ Redis ver\. 7\.0\.15$" &&
    test "$(grep -c . five)" -gt 10 &&
    LC_ALL=C grep "$(printf "\342\242")\|$(printf "\342\243")" five &&
    cli lolwut version 6 20 5 >six &&
    tail -1 six | grep -E "^.+ Redis ver\. 7\.0\.15$" &&
    test "$(grep -c "\[0m$" six)" = 5 &&
    cli lolwut version 5 1000000 1 1 >big &&
    tail -1 big | grep "Redis ver"
'

test_expect_success 'MEMORY DOCTOR with data: Redis healthy text or our findings' '
    python3 -c "
import socket
s = socket.create_connection((\"127.0.0.1\", $SERVER_PORT))
cmd = b\"*3\r\n\$4\r\nSADD\r\n\$3\r\nbig\r\n\$1\r\nx\r\n\"
for i in range(60000):
    s.sendall(b\"*3\r\n\$3\r\nSET\r\n\$%d\r\n%s\r\n\$100\r\n%s\r\n\" % (len(b\"k%d\" % i), b\"k%d\" % i, b\"v\" * 100))
s.sendall(b\"*1\r\n\$4\r\nPING\r\n\")
buf = b\"\"
while not buf.endswith(b\"+PONG\r\n\"):
    buf += s.recv(65536)
" &&
    cli memory doctor >actual &&
    ! grep "empty or is using very little memory" actual &&
    { grep -x "Hi Sam, I can.t find any memory issue in your instance. I can only account for what occurs on this base." actual ||
      grep "^ \* [A-Z][a-z]*: " actual; }
'

test_done
