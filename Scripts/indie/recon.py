"""Kabar set reconciliation (rateless IBLT), from Documentation/Reconciliation.md "Specification".

Pure: no IO. `Initiator` and `Responder` take payloads and return payloads to send."""
import math
import struct

from .bulletin import varint

M64 = (1 << 64) - 1
PAYLOAD_MAX = 1100
SYMBOLS_MAX = 8192
ROUND_MAX = 4096
FINISHED = None


class ReconError(Exception):
    pass


def mix(z):
    z &= M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def words(i):
    return struct.unpack(">QQQQ", i)


def id_hash(i):
    a, b, c, d = words(i)
    high = mix(a ^ mix(b ^ mix(c ^ mix(d ^ 0x4B41424152465031))))
    low = mix(d ^ mix(c ^ mix(b ^ mix(a ^ 0x4B41424152465032))))
    return high, low


def fingerprint(ids):
    s = 0
    for i in ids:
        h, l = id_hash(i)
        s = (s + ((h << 64) | l)) % (1 << 128)
    return len(ids), s.to_bytes(16, "big")


# -- SipHash-2-4 (reference algorithm) -------------------------------------------
def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & M64


def siphash24(k0, k1, msg):
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573

    def rnd():
        nonlocal v0, v1, v2, v3
        v0 = (v0 + v1) & M64; v1 = _rotl(v1, 13); v1 ^= v0; v0 = _rotl(v0, 32)
        v2 = (v2 + v3) & M64; v3 = _rotl(v3, 16); v3 ^= v2
        v0 = (v0 + v3) & M64; v3 = _rotl(v3, 21); v3 ^= v0
        v2 = (v2 + v1) & M64; v1 = _rotl(v1, 17); v1 ^= v2; v2 = _rotl(v2, 32)

    n = len(msg)
    full = n - n % 8
    for off in range(0, full, 8):
        m = int.from_bytes(msg[off:off + 8], "little")
        v3 ^= m
        rnd(); rnd()
        v0 ^= m
    tail = msg[full:]
    m = ((n & 0xFF) << 56) | int.from_bytes(tail, "little")
    v3 ^= m
    rnd(); rnd()
    v0 ^= m
    v2 ^= 0xFF
    rnd(); rnd(); rnd(); rnd()
    return v0 ^ v1 ^ v2 ^ v3


def sip_keys(salt):
    return salt & M64, mix(salt ^ 0x6B6162617273616C)


def key_of(i, salt):
    k0, k1 = sip_keys(salt)
    return siphash24(k0, k1, i)


def checksum(key):
    return (mix(key ^ 0x636865636B73756D) >> 32) & 0xFFFFFFFF


def walk(key, end=SYMBOLS_MAX):
    """Indices of the key's walk below `end`."""
    index = 0
    steps = 0
    out = [0]
    while True:
        steps = (steps + 1) & 0xFFFFFFFF
        random = mix(((key ^ 0x77616C6B73656564) + steps * 0x9E3779B97F4A7C15) & M64)
        r = (float(random >> 11) + 1.0) * 2.0 ** -53
        cur = float(index)
        threshold = ((cur + 1.0) * (cur + 2.0)) / r
        root = math.sqrt(threshold + 0.25) - 1.5
        if root >= 1.0e9:
            return out
        nxt = int(root) + 1
        index = max(nxt, index + 1)
        if index >= end:
            return out
        out.append(index)


def symbols(keys, end, start=0):
    S = [[0, 0, 0] for _ in range(end)]
    for k in keys:
        c = checksum(k)
        for j in walk(k, end):
            S[j][0] ^= k
            S[j][1] ^= c
            S[j][2] += 1
    return S[start:]


def expected(index, item_count):
    return (2 * item_count) // (index + 2)


# -- varints ----------------------------------------------------------------------
v = varint  # Bulletin.md's varint, the same in payloads (Reconciliation.md)


def zz(x):
    return v(((x << 1) ^ (x >> 63)) & M64)


class Reader:
    def __init__(self, b):
        self.b = bytes(b)
        self.p = 0

    def byte(self):
        if self.p >= len(self.b):
            raise ReconError("truncated")
        x = self.b[self.p]
        self.p += 1
        return x

    def take(self, n):
        if self.p + n > len(self.b):
            raise ReconError("truncated")
        x = self.b[self.p:self.p + n]
        self.p += n
        return x

    def u64(self):
        return struct.unpack(">Q", self.take(8))[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def v(self):
        value, shift, n = 0, 0, 0
        while True:
            b = self.byte()
            n += 1
            if n == 10 and b > 1:
                raise ReconError("varint overflow")
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                if b == 0 and n > 1:
                    raise ReconError("non-canonical varint")
                return value
            shift += 7
            if n >= 10:
                raise ReconError("varint too long")

    def z(self):
        u = self.v()
        x = (u >> 1) ^ -(u & 1)
        return x

    def bound(self):
        c, p = struct.unpack(">qQ", self.take(16))
        return (c, p)

    def end(self):
        if self.p != len(self.b):
            raise ReconError("trailing bytes")


def enc_bound(b):
    return struct.pack(">qQ", b[0], b[1])


# -- payloads -------------------------------------------------------------------------
def parse(payload):
    if len(payload) > PAYLOAD_MAX:
        raise ReconError("payload over 1100 bytes")
    r = Reader(payload)
    t = r.byte()
    f = {"type": t}
    if t == 1:
        flags = r.byte()
        if flags & ~7:
            raise ReconError("symbols flags")
        f["salt"] = r.u64()
        f["part"] = r.v()
        f["lower"] = r.bound() if flags & 2 else None
        f["upper"] = r.bound() if flags & 4 else None
        f["itemCount"] = r.v()
        f["fingerprint"] = r.take(16) if flags & 1 else None
        f["roundEnd"] = r.v()
        f["firstIndex"] = r.v()
        n = r.v()
        if n > 84 or f["firstIndex"] + n > f["roundEnd"] or not 1 <= f["roundEnd"] <= SYMBOLS_MAX:
            raise ReconError("symbols counts")
        syms = []
        for k in range(n):
            ks, cs = r.u64(), r.u32()
            dev = r.z()
            syms.append((ks, cs, expected(f["firstIndex"] + k, f["itemCount"]) + dev))
        f["symbols"] = syms
    elif t == 2:
        f["part"] = r.v(); f["responderCount"] = r.v(); f["from"] = r.v(); f["to"] = r.v()
        if not f["from"] < f["to"] <= SYMBOLS_MAX or f["to"] - f["from"] > ROUND_MAX:
            raise ReconError("request range")
    elif t == 3:
        f["part"] = r.v()
    elif t == 4:
        f["part"] = r.v()
        f["flags"] = r.byte()
        if f["flags"] & ~7 or bin(f["flags"]).count("1") > 1:
            raise ReconError("result flags")
        f["frameIndex"] = r.v(); f["frameCount"] = r.v()
        if not f["frameIndex"] < f["frameCount"] <= 256:
            raise ReconError("result frame numbers")
        nk = r.v()
        if nk * 8 > len(payload):
            raise ReconError("keyCount")
        f["keys"] = [r.u64() for _ in range(nk)]
        ni = r.v()
        if ni * 32 > len(payload):
            raise ReconError("idCount")
        f["ids"] = [r.take(32) for _ in range(ni)]
    elif t == 5:
        f["part"] = r.v(); f["frameCount"] = r.v()
        bm = r.take((f["frameCount"] + 7) // 8)
        f["missing"] = [i for i in range(f["frameCount"]) if bm[i // 8] >> (i % 8) & 1]
    elif t == 6:
        f["part"] = r.v(); f["reason"] = r.byte()
        if f["reason"] not in (1, 2, 3):
            raise ReconError("abort reason")
    elif t == 7:
        f["part"] = r.v()
        n = r.v()
        if not 1 <= n <= 32:
            raise ReconError("split boundCount")
        f["bounds"] = [r.bound() for _ in range(n)]
        f["counts"] = [r.v() for _ in range(n + 1)]
    else:
        raise ReconError("unknown payload type %d" % t)
    r.end()
    return f


def enc_symbols(salt, part, lower, upper, item_count, fp, round_end, first, syms):
    flags = (1 if fp is not None else 0) | (2 if lower is not None else 0) | (4 if upper is not None else 0)
    out = bytearray([1, flags]) + struct.pack(">Q", salt) + v(part)
    if lower is not None:
        out += enc_bound(lower)
    if upper is not None:
        out += enc_bound(upper)
    out += v(item_count)
    if fp is not None:
        out += fp
    out += v(round_end) + v(first) + v(len(syms))
    for k, (ks, cs, cnt) in enumerate(syms):
        out += struct.pack(">QI", ks, cs) + zz(cnt - expected(first + k, item_count))
    return bytes(out)


def round_payloads(salt, part, lower, upper, item_count, fp, S, start, end):
    """Kabar's greedy cutting: symbols in index order, as many as fit in 992 bytes."""
    out = []
    j = start
    first_payload = True
    while j < end:
        first = j
        syms, room = [], 992
        while j < end and len(syms) < 84:
            cost = 12 + len(zz(S[j][2] - expected(j, item_count)))
            if cost > room:
                break
            syms.append(S[j]); room -= cost; j += 1
        out.append(enc_symbols(salt, part, lower, upper, item_count,
                               fp if (first_payload and start == 0) else None, end, first, syms))
        first_payload = False
    return out


def enc_request(part, count, frm, to):
    return bytes([2]) + v(part) + v(count) + v(frm) + v(to)


def enc_insync(part):
    return bytes([3]) + v(part)


def enc_abort(part, reason):
    return bytes([6]) + v(part) + bytes([reason])


def enc_resend(part, frame_count, missing):
    bm = bytearray((frame_count + 7) // 8)
    for i in missing:
        bm[i // 8] |= 1 << (i % 8)
    return bytes([5]) + v(part) + v(frame_count) + bytes(bm)


def enc_results(part, flags, keys, ids):
    room = 1100 - 52
    frames = []
    k = i = 0
    while True:
        r = room
        nk = min(len(keys) - k, r // 8); r -= 8 * nk
        ni = min(len(ids) - i, r // 32)
        frames.append((keys[k:k + nk], ids[i:i + ni])); k += nk; i += ni
        if k == len(keys) and i == len(ids):
            break
    if len(frames) > 256:
        return [enc_abort(part, 1)]
    out = []
    for n, (ks, ds) in enumerate(frames):
        b = bytearray([4]) + v(part) + bytes([flags]) + v(n) + v(len(frames)) + v(len(ks))
        for key in ks:
            b += struct.pack(">Q", key)
        b += v(len(ds)) + b"".join(ds)
        out.append(bytes(b))
    return out


def enc_result_frame(part, flags, index, count, keys, ids):
    b = bytearray([4]) + v(part) + bytes([flags]) + v(index) + v(count) + v(len(keys))
    for key in keys:
        b += struct.pack(">Q", key)
    return bytes(b + v(len(ids)) + b"".join(ids))


def enc_split(part, bounds, counts):
    return bytes([7]) + v(part) + v(len(bounds)) + b"".join(enc_bound(b) for b in bounds) \
        + b"".join(v(c) for c in counts)


def in_range(item, lower, upper):
    created, i = item
    k = (created, int.from_bytes(i[:8], "big"))
    return (lower is None or k >= tuple(lower)) and (upper is None or k < tuple(upper))


# -- initiator ----------------------------------------------------------------------------
class Initiator:
    """items: list of (created, id). Handles parts sequentially, splits included."""

    def __init__(self, items, salt, peer_count=None):
        self.items = list(items)
        self.salt = salt & M64
        self.peer_count = peer_count
        self.part = 0
        self.pending = []
        self.we_lack, self.peer_lacks, self.we_lack_ranges = [], [], []
        self.done = False
        self.failed = None
        self.frames = {}
        self.frame_count = None
        self.last_round = []
        self.log = []

    def _open(self, lower, upper, peer_count):
        self.lower, self.upper = lower, upper
        mine = [it for it in self.items if in_range(it, lower, upper)]
        self.mine_ids = [i for _, i in mine]
        self.keymap = {key_of(i, self.salt): i for i in self.mine_ids}
        n = len(mine)
        if n == 0:
            e = 1
        elif peer_count is None or abs(peer_count - n) > 4000:
            e = 16
        else:
            e = min(max(symbols_needed(abs(peer_count - n)), 16), 4096)
        self.n = n
        self.fp = fingerprint(self.mine_ids)[1]
        self.frames, self.frame_count = {}, None
        return self._round(0, e)

    def _round(self, start, end):
        S = symbols(self.keymap.keys(), end)
        self.last_round = round_payloads(self.salt, self.part, self.lower, self.upper, self.n,
                                         self.fp, S, start, end)
        return self.last_round

    def start(self):
        return self._open(None, None, self.peer_count)

    def timeout(self):
        if self.done:
            return []
        if self.frame_count is not None:
            missing = [i for i in range(self.frame_count) if i not in self.frames]
            return [enc_resend(self.part, self.frame_count, missing)]
        return self.last_round[:1]

    def _next_part(self):
        while self.pending:
            lower, upper, count = self.pending.pop(0)
            if count == 0:
                self.peer_lacks += [i for c, i in self.items if in_range((c, i), lower, upper)]
                continue
            self.part += 1
            return self._open(lower, upper, count)
        self.done = True
        return []

    def receive(self, payload):
        f = parse(payload)
        if self.done or f.get("part") != self.part:
            return []
        t = f["type"]
        if t == 2:
            return self._round(f["from"], f["to"])
        if t == 3:
            return self._next_part()
        if t == 6:
            self.done = True
            self.failed = "peer aborted, reason %d" % f["reason"]
            return []
        if t == 7:
            bounds = [self.lower] + f["bounds"] + [self.upper]
            pieces = [(bounds[k], bounds[k + 1], f["counts"][k]) for k in range(len(f["counts"]))]
            self.pending = pieces + self.pending
            return self._next_part()
        if t == 4:
            if self.frame_count is None:
                self.frame_count, self.flags = f["frameCount"], f["flags"]
            if f["frameCount"] != self.frame_count:
                raise ReconError("a result frame's frameCount differs from the first frame's")
            if f["flags"] != self.flags:
                self.done = True; self.failed = "inconsistent: result frames disagree on flags"
                return []
            self.frames.setdefault(f["frameIndex"], (f["keys"], f["ids"]))
            if len(self.frames) < self.frame_count:
                return []
            keys = [k for n in range(self.frame_count) for k in self.frames[n][0]]
            ids = [i for n in range(self.frame_count) for i in self.frames[n][1]]
            mine = set(self.mine_ids)
            if self.flags in (1, 2, 4) and keys or self.flags in (1, 4) and ids:
                self.done = True; self.failed = "inconsistent: keys or ids in a %d result" % self.flags
                return []
            if self.flags == 4:
                if mine:
                    self.done = True; self.failed = "inconsistent: give all but we hold items"
                    return []
                self.we_lack_ranges.append((self.lower, self.upper))
            elif self.flags == 1:
                self.peer_lacks += self.mine_ids
            elif self.flags == 2:
                theirs = set(ids)
                if len(theirs) != len(ids):
                    self.done = True; self.failed = "inconsistent: an id twice in a list"
                    return []
                self.we_lack += [i for i in ids if i not in mine]
                self.peer_lacks += [i for i in self.mine_ids if i not in theirs]
            else:
                if len(set(keys)) != len(keys) or len(set(ids)) != len(ids):
                    self.done = True; self.failed = "inconsistent: duplicates"
                    return []
                for k in keys:
                    if k not in self.keymap:
                        self.done = True; self.failed = "inconsistent: unknown key %016x" % k
                        return []
                    self.peer_lacks.append(self.keymap[k])
                for i in ids:
                    if i in mine:
                        self.done = True; self.failed = "inconsistent: offered an id we hold"
                        return []
                    self.we_lack.append(i)
            return self._next_part()
        raise ReconError("unexpected payload type %d for an initiator" % t)


# -- Kabar's responder policy, exactly (Reconciliation.md) ---------------------------------------
LN2 = 0.6931471805599453


def kln(x):
    m, e = math.frexp(x)          # x = m * 2^e, 0.5 <= m < 1
    m, e = m * 2.0, float(e - 1)  # 1 <= m < 2
    if m > 1.414213562373095:
        m = m / 2.0
        e = e + 1.0
    s = (m - 1.0) / (m + 1.0)
    sq = s * s
    term = s
    total = 0.0
    den = 1.0
    for _ in range(12):
        total = total + term / den
        term = term * sq
        den = den + 2.0
    return 2.0 * total + e * LN2


def kexp(x):
    if x < -745.0:
        return 0.0
    if x > 709.0:
        return float("inf")
    q = x / LN2
    w = int(math.floor(abs(q) + 0.5)) * (1 if q >= 0 else -1)   # halves away from zero
    r = x - w * LN2
    term = 1.0
    total = 1.0
    for k in range(1, 19):
        term = term * (r / float(k))
        total = total + term
    return math.ldexp(total, w)


def symbols_needed(n):
    d = float(max(n, 1))
    return int(math.ceil(1.35 * d + 3.0 * math.sqrt(d) + 6.0))


def _solve(target, log_misses):
    if not log_misses:
        return 0.0

    def E(d):
        total = 0.0
        for m in log_misses:
            total = total + kexp(d * m)
        return total
    if E(0.0) <= target:
        return 0.0
    low, high = 0.0, 1.0
    while E(high) > target and high < 1.0e7:
        high = high * 2.0
    for _ in range(40):
        mid = (low + high) / 2.0
        if E(mid) > target:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0


# -- responder ----------------------------------------------------------------------------
class Responder:
    """One responder session. Rounds: `round_start` and `round_end` bound the round being
    collected; `pending` is True until it is answered; `last_answer` = (start, payloads) of the
    last answered round, sent again for the initiator's "still waiting" repeat."""

    def __init__(self, items):
        self.items = list(items)
        self.salt = None
        self.part = -1
        self.outcomes = []        # (part, initiator keys we lack, our ids it lacks, flags)
        self.part_ranges = {}     # part -> (lower, upper)
        self.results = []
        self.last_answer = None
        self.pending = False

    def _open(self, f):
        self.salt, self.part = f["salt"], f["part"]
        self.lower, self.upper = f["lower"], f["upper"]
        self.part_ranges[self.part] = (self.lower, self.upper)
        self.N = f["itemCount"]
        self.mine = sorted(it for it in self.items if in_range(it, self.lower, self.upper))
        self.keymap = {key_of(i, self.salt): i for _, i in self.mine}
        self.M = len(self.mine)
        self.end = 0
        self.D = []
        self.raw = []             # initiator minus ours, never peeled: for the estimate
        self.received = set()
        self.decoded = {}
        self.round_start = 0
        self.round_end = f["roundEnd"]
        self.limit = ROUND_MAX    # the largest roundEnd allowed now
        self.pending = True
        self.last_answer = None
        self.results = []

    def _grow(self, end):
        if end <= self.end:
            return
        ours = symbols(self.keymap.keys(), end, self.end)
        for s in ours:
            self.D.append([s[0], s[1], -s[2]])
            self.raw.append([s[0], s[1], -s[2]])
        for key, sign in self.decoded.items():   # keys decoded earlier apply to new indices too
            c = checksum(key)
            for i in walk(key, end):
                if i >= self.end:
                    self.D[i][0] ^= key; self.D[i][1] ^= c; self.D[i][2] -= sign
        self.end = end

    def _peel(self, work):
        while work:
            j = work.pop()
            d = self.D[j]
            if j in self.received and d[2] in (1, -1) and checksum(d[0]) == d[1] \
                    and d[0] not in self.decoded and j in walk(d[0], j + 1):
                key, sign = d[0], d[2]
                self.decoded[key] = sign
                c = checksum(key)
                for i in walk(key, self.end):
                    self.D[i][0] ^= key; self.D[i][1] ^= c; self.D[i][2] -= sign
                    if i in self.received:
                        work.append(i)

    def _estimate(self):
        """Reconciliation.md, "Kabar's responder policy, exactly": estimateDifference()."""
        c0 = float(self.raw[0][2]) if 0 in self.received else 0.0
        log_misses, empties, spread, weight = [], 0, 0.0, 0.0
        for j in range(1, self.end):
            if j not in self.received:
                continue
            p = 2.0 / (float(j) + 2.0)
            log_misses.append(kln(1.0 - p))
            if self.raw[j] == [0, 0, 0]:
                empties += 1
            dev = float(self.raw[j][2]) - p * c0
            spread = spread + dev * dev
            weight = weight + p * (1.0 - p)
        sharp = empties >= 2
        if sharp:
            guess = _solve(float(empties), log_misses)
        else:
            guess = max(_solve(0.5, log_misses), spread / weight if weight > 0 else 0.0)
        guess = max(guess, abs(c0), float(len(self.decoded) + 1))
        return int(math.ceil(min(guess, 32768.0))), sharp

    def _split(self, differences):
        """split(differences): bounds cut at our items of the part's range, with counts."""
        M = self.M
        pieces = min(differences // 2000 + 2, 33)
        piece_items = (M + pieces - 1) // pieces
        n = min(max(2, (M + piece_items - 1) // max(piece_items, 1)), 33)
        bounds = []
        for k in range(1, n):
            created, i = self.mine[(k * M) // n]
            b = (created, int.from_bytes(i[:8], "big"))
            if (self.lower is not None and b <= tuple(self.lower)) or (bounds and b <= bounds[-1]):
                continue
            bounds.append(b)
        if not bounds:
            return None
        edges = [self.lower] + bounds + [self.upper]
        counts = [sum(1 for it in self.mine if in_range(it, edges[k], edges[k + 1])) for k in range(len(bounds) + 1)]
        return enc_split(self.part, bounds, counts)

    def _answered(self, payloads, result=False):
        self.last_answer = (self.round_start, payloads)
        self.pending = False
        if result:
            self.results = payloads
        return payloads

    def _answer(self):
        complete = 0 in self.received and all(self.D[j] == [0, 0, 0] for j in self.received)
        if complete:
            plus = sorted(k for k, s in self.decoded.items() if s == 1)
            minus = [k for k, s in self.decoded.items() if s == -1]
            if any(k in self.keymap for k in plus) or any(k not in self.keymap for k in minus) \
                    or len(plus) - len(minus) != self.N - self.M:
                return self._answered([enc_abort(self.part, 2)])
            ids = sorted(self.keymap[k] for k in minus)
            self.outcomes.append((self.part, plus, ids, 0))
            return self._answered(enc_results(self.part, 0, plus, ids), result=True)
        estimate, sharp = self._estimate()
        if self.end >= SYMBOLS_MAX or estimate > 4000:
            split = self._split(estimate)
            if split is not None:
                return self._answered([split])
            if self.end >= SYMBOLS_MAX:
                return self._answered([enc_abort(self.part, 1)])
        share = 0.5 if len(self.received) < 64 else 0.85
        planned = estimate if sharp else int(float(estimate) * share)
        target = symbols_needed(planned)
        target = max(target, self.end + max(8, self.end // 4))
        target = min(target, self.end + ROUND_MAX, SYMBOLS_MAX)
        out = self._answered([enc_request(self.part, self.M, self.end, target)])
        # the next round: [end, target), unanswered
        self.round_start, self.round_end, self.limit = self.end, target, target
        self.pending = True
        return out

    def timeout(self):
        """500 ms without a payload: answer an incomplete round with what arrived."""
        if self.pending and any(j >= self.round_start for j in self.received):
            return self._answer()
        return []

    def receive(self, payload):
        f = parse(payload)
        t = f["type"]
        if t == 5:
            if f["part"] == self.part and self.results and f["frameCount"] == len(self.results):
                return [self.results[i] for i in f["missing"]]
            return []
        if t != 1:
            raise ReconError("unexpected payload type %d for a responder" % t)
        if f["salt"] != self.salt or f["part"] > self.part:
            if f["roundEnd"] > ROUND_MAX:
                raise ReconError("limitExceeded: first round past 4096")
            self._open(f)
            fp_mine = fingerprint([i for _, i in self.mine])[1]
            if f["fingerprint"] is not None and f["fingerprint"] == fp_mine and self.N == self.M:
                return self._answered([enc_insync(self.part)])
            if self.M == 0:
                self.outcomes.append((self.part, "want all", [], 1))
                return self._answered(enc_results(self.part, 1, [], []), result=True)
            if self.N == 0:
                self.outcomes.append((self.part, [], "give all", 4))
                return self._answered(enc_results(self.part, 4, [], []), result=True)
            if self.M <= 2048 and self.M <= abs(self.N - self.M):
                # list, as Kabar does: all our ids in item order (created, then id)
                ids = [i for _, i in self.mine]
                self.outcomes.append((self.part, "list", ids, 2))
                return self._answered(enc_results(self.part, 2, [], ids), result=True)
            if abs(self.N - self.M) > 4000:
                split = self._split(abs(self.N - self.M))
                if split is not None:
                    return self._answered([split])
            # otherwise decode
        elif f["part"] < self.part:
            return []
        if f["roundEnd"] > max(self.limit, self.round_end if self.round_start == 0 else 0):
            raise ReconError("round past the target asked for")
        self._grow(max(self.end, f["roundEnd"]))
        work = []
        for k, (ks, cs, cnt) in enumerate(f["symbols"]):
            j = f["firstIndex"] + k
            if j in self.received:
                continue
            self.D[j][0] ^= ks; self.D[j][1] ^= cs; self.D[j][2] += cnt
            self.raw[j][0] ^= ks; self.raw[j][1] ^= cs; self.raw[j][2] += cnt
            self.received.add(j)
            work.append(j)
        if not work:
            if self.last_answer is not None and f["firstIndex"] == self.last_answer[0] \
                    and not (self.pending and f["firstIndex"] == self.round_start):
                return self.last_answer[1]
            if self.pending and f["firstIndex"] == self.round_start:
                return self._answer()      # "still waiting": answer with what arrived
            return []
        self._peel(work)
        if self.pending and all(j in self.received for j in range(self.round_end)):
            return self._answer()
        return []
