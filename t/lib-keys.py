#!/usr/bin/python3
# t/lib-keys.py: fill a Redis-compatible server with a known dataset of
# every type and encoding, and print a server's whole dataset in a
# canonical text form, so tests can compare two servers (ours, Debian's
# redis-server) with test_cmp. Uses python3-redis.
#
#   lib-keys.py fill PORT [strings|all]   write the dataset (db 0 and 3)
#   lib-keys.py dump PORT                 print every key of every db:
#                                         db key type value ttl-flag
import random
import sys

import redis


def fill(port, what):
    rnd = random.Random(42)
    for dbnum in (0, 3):
        r = redis.Redis(port=port, db=dbnum)
        p = r.pipeline(transaction=False)
        p.set("s:short", "hello")
        p.set("s:int", 12345)
        p.set("s:neg", -7)
        p.set("s:big", 123456789012345)
        p.set("s:long", "abc" * 200)
        p.set("s:rand", bytes(rnd.getrandbits(8) for _ in range(300)))
        p.set("s:bin", b"a\x00b\r\nc")
        p.set("s:empty", "")
        p.set("s:ttl", "expires", ex=1000)
        p.set("{t}one", 1)
        p.set("{t}two", 2)
        for i in range(2000):
            p.set("k:%d" % i, "v%d" % i)
        if what == "all":
            p.rpush("l:small", "a", "b", 3, -4)
            p.rpush("l:big", *["e%d-%s" % (i, "x" * (i % 100))
                               for i in range(1000)])
            p.rpush("l:huge-elem", "y" * 9000, "small")
            p.sadd("set:ints", 1, 2, 3, -100, 70000, 5000000000)
            p.sadd("set:strs", "a", "b", "c")
            p.sadd("set:big", *["m%d" % i for i in range(1000)])
            p.hset("h:small", mapping={"f1": "v1", "f2": 2})
            p.hset("h:big", mapping={"f%d" % i: "v" * 100 for i in range(600)})
            p.zadd("z:small", {"a": 1, "b": 2.5, "c": -3})
            p.zadd("z:big", {"m%d" % i: i / 7 for i in range(200)})
            p.zadd("z:inf", {"lo": float("-inf"), "hi": float("inf"),
                             "mid": 0})
            p.rpush("l:ttl", "x")
            p.expire("l:ttl", 1000)
            p.hset("h:ttl", "f", "v")
            p.expire("h:ttl", 1000)
        p.execute()


def show(v):
    return repr(v)


def dump(port):
    for dbnum in range(16):
        r = redis.Redis(port=port, db=dbnum)
        for key in sorted(r.keys("*")):
            t = r.type(key).decode()
            if t == "string":
                v = r.get(key)
            elif t == "list":
                v = r.lrange(key, 0, -1)
            elif t == "set":
                v = sorted(r.smembers(key))
            elif t == "zset":
                v = r.zrange(key, 0, -1, withscores=True)
            elif t == "hash":
                v = sorted(r.hgetall(key).items())
            else:
                v = "?"
            ttl = "ttl" if r.pttl(key) > 0 else "-"
            print(dbnum, show(key), t, show(v), ttl)


if __name__ == "__main__":
    if sys.argv[1] == "fill":
        fill(int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "all")
    else:
        dump(int(sys.argv[2]))
