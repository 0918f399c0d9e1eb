# t/lib-port.sh: free_port, shared by t/lib.sh and bench/lib/common.sh
# (sourced; it starts nothing).

# free_port: print a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
