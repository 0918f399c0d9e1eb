#!/usr/bin/python3
# t/lib-proxytest.py: helpers for the proxy data-plane tests (t/40xx-*):
# Codis slot hashing computed independently of the proxy (zlib.crc32),
# keys that land on a chosen server, the --fillslots file of two groups,
# and the scenarios too large for redis-cli. Each scenario prints what
# went wrong to stderr and exits 1, or exits 0.
#
#   lib-proxytest.py slots PORT_A PORT_B     slots.json: 0-511 on A, rest on B
#   lib-proxytest.py slot KEY...             the slot of each key
#   lib-proxytest.py keys a|b PREFIX N       N keys PREFIX<i> whose slots A
#                                            (or B) owns, one a line
#   lib-proxytest.py routing PA PB PP        keys land where their slot says
#   lib-proxytest.py pipeline PP N           N mixed commands in one pipeline
#   lib-proxytest.py clients PP N            N clients connected at once
import json
import socket
import sys
import zlib

import redis

HALF = 512


def slot(key):
    """Codis 3: crc32 of the key, or of the text inside its first {...}."""
    if isinstance(key, str):
        key = key.encode()
    i = key.find(b"{")
    if i >= 0:
        j = key.find(b"}", i + 1)
        if j >= 0:
            key = key[i + 1:j]
    return zlib.crc32(key) % 1024


def on_a(key):
    return slot(key) < HALF


def keys_on(side, prefix, n):
    out, i = [], 0
    while len(out) < n:
        k = "%s%d" % (prefix, i)
        if on_a(k) == (side == "a"):
            out.append(k)
        i += 1
    return out


def fail(text):
    sys.stderr.write(text + "\n")
    sys.exit(1)


def routing(pa, pb, pp):
    proxy = redis.Redis(port=pp)
    a, b = redis.Redis(port=pa), redis.Redis(port=pb)
    keys = ["route:%d" % i for i in range(400)]
    for k in keys:
        if proxy.set(k, "v-" + k) is not True:
            fail("SET %s through the proxy failed" % k)
    counts = {"a": 0, "b": 0}
    for k in keys:
        owner, other = (a, b) if on_a(k) else (b, a)
        counts["a" if on_a(k) else "b"] += 1
        if owner.get(k) != ("v-" + k).encode():
            fail("%s (slot %d) is not on its owner" % (k, slot(k)))
        if other.exists(k) != 0:
            fail("%s (slot %d) is on the wrong server" % (k, slot(k)))
        if proxy.get(k) != ("v-" + k).encode():
            fail("GET %s through the proxy is wrong" % k)
    if counts["a"] < 100 or counts["b"] < 100:
        fail("keys are not spread over both servers: %r" % counts)
    # {tag} keys stay on one server, whatever follows the tag
    for tag in ("user1000", "t", "order:77"):
        tagged = ["pre{%s}post%d" % (tag, i) for i in range(50)]
        for k in tagged:
            proxy.set(k, k)
        owner, other = (a, b) if on_a("{%s}" % tag) else (b, a)
        for k in tagged:
            if owner.get(k) != k.encode() or other.exists(k):
                fail("%s is not with the other keys of {%s}" % (k, tag))


def pipeline(pp, n):
    """n commands of mixed kinds in one pipeline; every reply is checked
    against a model of what the servers must hold."""
    proxy = redis.Redis(port=pp)
    pipe = proxy.pipeline(transaction=False)
    expect = []
    values, counters, lists = {}, {}, {}
    for i in range(n):
        op = i % 8
        if op == 0:
            k = "pipe:%d" % i
            pipe.set(k, "v%d" % i)
            values[k] = b"v%d" % i
            expect.append(True)
        elif op == 1:
            k = "pipe:%d" % (i - 1)
            pipe.get(k)
            expect.append(values[k])
        elif op == 2:
            k = "ctr:{c%d}" % (i % 13)
            counters[k] = counters.get(k, 0) + 1
            pipe.incr(k)
            expect.append(counters[k])
        elif op == 3:
            k = "list:%d" % (i % 11)
            lists[k] = lists.get(k, 0) + 1
            pipe.rpush(k, i)
            expect.append(lists[k])
        elif op == 4:
            ks = ["pipe:%d" % (i - 4), "pipe:none%d" % i, "pipe:%d" % (i - 12)]
            pipe.mget(ks)
            expect.append([values.get(k) for k in ks])
        elif op == 5:
            ks = ["pipe:%d" % (i - 5), "pipe:%d" % (i - 13), "nope:%d" % i]
            pipe.exists(*ks)
            expect.append(sum(1 for k in ks if k in values))
        elif op == 6:
            pipe.ping()
            expect.append(True)
        else:
            k = "list:%d" % (i % 11)
            pipe.llen(k)
            expect.append(lists.get(k, 0))
    got = pipe.execute(raise_on_error=False)
    if len(got) != n:
        fail("%d replies for %d commands" % (len(got), n))
    for i, (g, e) in enumerate(zip(got, expect)):
        if g != e:
            fail("reply %d (op %d): got %r, expected %r" % (i, i % 8, g, e))


def clients(pp, n):
    """n sockets connected at once, each sends its own SET and GET; all
    must be answered right."""
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", pp), timeout=30)
        socks.append(s)
    for i, s in enumerate(socks):
        k, v = "client:%d" % i, "val%d" % i
        s.sendall(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                  b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" %
                  (len(k), k.encode(), len(v), v.encode(), len(k), k.encode()))
    for i, s in enumerate(socks):
        v = "val%d" % i
        want = b"+OK\r\n$%d\r\n%s\r\n" % (len(v), v.encode())
        got = b""
        while len(got) < len(want):
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        if got != want:
            fail("client %d got %r, expected %r" % (i, got, want))
    for s in socks:
        s.close()


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "slots":
        pa, pb = args
        recs = [{"id": i, "backend_addr": "127.0.0.1:%s" % (pa if i < HALF else pb)}
                for i in range(1024)]
        print(json.dumps(recs))
    elif cmd == "slot":
        for k in args:
            print(slot(k))
    elif cmd == "keys":
        for k in keys_on(args[0], args[1], int(args[2])):
            print(k)
    elif cmd == "routing":
        routing(int(args[0]), int(args[1]), int(args[2]))
    elif cmd == "pipeline":
        pipeline(int(args[0]), int(args[1]))
    elif cmd == "clients":
        clients(int(args[0]), int(args[1]))
    else:
        fail("unknown command %s" % cmd)


if __name__ == "__main__":
    main()
