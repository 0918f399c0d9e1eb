#!/usr/bin/env python3
# t/lib-fake-codis.py PORT [PASSWORD]: a stand-in for `codis server` in
# dashboard tests until the real server is built: it speaks RESP on
# 127.0.0.1:PORT and answers the commands the dashboard sends (PING, AUTH,
# SLOTSINFO, SLAVEOF, INFO, CONFIG GET/SET) from a little state, so tests
# can check what the dashboard told it (INFO shows role and master_host /
# master_port after SLAVEOF). Anything else gets an error.
import socket
import sys
import threading

port = int(sys.argv[1])
password = sys.argv[2] if len(sys.argv) > 2 else ""
state = {"master": None, "masterauth": ""}
lock = threading.Lock()


def bulk(s):
    b = s.encode()
    return b"$%d\r\n%s\r\n" % (len(b), b)


def read_command(f):
    line = f.readline()
    if not line:
        return None
    if not line.startswith(b"*"):
        return line.decode().split()
    args = []
    for _ in range(int(line[1:])):
        n = int(f.readline()[1:])
        args.append(f.read(n + 2)[:-2].decode())
    return args


def answer(args, authed):
    cmd = args[0].upper()
    if cmd == "AUTH":
        if len(args) == 2 and args[1] == password:
            return b"+OK\r\n", True
        return b"-ERR invalid password\r\n", authed
    if password and not authed:
        return b"-NOAUTH Authentication required.\r\n", authed
    if cmd == "PING":
        return b"+PONG\r\n", authed
    if cmd == "SLOTSINFO":
        return b"*0\r\n", authed
    if cmd == "SLAVEOF" and len(args) == 3:
        with lock:
            if args[1].upper() == "NO" and args[2].upper() == "ONE":
                state["master"] = None
            else:
                state["master"] = (args[1], args[2])
        return b"+OK\r\n", authed
    if cmd == "CONFIG" and len(args) >= 3 and args[1].upper() == "GET":
        return b"*2\r\n" + bulk(args[2]) + bulk("0"), authed
    if cmd == "CONFIG" and len(args) == 4 and args[1].upper() == "SET":
        state[args[2]] = args[3]
        return b"+OK\r\n", authed
    if cmd == "INFO":
        with lock:
            m = state["master"]
        text = "# Replication\r\n"
        if m:
            text += "role:slave\r\nmaster_host:%s\r\nmaster_port:%s\r\n" % m
        else:
            text += "role:master\r\n"
        text += "masterauth:%s\r\n" % state["masterauth"]
        text += "# Keyspace\r\ndb0:keys=0,expires=0\r\n"
        return bulk(text), authed
    return b"-ERR unknown command '%s'\r\n" % args[0].encode(), authed


def serve(conn):
    f = conn.makefile("rb")
    authed = False
    try:
        while True:
            args = read_command(f)
            if not args:
                break
            reply, authed = answer(args, authed)
            conn.sendall(reply)
    except (OSError, ValueError):
        pass
    conn.close()


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(16)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
