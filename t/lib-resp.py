# t/lib-resp.py: a tiny RESP client for test scenarios that redis-cli
# cannot drive (several connections, subscribed mode, pipelines).
#
#   import sys; sys.path.insert(0, TEST_DIRECTORY); from lib_resp import Conn
# or, as the tests do:  exec(open(os.environ["TEST_DIRECTORY"] +
#                             "/lib-resp.py").read())
# or run a scenario file with Conn and 'port' already there:
#   python3 t/lib-resp.py scenario.py PORT [ARGS...]
# (scenario_with_ref in t/lib-redis-ref.sh runs one against both servers)
#
#   c = Conn(port)               # Conn(port, "127.0.0.2"): another source
#   c.send("SET", "k", "v")      # one command, not waiting
#   c.read()                     # one reply, printed form (see show)
#   c.call("GET", "k")           # send + read
#   encode("SET", "k", "v")      # the RESP bytes of one command
import socket


def encode(*args):
    """One command as RESP bytes: an array of bulk strings (str, bytes or
    anything str() takes)."""
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Conn:
    def __init__(self, port, src=None):
        # 'src': connect from this local address (e.g. 127.0.0.2, which
        # Redis does not count as a loopback client)
        self.sock = socket.create_connection(
            ("127.0.0.1", port), source_address=(src, 0) if src else None)
        self.sock.settimeout(5)
        self.buf = b""

    def send(self, *args):
        self.sock.sendall(encode(*args))

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _bytes(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:].decode()
        if kind == b"+":
            return rest
        if kind == b"-":
            return "(error) " + rest
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._bytes(n).decode("latin-1")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise ValueError("bad reply line %r" % line)

    def read(self):
        return show(self._reply())

    def call(self, *args):
        self.send(*args)
        return self.read()

    def pending(self, wait=0.2):
        """True if a reply (or the end of the connection) arrives within
        'wait' seconds."""
        if self.buf:
            return True
        self.sock.settimeout(wait)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return False
        finally:
            self.sock.settimeout(5)
        self.buf += chunk
        return True


def show(r):
    """One reply as text: nested arrays in brackets, nil as (nil)."""
    if r is None:
        return "(nil)"
    if isinstance(r, list):
        return "[" + ", ".join(show(x) for x in r) + "]"
    return str(r)


if globals().get("__file__", "").endswith("lib-resp.py"):
    # python3 lib-resp.py SCENARIO PORT [ARGS...]: run the Python file
    # SCENARIO with Conn, show, socket, sys and port (PORT as a number)
    # defined, and sys.argv = [SCENARIO, PORT, ARGS...]. (Not when a
    # script exec()s this file: its __file__ is its own, or none.)
    import sys
    sys.argv = sys.argv[1:]
    scenario = sys.argv[0]
    exec(compile(open(scenario).read(), scenario, "exec"),
         {"__name__": "__main__", "Conn": Conn, "show": show,
          "socket": socket, "sys": sys, "port": int(sys.argv[1])})
