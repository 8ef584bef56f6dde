"""Kabar bulletins, version 1, from Documentation/Bulletin.md alone."""
import hashlib
import re
import struct

from . import ed25519

MAX_BYTES = 16384
DOMAIN = b"kabar-bulletin-v1\x00"
KINDS = {1: "post", 2: "retraction", 3: "grant", 4: "hide"}
TIME_MAX = 2**53 - 1
CHANNEL_RE = re.compile(rb"^[a-z][a-z0-9-]*\Z")
DAY = 86400000


class BulletinError(Exception):
    def __init__(self, reason, field=None, detail=""):
        super().__init__(reason + ("(%s)" % field if field else "") + (": " + detail if detail else ""))
        self.reason = reason
        self.field = field


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


TEXT_FIELDS = {2: "title", 3: "body"}
FIELD_NAMES = {1: "channel", 2: "title", 3: "body", 4: "references", 5: "supersedes", 6: "attachments",
               7: "grant"}


def text_allowed(ch, body):
    """Bulletin.md "Text": which scalars a title or a body may hold."""
    o = ord(ch)
    if o <= 0x1F or 0x7F <= o <= 0x9F:           # Cc
        return body and ch in "\t\n"
    if o in (0x2028, 0x2029):
        return body
    if 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
        return body
    return True


def _check_text(value, tag):
    name = TEXT_FIELDS[tag]
    limit = 200 if tag == 2 else 15000
    if len(value) > limit:
        raise BulletinError("fieldTooLong", name)
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        raise BulletinError("badUTF8", name)
    for ch in text:
        if not text_allowed(ch, tag == 3):
            raise BulletinError("controlCharacter", name)


def decode(data, now=None, check_signature=True):
    """Decodes and validates bytes into a Bulletin; raises BulletinError.

    Structure in the order of Bulletin.md "Rejections", then the signature, then (with `now`, ms)
    the dates: future bound, expiry, the channel's maximum lifetime (default table)."""
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise BulletinError("tooLarge")
    if len(data) < 50 + 64:
        raise BulletinError("truncated")
    version, kind = data[0], data[1]
    if version != 1:
        raise BulletinError("unknownVersion")
    if kind == 0:
        raise BulletinError("reservedKind")
    author = data[2:34]
    created, expires = struct.unpack(">QQ", data[34:50])
    if created > TIME_MAX or expires > TIME_MAX:
        raise BulletinError("timeOutOfRange")
    if expires <= created:
        raise BulletinError("invalidTimes")
    end = len(data) - 64
    pos = 50
    fields = {}
    last_tag = 0
    unknown = 0
    while pos < end:
        tag = data[pos]
        pos += 1
        if tag <= last_tag:
            raise BulletinError("nonCanonical", None, "tags not increasing")
        try:
            length, pos = read_varint(data[:end], pos)
        except BulletinError as e:
            raise BulletinError(e.reason, None, "field length")
        if length == 0:
            raise BulletinError("nonCanonical", None, "empty field")
        if pos + length > end:
            raise BulletinError("truncated", None, "field %d" % tag)
        value = data[pos:pos + length]
        pos += length
        last_tag = tag
        if tag >= 8:
            unknown += 1
            if unknown > 16:
                raise BulletinError("fieldTooLong", "unknown")
        _check_field(tag, value)
        fields[tag] = value
    b = Bulletin(kind, author, created, expires, fields, data[end:])
    _check_kind(b)
    if b.encode() != data:
        raise BulletinError("nonCanonical")
    if check_signature and not b.verify_signature():
        raise BulletinError("badSignature")
    if now is not None:
        if created > now + 10 * 60000:
            raise BulletinError("tooFarInFuture")
        if expires <= now:
            raise BulletinError("expired")
        if expires - created > max_lifetime(b.channel):
            raise BulletinError("lifetimeTooLong")
    return b


MAX_LIFETIME_DAYS = {"resmi": 180, "pengumuman": 90, "warga": 60, "pasar": 30, "kesehatan": 60,
                     "darurat": 14, "kabar": 365}


def max_lifetime(channel):
    return MAX_LIFETIME_DAYS.get(channel, 60) * DAY


def _ids(value, name):
    if len(value) % 32:
        raise BulletinError("truncated", None, name)
    ids = [value[i:i + 32] for i in range(0, len(value), 32)]
    if len(ids) > 16:
        raise BulletinError("fieldTooLong", name)
    if len(set(ids)) != len(ids):
        raise BulletinError("nonCanonical", None, name + " repeats an id")
    return ids


def parse_grant(g):
    if len(g) < 34:
        raise BulletinError("truncated", None, "grant")
    flags, count = g[32], g[33]
    if flags & ~3:
        raise BulletinError("nonCanonical", None, "grant flags")
    if count == 0:
        raise BulletinError("missingField", "grant")
    if count > 16:
        raise BulletinError("fieldTooLong", "grant")
    pos = 34
    names = []
    for _ in range(count):
        if pos >= len(g):
            raise BulletinError("truncated", None, "grant")
        n = g[pos]
        name = g[pos + 1:pos + 1 + n]
        if len(name) != n:
            raise BulletinError("truncated", None, "grant")
        if not CHANNEL_RE.match(name):
            raise BulletinError("invalidChannelName")
        names.append(name)
        pos += 1 + n
    if pos != len(g):
        raise BulletinError("nonCanonical", None, "grant trailing bytes")
    if names != sorted(set(names)):
        raise BulletinError("nonCanonical", None, "grant channels not sorted and unique")
    return {"grantee": g[:32], "may_grant": bool(flags & 1), "moderator": bool(flags & 2),
            "channels": [n.decode() for n in names]}


def _check_field(tag, value):
    if tag == 1:
        if not CHANNEL_RE.match(value) or len(value) > 32:
            raise BulletinError("invalidChannelName")
    elif tag in (2, 3):
        _check_text(value, tag)
    elif tag in (4, 6):
        _ids(value, FIELD_NAMES[tag])
    elif tag == 5:
        if len(value) != 32:
            raise BulletinError("fieldTooLong", "supersedes")
    elif tag == 7:
        parse_grant(value)


KIND_RULES = {   # kind: (must carry, must not carry), in the table's order
    1: ([1, 2], [7]),
    2: ([1, 4], [2, 3, 5, 6, 7]),
    3: ([1, 7], [2, 3, 4, 5, 6]),
    4: ([1, 4], [2, 3, 5, 6, 7]),
}


def _check_kind(b):
    must, must_not = KIND_RULES.get(b.kind, ([1], []))
    for tag in must:
        if tag not in b.fields:
            raise BulletinError("missingField", FIELD_NAMES[tag])
    for tag in must_not:
        if tag in b.fields:
            raise BulletinError("unexpectedField", FIELD_NAMES[tag])
