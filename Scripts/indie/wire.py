"""Kabar gossip datagrams, protocol version 2 (Documentation/Protocol.md, Transfer.md)."""
import hashlib
import struct

VERSION = 2
DATAGRAM_MAX = 1200
FRAGMENT_PAYLOAD = 1158
BULLETIN_IN_DATAGRAM = 1192

BEACON, CHALLENGE, RESPONSE, ANNOUNCE, REQUEST, BULLETIN, FRAGMENT, FRAGMENT_REQUEST, SYNC, \
    TRANSFER_REQUEST, TRANSFER_DATA, TRANSFER_ACK, BLOCK_REQUEST, BLOCK_DATA, BLOCK_MISSING = range(1, 16)
NAMES = {1: "beacon", 2: "challenge", 3: "response", 4: "announce", 5: "request", 6: "bulletin",
         7: "fragment", 8: "fragmentRequest", 9: "sync", 10: "transferRequest",
         11: "transferData", 12: "transferAck", 13: "blockRequest", 14: "blockData",
         15: "blockMissing"}


class WireError(Exception):
    def __init__(self, reason, detail=""):
        super().__init__(reason + (": " + detail if detail else ""))
        self.reason = reason


def network_id(name="kabar"):
    return hashlib.sha256(b"kabar-network:" + name.encode()).digest()[:4]


class Codec:
    def __init__(self, network="kabar"):
        self.net = network_id(network)

    def datagram(self, mtype, body):
        d = b"KB" + bytes([VERSION, mtype]) + self.net + body
        if len(d) > DATAGRAM_MAX:
            raise WireError("datagram over 1200 bytes")
        return d

    def parse(self, d):
        """Returns (type, fields dict); raises WireError. Checks in Protocol.md's order."""
        if len(d) > DATAGRAM_MAX:
            raise WireError("tooLarge")
        if len(d) < 8:
            raise WireError("truncated")
        if d[:2] != b"KB":
            raise WireError("notKabar")
        if d[2] != VERSION:
            raise WireError("unknownVersion")
        if d[3] not in NAMES:
            raise WireError("unknownType")
        if d[4:8] != self.net:
            raise WireError("otherNetwork")
        t, body = d[3], d[8:]
        f = decode_body(t, body)
        return t, f

    # builders
    def challenge(self, cookie):
        return self.datagram(CHALLENGE, struct.pack(">Q", cookie))

    def response(self, cookie):
        return self.datagram(RESPONSE, struct.pack(">Q", cookie))

    def announce(self, ids):
        return self.datagram(ANNOUNCE, bytes([len(ids)]) + b"".join(ids))

    def request(self, ids):
        return self.datagram(REQUEST, bytes([len(ids)]) + b"".join(ids))

    def bulletin(self, encoded):
        return self.datagram(BULLETIN, encoded)

    def fragments(self, encoded):
        bid = hashlib.sha256(encoded).digest()
        pieces = [encoded[i:i + FRAGMENT_PAYLOAD] for i in range(0, len(encoded), FRAGMENT_PAYLOAD)]
        return [self.datagram(FRAGMENT, bid + bytes([i, len(pieces)]) + piece)
                for i, piece in enumerate(pieces)]

    def fragment_request(self, bid, bitmap):
        return self.datagram(FRAGMENT_REQUEST, bid + struct.pack(">H", bitmap))

    def beacon(self, key, incarnation, clock, count, fingerprint, flags=0):
        return self.datagram(BEACON, key + struct.pack(">IQI", incarnation, clock, count)
                             + fingerprint + bytes([flags]))

    def sync(self, session, direction, payload):
        return self.datagram(SYNC, struct.pack(">IB", session, direction) + payload)

    def transfer_request(self, stream, ranges, ids):
        out = struct.pack(">IB", stream, len(ranges))
        for lower, upper in ranges:
            flags = (1 if lower is not None else 0) | (2 if upper is not None else 0)
            out += bytes([flags])
            for bound in (lower, upper):
                out += struct.pack(">qQ", *bound) if bound is not None else bytes(16)
        out += bytes([len(ids)]) + b"".join(ids)
        return self.datagram(TRANSFER_REQUEST, out)

    def transfer_data(self, stream, seq, last, records):
        out = struct.pack(">IIB", stream, seq, 1 if last else 0)
        for r in records:
            out += struct.pack(">H", len(r)) + r
        return self.datagram(TRANSFER_DATA, out)

    def transfer_ack(self, stream, stop, runs):
        out = struct.pack(">IBB", stream, 1 if stop else 0, len(runs))
        for first, last in runs:
            out += struct.pack(">II", first, last)
        return self.datagram(TRANSFER_ACK, out)


def _ids(body):
    if not body:
        raise WireError("truncated", "id count")
    n = body[0]
    if n < 1 or n > 32 or len(body) != 1 + 32 * n:
        raise WireError("malformed", "id list")
    return [body[1 + 32 * i:33 + 32 * i] for i in range(n)]


def decode_body(t, body):
    if t == BEACON:
        if len(body) != 65:
            raise WireError("malformed", "beacon length %d" % len(body))
        inc, clock, count = struct.unpack(">IQI", body[32:48])
        if clock > 2 ** 53 - 1:
            raise WireError("malformed", "wall clock")
        return {"key": body[:32], "incarnation": inc, "clock": clock, "count": count,
                "fingerprint": body[48:64], "flags": body[64]}
    if t in (CHALLENGE, RESPONSE):
        if len(body) < 8:
            raise WireError("truncated", "cookie")
        if len(body) != 8:
            raise WireError("malformed", "cookie")
        return {"cookie": struct.unpack(">Q", body)[0]}
    if t in (ANNOUNCE, REQUEST, BLOCK_REQUEST, BLOCK_MISSING):
        return {"ids": _ids(body)}
    if t == BULLETIN:
        if not body:
            raise WireError("truncated", "bulletin")
        return {"bytes": body}
    if t == FRAGMENT:
        if len(body) < 34:
            raise WireError("truncated", "fragment")
        index, count, payload = body[32], body[33], body[34:]
        if not 2 <= count <= 16 or index >= count or not payload or len(payload) > FRAGMENT_PAYLOAD \
                or (index < count - 1 and len(payload) != FRAGMENT_PAYLOAD):
            raise WireError("malformed", "fragment cut")
        return {"id": body[:32], "index": index, "count": count, "payload": payload}
    if t == FRAGMENT_REQUEST:
        if len(body) < 34:
            raise WireError("truncated", "fragment request")
        if len(body) != 34:
            raise WireError("malformed", "fragment request")
        bitmap = struct.unpack(">H", body[32:])[0]
        if bitmap == 0:
            raise WireError("malformed", "empty bitmap")
        return {"id": body[:32], "bitmap": bitmap}
    if t == SYNC:
        if len(body) < 5:
            raise WireError("truncated", "sync")
        s, direction = struct.unpack(">IB", body[:5])
        if direction > 1:
            raise WireError("malformed", "direction")
        if len(body) - 5 > 1100:
            raise WireError("malformed", "sync payload over 1100 bytes")
        return {"session": s, "direction": direction, "payload": body[5:]}
    if t == TRANSFER_REQUEST:
        if len(body) < 5:
            raise WireError("truncated", "transferRequest")
        stream, nr = struct.unpack(">IB", body[:5])
        if nr > 8:
            raise WireError("malformed", "ranges")
        pos = 5
        ranges = []
        for _ in range(nr):
            if pos + 33 > len(body):
                raise WireError("truncated", "range")
            flags = body[pos]
            if flags & ~3:
                raise WireError("malformed", "range flags")
            lo = struct.unpack(">qQ", body[pos + 1:pos + 17])
            hi = struct.unpack(">qQ", body[pos + 17:pos + 33])
            lo, hi = (lo if flags & 1 else None), (hi if flags & 2 else None)
            if lo is not None and hi is not None and not lo < hi:
                raise WireError("malformed", "empty range")
            ranges.append((lo, hi))
            pos += 33
        if pos >= len(body):
            raise WireError("truncated", "id count")
        ni = body[pos]
        pos += 1
        if ni > 32 or (ni == 0 and nr == 0):
            raise WireError("malformed", "ids")
        if pos + 32 * ni > len(body):
            raise WireError("truncated", "ids")
        if pos + 32 * ni != len(body):
            raise WireError("malformed", "trailing bytes")
        ids = [body[pos + 32 * i:pos + 32 * i + 32] for i in range(ni)]
        return {"stream": stream, "ranges": ranges, "ids": ids}
    if t == TRANSFER_DATA:
        if len(body) < 9:
            raise WireError("truncated", "transferData")
        stream, seq, flags = struct.unpack(">IIB", body[:9])
        if flags & ~1:
            raise WireError("malformed", "flags")
        pos = 9
        records = []
        while pos < len(body):
            if pos + 2 > len(body):
                raise WireError("truncated", "record length")
            (n,) = struct.unpack(">H", body[pos:pos + 2])
            if n == 0:
                raise WireError("malformed", "empty record")
            if pos + 2 + n > len(body):
                raise WireError("truncated", "record")
            records.append(body[pos + 2:pos + 2 + n])
            pos += 2 + n
        if not records and not flags & 1:
            raise WireError("malformed", "no records without last")
        return {"stream": stream, "seq": seq, "last": bool(flags & 1), "records": records}
    if t == TRANSFER_ACK:
        if len(body) < 6:
            raise WireError("truncated", "transferAck")
        stream, flags, n = struct.unpack(">IBB", body[:6])
        if flags & ~1 or n > 32 or (n == 0 and not flags & 1):
            raise WireError("malformed", "ack flags or count")
        if len(body) < 6 + 8 * n:
            raise WireError("truncated", "ack ranges")
        if len(body) != 6 + 8 * n:
            raise WireError("malformed", "trailing bytes")
        runs = [struct.unpack(">II", body[6 + 8 * i:14 + 8 * i]) for i in range(n)]
        prev_low = None
        for high, low in runs:
            if high < low or (prev_low is not None and high >= prev_low):
                raise WireError("malformed", "ack ranges out of order")
            prev_low = low
        return {"stream": stream, "stop": bool(flags & 1), "runs": runs}
    if t == BLOCK_DATA:
        if not body:
            raise WireError("truncated", "block")
        if len(body) > 1024:
            raise WireError("malformed", "block over 1024 bytes")
        return {"bytes": body}
    raise WireError("unknownType", str(t))
