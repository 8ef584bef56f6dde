"""A small Kabar peer over UDP: handshake, gossip (announce/request/bulletin/fragments),
bulk transfer streams (Transfer.md) and reconciliation sessions (Reconciliation.md).

Single-threaded: `pump(seconds)` reads datagrams and reacts; tests drive it with `run_until`."""
import hashlib
import os
import socket
import struct
import time

from . import bulletin as B
from . import wire


def short(x):
    return x.hex()[:12] if isinstance(x, (bytes, bytearray)) else x


class Peer:
    def __init__(self, network="kabar", host="127.0.0.1", seed=None, log=None):
        self.codec = wire.Codec(network)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.addr = self.sock.getsockname()
        self.seed = seed or os.urandom(32)
        self.store = {}            # id -> encoded bulletin
        self.created = {}          # id -> created ms
        self.proven = set()        # addresses that echoed our cookie
        self.cookies = {}          # address -> cookie we sent
        self.node_proved_us = set()  # addresses we answered a challenge from
        self.frags = {}
        self.trace = []            # (t, direction, type name, summary)
        self.t0 = time.time()
        self.rejected = []
        self.out_streams = {}      # stream id -> dict(queue, inflight, seq, addr, done)
        self.in_streams = {}       # stream id -> dict(runs set, last)
        self.sync_handler = None   # callable(addr, fields) for sync datagrams
        self.beacons = []
        self.log = log
        self.pending = []          # (encoded, source): stream records not yet checked
        self.verify = True         # False: structure, id and dates only (bulk cases, pure Python is slow)

    # -- sending ------------------------------------------------------------
    def send(self, addr, d):
        t, f = self.codec.parse(d)
        self._record(">", t, f)
        self.sock.sendto(d, addr)

    def _record(self, direction, t, f):
        summary = {}
        for k, v in f.items():
            if k in ("payload", "bytes"):
                summary[k] = "%d B %s" % (len(v), v[:12].hex())
            elif k in ("ids", "records"):
                summary[k] = len(v)
            else:
                summary[k] = short(v)
        self.trace.append((round(time.time() - self.t0, 3), direction, wire.NAMES.get(t, t), summary))

    def dump_trace(self, last=200):
        return "\n".join("  %7.3f %s %-16s %s" % e for e in self.trace[-last:])

    # -- store ----------------------------------------------------------------
    def add(self, encoded, source=None, defer=False):
        """Checks and stores a bulletin; `defer` queues the check for `pump` (the stream path)."""
        if defer:
            self.pending.append((bytes(encoded), source))
            return None
        return self._add_now(encoded, source)

    def _add_now(self, encoded, source=None):
        if hashlib.sha256(encoded).digest() in self.store:
            return hashlib.sha256(encoded).digest()
        try:
            b = B.decode(encoded, now=int(time.time() * 1000), check_signature=self.verify)
        except B.BulletinError as e:
            self.rejected.append((e.reason, source))
            return None
        bid = b.id
        if bid not in self.store:
            self.store[bid] = bytes(encoded)
            self.created[bid] = b.created
        return bid

    # -- handshake --------------------------------------------------------------
    def hello(self, addr):
        cookie = struct.unpack(">Q", os.urandom(8))[0] | 1   # never 0 (Protocol.md)
        self.cookies[addr] = cookie
        self.send(addr, self.codec.challenge(cookie))

    def handshake(self, addr, timeout=3.0):
        self.hello(addr)
        return self.run_until(lambda: addr in self.proven and addr in self.node_proved_us, timeout)

    # -- loop -----------------------------------------------------------------
    def pump(self, seconds):
        end = time.time() + seconds
        while True:
            left = end - time.time()
            if left <= 0:
                break
            # Drain the socket first (acknowledgements go out at once), then check one queued
            # bulletin: pure-Python signature checks are slow, and a sender's retransmission
            # timeout on loopback is tens of milliseconds.
            self.sock.settimeout(0 if self.pending else min(left, 0.05))
            try:
                while True:
                    d, addr = self.sock.recvfrom(2048)
                    self.receive(d, addr)
                    self.sock.settimeout(0)
            except (socket.timeout, BlockingIOError):
                pass
            if self.pending:
                encoded, source = self.pending.pop(0)
                self._add_now(encoded, source)
            self.tick()

    def run_until(self, cond, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if cond():
                return True
            self.pump(0.02)
        return cond()

    def tick(self):
        now = time.time()
        for sid, st in list(self.out_streams.items()):
            if st["done"]:
                continue
            for seq, (sent_at, ids) in list(st["inflight"].items()):
                if now - sent_at > 0.3:
                    del st["inflight"][seq]
                    st["queue"] = ids + st["queue"]
            self._send_stream(sid)
        for sid, st in self.in_streams.items():
            if not st["runs"] and st.get("requests") and st["attempts"] < 4 \
                    and now - st["asked"] > 0.25 * st["attempts"]:
                st["attempts"] += 1
                st["asked"] = now
                for d in st["requests"]:
                    self.send(st["addr"], d)
        if self.sync_handler is not None and hasattr(self.sync_handler, "tick"):
            self.sync_handler.tick()

    def receive(self, d, addr):
        try:
            t, f = self.codec.parse(d)
        except wire.WireError as e:
            self.trace.append((round(time.time() - self.t0, 3), "<", "rejected", str(e)))
            return
        self._record("<", t, f)
        if t == wire.CHALLENGE:
            self.send(addr, self.codec.response(f["cookie"]))
            self.node_proved_us.add(addr)
            if addr not in self.cookies:
                self.hello(addr)
        elif t == wire.RESPONSE:
            if self.cookies.get(addr) == f["cookie"]:
                self.proven.add(addr)
        elif t == wire.BEACON:
            self.beacons.append((addr, f))
            if addr not in self.cookies:
                self.hello(addr)
        elif t == wire.ANNOUNCE:
            want = [i for i in f["ids"] if i not in self.store]
            if want:
                self.send(addr, self.codec.request(want))
        elif t == wire.REQUEST:
            for i in f["ids"]:
                if i in self.store:
                    self.send_bulletin(addr, self.store[i])
        elif t == wire.BULLETIN:
            self.add(f["bytes"], addr)
        elif t == wire.FRAGMENT:
            parts = self.frags.setdefault(f["id"], {})
            parts[f["index"]] = f["payload"]
            if len(parts) == f["count"]:
                whole = b"".join(parts.get(i, b"") for i in range(f["count"]))
                del self.frags[f["id"]]
                if hashlib.sha256(whole).digest() == f["id"]:
                    self.add(whole, addr)
                else:
                    self.rejected.append(("fragments do not hash to their id", addr))
        elif t == wire.TRANSFER_REQUEST:
            self.serve_transfer(addr, f)
        elif t == wire.TRANSFER_DATA:
            self.receive_transfer(addr, f)
        elif t == wire.TRANSFER_ACK:
            self.receive_ack(addr, f)
        elif t == wire.SYNC:
            if self.sync_handler is not None:
                self.sync_handler.receive(addr, f)

    def send_bulletin(self, addr, encoded):
        if len(encoded) <= wire.BULLETIN_IN_DATAGRAM:
            self.send(addr, self.codec.bulletin(encoded))
        else:
            for fr in self.codec.fragments(encoded):
                self.send(addr, fr)

    # -- bulk transfer ------------------------------------------------------------
    def push_stream(self, addr, ids, stream=None):
        """Opens an outgoing stream of the given ids to addr (Transfer.md)."""
        sid = stream if stream is not None else struct.unpack(">I", os.urandom(4))[0]
        st = self.out_streams.get(sid)
        if st is None:
            st = {"queue": [], "inflight": {}, "seq": 0, "addr": addr, "done": False,
                  "acked": 0, "stopped": False}
            self.out_streams[sid] = st
        for i in ids:
            if i in self.store and i not in st["queue"]:
                st["queue"].append(i)
        self._send_stream(sid)
        return sid

    def _send_stream(self, sid):
        st = self.out_streams[sid]
        if st["done"]:
            return
        while st["queue"] and len(st["inflight"]) < 8:
            records, ids, room = [], [], 1183
            while st["queue"]:
                i = st["queue"][0]
                r = self.store[i]
                if len(r) + 2 > 1183:   # too big for a stream: fragments outside it
                    st["queue"].pop(0)
                    self.send_bulletin(st["addr"], r)
                    continue
                if len(r) + 2 > room:
                    break
                st["queue"].pop(0)
                records.append(r)
                ids.append(i)
                room -= len(r) + 2
            if not records:
                break
            seq = st["seq"]
            st["seq"] += 1
            last = not st["queue"]
            st["inflight"][seq] = (time.time(), ids)
            self.send(st["addr"], self.codec.transfer_data(sid, seq, last, records))
        if not st["queue"] and not st["inflight"]:
            st["done"] = True

    def receive_ack(self, addr, f):
        st = self.out_streams.get(f["stream"])
        if st is None:
            return
        if f["stop"]:
            st["stopped"] = True
            st["done"] = True
            return
        for first, last in f["runs"]:
            lo, hi = min(first, last), max(first, last)
            for seq in list(st["inflight"]):
                if lo <= seq <= hi:
                    del st["inflight"][seq]
                    st["acked"] += 1
        self._send_stream(f["stream"])

    def serve_transfer(self, addr, f):
        ids = [i for i in f["ids"] if i in self.store]
        for lower, upper in f["ranges"]:
            for i, created in self.created.items():
                key = (created, int.from_bytes(i[:8], "big"))
                if lower is not None and key < tuple(lower):
                    continue
                if upper is not None and key >= tuple(upper):
                    continue
                ids.append(i)
        if not ids:
            self.send(addr, self.codec.transfer_data(f["stream"], 0, True, []))
            return
        self.push_stream(addr, ids, f["stream"])

    def pull(self, addr, ids=(), ranges=()):
        sid = struct.unpack(">I", os.urandom(4))[0]
        ids, ranges = list(ids), list(ranges)
        requests = []
        first = True
        while first or ids or ranges:
            first = False
            requests.append(self.codec.transfer_request(sid, ranges[:8], ids[:32]))
            ids, ranges = ids[32:], ranges[8:]
        for d in requests:
            self.send(addr, d)
        st = self.in_streams.setdefault(sid, {"runs": set(), "last": False, "addr": addr})
        # Transfer.md: a pull without its first data is asked again, 4 attempts in all
        st.update(requests=requests, asked=time.time(), attempts=1)
        return sid

    def receive_transfer(self, addr, f):
        st = self.in_streams.setdefault(f["stream"], {"runs": set(), "last": False, "addr": addr})
        st["runs"].add(f["seq"])
        if f["last"]:
            st["last"] = True
        seqs = sorted(st["runs"], reverse=True)
        runs = []
        for s in seqs:
            if runs and runs[-1][0] == s + 1:
                runs[-1][0] = s
            else:
                runs.append([s, s])
        runs = [(high, low) for low, high in runs[:32]]   # highest seq first (Transfer.md)
        self.send(addr, self.codec.transfer_ack(f["stream"], False, runs))
        for r in f["records"]:   # acknowledged first: our signature checks are slow
            self.add(r, addr, defer=True)

    def close(self, linger=0.3):
        """Keeps answering (acknowledgements, requests) for `linger` seconds, then closes."""
        if linger:
            self.pump(linger)
        self.sock.close()
