#!/usr/bin/python3
# t/lib-talk.py PORT < commands: send the commands (one a line, words split
# on spaces) on one connection, then QUIT, and print every reply byte,
# escaped, one line per CRLF: for comparing a proxy's replies with
# redis-server's byte for byte (t/4020, t/4021).
import socket
import sys

cmds = [line.split() for line in sys.stdin.read().splitlines() if line]
payload = b"".join(b"*%d\r\n" % len(c) +
                   b"".join(b"$%d\r\n%s\r\n" % (len(a), a.encode()) for a in c)
                   for c in cmds) + b"*1\r\n$4\r\nQUIT\r\n"
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(payload)
got = bytearray()
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    got += chunk
sys.stdout.write(repr(bytes(got)).replace("\\r\\n", "\\r\\n\n") + "\n")
