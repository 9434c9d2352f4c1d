"""A minimal WebSocket client (RFC 6455: masked frames out, unmasked in,
no library) for the senseplane-web tests: connect, send a text frame,
read whole frames with a deadline."""
import base64
import os
import socket
import struct
import time


def connect(host, port, rcvbuf=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:   # before connect: the window the peer sees from the start
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(5)
    s.connect((host, port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET / HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Protocol: senseplane\r\n\r\n"
               % (host, port, key)).encode())
    resp = b""
    while b"\r\n\r\n" not in resp:
        d = s.recv(4096)
        if not d:
            raise ConnectionError("closed during the handshake")
        resp += d
    head, rest = resp.split(b"\r\n\r\n", 1)
    assert b" 101 " in head.split(b"\r\n")[0], head[:80]
    return s, rest


def frame(s, payload, opcode=1):
    mask = os.urandom(4)
    n = len(payload)
    hdr = bytes([0x80 | opcode])
    if n < 126:
        hdr += bytes([0x80 | n])
    elif n < 65536:
        hdr += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        hdr += bytes([0x80 | 127]) + struct.pack(">Q", n)
    s.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


class Reader:
    """Whole text frames from a connection, each read with a deadline."""

    def __init__(self, sock, rest=b""):
        self.s = sock
        self.buf = bytearray(rest)
        self.closed = False

    def _frame(self):
        b = self.buf
        if len(b) < 2:
            return None
        n, off = b[1] & 0x7F, 2
        if n == 126:
            if len(b) < 4:
                return None
            n, off = struct.unpack(">H", bytes(b[2:4]))[0], 4
        elif n == 127:
            if len(b) < 10:
                return None
            n, off = struct.unpack(">Q", bytes(b[2:10]))[0], 10
        if len(b) < off + n:
            return None
        op, payload = b[0] & 0x0F, bytes(b[off:off + n])
        del b[:off + n]
        return op, payload

    def next(self, timeout):
        """(opcode, payload) of the next frame, or None after timeout s."""
        end = time.time() + timeout
        while True:
            f = self._frame()
            if f:
                if f[0] == 8:
                    self.closed = True
                return f
            left = end - time.time()
            if left <= 0 or self.closed:
                return None
            self.s.settimeout(left)
            try:
                d = self.s.recv(1 << 16)
            except socket.timeout:
                return None
            if not d:
                self.closed = True
                return None
            self.buf += d
