/// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash that an attacker who does
/// not know the key cannot steer. Reconciliation keys are SipHash of a bulletin id under the
/// session's salt, so nobody can grind ids that collide ahead of a session.
struct SipHash24 {
    private var v0: UInt64
    private var v1: UInt64
    private var v2: UInt64
    private var v3: UInt64

    private init(key0: UInt64, key1: UInt64) {
        v0 = key0 ^ 0x736f_6d65_7073_6575
        v1 = key1 ^ 0x646f_7261_6e64_6f6d
        v2 = key0 ^ 0x6c79_6765_6e65_7261
        v3 = key1 ^ 0x7465_6462_7974_6573
    }

    /// SipHash-2-4 of `bytes` under the 128-bit key `(key0, key1)` (each word read little-endian,
    /// as the reference reads the 16 key bytes).
    static func hash(key0: UInt64, key1: UInt64, bytes: [UInt8]) -> UInt64 {
        var state = SipHash24(key0: key0, key1: key1)
        var offset = 0
        while offset + 8 <= bytes.count {
            state.absorb(littleEndianWord(bytes, offset, 8))
            offset += 8
        }
        let tail = littleEndianWord(bytes, offset, bytes.count - offset)
        return state.finish(tail | UInt64(truncatingIfNeeded: bytes.count) << 56)
    }

    /// SipHash-2-4 of the 32 bytes of `id` (the fast path for reconciliation keys).
    static func hash(key0: UInt64, key1: UInt64, id: BulletinID) -> UInt64 {
        var state = SipHash24(key0: key0, key1: key1)
        // The id's words are big-endian; SipHash reads its message little-endian.
        state.absorb(id.words.0.byteSwapped)
        state.absorb(id.words.1.byteSwapped)
        state.absorb(id.words.2.byteSwapped)
        state.absorb(id.words.3.byteSwapped)
        return state.finish(32 << 56)
    }

    private static func littleEndianWord(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> UInt64 {
        var word: UInt64 = 0
        for index in 0..<count {
            word |= UInt64(bytes[offset + index]) << UInt64(8 * index)
        }
        return word
    }

    private mutating func absorb(_ message: UInt64) {
        v3 ^= message
        round()
        round()
        v0 ^= message
    }

    private mutating func finish(_ lastBlock: UInt64) -> UInt64 {
        absorb(lastBlock)
        v2 ^= 0xff
        round()
        round()
        round()
        round()
        return v0 ^ v1 ^ v2 ^ v3
    }

    private mutating func round() {
        v0 &+= v1
        v1 = rotate(v1, 13)
        v1 ^= v0
        v0 = rotate(v0, 32)
        v2 &+= v3
        v3 = rotate(v3, 16)
        v3 ^= v2
        v0 &+= v3
        v3 = rotate(v3, 21)
        v3 ^= v0
        v2 &+= v1
        v1 = rotate(v1, 17)
        v1 ^= v2
        v2 = rotate(v2, 32)
    }

    private func rotate(_ value: UInt64, _ amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }
}

/// Fixed, unkeyed 64-bit mixing (the SplitMix64 / MurmurHash3 finaliser): a bijection that
/// spreads every input bit over every output bit. Used where no secret is needed.
@inline(__always)
func reconciliationMix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
