#!/usr/bin/python3
# t/lib-writer.py: the writer of the fault tests (t/70xx). It writes
# through a proxy and logs every acknowledged write, so a test can tell
# afterwards whether a write that a client was told succeeded was lost.
#
#   lib-writer.py write PORT NAME   SET NAME:<i> <i> for i = 0, 1, ...
#                                   through PORT until the file NAME.stop
#                                   exists; each write that got +OK is
#                                   logged to NAME.acked as "<i> <time>";
#                                   errors and reconnects never stop it
#   lib-writer.py check PORT NAME   read back every acknowledged key
#                                   through PORT and print
#                                   "acked N lost L gap S1 S2": L keys
#                                   missing or wrong (each printed
#                                   first), S1 and S2 the longest time in
#                                   seconds between two acknowledged
#                                   writes to slots 0-511 and 512-1023
#                                   (the unavailability of each group)
# Speaks RESP itself (no client library needed).
import os
import socket
import sys
import time
import zlib


class Conn:
    """A tiny blocking RESP client: command() returns the reply, raises
    OSError on a broken connection and RuntimeError on an error reply."""

    def __init__(self, port, timeout):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=2)
        self.s.settimeout(timeout)
        self.f = self.s.makefile("rb")

    def command(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        return self.reply()

    def reply(self):
        line = self.f.readline()
        if not line.endswith(b"\r\n"):
            raise OSError("connection closed")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest
        if kind == b"-":
            raise RuntimeError(rest.decode(errors="replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2]
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise OSError("bad reply %r" % line)

    def close(self):
        self.s.close()


def write(port, name):
    stop = name + ".stop"
    log = open(name + ".acked", "w", buffering=1)
    errors = open(name + ".errors", "w", buffering=1)
    r = None
    i = 0
    while not os.path.exists(stop):
        try:
            if r is None:
                r = Conn(port, 10)
            if r.command("SET", "%s:%d" % (name, i), i) == b"OK":
                log.write("%d %.3f\n" % (i, time.time()))
            i += 1
        except (RuntimeError, OSError) as e:
            errors.write("%.3f %d %s\n" % (time.time(), i, e))
            i += 1  # a failed write may or may not have happened
            if r is not None and isinstance(e, OSError):
                r.close()
                r = None
            time.sleep(0.02)
    log.close()


def check(port, name):
    acked = []
    for line in open(name + ".acked"):
        i, t = line.split()
        acked.append((int(i), float(t)))
    r = Conn(port, 30)
    lost = 0
    for start in range(0, len(acked), 500):
        chunk = acked[start:start + 500]
        keys = ["%s:%d" % (name, i) for i, _ in chunk]
        for (i, _), v in zip(chunk, r.command("MGET", *keys)):
            if v != str(i).encode():
                lost += 1
                print("lost %s:%d: %r" % (name, i, v))
    # unavailability per half of the slots (group 1: 0-511, group 2:
    # 512-1023 in the t/70xx cluster)
    gaps = []
    for low, high in ((0, 512), (512, 1024)):
        times = [t for i, t in acked
                 if low <= zlib.crc32(b"%s:%d" % (name.encode(), i)) % 1024
                 < high]
        gaps.append(max([b - a for a, b in zip(times, times[1:])] or [0]))
    print("acked %d lost %d gap %.1f %.1f" % (len(acked), lost, gaps[0],
                                               gaps[1]))


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](int(sys.argv[2]),
                                                  sys.argv[3])
