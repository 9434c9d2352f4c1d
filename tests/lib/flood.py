"""Hostile re-requests for the reliability test: N datagrams to the
dataplane's re-request port from the address the socket binds to, a third
well-formed (asking for the 200 messages before the feed's current seq,
learnt from the feed itself), a third random bytes, a third with count 0.
Counts any answer it gets.
Usage: flood.py BIND_IP DP_IP PORT N GROUP:FEEDPORT FEED_ID"""
import random
import socket
import struct
import sys
import time

bind_ip, dp_ip, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
group, gport = sys.argv[5].split(":")
feed = int(sys.argv[6])

# learn the session and seq from one data packet of the feed
g = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
g.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
g.bind((group, int(gport)))
g.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             socket.inet_aton(group) + socket.inet_aton("10.99.0.2"))
g.settimeout(5)
while True:
    d = g.recv(65536)
    _, _, _, fid, count, session, seq, _ = struct.unpack_from(">HBBHHQQQ", d)
    if fid == feed and count > 0:
        break
g.close()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((bind_ip, 0))
s.setblocking(False)
rnd = random.Random(5)
answers = answer_bytes = 0


def drain():
    """Count the answers waiting on the socket."""
    global answers, answer_bytes
    while True:
        try:
            d = s.recv(65536)
        except BlockingIOError:
            return
        answers += 1
        answer_bytes += len(d)


t0 = time.time()
for i in range(n):
    if i % 3 == 0:
        p = struct.pack(">HBBHHQQ", 0x5352, 1, 0, feed, 200, session, max(seq - 200, 1))
    elif i % 3 == 1:
        p = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 40)))
    else:
        p = struct.pack(">HBBHHQQ", 0x5352, 1, 0, feed, 0, session, 1)  # count 0
    try:
        s.sendto(p, (dp_ip, port))
    except BlockingIOError:
        time.sleep(0.001)
    drain()
time.sleep(0.3)
drain()
print(answers, answer_bytes, "%.2f" % (time.time() - t0))
