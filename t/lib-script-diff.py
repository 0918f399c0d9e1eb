# t/lib-script-diff.py: send the same commands to codis-server and to
# redis-server and compare the raw reply bytes.
#
#   python3 lib-script-diff.py REF_PORT OUR_PORT CASES_FILE
#
# CASES_FILE holds one command per line as a Python list literal, e.g.
#   ["eval", "return {1, 2, nil, 3}", "0"]
# Blank lines and lines starting with '#' are skipped. Every difference is
# printed with both replies; the exit status is 1 if there was any.
import ast
import os
import socket
import sys

# encode() of t/lib-resp.py (also when a test exec()s this file's text)
_resp = {}
exec(open(os.path.join(os.environ["TEST_DIRECTORY"], "lib-resp.py")).read(),
     _resp)
encode = _resp["encode"]


class Raw:
    """One connection that returns each reply as its exact bytes."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.settimeout(20)
        self.buf = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        i = self.buf.index(b"\r\n") + 2
        line, self.buf = self.buf[:i], self.buf[i:]
        return line

    def reply(self):
        line = self._line()
        if line[:1] == b"$":
            n = int(line[1:-2])
            if n < 0:
                return line
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n + 2], self.buf[n + 2:]
            return line + data
        if line[:1] == b"*":
            out = line
            for _ in range(max(int(line[1:-2]), 0)):
                out += self.reply()
            return out
        return line

    def call(self, *args):
        self.sock.sendall(encode(*args))
        return self.reply()


def main():
    ref, ours = Raw(int(sys.argv[1])), Raw(int(sys.argv[2]))
    cases = []
    with open(sys.argv[3]) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                cases.append(ast.literal_eval(line))
    bad = 0
    for case in cases:
        want, got = ref.call(*case), ours.call(*case)
        if want != got:
            bad += 1
            print("command:", case)
            print("  redis-server:", want)
            print("  codis-server:", got)
    print("%d commands, %d differences" % (len(cases), bad))
    sys.exit(1 if bad else 0)


main()
