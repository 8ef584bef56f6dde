"""Kabar export bundles (Documentation/Bundle.md), version 1 (bulletins) and 2 (blocks)."""
import hashlib
import struct

MAGIC = bytes([0x89, 0x4B, 0x42, 0x4E, 0x0D, 0x0A, 0x1A, 0x0A])


class BundleError(Exception):
    def __init__(self, reason, records=None):
        super().__init__(reason)
        self.reason = reason
        self.records = records


# The checksum covers the header, the records and the end marker: not the count (Bundle.md,
# "Trailer"; it said otherwise before issue 19).
HASH_COUNT = False


def encode(bulletins, hash_count=None):
    if hash_count is None:
        hash_count = HASH_COUNT
    out = bytearray(MAGIC + bytes([1, 0, 0, 0]))
    for b in bulletins:
        out += struct.pack(">I", len(b)) + b
    out += b"\x00\x00\x00\x00"
    count = struct.pack(">I", len(bulletins))
    if hash_count:
        out += count
        out += hashlib.sha256(out).digest()
    else:
        digest = hashlib.sha256(out).digest()
        out += count + digest
    return bytes(out)


def decode(data, hash_count=None):
    """Returns (records, problem): records a list of (kind, bytes), kind 'bulletin' or 'block';
    problem None, or a BundleError for damage after those records. Bundle.md's order of checks."""
    if hash_count is None:
        hash_count = HASH_COUNT
    if len(data) < 12 or data[:8] != MAGIC:
        raise BundleError("notABundle")
    version = data[8]
    if version not in (1, 2):
        raise BundleError("unsupportedVersion")
    if data[9:12] != b"\x00\x00\x00":
        raise BundleError("notABundle")
    pos = 12
    records = []
    while True:
        if pos + 4 > len(data):
            return records, BundleError("truncated", len(records))
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        pos += 4
        if length == 0:
            break
        kind = "bulletin"
        if version == 2 and length & 0x80000000:
            kind = "block"
            length &= 0x7FFFFFFF
            if length > 1024:
                return records, BundleError("recordTooLarge", len(records))
        elif length > 16384:
            return records, BundleError("recordTooLarge", len(records))
        if pos + length > len(data):
            return records, BundleError("truncated", len(records))
        records.append((kind, data[pos:pos + length]))
        pos += length
    end_marker = pos
    if pos + 36 > len(data):
        return records, BundleError("truncated", len(records))
    if pos + 36 != len(data):
        return records, BundleError("trailingBytes", len(records))
    (count,) = struct.unpack(">I", data[pos:pos + 4])
    digest = data[pos + 4:pos + 36]
    if count != len(records):
        return records, BundleError("countMismatch", len(records))
    covered = data[:end_marker + 4] if hash_count else data[:end_marker]
    if hashlib.sha256(covered).digest() != digest:
        return records, BundleError("checksumMismatch", len(records))
    return records, None
