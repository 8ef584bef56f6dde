/// SHA-256 (FIPS 180-4): one-shot and streaming. Standard library only.
///
///     SHA256.hash(Array("abc".utf8))   // ba7816bf...
public enum SHA256 {
    /// Bytes in a digest.
    public static let digestByteCount = 32
    /// Bytes in one compression block.
    public static let blockByteCount = 64

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

    /// Streaming SHA-256: `update` any number of times, then `finalize` once.
    public struct Hasher: Sendable {
        @usableFromInline var state: SHA256State = .initial
        /// Bytes waiting for a whole block; never holds a whole block after `update` returns.
        @usableFromInline var pending: [UInt8] = []
        /// Total bytes given to `update`.
        @usableFromInline var totalByteCount: UInt64 = 0

        /// A hasher with nothing hashed yet.
        public init() {
            pending.reserveCapacity(SHA256.blockByteCount)
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
                let take = min(SHA256.blockByteCount - pending.count, buffer.count)
                pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
                offset = take
                if pending.count < SHA256.blockByteCount { return }
                pending.withUnsafeBytes { state.compress(blocks: $0) }
                pending.removeAll(keepingCapacity: true)
            }
            let wholeBytes = (buffer.count - offset) / SHA256.blockByteCount * SHA256.blockByteCount
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
            let bitCount = totalByteCount &* 8
            var tail = pending
            tail.append(0x80)
            while tail.count % SHA256.blockByteCount != 56 { tail.append(0) }
            for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitCount >> UInt64(shift))) }
            tail.withUnsafeBytes { state.compress(blocks: $0) }
            pending.removeAll()
            return state.digest()
        }
    }
}

/// The eight chaining words of SHA-256 and its compression function.
@usableFromInline
struct SHA256State: Sendable {
    var h0, h1, h2, h3, h4, h5, h6, h7: UInt32

    @usableFromInline static let initial = SHA256State(
        h0: 0x6a09e667, h1: 0xbb67ae85, h2: 0x3c6ef372, h3: 0xa54ff53a,
        h4: 0x510e527f, h5: 0x9b05688c, h6: 0x1f83d9ab, h7: 0x5be0cd19)

    func digest() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
            out.append(UInt8(truncatingIfNeeded: word >> 24))
            out.append(UInt8(truncatingIfNeeded: word >> 16))
            out.append(UInt8(truncatingIfNeeded: word >> 8))
            out.append(UInt8(truncatingIfNeeded: word))
        }
        return out
    }

    /// Compresses every whole 64-byte block in `blocks` (whose count is a multiple of 64).
    mutating func compress(blocks: UnsafeRawBufferPointer) {
        let blockCount = blocks.count / 64
        guard blockCount > 0, let base = blocks.baseAddress else { return }
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
            let w = schedule.baseAddress!
            for block in 0..<blockCount {
                let bytes = base + block * 64
                for index in 0..<16 {
                    w[index] = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
                }
                for index in 16..<64 {
                    let x = w[index - 15], y = w[index - 2]
                    let s0 = x.rotateRight(7) ^ x.rotateRight(18) ^ (x >> 3)
                    let s1 = y.rotateRight(17) ^ y.rotateRight(19) ^ (y >> 10)
                    w[index] = w[index - 16] &+ s0 &+ w[index - 7] &+ s1
                }
                var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
                for index in 0..<64 {
                    let s1 = e.rotateRight(6) ^ e.rotateRight(11) ^ e.rotateRight(25)
                    let choose = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ choose &+ sha256RoundConstants[index] &+ w[index]
                    let s0 = a.rotateRight(2) ^ a.rotateRight(13) ^ a.rotateRight(22)
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

extension UInt32 {
    @inline(__always) func rotateRight(_ count: UInt32) -> UInt32 {
        (self >> count) | (self << (32 - count))
    }
}

let sha256RoundConstants: [UInt32] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]
