"""A TCP proxy that loses a Redis client's connection part-way (the test of
issue 27, item 4: a client that dies in the middle of an operation).

    python3 cutproxy.py LISTEN_PORT REDIS_PORT N

takes one connection on 127.0.0.1:LISTEN_PORT, relays it to Redis on
REDIS_PORT, passes the client's first N commands (RESP arrays) whole and
then half of the next one's bytes, and closes both sides: Redis discards a
command it did not get whole, so what it holds is what the N commands did.
Prints "listening" when it accepts, then one of
    cut N HALF TOTAL     cut after N commands, HALF of TOTAL bytes passed
    whole N              the client closed after N commands (N too big)
and exits."""
import select
import socket
import sys


def command_len(buf):
    """Bytes of the first complete RESP array in buf, or None."""
    def line(at):
        end = buf.find(b"\r\n", at)
        return (None, None) if end < 0 else (buf[at:end], end + 2)
    head, at = line(0)
    if head is None:
        return None
    if not head.startswith(b"*"):
        raise SystemExit("not a RESP array: %r" % head[:40])
    for _ in range(int(head[1:])):
        size, at = line(at)
        if size is None:
            return None
        at += int(size[1:]) + 2
        if at > len(buf):
            return None
    return at


def main():
    lport, rport, cut = (int(a) for a in sys.argv[1:4])
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", lport))
    ls.listen(1)
    print("listening", flush=True)
    ls.settimeout(30)
    c, _ = ls.accept()
    r = socket.create_connection(("127.0.0.1", rport))
    buf, n = b"", 0
    while True:
        rd, _, _ = select.select([c, r], [], [], 30)
        if not rd:
            print("timeout after %d" % n, flush=True)
            return
        if r in rd:
            d = r.recv(65536)
            if not d:
                print("redis closed after %d" % n, flush=True)
                return
            c.sendall(d)
        if c in rd:
            d = c.recv(65536)
            if not d:
                print("whole %d" % n, flush=True)
                return
            buf += d
            while (size := command_len(buf)) is not None:
                if n == cut:
                    r.sendall(buf[:size // 2])
                    r.close()
                    c.close()
                    print("cut %d %d %d" % (n, size // 2, size), flush=True)
                    return
                r.sendall(buf[:size])
                buf, n = buf[size:], n + 1


main()
