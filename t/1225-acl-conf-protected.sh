#!/bin/sh
test_description='"user" lines in the config file (selectors included),
refused beside an aclfile, written back by CONFIG REWRITE; protected mode
follows the default user'"'"'s password set by ACL SETUSER, seen from
127.0.0.2 (not loopback for Redis); compared with redis-server 7.0'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

cat >users.conf <<\EOF
user alice on >pw ~a* +get
user bob on nopass (+set ~b*) +get
user default on nopass ~* &* +@all
EOF

# start_ref_conf FILE: redis-server with config file FILE (first, as
# redis-server wants it), like start_redis_ref.
start_ref_conf() {
    REF_PORT=$(free_port) || return 1
    mkdir -p ref &&
    redis-server "$1" --port "$REF_PORT" --bind 127.0.0.1 --save "" \
        --dir "$PWD/ref" >ref.log 2>&1 &
    REF_PID=$!
    test_atexit "stop_pid $REF_PID"
    server_wait_ready "$REF_PID" "$REF_PORT" ref.log
}

# start_our_conf FILE: codis-server with config file FILE, as
# start_server.
start_our_conf() {
    SERVER_PORT=$(free_port) || return 1
    codis-server "$1" --port "$SERVER_PORT" --bind 127.0.0.1 --save "" \
        >our.log 2>&1 &
    SERVER_PID=$!
    test_atexit "stop_pid $SERVER_PID"
    server_wait_ready "$SERVER_PID" "$SERVER_PORT" our.log
}

# start_both_conf FILE: both servers with copies of FILE as config file.
start_both_conf() {
    cp "$1" ref.conf && cp "$1" our.conf &&
    start_ref_conf "$PWD/ref.conf" &&
    start_our_conf "$PWD/our.conf"
}

test_expect_success REDIS_REF 'user lines make users as in Redis' '
    start_both_conf users.conf &&
    cat >list.txt <<-\EOT &&
	acl list
	acl dryrun bob set b1 v
	acl dryrun bob set a1 v
	auth alice pw
	get a1
	EOT
    compare_with_ref list.txt &&
    grep -q "(~b\* resetchannels -@all +set)" list.txt.actual
'

test_expect_success REDIS_REF 'CONFIG REWRITE writes the users of now' '
    cli acl setuser carol on nopass "(+@hash ~h*)" >/dev/null &&
    redis-cli -p $REF_PORT acl setuser carol on nopass "(+@hash ~h*)" \
        >/dev/null &&
    cli acl deluser bob >/dev/null &&
    redis-cli -p $REF_PORT acl deluser bob >/dev/null &&
    cli config rewrite >/dev/null &&
    redis-cli -p $REF_PORT config rewrite >/dev/null &&
    grep "^user " ref.conf >expect &&
    grep "^user " our.conf >actual &&
    test_cmp expect actual &&
    test_line_count = 3 actual
'

test_expect_success REDIS_REF 'a rewritten file starts with the same users' '
    stop_pid $SERVER_PID && stop_pid $REF_PID &&
    start_ref_conf "$PWD/ref.conf" &&
    start_our_conf "$PWD/our.conf" &&
    echo "acl list" >list2.txt &&
    compare_with_ref list2.txt &&
    stop_pid $SERVER_PID && stop_pid $REF_PID
'

test_expect_success 'user lines beside an aclfile: the server does not start' '
    : >empty.acl &&
    { cat users.conf; echo "aclfile $PWD/empty.acl"; } >both.conf &&
    test_must_fail codis-server "$PWD/both.conf" --port "$(free_port)" \
        >both.out 2>&1 &&
    grep -q "not both" both.out &&
    if test_have_prereq REDIS_REF; then
        ! redis-server "$PWD/both.conf" --port "$(free_port)" \
            >ref-both.out 2>&1 &&
        grep -q "not both" ref-both.out
    fi
'

test_expect_success 'a bad rule or duplicate user line stops the start' '
    echo "user dave on +nosuch" >bad.conf &&
    test_must_fail codis-server "$PWD/bad.conf" --port "$(free_port)" \
        >bad.out 2>&1 &&
    grep -q "Unknown command" bad.out &&
    printf "user e on\nuser e off\n" >dup.conf &&
    test_must_fail codis-server "$PWD/dup.conf" --port "$(free_port)" \
        >dup.out 2>&1 &&
    grep -q "Duplicate user" dup.out &&
    echo "user f on (+get" >paren.conf &&
    test_must_fail codis-server "$PWD/paren.conf" \
        --port "$(free_port)" >paren.out 2>&1 &&
    grep -q "Unmatched parenthesis" paren.out
'

test_expect_success 'a source address other than loopback is usable' '
    python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.2\", 0))" &&
    test_set_prereq SRC2
'

test_expect_success SRC2,REDIS_REF 'protected mode ends when ACL SETUSER gives default a password' '
    start_redis_ref && start_server &&
    both denied 127.0.0.2 PING &&
    grep -q "^(error) DENIED" denied.actual &&
    both setpw local "ACL SETUSER default >pw" &&
    both withpw 127.0.0.2 PING "AUTH pw" PING &&
    printf "%s\n" "(error) NOAUTH Authentication required." OK PONG \
        >expect && test_cmp expect withpw.actual &&
    both nopass local "AUTH pw" "ACL SETUSER default nopass" &&
    both deniedagain 127.0.0.2 PING &&
    grep -q "^(error) DENIED" deniedagain.actual &&
    both resetpw local "ACL SETUSER default resetpass" &&
    both resetpass 127.0.0.2 PING &&
    grep -q "NOAUTH" resetpass.actual
'

test_done
