"""Kabar bulletins, version 1, from Documentation/Bulletin.md alone."""
import hashlib
import re
import struct

from . import ed25519

MAX_BYTES = 16384
DOMAIN = b"kabar-bulletin-v1\x00"
KINDS = {1: "post", 2: "retraction", 3: "grant", 4: "hide"}
TIME_MAX = 2**53 - 1
CHANNEL_RE = re.compile(rb"^[a-z][a-z0-9-]{0,31}$")
DAY = 86400000


class BulletinError(Exception):
    def __init__(self, reason, detail=""):
        super().__init__(reason + (": " + detail if detail else ""))
        self.reason = reason


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read_varint(buf, pos, err=BulletinError):
    """Canonical (shortest) unsigned LEB128; returns (value, new position)."""
    value = 0
    shift = 0
    start = pos
    while True:
        if pos >= len(buf):
            raise err("truncated", "varint")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            if b == 0 and pos - start > 1:
                raise err("nonCanonical", "varint not shortest")
            return value, pos
        shift += 7
        if shift > 63:
            raise err("nonCanonical", "varint too long")


class Bulletin:
    def __init__(self, kind, author, created, expires, fields, signature=b"", version=1):
        self.version = version
        self.kind = kind
        self.author = author
        self.created = created
        self.expires = expires
        self.fields = dict(fields)  # tag -> bytes
        self.signature = signature

    # -- encoding ---------------------------------------------------------
    def unsigned_bytes(self):
        out = bytearray(struct.pack(">BB", self.version, self.kind))
        out += self.author
        out += struct.pack(">QQ", self.created, self.expires)
        for tag in sorted(self.fields):
            value = self.fields[tag]
            out += bytes([tag]) + varint(len(value)) + value
        return bytes(out)

    def encode(self):
        return self.unsigned_bytes() + self.signature

    @property
    def id(self):
        return hashlib.sha256(self.encode()).digest()

    def sign(self, seed):
        self.signature = ed25519.sign(seed, DOMAIN + self.unsigned_bytes())
        return self

    def verify_signature(self):
        return ed25519.verify(self.author, DOMAIN + self.unsigned_bytes(), self.signature)

    @property
    def channel(self):
        return self.fields.get(1, b"").decode()

    @property
    def title(self):
        v = self.fields.get(2)
        return v.decode() if v is not None else None

    @property
    def body(self):
        v = self.fields.get(3)
        return v.decode() if v is not None else None


def make_post(seed, channel, title, body=None, created=None, lifetime=DAY, extra=None):
    import time
    if created is None:
        created = int(time.time() * 1000)
    fields = {1: channel.encode(), 2: title.encode()}
    if body:
        fields[3] = body.encode()
    for tag, value in (extra or {}).items():
        fields[tag] = value
    b = Bulletin(1, ed25519.public_key(seed), created, created + lifetime, fields)
    return b.sign(seed)


def _check_text(value, allow_newline):
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        raise BulletinError("badUTF8")
    for ch in text:
        o = ord(ch)
        # "control character": taken as Unicode Cc (gap 11 of issue 19).
        if o < 0x20 or 0x7F <= o <= 0x9F:
            if allow_newline and ch in "\n\t":
                continue
            raise BulletinError("controlCharacter")


def decode(data, now=None, check_signature=True):
    """Decodes and validates bytes into a Bulletin; raises BulletinError.

    The order of checks is Bulletin.md's: size, structure and canonical form, signature, dates.
    `now` (ms) enables the time rules (future bound, expiry, the 365-day hard maximum)."""
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise BulletinError("tooLarge")
    if len(data) < 50 + 64:
        if len(data) >= 1 and data[0] != 1:
            raise BulletinError("unknownVersion")
        raise BulletinError("truncated")
    version, kind = data[0], data[1]
    if version != 1:
        raise BulletinError("unknownVersion")
    if kind == 0:
        raise BulletinError("reservedKind")
    author = data[2:34]
    created, expires = struct.unpack(">QQ", data[34:50])
    end = len(data) - 64
    pos = 50
    fields = {}
    last_tag = 0
    unknown = 0
    while pos < end:
        tag = data[pos]
        pos += 1
        length, pos = read_varint(data, pos)
        if pos + length > end:
            raise BulletinError("truncated", "field %d" % tag)
        if tag <= last_tag:
            raise BulletinError("nonCanonical", "tags not increasing")
        if length == 0:
            raise BulletinError("nonCanonical", "empty field")
        fields[tag] = data[pos:pos + length]
        pos += length
        last_tag = tag
        if tag >= 8:
            unknown += 1
    if unknown > 16:
        raise BulletinError("fieldTooLong", "more than 16 unknown fields")
    b = Bulletin(kind, author, created, expires, fields, data[end:])
    if b.encode() != data:
        raise BulletinError("nonCanonical")
    _check_fields(b)
    if created > TIME_MAX or expires > TIME_MAX or expires <= created:
        raise BulletinError("invalidTimes")
    if check_signature and not b.verify_signature():
        raise BulletinError("badSignature")
    if now is not None:
        if created > now + 10 * 60000:
            raise BulletinError("tooFarInFuture")
        if expires <= now:
            raise BulletinError("expired")
        if expires - created > 365 * DAY:
            raise BulletinError("lifetimeTooLong")
    return b


def _ids(value, name, lo=1, hi=16):
    if len(value) % 32 or not lo <= len(value) // 32 <= hi:
        raise BulletinError("fieldTooLong", name)
    ids = [value[i:i + 32] for i in range(0, len(value), 32)]
    if len(set(ids)) != len(ids):
        raise BulletinError("nonCanonical", name + " repeats an id")
    return ids


def _check_fields(b):
    f = b.fields
    if 1 not in f:
        raise BulletinError("missingField", "channel")
    if len(f[1]) > 32:
        raise BulletinError("fieldTooLong", "channel")
    if not CHANNEL_RE.match(f[1]):
        raise BulletinError("invalidChannelName")
    if 2 in f:
        if len(f[2]) > 200:
            raise BulletinError("fieldTooLong", "title")
        _check_text(f[2], False)
    if 3 in f:
        if len(f[3]) > 15000:
            raise BulletinError("fieldTooLong", "body")
        _check_text(f[3], True)
    if 4 in f:
        _ids(f[4], "references")
    if 5 in f and len(f[5]) != 32:
        raise BulletinError("fieldTooLong", "supersedes")
    if 6 in f:
        _ids(f[6], "attachments")
    if 7 in f:
        g = f[7]
        if len(g) < 34:
            raise BulletinError("truncated", "grant")
        flags, count = g[32], g[33]
        if flags & ~3:
            raise BulletinError("nonCanonical", "grant flags")
        if not 1 <= count <= 16:
            raise BulletinError("fieldTooLong", "grant channels")
        pos = 34
        names = []
        for _ in range(count):
            if pos >= len(g):
                raise BulletinError("truncated", "grant")
            n = g[pos]
            name = g[pos + 1:pos + 1 + n]
            if len(name) != n:
                raise BulletinError("truncated", "grant")
            if not CHANNEL_RE.match(name):
                raise BulletinError("invalidChannelName")
            names.append(name)
            pos += 1 + n
        if pos != len(g):
            raise BulletinError("nonCanonical", "grant trailing bytes")
        if names != sorted(set(names)):
            raise BulletinError("nonCanonical", "grant channels not sorted and unique")
    must, must_not = {
        1: ({1, 2}, {7}),
        2: ({1, 4}, {2, 3, 5, 6, 7}),
        3: ({1, 7}, {2, 3, 4, 5, 6}),
        4: ({1, 4}, {2, 3, 5, 6, 7}),
    }.get(b.kind, ({1}, set()))
    for tag in sorted(must):
        if tag not in f:
            raise BulletinError("missingField", str(tag))
    for tag in sorted(must_not):
        if tag in f:
            raise BulletinError("unexpectedField", str(tag))
