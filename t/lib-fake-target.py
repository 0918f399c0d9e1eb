#!/usr/bin/python3
# t/lib-fake-target.py: a stand-in migration target for tests. Listens on
# 127.0.0.1:PORT, accepts connections, parses each RESP command sent to
# it and answers +OK to each, but only once the file GATE exists; until
# then it reads and holds the replies back, like a target that is slow
# or stuck. Prints "ready" when listening.
#
#   lib-fake-target.py PORT GATE
import os
import socket
import sys
import threading
import time


def count_commands(buf, pos):
    """Return (complete commands in buf from pos, new pos)."""
    n = 0
    while True:
        if buf[pos:pos + 1] != b"*":
            return n, pos
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return n, pos
        words = int(buf[pos + 1:eol])
        p = eol + 2
        for _ in range(words):
            eol = buf.find(b"\r\n", p)
            if eol < 0:
                return n, pos
            size = int(buf[p + 1:eol])
            p = eol + 2 + size + 2
            if p > len(buf):
                return n, pos
        n += 1
        pos = p


def serve(conn, gate):
    buf, pos, owed = b"", 0, 0
    conn.settimeout(0.05)
    while True:
        try:
            data = conn.recv(1 << 20)
            if not data:
                return
            buf += data
        except socket.timeout:
            pass
        n, pos = count_commands(buf, pos)
        owed += n
        if owed and os.path.exists(gate):
            conn.sendall(b"+OK\r\n" * owed)
            owed = 0


def main():
    port, gate = int(sys.argv[1]), sys.argv[2]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(8)
    print("ready", flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, gate), daemon=True).start()


main()
