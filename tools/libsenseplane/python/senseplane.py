"""senseplane: the viewer side of senseplane for Python, over libsenseplane.

    import senseplane
    for s in senseplane.Feed("239.77.0.1:7500", seconds=10):
        print(s.sensor, s.attr, s.how, s.values)

Every message comes in order per feed, with how it arrived (live, late,
recovered by re-request, read back from history); ranges given up are in
Feed.losses; Feed.stats() and Feed.summary() account for everything.
The C library does the work (ctypes; no compiled extension). It is found
at $SENSEPLANE_LIB, else as libsenseplane.so.1 on the loader's path.
"""
import ctypes
import ctypes.util
import json
import os
import struct
import time

__all__ = ["Feed", "Sample", "Loss", "SenseplaneError", "library"]

HOW = ("live", "late", "recovered", "history")
_FMT = {1: ("f", 4), 2: ("d", 8), 3: ("i", 4), 4: ("q", 8)}
Q_CONFLATED, Q_DEGRADED, Q_STALE = 1, 2, 4


class SenseplaneError(OSError):
    """A call of the library failed: errno and the library's message."""


class _Msg(ctypes.Structure):
    _fields_ = [("session", ctypes.c_uint64), ("feed_id", ctypes.c_uint16),
                ("flags", ctypes.c_uint8), ("how", ctypes.c_uint8),
                ("seq", ctypes.c_uint64), ("sensor_id", ctypes.c_uint64),
                ("attr_id", ctypes.c_uint16), ("attr_name", ctypes.c_char_p),
                ("quality", ctypes.c_uint8), ("vtype", ctypes.c_uint8),
                ("dim", ctypes.c_uint8), ("nsamp", ctypes.c_uint16),
                ("version", ctypes.c_uint32), ("skipped", ctypes.c_uint32),
                ("t0_ns", ctypes.c_uint64), ("dt_ns", ctypes.c_uint32),
                ("values", ctypes.c_void_p), ("recv_ns", ctypes.c_uint64)]


class _Loss(ctypes.Structure):
    _fields_ = [("session", ctypes.c_uint64), ("feed_id", ctypes.c_uint16),
                ("reason", ctypes.c_uint8), ("first_seq", ctypes.c_uint64),
                ("end_seq", ctypes.c_uint64),
                ("history_samples", ctypes.c_uint64)]


_MSG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(_Msg))
_LOSS_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(_Loss))


class _Params(ctypes.Structure):
    _fields_ = [("iface_addr", ctypes.c_char_p), ("control", ctypes.c_char_p),
                ("redis", ctypes.c_char_p), ("redis_prefix", ctypes.c_char_p),
                ("catalog", ctypes.c_char_p), ("rereq_port", ctypes.c_uint16),
                ("no_rereq", ctypes.c_int), ("dedup", ctypes.c_int),
                ("only_first", ctypes.c_uint64),
                ("only_last", ctypes.c_uint64),
                ("on_msg", ctypes.c_void_p), ("on_loss", _LOSS_FN),
                ("ctx", ctypes.c_void_p)]


_STAT_U64 = ("packets bad_packets heartbeats messages samples live late "
             "recovered lost_gone lost_noanswer duplicates gaps rereqs "
             "rereq_bytes history_samples history_keys history_errors keys "
             "order_errors version_skips conflated_skips dup_samples "
             "unique_samples digest sensor_min sensor_max").split()


class _Stats(ctypes.Structure):
    _fields_ = ([(n, ctypes.c_uint64) for n in _STAT_U64] +
                [("feeds", ctypes.c_uint), ("sessions", ctypes.c_uint),
                 ("ended", ctypes.c_int)])


def _load():
    path = os.environ.get("SENSEPLANE_LIB") or \
        ctypes.util.find_library("senseplane") or "libsenseplane.so.1"
    lib = ctypes.CDLL(path, use_errno=True)
    P = ctypes.c_void_p
    sig = {
        "senseplane_create": (P, [ctypes.POINTER(_Params)]),
        "senseplane_free": (None, [P]),
        "senseplane_errmsg": (ctypes.c_char_p, [P]),
        "senseplane_last_error": (ctypes.c_char_p, []),
        "senseplane_join": (ctypes.c_int, [P, ctypes.c_char_p]),
        "senseplane_fd": (ctypes.c_int, [P]),
        "senseplane_next": (ctypes.c_int, [P, ctypes.POINTER(_Msg),
                                           ctypes.c_int]),
        "senseplane_finish": (None, [P]),
        "senseplane_ended": (ctypes.c_int, [P]),
        "senseplane_stats": (ctypes.c_int, [P, ctypes.POINTER(_Stats)]),
        "senseplane_summary_json": (P, [P]),
        "senseplane_viewer_add": (ctypes.c_int, [P, ctypes.c_char_p,
                                                 ctypes.c_char_p,
                                                 ctypes.c_char_p]),
        "senseplane_viewer_rm": (ctypes.c_int, [P, ctypes.c_char_p]),
        "senseplane_subscribe": (ctypes.c_int, [P, ctypes.c_char_p,
                                                ctypes.c_uint64,
                                                ctypes.c_char_p,
                                                ctypes.c_char_p,
                                                ctypes.c_uint]),
        "senseplane_unsubscribe": (ctypes.c_int, [P, ctypes.c_char_p,
                                                  ctypes.c_uint64,
                                                  ctypes.c_char_p]),
        "senseplane_pin": (ctypes.c_int, [P, ctypes.c_uint64, ctypes.c_int]),
        "senseplane_version": (ctypes.c_char_p, []),
    }
    for name, (res, args) in sig.items():
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
    libc = ctypes.CDLL(None)
    libc.free.argtypes = [ctypes.c_void_p]
    return lib, libc


_lib = _libc = None


def library():
    """The loaded C library (loaded on first use)."""
    global _lib, _libc
    if _lib is None:
        _lib, _libc = _load()
    return _lib


def _b(s):
    return s.encode() if isinstance(s, str) else s


class Sample:
    """One message: a record of nsamp samples of one (sensor, attribute)."""
    __slots__ = ("feed", "session", "seq", "flags", "how", "sensor",
                 "attr_id", "attr", "quality", "version", "skipped",
                 "t0_ns", "dt_ns", "nsamp", "dim", "values", "recv_ns")

    def __init__(self, m):
        self.feed, self.session, self.seq = m.feed_id, m.session, m.seq
        self.flags, self.how = m.flags, HOW[m.how]
        self.sensor, self.attr_id = m.sensor_id, m.attr_id
        self.attr = m.attr_name.decode() if m.attr_name else None
        self.quality, self.version, self.skipped = (m.quality, m.version,
                                                    m.skipped)
        self.t0_ns, self.dt_ns = m.t0_ns, m.dt_ns
        self.nsamp, self.dim, self.recv_ns = m.nsamp, m.dim, m.recv_ns
        code, size = _FMT.get(m.vtype, ("d", 8))
        n = m.nsamp * m.dim
        self.values = struct.unpack(">%d%s" % (n, code),
                                    ctypes.string_at(m.values, n * size))

    @property
    def conflated(self):
        return bool(self.quality & Q_CONFLATED)

    def __repr__(self):
        return ("Sample(sensor=%d, attr=%r, how=%s, version=%d, values=%r)"
                % (self.sensor, self.attr, self.how, self.version,
                   self.values))


class Loss:
    """Messages [first_seq, end_seq) of a feed, given up, and what history
    gave back for them."""

    def __init__(self, l):
        self.feed, self.session = l.feed_id, l.session
        self.reason = "gone" if l.reason == 0 else "noanswer"
        self.first_seq, self.end_seq = l.first_seq, l.end_seq
        self.history_samples = l.history_samples

    def __repr__(self):
        return "Loss(feed=%d, %d..%d, %s, history=%d)" % (
            self.feed, self.first_seq, self.end_seq - 1, self.reason,
            self.history_samples)


class Feed:
    """Joined feeds, iterated as Samples in order.

    Feed(*addrs, control=None, redis=None, iface=None, catalog=None,
         rereq_port=0, no_rereq=False, dedup=False, seconds=None,
         until_end=False)

    Iteration ends after `seconds` (None: never), or with until_end when
    every feed has sent END. Use it as a context manager, or close().
    """

    def __init__(self, *addrs, control=None, redis=None, redis_prefix=None,
                 iface=None, catalog=None, rereq_port=0, no_rereq=False,
                 dedup=False, seconds=None, until_end=False):
        lib = library()
        self.losses = []
        self._loss_cb = _LOSS_FN(lambda ctx, l: self.losses.append(
            Loss(l.contents)))
        p = _Params(iface_addr=_b(iface), control=_b(control),
                    redis=_b(redis), redis_prefix=_b(redis_prefix),
                    catalog=_b(catalog), rereq_port=rereq_port,
                    no_rereq=int(no_rereq), dedup=int(dedup),
                    on_loss=self._loss_cb)
        self._h = lib.senseplane_create(ctypes.byref(p))
        if not self._h:
            e = ctypes.get_errno()
            raise SenseplaneError(e, lib.senseplane_last_error().decode())
        self.seconds, self.until_end = seconds, until_end
        for a in addrs:
            self.join(a)

    def _check(self, rc):
        if rc < 0:
            raise SenseplaneError(-rc, library().senseplane_errmsg(
                self._h).decode())
        return rc

    def join(self, addr):
        """Join one more feed, "GROUP:PORT"."""
        self._check(library().senseplane_join(self._h, _b(addr)))

    def fileno(self):
        """A descriptor readable when there is work (select, asyncio)."""
        return library().senseplane_fd(self._h)

    def next(self, timeout=0.1):
        """The next Sample, or None after `timeout` seconds."""
        m = _Msg()
        rc = self._check(library().senseplane_next(
            self._h, ctypes.byref(m), int(timeout * 1000)))
        return Sample(m) if rc else None

    def __iter__(self):
        end = None if self.seconds is None else time.time() + self.seconds
        lib = library()
        m = _Msg()
        while end is None or time.time() < end:
            rc = self._check(lib.senseplane_next(self._h, ctypes.byref(m),
                                                 100))
            if rc:
                yield Sample(m)
            elif self.until_end and lib.senseplane_ended(self._h):
                break
        lib.senseplane_finish(self._h)
        while self._check(lib.senseplane_next(self._h, ctypes.byref(m), 0)):
            yield Sample(m)

    def stats(self):
        """Totals since the start, as a dict."""
        s = _Stats()
        library().senseplane_stats(self._h, ctypes.byref(s))
        return {n: getattr(s, n) for n, _ in _Stats._fields_}

    def summary(self):
        """Everything received, per feed and in all (the library's JSON)."""
        p = library().senseplane_summary_json(self._h)
        if not p:
            return None
        try:
            return json.loads(ctypes.string_at(p).decode())
        finally:
            _libc.free(p)

    # attention: locally (control=) or across the cluster (redis=)
    def viewer_add(self, name, dest, level=None):
        self._check(library().senseplane_viewer_add(
            self._h, _b(name), _b(dest), _b(level)))

    def viewer_rm(self, name):
        self._check(library().senseplane_viewer_rm(self._h, _b(name)))

    def subscribe(self, viewer, sensor, attr=None, level=None, ttl_ms=0):
        self._check(library().senseplane_subscribe(
            self._h, _b(viewer), sensor, _b(attr), _b(level), ttl_ms))

    def unsubscribe(self, viewer, sensor, attr=None):
        self._check(library().senseplane_unsubscribe(
            self._h, _b(viewer), sensor, _b(attr)))

    def pin(self, sensor, on=True):
        self._check(library().senseplane_pin(self._h, sensor, int(on)))

    def close(self):
        if self._h:
            library().senseplane_free(self._h)
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()
