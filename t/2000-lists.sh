#!/bin/sh
test_description='lists: push, pop, ranges, edits, moves and blocking pops'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

# blocked N: the server has N blocked clients.
blocked() {
    cli info clients | grep -q "^blocked_clients:$1"
}

test_expect_success 'start a server' '
    start_server
'

test_expect_success 'LPUSH, RPUSH, LRANGE, LLEN, LINDEX' '
    cli rpush l b c >actual &&
    cli lpush l a z >>actual &&
    cli lrange l 0 -1 >>actual &&
    cli llen l >>actual &&
    cli lindex l 0 >>actual &&
    cli lindex l -1 >>actual &&
    cli lindex l 9 >>actual &&
    cli lrange l -2 100 >>actual &&
    cli lrange l 3 1 >>actual &&
    cli llen nolist >>actual &&
    cli type l >>actual &&
    cli object encoding l >>actual &&
    cat >expect <<-\EOT &&
	2
	4
	z
	a
	b
	c
	4
	z
	c

	b
	c

	0
	list
	quicklist
	EOT
    test_cmp expect actual
'

test_expect_success 'LPUSHX and RPUSHX only touch existing lists' '
    cli lpushx nolist a >actual &&
    cli rpushx l d e >>actual &&
    cli lpushx l y >>actual &&
    cli exists nolist >>actual &&
    cli lrange l 0 -1 >>actual &&
    cat >expect <<-\EOT &&
	0
	6
	7
	0
	y
	z
	a
	b
	c
	d
	e
	EOT
    test_cmp expect actual
'

test_expect_success 'LPOP and RPOP, with and without a count' '
    cli lpop l >actual &&
    cli rpop l >>actual &&
    cli lpop l 2 >>actual &&
    cli rpop l 0 >>actual &&
    cli lpop nolist >>actual &&
    cli lpop nolist 2 >>actual &&
    cli lpop l -1 >>actual &&
    cli rpop l 10 >>actual &&
    cli exists l >>actual &&
    cat >expect <<-\EOT &&
	y
	e
	z
	a

	

	ERR value is out of range, must be positive
	
	d
	c
	b
	0
	EOT
    test_cmp expect actual
'

test_expect_success 'LSET, LINSERT, LREM, LTRIM' '
    cli rpush e a b a c a d >actual &&
    cli lset e 1 B >>actual &&
    cli lset e 10 x >>actual &&
    cli lset nolist 0 x >>actual &&
    cli linsert e before c C1 >>actual &&
    cli linsert e after d D1 >>actual &&
    cli linsert e after nope x >>actual &&
    cli linsert nolist after a x >>actual &&
    cli linsert e middle a x >>actual &&
    cli lrem e -2 a >>actual &&
    cli lrange e 0 -1 >>actual &&
    cli lrem e 0 a >>actual &&
    cli ltrim e 1 -2 >>actual &&
    cli lrange e 0 -1 >>actual &&
    cli ltrim e 5 1 >>actual &&
    cli exists e >>actual &&
    cat >expect <<-\EOT &&
	6
	OK
	ERR index out of range
	
	ERR no such key
	
	7
	8
	-1
	0
	ERR syntax error
	
	2
	a
	B
	C1
	c
	d
	D1
	1
	OK
	C1
	c
	d
	OK
	0
	EOT
    test_cmp expect actual
'

test_expect_success 'LREM with a positive count removes from the head' '
    cli rpush r x 1 x 2 x >actual &&
    cli lrem r 2 x >>actual &&
    cli lrange r 0 -1 >>actual &&
    cat >expect <<-\EOT &&
	5
	2
	1
	2
	x
	EOT
    test_cmp expect actual
'

test_expect_success 'LPOS with RANK, COUNT and MAXLEN' '
    cli del p &&
    cli rpush p a b c 1 2 3 c c >actual &&
    cli lpos p c >>actual &&
    cli lpos p c rank 2 >>actual &&
    cli lpos p c rank -1 >>actual &&
    cli lpos p c count 0 >>actual &&
    cli lpos p c count 2 rank -1 >>actual &&
    cli lpos p c maxlen 2 >>actual &&
    cli lpos p c rank 0 >>actual &&
    cli lpos p c count -1 >>actual &&
    cli lpos p nope >>actual &&
    cat >expect <<-\EOT &&
	8
	2
	6
	7
	2
	6
	7
	7
	6

	ERR RANK can'"'"'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list
	
	ERR COUNT can'"'"'t be negative
	

	EOT
    test_cmp expect actual
'

test_expect_success 'RPOPLPUSH and LMOVE, also onto the same list' '
    cli del s d &&
    cli rpush s 1 2 3 >actual &&
    cli rpoplpush s d >>actual &&
    cli lmove s d left right >>actual &&
    cli lmove s s right left >>actual &&
    cli lmove s d up down >>actual &&
    cli lrange s 0 -1 >>actual &&
    cli lrange d 0 -1 >>actual &&
    cli rpoplpush nolist d >>actual &&
    cat >expect <<-\EOT &&
	3
	3
	1
	2
	ERR syntax error
	
	2
	3
	1

	EOT
    test_cmp expect actual
'

test_expect_success 'list commands against other types get WRONGTYPE' '
    cli set str v &&
    cli lpush str a >actual &&
    cli lrange str 0 -1 >>actual &&
    cli rpoplpush s str >>actual &&
    cli blpop str 1 >>actual &&
    cli lrange s 0 -1 >>actual &&
    cli lindex s x >>actual &&
    cli lpush >>actual &&
    cat >expect <<-\EOT &&
	WRONGTYPE Operation against a key holding the wrong kind of value
	
	WRONGTYPE Operation against a key holding the wrong kind of value
	
	WRONGTYPE Operation against a key holding the wrong kind of value
	
	WRONGTYPE Operation against a key holding the wrong kind of value
	
	2
	ERR value is not an integer or out of range
	
	ERR wrong number of arguments for '"'"'lpush'"'"' command
	
	EOT
    test_cmp expect actual
'

test_expect_success 'a long list keeps its order through growth and pops' '
    seq 1 3000 | sed "s/^/rpush big /" | cli >/dev/null &&
    seq 1 1000 | sed "s/^/lpush big m/" | cli >/dev/null &&
    cli llen big >actual &&
    cli lindex big 0 >>actual &&
    cli lindex big 1000 >>actual &&
    cli lindex big -1 >>actual &&
    cli linsert big before 1500 mid >>actual &&
    cli lindex big 2499 >>actual &&
    cli ltrim big 2000 2001 >>actual &&
    cli lrange big 0 -1 >>actual &&
    cat >expect <<-\EOT &&
	4000
	m1000
	1
	3000
	4001
	mid
	OK
	1001
	1002
	EOT
    test_cmp expect actual
'

test_expect_success 'BLPOP returns at once when data is there' '
    cli del q1 q2 &&
    cli rpush q2 x y >/dev/null &&
    cli blpop q1 q2 0 >actual &&
    cli brpop q1 q2 0 >>actual &&
    cli exists q2 >>actual &&
    cat >expect <<-\EOT &&
	q2
	x
	q2
	y
	0
	EOT
    test_cmp expect actual
'

test_expect_success 'BLPOP times out with a nil reply; bad timeouts are refused' '
    cli blpop q1 0.1 >actual &&
    cli blpop q1 -1 >>actual &&
    cli blpop q1 abc >>actual &&
    cat >expect <<-\EOT &&

	ERR timeout is negative
	
	ERR timeout is not a float or out of range
	
	EOT
    test_cmp expect actual
'

test_expect_success 'blocked clients are served in FIFO order on push' '
    cli blpop fifo 0 >first.out &
    wait_until "blocked 1" &&
    cli blpop other fifo 0 >second.out &
    wait_until "blocked 2" &&
    cli rpush fifo one two three >actual &&
    wait_until "test -s second.out" &&
    wait_until "test -s first.out" &&
    cat first.out second.out >>actual &&
    cli lrange fifo 0 -1 >>actual &&
    cat >expect <<-\EOT &&
	3
	fifo
	one
	fifo
	two
	three
	EOT
    test_cmp expect actual &&
    blocked 0
'

test_expect_success 'BRPOPLPUSH and BLMOVE wake up and move' '
    cli del src dst &&
    cli brpoplpush src dst 0 >move1.out &
    wait_until "blocked 1" &&
    cli blmove src dst left right 0 >move2.out &
    wait_until "blocked 2" &&
    cli rpush src a b >actual &&
    wait_until "test -s move1.out" &&
    wait_until "test -s move2.out" &&
    cat move1.out move2.out >>actual &&
    cli lrange dst 0 -1 >>actual &&
    cli exists src >>actual &&
    cat >expect <<-\EOT &&
	2
	b
	a
	b
	a
	0
	EOT
    test_cmp expect actual
'

test_expect_success 'a blocked client is woken by LMOVE into its key' '
    cli blpop target 0 >moved.out &
    wait_until "blocked 1" &&
    cli rpush from v >/dev/null &&
    cli lmove from target left left >actual &&
    wait_until "test -s moved.out" &&
    cat moved.out >>actual &&
    cli exists target >>actual &&
    cat >expect <<-\EOT &&
	v
	target
	v
	0
	EOT
    test_cmp expect actual
'

test_expect_success 'BLMPOP wakes up with up to COUNT elements' '
    cli del mp >/dev/null &&
    cli blmpop 0 2 nothing mp right count 2 >mp.out &
    wait_until "blocked 1" &&
    cli rpush mp a b c >actual &&
    wait_until "test -s mp.out" &&
    cat mp.out >>actual &&
    cli lrange mp 0 -1 >>actual &&
    printf "3\nmp\nc\nb\na\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'a blocked client that disconnects is forgotten' '
    redis-cli -p "$SERVER_PORT" blpop gone 0 >/dev/null &
    cli_pid=$! &&
    wait_until "blocked 1" &&
    kill $cli_pid &&
    wait_until "blocked 0" &&
    cli rpush gone x >actual &&
    cli lrange gone 0 -1 >>actual &&
    printf "1\nx\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'pipelined commands after a blocking one wait for it' '
    python3 - "$SERVER_PORT" >actual <<-\EOT &&
	import socket, sys, time
	port = int(sys.argv[1])
	a = socket.create_connection(("127.0.0.1", port))
	a.sendall(b"BLPOP pl 0\r\nECHO after\r\n")
	b = socket.create_connection(("127.0.0.1", port))
	deadline = time.time() + 20
	while True:
	    b.sendall(b"INFO clients\r\n")
	    info = b""
	    while not info.endswith(b"\r\n\r\n"):
	        info += b.recv(4096)
	    if b"blocked_clients:1" in info:
	        break
	    if time.time() > deadline:
	        sys.exit("the BLPOP never blocked")
	    time.sleep(0.05)
	b.sendall(b"RPUSH pl v\r\n")
	b.recv(100)
	a.settimeout(20)
	got = b""
	while not got.endswith(b"after\r\n"):
	    got += a.recv(100)
	print(got.decode().replace("\r\n", "|"))
	EOT
    echo "*2|\$2|pl|\$1|v|\$5|after|" >expect &&
    test_cmp expect actual
'

test_expect_success 'redis-benchmark list tests run without errors' '
    redis-benchmark -p $SERVER_PORT -t lpush,rpush,lpop,rpop,lrange \
        -n 2000 -q >bench.out 2>&1 &&
    ! grep -i err bench.out &&
    server_alive
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

test_expect_success REDIS_REF 'list replies and errors match redis-server' '
    cat >ref.txt <<-\EOT &&
	flushall
	rpush rl a b c d e f a b
	lpush rl z
	lrange rl 0 -1
	lrange rl -100 100
	lrange rl 5 2
	lrange rl a b
	lindex rl -2
	lindex rl 100
	lpos rl a
	lpos rl a rank -1
	lpos rl a count 0 maxlen 3
	lpos rl a rank 0
	lpos rl a count -1
	lpos rl a maxlen -1
	lpos rl a bogus 1
	lpos rl a rank
	lpop rl 0
	lpop rl -1
	lpop rl 2
	rpop rl 3
	rpop rl x
	lpop rl 1 2
	lset rl 100 x
	lset rl -1 last
	lset nolist 0 x
	linsert rl before a new
	linsert rl sideways a new
	lrem rl 0 a
	lrem rl x a
	ltrim rl 1 -2
	lrange rl 0 -1
	lmove rl other left right
	lmove rl other up right
	lmove nolist other left right
	rpoplpush rl rl
	lrange rl 0 -1
	set str v
	lpush str a
	lmove rl str left left
	rpoplpush str rl
	blpop str 0
	blpop rl 0
	blpop rl -1
	blpop rl x
	blmove rl other left sideways 0
	blmove rl other left left x
	brpoplpush rl other -1
	llen str
	lpushx nolist a
	rpushx str a
	lpush
	lrange rl 0
	lindex rl
	linsert rl before a
	type rl
	object encoding rl
	del m1 m2
	rpush m2 a b c d
	lmpop 2 m1 m2 left
	lmpop 2 m1 m2 right count 2
	lmpop 2 m1 m2 left count 10
	lmpop 2 m1 m2 left
	exists m2
	lmpop 0 m1 left
	lmpop 3 m1 left
	lmpop 1 m1 up
	lmpop 1 m1 left count 0
	lmpop 1 m1 left count 1 count 1
	lmpop 1 m1 left bogus
	lmpop 1 str left
	blmpop 0.01 1 m1 left
	blmpop -1 1 m1 left
	rpush m1 x y
	blmpop 0 1 m1 right count 5
	EOT
    compare_with_ref ref.txt
'

cat >unblock.py <<\EOF
import time
a, b, admin = Conn(port), Conn(port), Conn(port)
ida, idb = a.call("CLIENT", "ID"), b.call("CLIENT", "ID")
a.send("BLPOP", "ub1", "0")
a.send("ECHO", "after-a")
b.send("BRPOPLPUSH", "ub2", "ub3", "0")
deadline = time.time() + 20
while "blocked_clients:2" not in admin.call("INFO", "clients"):
    if time.time() > deadline:
        sys.exit("the clients never blocked")
    time.sleep(0.05)
print(admin.call("CLIENT", "UNBLOCK", ida))
print(a.read())
print(a.read())
print(admin.call("CLIENT", "UNBLOCK", idb, "ERROR"))
print(b.read())
print(admin.call("CLIENT", "UNBLOCK", idb))
print(admin.call("CLIENT", "UNBLOCK", "x"))
print(admin.call("CLIENT", "UNBLOCK", ida, "SOON"))
print(admin.call("LPUSH", "ub1", "v"))
print(admin.call("LLEN", "ub1"))
EOF

test_expect_success REDIS_REF 'CLIENT UNBLOCK ends a wait like Redis' '
    scenario_with_ref unblock.py
'

test_expect_success 'every key is still in the slot index' '
    cli slotscheck >actual &&
    echo OK >expect &&
    test_cmp expect actual
'

test_done
