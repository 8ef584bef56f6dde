import Kabar
import KabarCrypto

/// A running digest of everything that happened in a run: every datagram sent and delivered
/// and every event a node reported, each with its virtual time and hosts.
///
/// Same seed, same scenario, same code: same digest. A different digest means the run went
/// differently, which is how a determinism regression shows up.
///
/// SHA-256 over a byte stream of records. Records are gathered in a buffer and handed to the
/// hasher 4 KiB at a time, so a delivery costs a few stores, not a hasher call.
struct TraceDigest {
    private var hasher = SHA256.Hasher()
    private var buffer: [UInt8]
    private static let flushBytes = 4_096

    init() {
        buffer = []
        buffer.reserveCapacity(Self.flushBytes + 64)
    }

    /// Mixes in one word, as its eight little-endian bytes.
    @inline(__always)
    mutating func combine(_ word: UInt64) {
        var value = word
        for _ in 0..<8 {
            buffer.append(UInt8(truncatingIfNeeded: value))
            value >>= 8
        }
        if buffer.count >= Self.flushBytes { flush() }
    }

    /// Mixes in an integer.
    @inline(__always)
    mutating func combine(_ value: Int) { combine(UInt64(bitPattern: Int64(value))) }

    /// Mixes in a byte string and its length.
    mutating func combine(bytes: [UInt8]) {
        combine(bytes.count)
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushBytes { flush() }
    }

    private mutating func flush() {
        hasher.update(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Mixes in an address.
    mutating func combine(_ address: PeerAddress) {
        switch address {
        case .simulated(let index):
            combine(0x51)
            combine(index)
        case .ipv4(let ip, let port):
            combine(0x34)
            combine(UInt64(ip) << 16 | UInt64(port))
        case .ipv6(let high, let low, let scope, let port):
            combine(0x36)
            combine(high)
            combine(low)
            combine(UInt64(scope) << 16 | UInt64(port))
        }
    }

    /// Mixes in a bulletin id.
    mutating func combine(_ id: BulletinID) {
        combine(id.words.0)
        combine(id.words.1)
        combine(id.words.2)
        combine(id.words.3)
    }

    /// The SHA-256 of the trace so far, as 64 hex digits.
    var hex: String {
        var copy = hasher
        copy.update(buffer)
        return Hex.encode(copy.finalize())
    }
}
