#!/bin/sh
test_description='ACL selectors (Redis 7 "(...)" rules): SETUSER with
selectors given in one or several arguments, clearselectors, the rules a
selector refuses, ACL LIST and GETUSER, DRYRUN and real commands through
selectors, aclfile lines with selectors, compared with redis-server 7.0'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success REDIS_REF 'start both servers' '
    start_redis_ref &&
    start_server
'

# One command per rule where ACL LIST shows commands: Redis lists several
# single commands in its hash table's order, which changes per process.
cat >sel.txt <<\EOT
acl setuser u on nopass +get ~a* (+set ~b* %R~c*) (+@hash ~h* &ch*)
acl getuser u
acl list
acl setuser u (+del ~x)
acl setuser u (+del ~x
acl setuser u (
acl setuser u ()
acl setuser u ( )
acl list
acl setuser u clearselectors
acl list
acl setuser u (+get ~z* resetkeys) (on)
acl setuser u (nopass)
acl setuser u (reset)
acl setuser u (>pw)
acl setuser u (#5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8)
acl setuser u (clearselectors)
acl setuser u (sanitize-payload)
acl setuser u ((+get))
acl setuser u (+nosuch)
acl setuser u (~a* allkeys ~b)
acl setuser u (&* &x)
acl list
acl setuser u (+set ~b* %R~c*) (+@hash ~h* &ch*) (+publish &x) (+mset ~b*)
acl dryrun u get a1
acl dryrun u get b1
acl dryrun u set b1 v
acl dryrun u set a1 v
acl dryrun u set c1 v
acl dryrun u get c1
acl dryrun u hset h1 f v
acl dryrun u hset b1 f v
acl dryrun u del a
acl dryrun u publish ch1 m
acl dryrun u publish x m
acl dryrun u publish y m
acl dryrun u mset b1 v b2 v
acl dryrun u mset b1 v c1 v
acl dryrun u mset c1 v d1 v
acl dryrun u lpush b1 x
acl dryrun u auth u x
acl list
acl getuser u
acl setuser u reset
acl list
acl setuser v on nopass (~a*  +get) allkeys (&*) (allkeys allchannels allcommands) (nocommands resetkeys resetchannels)
acl list
acl getuser v
acl setuser w on nopass ~a* +mset (~b* +mset) (~c* +@string)
acl dryrun w mset a1 v b1 v
acl dryrun w mset b1 v a1 v
acl dryrun w mset b1 v c1 v
acl dryrun w mset c1 v c2 v
acl dryrun w mset d1 v a1 v
acl deluser u v w
EOT

test_expect_success REDIS_REF 'SETUSER, LIST, GETUSER and DRYRUN with selectors' '
    compare_with_ref sel.txt
'

test_expect_success REDIS_REF 'GETUSER with selectors over RESP3' '
    cat >sel3.txt <<-\EOT &&
	HELLO 3
	ACL SETUSER u3 on nopass +get ~a* (+set ~b* &c*) (+@hash %W~h*)
	ACL GETUSER u3
	ACL DELUSER u3
	EOT
    sed -n "/^HELLO/!p" sel3.txt >sel3.cmds &&
    { echo "HELLO 3"; cat sel3.cmds; } >sel3.in &&
    redis-cli -3 -p "$REF_PORT" <sel3.cmds >sel3.expect &&
    redis-cli -3 -p "$SERVER_PORT" <sel3.cmds >sel3.actual &&
    test_cmp sel3.expect sel3.actual
'

# run AS_USER FILE: the commands of FILE as user u (password pw) on both
# servers, compared.
run_as_u() {
    redis-cli -p "$REF_PORT" --user u --pass pw --no-auth-warning \
        <"$1" >"$1.expect" 2>&1 &&
    redis-cli -p "$SERVER_PORT" --user u --pass pw --no-auth-warning \
        <"$1" >"$1.actual" 2>&1 &&
    test_cmp "$1.expect" "$1.actual"
}

test_expect_success REDIS_REF 'commands run through selectors' '
    for p in "$REF_PORT" "$SERVER_PORT"; do
        redis-cli -p "$p" acl setuser u on ">pw" +get "~a*" \
            "(+set ~b* %R~c*)" "(+@hash ~h* &ch*)" "(+publish &x)" \
            "(+subscribe &x*)" >/dev/null || return 1
    done &&
    cat >cmds.txt <<-\EOT &&
	set b1 v
	get b1
	set a1 v
	get a1
	get c1
	set c1 v
	hset h1 f v
	hget h1 f
	hset b1 f v
	del b1
	publish x m
	publish ch1 m
	acl whoami
	EOT
    run_as_u cmds.txt
'

test_expect_success REDIS_REF 'an aclfile with selectors loads as SETUSER makes them' '
    cat >users.acl <<-\EOF &&
	user default on nopass ~* &* +@all
	user f on nopass ~a* resetchannels -@all +get (~b* resetchannels -@all +set) (%R~c* resetchannels &x -@all +@hash)
	EOF
    restart_both --aclfile "$PWD/users.acl" &&
    cat >load.txt <<-\EOT &&
	acl list
	acl getuser f
	acl dryrun f set b1 v
	acl dryrun f hget c1 f
	acl dryrun f hset c1 f v
	acl save
	acl load
	acl list
	EOT
    compare_with_ref load.txt &&
    printf "user g on (~a +get\n" >bad.acl &&
    cp bad.acl users.acl &&
    echo "acl load" >bad.txt &&
    redis-cli -p "$SERVER_PORT" <bad.txt >bad.out 2>&1 &&
    grep -q "Unmatched parenthesis" bad.out
'

test_done
