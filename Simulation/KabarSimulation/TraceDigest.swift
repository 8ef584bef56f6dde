import Kabar

/// A running digest of everything that happened in a run: every datagram sent and delivered
/// and every event a node reported, each with its virtual time and hosts.
///
/// Same seed, same scenario, same code: same digest. A different digest means the run went
/// differently, which is how a determinism regression shows up.
///
/// This is 64-bit FNV-1a for now; it becomes SHA-256 (`KabarCrypto.SHA256.Hasher`) once that
/// lands. Only equality matters, never the particular value.
struct TraceDigest {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// Mixes in one word, as its eight little-endian bytes.
    @inline(__always)
    mutating func combine(_ word: UInt64) {
        var value = word
        for _ in 0..<8 {
            state = (state ^ (value & 0xff)) &* Self.prime
            value >>= 8
        }
    }

    /// Mixes in an integer.
    @inline(__always)
    mutating func combine(_ value: Int) { combine(UInt64(bitPattern: Int64(value))) }

    /// Mixes in a byte string and its length.
    mutating func combine(bytes: [UInt8]) {
        combine(bytes.count)
        for byte in bytes {
            state = (state ^ UInt64(byte)) &* Self.prime
        }
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

    /// The digest so far, as 16 hex digits.
    var hex: String {
        let digits = String(state, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
