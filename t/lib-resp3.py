# t/lib-resp3.py: replay commands over raw sockets and print each reply's
# exact bytes, RESP2 or RESP3, so two servers' outputs can be diffed.
#
#   python3 t/lib-resp3.py PORT <commands.txt >out
#
# Each line of the input is one command, its words split as a shell
# would split them. A line "@push" reads one more (out-of-band) reply
# without sending; "@conn N" switches to connection N (opened on first
# use; connection 0 is the default). Replies that differ between runs
# (ids, ages, addresses) are masked: a line "@mask" prints the next reply
# with each number replaced by '#'; HELLO's id is always masked. "{last}" in
# a command stands for the last integer reply (a CLIENT ID to redirect
# to). A line starting with "!" sends its command without reading a
# reply (CLIENT REPLY OFF).
import re
import shlex
import socket
import sys


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.settimeout(10)
        self.buf = b""

    def send(self, words):
        out = b"*%d\r\n" % len(words)
        for w in words:
            w = w.encode("latin-1")
            out += b"$%d\r\n%s\r\n" % (len(w), w)
        self.sock.sendall(out)

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk

    def _line_end(self, pos):
        while True:
            i = self.buf.find(b"\r\n", pos)
            if i >= 0:
                return i
            self._fill(len(self.buf) + 1)

    def _skip(self, pos):
        """Return the offset just past the reply starting at 'pos'."""
        self._fill(pos + 1)
        kind = self.buf[pos:pos + 1]
        end = self._line_end(pos)
        head = self.buf[pos + 1:end].decode("latin-1")
        pos = end + 2
        if kind in (b"$", b"!", b"="):
            n = int(head)
            if n >= 0:
                self._fill(pos + n + 2)
                pos += n + 2
            return pos
        if kind in (b"*", b"%", b"~", b">", b"|"):
            n = int(head)
            if kind in (b"%", b"|"):
                n *= 2
            if kind == b"|":
                n += 1
            for _ in range(max(n, 0)):
                pos = self._skip(pos)
            return pos
        return pos

    def reply(self):
        end = self._skip(0)
        data, self.buf = self.buf[:end], self.buf[end:]
        return data


def main():
    port = int(sys.argv[1])
    conns = {}
    cur = "0"
    mask = False
    last = ""
    for line in sys.stdin:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if cur not in conns:
            conns[cur] = Conn(port)
        c = conns[cur]
        if line.startswith("@conn "):
            cur = line.split()[1]
            continue
        if line == "@mask":
            mask = True
            continue
        if line == "@push":
            out = c.reply()
            line = "(push)"
        elif line.startswith("!"):
            c.send(shlex.split(line[1:]))
            print("%s => (no reply read)" % line)
            continue
        else:
            c.send([w.replace("{last}", last) for w in shlex.split(line)])
            out = c.reply()
            if out.startswith(b":"):
                last = out[1:-2].decode()
        # HELLO's "id" is the connection's number: differs between servers.
        text = re.sub(r"\$2\\r\\nid\\r\\n:[0-9]+", "$2\\\\r\\\\nid\\\\r\\\\n:#",
                      repr(out))
        if mask:
            text = re.sub(r"[0-9]+", "#", text)
            mask = False
        print("%s => %s" % (line, text))


main()
