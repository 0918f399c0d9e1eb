#!/bin/sh
test_description='codis-proxy local commands (PING ECHO QUIT SELECT AUTH INFO DBSIZE COMMAND TIME) and unsupported commands that never reach a server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two servers behind a proxy' '
    pt_start --cpu=2
'

test_expect_success 'PING and ECHO are answered by the proxy' '
    pcli ping >out && echo PONG >expect && test_cmp expect out &&
    pcli ping "hello world" >out && echo "hello world" >expect &&
    test_cmp expect out &&
    pcli echo "a b" >out && echo "a b" >expect && test_cmp expect out &&
    perr ping a b >out &&
    echo "ERR wrong number of arguments for '\''ping'\'' command" >expect &&
    test_cmp expect out &&
    perr echo >out &&
    echo "ERR wrong number of arguments for '\''echo'\'' command" >expect &&
    test_cmp expect out
'

test_expect_success 'SELECT takes 0-15, refuses other dbs as Redis does' '
    pcli select 0 >out && echo OK >expect && test_cmp expect out &&
    pcli select 15 >out && echo OK >expect && test_cmp expect out &&
    perr select 16 >out &&
    echo "ERR DB index is out of range" >expect &&
    test_cmp expect out &&
    perr select nine >out &&
    echo "ERR value is not an integer or out of range" >expect &&
    test_cmp expect out
'

test_expect_success 'QUIT answers OK and closes the connection' '
    praw "PING\r\nQUIT\r\nPING\r\n" >out &&
    printf "+PONG\r\n+OK\r\n" >expect && test_cmp expect out
'

test_expect_success 'commands pipelined after QUIT are not run' '
    praw "SET quit:before 1\r\nQUIT\r\nSET quit:after 1\r\n" >out &&
    printf "+OK\r\n+OK\r\n" >expect && test_cmp expect out &&
    pcli exists quit:before quit:after >out && echo 1 >expect &&
    test_cmp expect out &&
    pcli del quit:before >out
'

test_expect_success 'INFO describes the proxy' '
    pcli info >out &&
    grep "^# Proxy" out && grep "^listen_addr:$PROXY_ADDR" out &&
    grep "^threads:2" out && grep "^total_commands_processed:[1-9]" out
'

test_expect_success 'DBSIZE sums the servers' '
    for k in $(pt keys a da 7) $(pt keys b db 5); do
        pcli set $k v >/dev/null || return 1
    done &&
    redis-cli -p $PORT_A dbsize >a && echo 7 >expect && test_cmp expect a &&
    redis-cli -p $PORT_B dbsize >b && echo 5 >expect && test_cmp expect b &&
    pcli dbsize >out && echo 12 >expect && test_cmp expect out
'

test_expect_success 'COMMAND lists the commands the proxy serves' '
    pcli command count >count &&
    test $(cat count) -gt 150 &&
    pcli command >all && grep -x get all && grep -x mset all &&
    grep -x keys all && grep -x scan all && ! grep -x monitor all &&
    pcli command info get monitor >out &&
    printf "get\n2\n\n1\n1\n1\n\n" >expect && test_cmp expect out
'

test_expect_success 'TIME gives the seconds and microseconds of a server' '
    pcli time >out && test_line_count = 2 out &&
    now=$(date +%s) && secs=$(head -n 1 out) && usecs=$(tail -n 1 out) &&
    test $secs -gt $((now - 60)) && test $secs -lt $((now + 60)) &&
    test $usecs -ge 0 && test $usecs -lt 1000000
'

test_expect_success 'AUTH without a password configured is an error' '
    perr auth secret >out &&
    echo "ERR Client sent AUTH, but no password is set" >expect &&
    test_cmp expect out
'

test_expect_success 'unsupported commands get an error naming them' '
    redis-cli -p $PORT_A config resetstat >out &&
    redis-cli -p $PORT_B config resetstat >out &&
    for c in "slotsinfo" "slotsmgrtslot 127.0.0.1 1 100 1" "debug sleep 0" \
            "shutdown" "save" "bgsave" "move k 1" "slaveof no one" \
            "monitor"; do
        set -- $c &&
        perr $c >out &&
        name=$(echo $1 | tr a-z A-Z) &&
        grep "^ERR handle request, command '\''$name'\'' is not allowed" out ||
        { cat out; return 1; }
    done
'

test_expect_success 'unsupported commands never reach a server' '
    for p in $PORT_A $PORT_B; do
        redis-cli -p $p info commandstats >stats &&
        grep "^cmdstat_config|resetstat:calls=1," stats &&
        ! grep -E "^cmdstat_(multi|exec|watch|blpop|brpop|slots|debug|shutdown|save|bgsave|move|slaveof|monitor|hello)" stats ||
        return 1
    done &&
    redis-cli -p $PORT_A dbsize >a && echo 7 >expect && test_cmp expect a &&
    pcli ping >out && echo PONG >expect && test_cmp expect out
'

test_expect_success 'a command the proxy does not know goes by its first argument' '
    perr nosuchcommand foo >out &&
    grep "^ERR unknown command" out
'

test_expect_success 'an empty or overlong command name is refused' '
    praw "*1\r\n\$0\r\n\r\nPING\r\n" >out
    printf "%s\r\n" "-ERR handle request, bad command length, too short or too long" \
        "+PONG" >expect && test_cmp expect out &&
    long=$(head -c 65 /dev/zero | tr "\0" x) &&
    perr $long a >out &&
    echo "ERR handle request, bad command length, too short or too long" >expect &&
    test_cmp expect out
'

test_expect_success 'inline commands take quotes and escapes, forwarded or local' '
    praw "SET \"a b\" \"c\\\\x41\"\r\nECHO '"'"'x y'"'"'\r\nMGET \"a b\" \"no key\"\r\nQUIT\r\n" >out &&
    printf "%s\r\n" +OK "\$3" "x y" "*2" "\$2" cA "\$-1" +OK >expect &&
    test_cmp expect out &&
    pcli get "a b" >out &&
    echo cA >expect &&
    test_cmp expect out &&
    # the AUTH tests below expect no GET counted on the servers
    redis-cli -p $PORT_A config resetstat &&
    redis-cli -p $PORT_B config resetstat
'

test_expect_success 'an unbalanced quote in an inline command closes the connection' '
    praw "GET \"a b\r\nPING\r\n" >out &&
    printf "%s\r\n" "-ERR Protocol error: unbalanced quotes in request" >expect &&
    test_cmp expect out &&
    pcli exists "\"a" >out &&
    echo 0 >expect &&
    test_cmp expect out
'

# The texts are redis-server 7.0.15's; HELLO 3 gets -NOPROTO, on which
# clients such as ioredis fall back to RESP2. hello_reply prints the
# reply to HELLO 2 with its client id as ID; mask_id makes a reply so.
hello_reply() {
    printf "%s\r\n" "*14" "\$6" server "\$5" redis "\$7" version \
        "\$6" 7.0.15 "\$5" proto ":2" "\$2" id ":ID" "\$4" mode \
        "\$10" standalone "\$4" role "\$6" master "\$7" modules "*0"
}
mask_id() {
    sed -e "/^id.\$/{n;s/^:[0-9]*/:ID/;}"
}

test_expect_success 'HELLO answers as Redis 7 does for RESP2' '
    praw "HELLO 2 SETNAME app\r\n" | mask_id >out &&
    hello_reply >expect &&
    test_cmp expect out &&
    praw "HELLO 3\r\nHELLO abc\r\nHELLO 4\r\nHELLO 2 foo\r\nHELLO 2 setname\r\nHELLO 2 AUTH default x\r\nHELLO\r\n" |
        mask_id >out &&
    printf "%s\r\n" "-NOPROTO unsupported protocol version" \
        "-ERR Protocol version is not an integer or out of range" \
        "-NOPROTO unsupported protocol version" \
        "-ERR Syntax error in HELLO option '"'"'foo'"'"'" \
        "-ERR Syntax error in HELLO option '"'"'setname'"'"'" >expect &&
    hello_reply >>expect && hello_reply >>expect &&
    test_cmp expect out
'

test_expect_success 'a proxy with password= in config.ini' '
    printf "password=s3cret\nsession_max_timeout=60\n" >auth.ini &&
    start_proxy -c auth.ini --fillslots=slots.json --cpu=1
'

test_expect_success 'commands before AUTH get NOAUTH, PING included' '
    perr get k >out && echo "NOAUTH Authentication required." >expect &&
    test_cmp expect out &&
    perr ping >out && test_cmp expect out &&
    redis-cli -p $PORT_A info commandstats >stats &&
    ! grep "^cmdstat_get:" stats
'

test_expect_success 'a wrong password is refused, the right one accepted' '
    praw "AUTH wrong\r\nGET k\r\nAUTH s3cret\r\nSET k v\r\nGET k\r\nAUTH default s3cret\r\nAUTH bob s3cret\r\nGET k\r\n" >out
    printf "%s\r\n" "-ERR invalid password" \
        "-NOAUTH Authentication required." "+OK" "+OK" "\$1" v "+OK" \
        "-WRONGPASS invalid username-password pair" \
        "-NOAUTH Authentication required." >expect &&
    test_cmp expect out &&
    redis-cli -p $PROXY_PORT -a s3cret --no-auth-warning get k >out &&
    echo v >expect && test_cmp expect out
'

test_expect_success 'HELLO before AUTH: NOAUTH, or it authenticates itself' '
    praw "HELLO 2\r\nHELLO 2 AUTH default wrong\r\nHELLO 2 AUTH bob s3cret\r\nGET k\r\nHELLO 2 AUTH default s3cret\r\nGET k\r\n" |
        mask_id >out &&
    printf "%s\r\n" "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time" \
        "-WRONGPASS invalid username-password pair or user is disabled." \
        "-WRONGPASS invalid username-password pair or user is disabled." \
        "-NOAUTH Authentication required." >expect &&
    hello_reply >>expect &&
    printf "%s\r\n" "\$1" v >>expect &&
    test_cmp expect out
'

test_expect_success 'servers with the same requirepass: the proxy logs in to them' '
    start_server --requirepass s3cret && PORT_C=$SERVER_PORT &&
    start_server --requirepass s3cret && PORT_D=$SERVER_PORT &&
    pt slots $PORT_C $PORT_D >slots-auth.json &&
    start_proxy -c auth.ini --fillslots=slots-auth.json --cpu=2 &&
    KC=$(pt keys a kc 1) && KD=$(pt keys b kd 1) &&
    P="redis-cli -p $PROXY_PORT -a s3cret --no-auth-warning" &&
    $P mset $KC c $KD d >out && echo OK >expect && test_cmp expect out &&
    $P mget $KC $KD >out && printf "c\nd\n" >expect && test_cmp expect out &&
    redis-cli -p $PORT_C -a s3cret --no-auth-warning get $KC >out &&
    echo c >expect && test_cmp expect out &&
    $P dbsize >out && echo 2 >expect && test_cmp expect out
'

test_done
