/// SHA-512 (FIPS 180-4): one-shot and streaming. Standard library only. Ed25519 hashes with it.
///
///     SHA512.hash(Array("abc".utf8))   // ddaf35a1...
public enum SHA512 {
    /// Bytes in a digest.
    public static let digestByteCount = 64
    /// Bytes in one compression block.
    public static let blockByteCount = 128

    /// The digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The digest of the bytes in `buffer`.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = Hasher()
        hasher.update(buffer)
        return hasher.finalize()
    }

    /// Streaming SHA-512: `update` any number of times, then `finalize` once.
    public struct Hasher: Sendable {
        @usableFromInline var state: SHA512State = .initial
        /// Bytes waiting for a whole block; never holds a whole block after `update` returns.
        @usableFromInline var pending: [UInt8] = []
        /// Total bytes given to `update` (messages past 2^64 bytes are out of scope).
        @usableFromInline var totalByteCount: UInt64 = 0

        /// A hasher with nothing hashed yet.
        public init() {
            pending.reserveCapacity(SHA512.blockByteCount)
        }

        /// Adds `bytes` to the message.
        public mutating func update(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { update($0) }
        }

        /// Adds the bytes in `buffer` to the message.
        public mutating func update(_ buffer: UnsafeRawBufferPointer) {
            guard buffer.count > 0, let base = buffer.baseAddress else { return }
            totalByteCount &+= UInt64(buffer.count)
            var offset = 0
            if !pending.isEmpty {
                let take = min(SHA512.blockByteCount - pending.count, buffer.count)
                pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
                offset = take
                if pending.count < SHA512.blockByteCount { return }
                pending.withUnsafeBytes { state.compress(blocks: $0) }
                pending.removeAll(keepingCapacity: true)
            }
            let wholeBytes = (buffer.count - offset) / SHA512.blockByteCount * SHA512.blockByteCount
            if wholeBytes > 0 {
                state.compress(blocks: UnsafeRawBufferPointer(start: base + offset, count: wholeBytes))
                offset += wholeBytes
            }
            if offset < buffer.count {
                pending.append(contentsOf: UnsafeRawBufferPointer(start: base + offset, count: buffer.count - offset))
            }
        }

        /// The digest of everything given to `update`. Call once; the hasher is spent afterwards.
        public mutating func finalize() -> [UInt8] {
            let high = totalByteCount >> 61
            let low = totalByteCount &<< 3
            var tail = pending
            tail.append(0x80)
            while tail.count % SHA512.blockByteCount != 112 { tail.append(0) }
            for word in [high, low] {
                for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
            }
            tail.withUnsafeBytes { state.compress(blocks: $0) }
            pending.removeAll()
            return state.digest()
        }
    }
}

/// The eight chaining words of SHA-512 and its compression function.
@usableFromInline
struct SHA512State: Sendable {
    var h0, h1, h2, h3, h4, h5, h6, h7: UInt64

    @usableFromInline static let initial = SHA512State(
        h0: 0x6a09e667f3bcc908, h1: 0xbb67ae8584caa73b, h2: 0x3c6ef372fe94f82b, h3: 0xa54ff53a5f1d36f1,
        h4: 0x510e527fade682d1, h5: 0x9b05688c2b3e6c1f, h6: 0x1f83d9abfb41bd6b, h7: 0x5be0cd19137e2179)

    func digest() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(64)
        for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return out
    }

    /// Compresses every whole 128-byte block in `blocks` (whose count is a multiple of 128).
    mutating func compress(blocks: UnsafeRawBufferPointer) {
        let blockCount = blocks.count / 128
        guard blockCount > 0, let base = blocks.baseAddress else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 80) { schedule in
            let w = schedule.baseAddress!
            for block in 0..<blockCount {
                let bytes = base + block * 128
                for index in 0..<16 {
                    w[index] = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
                }
                for index in 16..<80 {
                    let x = w[index - 15], y = w[index - 2]
                    let s0 = x.rotateRight(1) ^ x.rotateRight(8) ^ (x >> 7)
                    let s1 = y.rotateRight(19) ^ y.rotateRight(61) ^ (y >> 6)
                    w[index] = w[index - 16] &+ s0 &+ w[index - 7] &+ s1
                }
                var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
                for index in 0..<80 {
                    let s1 = e.rotateRight(14) ^ e.rotateRight(18) ^ e.rotateRight(41)
                    let choose = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ choose &+ sha512RoundConstants[index] &+ w[index]
                    let s0 = a.rotateRight(28) ^ a.rotateRight(34) ^ a.rotateRight(39)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ majority
                    h = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
                h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
                h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
            }
        }
    }
}

extension UInt64 {
    @inline(__always) func rotateRight(_ count: UInt64) -> UInt64 {
        (self >> count) | (self << (64 - count))
    }
}

/// The first 64 bits of the fractional parts of the cube roots of the first 80 primes.
let sha512RoundConstants: [UInt64] = [
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
    0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
    0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
    0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
    0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
    0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
    0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
    0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
    0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
    0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
]
