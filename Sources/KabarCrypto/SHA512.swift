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
        var state = SHA512State.initial
        let wholeBytes = buffer.count / blockByteCount * blockByteCount
        state.compress(blocks: UnsafeRawBufferPointer(rebasing: buffer[0..<wholeBytes]))
        return state.finish(tail: UnsafeRawBufferPointer(rebasing: buffer[wholeBytes...]), totalByteCount: UInt64(buffer.count))
    }

    /// Streaming SHA-512: `update` any number of times, then `finalize` once.
    public struct Hasher: Sendable {
        @usableFromInline var state: SHA512State = .initial
        /// Bytes waiting for a whole block; never holds a whole block after `update` returns.
        @usableFromInline var pending: [UInt8] = []
        /// Total bytes given to `update` (messages past 2^64 bytes are out of scope).
        @usableFromInline var totalByteCount: UInt64 = 0

        /// A hasher with nothing hashed yet.
        public init() {}

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
            let digest = pending.withUnsafeBytes { state.finish(tail: $0, totalByteCount: totalByteCount) }
            pending.removeAll()
            return digest
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

    /// Pads `tail` (fewer than 128 bytes: what is left after the whole blocks) for a message of
    /// `totalByteCount` bytes, compresses it, and returns the digest. Nothing on the heap but
    /// the digest itself.
    func finish(tail: UnsafeRawBufferPointer, totalByteCount: UInt64) -> [UInt8] {
        var state = self
        let paddedCount = tail.count < 112 ? 128 : 256
        withUnsafeTemporaryAllocation(byteCount: 256, alignment: 8) { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            if tail.count > 0 { raw.copyMemory(from: tail) }
            raw[tail.count] = 0x80
            raw.storeBytes(of: (totalByteCount >> 61).bigEndian, toByteOffset: paddedCount - 16, as: UInt64.self)
            raw.storeBytes(of: (totalByteCount &<< 3).bigEndian, toByteOffset: paddedCount - 8, as: UInt64.self)
            state.compress(blocks: UnsafeRawBufferPointer(rebasing: raw[0..<paddedCount]))
        }
        return [UInt8](unsafeUninitializedCapacity: 64) { out, initialized in
            let raw = UnsafeMutableRawBufferPointer(out)
            raw.storeBytes(of: state.h0.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: state.h1.bigEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: state.h2.bigEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: state.h3.bigEndian, toByteOffset: 24, as: UInt64.self)
            raw.storeBytes(of: state.h4.bigEndian, toByteOffset: 32, as: UInt64.self)
            raw.storeBytes(of: state.h5.bigEndian, toByteOffset: 40, as: UInt64.self)
            raw.storeBytes(of: state.h6.bigEndian, toByteOffset: 48, as: UInt64.self)
            raw.storeBytes(of: state.h7.bigEndian, toByteOffset: 56, as: UInt64.self)
            initialized = 64
        }
    }

    /// Compresses every whole 128-byte block in `blocks` (whose count is a multiple of 128).
    /// Rounds are unrolled (generated by Scripts/generate-sha2-rounds.py) with the message
    /// schedule in sixteen rolling locals, so nothing is allocated per block.
    mutating func compress(blocks: UnsafeRawBufferPointer) {
        guard let base = blocks.baseAddress else { return }
        var offset = 0
        while offset + 128 <= blocks.count {
            let bytes = base + offset
            @inline(__always) func load(_ index: Int) -> UInt64 {
                UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            }
            var w0 = load(0), w1 = load(1), w2 = load(2), w3 = load(3)
            var w4 = load(4), w5 = load(5), w6 = load(6), w7 = load(7)
            var w8 = load(8), w9 = load(9), w10 = load(10), w11 = load(11)
            var w12 = load(12), w13 = load(13), w14 = load(14), w15 = load(15)
            var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0x428a2f98d728ae22 &+ w0
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0x7137449123ef65cd &+ w1
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0xb5c0fbcfec4d3b2f &+ w2
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0xe9b5dba58189dbbc &+ w3
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x3956c25bf348b538 &+ w4
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0x59f111f1b605d019 &+ w5
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x923f82a4af194f9b &+ w6
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0xab1c5ed5da6d8118 &+ w7
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0xd807aa98a3030242 &+ w8
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0x12835b0145706fbe &+ w9
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0x243185be4ee4b28c &+ w10
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0x550c7dc3d5ffb4e2 &+ w11
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x72be5d74f27b896f &+ w12
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0x80deb1fe3b1696b1 &+ w13
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x9bdc06a725c71235 &+ w14
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0xc19bf174cf692694 &+ w15
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w0 &+= smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0xe49b69c19ef14ad2 &+ w0
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w1 &+= smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0xefbe4786384f25e3 &+ w1
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w2 &+= smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0x0fc19dc68b8cd5b5 &+ w2
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w3 &+= smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0x240ca1cc77ac9c65 &+ w3
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w4 &+= smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x2de92c6f592b0275 &+ w4
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w5 &+= smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0x4a7484aa6ea6e483 &+ w5
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w6 &+= smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x5cb0a9dcbd41fbd4 &+ w6
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w7 &+= smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0x76f988da831153b5 &+ w7
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w8 &+= smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0x983e5152ee66dfab &+ w8
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w9 &+= smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0xa831c66d2db43210 &+ w9
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w10 &+= smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0xb00327c898fb213f &+ w10
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w11 &+= smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0xbf597fc7beef0ee4 &+ w11
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w12 &+= smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0xc6e00bf33da88fc2 &+ w12
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w13 &+= smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0xd5a79147930aa725 &+ w13
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w14 &+= smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x06ca6351e003826f &+ w14
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w15 &+= smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0x142929670a0e6e70 &+ w15
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w0 &+= smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0x27b70a8546d22ffc &+ w0
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w1 &+= smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0x2e1b21385c26c926 &+ w1
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w2 &+= smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0x4d2c6dfc5ac42aed &+ w2
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w3 &+= smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0x53380d139d95b3df &+ w3
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w4 &+= smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x650a73548baf63de &+ w4
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w5 &+= smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0x766a0abb3c77b2a8 &+ w5
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w6 &+= smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x81c2c92e47edaee6 &+ w6
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w7 &+= smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0x92722c851482353b &+ w7
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w8 &+= smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0xa2bfe8a14cf10364 &+ w8
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w9 &+= smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0xa81a664bbc423001 &+ w9
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w10 &+= smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0xc24b8b70d0f89791 &+ w10
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w11 &+= smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0xc76c51a30654be30 &+ w11
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w12 &+= smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0xd192e819d6ef5218 &+ w12
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w13 &+= smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0xd69906245565a910 &+ w13
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w14 &+= smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0xf40e35855771202a &+ w14
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w15 &+= smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0x106aa07032bbd1b8 &+ w15
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w0 &+= smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0x19a4c116b8d2d0c8 &+ w0
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w1 &+= smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0x1e376c085141ab53 &+ w1
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w2 &+= smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0x2748774cdf8eeb99 &+ w2
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w3 &+= smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0x34b0bcb5e19b48a8 &+ w3
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w4 &+= smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x391c0cb3c5c95a63 &+ w4
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w5 &+= smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0x4ed8aa4ae3418acb &+ w5
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w6 &+= smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x5b9cca4f7763e373 &+ w6
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w7 &+= smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0x682e6ff3d6b2b8a3 &+ w7
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w8 &+= smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0x748f82ee5defb2fc &+ w8
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w9 &+= smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0x78a5636f43172f60 &+ w9
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w10 &+= smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0x84c87814a1f0ab72 &+ w10
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w11 &+= smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0x8cc702081a6439ec &+ w11
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w12 &+= smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x90befffa23631e28 &+ w12
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w13 &+= smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0xa4506cebde82bde9 &+ w13
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w14 &+= smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0xbef9a3f7b2c67915 &+ w14
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w15 &+= smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0xc67178f2e372532b &+ w15
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w0 &+= smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0xca273eceea26619c &+ w0
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w1 &+= smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0xd186b8c721c0c207 &+ w1
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w2 &+= smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0xeada7dd6cde0eb1e &+ w2
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w3 &+= smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0xf57d4f7fee6ed178 &+ w3
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w4 &+= smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x06f067aa72176fba &+ w4
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w5 &+= smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0x0a637dc5a2c898a6 &+ w5
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w6 &+= smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x113f9804bef90dae &+ w6
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w7 &+= smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0x1b710b35131c471b &+ w7
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w8 &+= smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0x28db77f523047d84 &+ w8
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w9 &+= smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0x32caab7b40c72493 &+ w9
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w10 &+= smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0x3c9ebe0a15c9bebc &+ w10
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w11 &+= smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0x431d67c49c100d4c &+ w11
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w12 &+= smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x4cc5d4becb3e42b6 &+ w12
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w13 &+= smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0x597f299cfc657e2a &+ w13
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w14 &+= smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x5fcb6fab3ad6faec &+ w14
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w15 &+= smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0x6c44198c4a475817 &+ w15
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d; h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
            _ = (w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w13, w14, w15)

            offset += 128
        }
    }

    @inline(__always) private func bigSigma0(_ x: UInt64) -> UInt64 { (x >> 28 | x << 36) ^ (x >> 34 | x << 30) ^ (x >> 39 | x << 25) }
    @inline(__always) private func bigSigma1(_ x: UInt64) -> UInt64 { (x >> 14 | x << 50) ^ (x >> 18 | x << 46) ^ (x >> 41 | x << 23) }
    @inline(__always) private func smallSigma0(_ x: UInt64) -> UInt64 { (x >> 1 | x << 63) ^ (x >> 8 | x << 56) ^ (x >> 7) }
    @inline(__always) private func smallSigma1(_ x: UInt64) -> UInt64 { (x >> 19 | x << 45) ^ (x >> 61 | x << 3) ^ (x >> 6) }
    @inline(__always) private func choose(_ x: UInt64, _ y: UInt64, _ z: UInt64) -> UInt64 { z ^ (x & (y ^ z)) }
    @inline(__always) private func majority(_ x: UInt64, _ y: UInt64, _ z: UInt64) -> UInt64 { (x & y) | (z & (x | y)) }
}
