#!/usr/bin/python3
"""Make the binary seeds of the dump and rdb fuzz targets.

Starts redis-server (/usr/bin/redis-server, the reference) and our
codis-server on free ports in a scratch directory, stores the same keys of
every type in both, in small and large encodings (listpack, intset,
quicklist, hash table, skiplist; integer, short, compressible and binary
strings), and writes:

    t/fuzz/corpus/dump/<server>-<key>   the DUMP reply for each key
    t/fuzz/corpus/rdb/<server>-<n>.rdb  SAVE of a small and a large set
    t/fuzz/corpus/dump/old-<encoding>   hand-made bodies (type byte and
                                        value, no footer: the target adds
                                        it) of the encodings Redis 7.0
                                        still loads but no longer writes

Usage: t/fuzz/make-seeds.py [BIN_DIR]   (BIN_DIR holds codis-server,
default bin/). Rerun after a change to the RDB format; the files are
committed so `make fuzz` needs neither server.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import redis

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(TOP, "t", "fuzz", "corpus")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(argv, port):
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.time() + 30
    while True:
        try:
            client.ping()
            return proc, client
        except redis.exceptions.ConnectionError:
            if proc.poll() is not None or time.time() > deadline:
                sys.exit("cannot start %s" % argv[0])
            time.sleep(0.05)


def small_keys(c):
    c.set("str:int", "12345")
    c.set("str:neg", "-70000")
    c.set("str:short", "hello")
    c.set("str:lzf", "abc" * 100)
    c.set("str:bin", bytes(range(256)))
    c.rpush("list:small", "a", "b", "1", "-2", "300000", "x" * 70)
    c.sadd("set:int", 1, 2, 3, -5, 70000, 5000000000)
    c.sadd("set:str", "a", "b", "c")
    c.zadd("zset:small", {"a": 1, "b": 2.5, "c": float("-inf"), "d": -3})
    c.hset("hash:small", mapping={"f": "v", "n": "12", "e": ""})
    c.pexpireat("str:short", 4102444800000)
    c.execute_command("SELECT", 1)
    c.set("db1:key", "in db 1")
    c.execute_command("SELECT", 0)


def large_keys(c):
    # Just past Redis's listpack limits (128 entries), so Redis writes hash
    # tables and skiplists; lists of several quicklist nodes when the
    # server takes list-max-listpack-size (only redis-server does).
    try:
        c.config_set("list-max-listpack-size", 8)
    except redis.exceptions.ResponseError:
        pass
    c.rpush("list:big", *["e%d" % i for i in range(40)])
    c.sadd("set:big", *["m%d" % i for i in range(130)])
    c.zadd("zset:big", {"m%d" % i: i / 3 for i in range(130)})
    c.hset("hash:big", mapping={"f%d" % i: "v%d" % i for i in range(130)})


def dump_all(c, name, out):
    for key in sorted(c.keys("*")):
        payload = c.dump(key)
        if payload is None:
            continue
        fname = "%s-%s" % (name, key.decode().replace(":", "-"))
        with open(os.path.join(out, fname), "wb") as f:
            f.write(payload)


# Blobs of the compact encodings (as in t/unit/rdb_blob_test.c).
ZIPLIST = bytes([24, 0, 0, 0, 18, 0, 0, 0, 4, 0, 0x00, 0x02, ord("a"),
                 ord("b"), 0x04, 0xf8, 0x02, 0xfe, 0xfe, 0x03, 0xc0, 0x2c,
                 0x01, 0xff])
LISTPACK = bytes([21, 0, 0, 0, 4, 0, 0x05, 0x01, 0x82, ord("h"), ord("i"),
                  0x03, 0xdf, 0x9c, 0x02, 0xf2, 0x70, 0x11, 0x01, 0x04,
                  0xff])
LISTPACK_PAIR = bytes([13, 0, 0, 0, 2, 0, 0x82, ord("h"), ord("i"), 0x03,
                       0x05, 0x01, 0xff])
INTSET = bytes([2, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 0x02, 0x00])
ZIPMAP = bytes([1, 1, ord("f"), 2, 1, ord("v"), ord("1"), ord("x"), 0xff])


def rdb_string(blob):
    assert len(blob) < 64
    return bytes([len(blob)]) + blob


def old_encodings(out):
    bodies = {
        "list-ziplist": b"\x0a" + rdb_string(ZIPLIST),
        "set-intset": b"\x0b" + rdb_string(INTSET),
        "zset-ziplist": b"\x0c" + rdb_string(ZIPLIST),
        "hash-ziplist": b"\x0d" + rdb_string(ZIPLIST),
        "hash-zipmap": b"\x09" + rdb_string(ZIPMAP),
        "list-quicklist": b"\x0e\x01" + rdb_string(ZIPLIST),
        "list-quicklist2": b"\x12\x01\x02" + rdb_string(LISTPACK),
        "hash-listpack": b"\x10" + rdb_string(LISTPACK),
        "zset-listpack": b"\x11" + rdb_string(LISTPACK_PAIR),
        "set-listpack": b"\x14" + rdb_string(LISTPACK),
        # RDB_TYPE_ZSET: scores as text; 253 nan, 254 +inf, 255 -inf
        "zset-text": b"\x03\x03\x01a\x031.5\x01b\xfe\x01c\xff",
        "zset-text-nan": b"\x03\x01\x01c\xfd",
    }
    for name, body in bodies.items():
        with open(os.path.join(out, "old-" + name), "wb") as f:
            f.write(body)


def main():
    bin_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "bin")
    servers = [
        ("redis", ["/usr/bin/redis-server"]),
        ("codis", [os.path.join(bin_dir, "codis-server")]),
    ]
    os.makedirs(os.path.join(CORPUS, "dump"), exist_ok=True)
    os.makedirs(os.path.join(CORPUS, "rdb"), exist_ok=True)
    old_encodings(os.path.join(CORPUS, "dump"))
    scratch = tempfile.mkdtemp(prefix="codis-seeds.")
    try:
        for name, argv in servers:
            port = free_port()
            work = os.path.join(scratch, name)
            os.makedirs(work)
            proc, c = start(argv + ["--port", str(port), "--bind",
                                    "127.0.0.1", "--dir", work, "--save", "",
                                    "--appendonly", "no"], port)
            try:
                for n, fill in enumerate((small_keys, large_keys)):
                    c.flushall()
                    fill(c)
                    dump_all(c, name, os.path.join(CORPUS, "dump"))
                    c.save()
                    shutil.copy(os.path.join(work, "dump.rdb"),
                                os.path.join(CORPUS, "rdb",
                                             "%s-%d.rdb" % (name, n)))
            finally:
                proc.terminate()
                proc.wait()
    finally:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
