import Kabar
import KabarCrypto

/// A running digest of everything that happened in a run: every datagram sent and delivered
/// and every event a node reported, each with its virtual time and hosts.
///
/// Same seed, same scenario, same code: same digest. A different digest means the run went
/// differently, which is how a determinism regression shows up.
///
/// SHA-256 over a byte stream of records. A send, a delivery or an event, the bulk of a run,
/// is first reduced to a 64-bit fingerprint of its fields (a send's datagram bytes included)
/// and chained into a running 64-bit value, which goes into the stream every
/// `chainLength` records: the hashing then costs a few multiplications per delivery, and any
/// change in any field or in the order still changes the digest (short of a 64-bit collision).
/// The stream reaches the hasher 4 KiB at a time.
struct TraceDigest {
    private var hasher = SHA256.Hasher()
    private var buffer: [UInt8]
    private var chain: UInt64 = 0
    private var chained = 0
    private static let flushBytes = 4_096
    private static let chainLength = 64

    init() {
        buffer = []
        buffer.reserveCapacity(Self.flushBytes + 64)
    }

    /// Mixes in one word, as its eight little-endian bytes, after any chained records (so a
    /// whole record always keeps its place in the order).
    @inline(__always)
    mutating func combine(_ word: UInt64) {
        if chained > 0 { emitChain() }
        append(word)
    }

    @inline(__always)
    private mutating func append(_ word: UInt64) {
        var value = word.littleEndian
        withUnsafeBytes(of: &value) { buffer.append(contentsOf: $0) }
        if buffer.count >= Self.flushBytes { flush() }
    }

    /// Mixes in an integer.
    @inline(__always)
    mutating func combine(_ value: Int) { combine(UInt64(bitPattern: Int64(value))) }

    /// Mixes in a byte string and its length, whole (for rare records).
    mutating func combine(bytes: [UInt8]) {
        combine(bytes.count)
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushBytes { flush() }
    }

    /// A 64-bit fingerprint of `bytes`, eight bytes per multiply: a datagram's contents enter
    /// the trace this way, twenty times cheaper than hashing them with SHA-256.
    static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            var state = UInt64(raw.count) &* 0x9E37_79B9_7F4A_7C15
            var offset = 0
            while offset + 8 <= raw.count {
                state = (state ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian) &* 0xBF58_476D_1CE4_E5B9
                state ^= state >> 29
                offset += 8
            }
            var tail: UInt64 = 0
            while offset < raw.count {
                tail = tail << 8 | UInt64(raw[offset])
                offset += 1
            }
            return mix(state ^ tail)
        }
    }

    /// Mixes in a four-field record as one 64-bit fingerprint (SplitMix64's finaliser chained
    /// over the fields: every input bit affects every output bit).
    @inline(__always)
    mutating func record(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) {
        chain = Self.mix(chain ^ Self.mix(Self.mix(Self.mix(Self.mix(a) ^ b) ^ c) ^ d))
        chained += 1
        if chained == Self.chainLength { emitChain() }
    }

    private mutating func emitChain() {
        chained = 0
        append(chain)
    }

    @inline(__always)
    static func mix(_ input: UInt64) -> UInt64 {
        var z = input &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func flush() {
        hasher.update(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// The SHA-256 of the trace so far, as 64 hex digits.
    var hex: String {
        var copy = self
        if copy.chained > 0 { copy.emitChain() }
        copy.hasher.update(copy.buffer)
        var hasher = copy.hasher
        return Hex.encode(hasher.finalize())
    }
}
