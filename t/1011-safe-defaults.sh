#!/bin/sh
test_description='safe defaults: protected mode, protected configs and the
DEBUG gate, as redis-server 7.0 has them, compared with redis-server. A
client from 127.0.0.2 reaches 127.0.0.1 but is not loopback for Redis.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'a source address other than loopback is usable' '
    python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.2\", 0))" &&
    test_set_prereq SRC2
'

test_expect_success REDIS_REF 'start both servers with their defaults' '
    start_redis_ref &&
    start_server
'

test_expect_success SRC2,REDIS_REF 'protected mode refuses a non-loopback client with DENIED' '
    both denied 127.0.0.2 PING PING &&
    grep "^(error) DENIED Redis is running in protected mode" denied.actual &&
    grep "^closed$" denied.actual &&
    cli info stats >stats &&
    grep "^rejected_connections:1" stats
'

test_expect_success SRC2,REDIS_REF 'loopback clients are served in protected mode' '
    both local local PING &&
    echo PONG >expect && test_cmp expect local.actual
'

test_expect_success REDIS_REF 'the settings read as Redis defaults' '
    both settings local "CONFIG GET protected-mode" \
        "CONFIG GET enable-protected-configs" \
        "CONFIG GET enable-debug-command" "CONFIG GET enable-module-command"
'

test_expect_success REDIS_REF 'CONFIG SET of dir and dbfilename is refused, the gates are immutable' '
    both protconf local "CONFIG SET dir /tmp" "CONFIG SET dbfilename x.rdb" \
        "CONFIG SET maxmemory 0 dir /tmp" "CONFIG GET dbfilename" \
        "CONFIG SET enable-protected-configs yes" \
        "CONFIG SET enable-debug-command yes" \
        "CONFIG SET enable-module-command local" &&
    grep -c "protected config" protconf.actual >n &&
    echo 3 >expect && test_cmp expect n
'

test_expect_success REDIS_REF 'DEBUG is refused, before authentication and in MULTI' '
    both debug local "DEBUG HELP" "DEBUG SLEEP 0" "DEBUG" "MULTI" \
        "DEBUG SLEEP 0" "EXEC" &&
    grep -c "DEBUG command not allowed" debug.actual >n &&
    echo 3 >expect && test_cmp expect n &&
    cli config set requirepass pw &&
    redis-cli -p $REF_PORT config set requirepass pw &&
    both debugauth local "DEBUG SLEEP 0" "PING" &&
    grep "DEBUG command not allowed" debugauth.actual
'

test_expect_success SRC2,REDIS_REF 'with a password a non-loopback client is served' '
    both withpass 127.0.0.2 PING "AUTH pw" PING &&
    tail -n 1 withpass.actual >last && echo PONG >expect &&
    test_cmp expect last &&
    cli -a pw --no-auth-warning config set requirepass "" &&
    redis-cli -p $REF_PORT -a pw --no-auth-warning config set requirepass ""
'

test_expect_success SRC2,REDIS_REF 'CONFIG SET protected-mode no lets non-loopback clients in' '
    both off local "CONFIG SET protected-mode no" &&
    both offping 127.0.0.2 PING "DEBUG SLEEP 0" "CONFIG SET dir /tmp" &&
    head -n 1 offping.actual >first && echo PONG >expect &&
    test_cmp expect first &&
    both on local "CONFIG SET protected-mode yes" &&
    both onagain 127.0.0.2 PING
'

test_expect_success REDIS_REF 'restart both with the gates set to local' '
    restart_both --enable-debug-command local \
        --enable-protected-configs local --protected-mode no
'

test_expect_success REDIS_REF '"local" lets a loopback client use DEBUG and set dir' '
    mkdir -p "$TRASH_DIRECTORY/ref/sub" "$SERVER_DIR/sub" &&
    from local $REF_PORT "CONFIG SET dir $TRASH_DIRECTORY/ref/sub" \
        "DEBUG SLEEP 0" "CONFIG SET dbfilename a.rdb" >expect &&
    from local $SERVER_PORT "CONFIG SET dir $SERVER_DIR/sub" \
        "DEBUG SLEEP 0" "CONFIG SET dbfilename a.rdb" >actual &&
    test_cmp expect actual &&
    printf "OK\nOK\nOK\n" >ok && test_cmp ok actual &&
    cli config get dir >dir && grep "$SERVER_DIR/sub" dir
'

test_expect_success SRC2,REDIS_REF '"local" still refuses a non-loopback client' '
    both nonlocal 127.0.0.2 "DEBUG SLEEP 0" "CONFIG SET dbfilename b.rdb" \
        "CONFIG GET dbfilename" &&
    grep "DEBUG command not allowed" nonlocal.actual &&
    grep "protected config" nonlocal.actual
'

test_expect_success REDIS_REF 'restart both with the gates set to yes' '
    restart_both --enable-debug-command yes \
        --enable-protected-configs yes --protected-mode no
'

test_expect_success SRC2,REDIS_REF '"yes" serves every client' '
    both yes 127.0.0.2 "DEBUG SLEEP 0" "CONFIG SET dbfilename c.rdb" \
        "CONFIG GET dbfilename" &&
    printf "OK\nOK\n[dbfilename, c.rdb]\n" >expect &&
    test_cmp expect yes.actual
'

test_expect_success 'a bad gate value stops the start' '
    test_must_fail codis-server --port 0 --enable-debug-command maybe \
        >bad.out 2>&1 &&
    grep "enable-debug-command" bad.out
'

test_done
